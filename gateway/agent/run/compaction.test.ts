/**
 * `sessions.compact` and `/compact` through the real gateway client, with the session's model
 * being a custom provider at the OpenAI stand-in: the summary request carries the older turns, a
 * `compaction` entry lands in the pi v3 transcript, the next run's context is summary + kept
 * messages, a provider failure leaves the file byte for byte as it was, and a run in flight
 * makes the call fail with a clear error.
 */
import { promises as fs } from 'node:fs';
import { GatewayClient } from '@openclaw/gateway-client';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startOpenAiStandIn, type OpenAiStandIn } from '../../testing/openai-stand-in.js';
import { startTestGateway, TEST_TOKEN, type TestGateway } from '../../testing/test-gateway.js';

const KEY = 'sk-standin-0123456789abcdef';

let standIn: OpenAiStandIn;
let gw: TestGateway;
let client: GatewayClient;
const finals = new Map<string, Record<string, unknown>>();
const waiters: Array<() => void> = [];

async function terminal(runId: string): Promise<Record<string, unknown>> {
  const deadline = Date.now() + 8000;
  while (!finals.has(runId)) {
    if (Date.now() > deadline) throw new Error(`no terminal chat event for ${runId}`);
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, 200);
      waiters.push(() => {
        clearTimeout(timer);
        resolve();
      });
    });
  }
  return finals.get(runId)!;
}

async function send(sessionKey: string, message: string, runId: string) {
  await client.request('chat.send', { sessionKey, message, idempotencyKey: runId });
  return terminal(runId);
}

async function transcriptLines(sessionKey: string): Promise<Array<Record<string, unknown>>> {
  const { entry } = await gw.gateway.sessions.get(sessionKey);
  const text = await fs.readFile(gw.gateway.sessions.transcriptPath('main', entry!), 'utf8');
  return text
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}

/** The text of every message the model was sent in a recorded request. */
function sentText(index: number): string {
  return JSON.stringify(standIn.requests[index]!.body.messages);
}

beforeAll(async () => {
  standIn = await startOpenAiStandIn({ apiKey: KEY });
  gw = await startTestGateway({
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
  });
  await new Promise<void>((resolve, reject) => {
    client = new GatewayClient({
      url: gw.url,
      token: TEST_TOKEN,
      scopes: ['operator.admin'],
      requestTimeoutMs: 10_000,
      hostDeps: { logDebug: () => {}, logError: () => {} },
      onEvent: (evt) => {
        const p = evt.payload as Record<string, unknown>;
        if (evt.event !== 'chat' || !['final', 'error', 'aborted'].includes(String(p.state))) {
          return;
        }
        finals.set(String(p.runId), p);
        for (const w of waiters.splice(0)) w();
      },
      onHelloOk: () => resolve(),
      onConnectError: reject,
    });
    client.start();
  });
});

afterAll(async () => {
  client?.stop();
  await gw?.stop();
  await standIn?.close();
});

beforeEach(() => standIn.script.clear());

async function twoTurns(sessionKey: string, tag: string): Promise<void> {
  standIn.script.enqueue(
    { reply: 'text', text: `The codeword is ${tag}-ALPHA.` },
    { reply: 'text', text: 'Noted the second thing.' },
  );
  await send(sessionKey, `remember codeword ${tag}-ALPHA`, `${tag}-1`);
  await send(sessionKey, 'and now the second thing', `${tag}-2`);
}

