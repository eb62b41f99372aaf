// @ts-check
/**
 * Gateway bench: cold start, idle RSS, connect/request latency through the reference client and
 * RSS under 500 authenticated connections, all against the built bundle in real child
 * processes on loopback. Every loop is bounded and every spawned gateway is stopped.
 */
import { spawn } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import WebSocket from 'ws';
import {
  freePort,
  makeStateDir,
  readRss,
  spawnGateway,
  startReadyGateway,
  stopGateway,
  waitFor200,
  withTail,
} from './gateway-process.mjs';
import { environmentInfo, metric } from './report.mjs';
import { median, summarize } from './stats.mjs';

/** @typedef {import('./report.mjs').Metric} Metric */
/** @typedef {import('./report.mjs').SectionResult} SectionResult */

export const TARGETS = {
  coldStartMs: 300,
  idleRssMb: 80,
  roundTripP50Ms: 5,
  rss500Mb: 150,
};

const FULL = { coldRuns: 7, floorRuns: 5, idleMs: 2000, connects: 200, requests: 1000, connections: 500 };
const QUICK = { coldRuns: 3, floorRuns: 2, idleMs: 500, connects: 20, requests: 100, connections: 50 };
const WARMUP_CONNECTS = 10;
const WARMUP_REQUESTS = 50;
/** Handshakes in flight at once while opening the many connections (bounded socket churn). */
const OPEN_CONCURRENCY = 50;
const MB = 1024 * 1024;

/**
 * @param {{ bundle: string, quick?: boolean, log?: (line: string) => void }} options
 * @returns {Promise<SectionResult>}
 */
