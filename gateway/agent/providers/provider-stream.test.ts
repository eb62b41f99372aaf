/**
 * The real pi-ai client code (OpenAI SDK, Anthropic SDK) against the local stand-ins: streaming
 * text, a tool-call turn whose arguments arrive in pieces, usage, every error mode translated to
 * our codes without the key, and abort mid-stream.
 */
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Context } from '@mariozechner/pi-ai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OpenClawConfig } from '../../config/config-types.js';
import { startAnthropicStandIn } from '../../testing/anthropic-stand-in.js';
import { startOpenAiStandIn } from '../../testing/openai-stand-in.js';
import type { StandInServer } from '../../testing/stand-in-server.js';
import type { ChainStreamEvent } from './model-fallback.js';
import { ModelProviders } from './model-providers.js';

const OPENAI_KEY = 'sk-standin-openai-0123456789abcdefXYZW';
const ANTHROPIC_KEY = 'sk-ant-standin-0123456789abcdefQRST';

let dir: string;
beforeAll(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'openclaw-providers-'));
});
afterAll(async () => {
  await fs.rm(dir, { recursive: true, force: true });
});

const question: Context = {
  systemPrompt: 'You are terse.',
  messages: [{ role: 'user', content: 'Say hello', timestamp: Date.now() }],
  tools: [
    {
      name: 'write',
      description: 'Write a file in the workspace',
      parameters: {
        type: 'object',
        properties: { path: { type: 'string' }, content: { type: 'string' } },
        required: ['path', 'content'],
      } as never,
    },
  ],
};

async function collect(
  stream: AsyncGenerator<ChainStreamEvent, unknown>,
  onEvent?: (event: ChainStreamEvent) => void,
): Promise<ChainStreamEvent[]> {
  const events: ChainStreamEvent[] = [];
  for await (const event of stream) {
    events.push(event);
    onEvent?.(event);
  }
  return events;
}

interface Flavour {
  name: string;
  api: 'openai-completions' | 'anthropic-messages';
  key: string;
  start: (apiKey: string) => Promise<StandInServer & { baseUrl: string }>;
}

const FLAVOURS: Flavour[] = [
  {
    name: 'OpenAI Chat Completions',
    api: 'openai-completions',
    key: OPENAI_KEY,
    start: (apiKey) => startOpenAiStandIn({ apiKey }),
  },
  {
    name: 'Anthropic Messages',
    api: 'anthropic-messages',
    key: ANTHROPIC_KEY,
    start: (apiKey) => startAnthropicStandIn({ apiKey }),
  },
];

