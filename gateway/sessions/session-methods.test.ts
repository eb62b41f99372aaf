/**
 * The session methods end to end: a real gateway, the real reference client, results and events
 * validated against `@openclaw/gateway-protocol`'s schemas, and the files on disk checked.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { GatewayClient, type GatewayClientOptions } from '@openclaw/gateway-client';
import {
  ChatEventSchema,
  SessionRowSchema,
  SessionsDeleteResultSchema,
  WorkerTranscriptMessageSchema,
} from '@openclaw/gateway-protocol/schema';
import type { TSchema } from 'typebox';
import { Value } from 'typebox/value';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, TEST_TOKEN, type TestGateway } from '../testing/test-gateway.js';
import { emptyUsage, type AssistantMessage } from './messages.js';

let gw: TestGateway;
const MAIN = 'agent:main:main';

beforeAll(async () => {
  gw = await startTestGateway({ agents: { defaults: { model: 'my-llm/llama-3.1-8b' } } });
});

afterAll(async () => {
  await gw.stop();
});

interface Connected {
  client: GatewayClient;
  hello: { features?: { methods?: string[]; events?: string[] } };
  events: Array<{ event: string; payload?: unknown }>;
}

function connect(scopes: string[]): Promise<Connected> {
  const events: Connected['events'] = [];
  return new Promise((resolve, reject) => {
    const options: GatewayClientOptions = {
      url: gw.url,
      token: TEST_TOKEN,
      scopes,
      requestTimeoutMs: 5000,
      hostDeps: { logDebug: () => {}, logError: () => {} },
      onEvent: (evt) => events.push({ event: evt.event, payload: evt.payload }),
      onHelloOk: (hello) => resolve({ client, hello: hello as Connected['hello'], events }),
      onConnectError: (err) => {
        reject(err);
        client.stop();
      },
    };
    const client = new GatewayClient(options);
    client.start();
  });
}

/** Validate an outgoing result or event against a protocol schema, saying where it differs. */
function check(schema: TSchema, value: unknown): void {
  const errors = [...Value.Errors(schema, value)];
  if (errors.length > 0) throw new Error(`schema mismatch: ${JSON.stringify(errors.slice(0, 3))}`);
}

const sessionsDir = () => path.join(gw.paths.agentsDir, 'main', 'sessions');