export async function runGatewayBench(options) {
  const plan = options.quick ? QUICK : FULL;
  const log = options.log ?? (() => {});
  const startedAt = new Date();
  const t0 = performance.now();
  /** @type {Metric[]} */
  const metrics = [];
  /** @type {Record<string, unknown>} */
  const data = { plan, targets: TARGETS };
  /** @type {string[]} */
  const errors = [];
  const state = await makeStateDir();

  /**
   * Runs one phase; a failure is recorded and the remaining phases still run.
   * @param {string} name
   * @param {() => Promise<void>} fn
   * @param {Metric[]} onFailure metrics reported as n/a (MISS when targeted) if the phase fails
   */
  const phase = async (name, fn, onFailure) => {
    log(`gateway: ${name}...`);
    try {
      await fn();
    } catch (err) {
      errors.push(`${name}: ${err instanceof Error ? err.message : String(err)}`);
      metrics.push(...onFailure);
    }
  };

  try {
    await phase(
      'cold start',
      async () => {
        const runs = await coldStarts(options.bundle, state.env, plan.coldRuns);
        const floor = await nodeFloor(plan.floorRuns);
        const healthz = runs.map((r) => r.healthzMs);
        const readyz = runs.map((r) => r.readyzMs);
        data.coldStart = { runs, floorMs: floor, healthz: summarize(healthz), readyz: summarize(readyz) };
        metrics.push(
          metric('cold_start_healthz_ms', 'cold start to /healthz 200', median(healthz), 'ms', {
            target: { op: '<', value: TARGETS.coldStartMs },
            detail: `median of ${runs.length}, min ${Math.min(...healthz).toFixed(0)}, max ${Math.max(...healthz).toFixed(0)}`,
          }),
          metric('cold_start_readyz_ms', 'cold start to /readyz 200', median(readyz), 'ms', { detail: `median of ${runs.length}` }),
          metric('node_floor_ms', 'bare node http server to 200 (floor)', median(floor), 'ms', { detail: `median of ${floor.length}` }),
          metric('sigterm_stop_ms', 'SIGTERM to exit', median(runs.map((r) => r.stopMs)), 'ms', {
            detail: `${runs.filter((r) => r.cleanExit).length}/${runs.length} exit 0`,
          }),
        );
      },
      [metric('cold_start_healthz_ms', 'cold start to /healthz 200', null, 'ms', { target: { op: '<', value: TARGETS.coldStartMs } })],
    );

    /** @type {import('./gateway-process.mjs').GatewayProcess | undefined} */
    let gateway;
    try {
      await phase(
        'idle RSS',
        async () => {
          gateway = await startReadyGateway({ bundle: options.bundle, env: state.env });
          await sleep(plan.idleMs);
          const rss = readRss(gateway.pid);
          data.idle = { ...rss, idleMs: plan.idleMs };
          metrics.push(
            metric('idle_rss_mb', 'idle RSS', rss.rss / MB, 'MB', {
              target: { op: '<', value: TARGETS.idleRssMb },
              detail: `${plan.idleMs / 1000} s after ready`,
            }),
          );
        },
        [metric('idle_rss_mb', 'idle RSS', null, 'MB', { target: { op: '<', value: TARGETS.idleRssMb } })],
      );

      await phase(
        'client round trips',
        async () => {
          if (!gateway) throw new Error('no gateway (idle RSS phase failed)');
          const url = `ws://127.0.0.1:${gateway.port}`;
          const trips = await connectRoundTrips(url, state.token, plan.connects).catch((err) => {
            throw withTail(err, /** @type {import('./gateway-process.mjs').GatewayProcess} */ (gateway));
          });
          const requests = await requestRoundTrips(url, state.token, plan.requests);
          data.connectRoundTrip = { total: summarize(trips.totalMs), helloOk: summarize(trips.helloMs) };
          data.healthRequest = summarize(requests);
          const total = summarize(trips.totalMs);
          const req = summarize(requests);
          const target = /** @type {const} */ ({ op: '<', value: TARGETS.roundTripP50Ms });
          metrics.push(
            metric('connect_health_p50_ms', 'connect+hello+health p50', total.p50, 'ms', { target, detail: `${total.n} fresh GatewayClients` }),
            metric('connect_health_p99_ms', 'connect+hello+health p99', total.p99, 'ms'),
            metric('connect_hello_p50_ms', 'connect to hello-ok p50', summarize(trips.helloMs).p50, 'ms'),
            metric('health_request_p50_ms', '`health` request p50', req.p50, 'ms', { target, detail: `${req.n} on one connection` }),
            metric('health_request_p99_ms', '`health` request p99', req.p99, 'ms'),
          );
        },
        [
          metric('connect_health_p50_ms', 'connect+hello+health p50', null, 'ms', { target: { op: '<', value: TARGETS.roundTripP50Ms } }),
        ],
      );
    } finally {
      if (gateway) await stopGateway(gateway);
    }

    await phase(
      `${plan.connections} connections`,
      async () => {
        const result = await manyConnections(options.bundle, state.env, state.token, plan.connections);
        data.connections = result;
        metrics.push(
          metric(`rss_${plan.connections}_connections_mb`, `RSS with ${plan.connections} authenticated connections`, result.rss / MB, 'MB', {
            target: { op: '<', value: TARGETS.rss500Mb },
            detail: `+${((result.rss - result.rssBefore) / 1024 / plan.connections).toFixed(1)} kB/connection`,
          }),
          metric(`open_${plan.connections}_connections_ms`, `open+authenticate ${plan.connections} connections`, result.openMs, 'ms', {
            detail: `${OPEN_CONCURRENCY} in flight`,
          }),
        );
      },
      [
        metric(`rss_${plan.connections}_connections_mb`, `RSS with ${plan.connections} authenticated connections`, null, 'MB', {
          target: { op: '<', value: TARGETS.rss500Mb },
        }),
      ],
    );
  } finally {
    await state.dispose();
  }

  return {
    section: 'gateway',
    startedAt: startedAt.toISOString(),
    durationMs: Math.round(performance.now() - t0),
    environment: { ...environmentInfo(), bundle: options.bundle, quick: Boolean(options.quick) },
    metrics,
    data,
    ...(errors.length > 0 ? { error: errors.join('\n') } : {}),
  };
}

// ---------------------------------------------------------------------------------------------

/**
 * @param {string} bundle
 * @param {NodeJS.ProcessEnv} env
 * @param {number} runs
 */
