// @ts-check
/**
 * Agent bench: chat runs through the built gateway in a real child process, its model a custom
 * `openai-completions` provider pointing at the OpenAI stand-in in instant mode (every request
 * answered at once from a default turn, no pauses), so the figures are the gateway's own cost:
 * `chat.send` ack, first `chat` delta and final (sequential runs after a warm-up), idle RSS with
 * the agent runtime loaded, RSS while 20 sessions stream at once, and cold start with the agent
 * configured. The stand-in is bundled from its TypeScript source with esbuild for this run.
 */
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';
import { ROOT } from '../build.mjs';
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
  firstDeltaP50Ms: 20,
  finalP50Ms: 30,
  idleRssMb: 90,
  coldStartMs: 300,
};

/** Upstream OpenClaw 2026.9.6 measured the same way on this machine (for the detail column). */
const UPSTREAM = { ackMs: 24, firstDeltaMs: 184, finalMs: 204, finalP90Ms: 716 };

const FULL = { coldRuns: 5, warmup: 20, runs: 200, turnsPerSession: 20, streams: 20, idleMs: 2000 };
const QUICK = { coldRuns: 2, warmup: 5, runs: 30, turnsPerSession: 10, streams: 5, idleMs: 500 };
const MB = 1024 * 1024;
const API_KEY = 'sk-bench-0123456789abcdef';
/** ~60 characters in 8 deltas: a short answer, streamed as providers do. */
const ANSWER = 'Sure: the gateway answered this through the instant stand-in.';

/** Bundles gateway/testing/openai-stand-in.ts and imports it. */
async function loadStandIn() {
  const esbuild = await import('esbuild');
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'openclaw-bench-standin-'));
  const outfile = path.join(dir, 'openai-stand-in.mjs');
  await esbuild.build({
    entryPoints: [path.join(ROOT, 'gateway/testing/openai-stand-in.ts')],
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    outfile,
    logLevel: 'silent',
  });
  /** @type {{ startOpenAiStandIn: (o: Record<string, unknown>) => Promise<{ baseUrl: string, requests: unknown[], script: { enqueue: (...t: unknown[]) => void }, close: () => Promise<void> }> }} */
  const mod = await import(pathToFileURL(outfile).href);
  return { mod, dispose: () => fs.rm(dir, { recursive: true, force: true }) };
}

/**
 * @param {string} stateDir
 * @param {string} token
 * @param {string} baseUrl
 */
async function writeAgentConfig(stateDir, token, baseUrl) {
  const config = {
    gateway: { mode: 'local', auth: { mode: 'token', token } },
    logging: { file: path.join(stateDir, 'logs', 'openclaw.log') },
    models: {
      providers: {
        instant: {
          baseUrl,
          apiKey: API_KEY,
          api: 'openai-completions',
          models: [{ id: 'instant-1', name: 'Instant stand-in', input: ['text'] }],
        },
      },
    },
    agents: {
      defaults: { model: 'instant/instant-1', workspace: path.join(stateDir, 'workspace') },
    },
  };
  await fs.writeFile(path.join(stateDir, 'openclaw.json'), `${JSON.stringify(config, null, 2)}\n`, {
    mode: 0o600,
  });
}

/**
 * A reference client with write scope that routes `chat` events to per-run waiters.
 * @param {string} url
 * @param {string} token
 */
