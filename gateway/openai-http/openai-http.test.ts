/**
 * The OpenAI-compatible endpoints through the real `openai` client library: a test gateway whose
 * agents run on the OpenAI stand-in provider. Off by default (404 saying how to enable), bearer
 * auth (401, and 429 once the failed-auth limiter locks the address), `/v1/models` listing the
 * agents, streamed and whole answers, sessions continued by `user`, clear 400s for bad bodies,
 * and a client that disconnects mid-stream aborting the run with a loadable transcript.
 */
import { promises as fs } from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { GatewayClient } from '@openclaw/gateway-client';
import OpenAI, { APIError } from 'openai';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { patchConfig } from '../config/config-store.js';
import { startOpenAiStandIn, type OpenAiStandIn } from '../testing/openai-stand-in.js';
import { startTestGateway, TEST_TOKEN, type TestGateway } from '../testing/test-gateway.js';

const KEY = 'sk-standin-0123456789abcdef';

let standIn: OpenAiStandIn;
let gw: TestGateway;

function client(token = TEST_TOKEN, gateway: TestGateway = gw): OpenAI {
  return new OpenAI({
    apiKey: token,
    baseURL: `http://127.0.0.1:${gateway.port}/v1`,
    maxRetries: 0,
    timeout: 10_000,
  });
}

function endpoint(path: string, gateway: TestGateway = gw): string {
  return `http://127.0.0.1:${gateway.port}${path}`;
}

const auth = { Authorization: `Bearer ${TEST_TOKEN}`, 'Content-Type': 'application/json' };

/** The text of the last user message the stand-in provider received. */
function lastPromptSeen(): string {
  const messages = standIn.requests.at(-1)?.body.messages as Array<{
    role: string;
    content: unknown;
  }>;
  const user = messages.filter((m) => m.role === 'user').at(-1)!;
  return typeof user.content === 'string'
    ? user.content
    : (user.content as Array<{ text?: string }>).map((p) => p.text ?? '').join('');
}

function agentConfig(): Record<string, unknown> {
  return {
    gateway: { http: { endpoints: { chatCompletions: { enabled: true } } } },
    models: {
      providers: {
        'stand-in': {
          baseUrl: standIn.baseUrl,
          apiKey: KEY,
          api: 'openai-completions',
          models: [
            { id: 'echo-1', name: 'Echo', input: ['text'] },
            { id: 'echo-2', name: 'Echo two', input: ['text'] },
          ],
        },
      },
    },
    agents: {
      defaults: { model: 'stand-in/echo-1' },
      list: [{ id: 'main', default: true }, { id: 'research' }],
    },
  };
}

beforeAll(async () => {
  standIn = await startOpenAiStandIn({ apiKey: KEY });
  gw = await startTestGateway(agentConfig());
});

afterAll(async () => {
  await gw?.stop();
  await standIn?.close();
});

beforeEach(() => standIn.script.clear());