async function coldStarts(bundle, env, runs) {
  /** @type {{ healthzMs: number, readyzMs: number, stopMs: number, cleanExit: boolean }[]} */
  const results = [];
  for (let i = 0; i < runs; i++) {
    const port = await freePort();
    const gateway = spawnGateway({ bundle, port, env });
    try {
      const live = await waitFor200(port, '/healthz', { timeoutMs: 10_000, exited: gateway.exited });
      const ready = await waitFor200(port, '/readyz', { timeoutMs: 10_000, exited: gateway.exited });
      const stop = await stopGateway(gateway);
      results.push({ healthzMs: live - gateway.spawnedAt, readyzMs: ready - gateway.spawnedAt, stopMs: stop.ms, cleanExit: stop.clean });
    } catch (err) {
      await stopGateway(gateway);
      throw withTail(err, gateway);
    }
  }
  return results;
}

/**
 * What a cold start cannot beat on this machine: `node` itself answering HTTP from a one-liner.
 * @param {number} runs
 */
async function nodeFloor(runs) {
  const script = "require('node:http').createServer((q,s)=>s.end()).listen(+process.argv[1],'127.0.0.1')";
  /** @type {number[]} */
  const samples = [];
  for (let i = 0; i < runs; i++) {
    const port = await freePort();
    const started = performance.now();
    const child = spawn(process.execPath, ['-e', script, String(port)], { stdio: 'ignore' });
    const exit = new Promise((resolve) => child.once('exit', resolve));
    try {
      samples.push((await waitFor200(port, '/', { timeoutMs: 10_000 })) - started);
    } finally {
      child.kill('SIGTERM');
      await exit;
    }
  }
  return samples;
}

/**
 * @typedef {{ request: (method: string, params?: unknown) => Promise<unknown>, stopAndWait: (o?: { timeoutMs?: number }) => Promise<void>, stop: () => void }} BenchClient
 */

/**
 * A fresh reference `GatewayClient` (token auth, default backend identity, read scope), resolved
 * at hello-ok. Bounded: no reconnect loop outlives `timeoutMs`.
 * @param {string} url
 * @param {string} token
 * @param {number} [timeoutMs]
 * @returns {Promise<BenchClient>}
 */
async function connectClient(url, token, timeoutMs = 10_000) {
  const { GatewayClient } = await import('@openclaw/gateway-client');
  return new Promise((resolve, reject) => {
    let settled = false;
    /** @param {Error | undefined} err */
    const settle = (err) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (err) {
        client.stop();
        reject(err);
      } else resolve(client);
    };
    const client = new GatewayClient({
      url,
      token,
      scopes: ['operator.read'],
      clientVersion: 'bench',
      onHelloOk: () => settle(undefined),
      onConnectError: (err) => settle(err),
    });
    const timer = setTimeout(() => settle(new Error(`no hello-ok from ${url} within ${timeoutMs} ms`)), timeoutMs);
    client.start();
  });
}

/**
 * @param {string} url
 * @param {string} token
 * @param {number} n
 */
async function connectRoundTrips(url, token, n) {
  /** @type {number[]} */
  const totalMs = [];
  /** @type {number[]} */
  const helloMs = [];
  for (let i = 0; i < WARMUP_CONNECTS + n; i++) {
    const started = performance.now();
    const client = await connectClient(url, token);
    const hello = performance.now();
    try {
      await client.request('health', {});
    } finally {
      const done = performance.now();
      if (i >= WARMUP_CONNECTS) {
        totalMs.push(done - started);
        helloMs.push(hello - started);
      }
      await client.stopAndWait({ timeoutMs: 2000 });
    }
  }
  return { totalMs, helloMs };
}

/**
 * @param {string} url
 * @param {string} token
 * @param {number} n
 */
async function requestRoundTrips(url, token, n) {
  const client = await connectClient(url, token);
  /** @type {number[]} */
  const samples = [];
  try {
    for (let i = 0; i < WARMUP_REQUESTS + n; i++) {
      const started = performance.now();
      await client.request('health', {});
      if (i >= WARMUP_REQUESTS) samples.push(performance.now() - started);
    }
  } finally {
    await client.stopAndWait({ timeoutMs: 2000 });
  }
  return samples;
}