async function connectChatClient(url, token) {
  const { GatewayClient } = await import('@openclaw/gateway-client');
  /** @type {Map<string, { delta?: number, final?: number, state?: string, wake: () => void }>} */
  const runs = new Map();
  /** @type {InstanceType<typeof GatewayClient>} */
  let client;
  await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('no hello-ok within 10 s')), 10_000);
    client = new GatewayClient({
      url,
      token,
      scopes: ['operator.write'],
      clientVersion: 'bench',
      requestTimeoutMs: 30_000,
      onEvent: (evt) => {
        if (evt.event !== 'chat') return;
        const now = performance.now();
        const p = /** @type {{ runId?: string, state?: string }} */ (evt.payload);
        const run = runs.get(String(p.runId));
        if (!run) return;
        if (p.state === 'delta') run.delta ??= now;
        else {
          run.final = now;
          run.state = p.state;
        }
        run.wake();
      },
      onHelloOk: () => {
        clearTimeout(timer);
        resolve(undefined);
      },
      onConnectError: (err) => {
        clearTimeout(timer);
        reject(err);
      },
    });
    client.start();
  });
  /**
   * One run: ack, first delta and final times from the call.
   * @param {string} sessionKey
   * @param {string} runId
   */
  const run = async (sessionKey, runId) => {
    /** @type {{ delta?: number, final?: number, state?: string, wake: () => void }} */
    const entry = { wake: () => {} };
    runs.set(runId, entry);
    const started = performance.now();
    await client.request('chat.send', { sessionKey, message: 'hello', idempotencyKey: runId });
    const acked = performance.now();
    const deadline = started + 30_000;
    while (entry.final === undefined) {
      if (performance.now() > deadline) throw new Error(`run ${runId} did not end within 30 s`);
      await new Promise((resolve) => {
        entry.wake = () => resolve(undefined);
        setTimeout(resolve, 1000);
      });
    }
    runs.delete(runId);
    if (entry.state !== 'final') throw new Error(`run ${runId} ended ${entry.state}, not final`);
    return {
      ackMs: acked - started,
      firstDeltaMs: (entry.delta ?? entry.final) - started,
      finalMs: entry.final - started,
    };
  };
  // @ts-expect-error assigned in the promise above
  return { run, stop: () => client.stopAndWait({ timeoutMs: 2000 }).catch(() => client.stop()) };
}

/**
 * @param {{ bundle: string, quick?: boolean, log?: (line: string) => void }} options
 * @returns {Promise<SectionResult>}
 */
