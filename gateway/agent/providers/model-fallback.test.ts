/**
 * The fallback chain with the real pi-ai clients: a failing primary on the OpenAI stand-in, the
 * secondary on the Anthropic stand-in. Also pi-agent-core's Agent driving a real tool turn
 * through `ModelProviders.streamFn()`, the way the agent loop will.
 */
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Agent, type AgentTool } from '@mariozechner/pi-agent-core';
import { Type, type Context } from '@mariozechner/pi-ai';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { OpenClawConfig } from '../../config/config-types.js';
import { startAnthropicStandIn, type AnthropicStandIn } from '../../testing/anthropic-stand-in.js';
import { startOpenAiStandIn, type OpenAiStandIn } from '../../testing/openai-stand-in.js';
import { closedTestPort } from '../../testing/stand-in-server.js';
import type { StandInTurn } from '../../testing/stand-in-script.js';
import type { ChainStreamEvent, FallbackEvent } from './model-fallback.js';
import { ModelProviders } from './model-providers.js';

const OPENAI_KEY = 'sk-primary-0123456789abcdef';
const ANTHROPIC_KEY = 'sk-ant-secondary-0123456789abcdef';

let openai: OpenAiStandIn;
let anthropic: AnthropicStandIn;
let dir: string;

beforeAll(async () => {
  [openai, anthropic] = await Promise.all([
    startOpenAiStandIn({ apiKey: OPENAI_KEY }),
    startAnthropicStandIn({ apiKey: ANTHROPIC_KEY }),
  ]);
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'openclaw-fallback-'));
});
afterAll(async () => {
  await Promise.all([openai.close(), anthropic.close()]);
  await fs.rm(dir, { recursive: true, force: true });
});
beforeEach(() => {
  openai.script.clear();
  anthropic.script.clear();
});

function config(primary: { baseUrl?: string; apiKey?: string } = {}): OpenClawConfig {
  return {
    models: {
      providers: {
        fast: {
          baseUrl: primary.baseUrl ?? openai.baseUrl,
          ...(primary.apiKey === '' ? {} : { apiKey: primary.apiKey ?? OPENAI_KEY }),
          api: 'openai-completions',
          models: [{ id: 'fast-1' }],
        },
        steady: {
          baseUrl: anthropic.baseUrl,
          apiKey: ANTHROPIC_KEY,
          api: 'anthropic-messages',
          models: [{ id: 'steady-1', name: 'Steady' }],
        },
      },
    },
    agents: { defaults: { model: { primary: 'fast/fast-1', fallbacks: ['steady/steady-1'] } } },
  };
}

const question: Context = {
  messages: [{ role: 'user', content: 'hello?', timestamp: Date.now() }],
};

async function run(providers: ModelProviders, options = {}) {
  const events: ChainStreamEvent[] = [];
  // A generous deadline by default (the first call loads the provider SDK, slow on a busy host);
  // the hang case sets a short one.
  const stream = providers.stream(question, { maxRetries: 0, idleTimeoutMs: 10_000, ...options });
  for (;;) {
    const step = await stream.next();
    if (step.done) return { events, result: step.value };
    events.push(step.value);
  }
}

function create(c: OpenClawConfig) {
  return ModelProviders.create({
    config: c,
    env: {},
    paths: { agentsDir: path.join(dir, 'agents') },
  });
}

