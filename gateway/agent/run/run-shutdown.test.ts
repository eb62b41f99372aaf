/**
 * A gateway stopping while a run waits on its model: the run is aborted (terminal `aborted`
 * event before the socket closes), its transcript is consistent on disk, and the next gateway
 * serves the history and runs the session again.
 */
import path from 'node:path';
import { GatewayClient } from '@openclaw/gateway-client';
import { afterAll, describe, expect, it } from 'vitest';
import { startGateway, type RunningGateway } from '../../runtime/start-gateway.js';
import { startOpenAiStandIn, type OpenAiStandIn } from '../../testing/openai-stand-in.js';
import { closedTestPort } from '../../testing/stand-in-server.js';
import { startTestGateway, TEST_TOKEN, type TestGateway } from '../../testing/test-gateway.js';
import { Transcript } from '../../sessions/index.js';

process.env.OPENCLAW_TEST_PORT_RANGE ??= '41000-41999';

const KEY = 'sk-standin-shutdown-0123456789';
let standIn: OpenAiStandIn | undefined;
let first: TestGateway | undefined;
let second: RunningGateway | undefined;

afterAll(async () => {
  await second?.stop('test done');
  await first?.stop();
  await standIn?.close();
});

function connect(url: string, onChat: (payload: Record<string, unknown>) => void) {
  return new Promise<GatewayClient>((resolve, reject) => {
    const client = new GatewayClient({
      url,
      token: TEST_TOKEN,
      scopes: ['operator.read', 'operator.write'],
      requestTimeoutMs: 10_000,
      hostDeps: { logDebug: () => {}, logError: () => {} },
      onEvent: (evt) => {
        if (evt.event === 'chat') onChat(evt.payload as Record<string, unknown>);
      },
      onHelloOk: () => resolve(client),
      onConnectError: (err) => {
        reject(err);
        client.stop();
      },
    });
    client.start();
  });
}

/** A free port in our range can be taken between the probe and the listen: try a few. */
async function retryPort<T>(start: (port: number) => Promise<T>): Promise<T> {
  let last: unknown;
  for (let attempt = 0; attempt < 5; attempt += 1) {
    try {
      return await start(await closedTestPort());
    } catch (err) {
      last = err;
    }
  }
  throw last;
}

function waitFor(predicate: () => boolean, timeoutMs = 8000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  return new Promise((resolve, reject) => {
    const poll = () => {
      if (predicate()) return resolve();
      if (Date.now() > deadline) return reject(new Error('timed out'));
      setTimeout(poll, 10);
    };
    poll();
  });
}

describe('gateway shutdown during a run', () => {
  it('aborts the run, leaves a consistent transcript, and the next gateway goes on', async () => {
    standIn = await startOpenAiStandIn({ apiKey: KEY });
    const config = {
      models: {
        providers: {
          'stand-in': {
            baseUrl: standIn.baseUrl,
            apiKey: KEY,
            api: 'openai-completions',
            models: [{ id: 'echo-1', name: 'Echo', input: ['text'] }],
          },
        },
      },
      agents: { defaults: { model: 'stand-in/echo-1' } },
    };
    first = await retryPort((port) => startTestGateway(config, { flags: { port } }));
    const events: Array<Record<string, unknown>> = [];
    const client = await connect(first.url, (p) => events.push(p));
    standIn.script.enqueue({ reply: 'hang' });
    const sessionKey = 'agent:main:main';
    await client.request('chat.send', { sessionKey, message: 'wait for it', idempotencyKey: 'r1' });
    await waitFor(() => standIn!.requests.length > 0);
    await first.gateway.stop('test restart');
    client.stop();
    expect(events.find((e) => e.runId === 'r1' && e.state === 'aborted')).toBeDefined();

    const { entry } = await first.gateway.sessions.get(sessionKey);
    expect(entry?.abortedLastRun).toBe(true);
    const file = first.gateway.sessions.transcriptPath('main', entry!);
    const loaded = await Transcript.load(file);
    expect(loaded.repairs).toMatchObject({ tornBytes: 0, invalidLines: 0, closedToolCalls: [] });
    expect(loaded.messages()[0]).toMatchObject({ role: 'user', content: 'wait for it' });
    await loaded.close();

    const env = first.env;
    const logFile = path.join(first.dir, 'gateway-2.log');
    second = await retryPort((port) =>
      startGateway({ env, consoleSink: null, logFile, flags: { port } }),
    );
    const events2: Array<Record<string, unknown>> = [];
    const client2 = await connect(second.url, (p) => events2.push(p));
    standIn.script.enqueue({ reply: 'text', text: 'back again' });
    await client2.request('chat.send', { sessionKey, message: 'again', idempotencyKey: 'r2' });
    await waitFor(() => events2.some((e) => e.runId === 'r2' && e.state === 'final'));
    const history = await client2.request<{ messages: Array<{ role: string }> }>('chat.history', {
      sessionKey,
    });
    expect(history.messages.map((m) => m.role).slice(-2)).toEqual(['user', 'assistant']);
    expect(history.messages[0]).toMatchObject({ role: 'user' });
    client2.stop();
  });
});
