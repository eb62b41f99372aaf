/**
 * Agent runs through the real `@openclaw/gateway-client` against a test gateway whose model is a
 * custom provider pointing at the OpenAI stand-in: the ack, ordered `chat` deltas and the final,
 * `agent` lifecycle/assistant/tool events (tool events only with the `tool-events` cap), the
 * transcript on disk matching `chat.history`, a provider 500, abort mid-stream, idempotency, the
 * `agent`/`agent.wait` methods, and a `write` tool call that lands in the workspace. Every
 * outgoing `chat`/`agent` frame is checked against the protocol's schemas.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { GatewayClient } from '@openclaw/gateway-client';
import {
  AgentEventSchema,
  ChatEventSchema,
  HelloOkSchema,
} from '@openclaw/gateway-protocol/schema';
import { Value } from 'typebox/value';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { Transcript } from '../../sessions/index.js';
import { startAnthropicStandIn, type AnthropicStandIn } from '../../testing/anthropic-stand-in.js';
import { startOpenAiStandIn, type OpenAiStandIn } from '../../testing/openai-stand-in.js';
import { closedTestPort } from '../../testing/stand-in-server.js';
import { startTestGateway, TEST_TOKEN, type TestGateway } from '../../testing/test-gateway.js';

// This host shares loopback with other sessions: stay in our port range.
process.env.OPENCLAW_TEST_PORT_RANGE ??= '41000-41999';

const KEY = 'sk-standin-0123456789abcdef';

interface Frame {
  event: string;
  payload: Record<string, unknown>;
}

let standIn: OpenAiStandIn;
let anthropic: AnthropicStandIn;
let gw: TestGateway;
let plain: Recorder;
let withTools: Recorder;

class Recorder {
  readonly events: Frame[] = [];
  hello?: Record<string, unknown>;
  /** Frames that failed the protocol schema (checked after every test). */
  readonly invalid: string[] = [];
  private waiters: Array<() => void> = [];
  client!: GatewayClient;

  record(frame: Frame): void {
    this.events.push(frame);
    for (const w of this.waiters.splice(0)) w();
  }

  /** Resolve once `predicate` holds over the recorded events (bounded). */
  async until(predicate: (events: Frame[]) => boolean, timeoutMs = 8000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!predicate(this.events)) {
      const left = deadline - Date.now();
      if (left <= 0) throw new Error('timed out waiting for events');
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  chat(runId: string): Array<Record<string, unknown>> {
    return this.events
      .filter((f) => f.event === 'chat' && f.payload.runId === runId)
      .map((f) => f.payload);
  }

  agent(runId: string): Array<Record<string, unknown>> {
    return this.events
      .filter((f) => f.event === 'agent' && f.payload.runId === runId)
      .map((f) => f.payload);
  }

  terminal(runId: string): Promise<Record<string, unknown>> {
    const done = (p: Record<string, unknown>) =>
      ['final', 'aborted', 'error'].includes(String(p.state));
    return this.until(() => this.chat(runId).some(done)).then(() => this.chat(runId).find(done)!);
  }

  lifecycleEnd(runId: string): Promise<void> {
    return this.until(() =>
      this.agent(runId).some((p) => {
        const data = p.data as { phase?: string };
        return p.stream === 'lifecycle' && (data.phase === 'end' || data.phase === 'error');
      }),
    );
  }
}

function connect(recorder: Recorder, caps: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const client = new GatewayClient({
      url: gw.url,
      token: TEST_TOKEN,
      scopes: ['operator.read', 'operator.write'],
      caps,
      requestTimeoutMs: 10_000,
      hostDeps: { logDebug: () => {}, logError: () => {} },
      onEvent: (evt) => {
        if (evt.event !== 'chat' && evt.event !== 'agent') return;
        const schema = evt.event === 'chat' ? ChatEventSchema : AgentEventSchema;
        // A frame the official clients would reject fails the test where it is recorded.
        if (!Value.Check(schema, evt.payload)) {
          recorder.invalid.push(`${evt.event}: ${JSON.stringify(evt.payload)}`);
        }
        recorder.record({ event: evt.event, payload: evt.payload as Record<string, unknown> });
      },
      onHelloOk: (hello) => {
        recorder.hello = hello as unknown as Record<string, unknown>;
        resolve();
      },
      onConnectError: (err) => {
        reject(err);
        client.stop();
      },
    });
    recorder.client = client;
    client.start();
  });
}