describe('switched off and auth', () => {
  it('answers 404 with how to enable it when the endpoints are off (the default)', async () => {
    const off = await startTestGateway();
    try {
      const err = await client(TEST_TOKEN, off)
        .models.list()
        .catch((e: unknown) => e);
      expect(err).toBeInstanceOf(OpenAI.NotFoundError);
      expect((err as Error).message).toContain('gateway.http.endpoints.chatCompletions.enabled');
      const chat = await client(TEST_TOKEN, off)
        .chat.completions.create({ model: 'openclaw', messages: [{ role: 'user', content: 'hi' }] })
        .catch((e: unknown) => e);
      expect(chat).toBeInstanceOf(OpenAI.NotFoundError);
      // Other routes of the port are untouched.
      expect((await fetch(endpoint('/healthz', off))).status).toBe(200);

      // Switching it on in openclaw.json applies to the next request, no restart.
      await patchConfig(
        off.paths,
        { gateway: { http: { endpoints: { chatCompletions: { enabled: true } } } } },
        { env: off.env },
      );
      const deadline = Date.now() + 8000;
      let status = 404;
      while (status === 404 && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 50));
        status = (await fetch(endpoint('/v1/models', off), { headers: auth })).status;
      }
      expect(status).toBe(200);
    } finally {
      await off.stop();
    }
  });

  it('refuses a wrong or missing bearer with 401 and never echoes a secret', async () => {
    const wrong = 'not-the-token-abcdef0123456789';
    const err = await client(wrong)
      .models.list()
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAI.AuthenticationError);
    const message = (err as Error).message;
    expect(message).toContain('Wrong bearer token');
    expect(message).not.toContain(wrong);
    expect(message).not.toContain(TEST_TOKEN);
    const missing = await fetch(endpoint('/v1/models'));
    expect(missing.status).toBe(401);
    expect(((await missing.json()) as { error: { message: string } }).error.message).toContain(
      'Missing bearer token',
    );
    const log = await fs.readFile(path.join(gw.dir, 'gateway.log'), 'utf8');
    expect(log).toContain('authentication failed');
    expect(log).not.toContain(wrong);
  });

  it('counts failures in the gateway auth limiter: 429 with Retry-After once locked out', async () => {
    const limited = await startTestGateway({
      gateway: {
        auth: {
          mode: 'token',
          token: TEST_TOKEN,
          rateLimit: { maxAttempts: 2, windowMs: 60_000, lockoutMs: 60_000, exemptLoopback: false },
        },
        http: { endpoints: { chatCompletions: { enabled: true } } },
      },
    });
    try {
      for (let i = 0; i < 2; i += 1) {
        const res = await fetch(endpoint('/v1/models', limited), {
          headers: { Authorization: 'Bearer wrong-token' },
        });
        expect(res.status).toBe(401);
      }
      // Locked out: even the right token waits, as on the WebSocket.
      const locked = await fetch(endpoint('/v1/models', limited), { headers: auth });
      expect(locked.status).toBe(429);
      expect(Number(locked.headers.get('retry-after'))).toBeGreaterThan(0);
      const err = await client(TEST_TOKEN, limited)
        .models.list()
        .catch((e: unknown) => e);
      expect(err).toBeInstanceOf(OpenAI.RateLimitError);
    } finally {
      await limited.stop();
    }
  });
});

/** A GET with a chosen Host header (fetch does not let a caller set Host). */
function getWithHost(path: string, host: string, headers: Record<string, string> = {}) {
  return new Promise<number>((resolve, reject) => {
    const req = http.request(
      { host: '127.0.0.1', port: gw.port, path, headers: { ...headers, Host: host } },
      (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      },
    );
    req.on('error', reject);
    req.end();
  });
}

describe('reached under another name', () => {
  it('serves bearer calls for any Host (host.docker.internal), and keeps the rebinding guard otherwise', async () => {
    const host = `host.docker.internal:${gw.port}`;
    expect(await getWithHost('/v1/models', host, { Authorization: `Bearer ${TEST_TOKEN}` })).toBe(
      200,
    );
    expect(await getWithHost('/v1/models', host)).toBe(421);
    expect(await getWithHost('/', host)).toBe(421);
  });
});

describe('/v1/models', () => {
  it('lists the agents as models and fetches one', async () => {
    const ids: string[] = [];
    for await (const model of client().models.list()) ids.push(model.id);
    expect(ids).toEqual(['openclaw', 'openclaw/default', 'openclaw/main', 'openclaw/research']);
    const one = await client().models.retrieve('openclaw/research');
    expect(one).toMatchObject({ id: 'openclaw/research', object: 'model', owned_by: 'openclaw' });
    const missing = await client()
      .models.retrieve('openclaw/nobody')
      .catch((e: unknown) => e);
    expect(missing).toBeInstanceOf(OpenAI.NotFoundError);
  });
});

