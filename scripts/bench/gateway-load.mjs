// @ts-check
/**
 * Load on a running gateway: fresh reference clients (connect, hello-ok, one request), many
 * requests on one client, and many raw authenticated connections held open.
 */
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';
import WebSocket from 'ws';
import { readRss, startReadyGateway, stopGateway, withTail } from './gateway-process.mjs';
import { summarize } from './stats.mjs';

const WARMUP_CONNECTS = 10;
const WARMUP_REQUESTS = 50;
/** Handshakes in flight at once while opening the many connections (bounded socket churn). */
export const OPEN_CONCURRENCY = 50;

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
    const timer = setTimeout(
      () => settle(new Error(`no hello-ok from ${url} within ${timeoutMs} ms`)),
      timeoutMs,
    );
    client.start();
  });
}

/**
 * @param {string} url
 * @param {string} token
 * @param {number} n
 */
export async function connectRoundTrips(url, token, n) {
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
export async function requestRoundTrips(url, token, n) {
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
    const timer = setTimeout(
      () =>
        fail(
          Object.assign(
            new Error(`connection ${index}: no hello-ok within ${Math.round(timeoutMs)} ms`),
            { timedOut: true },
          ),
        ),
      timeoutMs,
    );
    ws.on('error', (err) => fail(err));
    ws.on('close', (code, reason) =>
      fail(
        new Error(`connection ${index} closed during the handshake: ${code} ${reason.toString()}`),
      ),
    );
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
              client: {
                id: 'gateway-client',
                version: 'bench',
                platform: process.platform,
                mode: 'backend',
              },
              role: 'operator',
              scopes: ['operator.read'],
              auth: { token },
            },
          }),
        );
      } else if (frame.type === 'res' && frame.id === id) {
        if (!frame.ok) {
          fail(
            new Error(
              `connection ${index}: connect refused: ${frame.error?.code ?? '?'} ${frame.error?.message ?? ''}`,
            ),
          );
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
 * Fresh gateway; RSS ready-and-idle, then with up to `count` authenticated connections held
 * open. Opening stops at `deadlineMs` (a gateway whose per-connection cost grows with the
 * connection count would otherwise take minutes): the RSS is then measured with what got in,
 * and the shortfall is reported.
 * @param {string} bundle
 * @param {NodeJS.ProcessEnv} env
 * @param {string} token
 * @param {number} count
 * @param {number} deadlineMs
 */
export async function manyConnections(bundle, env, token, count, deadlineMs) {
  const gateway = await startReadyGateway({ bundle, env });
  /** @type {WebSocket[]} */
  const sockets = [];
  /** @type {number[]} */
  const handshakeMs = [];
  try {
    await sleep(500);
    const before = readRss(gateway.pid);
    const url = `ws://127.0.0.1:${gateway.port}`;
    const started = performance.now();
    const deadline = started + deadlineMs;
    let next = 0;
    const worker = async () => {
      while (next < count && performance.now() < deadline) {
        const index = next++;
        const t = performance.now();
        sockets.push(await openAuthenticated(url, token, index, Math.max(1000, deadline - t)));
        handshakeMs.push(performance.now() - t);
      }
    };
    const settled = await Promise.allSettled(
      Array.from({ length: Math.min(OPEN_CONCURRENCY, count) }, worker),
    );
    const openMs = performance.now() - started;
    const failures = settled.filter((r) => r.status === 'rejected');
    // Timeouts at the deadline are the shortfall reported below; anything else is a real failure.
    const hard = failures.find((r) => r.status === 'rejected' && !r.reason?.timedOut);
    if (hard && hard.status === 'rejected') throw withTail(hard.reason, gateway);
    await sleep(1000); // let the handshake garbage settle; RSS is what stays
    const held = readRss(gateway.pid);
    return {
      requested: count,
      count: sockets.length,
      openMs,
      deadlineMs,
      handshake: summarize(handshakeMs),
      rssBefore: before.rss,
      rss: held.rss,
      peak: held.peak,
      source: held.source,
    };
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

/**
 * Issue 10's attack, measured: `sockets` upgraded sockets that never send `connect`, each
 * announcing one 25 MiB frame and streaming up to `bytesEach` of it, while a real client keeps
 * asking `health`. Reports the gateway's RSS growth (peak sampled every 50 ms) and the client's
 * latencies. Every socket is destroyed and the loop ends at `deadlineMs`.
 * @param {number} port
 * @param {number} pid
 * @param {string} token
 * @param {{ sockets: number, bytesEach: number, deadlineMs: number }} plan
 */
export async function preauthFlood(port, pid, token, plan) {
  const client = await connectClient(`ws://127.0.0.1:${port}`, token);
  for (let i = 0; i < WARMUP_REQUESTS; i++) await client.request('health', {});
  await sleep(200);
  const rssBefore = readRss(pid).rss;
  let rssPeak = rssBefore;
  const sampler = setInterval(() => {
    try {
      rssPeak = Math.max(rssPeak, readRss(pid).rss);
    } catch {
      // the gateway exited: the phase fails below
    }
  }, 50);
  // The attack runs in its own process: in this one, 50 streaming sockets would slow the
  // measuring client's event loop and the p99 would be the client's, not the gateway's.
  const { spawn } = await import('node:child_process');
  const attacker = spawn(
    process.execPath,
    [
      fileURLToPath(new URL('./preauth-attacker.mjs', import.meta.url)),
      String(port),
      String(plan.sockets),
      String(plan.bytesEach),
      String(plan.deadlineMs),
    ],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  let output = '';
  attacker.stdout.on('data', (d) => (output += d));
  let attackDone = false;
  const attack = new Promise((resolve) => attacker.once('exit', resolve)).finally(
    () => (attackDone = true),
  );
  const deadline = Date.now() + plan.deadlineMs + 5_000;
  /** @type {number[]} */
  const healthMs = [];
  while (!attackDone && Date.now() < deadline) {
    const started = performance.now();
    await client.request('health', {});
    healthMs.push(performance.now() - started);
    await sleep(5);
  }
  if (!attackDone) attacker.kill('SIGKILL');
  await attack;
  await sleep(250);
  clearInterval(sampler);
  await client.stopAndWait({ timeoutMs: 2000 });
  /** @type {{ upgraded: number, refused: number, bytesSent: number }} */
  let counts;
  try {
    counts = JSON.parse(output.trim().split('\n').at(-1) ?? '');
  } catch {
    throw new Error(`the pre-auth attacker printed no counts: ${output.slice(0, 200)}`);
  }
  return {
    ...counts,
    sockets: plan.sockets,
    bytesEach: plan.bytesEach,
    rssBefore,
    rssPeak,
    health: summarize(healthMs),
  };
}
