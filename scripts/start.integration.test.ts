/**
 * `npm start` headless as a user runs and stops it: the real scripts/start.mjs and host processes,
 * a private data folder, HOME and loopback port. Every wait is bounded. Linux/macOS only (signals
 * between processes; /proc or ps for the process tree).
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { promises as fs } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import WebSocket from 'ws';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { freePort as osFreePort } from '../gateway/testing/free-port.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const START = path.join(ROOT, 'scripts', 'start.mjs');
const STARTUP_MS = 45_000;
const STOP_MS = 20_000;

interface Running {
  proc: ChildProcess;
  output: () => string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

let dataDir: string;
let home: string;
const started: Running[] = [];
const extraPids: number[] = [];

beforeEach(async () => {
  dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'openclaw-start-data-'));
  home = await fs.mkdtemp(path.join(os.tmpdir(), 'openclaw-start-home-'));
});

afterEach(async () => {
  // Never leave a process of ours behind, whatever the test did.
  for (const r of started.splice(0)) if (r.proc.exitCode === null) r.proc.kill('SIGKILL');
  for (const pid of extraPids.splice(0)) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
  await fs.rm(dataDir, { recursive: true, force: true });
  await fs.rm(home, { recursive: true, force: true });
});

/** A loopback port free right now, chosen by the OS. */
function freePort(): Promise<number> {
  return osFreePort();
}

function portFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

function env(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const base = { ...process.env };
  // Run as if typed in a terminal, not under the `npm test` that may be running this file.
  delete base.npm_lifecycle_event;
  delete base.OPENCLAW_DESKTOP_PORT;
  return { ...base, OPENCLAW_DESKTOP_DATA_DIR: dataDir, HOME: home, ...extra };
}

function launch(
  command: string,
  args: string[],
  extraEnv: Record<string, string> = {},
  options: { ownGroup?: boolean } = {},
): Running {
  const proc = spawn(command, args, {
    cwd: ROOT,
    env: env(extraEnv),
    stdio: ['ignore', 'pipe', 'pipe'],
    // Its own process group, like a job in a terminal: a group signal is what Ctrl+C sends.
    detached: options.ownGroup ?? false,
  });
  let text = '';
  proc.stdout!.on('data', (d: Buffer) => (text += d.toString()));
  proc.stderr!.on('data', (d: Buffer) => (text += d.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    proc.once('exit', (code, signal) => resolve({ code, signal })),
  );
  const running = { proc, output: () => text, exited };
  started.push(running);
  return running;
}

function startApp(port: number, options: { ownGroup?: boolean } = {}): Running {
  return launch(process.execPath, [START, '--headless', '--port', String(port)], {}, options);
}

async function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      promise,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms: ${what}`)), ms);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

async function until(check: () => boolean | Promise<boolean>, ms: number, what: string) {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms: ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function launchUrl(app: Running): Promise<string> {
  await until(
    () => /#hostToken=/.test(app.output()) || app.proc.exitCode !== null,
    STARTUP_MS,
    'the launch URL',
  );
  const match = /(http:\/\/127\.0\.0\.1:\d+\/#hostToken=[\w-]+)/.exec(app.output());
  if (!match?.[1]) throw new Error(`no launch URL; output:\n${app.output()}`);
  return match[1];
}

/** pid of the host process, from the instance file it wrote. */
async function hostPid(): Promise<number> {
  const raw = await fs.readFile(path.join(dataDir, 'headless-instance.json'), 'utf8');
  const { pid } = JSON.parse(raw) as { pid: number };
  extraPids.push(pid); // killed in afterEach should a test fail before it ends
  return pid;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function parentOf(pid: number): number {
  const out = spawnSync('ps', ['-o', 'ppid=', '-p', String(pid)])
    .stdout.toString()
    .trim();
  return Number(out);
}

async function expectAllGone(pids: number[], port: number) {
  await until(() => pids.every((p) => !alive(p)), STOP_MS, `processes ${pids.join(', ')} to end`);
  await until(() => portFree(port), 5000, `port ${port} to be free`);
  await expect(fs.stat(path.join(dataDir, 'headless-instance.json'))).rejects.toThrow(/ENOENT/);
}

/** Authenticate to the host API with a launch URL's token: proves the link is real and unused. */
function authenticate(url: string): Promise<string> {
  const { port, hash } = new URL(url);
  return within(
    new Promise<string>((resolve, reject) => {
      const ws = new WebSocket(`ws://127.0.0.1:${port}/host`, {
        headers: { Origin: `http://127.0.0.1:${port}` },
      });
      ws.once('open', () =>
        ws.send(JSON.stringify({ type: 'auth', token: hash.replace('#hostToken=', '') })),
      );
      ws.once('message', (d) => {
        resolve((JSON.parse(d.toString()) as { type: string }).type);
        ws.close();
      });
      ws.once('close', (code) => resolve(`closed ${code}`));
      ws.once('error', reject);
    }),
    5000,
    'host API authentication',
  );
}