/**
 * Opens a raw `ws` connection and performs the v4 handshake by hand (500 reference clients would
 * measure the bench more than the gateway): challenge, connect, ok.
 * @param {string} url
 * @param {string} token
 * @param {number} index
 * @param {number} [timeoutMs]
 * @returns {Promise<WebSocket>}
 */
function openAuthenticated(url, token, index, timeoutMs = 15_000) {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url);
    const id = `bench-connect-${index}`;
    const fail = (/** @type {Error} */ err) => {
      clearTimeout(timer);
      ws.terminate();
      reject(err);
    };
    const timer = setTimeout(() => fail(new Error(`connection ${index}: no hello-ok within ${timeoutMs} ms`)), timeoutMs);
    ws.on('error', (err) => fail(err));
    ws.on('close', (code, reason) => fail(new Error(`connection ${index} closed during the handshake: ${code} ${reason.toString()}`)));
    ws.on('message', (raw) => {
      /** @type {{ type?: string, event?: string, id?: string, ok?: boolean, error?: { code?: string, message?: string } }} */
      let frame;
      try {
        frame = JSON.parse(raw.toString());
      } catch {
        fail(new Error(`connection ${index}: non-JSON frame`));
        return;
      }
      if (frame.type === 'event' && frame.event === 'connect.challenge') {
        ws.send(
          JSON.stringify({
            type: 'req',
            id,
            method: 'connect',
            params: {
              minProtocol: 4,
              maxProtocol: 4,
              client: { id: 'gateway-client', version: 'bench', platform: process.platform, mode: 'backend' },
              role: 'operator',
              scopes: ['operator.read'],
              auth: { token },
            },
          }),
        );
      } else if (frame.type === 'res' && frame.id === id) {
        if (!frame.ok) {
          fail(new Error(`connection ${index}: connect refused: ${frame.error?.code ?? '?'} ${frame.error?.message ?? ''}`));
          return;
        }
        clearTimeout(timer);
        ws.removeAllListeners('close');
        ws.removeAllListeners('message');
        ws.removeAllListeners('error');
        ws.on('error', () => {}); // a reset while held open must not crash the bench
        resolve(ws);
      }
    });
  });
}

/**
 * Fresh gateway; RSS ready-and-idle, then with `count` authenticated connections held open.
 * @param {string} bundle
 * @param {NodeJS.ProcessEnv} env
 * @param {string} token
 * @param {number} count
 */
async function manyConnections(bundle, env, token, count) {
  const gateway = await startReadyGateway({ bundle, env });
  /** @type {WebSocket[]} */
  const sockets = [];
  try {
    await sleep(500);
    const before = readRss(gateway.pid);
    const url = `ws://127.0.0.1:${gateway.port}`;
    const started = performance.now();
    let next = 0;
    const worker = async () => {
      while (next < count) {
        const index = next++;
        sockets.push(await openAuthenticated(url, token, index));
      }
    };
    await Promise.all(Array.from({ length: Math.min(OPEN_CONCURRENCY, count) }, worker)).catch((err) => {
      throw withTail(err, gateway);
    });
    const openMs = performance.now() - started;
    await sleep(1000); // let the handshake garbage settle; RSS is what stays
    const held = readRss(gateway.pid);
    return { count: sockets.length, openMs, rssBefore: before.rss, rss: held.rss, peak: held.peak, source: held.source };
  } finally {
    await closeAll(sockets);
    await stopGateway(gateway);
  }
}

/** @param {WebSocket[]} sockets */
async function closeAll(sockets) {
  await Promise.race([
    Promise.all(
      sockets.map(
        (ws) =>
          new Promise((resolve) => {
            if (ws.readyState === WebSocket.CLOSED) return resolve(undefined);
            ws.once('close', resolve);
            ws.close(1000, 'bench done');
          }),
      ),
    ),
    sleep(5000),
  ]);
  for (const ws of sockets) ws.terminate();
}
