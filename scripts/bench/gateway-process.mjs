// @ts-check
/**
 * Runs the built gateway as a real child process for the bench: a throw-away state dir, a free
 * loopback port, HTTP probes, RSS readings and a SIGTERM stop that waits for the exit.
 */
import { execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { promises as fs, readFileSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

/** @returns {Promise<number>} a port free on 127.0.0.1 right now */
export function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => (port ? resolve(port) : reject(new Error('no free port'))));
    });
  });
}

/**
 * A temp `OPENCLAW_STATE_DIR` with a minimal local config and a random token; the log file goes
 * there too, so nothing of the bench lands in the shared tmp log.
 * @returns {Promise<{ dir: string, token: string, env: NodeJS.ProcessEnv, dispose: () => Promise<void> }>}
 */
export async function makeStateDir() {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'openclaw-bench-'));
  const token = randomBytes(24).toString('hex');
  const config = {
    gateway: { mode: 'local', auth: { mode: 'token', token } },
    logging: { file: path.join(dir, 'logs', 'openclaw.log') },
  };
  await fs.writeFile(path.join(dir, 'openclaw.json'), `${JSON.stringify(config, null, 2)}\n`, {
    mode: 0o600,
  });
  /** @type {NodeJS.ProcessEnv} */
  const env = { ...process.env, OPENCLAW_STATE_DIR: dir };
  // A token or config path inherited from the shell would override the bench's own.
  for (const key of [
    'OPENCLAW_GATEWAY_TOKEN',
    'OPENCLAW_GATEWAY_PASSWORD',
    'OPENCLAW_CONFIG_PATH',
    'OPENCLAW_GATEWAY_PORT',
  ])
    delete env[key];
  return { dir, token, env, dispose: () => fs.rm(dir, { recursive: true, force: true }) };
}

/**
 * One GET on a fresh socket; the status, or undefined when nothing answers (yet).
 * @param {number} port
 * @param {string} pathname
 * @param {number} [timeoutMs]
 * @returns {Promise<number | undefined>}
 */
export function httpStatus(port, pathname, timeoutMs = 1000) {
  return new Promise((resolve) => {
    const req = http.get(
      { host: '127.0.0.1', port, path: pathname, agent: false, timeout: timeoutMs },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode));
        res.on('error', () => resolve(undefined));
      },
    );
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(undefined));
  });
}

/**
 * Polls until `pathname` answers 200; resolves with performance.now() at that answer.
 * @param {number} port
 * @param {string} pathname
 * @param {{ timeoutMs: number, intervalMs?: number, exited?: () => boolean }} options
 */
export async function waitFor200(port, pathname, options) {
  const deadline = performance.now() + options.timeoutMs;
  while (performance.now() < deadline) {
    if (options.exited?.()) throw new Error(`gateway exited before ${pathname} answered 200`);
    const status = await httpStatus(port, pathname, Math.max(50, deadline - performance.now()));
    if (status === 200) return performance.now();
    await sleep(options.intervalMs ?? 2);
  }
  throw new Error(`${pathname} did not answer 200 within ${options.timeoutMs} ms`);
}

/**
 * @typedef {{
 *   pid: number,
 *   port: number,
 *   spawnedAt: number,
 *   exit: Promise<{ code: number | null, signal: NodeJS.Signals | null }>,
 *   exited: () => boolean,
 *   stderrTail: () => string,
 *   kill: (signal?: NodeJS.Signals) => void,
 * }} GatewayProcess
 */

/**
 * Node flags the gateway image's ENTRYPOINT runs the gateway with (docker/gateway.Dockerfile), so
 * the bench measures what users run; scripts/bench.test.ts checks the two agree.
 */
export const GATEWAY_NODE_FLAGS = ['--max-semi-space-size=1'];

/**
 * Spawns `node <bundle> gateway run --port <port> --bind loopback` directly (no shell, no npm:
 * the pid is the gateway's own, for RSS). `spawnedAt` is taken right before spawn().
 * `nodeArgs` go to node itself after GATEWAY_NODE_FLAGS (`--cpu-prof` to see where a start-up goes).
 * @param {{ bundle: string, port: number, env: NodeJS.ProcessEnv, args?: string[], nodeArgs?: string[] }} options
 * @returns {GatewayProcess}
 */