describe.each(FLAVOURS)('pi-ai against the $name stand-in', (flavour) => {
  let standIn: StandInServer & { baseUrl: string };

  beforeAll(async () => {
    standIn = await flavour.start(flavour.key);
  });
  afterAll(async () => {
    await standIn.close();
  });

  function config(apiKey = '${STANDIN_KEY}'): OpenClawConfig {
    return {
      models: {
        mode: 'merge',
        providers: {
          local: {
            baseUrl: standIn.baseUrl,
            apiKey,
            api: flavour.api,
            models: [{ id: 'stand-in-1', name: 'Stand-in', contextWindow: 32000, maxTokens: 4096 }],
          },
        },
      },
      agents: { defaults: { model: { primary: 'local/stand-in-1' } } },
    };
  }

  async function providers(apiKey?: string) {
    return ModelProviders.create({
      config: config(apiKey ?? flavour.key),
      env: {},
      paths: { agentsDir: path.join(dir, 'agents') },
    });
  }

  it('streams text deltas and ends with done, usage and stopReason', async () => {
    standIn.script.enqueue({
      reply: 'text',
      text: 'Hello from the stand-in!',
      usage: { input: 21, output: 7 },
    });
    const p = await providers();
    const events = await collect(p.stream(question, { maxRetries: 0 }));
    const deltas = events.filter((e) => e.type === 'text_delta');
    expect(deltas.length).toBeGreaterThan(2);
    expect(deltas.map((e) => (e.type === 'text_delta' ? e.delta : '')).join('')).toBe(
      'Hello from the stand-in!',
    );
    const done = events.at(-1);
    expect(done?.type).toBe('done');
    if (done?.type !== 'done') return;
    expect(done.message.stopReason).toBe('stop');
    expect(done.message.content).toEqual([
      expect.objectContaining({ type: 'text', text: 'Hello from the stand-in!' }),
    ]);
    expect(done.message.usage.input).toBe(21);
    expect(done.message.usage.output).toBe(7);
    expect(done.message.provider).toBe('local');
    expect(done.message.model).toBe('stand-in-1');
    // The request the SDK sent carries our key, the model and the tool definition.
    const request = standIn.requests.at(-1)!;
    expect(request.body.model).toBe('stand-in-1');
    expect(JSON.stringify(request.body)).toContain('"write"');
  });

  it('assembles a tool call from argument deltas, then answers after the tool result', async () => {
    const args = { path: 'notes/hello.txt', content: 'Hello, "world"\nline two' };
    standIn.script.enqueue(
      {
        reply: 'tool',
        text: 'Writing it.',
        calls: [{ name: 'write', arguments: args, id: 'call_write_1' }],
      },
      { reply: 'text', text: 'Done: the file is written.' },
    );
    const p = await providers();
    const events = await collect(p.stream(question, { maxRetries: 0 }));
    expect(events.filter((e) => e.type === 'toolcall_delta').length).toBeGreaterThanOrEqual(3);
    const end = events.find((e) => e.type === 'toolcall_end');
    expect(end?.type === 'toolcall_end' && end.toolCall).toEqual(
      expect.objectContaining({
        type: 'toolCall',
        id: 'call_write_1',
        name: 'write',
        arguments: args,
      }),
    );
    const done = events.at(-1);
    expect(done?.type === 'done' && done.message.stopReason).toBe('toolUse');
    if (done?.type !== 'done') return;

    // Second request: the tool result goes back; the stand-in sees it and answers.
    const followUp: Context = {
      ...question,
      messages: [
        ...question.messages,
        done.message,
        {
          role: 'toolResult',
          toolCallId: 'call_write_1',
          toolName: 'write',
          content: [{ type: 'text', text: 'wrote 24 bytes' }],
          isError: false,
          timestamp: Date.now(),
        },
      ],
    };
    const second = await collect(p.stream(followUp, { maxRetries: 0 }));
    const final = second.at(-1);
    expect(final?.type === 'done' && final.message.content[0]).toEqual(
      expect.objectContaining({ type: 'text', text: 'Done: the file is written.' }),
    );
    expect(JSON.stringify(standIn.requests.at(-1)!.body)).toContain('wrote 24 bytes');
  });

  it.each([
    { status: 401 as const, code: 'PROVIDER_AUTH_FAILED', words: /refused the API key/ },
    { status: 429 as const, code: 'PROVIDER_RATE_LIMITED', words: /rate limiting/ },
    { status: 500 as const, code: 'PROVIDER_UNAVAILABLE', words: /server error .*HTTP 500/ },
    { status: 404 as const, code: 'MODEL_NOT_FOUND', words: /does not know model/ },
    { status: 400 as const, code: 'PROVIDER_REQUEST_REJECTED', words: /rejected the request/ },
  ])('HTTP $status → $code with a plain message', async ({ status, code, words }) => {
    standIn.script.enqueue({
      reply: 'error',
      status,
      retryAfterSeconds: status === 429 ? 7 : undefined,
    });
    const p = await providers();
    const events = await collect(p.stream(question, { maxRetries: 0 }));
    const last = events.at(-1);
    expect(last?.type).toBe('error');
    if (last?.type !== 'error') return;
    expect(last.failure.code).toBe(code);
    expect(last.failure.message).toMatch(words);
    expect(last.error.errorMessage).toBe(last.failure.message);
    expect(last.error.stopReason).toBe('error');
    expect(last.failure.message).not.toContain(flavour.key);
  });

  it('a wrong key gets the provider 401 body (which echoes part of the key) and no key in our message', async () => {
    const wrong = `${flavour.key.slice(0, 10)}-WRONG-9876543210abcdef`;
    const p = await providers(wrong);
    const events = await collect(p.stream(question, { maxRetries: 0 }));
    const last = events.at(-1);
    expect(last?.type === 'error' && last.failure.code).toBe('PROVIDER_AUTH_FAILED');
    if (last?.type !== 'error') return;
    const text = `${last.failure.message} ${JSON.stringify(last.failure.details)} ${last.error.errorMessage}`;
    expect(text).not.toContain(wrong);
    expect(text).not.toContain(wrong.slice(0, 8));
    expect(text).not.toContain(wrong.slice(-4));
    expect(text).toContain('models.providers.local.apiKey');
  });

  it('429 with retry-after: the SDK waits and retries the same model, then succeeds', async () => {
    standIn.script.enqueue(
      { reply: 'error', status: 429, retryAfterSeconds: 1 },
      { reply: 'text', text: 'after the wait' },
    );
    const p = await providers();
    const started = Date.now();
    const events = await collect(p.stream(question, { maxRetries: 1 }));
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);
    const done = events.at(-1);
    expect(done?.type === 'done' && done.message.content[0]).toEqual(
      expect.objectContaining({ text: 'after the wait' }),
    );
  });

  it('a provider that never answers ends with PROVIDER_TIMEOUT', async () => {
    standIn.script.enqueue({ reply: 'hang' });
    const p = await providers();
    const events = await collect(p.stream(question, { maxRetries: 0, idleTimeoutMs: 300 }));
    const last = events.at(-1);
    expect(last?.type === 'error' && last.failure.code).toBe('PROVIDER_TIMEOUT');
    expect(last?.type === 'error' && last.failure.message).toMatch(/did not answer within 0.3 s/);
  });

  it('a connection dropped mid-stream ends with PROVIDER_STREAM_INTERRUPTED after the partial text', async () => {
    standIn.script.enqueue({ reply: 'drop', text: 'This answer will be cut off half way.' });
    const p = await providers();
    const events = await collect(p.stream(question, { maxRetries: 0 }));
    expect(events.some((e) => e.type === 'text_delta')).toBe(true);
    const last = events.at(-1);
    expect(last?.type === 'error' && last.failure.code).toBe('PROVIDER_STREAM_INTERRUPTED');
  });

  it('a consumer that stops reading early ends the request too', async () => {
    standIn.script.enqueue({
      reply: 'text',
      text: 'more words than anyone reads '.repeat(20),
      delayMs: 30,
    });
    const p = await providers();
    const closed = standIn.clientClosed();
    let deltas = 0;
    for await (const event of p.stream(question, { maxRetries: 0 })) {
      if (event.type === 'text_delta') deltas += 1;
      if (deltas === 2) break;
    }
    await closed;
    expect(deltas).toBe(2);
  });

  it('abort mid-stream stops the request and ends with CANCELLED', async () => {
    standIn.script.enqueue({
      reply: 'text',
      text: 'a long and slow answer '.repeat(20),
      delayMs: 30,
    });
    const p = await providers();
    const controller = new AbortController();
    const closed = standIn.clientClosed();
    const events = await collect(
      p.stream(question, { signal: controller.signal, maxRetries: 0 }),
      (e) => {
        if (e.type === 'text_delta') controller.abort();
      },
    );
    const last = events.at(-1);
    expect(last?.type === 'error' && last.failure.code).toBe('CANCELLED');
    expect(last?.type === 'error' && last.error.stopReason).toBe('aborted');
    await closed; // the server saw the client go away
    expect(events.filter((e) => e.type === 'text_delta').length).toBeLessThan(5);
  });
});