export async function runAgentBench(options) {
  const plan = options.quick ? QUICK : FULL;
  const log = options.log ?? (() => {});
  const startedAt = new Date();
  const t0 = performance.now();
  /** @type {Metric[]} */
  const metrics = [];
  /** @type {string[]} */
  const errors = [];
  /** @type {Record<string, unknown>} */
  const data = { plan, targets: TARGETS, upstream: UPSTREAM, errors };
  const { mod, dispose } = await loadStandIn();
  const standIn = await mod.startOpenAiStandIn({
    apiKey: API_KEY,
    defaultTurn: { reply: 'text', text: ANSWER, chunkSize: 8 },
  });
  const state = await makeStateDir();
  await writeAgentConfig(state.dir, state.token, standIn.baseUrl);
  try {
    log('agent: cold start with the agent configured...');
    try {
      /** @type {number[]} */
      const readyz = [];
      for (let i = 0; i < plan.coldRuns; i++) {
        const port = await freePort();
        const gw = spawnGateway({ bundle: options.bundle, port, env: state.env });
        try {
          const at = await waitFor200(port, '/readyz', {
            timeoutMs: 15_000,
            intervalMs: 2,
            exited: gw.exited,
          });
          readyz.push(at - gw.spawnedAt);
        } catch (err) {
          throw withTail(err, gw);
        } finally {
          await stopGateway(gw);
        }
      }
      data.coldStart = summarize(readyz);
      metrics.push(
        metric(
          'agent_cold_start_readyz_ms',
          'cold start to /readyz (agent configured)',
          median(readyz),
          'ms',
          {
            target: { op: '<', value: TARGETS.coldStartMs },
            detail: `median of ${readyz.length}`,
          },
        ),
      );
    } catch (err) {
      errors.push(`cold start: ${err instanceof Error ? err.message : String(err)}`);
      metrics.push(
        metric(
          'agent_cold_start_readyz_ms',
          'cold start to /readyz (agent configured)',
          null,
          'ms',
          { target: { op: '<', value: TARGETS.coldStartMs } },
        ),
      );
    }

    const gw = await startReadyGateway({ bundle: options.bundle, env: state.env });
    const url = `ws://127.0.0.1:${gw.port}`;
    const client = await connectChatClient(url, state.token);
    try {
      log(`agent: first run (loads the agent runtime), then idle ${plan.idleMs} ms...`);
      await client.run('agent:main:warm-0', 'warm-first');
      await sleep(plan.idleMs);
      const idle = readRss(gw.pid);
      data.idleRss = idle;
      metrics.push(
        metric('agent_idle_rss_mb', 'idle RSS, agent runtime loaded', idle.rss / MB, 'MB', {
          target: { op: '<', value: TARGETS.idleRssMb },
          detail: `after the first run and ${plan.idleMs} ms idle`,
        }),
      );
      log(`agent: ${plan.warmup} warm-up runs, then idle ${plan.idleMs} ms...`);
      for (let i = 0; i < plan.warmup; i++)
        await client.run(`agent:main:warm-${i % 2}`, `warm-${i}`);
      await sleep(plan.idleMs);
      const warm = readRss(gw.pid);
      data.warmRss = warm;
      metrics.push(
        metric('agent_warm_rss_mb', 'idle RSS after the warm-up runs', warm.rss / MB, 'MB', {
          // V8 collects lazily: most of the growth is garbage a full GC returns.
          detail: `after ${plan.warmup} more runs and ${plan.idleMs} ms idle, before any full GC`,
        }),
      );

      log(`agent: ${plan.runs} sequential runs...`);
      /** @type {Array<{ ackMs: number, firstDeltaMs: number, finalMs: number }>} */
      const samples = [];
      for (let i = 0; i < plan.runs; i++) {
        const session = `agent:main:bench-${Math.floor(i / plan.turnsPerSession)}`;
        samples.push(await client.run(session, `bench-${i}`));
      }
      const ack = summarize(samples.map((s) => s.ackMs));
      const delta = summarize(samples.map((s) => s.firstDeltaMs));
      const final = summarize(samples.map((s) => s.finalMs));
      data.runs = { ack, firstDelta: delta, final };
      const of = `${samples.length} sequential runs, ${plan.turnsPerSession} turns per session`;
      metrics.push(
        metric('agent_chat_ack_p50_ms', 'chat.send ack p50', ack.p50, 'ms', {
          detail: `${of}; upstream ${UPSTREAM.ackMs} ms`,
        }),
        metric('agent_first_delta_p50_ms', 'chat.send to first delta p50', delta.p50, 'ms', {
          target: { op: '<', value: TARGETS.firstDeltaP50Ms },
          detail: `p90 ${delta.p90.toFixed(1)} ms; upstream ${UPSTREAM.firstDeltaMs} ms`,
        }),
        metric('agent_final_p50_ms', 'chat.send to final p50', final.p50, 'ms', {
          target: { op: '<', value: TARGETS.finalP50Ms },
          detail: `upstream ${UPSTREAM.finalMs} ms`,
        }),
        metric('agent_final_p90_ms', 'chat.send to final p90', final.p90, 'ms', {
          detail: `p99 ${final.p99.toFixed(1)} ms; upstream p90 ${UPSTREAM.finalP90Ms} ms`,
        }),
      );

      log(`agent: ${plan.streams} sessions streaming at once...`);
      // Slow answers (a pause between deltas) so all streams are open at the same time.
      for (let i = 0; i < plan.streams; i++) {
        standIn.script.enqueue({
          reply: 'text',
          text: ANSWER.repeat(8),
          chunkSize: 8,
          delayMs: 15,
        });
      }
      let peak = 0;
      const sampler = setInterval(() => {
        peak = Math.max(peak, readRss(gw.pid).rss);
      }, 20);
      const streamClients = await Promise.all(
        Array.from({ length: plan.streams }, () => connectChatClient(url, state.token)),
      );
      try {
        const results = await Promise.all(
          streamClients.map((c, i) => c.run(`agent:main:stream-${i}`, `stream-${i}`)),
        );
        data.streams = summarize(results.map((r) => r.finalMs));
      } finally {
        clearInterval(sampler);
        await Promise.all(streamClients.map((c) => c.stop()));
      }
      metrics.push(
        metric(
          'agent_rss_streams_mb',
          `RSS peak, ${plan.streams} sessions streaming`,
          peak / MB,
          'MB',
          {
            detail: `each on its own client; ${ANSWER.length * 8} characters in ${ANSWER.length} deltas`,
          },
        ),
      );
    } catch (err) {
      errors.push(err instanceof Error ? withTail(err, gw).message : String(err));
    } finally {
      await client.stop();
      await stopGateway(gw);
    }
  } finally {
    await standIn.close();
    await state.dispose();
    await dispose();
  }
  return {
    section: 'agent',
    startedAt: startedAt.toISOString(),
    durationMs: performance.now() - t0,
    environment: await environmentInfo(),
    metrics,
    data,
    ...(errors.length > 0 ? { error: errors.map((e) => e.split('\n')[0]).join('; ') } : {}),
  };
}
