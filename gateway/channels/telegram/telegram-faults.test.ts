/**
 * What crabline cannot show, against the Bot API stand-in: Telegram's JSON 401 (at connect and
 * when a token is revoked while polling), 429 with `retry_after` on a send, a 5xx poll that
 * recovers, inbound photos and documents (getFile + download, size cap), and forum topics.
 */
import { randomBytes } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { freePort } from '../../testing/free-port.js';
import { startTelegramStandIn, type TelegramStandIn } from '../../testing/telegram-stand-in.js';
import {
  recordingContext,
  telegramAccount,
  waitFor,
  type RecordingContext,
} from '../../testing/telegram-test-kit.js';
import { ChannelError, type AccountConnection, type ResolvedAccount } from '../contract.js';
import { createTelegramAdapter } from './index.js';

const adapter = createTelegramAdapter({ pollTimeoutSeconds: 1 });
let standIn: TelegramStandIn;
const open: AccountConnection[] = [];

beforeEach(async () => {
  standIn = await startTelegramStandIn({ botUsername: 'standin_bot' });
});

afterEach(async () => {
  await Promise.all(open.splice(0).map((c) => c.stop()));
  await standIn.close();
});

async function connect(overrides: Partial<ResolvedAccount> = {}): Promise<{
  connection: AccountConnection;
  context: RecordingContext;
}> {
  const context = recordingContext();
  const connection = await adapter.connect(
    telegramAccount(standIn.token, { apiRoot: standIn.apiRoot }, overrides),
    context,
    {} as never,
  );
  open.push(connection);
  return { connection, context };
}

const alice = { id: 4242, is_bot: false, first_name: 'Alice', last_name: 'Liddell' };

function dm(extra: Record<string, unknown>) {
  return {
    message: {
      message_id: 7,
      date: Math.floor(Date.now() / 1000),
      chat: { id: 4242, type: 'private', first_name: 'Alice' },
      from: alice,
      ...extra,
    },
  };
}

function calls(method: string) {
  return standIn.calls.filter((c) => c.method === method);
}

function secretOf(token: string): string {
  return token.split(':')[1] ?? token;
}