export function spawnGateway(options) {
  const args = [
    ...GATEWAY_NODE_FLAGS,
    ...(options.nodeArgs ?? []),
    options.bundle,
    'gateway',
    'run',
    '--port',
    String(options.port),
    '--bind',
    'loopback',
    ...(options.args ?? []),
  ];
  const spawnedAt = performance.now();
  const child = spawn(process.execPath, args, {
    env: options.env,
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let tail = '';
  // Drained always (a full pipe would stall the gateway's logger); the tail explains failures.
  child.stderr?.setEncoding('utf8');
  child.stderr?.on('data', (chunk) => {
    tail = (tail + chunk).slice(-4000);
  });
  let done = false;
  /** @type {Promise<{ code: number | null, signal: NodeJS.Signals | null }>} */
  const exit = new Promise((resolve) => {
    child.once('exit', (code, signal) => {
      done = true;
      resolve({ code, signal });
    });
    child.once('error', () => {
      done = true;
      resolve({ code: null, signal: null });
    });
  });
  if (child.pid === undefined) throw new Error(`could not spawn ${process.execPath}`);
  return {
    pid: child.pid,
    port: options.port,
    spawnedAt,
    exit,
    exited: () => done,
    stderrTail: () => tail,
    kill: (signal = 'SIGTERM') => {
      if (!done) child.kill(signal);
    },
  };
}

/**
 * SIGTERM, then wait for the exit; SIGKILL after `graceMs`. Resolves with how long the graceful
 * stop took and whether it was clean (exit code 0).
 * @param {GatewayProcess} gateway
 * @param {number} [graceMs]
 */
export async function stopGateway(gateway, graceMs = 6000) {
  if (gateway.exited()) return { ms: 0, clean: false, ...(await gateway.exit) };
  const started = performance.now();
  gateway.kill('SIGTERM');
  const timer = setTimeout(() => gateway.kill('SIGKILL'), graceMs);
  const result = await gateway.exit;
  clearTimeout(timer);
  return { ms: performance.now() - started, clean: result.code === 0, ...result };
}

/**
 * Resident set size of `pid` in bytes (and the peak, where /proc has it).
 * @param {number} pid
 * @returns {{ rss: number, peak: number | null, source: string }}
 */
export function readRss(pid) {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (/** @type {string} */ key) => {
      const match = new RegExp(`^${key}:\\s+(\\d+)\\s+kB`, 'm').exec(status);
      return match ? Number(match[1]) * 1024 : null;
    };
    const rss = kb('VmRSS');
    if (rss !== null) return { rss, peak: kb('VmHWM'), source: '/proc/<pid>/status' };
  } catch {
    // not Linux (macOS dev machines): ps below
  }
  const out = execFileSync('ps', ['-o', 'rss=', '-p', String(pid)], { encoding: 'utf8' }).trim();
  const kb = Number.parseInt(out, 10);
  if (!Number.isFinite(kb)) throw new Error(`cannot read the RSS of pid ${pid}`);
  return { rss: kb * 1024, peak: null, source: 'ps -o rss=' };
}

/**
 * Starts a gateway and waits until it is ready (/readyz 200); stops it if that fails.
 * @param {{ bundle: string, env: NodeJS.ProcessEnv, timeoutMs?: number }} options
 */
export async function startReadyGateway(options) {
  const port = await freePort();
  const gateway = spawnGateway({ bundle: options.bundle, port, env: options.env });
  try {
    await waitFor200(port, '/readyz', {
      timeoutMs: options.timeoutMs ?? 15_000,
      intervalMs: 10,
      exited: gateway.exited,
    });
  } catch (err) {
    await stopGateway(gateway);
    throw withTail(err, gateway);
  }
  return gateway;
}

/**
 * @param {unknown} err
 * @param {GatewayProcess} gateway
 */
export function withTail(err, gateway) {
  const message = err instanceof Error ? err.message : String(err);
  const tail = gateway.stderrTail().trim().split('\n').slice(-8).join('\n');
  return new Error(tail ? `${message}\n--- gateway stderr (last lines) ---\n${tail}` : message);
}