async function startGatewayInRange(config: Record<string, unknown>): Promise<TestGateway> {
  let last: unknown;
  for (let attempt = 0; attempt < 5; attempt += 1) {
    try {
      return await startTestGateway(config, { flags: { port: await closedTestPort() } });
    } catch (err) {
      last = err;
    }
  }
  throw last;
}

beforeAll(async () => {
  standIn = await startOpenAiStandIn({ apiKey: KEY });
  anthropic = await startAnthropicStandIn({ apiKey: KEY });
  gw = await startGatewayInRange({
    models: {
      providers: {
        'claude-stand-in': {
          baseUrl: anthropic.baseUrl,
          apiKey: KEY,
          api: 'anthropic-messages',
          models: [{ id: 'claude-1', name: 'Claude stand-in', input: ['text'] }],
        },
        'stand-in': {
          baseUrl: standIn.baseUrl,
          apiKey: KEY,
          api: 'openai-completions',
          models: [
            { id: 'think-1', name: 'Thinker', input: ['text'], reasoning: true },
            { id: 'echo-1', name: 'Echo', input: ['text'], contextWindow: 32000, maxTokens: 4000 },
          ],
        },
      },
    },
    agents: { defaults: { model: 'stand-in/echo-1' } },
  });
  plain = new Recorder();
  withTools = new Recorder();
  await connect(plain, []);
  await connect(withTools, ['tool-events']);
});

afterAll(async () => {
  plain?.client.stop();
  withTools?.client.stop();
  await gw?.stop();
  await standIn?.close();
  await anthropic?.close();
});

beforeEach(() => {
  standIn.script.clear();
  anthropic.script.clear();
});

afterEach(() => {
  // A frame the official clients would reject fails the test that produced it.
  expect([...plain.invalid, ...withTools.invalid]).toEqual([]);
});

async function transcriptMessages(sessionKey: string): Promise<Array<Record<string, unknown>>> {
  const { entry } = await gw.gateway.sessions.get(sessionKey);
  const file = gw.gateway.sessions.transcriptPath('main', entry!);
  const lines = (await fs.readFile(file, 'utf8')).trim().split('\n');
  return lines
    .map((l) => JSON.parse(l) as { type: string; message?: Record<string, unknown> })
    .filter((e) => e.type === 'message')
    .map((e) => e.message!);
}