describe('sessions.compact', () => {
  it('summarises older turns with the session model and the next run sees summary + kept turn', async () => {
    const sessionKey = 'agent:main:compact-ok';
    await twoTurns(sessionKey, 'ok');
    standIn.script.enqueue({ reply: 'text', text: 'SUMMARY: user set codeword ok-ALPHA.' });
    const before = standIn.requests.length;
    const result = await client.request<Record<string, unknown>>('sessions.compact', {
      key: sessionKey,
    });
    expect(result).toMatchObject({ ok: true, key: sessionKey, compacted: true });
    const figures = result.result as { tokensBefore: number; tokensAfter: number };
    expect(figures.tokensBefore).toBeGreaterThan(0);
    expect(figures.tokensAfter).toBeGreaterThan(0);

    // The summariser saw the first turn; the transcript got a compaction entry keeping turn two.
    expect(sentText(before)).toContain('remember codeword ok-ALPHA');
    expect(sentText(before)).not.toContain('and now the second thing');
    const lines = await transcriptLines(sessionKey);
    expect(lines[0]).toMatchObject({ type: 'session', version: 3 });
    const compaction = lines.at(-1)!;
    expect(compaction).toMatchObject({
      type: 'compaction',
      summary: 'SUMMARY: user set codeword ok-ALPHA.',
      tokensBefore: figures.tokensBefore,
    });
    const kept = lines.find((l) => l.id === compaction.firstKeptEntryId)!;
    expect(kept.message).toMatchObject({ role: 'user', content: 'and now the second thing' });
    expect(compaction.parentId).toBe(lines.at(-2)!.id);
    const { entry } = await gw.gateway.sessions.get(sessionKey);
    expect(entry?.compactionCount).toBe(1);

    standIn.script.enqueue({ reply: 'text', text: 'Third answer.' });
    const next = standIn.requests.length;
    await send(sessionKey, 'third question', 'ok-3');
    const context = sentText(next);
    expect(context).toContain('SUMMARY: user set codeword ok-ALPHA.');
    expect(context).toContain('and now the second thing');
    expect(context).not.toContain('remember codeword ok-ALPHA');
    // chat.history still shows the whole conversation.
    const history = await client.request<{ messages: unknown[] }>('chat.history', {
      sessionKey,
    });
    expect(JSON.stringify(history.messages)).toContain('remember codeword ok-ALPHA');
  });

  it('leaves the transcript untouched when the provider fails', async () => {
    const sessionKey = 'agent:main:compact-fail';
    await twoTurns(sessionKey, 'fail');
    const { entry } = await gw.gateway.sessions.get(sessionKey);
    const file = gw.gateway.sessions.transcriptPath('main', entry!);
    const bytes = await fs.readFile(file, 'utf8');
    standIn.script.enqueue(
      { reply: 'error', status: 400, message: 'summary request rejected' },
      { reply: 'error', status: 400, message: 'summary request rejected' },
    );
    await expect(client.request('sessions.compact', { key: sessionKey })).rejects.toThrow(
      /Compaction failed.*unchanged/,
    );
    expect(await fs.readFile(file, 'utf8')).toBe(bytes);
    expect((await gw.gateway.sessions.get(sessionKey)).entry?.compactionCount ?? 0).toBe(0);
  });

  it('is refused while a run is in flight', async () => {
    const sessionKey = 'agent:main:compact-busy';
    await twoTurns(sessionKey, 'busy');
    standIn.script.enqueue({ reply: 'hang' });
    await client.request('chat.send', {
      sessionKey,
      message: 'take your time',
      idempotencyKey: 'busy-hang',
    });
    await expect(client.request('sessions.compact', { key: sessionKey })).rejects.toThrow(
      /run in progress.*stop it/,
    );
    await client.request('chat.abort', { sessionKey });
    expect((await terminal('busy-hang')).state).toBe('aborted');
    expect((await transcriptLines(sessionKey)).some((l) => l.type === 'compaction')).toBe(false);
  });

  it('answers compacted: false for a single turn and keeps N messages with maxLines', async () => {
    const sessionKey = 'agent:main:compact-lines';
    standIn.script.enqueue({ reply: 'text', text: 'one' });
    await send(sessionKey, 'first', 'lines-1');
    const single = await client.request<Record<string, unknown>>('sessions.compact', {
      key: sessionKey,
    });
    expect(single).toMatchObject({ ok: true, compacted: false });
    expect(String(single.reason)).toMatch(/single turn/);

    standIn.script.enqueue({ reply: 'text', text: 'two' }, { reply: 'text', text: 'three' });
    await send(sessionKey, 'second', 'lines-2');
    await send(sessionKey, 'third', 'lines-3');
    const before = standIn.requests.length;
    const truncated = await client.request<Record<string, unknown>>('sessions.compact', {
      key: sessionKey,
      maxLines: 2,
    });
    expect(truncated).toEqual({ ok: true, key: sessionKey, compacted: true, kept: 2 });
    expect(standIn.requests.length).toBe(before); // no model call for a truncation
    standIn.script.enqueue({ reply: 'text', text: 'four' });
    await send(sessionKey, 'fourth', 'lines-4');
    const context = sentText(before);
    expect(context).toContain('third');
    expect(context).not.toContain('"second"');
  });
});

describe('/compact', () => {
  it('compacts from the chat with a focus and answers with a note', async () => {
    const sessionKey = 'agent:main:slash-compact';
    await twoTurns(sessionKey, 'slash');
    standIn.script.enqueue({ reply: 'text', text: 'SUMMARY with focus.' });
    const before = standIn.requests.length;
    const final = await send(sessionKey, '/compact keep the codeword', 'slash-c');
    expect(final.state).toBe('final');
    expect(JSON.stringify(final.message)).toMatch(/Compacted the conversation/);
    expect(sentText(before)).toContain('keep the codeword');
    const lines = await transcriptLines(sessionKey);
    expect(lines.at(-1)).toMatchObject({ type: 'compaction', summary: 'SUMMARY with focus.' });
  });
});