describe('Telegram adapter faults and media (Bot API stand-in)', () => {
  it("turns Telegram's JSON 401 at connect into a fatal error naming the next step", async () => {
    const context = recordingContext();
    const wrong = `${standIn.botId}:revoked-secret-XYZXYZXYZXYZXYZXYZ`;
    const error = await adapter
      .connect(telegramAccount(wrong, { apiRoot: standIn.apiRoot }), context, {} as never)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ChannelError);
    expect((error as ChannelError).kind).toBe('fatal');
    expect((error as ChannelError).message).toMatch(/Telegram refused the bot token \(401/);
    expect((error as ChannelError).message).toMatch(/openclaw channels add --channel telegram/);
    expect((error as ChannelError).message).not.toContain('revoked-secret');
    expect(context.logLines.join('\n')).not.toContain('revoked-secret');
  });

  it('reports an unreachable Bot API as transient, without the token', async () => {
    const context = recordingContext();
    const closedPort = await freePort();
    const error = await adapter
      .connect(
        telegramAccount(standIn.token, { apiRoot: `http://127.0.0.1:${closedPort}` }),
        context,
        {} as never,
      )
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ChannelError);
    expect((error as ChannelError).kind).toBe('transient');
    expect((error as ChannelError).message).toMatch(
      /Cannot reach the Telegram Bot API at http:\/\/127\.0\.0\.1/,
    );
    expect((error as ChannelError).message).not.toContain(secretOf(standIn.token));
    expect(context.logLines.join('\n')).not.toContain(secretOf(standIn.token));
  });

  it('ends the connection as fatal when the token is revoked while polling', async () => {
    const { connection, context } = await connect();
    standIn.failNext('getUpdates', {
      status: 401,
      body: { ok: false, error_code: 401, description: 'Unauthorized' },
    });
    const error = await connection.closed.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ChannelError);
    expect((error as ChannelError).kind).toBe('fatal');
    expect(context.statuses.at(-1)).toMatchObject({ connected: false });
    expect(context.statuses.at(-1)?.lastError).toMatch(/refused the bot token/);
  });

  it('waits out a 429 retry_after on sendMessage and sends once allowed', async () => {
    const { connection } = await connect();
    standIn.failNext('sendMessage', {
      status: 429,
      body: {
        ok: false,
        error_code: 429,
        description: 'Too Many Requests: retry after 1',
        parameters: { retry_after: 1 },
      },
    });
    const started = Date.now();
    const sent = await connection.sendText(
      { chatId: '4242', chatType: 'direct' },
      'after the wait',
    );
    const waited = Date.now() - started;
    expect(Number(sent.messageId)).toBeGreaterThan(0);
    expect(calls('sendMessage').map((c) => c.body.text)).toEqual([
      'after the wait',
      'after the wait',
    ]);
    // retry_after is in seconds: the second try must not come before it.
    expect(waited).toBeGreaterThanOrEqual(950);
  });

  it('keeps polling after a 502 from a proxy in front of the Bot API and reports it', async () => {
    const { context } = await connect();
    standIn.failNext('getUpdates', { status: 502, body: '<html>Bad Gateway</html>' }, 2);
    await waitFor(
      () => context.statuses.some((s) => s.connected === false),
      'a failed poll status',
    );
    standIn.pushUpdate(dm({ text: 'still there?' }));
    const message = await waitFor(() => context.inbound[0], 'the DM after recovery');
    expect(message.text).toBe('still there?');
    expect(context.statuses.at(-1)).toMatchObject({ connected: true });
    const failure = context.logLines.find((l) => l.includes('getUpdates failed'));
    expect(failure).toMatch(/502/);
  });

  it('downloads the largest size of an inbound photo with getFile and the file URL', async () => {
    const { context } = await connect();
    const small = standIn.addFile(randomBytes(200), 'photos/file_1_small.jpg');
    const large = randomBytes(48_000);
    const big = standIn.addFile(large, 'photos/file_1_big.jpg');
    standIn.pushUpdate(
      dm({
        caption: 'what is this?',
        photo: [
          { file_id: small.file_id, file_unique_id: 's', width: 90, height: 60, file_size: 200 },
          {
            file_id: big.file_id,
            file_unique_id: 'b',
            width: 1280,
            height: 853,
            file_size: 48_000,
          },
        ],
      }),
    );
    const message = await waitFor(() => context.inbound[0], 'the photo message');
    expect(message.text).toBe('what is this?');
    expect(message.senderLabel).toBe('Alice Liddell');
    expect(message.media).toHaveLength(1);
    expect(message.media[0]?.mimeType).toBe('image/jpeg');
    expect(message.media[0]?.fileName).toBe('file_1_big.jpg');
    expect(Buffer.compare(message.media[0]?.data ?? Buffer.alloc(0), large)).toBe(0);
    expect(calls('getFile').map((c) => c.body.file_id)).toEqual([big.file_id]);
    expect(message.mediaSkipped).toBeUndefined();
  });

  it("keeps one chat's order while a photo downloads, and stops when the core aborts", async () => {
    const { connection, context } = await connect();
    const photo = standIn.addFile(randomBytes(300_000), 'photos/slow.jpg');
    standIn.pushUpdate(
      dm({
        message_id: 20,
        photo: [{ file_id: photo.file_id, file_unique_id: 'p', width: 800, height: 600 }],
      }),
    );
    standIn.pushUpdate(dm({ message_id: 21, text: 'second' }));
    await waitFor(() => context.inbound.length === 2, 'both messages');
    expect(context.inbound.map((m) => m.messageId)).toEqual(['20', '21']);

    context.abort();
    await expect(connection.closed).resolves.toBeUndefined();
    expect(context.statuses.at(-1)).toMatchObject({ connected: false });
  });

  it('leaves out a document over mediaMaxBytes and says so instead of downloading it', async () => {
    const { context } = await connect({ mediaMaxBytes: 1000 });
    const doc = standIn.addFile(randomBytes(5000), 'documents/report.pdf');
    // No size anywhere (message, getFile, content-length): the download itself is capped.
    const unsized = standIn.addFile(randomBytes(4000), 'documents/unsized.bin', { unsized: true });
    standIn.pushUpdate(
      dm({
        document: {
          file_id: doc.file_id,
          file_unique_id: 'd',
          file_name: 'report.pdf',
          mime_type: 'application/pdf',
          file_size: 5000,
        },
      }),
    );
    standIn.pushUpdate(
      dm({ message_id: 8, document: { file_id: unsized.file_id, file_unique_id: 'u' } }),
    );
    await waitFor(() => context.inbound.length === 2, 'both documents');
    const [first, second] = context.inbound;
    expect(first?.media).toEqual([]);
    expect(first?.mediaSkipped?.[0]).toMatch(/report\.pdf.*larger than/);
    expect(calls('getFile').map((c) => c.body.file_id)).toEqual([unsized.file_id]);
    expect(second?.media).toEqual([]);
    expect(second?.mediaSkipped?.[0]).toMatch(/larger than/);
    for (const line of context.logLines) expect(line).not.toContain(secretOf(standIn.token));
  });

  it('keeps forum topics: thread id inbound, thread on sends and typing, none on General sends', async () => {
    const { connection, context } = await connect();
    const forum = { id: -1009876543210, type: 'supergroup', title: 'Team', is_forum: true };
    standIn.pushUpdate({
      message: {
        message_id: 50,
        date: 1,
        chat: forum,
        from: alice,
        is_topic_message: true,
        message_thread_id: 33,
        text: '@standin_bot hello topic',
        entities: [{ type: 'mention', offset: 0, length: 12 }],
        // Every topic message replies to the topic's creation message; that is no mention.
        reply_to_message: {
          message_id: 33,
          date: 1,
          chat: forum,
          from: { id: standIn.botId, is_bot: true, first_name: 'Stand-in' },
          forum_topic_created: { name: 'Ops', icon_color: 1 },
        },
      },
    });
    standIn.pushUpdate({
      message: { message_id: 51, date: 1, chat: forum, from: alice, text: 'in general' },
    });
    await waitFor(() => context.inbound.length === 2, 'two forum messages');
    const [topic, general] = context.inbound;
    expect(topic).toMatchObject({
      chatType: 'group',
      threadId: '33',
      mentioned: true,
      chatLabel: 'Team',
    });
    expect(general).toMatchObject({ threadId: '1', mentioned: false });

    for (const message of [topic, general]) {
      if (!message) continue;
      const target = {
        chatId: message.chatId,
        chatType: message.chatType,
        threadId: message.threadId,
        replyToMessageId: message.messageId,
      };
      await connection.sendTyping(target);
      await connection.sendText(target, `re ${message.messageId}`);
    }
    expect(calls('sendChatAction').map((c) => c.body.message_thread_id)).toEqual([33, 1]);
    const sends = calls('sendMessage').map((c) => c.body);
    expect(sends[0]).toMatchObject({ message_thread_id: 33, reply_parameters: { message_id: 50 } });
    expect(sends[1]).not.toHaveProperty('message_thread_id');
  });

  it('ignores messages from bots and replies to itself, and counts a reply to the bot as a mention', async () => {
    const { context } = await connect();
    const group = { id: -100555, type: 'supergroup', title: 'G' };
    const botUser = {
      id: standIn.botId,
      is_bot: true,
      first_name: 'Stand-in',
      username: 'standin_bot',
    };
    standIn.pushUpdate({
      message: { message_id: 1, date: 1, chat: group, from: botUser, text: 'mine' },
    });
    standIn.pushUpdate({
      message: {
        message_id: 2,
        date: 1,
        chat: group,
        from: { id: 9, is_bot: true, first_name: 'Other' },
        text: 'bot',
      },
    });
    standIn.pushUpdate({
      message: {
        message_id: 3,
        date: 1,
        chat: group,
        from: alice,
        text: 'thanks',
        reply_to_message: { message_id: 1, date: 1, chat: group, from: botUser, text: 'mine' },
      },
    });
    standIn.pushUpdate({
      message: {
        message_id: 4,
        date: 1,
        chat: group,
        from: alice,
        text: '/help@standin_bot',
        entities: [{ type: 'bot_command', offset: 0, length: 17 }],
      },
    });
    await waitFor(() => context.inbound.length === 2, 'the two human messages');
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(context.inbound.map((m) => [m.messageId, m.mentioned])).toEqual([
      ['3', true],
      ['4', true],
    ]);
  });

  it('sends images as photos and other files as documents, as multipart uploads', async () => {
    const { connection } = await connect();
    const target = { chatId: '4242', chatType: 'direct' as const };
    await connection.sendMedia(target, {
      data: randomBytes(3000),
      mimeType: 'image/png',
      fileName: 'chart.png',
      caption: 'the chart',
    });
    await connection.sendMedia(target, {
      data: randomBytes(2000),
      mimeType: 'application/pdf',
      fileName: 'report.pdf',
    });
    const photo = calls('sendPhoto')[0];
    const document = calls('sendDocument')[0];
    expect(photo?.contentType).toMatch(/multipart\/form-data/);
    expect(photo?.bytes).toBeGreaterThan(3000);
    expect(document?.contentType).toMatch(/multipart\/form-data/);
    expect(document?.bytes).toBeGreaterThan(2000);
  });
});
