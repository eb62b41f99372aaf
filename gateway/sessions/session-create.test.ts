/**
 * `sessions.create` (the official Control UI's "New conversation"): an empty session with
 * settings, idempotent retries, refused options named, and a first message that starts a run
 * against the OpenAI stand-in. Through the reference client; results checked against the schema.
 */
import { GatewayClient } from '@openclaw/gateway-client';
import {
  SessionsCreateResultSchema,
  SessionRowSchema,
  SessionsResolveResultSchema,
} from '@openclaw/gateway-protocol/schema';
import { Value } from 'typebox/value';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startOpenAiStandIn, type OpenAiStandIn } from '../testing/openai-stand-in.js';
import { startTestGateway, TEST_TOKEN, type TestGateway } from '../testing/test-gateway.js';

process.env.OPENCLAW_TEST_PORT_RANGE ??= '41000-41999';

const KEY = 'sk-standin-0123456789abcdef';
let standIn: OpenAiStandIn;
let gw: TestGateway;
let client: GatewayClient;
const events: Array<{ event: string; payload: Record<string, unknown> }> = [];

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
  client = await new Promise<GatewayClient>((resolve, reject) => {
    const c: GatewayClient = new GatewayClient({
      url: gw.url,
      token: TEST_TOKEN,
      scopes: ['operator.write'],
      requestTimeoutMs: 8000,
      hostDeps: { logDebug: () => {}, logError: () => {} },
      onEvent: (evt) =>
        events.push({ event: evt.event, payload: evt.payload as Record<string, unknown> }),
      onHelloOk: () => resolve(c),
      onConnectError: (err) => {
        reject(err);
        c.stop();
      },
    });
    c.start();
  });
});

afterAll(async () => {
  await client?.stopAndWait();
  await gw?.stop();
  await standIn?.close();
});

interface Created {
  ok: true;
  key: string;
  sessionId: string;
  entry: Record<string, unknown>;
  runStarted?: boolean;
  runId?: string;
  runError?: { code: string; message: string };
}

async function create(params: Record<string, unknown>): Promise<Created> {
  const result = await client.request<Created>('sessions.create', params);
  expect([...Value.Errors(SessionsCreateResultSchema, result)]).toEqual([]);
  return result;
}