async function jsonl(file: string): Promise<Array<Record<string, unknown>>> {
  return (await fs.readFile(file, 'utf8'))
    .trimEnd()
    .split('\n')
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

function reply(text: string, extra: Partial<AssistantMessage> = {}): AssistantMessage {
  return {
    role: 'assistant',
    content: [{ type: 'text', text }],
    api: 'openai-completions',
    provider: 'my-llm',
    model: 'llama-3.1-8b',
    usage: { ...emptyUsage(), input: 120, output: 30, totalTokens: 150 },
    stopReason: 'stop',
    timestamp: Date.now(),
    ...extra,
  };
}

/** What a run does through the store: append the turn, record usage. */
async function seedConversation(key: string, firstText: string) {
  const session = await gw.gateway.sessions.openSession(key);
  const t = session.transcript;
  await t.appendMessage({ role: 'user', content: firstText, timestamp: Date.now() });
  await t.appendMessage(
    reply('', {
      content: [
        { type: 'thinking', thinking: 'I should list the files.' },
        { type: 'toolCall', id: 'call_1', name: 'ls', arguments: { path: '.' } },
      ],
      stopReason: 'toolUse',
    }),
  );
  await t.appendMessage({
    role: 'toolResult',
    toolCallId: 'call_1',
    toolName: 'ls',
    content: [{ type: 'text', text: 'notes.md' }],
    isError: false,
    timestamp: Date.now(),
  });
  await t.appendMessage(reply('[[reply_to_current]]There is one file: notes.md'));
  await gw.gateway.sessions.recordRun(key, {
    usage: { ...emptyUsage(), input: 120, output: 30, totalTokens: 150 },
    provider: 'my-llm',
    model: 'llama-3.1-8b',
    aborted: false,
    interaction: true,
  });
  return session;
}

describe('session methods through @openclaw/gateway-client', () => {
  it('advertises the methods and the chat event in hello-ok', async () => {
    const { client, hello } = await connect(['operator.read']);
    for (const method of [
      'sessions.list',
      'sessions.patch',
      'sessions.reset',
      'sessions.delete',
      'chat.history',
      'chat.inject',
    ]) {
      expect(hello.features?.methods).toContain(method);
    }
    expect(hello.features?.events).toContain('chat');
    expect(hello.features?.events).toContain('sessions.changed');
    await client.stopAndWait();
  });

  it('lists sessions with title, preview, tokens and model; history matches the JSONL on disk', async () => {
    const session = await seedConversation(MAIN, 'What files are in my workspace?');
    const { client } = await connect(['operator.read']);

    const list = await client.request<{
      path: string;
      count: number;
      defaults: { modelProvider: string | null; model: string | null };
      sessions: Array<Record<string, unknown>>;
    }>('sessions.list', { includeDerivedTitles: true, includeLastMessage: true });
    expect(list.path).toBe(path.join(sessionsDir(), 'sessions.json'));
    expect(list.defaults).toMatchObject({ modelProvider: 'my-llm', model: 'llama-3.1-8b' });
    const row = list.sessions.find((r) => r.key === MAIN)!;
    check(SessionRowSchema, row);
    expect(row).toMatchObject({
      kind: 'direct',
      sessionId: session.sessionId,
      derivedTitle: 'What files are in my workspace?',
      displayName: 'What files are in my workspace?',
      lastMessagePreview: 'There is one file: notes.md',
      inputTokens: 120,
      outputTokens: 30,
      totalTokens: 150,
      model: 'llama-3.1-8b',
      modelProvider: 'my-llm',
    });

    const history = await client.request<{
      sessionKey: string;
      sessionId: string;
      messages: Array<Record<string, unknown>>;
    }>('chat.history', { sessionKey: 'main' });
    expect(history.sessionKey).toBe(MAIN);
    expect(history.sessionId).toBe(session.sessionId);
    history.messages.forEach(({ __openclaw: position, ...m }) => {
      expect(position).toMatchObject({ id: expect.any(String), seq: expect.any(Number) });
      check(WorkerTranscriptMessageSchema, m);
    });
    const onDisk = (await jsonl(session.transcript.file)).filter((l) => l.type === 'message');
    expect(history.messages.map((m) => m.role)).toEqual(
      onDisk.map((l) => (l.message as { role: string }).role),
    );
    expect(history.messages.at(-1)!.content).toEqual([
      { type: 'text', text: 'There is one file: notes.md' },
    ]);
    expect(history.messages[0]!.content).toEqual([
      { type: 'text', text: 'What files are in my workspace?' },
    ]);
    await client.stopAndWait();
  });

  it('chat.inject appends an assistant note without a run and broadcasts a chat event', async () => {
    const watcher = await connect(['operator.read']);
    const { client } = await connect(['operator.admin']);
    const result = await client.request<{ ok: boolean; messageId: string }>('chat.inject', {
      sessionKey: MAIN,
      message: 'Backup finished at 03:00.',
      label: 'cron',
    });
    expect(result.ok).toBe(true);
    expect(result.messageId).toMatch(/^[0-9a-f]{8}$/);

    await expect.poll(() => watcher.events.some((e) => e.event === 'chat')).toBe(true);
    const event = watcher.events.find((e) => e.event === 'chat')!.payload as Record<
      string,
      unknown
    >;
    check(ChatEventSchema, event);
    expect(event).toMatchObject({ sessionKey: MAIN, state: 'final' });
    await expect
      .poll(() => watcher.events.find((e) => e.event === 'sessions.changed')?.payload)
      .toMatchObject({ sessionKey: MAIN, reason: 'inject' });

    const history = await client.request<{ messages: Array<{ role: string; content: unknown }> }>(
      'chat.history',
      {
        sessionKey: MAIN,
      },
    );
    expect(history.messages.at(-1)).toMatchObject({
      role: 'assistant',
      content: [{ type: 'text', text: '[cron]\n\nBackup finished at 03:00.' }],
    });
    const { entry } = await gw.gateway.sessions.get(MAIN);
    const lines = await jsonl(path.join(sessionsDir(), `${entry!.sessionId}.jsonl`));
    expect(lines.at(-1)).toMatchObject({
      type: 'message',
      id: result.messageId,
      message: { role: 'assistant' },
    });
    check(WorkerTranscriptMessageSchema, lines.at(-1)!.message);

    // Reading needs operator.read; injecting needs admin.
    await expect(
      watcher.client.request('chat.inject', { sessionKey: MAIN, message: 'nope' }),
    ).rejects.toMatchObject({ details: expect.objectContaining({ code: 'MISSING_SCOPE' }) });
    await watcher.client.stopAndWait();
    await client.stopAndWait();
  });

  it('sessions.patch sets label, thinking level and model, records them in the transcript, keeps unknown fields', async () => {
    const indexFile = path.join(sessionsDir(), 'sessions.json');
    const index = JSON.parse(await fs.readFile(indexFile, 'utf8')) as Record<
      string,
      Record<string, unknown>
    >;
    index[MAIN]!.deliveryContext = { channel: 'telegram', to: '42' };
    await fs.writeFile(indexFile, JSON.stringify(index));

    const { client } = await connect(['operator.admin']);
    const patched = await client.request<{
      ok: boolean;
      key: string;
      entry: Record<string, unknown>;
    }>('sessions.patch', {
      key: MAIN,
      label: 'Daily',
      thinkingLevel: 'high',
      model: 'anthropic/claude-sonnet-4-5',
    });
    expect(patched).toMatchObject({
      ok: true,
      key: MAIN,
      entry: {
        label: 'Daily',
        thinkingLevel: 'high',
        modelOverride: 'claude-sonnet-4-5',
        providerOverride: 'anthropic',
      },
    });
    const onDisk = JSON.parse(await fs.readFile(indexFile, 'utf8')) as Record<
      string,
      Record<string, unknown>
    >;
    expect(onDisk[MAIN]).toMatchObject({
      label: 'Daily',
      deliveryContext: { channel: 'telegram', to: '42' },
    });
    const lines = await jsonl(path.join(sessionsDir(), `${String(onDisk[MAIN]!.sessionId)}.jsonl`));
    expect(lines.slice(-2)).toMatchObject([
      { type: 'model_change', provider: 'anthropic', modelId: 'claude-sonnet-4-5' },
      { type: 'thinking_level_change', thinkingLevel: 'high' },
    ]);

    const list = await client.request<{ sessions: Array<Record<string, unknown>> }>(
      'sessions.list',
      {},
    );
    expect(list.sessions.find((r) => r.key === MAIN)).toMatchObject({
      label: 'Daily',
      displayName: 'Daily',
      thinkingLevel: 'high',
      model: 'claude-sonnet-4-5',
      modelProvider: 'anthropic',
    });

    await expect(
      client.request('sessions.patch', { key: MAIN, thinkingLevel: 'extreme' }),
    ).rejects.toMatchObject({
      message: expect.stringContaining('off, minimal, low, medium, high, xhigh'),
    });
    await expect(
      client.request('sessions.patch', { key: 'agent:main:other', label: 'Daily' }),
    ).rejects.toMatchObject({
      message: expect.stringContaining('already used by agent:main:main'),
    });
    const cleared = await client.request<{ entry: Record<string, unknown> }>('sessions.patch', {
      key: MAIN,
      label: null,
      model: null,
    });
    expect(cleared.entry.label).toBeUndefined();
    expect(cleared.entry.modelOverride).toBeUndefined();
    expect(cleared.entry.thinkingLevel).toBe('high');

    const reader = await connect(['operator.read']);
    await expect(
      reader.client.request('sessions.patch', { key: MAIN, label: 'x' }),
    ).rejects.toMatchObject({
      details: expect.objectContaining({ code: 'MISSING_SCOPE' }),
    });
    await reader.client.stopAndWait();
    await client.stopAndWait();
  });

  it('sessions.reset starts a new session id, keeps settings and the old transcript', async () => {
    const { client } = await connect(['operator.admin']);
    const before = (await gw.gateway.sessions.get(MAIN)).entry!;
    const held = (await gw.gateway.sessions.openSession(MAIN)).transcript;
    const oldFile = path.join(sessionsDir(), `${before.sessionId}.jsonl`);
    const oldContent = await fs.readFile(oldFile, 'utf8');

    const reset = await client.request<{
      ok: boolean;
      key: string;
      entry: Record<string, unknown>;
    }>('sessions.reset', {
      key: MAIN,
      reason: 'new',
    });
    expect(reset.ok).toBe(true);
    expect(reset.entry.sessionId).not.toBe(before.sessionId);
    expect(reset.entry).toMatchObject({
      thinkingLevel: 'high',
      deliveryContext: { channel: 'telegram', to: '42' },
    });
    expect(reset.entry.inputTokens).toBeUndefined();

    const names = await fs.readdir(sessionsDir());
    const archived = names.find((n) => n.startsWith(`${before.sessionId}.jsonl.reset.`));
    expect(archived).toBeDefined();
    expect(await fs.readFile(path.join(sessionsDir(), archived!), 'utf8')).toBe(oldContent);

    const history = await client.request<{ sessionId: string; messages: unknown[] }>(
      'chat.history',
      { sessionKey: MAIN },
    );
    expect(history).toMatchObject({ sessionId: reset.entry.sessionId, messages: [] });

    // A run still holding the old transcript cannot write into the archived file…
    await expect(
      held.appendMessage({ role: 'user', content: 'late', timestamp: 1 }),
    ).rejects.toThrow(/closed/);
    // …and the next run starts a fresh one.
    await expect(
      (await gw.gateway.sessions.openSession(MAIN)).transcript.appendMessage({
        role: 'user',
        content: 'new start',
        timestamp: 1,
      }),
    ).resolves.toMatchObject({ parentId: null });
    await client.stopAndWait();
  });

  it('sessions.delete removes a key and archives its transcript; the main session cannot be deleted', async () => {
    const key = 'agent:main:scratch';
    const session = await seedConversation(key, 'scratch work');
    const { client } = await connect(['operator.admin']);

    const result = await client.request<{
      ok: true;
      key: string;
      deleted: boolean;
      archived: string[];
    }>('sessions.delete', {
      key,
    });
    check(SessionsDeleteResultSchema, result);
    expect(result).toMatchObject({ ok: true, key, deleted: true });
    expect(result.archived).toHaveLength(1);
    expect(result.archived[0]).toContain(`${session.sessionId}.jsonl.deleted.`);
    await expect(fs.access(session.transcript.file)).rejects.toThrow();
    expect((await jsonl(result.archived[0]!)).length).toBeGreaterThan(1);
    await expect(
      session.transcript.appendMessage({ role: 'user', content: 'late', timestamp: 1 }),
    ).rejects.toThrow(/closed/);

    const list = await client.request<{ sessions: Array<{ key: string }> }>('sessions.list', {});
    expect(list.sessions.map((r) => r.key)).not.toContain(key);

    const again = await client.request<{ deleted: boolean; archived: string[] }>(
      'sessions.delete',
      { key },
    );
    expect(again).toMatchObject({ deleted: false, archived: [] });

    await expect(client.request('sessions.delete', { key: MAIN })).rejects.toMatchObject({
      message: expect.stringContaining('sessions.reset'),
    });
    await expect(
      client.request('chat.history', { sessionKey: 'agent:ghost:main' }),
    ).rejects.toMatchObject({
      message: expect.stringContaining('Unknown agent "ghost"'),
    });
    await client.stopAndWait();
  });
});