describe('chat.send runs the agent', () => {
  it('acks with the idempotency key, streams ordered deltas, ends final; disk matches chat.history', async () => {
    // Spread over ~0.5 s so the gateway's coalescing (one delta per 150 ms) still sends several.
    standIn.script.enqueue({
      reply: 'text',
      text: 'Hello from the stand-in model.',
      chunkSize: 5,
      delayMs: 80,
    });
    const sessionKey = 'agent:main:plain';
    const ack = await plain.client.request('chat.send', {
      sessionKey,
      message: 'say hello',
      idempotencyKey: 'run-hello-1',
    });
    expect(ack).toEqual({ runId: 'run-hello-1', status: 'started' });
    const final = await plain.terminal('run-hello-1');
    await plain.lifecycleEnd('run-hello-1');
    expect(final.state).toBe('final');
    expect(final.stopReason).toBe('stop');

    const chat = plain.chat('run-hello-1');
    const deltas = chat.filter((p) => p.state === 'delta');
    expect(deltas.length).toBeGreaterThan(1);
    expect(deltas.map((d) => d.deltaText).join('')).toBe('Hello from the stand-in model.');
    const seqs = chat.map((p) => p.seq as number);
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
    expect(new Set(seqs).size).toBe(seqs.length);
    expect(chat.at(-1)).toBe(final);

    const agent = plain.agent('run-hello-1');
    expect(agent[0]).toMatchObject({ stream: 'lifecycle', seq: 1, data: { phase: 'start' } });
    expect(agent.at(-1)).toMatchObject({
      stream: 'lifecycle',
      data: { phase: 'end', status: 'ok' },
    });
    expect(agent.some((p) => p.stream === 'assistant')).toBe(true);

    const onDisk = await transcriptMessages(sessionKey);
    expect(onDisk.map((m) => m.role)).toEqual(['user', 'assistant']);
    const history = await plain.client.request<{ messages: Array<Record<string, unknown>> }>(
      'chat.history',
      { sessionKey },
    );
    expect(history.messages.map((m) => [m.role, m.content])).toEqual(
      onDisk.map((m) => [
        m.role,
        typeof m.content === 'string' ? [{ type: 'text', text: m.content }] : m.content,
      ]),
    );
    // Clients (the official Control UI) confirm their sent message by its key and entry position.
    expect(onDisk[0]!.idempotencyKey).toBe('run-hello-1');
    expect(history.messages[0]).toMatchObject({
      role: 'user',
      idempotencyKey: 'run-hello-1',
      __openclaw: { id: expect.stringMatching(/^[0-9a-f]{8}$/), seq: 1 },
    });
    expect(history.messages[1]).toMatchObject({ __openclaw: { seq: 2, runId: 'run-hello-1' } });
    // The key is ours, not the model's: the provider request does not carry it.
    expect(JSON.stringify(standIn.requests.at(-1)!.body)).not.toContain('run-hello-1');
    const { entry } = await gw.gateway.sessions.get(sessionKey);
    expect(entry?.model).toBe('echo-1');
    expect(entry?.abortedLastRun).toBe(false);
    expect(entry?.outputTokens).toBeGreaterThan(0);
  });

  it('answers a repeated idempotency key from the run (in_flight, then ok), never a second run', async () => {
    // A model that never answers keeps the run going for as long as the test needs (no timing).
    standIn.script.enqueue({ reply: 'hang' });
    const before = standIn.requests.length;
    const sessionKey = 'agent:main:idem';
    const params = { sessionKey, message: 'once', idempotencyKey: 'run-idem-1' };
    expect(await plain.client.request('chat.send', params)).toMatchObject({ status: 'started' });
    expect(await plain.client.request('chat.send', params)).toEqual({
      runId: 'run-idem-1',
      status: 'in_flight',
    });
    await plain.client.request('chat.abort', { sessionKey, runId: 'run-idem-1' });
    await plain.terminal('run-idem-1');
    await plain.lifecycleEnd('run-idem-1');
    expect(await plain.client.request('chat.send', params)).toEqual({
      runId: 'run-idem-1',
      status: 'ok',
    });
    expect(standIn.requests.length - before).toBeLessThanOrEqual(1);
    expect((await transcriptMessages(sessionKey)).filter((m) => m.role === 'user')).toHaveLength(1);
  });

  it('queues a second message on a busy session and runs it after the first', async () => {
    standIn.script.enqueue(
      { reply: 'text', text: 'first answer', delayMs: 20 },
      { reply: 'text', text: 'second answer' },
    );
    const sessionKey = 'agent:main:queue';
    await plain.client.request('chat.send', { sessionKey, message: 'one', idempotencyKey: 'q-1' });
    await plain.client.request('chat.send', { sessionKey, message: 'two', idempotencyKey: 'q-2' });
    const second = await plain.terminal('q-2');
    expect(second.state).toBe('final');
    const first = plain.chat('q-1').find((p) => p.state === 'final')!;
    expect(first.seq as number).toBeLessThan(plain.chat('q-2')[0]!.seq as number);
    const roles = (await transcriptMessages(sessionKey)).map((m) => [m.role, m.content]);
    expect(roles.map(([r]) => r)).toEqual(['user', 'assistant', 'user', 'assistant']);
    // The second run saw the first exchange: four messages went to the model.
    const last = standIn.requests.at(-1)!.body.messages as unknown[];
    expect(last.filter((m) => (m as { role: string }).role !== 'system')).toHaveLength(3);
  });

  it('ends with an error event in plain words when the provider answers 500', async () => {
    standIn.script.enqueue({ reply: 'error', status: 500, message: 'upstream exploded' });
    const sessionKey = 'agent:main:fail';
    await plain.client.request('chat.send', {
      sessionKey,
      message: 'hi',
      idempotencyKey: 'run-500',
    });
    const terminal = await plain.terminal('run-500');
    await plain.lifecycleEnd('run-500');
    expect(terminal.state).toBe('error');
    expect(terminal.errorKind).toBe('unknown');
    expect(String(terminal.errorMessage)).toMatch(/500|unavailable|server error/i);
    expect(String(terminal.errorMessage)).not.toContain(KEY);
    expect(plain.agent('run-500').at(-1)).toMatchObject({
      stream: 'lifecycle',
      data: { phase: 'error' },
    });
    // The user's message is kept; the failed answer is recorded as an error turn.
    const onDisk = await transcriptMessages(sessionKey);
    expect(onDisk[0]).toMatchObject({ role: 'user', content: 'hi' });
  });

  it('ends with an error when the provider goes away mid-answer; the transcript stays loadable', async () => {
    standIn.script.enqueue({ reply: 'drop', text: 'I was saying something when' });
    const sessionKey = 'agent:main:drop';
    await plain.client.request('chat.send', {
      sessionKey,
      message: 'talk',
      idempotencyKey: 'run-drop',
    });
    const terminal = await plain.terminal('run-drop');
    await plain.lifecycleEnd('run-drop');
    expect(terminal.state).toBe('error');
    expect(String(terminal.errorMessage).length).toBeGreaterThan(0);
    const { entry } = await gw.gateway.sessions.get(sessionKey);
    const reloaded = await Transcript.load(gw.gateway.sessions.transcriptPath('main', entry!));
    expect(reloaded.messages()[0]).toMatchObject({ role: 'user', content: 'talk' });
    expect(reloaded.repairs).toMatchObject({ tornBytes: 0, invalidLines: 0, closedToolCalls: [] });
    await reloaded.close();
  });

  it('refuses an empty message and one over the size cap with a plain error, starting no run', async () => {
    const sessionKey = 'agent:main:bad';
    await expect(
      plain.client.request('chat.send', { sessionKey, message: '  ', idempotencyKey: 'bad-1' }),
    ).rejects.toThrow(/empty/);
    await expect(
      plain.client.request('chat.send', {
        sessionKey,
        message: 'x'.repeat(300 * 1024),
        idempotencyKey: 'bad-2',
      }),
    ).rejects.toThrow(/limit is/);
    expect(plain.chat('bad-1')).toEqual([]);
    expect((await gw.gateway.sessions.get(sessionKey)).entry).toBeUndefined();
  });

  it('aborts mid-stream: aborted event, lifecycle end, and a transcript that loads again', async () => {
    standIn.script.enqueue({
      reply: 'text',
      // ~10 s of streaming if nothing stopped it: the abort lands long before the end.
      text: 'slow words '.repeat(60),
      chunkSize: 3,
      delayMs: 45,
    });
    const sessionKey = 'agent:main:abort';
    await plain.client.request('chat.send', {
      sessionKey,
      message: 'go',
      idempotencyKey: 'run-abort',
    });
    await plain.until(() => plain.chat('run-abort').some((p) => p.state === 'delta'));
    expect(await plain.client.request('chat.abort', { sessionKey })).toMatchObject({
      ok: true,
      aborted: true,
      runIds: ['run-abort'],
    });
    const terminal = await plain.terminal('run-abort');
    await plain.lifecycleEnd('run-abort');
    expect(terminal.state).toBe('aborted');
    const { entry } = await gw.gateway.sessions.get(sessionKey);
    expect(entry?.abortedLastRun).toBe(true);
    const onDisk = await transcriptMessages(sessionKey);
    expect(onDisk.map((m) => m.role)).toEqual(['user', 'assistant']);
    expect(onDisk[1]).toMatchObject({ stopReason: 'aborted' });
    // Loads again as written: no torn line, no orphan tool call to repair.
    const reloaded = await Transcript.load(gw.gateway.sessions.transcriptPath('main', entry!));
    expect(reloaded.messages().map((m) => m.role)).toEqual(['user', 'assistant']);
    expect(reloaded.repairs).toMatchObject({ tornBytes: 0, invalidLines: 0, closedToolCalls: [] });
    await reloaded.close();
    const history = await plain.client.request<{ messages: unknown[] }>('chat.history', {
      sessionKey,
    });
    expect(history.messages.length).toBeGreaterThanOrEqual(1);
  });

  it('runs the write tool for the model; the file is in the workspace; tool events only with the cap', async () => {
    standIn.script.enqueue(
      {
        reply: 'tool',
        calls: [{ name: 'write', arguments: { path: 'notes/hello.txt', content: 'hi there' } }],
      },
      { reply: 'text', text: 'I wrote notes/hello.txt.' },
    );
    const sessionKey = 'agent:main:tools';
    await withTools.client.request('chat.send', {
      sessionKey,
      message: 'write a file',
      idempotencyKey: 'run-tool',
    });
    const final = await withTools.terminal('run-tool');
    await plain.lifecycleEnd('run-tool');
    expect(final.state).toBe('final');
    const written = await fs.readFile(path.join(gw.paths.workspaceDir, 'notes/hello.txt'), 'utf8');
    expect(written).toBe('hi there');

    const tools = withTools.agent('run-tool').filter((p) => p.stream === 'tool');
    expect(tools.map((p) => (p.data as { phase: string }).phase)).toEqual(['start', 'result']);
    expect(tools[0]!.data).toMatchObject({ name: 'write', args: { path: 'notes/hello.txt' } });
    expect(plain.agent('run-tool').filter((p) => p.stream === 'tool')).toEqual([]);

    const roles = (await transcriptMessages(sessionKey)).map((m) => m.role);
    expect(roles).toEqual(['user', 'assistant', 'toolResult', 'assistant']);
  });

  it('stops a model that repeats the same failing tool call, with a result it can read', async () => {
    const again = {
      reply: 'tool' as const,
      calls: [{ name: 'read', arguments: { path: 'nope.txt' } }],
    };
    standIn.script.enqueue(again, again, again, again, { reply: 'text', text: 'Giving up.' });
    const sessionKey = 'agent:main:loop';
    await plain.client.request('chat.send', {
      sessionKey,
      message: 'loop',
      idempotencyKey: 'run-loop',
    });
    expect((await plain.terminal('run-loop')).state).toBe('final');
    const results = (await transcriptMessages(sessionKey)).filter((m) => m.role === 'toolResult');
    expect(results).toHaveLength(4);
    expect(results.every((r) => r.isError === true)).toBe(true);
    expect(JSON.stringify(results[2]!.content)).toContain('does not exist');
    expect(JSON.stringify(results[3]!.content)).toContain('already failed 3 times');
  });

  it('answers malformed tool arguments with an error result and lets the model go on', async () => {
    standIn.script.enqueue(
      { reply: 'tool', calls: [{ name: 'write', arguments: { path: 'm.txt' } }] },
      { reply: 'text', text: 'I forgot the content.' },
    );
    const sessionKey = 'agent:main:malformed';
    await plain.client.request('chat.send', {
      sessionKey,
      message: 'm',
      idempotencyKey: 'run-mal',
    });
    expect((await plain.terminal('run-mal')).state).toBe('final');
    const result = (await transcriptMessages(sessionKey)).find((m) => m.role === 'toolResult')!;
    expect(result.isError).toBe(true);
    expect(JSON.stringify(result.content)).toMatch(/content/);
    await expect(fs.access(path.join(gw.paths.workspaceDir, 'm.txt'))).rejects.toThrow();
  });

  it('refuses a path outside the workspace as an error tool result the model sees', async () => {
    standIn.script.enqueue(
      {
        reply: 'tool',
        calls: [{ name: 'write', arguments: { path: '../escape.txt', content: 'x' } }],
      },
      { reply: 'text', text: 'That path is not allowed.' },
    );
    const sessionKey = 'agent:main:escape';
    await plain.client.request('chat.send', {
      sessionKey,
      message: 'escape',
      idempotencyKey: 'run-esc',
    });
    expect((await plain.terminal('run-esc')).state).toBe('final');
    const result = (await transcriptMessages(sessionKey)).find((m) => m.role === 'toolResult')!;
    expect(result.isError).toBe(true);
    expect(JSON.stringify(result.content)).toContain('refused');
    await expect(fs.access(path.join(gw.paths.workspaceDir, '..', 'escape.txt'))).rejects.toThrow();
  });
});