async function until(predicate: () => boolean): Promise<void> {
  const deadline = Date.now() + 8000;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('sessions.create', () => {
  it('creates an empty session with its settings, listed and announced', async () => {
    const created = await create({ agentId: 'main', label: 'Research', thinkingLevel: 'low' });
    expect(created.key).toMatch(/^agent:main:dashboard:[0-9a-f-]{36}$/);
    expect(created.entry).toMatchObject({ label: 'Research', thinkingLevel: 'low' });
    expect(created.runStarted).toBeUndefined();
    const list = await client.request<{ sessions: Array<{ key: string; label?: string }> }>(
      'sessions.list',
      {},
    );
    expect(list.sessions.find((s) => s.key === created.key)).toMatchObject({ label: 'Research' });
    await until(() =>
      events.some((e) => e.event === 'sessions.changed' && e.payload.sessionKey === created.key),
    );
  });

  it('answers a retry with the same idempotency key with the same session', async () => {
    const first = await create({ idempotencyKey: 'create-once' });
    const again = await create({ idempotencyKey: 'create-once' });
    expect(again.key).toBe(first.key);
    expect(again.sessionId).toBe(first.sessionId);
  });

  it('adopts a key the client chose, and keeps an existing session as it is', async () => {
    const chosen = await create({ key: 'agent:main:notes', label: 'Notes' });
    expect(chosen.key).toBe('agent:main:notes');
    const adopted = await create({ key: 'notes', agentId: 'main', label: 'Other' });
    expect(adopted).toMatchObject({ key: 'agent:main:notes', sessionId: chosen.sessionId });
    expect(adopted.entry.label).toBe('Notes');
  });

  it('makes a new conversation for a /new typed in another session', async () => {
    const parent = await create({ agentId: 'main', label: 'Parent' });
    const created = await create({
      parentSessionKey: parent.key,
      emitCommandHooks: true,
      succeedsParent: false,
    });
    expect(created.key).toMatch(/^agent:main:dashboard:/);
    expect(created.key).not.toBe(parent.key);
    await expect(
      client.request('sessions.create', { parentSessionKey: parent.key, succeedsParent: true }),
    ).rejects.toThrow(/cannot end its parent session/);
    await expect(
      client.request('sessions.create', { parentSessionKey: 'agent:ghost:main' }),
    ).rejects.toThrow(/Unknown agent "ghost"/);
  });

  it('refuses options it does not implement, by name', async () => {
    await expect(
      client.request('sessions.create', { agentId: 'main', fork: true, worktree: true }),
    ).rejects.toThrow(/does not support fork, worktree/);
    await expect(client.request('sessions.create', { message: '   ' })).rejects.toThrow(
      /message must be non-empty text/,
    );
  });

  it('with a first message, starts a run that ends final and is in the history', async () => {
    standIn.script.enqueue({ reply: 'text', text: 'Fresh session answer.' });
    const created = await create({ agentId: 'main', message: 'hello new session' });
    expect(created.runStarted).toBe(true);
    const runId = created.runId!;
    await until(() =>
      events.some(
        (e) => e.event === 'chat' && e.payload.runId === runId && e.payload.state === 'final',
      ),
    );
    const history = await client.request<{ messages: Array<Record<string, unknown>> }>(
      'chat.history',
      { sessionKey: created.key },
    );
    expect(history.messages.map((m) => m.role)).toEqual(['user', 'assistant']);
    expect(history.messages[0]).toMatchObject({ idempotencyKey: runId });
    expect(history.messages[1]!.content).toEqual([{ type: 'text', text: 'Fresh session answer.' }]);
  });
});

describe('sessions.resolve', () => {
  interface Resolved {
    ok: boolean;
    key?: string;
    agentId?: string;
    displayName?: string;
    candidates?: Array<{ key: string; agentId: string }>;
  }
  const resolve = async (params: Record<string, unknown>) => {
    const result = await client.request<Resolved>('sessions.resolve', params);
    expect([...Value.Errors(SessionsResolveResultSchema, result)]).toEqual([]);
    return result;
  };

  it('finds a session by the short id the UI puts in its address, with or without the slug', async () => {
    const created = await create({ agentId: 'main', label: 'Trip plans' });
    const compact = created.key.split(':').at(-1)!.replace(/-/g, '');
    for (const shortId of [compact, compact.slice(0, 8), compact.toUpperCase()]) {
      expect(
        await resolve({ shortId, slugHint: 'trip-plans', agentId: 'main', allowMissing: true }),
      ).toEqual({ ok: true, key: created.key, agentId: 'main', displayName: 'Trip plans' });
    }
  });

  it('finds by key, session id and label', async () => {
    const created = await create({ agentId: 'main', label: 'By label' });
    expect(await resolve({ key: created.key })).toMatchObject({ ok: true, key: created.key });
    expect(await resolve({ sessionId: created.sessionId })).toMatchObject({ key: created.key });
    expect(await resolve({ label: 'By label' })).toMatchObject({ key: created.key });
  });

  it('answers several matches with candidates, and none with ok false or a clear error', async () => {
    await create({ key: 'agent:main:dashboard:abcdef01-0000-4000-8000-000000000001' });
    await create({ key: 'agent:main:dashboard:abcdef01-0000-4000-8000-000000000002' });
    const both = await resolve({ shortId: 'abcdef01', allowMissing: true });
    expect(both.ok).toBe(false);
    expect(both.candidates?.map((c) => c.key).sort()).toEqual([
      'agent:main:dashboard:abcdef01-0000-4000-8000-000000000001',
      'agent:main:dashboard:abcdef01-0000-4000-8000-000000000002',
    ]);
    expect(await resolve({ shortId: 'fedcba98', allowMissing: true })).toEqual({ ok: false });
    await expect(client.request('sessions.resolve', { shortId: 'fedcba98' })).rejects.toThrow(
      /No session of agent "main" matches shortId "fedcba98"/,
    );
  });
});

describe('sessions.describe', () => {
  it('gives one session row as sessions.list does, and null for a key without a session', async () => {
    const created = await create({ agentId: 'main', label: 'Described' });
    const described = await client.request<{ session: Record<string, unknown> | null }>(
      'sessions.describe',
      { key: created.key, includeDerivedTitles: true },
    );
    expect([...Value.Errors(SessionRowSchema, described.session)]).toEqual([]);
    expect(described.session).toMatchObject({
      key: created.key,
      sessionId: created.sessionId,
      label: 'Described',
    });
    expect(await client.request('sessions.describe', { key: 'agent:main:never-used' })).toEqual({
      session: null,
    });
  });
});