describe('fallback to the next model', () => {
  it.each<{
    name: string;
    turn?: StandInTurn;
    primary?: () => Promise<{ baseUrl?: string; apiKey?: string }>;
    idleTimeoutMs?: number;
    code: string;
  }>([
    { name: '401', turn: { reply: 'error', status: 401 }, code: 'PROVIDER_AUTH_FAILED' },
    {
      name: '429',
      turn: { reply: 'error', status: 429, retryAfterSeconds: 30 },
      code: 'PROVIDER_RATE_LIMITED',
    },
    { name: '500', turn: { reply: 'error', status: 500 }, code: 'PROVIDER_UNAVAILABLE' },
    { name: '503', turn: { reply: 'error', status: 503 }, code: 'PROVIDER_UNAVAILABLE' },
    { name: 'timeout', turn: { reply: 'hang' }, idleTimeoutMs: 400, code: 'PROVIDER_TIMEOUT' },
    {
      name: 'connection refused',
      primary: async () => ({ baseUrl: `http://127.0.0.1:${await closedTestPort()}/v1` }),
      code: 'PROVIDER_UNREACHABLE',
    },
    { name: 'missing key', primary: async () => ({ apiKey: '' }), code: 'PROVIDER_KEY_MISSING' },
  ])(
    'primary fails with $name → the secondary answers, reason recorded',
    async ({ turn, primary, idleTimeoutMs, code }) => {
      if (turn) openai.script.enqueue(turn);
      anthropic.script.enqueue({ reply: 'text', text: 'Steady answer.' });
      const providers = await create(config(primary ? await primary() : {}));
      const { events, result } = await run(providers, idleTimeoutMs ? { idleTimeoutMs } : {});

      const fallbacks = events.filter((e): e is FallbackEvent => e.type === 'fallback');
      expect(fallbacks).toEqual([
        {
          type: 'fallback',
          from: 'fast/fast-1',
          to: 'steady/steady-1',
          reason: expect.objectContaining({ ref: 'fast/fast-1', code }),
        },
      ]);
      expect(fallbacks[0]!.reason.message).not.toContain(OPENAI_KEY);
      // Nothing of the failed attempt reached the consumer: one start, from the model that answered.
      expect(events.filter((e) => e.type === 'start')).toHaveLength(1);
      const done = events.at(-1);
      expect(done?.type === 'done' && done.message.provider).toBe('steady');
      expect(result.ref).toBe('steady/steady-1');
      expect(result.attempts).toEqual([expect.objectContaining({ ref: 'fast/fast-1', code })]);
      expect(result.message.content[0]).toEqual(
        expect.objectContaining({ text: 'Steady answer.' }),
      );
    },
  );

  it('does not switch models once the answer has started streaming', async () => {
    openai.script.enqueue({ reply: 'drop', text: 'half an answer that will break' });
    const before = anthropic.requests.length;
    const providers = await create(config());
    const { events, result } = await run(providers);
    expect(events.some((e) => e.type === 'fallback')).toBe(false);
    expect(events.some((e) => e.type === 'text_delta')).toBe(true);
    const last = events.at(-1);
    expect(last?.type === 'error' && last.failure.code).toBe('PROVIDER_STREAM_INTERRUPTED');
    expect(anthropic.requests.length).toBe(before);
    expect(result.ref).toBe('fast/fast-1');
  });

  it('does not fall back on a request the provider rejects as malformed (400)', async () => {
    openai.script.enqueue({ reply: 'error', status: 400, message: 'messages: bad role' });
    const before = anthropic.requests.length;
    const { events } = await run(await create(config()));
    const last = events.at(-1);
    expect(last?.type === 'error' && last.failure.code).toBe('PROVIDER_REQUEST_REJECTED');
    expect(last?.type === 'error' && last.failure.message).toContain('messages: bad role');
    expect(anthropic.requests.length).toBe(before);
  });

  it('when every model fails, the error names each attempt and keeps the primary code', async () => {
    openai.script.enqueue({ reply: 'error', status: 401 });
    anthropic.script.enqueue({ reply: 'error', status: 529 });
    const { events, result } = await run(await create(config()));
    const last = events.at(-1);
    expect(last?.type).toBe('error');
    if (last?.type !== 'error') return;
    expect(last.failure.code).toBe('PROVIDER_AUTH_FAILED');
    expect(last.failure.message).toMatch(
      /^No model could answer\. fast\/fast-1: .*refused the API key.* steady\/steady-1: .*HTTP 529/,
    );
    expect(last.error.errorMessage).toBe(last.failure.message);
    expect(result.attempts.map((a) => a.code)).toEqual([
      'PROVIDER_AUTH_FAILED',
      'PROVIDER_UNAVAILABLE',
    ]);
    expect(JSON.stringify(last)).not.toContain(OPENAI_KEY);
    expect(JSON.stringify(last)).not.toContain(ANTHROPIC_KEY);
  });

  it('an explicit model is strict: no fallback', async () => {
    openai.script.enqueue({ reply: 'error', status: 500 });
    const { events } = await run(await create(config()), { model: 'fast/fast-1' });
    expect(events.some((e) => e.type === 'fallback')).toBe(false);
    expect(events.at(-1)?.type).toBe('error');
  });

  it('an aborted run does not fall back', async () => {
    openai.script.enqueue({ reply: 'hang' });
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 100);
    const { events } = await run(await create(config()), {
      signal: controller.signal,
      idleTimeoutMs: 5000,
    });
    expect(events.some((e) => e.type === 'fallback')).toBe(false);
    const last = events.at(-1);
    expect(last?.type === 'error' && last.failure.code).toBe('CANCELLED');
  });
});