describe('Anthropic Messages', () => {
  it('runs a tool turn against the Anthropic stand-in chosen with /model', async () => {
    anthropic.script.enqueue(
      {
        reply: 'tool',
        text: 'Let me write that.',
        calls: [{ name: 'write', arguments: { path: 'claude.txt', content: 'from claude' } }],
      },
      { reply: 'text', text: 'Done: claude.txt is written.' },
    );
    const sessionKey = 'agent:main:claude';
    await plain.client.request('chat.send', {
      sessionKey,
      message: '/model claude-stand-in/claude-1',
      idempotencyKey: 'cl-0',
    });
    await plain.terminal('cl-0');
    await plain.client.request('chat.send', {
      sessionKey,
      message: 'write',
      idempotencyKey: 'cl-1',
    });
    const final = await plain.terminal('cl-1');
    expect(final).toMatchObject({ state: 'final', message: { provider: 'claude-stand-in' } });
    const text = plain
      .chat('cl-1')
      .filter((p) => p.state === 'delta')
      .map((p) => p.deltaText)
      .join('');
    expect(text).toBe('Let me write that.\n\nDone: claude.txt is written.');
    expect(await fs.readFile(path.join(gw.paths.workspaceDir, 'claude.txt'), 'utf8')).toBe(
      'from claude',
    );
    const roles = (await transcriptMessages(sessionKey)).map((m) => m.role);
    expect(roles).toEqual(['user', 'assistant', 'toolResult', 'assistant']);
  });
});