describe.skipIf(process.platform === 'win32')(
  'npm start --headless: start, stop, start again',
  () => {
    it('a second start hands out a fresh working link; SIGTERM then ends both processes', async () => {
      const port = await freePort();
      const first = startApp(port);
      const firstUrl = await launchUrl(first);
      const host = await hostPid();
      expect(parentOf(host)).toBe(first.proc.pid);

      const second = startApp(port);
      const result = await within(second.exited, STARTUP_MS, 'the second start to exit');
      expect(result.code).toBe(0);
      expect(second.output()).toMatch(
        new RegExp(
          `OpenClaw Desktop is already running \\(pid ${host}\\) at http://127\\.0\\.0\\.1:${port}/`,
        ),
      );
      expect(second.output()).not.toMatch(/EADDRINUSE/);
      const secondUrl = /(http:\/\/127\.0\.0\.1:\d+\/#hostToken=[\w-]+)/.exec(second.output())?.[1];
      expect(secondUrl).toBeDefined();
      expect(secondUrl).not.toBe(firstUrl);
      expect(await authenticate(secondUrl!)).toBe('auth-ok');
      expect(await authenticate(secondUrl!)).toBe('closed 4401');

      first.proc.kill('SIGTERM');
      expect(await within(first.exited, STOP_MS, 'npm start to exit')).toEqual({
        code: 0,
        signal: null,
      });
      await expectAllGone([host], port);
      expect(first.output()).toMatch(/Stopping OpenClaw Desktop \(SIGTERM\)/);
    }, 120_000);

    it.each(['SIGINT', 'SIGHUP'] as const)(
      '%s to the whole job, as a terminal sends it (Ctrl+C, closed window), stops it cleanly once',
      async (signal) => {
        const port = await freePort();
        const app = startApp(port, { ownGroup: true });
        await launchUrl(app);
        const host = await hostPid();
        process.kill(-app.proc.pid!, signal);
        expect((await within(app.exited, STOP_MS, 'npm start to exit')).code).toBe(0);
        await expectAllGone([host], port);
        // One graceful stop: the host did not also get the terminal's copy of the signal, which
        // would have read as "stop at once".
        const reason = signal === 'SIGHUP' ? 'SIGTERM' : 'SIGINT';
        expect(app.output()).toContain(`Stopping OpenClaw Desktop (${reason})`);
        expect(app.output()).not.toContain('Stopping at once');
      },
      90_000,
    );

    it('Ctrl+C on `npm start` in a terminal (SIGINT to npm, its shell and the wrapper) stops it once', async () => {
      const port = await freePort();
      const npm = launch(
        'npm',
        ['start', '--silent', '--', '--headless', '--port', String(port)],
        { npm_config_update_notifier: 'false' },
        { ownGroup: true },
      );
      await launchUrl(npm);
      const host = await hostPid();
      const wrapper = parentOf(host);
      extraPids.push(wrapper);
      process.kill(-npm.proc.pid!, 'SIGINT');
      await within(npm.exited, STOP_MS, 'npm to exit');
      await expectAllGone([wrapper, host], port);
      expect(npm.output()).toContain('Stopping OpenClaw Desktop (SIGINT)');
      expect(npm.output()).not.toContain('Stopping at once');
    }, 90_000);

    it('SIGTERM to every process at once (systemctl stop) still stops gracefully', async () => {
      const port = await freePort();
      const app = startApp(port);
      await launchUrl(app);
      const host = await hostPid();
      app.proc.kill('SIGTERM');
      process.kill(host, 'SIGTERM');
      expect((await within(app.exited, STOP_MS, 'npm start to exit')).code).toBe(0);
      await expectAllGone([host], port);
      expect(app.output()).toContain('Stopping OpenClaw Desktop (SIGTERM)');
      expect(app.output()).not.toContain('Stopping at once');
    }, 90_000);

    it("npm's shell dying on SIGTERM (npm passes it to `sh -c` only) still ends the app", async () => {
      const port = await freePort();
      // `; exit $?` keeps sh from exec-ing node, as npm's `sh -c` does for `npm start`.
      const shell = launch(
        'sh',
        ['-c', `"${process.execPath}" "${START}" --headless --port ${port}; exit $?`],
        { npm_lifecycle_event: 'start' },
      );
      await launchUrl(shell);
      const host = await hostPid();
      const wrapper = parentOf(host);
      expect(parentOf(wrapper)).toBe(shell.proc.pid);
      extraPids.push(wrapper);

      shell.proc.kill('SIGTERM');
      await within(shell.exited, STOP_MS, 'sh to exit');
      await expectAllGone([wrapper, host], port);
    }, 90_000);

    it('the host ends by itself when npm start is killed outright (SIGKILL)', async () => {
      const port = await freePort();
      const app = startApp(port);
      await launchUrl(app);
      const host = await hostPid();
      app.proc.kill('SIGKILL');
      await expectAllGone([host], port);
    }, 90_000);

    it('an instance file left by a dead process does not block the next start', async () => {
      const port = await freePort();
      const dead = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']);
      await fs.writeFile(
        path.join(dataDir, 'headless-instance.json'),
        JSON.stringify({
          pid: Number(dead.stdout.toString()),
          hostname: os.hostname(),
          port,
          secret: 's'.repeat(32),
          startedAt: 1,
        }),
      );
      const app = startApp(port);
      expect(await launchUrl(app)).toContain(`http://127.0.0.1:${port}/#hostToken=`);
      const host = await hostPid();
      expect(host).not.toBe(Number(dead.stdout.toString()));
      app.proc.kill('SIGTERM');
      expect((await within(app.exited, STOP_MS, 'npm start to exit')).code).toBe(0);
      await expectAllGone([host], port);
    }, 90_000);

    it('a port held by another program is named, with the way to pick another', async () => {
      const port = await freePort();
      const squatter = net.createServer();
      await new Promise<void>((r) => squatter.listen(port, '127.0.0.1', r));
      try {
        const app = startApp(port);
        const result = await within(app.exited, STARTUP_MS, 'the start to give up');
        expect(result.code).toBe(1);
        expect(app.output()).toContain(
          `Port ${port} on 127.0.0.1 is already in use by another program`,
        );
        expect(app.output()).toContain(`npm start -- --port ${port + 1}`);
        expect(app.output()).toContain('OPENCLAW_DESKTOP_PORT=');
        expect(app.output()).not.toMatch(/listen EADDRINUSE/);
        await expect(fs.stat(path.join(dataDir, 'headless-instance.json'))).rejects.toThrow(
          /ENOENT/,
        );
      } finally {
        squatter.close();
      }
    }, 90_000);
  },
);
