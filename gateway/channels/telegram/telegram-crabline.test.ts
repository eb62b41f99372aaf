/**
 * The Telegram adapter against crabline's Bot API server: connect, inbound DMs and group
 * mentions, replies, typing, the hard text limit, stop, a wrong token and a second poller (409).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startTelegramServer } from '@openclaw/crabline';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { freePort } from '../../testing/free-port.js';
import { recordingContext, telegramAccount, waitFor } from '../../testing/telegram-test-kit.js';
import { ChannelError, type AccountConnection } from '../contract.js';
import { createTelegramAdapter, probeTelegramAccount, telegramAdapter } from './index.js';

type Crabline = Awaited<ReturnType<typeof startTelegramServer>>;
interface ApiEvent {
  type: string;
  path: string;
  body?: Record<string, unknown>;
}

const adapter = createTelegramAdapter({ pollTimeoutSeconds: 1 });
let dir: string;
let server: Crabline;
let events: ApiEvent[];
const open: AccountConnection[] = [];

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tg-crabline-'));
  events = [];
  server = await startTelegramServer({
    recorderPath: join(dir, 'telegram.jsonl'),
    botUsername: 'oc_test_bot',
    onEvent: (event) => {
      events.push(event as unknown as ApiEvent);
    },
  });
});

afterEach(async () => {
  await Promise.all(open.splice(0).map((c) => c.stop()));
  await server.close();
  await rm(dir, { recursive: true, force: true });
});

async function connect(context = recordingContext(), chosen = adapter) {
  const m = server.manifest;
  const connection = await chosen.connect(
    telegramAccount(m.botToken, { apiRoot: m.endpoints.apiRoot }),
    context,
    {} as never,
  );
  open.push(connection);
  return { connection, context };
}

async function inject(payload: Record<string, unknown>): Promise<void> {
  const m = server.manifest;
  const res = await fetch(m.endpoints.adminInboundUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-crabline-admin-token': m.adminToken },
    body: JSON.stringify(payload),
  });
  expect(res.status).toBe(200);
}

function sent(method: string): ApiEvent[] {
  return events.filter((e) => e.type === 'api' && e.path.endsWith(`/${method}`));
}

describe('Telegram adapter against crabline', () => {
  it('connects, names the bot from getMe and delivers a DM with its fields', async () => {
    const { context } = await connect();
    expect(context.statuses[0]).toMatchObject({ connected: true, identity: '@oc_test_bot' });

    await inject({
      chatId: '123456789',
      fromId: 123456789,
      fromUsername: 'alice',
      fromName: 'Alice',
      text: 'hello bot',
    });
    const message = await waitFor(() => context.inbound[0], 'the DM');
    expect(message).toMatchObject({
      channel: 'telegram',
      accountId: 'default',
      chatId: '123456789',
      chatType: 'direct',
      senderId: '123456789',
      senderLabel: '@alice',
      text: 'hello bot',
      media: [],
    });
    expect(message.threadId).toBeUndefined();
    expect(Number(message.messageId)).toBeGreaterThan(0);
  });

  it('removes a webhook left by an earlier setup, so polling works', async () => {
    const m = server.manifest;
    const set = await fetch(`${m.endpoints.apiRoot}/bot${m.botToken}/setWebhook`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      // crabline accepts a loopback http hook (nothing listens there).
      body: JSON.stringify({ url: `http://127.0.0.1:${await freePort()}/hook` }),
    });
    expect(((await set.json()) as { ok: boolean }).ok).toBe(true);
    const { context } = await connect();
    expect(sent('deleteWebhook')).toHaveLength(1);
    await inject({ chatId: '31337', fromId: 31337, text: 'after the webhook' });
    const message = await waitFor(() => context.inbound[0], 'the DM');
    expect(message.text).toBe('after the webhook');
  });

  it('marks a group message mentioned only when it @mentions the bot', async () => {
    const { context } = await connect();
    const text = 'hey @oc_test_bot what is up';
    await inject({
      chatId: '-1001234567890',
      fromId: 42,
      text,
      entities: [{ type: 'mention', offset: 4, length: '@oc_test_bot'.length }],
    });
    await inject({
      chatId: '-1001234567890',
      fromId: 42,
      text: 'hey @someone_else',
      entities: [{ type: 'mention', offset: 4, length: '@someone_else'.length }],
    });
    await inject({ chatId: '-1001234567890', fromId: 42, text: 'no mention at all' });
    await waitFor(() => context.inbound.length === 3, 'three group messages');
    expect(context.inbound.map((m) => [m.chatType, m.chatId, m.mentioned])).toEqual([
      ['group', '-1001234567890', true],
      ['group', '-1001234567890', false],
      ['group', '-1001234567890', false],
    ]);
  });

  it('replies with reply_parameters, shows typing and keeps to the 4096 limit', async () => {
    const { connection, context } = await connect();
    await inject({ chatId: '555', fromId: 555, text: 'question' });
    const message = await waitFor(() => context.inbound[0], 'the DM');
    const target = {
      chatId: message.chatId,
      chatType: message.chatType,
      replyToMessageId: message.messageId,
    };

    await connection.sendTyping(target);
    const reply = await connection.sendText(target, 'answer');
    expect(Number(reply.messageId)).toBeGreaterThan(0);

    expect(sent('sendChatAction')[0]?.body).toMatchObject({ chat_id: 555, action: 'typing' });
    const body = sent('sendMessage')[0]?.body;
    expect(body).toMatchObject({
      chat_id: 555,
      text: 'answer',
      reply_parameters: {
        message_id: Number(message.messageId),
        allow_sending_without_reply: true,
      },
    });
    expect(body).not.toHaveProperty('parse_mode');

    // The adapter's limit is exactly what the server enforces.
    expect(adapter.textLimit).toBe(4096);
    await connection.sendText({ chatId: '555', chatType: 'direct' }, 'x'.repeat(adapter.textLimit));
    await expect(
      connection.sendText({ chatId: '555', chatType: 'direct' }, 'x'.repeat(adapter.textLimit + 1)),
    ).rejects.toThrow(/too long/);
  });

  it('stops promptly even with the production 30 s long poll', async () => {
    const { connection, context } = await connect(recordingContext(), telegramAdapter);
    // Let the first long poll start (crabline records it only once answered), then stop.
    await new Promise((resolve) => setTimeout(resolve, 300));
    const started = Date.now();
    await connection.stop();
    const elapsed = Date.now() - started;
    expect(elapsed).toBeLessThan(10_000);
    await expect(connection.closed).resolves.toBeUndefined();
    expect(context.statuses.at(-1)).toMatchObject({ connected: false });
  });

  it('refuses a wrong token as fatal without echoing it', async () => {
    const context = recordingContext();
    const wrong = '999999:definitely-not-the-right-secret';
    const attempt = adapter.connect(
      telegramAccount(wrong, { apiRoot: server.manifest.endpoints.apiRoot }),
      context,
      {} as never,
    );
    const error = await attempt.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ChannelError);
    expect((error as ChannelError).kind).toBe('fatal');
    expect((error as ChannelError).message).toMatch(/@BotFather/);
    expect((error as ChannelError).message).not.toContain('definitely-not-the-right-secret');
    expect(context.logLines.join('\n')).not.toContain('definitely-not-the-right-secret');
  });

  it('reports a second poller on the same token (409) as transient', async () => {
    const { connection, context } = await connect();
    // Another program polls too: Telegram ends the older poll with 409 Conflict. Its quick
    // polls land while the adapter's long poll is open.
    const m = server.manifest;
    let ended = false;
    void connection.closed.catch(() => {}).finally(() => (ended = true));
    for (let i = 0; i < 50 && !ended; i += 1) {
      await fetch(`${m.endpoints.apiRoot}/bot${m.botToken}/getUpdates`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ timeout: 0 }),
      });
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const error = await connection.closed.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ChannelError);
    expect((error as ChannelError).kind).toBe('transient');
    expect((error as ChannelError).message).toMatch(/another program polls this bot token/);
    expect(context.statuses.at(-1)).toMatchObject({ connected: false });
  });

  it('uploads a photo and a document that crabline accepts', async () => {
    const { connection } = await connect();
    const target = { chatId: '555', chatType: 'direct' as const };
    const png = Buffer.from(
      'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==',
      'base64',
    );
    const photo = await connection.sendMedia(target, {
      data: png,
      mimeType: 'image/png',
      fileName: 'dot.png',
      caption: 'a dot',
    });
    const doc = await connection.sendMedia(target, {
      data: Buffer.from('plain notes\n'),
      mimeType: 'text/plain',
      fileName: 'notes.txt',
    });
    expect(Number(photo.messageId)).toBeGreaterThan(0);
    expect(Number(doc.messageId)).toBeGreaterThan(Number(photo.messageId));
    expect(sent('sendPhoto')).toHaveLength(1);
    expect(sent('sendDocument')).toHaveLength(1);
  });

  it('probes a token live: the bot name, or the problem', async () => {
    const m = server.manifest;
    const good = await probeTelegramAccount(
      telegramAccount(m.botToken, { apiRoot: m.endpoints.apiRoot }),
    );
    expect(good).toMatchObject({ ok: true, identity: '@oc_test_bot' });
    const bad = await probeTelegramAccount(
      telegramAccount('1:wrong-secret', { apiRoot: m.endpoints.apiRoot }),
    );
    expect(bad).toMatchObject({ ok: false, kind: 'fatal' });
  });

  it('reconnects by itself after the Bot API drops, and says so meanwhile', async () => {
    await server.close();
    const port = await freePort();
    const adminToken = 'crabline-admin-test-token';
    const restart = () =>
      startTelegramServer({
        port,
        adminToken,
        botUsername: 'oc_test_bot',
        recorderPath: join(dir, 'telegram.jsonl'),
      });
    server = await restart();
    const { context } = await connect();
    await server.close();
    await waitFor(
      () => context.statuses.some((s) => s.connected === false && s.lastError),
      'the outage in status',
    );
    server = await restart();
    await inject({ chatId: '8080', fromId: 8080, text: 'back again' });
    const message = await waitFor(() => context.inbound[0], 'the DM after the restart', 15_000);
    expect(message.text).toBe('back again');
    expect(context.statuses.at(-1)).toMatchObject({ connected: true, lastError: null });
    const secret = server.manifest.botToken.split(':')[1] ?? '';
    for (const line of context.logLines) expect(line).not.toContain(secret);
    expect(context.logLines.some((l) => l.includes('getUpdates failed'))).toBe(true);
  });

  it('never writes the token into a log line', async () => {
    const { connection, context } = await connect();
    await inject({ chatId: '777', fromId: 777, text: 'hi' });
    await waitFor(() => context.inbound[0], 'the DM');
    await connection.sendText({ chatId: '777', chatType: 'direct' }, 'hello');
    await connection.stop();
    expect(context.logLines.length).toBeGreaterThan(0);
    const secret = server.manifest.botToken.split(':')[1] ?? '';
    for (const line of context.logLines) expect(line).not.toContain(secret);
  });
});