describe('thinking level', () => {
  it("passes chat.send's thinking to a reasoning model and none to a plain one", async () => {
    standIn.script.enqueue({ reply: 'text', text: 'thought' }, { reply: 'text', text: 'plain' });
    const sessionKey = 'agent:main:think';
    await plain.client.request('chat.send', {
      sessionKey,
      message: '/model stand-in/think-1',
      idempotencyKey: 'th-0',
    });
    await plain.terminal('th-0');
    await plain.client.request('chat.send', {
      sessionKey,
      message: 'hm',
      thinking: 'high',
      idempotencyKey: 'th-1',
    });
    await plain.terminal('th-1');
    expect(standIn.requests.at(-1)!.body).toMatchObject({
      model: 'think-1',
      reasoning_effort: 'high',
    });
    await plain.client.request('chat.send', {
      sessionKey: 'agent:main:nothink',
      message: 'hm',
      thinking: 'high',
      idempotencyKey: 'th-2',
    });
    await plain.terminal('th-2');
    expect(standIn.requests.at(-1)!.body).toMatchObject({ model: 'echo-1' });
    expect(standIn.requests.at(-1)!.body.reasoning_effort).toBeUndefined();
  });
});

describe('slash commands', () => {
  it('/stop aborts the running answer and answers itself', async () => {
    standIn.script.enqueue({ reply: 'hang' });
    const sessionKey = 'agent:main:stop';
    await plain.client.request('chat.send', {
      sessionKey,
      message: 'think',
      idempotencyKey: 'hung',
    });
    await plain.until(() => plain.agent('hung').length > 0);
    await plain.client.request('chat.send', {
      sessionKey,
      message: '/stop',
      idempotencyKey: 'stop',
    });
    expect((await plain.terminal('hung')).state).toBe('aborted');
    const stop = await plain.terminal('stop');
    expect(stop).toMatchObject({ state: 'final', message: { content: [{ text: 'Stopped.' }] } });
    await plain.lifecycleEnd('stop');
  });

  it('/model sets the session model, /status shows it, /new starts a new session id', async () => {
    const sessionKey = 'agent:main:cmds';
    const requestsBefore = standIn.requests.length;
    const send = async (message: string, id: string) => {
      await plain.client.request('chat.send', { sessionKey, message, idempotencyKey: id });
      return plain.terminal(id);
    };
    expect(await send('/model stand-in/echo-1', 'c1')).toMatchObject({ state: 'final' });
    expect((await gw.gateway.sessions.get(sessionKey)).entry).toMatchObject({
      modelOverride: 'echo-1',
    });
    const status = await send('/status', 'c2');
    expect(JSON.stringify(status.message)).toContain('override: echo-1');
    const before = (await gw.gateway.sessions.get(sessionKey)).entry!.sessionId;
    expect(await send('/new', 'c3')).toMatchObject({ state: 'final' });
    expect((await gw.gateway.sessions.get(sessionKey)).entry!.sessionId).not.toBe(before);
    const bad = await send('/model not a model!', 'c4');
    expect(bad).toMatchObject({ state: 'error' });
    expect(String(bad.errorMessage)).toMatch(/provider\/model/);
    // Commands never reach the model.
    expect(standIn.requests.length).toBe(requestsBefore);
  });
});