describe('pi-agent-core Agent through ModelProviders.streamFn()', () => {
  it('falls back, runs a tool call assembled from deltas, and finishes the turn', async () => {
    // Each model call starts from the primary again (fallback is per call, as upstream's is per turn).
    openai.script.enqueue({ reply: 'error', status: 500 }, { reply: 'error', status: 503 });
    anthropic.script.enqueue(
      {
        reply: 'tool',
        text: 'Saving.',
        calls: [{ name: 'write', arguments: { path: 'a.txt', content: 'hi there' } }],
      },
      { reply: 'text', text: 'Saved a.txt.' },
    );
    const providers = await create(config());
    const written: Record<string, string> = {};
    const parameters = Type.Object({ path: Type.String(), content: Type.String() });
    const write: AgentTool<typeof parameters> = {
      name: 'write',
      label: 'Write',
      description: 'Write a file',
      parameters,
      execute: async (_id, params) => {
        written[params.path] = params.content;
        return {
          content: [{ type: 'text', text: `wrote ${params.content.length} bytes` }],
          details: {},
        };
      },
    };
    const fallbacks: FallbackEvent[] = [];
    const agent = new Agent({
      streamFn: providers.streamFn({
        defaults: { maxRetries: 0 },
        onFallback: (e) => fallbacks.push(e),
      }),
      initialState: {
        systemPrompt: 'You write files.',
        model: providers.resolve('fast/fast-1').model,
        tools: [write as unknown as AgentTool],
      },
    });
    await agent.prompt('write hi there to a.txt');
    await agent.waitForIdle();

    expect(written).toEqual({ 'a.txt': 'hi there' });
    expect(fallbacks.map((f) => [f.from, f.to, f.reason.code])).toEqual([
      ['fast/fast-1', 'steady/steady-1', 'PROVIDER_UNAVAILABLE'],
      ['fast/fast-1', 'steady/steady-1', 'PROVIDER_UNAVAILABLE'],
    ]);
    expect(openai.script.remaining).toBe(0);
    const roles = agent.state.messages.map((m) => ('role' in m ? m.role : 'custom'));
    expect(roles).toEqual(['user', 'assistant', 'toolResult', 'assistant']);
    const final = agent.state.messages.at(-1) as {
      content: Array<{ text?: string }>;
      provider: string;
    };
    expect(final.provider).toBe('steady');
    expect(final.content[0]?.text).toBe('Saved a.txt.');
    // The tool result reached the model that continued the turn.
    expect(JSON.stringify(anthropic.requests.at(-1)!.body)).toContain('wrote 8 bytes');
  });
});