describe('/v1/chat/completions', () => {
  it('streams the agent answer as chunks, with usage, ending with [DONE]', async () => {
    standIn.script.enqueue({ reply: 'text', text: 'Hello from the stand-in model.', chunkSize: 5 });
    const stream = await client().chat.completions.create({
      model: 'openclaw/default',
      stream: true,
      stream_options: { include_usage: true },
      messages: [{ role: 'user', content: 'say hello' }],
    });
    const chunks: OpenAI.ChatCompletionChunk[] = [];
    for await (const chunk of stream) chunks.push(chunk);
    const contents = chunks.map((c) => c.choices[0]?.delta.content).filter((c) => c);
    expect(contents.length).toBeGreaterThan(1);
    expect(contents.join('')).toBe('Hello from the stand-in model.');
    expect(chunks[0]!.choices[0]!.delta.role).toBe('assistant');
    expect(chunks.map((c) => c.choices[0]?.finish_reason).filter(Boolean)).toEqual(['stop']);
    expect(chunks.every((c) => c.object === 'chat.completion.chunk')).toBe(true);
    expect(new Set(chunks.map((c) => c.id)).size).toBe(1);
    const usage = chunks.at(-1)!.usage!;
    expect(usage.completion_tokens).toBeGreaterThan(0);
    expect(usage.total_tokens).toBe(usage.prompt_tokens + usage.completion_tokens);
    expect(lastPromptSeen()).toBe('say hello');

    // On the wire: SSE `data:` lines and the [DONE] terminator (the library hides it).
    standIn.script.enqueue({ reply: 'text', text: 'Raw.' });
    const raw = await fetch(endpoint('/v1/chat/completions'), {
      method: 'POST',
      headers: auth,
      body: JSON.stringify({
        model: 'openclaw',
        stream: true,
        messages: [{ role: 'user', content: 'x' }],
      }),
    });
    expect(raw.headers.get('content-type')).toContain('text/event-stream');
    const body = await raw.text();
    expect(body.startsWith('data: {')).toBe(true);
    expect(body.endsWith('data: [DONE]\n\n')).toBe(true);
  });

  it('answers whole without stream, with usage, running the agent named by the model', async () => {
    standIn.script.enqueue({
      reply: 'text',
      text: 'Research here.',
      usage: { input: 12, output: 3 },
    });
    const answer = await client().chat.completions.create({
      model: 'openclaw/research',
      messages: [{ role: 'user', content: 'who are you?' }],
    });
    expect(answer.object).toBe('chat.completion');
    expect(answer.model).toBe('openclaw/research');
    expect(answer.choices[0]!.message).toMatchObject({
      role: 'assistant',
      content: 'Research here.',
    });
    expect(answer.choices[0]!.finish_reason).toBe('stop');
    expect(answer.usage).toMatchObject({
      prompt_tokens: 12,
      completion_tokens: 3,
      total_tokens: 15,
    });
    // A request without `user` gets a session of its own under the chosen agent.
    const { entries } = await gw.gateway.sessions.list('research');
    expect(Object.keys(entries).some((k) => k.startsWith('agent:research:openai:'))).toBe(true);
  });

  it('runs the agent with its tools: a write lands in the workspace, the answer has all the text', async () => {
    standIn.script.enqueue(
      {
        reply: 'tool',
        text: 'Writing the note.',
        calls: [
          { name: 'write', arguments: { path: 'from-http.txt', content: 'written over HTTP' } },
        ],
      },
      { reply: 'text', text: 'Done.' },
    );
    const answer = await client().chat.completions.create({
      model: 'openclaw',
      messages: [{ role: 'user', content: 'write a note' }],
    });
    expect(answer.choices[0]!.message.content).toBe('Writing the note.\n\nDone.');
    const written = await fs.readFile(path.join(gw.paths.workspaceDir, 'from-http.txt'), 'utf8');
    expect(written).toBe('written over HTTP');
    // The provider got the tool result back on the second turn.
    const second = standIn.requests.at(-1)!.body.messages as Array<{ role: string }>;
    expect(second.some((m) => m.role === 'tool')).toBe(true);
  });

  it('runs the model named by x-openclaw-model for that request only', async () => {
    standIn.script.enqueue({ reply: 'text', text: 'two' }, { reply: 'text', text: 'one' });
    const answer = await client().chat.completions.create(
      { model: 'openclaw', messages: [{ role: 'user', content: 'x' }] },
      { headers: { 'x-openclaw-model': 'stand-in/echo-2' } },
    );
    expect(answer.choices[0]!.message.content).toBe('two');
    expect(standIn.requests.at(-1)!.body.model).toBe('echo-2');
    await client().chat.completions.create({
      model: 'openclaw',
      messages: [{ role: 'user', content: 'x' }],
    });
    expect(standIn.requests.at(-1)!.body.model).toBe('echo-1');
  });

  it('continues one session for the same `user`; a new session gets the client history as context', async () => {
    standIn.script.enqueue(
      { reply: 'text', text: 'First answer.' },
      { reply: 'text', text: 'Second answer.' },
    );
    const user = `conv:${Date.now()}`;
    await client().chat.completions.create({
      model: 'openclaw',
      user,
      messages: [{ role: 'user', content: 'first question' }],
    });
    await client().chat.completions.create({
      model: 'openclaw',
      user,
      messages: [
        { role: 'user', content: 'first question' },
        { role: 'assistant', content: 'First answer.' },
        { role: 'user', content: 'second question' },
      ],
    });
    // The provider saw the transcript's history, not a copy of the client's.
    const sent = standIn.requests.at(-1)!.body.messages as Array<{ role: string }>;
    expect(sent.filter((m) => m.role === 'user')).toHaveLength(2);
    expect(lastPromptSeen()).toBe('second question');
    const { entry } = await gw.gateway.sessions.get(`agent:main:openai-user:${user}`);
    expect(entry).toBeDefined();

    standIn.script.enqueue({ reply: 'text', text: 'ok' });
    await client().chat.completions.create({
      model: 'openclaw',
      messages: [
        { role: 'system', content: 'Answer in French.' },
        { role: 'user', content: 'earlier question' },
        { role: 'assistant', content: 'earlier answer' },
        { role: 'user', content: 'now this' },
      ],
    });
    const prompt = lastPromptSeen();
    expect(prompt).toContain('Answer in French.');
    expect(prompt).toContain('User: earlier question');
    expect(prompt).toContain('Assistant: earlier answer');
    expect(prompt.endsWith('now this')).toBe(true);
  });

  it('refuses bad requests with 400s that say what to send', async () => {
    const c = client();
    const before = standIn.requests.length;
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ model: 'openclaw' }, '"messages" is missing'],
      [
        { model: 'openclaw/nobody', messages: [{ role: 'user', content: 'x' }] },
        'No agent "nobody"',
      ],
      [{ model: 'gpt-4o', messages: [{ role: 'user', content: 'x' }] }, 'Unknown model "gpt-4o"'],
      [
        { model: 'openclaw', messages: [{ role: 'assistant', content: 'x' }] },
        'must come from the user',
      ],
      [
        {
          model: 'openclaw',
          messages: [
            { role: 'user', content: [{ type: 'image_url', image_url: { url: 'data:,' } }] },
          ],
        },
        'text only',
      ],
    ];
    for (const [body, expected] of cases) {
      const err = await c.chat.completions
        .create(body as unknown as OpenAI.ChatCompletionCreateParamsNonStreaming)
        .catch((e: unknown) => e);
      expect(err, expected).toBeInstanceOf(OpenAI.BadRequestError);
      expect((err as Error).message).toContain(expected);
    }
    const reserved = await c.chat.completions
      .create(
        { model: 'openclaw', messages: [{ role: 'user', content: 'x' }] },
        { headers: { 'x-openclaw-session-key': 'cron:nightly' } },
      )
      .catch((e: unknown) => e);
    expect(reserved).toBeInstanceOf(OpenAI.BadRequestError);
    expect((reserved as Error).message).toContain('reserved namespace');

    const invalid = await fetch(endpoint('/v1/chat/completions'), {
      method: 'POST',
      headers: auth,
      body: '{"model": "openclaw", "messages": [',
    });
    expect(invalid.status).toBe(400);
    expect(((await invalid.json()) as { error: { message: string } }).error.message).toContain(
      'not valid JSON',
    );
    const huge = await fetch(endpoint('/v1/chat/completions'), {
      method: 'POST',
      headers: auth,
      body: JSON.stringify({
        model: 'openclaw',
        messages: [{ role: 'user', content: 'x'.repeat(21 * 1024 * 1024) }],
      }),
    });
    expect(huge.status).toBe(413);
    expect(((await huge.json()) as { error: { code: string } }).error.code).toBe(
      'request_too_large',
    );
    // Nothing reached the model.
    expect(standIn.requests.length).toBe(before);
  });

  it('reports a provider failure as an error the client raises, without retrying the run', async () => {
    standIn.script.enqueue({ reply: 'error', status: 500 });
    const before = standIn.requests.length;
    const err = await client()
      .chat.completions.create({ model: 'openclaw', messages: [{ role: 'user', content: 'x' }] })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAI.APIError);
    expect((err as APIError).status).toBe(500);
    expect((err as APIError).headers?.get('x-should-retry')).toBe('false');

    standIn.script.enqueue({ reply: 'error', status: 500 });
    const stream = await client().chat.completions.create({
      model: 'openclaw',
      stream: true,
      messages: [{ role: 'user', content: 'x' }],
    });
    const streamed = await (async () => {
      for await (const _ of stream) void _;
    })().catch((e: unknown) => e);
    expect(streamed).toBeInstanceOf(OpenAI.APIError);
    expect(standIn.requests.length - before).toBeGreaterThanOrEqual(2);
  });

  it('aborts the run when the client disconnects mid-stream; the transcript stays loadable', async () => {
    standIn.script.enqueue({
      reply: 'text',
      text: 'A long answer that keeps streaming for a while. '.repeat(20),
      chunkSize: 4,
      delayMs: 20,
    });
    const user = `abort-${Date.now()}`;
    const sessionKey = `agent:main:openai-user:${user}`;
    const controller = new AbortController();
    const providerClosed = standIn.clientClosed();
    const stream = await client().chat.completions.create(
      { model: 'openclaw', user, stream: true, messages: [{ role: 'user', content: 'talk' }] },
      { signal: controller.signal },
    );
    let seen = '';
    const reading = (async () => {
      for await (const chunk of stream) {
        seen += chunk.choices[0]?.delta.content ?? '';
        if (seen.length > 10) controller.abort();
      }
    })();
    // The library ends the iteration quietly on abort; the answer was cut short.
    await reading;
    expect(seen.length).toBeGreaterThan(10);
    expect(seen.length).toBeLessThan(200);
    // The gateway aborts the agent, which drops the provider request.
    await providerClosed;
    const deadline = Date.now() + 8000;
    let entry = (await gw.gateway.sessions.get(sessionKey)).entry;
    while (entry?.abortedLastRun !== true && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 25));
      entry = (await gw.gateway.sessions.get(sessionKey)).entry;
    }
    expect(entry?.abortedLastRun).toBe(true);

    const ws = await new Promise<GatewayClient>((resolve, reject) => {
      const c = new GatewayClient({
        url: gw.url,
        token: TEST_TOKEN,
        scopes: ['operator.read'],
        hostDeps: { logDebug: () => {}, logError: () => {} },
        onHelloOk: () => resolve(c),
        onConnectError: (e) => {
          c.stop();
          reject(e);
        },
      });
      c.start();
    });
    try {
      const history = await ws.request<{ messages: Array<{ role: string }> }>('chat.history', {
        sessionKey,
      });
      expect(history.messages[0]!.role).toBe('user');
      expect(history.messages.length).toBeLessThanOrEqual(2);
    } finally {
      ws.stop();
    }
  });

  it('ends a stream with an error event and [DONE] when the gateway stops mid-run', async () => {
    const stopping = await startTestGateway(agentConfig());
    try {
      standIn.script.enqueue({ reply: 'hang' });
      const res = await fetch(endpoint('/v1/chat/completions', stopping), {
        method: 'POST',
        headers: auth,
        body: JSON.stringify({
          model: 'openclaw',
          stream: true,
          messages: [{ role: 'user', content: 'x' }],
        }),
      });
      const reader = res.body!.getReader();
      const decoder = new TextDecoder();
      let body = decoder.decode((await reader.read()).value);
      expect(body).toContain('"role":"assistant"');
      const stopped = stopping.gateway.stop('test stop');
      for (let part = await reader.read(); !part.done; part = await reader.read()) {
        body += decoder.decode(part.value);
      }
      await stopped;
      expect(body).toContain('"code":"run_aborted"');
      expect(body.endsWith('data: [DONE]\n\n')).toBe(true);
    } finally {
      await stopping.stop();
    }
  });
});