describe('agent and agent.wait', () => {
  it('answers accepted, then the final with the reply; agent.wait reports the end', async () => {
    standIn.script.enqueue({ reply: 'text', text: 'CLI answer' });
    const final = await plain.client.request<Record<string, unknown>>(
      'agent',
      { message: 'from the cli', idempotencyKey: 'agent-run-1' },
      { expectFinal: true },
    );
    expect(final).toMatchObject({
      runId: 'agent-run-1',
      status: 'ok',
      result: { payloads: [{ text: 'CLI answer' }] },
    });
    const waited = await plain.client.request('agent.wait', {
      runId: 'agent-run-1',
      timeoutMs: 1000,
    });
    expect(waited).toMatchObject({ runId: 'agent-run-1', status: 'ok' });
  });

  it('runs slash commands sent through agent (openclaw agent --message "/status") without the model', async () => {
    const requestsBefore = standIn.requests.length;
    const final = await plain.client.request<Record<string, unknown>>(
      'agent',
      { message: '/status', sessionKey: 'agent:main:cli-cmds', idempotencyKey: 'agent-cmd-1' },
      { expectFinal: true },
    );
    expect(final).toMatchObject({ runId: 'agent-cmd-1', status: 'ok' });
    const payloads = (final.result as { payloads: Array<{ text: string }> }).payloads;
    expect(payloads[0]?.text).toMatch(/agent:main:cli-cmds/);
    expect(standIn.requests.length).toBe(requestsBefore);
  });

  it('lists the agent methods and events in hello-ok features', () => {
    const features = plain.hello?.features as { methods: string[]; events: string[] };
    expect(features.methods).toEqual(
      expect.arrayContaining([
        'chat.send',
        'chat.abort',
        'agent',
        'agent.wait',
        'sessions.compact',
      ]),
    );
    expect(features.events).toEqual(expect.arrayContaining(['chat', 'agent']));
    // Clients learn the attachment limits before they send (upstream's hello-ok policy field).
    expect(plain.hello?.policy).toMatchObject({
      attachments: { maxBytes: 15 * 1024 * 1024, maxImageBytes: 6 * 1024 * 1024 },
    });
    expect(Value.Check(HelloOkSchema, plain.hello)).toBe(true);
  });
});
