import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  directChannelId,
  discordAccount,
  discordEnvironment,
  injectDiscord,
  recordingContext,
  startCrablineDiscord,
  type CrablineDiscord,
  type RecordingContext,
} from '../../testing/discord-harness.js';
import {
  startDiscordFaultProxy,
  type DiscordFaultProxy,
} from '../../testing/discord-fault-proxy.js';
import { freePort } from '../../testing/free-port.js';
import { ChannelError, type AccountConnection } from '../contract.js';
import { INTENTS_DISALLOWED, TOKEN_REFUSED } from './errors.js';
import { discordAdapter } from './index.js';

const ALICE = '135000000000000012';

let crabline: CrablineDiscord;
let proxy: DiscordFaultProxy | undefined;
let context: RecordingContext;
let connection: AccountConnection | undefined;
const errors: string[] = [];

function token(): string {
  return crabline.server.manifest.botToken;
}

async function connect(
  apiUrl = `${crabline.server.manifest.endpoints.apiRoot}/v10`,
  overrides = {},
): Promise<AccountConnection> {
  connection = await discordAdapter.connect(
    discordAccount(token(), overrides),
    context,
    discordEnvironment(apiUrl),
  );
  return connection;
}

function messagesTo(channelId: string) {
  return crabline.calls.filter(
    (call) => call.method === 'POST' && call.path === `/api/v10/channels/${channelId}/messages`,
  );
}

beforeEach(async () => {
  crabline = await startCrablineDiscord();
  context = recordingContext();
});

afterEach(async () => {
  await connection?.stop();
  connection = undefined;
  await proxy?.close();
  proxy = undefined;
  const secret = token();
  await crabline.close();
  // The token never reaches a log line or an error the user sees.
  expect(JSON.stringify(context.logs)).not.toContain(secret);
  expect(errors.join('\n')).not.toContain(secret);
  errors.length = 0;
});

describe('discord adapter against crabline', () => {
  it('connects and reports the bot identity', async () => {
    await connect();
    const status = context.statuses.at(-1);
    expect(status).toMatchObject({ connected: true, identity: '@oc_test_bot', lastError: null });
    const identify = crabline.calls.find((call) => call.path === '/api/v10/gateway/bot');
    expect(identify?.method).toBe('GET');
  });

  it('asks for Message Content unless intents.messageContent is false', async () => {
    const identifyIntents = (): number[] =>
      crabline.calls
        .filter((call) => call.method === 'WS' && call.body.op === 2)
        .map((call) => (call.body.d as { intents: number }).intents);
    const MESSAGE_CONTENT = 1 << 15;
    const live = await connect();
    await live.stop();
    await connect(undefined, { raw: { intents: { messageContent: false } } });
    // crabline records a frame after it has answered it.
    for (let i = 0; i < 100 && identifyIntents().length < 2; i++) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    const [withContent, withoutContent] = identifyIntents();
    expect(withContent! & MESSAGE_CONTENT).toBe(MESSAGE_CONTENT);
    expect(withoutContent! & MESSAGE_CONTENT).toBe(0);
    // Guilds, guild messages and DMs are always asked for.
    expect(withoutContent).toBe((1 << 0) | (1 << 9) | (1 << 12));
  });

  it('turns guild messages into group messages, mentioned only when the bot is addressed', async () => {
    await connect();
    const { guildId, channelId } = crabline.server.manifest.fixture;
    const botId = crabline.server.manifest.botUserId;

    const plain = await injectDiscord(crabline.server, {
      guildId,
      channelId,
      senderId: ALICE,
      senderName: 'alice',
      content: 'just chatting',
    });
    const first = await context.nextInbound();
    expect(first).toMatchObject({
      channel: 'discord',
      accountId: 'default',
      chatType: 'group',
      chatId: channelId,
      senderId: ALICE,
      messageId: plain.id,
      text: 'just chatting',
      mentioned: false,
      media: [],
    });
    expect(first.threadId).toBeUndefined();
    expect(first.chatLabel).toContain('#');

    await injectDiscord(crabline.server, {
      guildId,
      channelId,
      senderId: ALICE,
      content: `<@${botId}>  what time is it?`,
    });
    expect(await context.nextInbound()).toMatchObject({
      text: 'what time is it?',
      mentioned: true,
    });

    // A reply to one of the bot's own messages counts as addressing it.
    const sent = await connection!.sendText({ chatId: channelId, chatType: 'group' }, 'I am here');
    await injectDiscord(crabline.server, {
      guildId,
      channelId,
      senderId: ALICE,
      content: 'thanks',
      message_reference: { message_id: sent.messageId },
    });
    expect(await context.nextInbound()).toMatchObject({ text: 'thanks', mentioned: true });
    // The bot's own message came back over the gateway and was not handed to the core.
    expect(context.inbound.map((m) => m.text)).not.toContain('I am here');
  });

  it('drops messages addressed to someone else where the guild says ignoreOtherMentions', async () => {
    const { guildId, channelId } = crabline.server.manifest.fixture;
    const botId = crabline.server.manifest.botUserId;
    await connect(undefined, { raw: { guilds: { [guildId]: { ignoreOtherMentions: true } } } });
    const bob = '135000000000000034';
    await injectDiscord(crabline.server, {
      guildId,
      channelId,
      senderId: ALICE,
      content: `<@${bob}> lunch?`,
    });
    await injectDiscord(crabline.server, {
      guildId,
      channelId,
      senderId: ALICE,
      content: `<@${bob}> <@${botId}> join us`,
    });
    await injectDiscord(crabline.server, {
      guildId,
      channelId,
      senderId: ALICE,
      content: 'anyone?',
    });
    expect((await context.nextInbound()).text).toBe(`<@${bob}> join us`);
    expect((await context.nextInbound()).text).toBe('anyone?');
    expect(context.inbound).toHaveLength(2);
  });

  it('turns DMs into direct chats and answers with a quoted reply', async () => {
    await connect();
    const dm = directChannelId(crabline.server.manifest.botUserId, ALICE);
    const inbound = await injectDiscord(crabline.server, {
      channelId: dm,
      senderId: ALICE,
      senderName: 'alice',
      content: 'hello in private',
    });
    const message = await context.nextInbound();
    expect(message).toMatchObject({
      chatType: 'direct',
      chatId: dm,
      senderId: ALICE,
      text: 'hello in private',
    });
    expect(message.chatLabel).toBeUndefined();

    await connection!.sendTyping({ chatId: dm, chatType: 'direct' });
    const reply = await connection!.sendText(
      { chatId: dm, chatType: 'direct', replyToMessageId: inbound.id },
      'hello @everyone, answered',
    );
    expect(reply.messageId).toMatch(/^\d+$/);
    expect(
      crabline.calls.some(
        (c) => c.method === 'POST' && c.path === `/api/v10/channels/${dm}/typing`,
      ),
    ).toBe(true);
    const [posted] = messagesTo(dm);
    expect(posted?.body).toMatchObject({
      content: 'hello @everyone, answered',
      message_reference: { message_id: inbound.id },
      allowed_mentions: { parse: ['users'] },
    });
  });

  it('keeps a thread as its own place under the parent channel and answers inside it', async () => {
    await connect();
    const { guildId, channelId } = crabline.server.manifest.fixture;
    const threadId = '135000000000000777';
    await injectDiscord(crabline.server, {
      guildId,
      channelId: threadId,
      parentChannelId: channelId,
      senderId: ALICE,
      content: 'in a thread',
    });
    const message = await context.nextInbound();
    expect(message).toMatchObject({ chatType: 'group', chatId: channelId, threadId });
    await connection!.sendText(
      { chatId: channelId, chatType: 'group', threadId },
      'answer in thread',
    );
    expect(messagesTo(threadId).map((c) => c.body.content)).toEqual(['answer in thread']);
    expect(messagesTo(channelId)).toEqual([]);
  });

  it('never sends more than 2000 characters in one message', async () => {
    expect(discordAdapter.textLimit).toBe(2000);
    expect(discordAdapter.maxLines).toBe(17);
    expect(discordAdapter.defaults).toEqual({ textChunkLimit: 2000, mediaMaxMb: 100 });
    await connect();
    const { channelId } = crabline.server.manifest.fixture;
    await connection!.sendText({ chatId: channelId, chatType: 'group' }, 'x'.repeat(2000));
    await expect(
      connection!.sendText({ chatId: channelId, chatType: 'group' }, 'x'.repeat(2001)),
    ).rejects.toThrow(/at most 2000 characters per message; this message has 2001/);
    expect(messagesTo(channelId)).toHaveLength(1);
  });

  it('sends files as attachments', async () => {
    await connect();
    const { channelId } = crabline.server.manifest.fixture;
    const sent = await connection!.sendMedia(
      { chatId: channelId, chatType: 'group' },
      {
        data: Buffer.from('col1,col2\n1,2\n'),
        mimeType: 'text/csv',
        fileName: 'table.csv',
        caption: 'the table',
      },
    );
    expect(sent.messageId).toMatch(/^\d+$/);
    const [posted] = messagesTo(channelId);
    const attachments = posted?.body.attachments as { filename: string }[];
    expect(attachments.map((a) => a.filename)).toEqual(['table.csv']);
    expect(posted?.body.content).toBe('the table');
  });

  it('refuses a wrong token as fatal with the way out', async () => {
    const wrong = `${Buffer.from('135000000000000099').toString('base64url')}.wrongpart.wrongsecret`;
    const error = await discordAdapter
      .connect(
        discordAccount(wrong),
        context,
        discordEnvironment(`${crabline.server.manifest.endpoints.apiRoot}/v10`),
      )
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ChannelError);
    expect((error as ChannelError).kind).toBe('fatal');
    expect((error as ChannelError).message).toBe(TOKEN_REFUSED);
    expect((error as ChannelError).message).not.toContain(wrong);
    errors.push(String(error));
  });

  it('reports an unreachable Discord as transient', async () => {
    const port = await freePort();
    const error = await discordAdapter
      .connect(
        discordAccount(token()),
        context,
        discordEnvironment(`http://127.0.0.1:${port}/api/v10`),
      )
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ChannelError);
    expect(error).toMatchObject({
      kind: 'transient',
      message: expect.stringMatching(/^Discord is unreachable \(.*ECONNREFUSED/),
    });
    errors.push(String(error));
  });

  it('refuses a plain-http API base that is not on this machine', async () => {
    const error = await discordAdapter
      .connect(
        discordAccount(token()),
        context,
        discordEnvironment('http://discord.example.com/api/v10'),
      )
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ kind: 'fatal', message: expect.stringContaining('unencrypted') });
  });
});

describe('discord adapter through the fault proxy', () => {
  beforeEach(async () => {
    proxy = await startDiscordFaultProxy(crabline.server.manifest.baseUrl);
  });

  it('reports disallowed intents (4014) as fatal with the Developer Portal hint', async () => {
    proxy!.closeOnIdentify(4014);
    const error = await discordAdapter
      .connect(discordAccount(token()), context, discordEnvironment(proxy!.apiUrl))
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ChannelError);
    expect(error).toMatchObject({ kind: 'fatal', message: INTENTS_DISALLOWED });
    expect((error as Error).message).toContain('Message Content Intent');
    errors.push(String(error));
  });

  it('waits out a 429 on sending and delivers the message', async () => {
    await connect(proxy!.apiUrl);
    const { channelId } = crabline.server.manifest.fixture;
    proxy!.rateLimitNextMessage(0.5);
    const started = Date.now();
    const sent = await connection!.sendText(
      { chatId: channelId, chatType: 'group' },
      'after the limit',
    );
    expect(sent.messageId).toMatch(/^\d+$/);
    expect(Date.now() - started).toBeGreaterThanOrEqual(400);
    const posts = proxy!.requests.filter(
      (r) => r.method === 'POST' && r.path.endsWith('/messages'),
    );
    expect(posts.map((r) => r.status)).toEqual([429, 200]);
    expect(messagesTo(channelId).map((c) => c.body.content)).toEqual(['after the limit']);
  });

  it('says why Discord refused a message, and stops for good on a revoked token', async () => {
    const live = await connect(proxy!.apiUrl);
    const target = {
      chatId: crabline.server.manifest.fixture.channelId,
      chatType: 'group' as const,
    };
    proxy!.refuseNextMessage(403, 50013, 'Missing Permissions');
    await expect(live.sendText(target, 'hello')).rejects.toThrow(
      /^Discord did not accept it: Missing Permissions.*give it Send Messages/,
    );
    expect(context.statuses.at(-1)).toMatchObject({ connected: true });

    proxy!.refuseNextMessage(401, 0, '401: Unauthorized');
    const error = await live.sendText(target, 'hello').catch((e: unknown) => e);
    expect(error).toMatchObject({ kind: 'fatal', message: TOKEN_REFUSED });
    await expect(live.closed).rejects.toMatchObject({ kind: 'fatal', message: TOKEN_REFUSED });
    errors.push(String(error));
  });

  it('downloads attachments within mediaMaxBytes and names the ones it skipped', async () => {
    await connect(proxy!.apiUrl, { mediaMaxBytes: 1024 });
    const { guildId, channelId } = crabline.server.manifest.fixture;
    const note = Buffer.from('a small note');
    proxy!.attachToNextMessage([
      { name: 'note.txt', data: note, contentType: 'text/plain' },
      {
        name: 'huge.bin',
        data: Buffer.alloc(10),
        contentType: 'application/octet-stream',
        announcedSize: 5_000_000,
      },
      {
        name: 'liar.bin',
        data: Buffer.alloc(4096),
        contentType: 'application/octet-stream',
        announcedSize: 100,
      },
    ]);
    await injectDiscord(crabline.server, {
      guildId,
      channelId,
      senderId: ALICE,
      content: 'see attached',
    });
    const message = await context.nextInbound();
    expect(message.media).toHaveLength(1);
    expect(message.media[0]).toMatchObject({ fileName: 'note.txt', mimeType: 'text/plain' });
    expect(message.media[0]!.data.equals(note)).toBe(true);
    expect(message.mediaSkipped).toEqual([
      expect.stringMatching(/^huge\.bin \(4\.8 MB, over the 0\.0 MB limit\)$/),
      expect.stringMatching(/^liar\.bin \(over the/),
    ]);
  });
  it('ignores other bots unless allowBots, and counts a mention of the bot role', async () => {
    const botRole = '135000000000000555';
    proxy!.editNextDispatch('GUILD_CREATE', (guild) => {
      const roles = guild.roles as Record<string, unknown>[];
      roles.push({
        id: botRole,
        name: 'oc_test_bot',
        managed: true,
        mentionable: true,
        permissions: '0',
        position: 1,
        color: 0,
        hoist: false,
        tags: { bot_id: crabline.server.manifest.botUserId },
      });
    });
    await connect(proxy!.apiUrl);
    const { guildId, channelId } = crabline.server.manifest.fixture;
    proxy!.editNextDispatch('MESSAGE_CREATE', (message) => {
      (message.author as Record<string, unknown>).bot = true;
    });
    await injectDiscord(crabline.server, {
      guildId,
      channelId,
      senderId: '135000000000000066',
      content: 'beep from a bot',
    });
    await injectDiscord(crabline.server, {
      guildId,
      channelId,
      senderId: ALICE,
      content: `<@&${botRole}> are you there?`,
    });
    const next = await context.nextInbound();
    expect(next).toMatchObject({ text: 'are you there?', mentioned: true, senderId: ALICE });
    expect(context.inbound.map((m) => m.text)).not.toContain('beep from a bot');

    await connection!.stop();
    context = recordingContext();
    await connect(proxy!.apiUrl, { raw: { allowBots: true } });
    proxy!.editNextDispatch('MESSAGE_CREATE', (message) => {
      (message.author as Record<string, unknown>).bot = true;
    });
    await injectDiscord(crabline.server, {
      guildId,
      channelId,
      senderId: '135000000000000066',
      content: 'beep again',
    });
    expect(await context.nextInbound()).toMatchObject({
      text: 'beep again',
      senderId: '135000000000000066',
    });
  });
  it('resumes after a recoverable close and ends for good after an unrecoverable one', async () => {
    const live = await connect(proxy!.apiUrl);
    let mark = context.statuses.length;
    proxy!.closeGateway(4000);
    await context.waitForStatus((s) => !s.connected, mark);
    await context.waitForStatus((s) => s.connected, mark);
    const { guildId, channelId } = crabline.server.manifest.fixture;
    await injectDiscord(crabline.server, {
      guildId,
      channelId,
      senderId: ALICE,
      content: 'still there',
    });
    expect(await context.nextInbound()).toMatchObject({ text: 'still there' });

    mark = context.statuses.length;
    proxy!.closeGateway(4004);
    const error = await live.closed.catch((e: unknown) => e);
    expect(error).toMatchObject({ kind: 'fatal', message: TOKEN_REFUSED });
    expect(context.statuses.slice(mark).at(-1)).toMatchObject({
      connected: false,
      lastError: TOKEN_REFUSED,
    });
  });
});

describe('discord adapter outages', () => {
  it('reconnects after the server goes away and comes back', async () => {
    await connect();
    const mark = context.statuses.length;
    await crabline.server.close();
    await context.waitForStatus((s) => !s.connected, mark);
    await crabline.restart();
    const back = await context.waitForStatus((s) => s.connected, mark, 20_000);
    expect(back).toMatchObject({ connected: true, lastError: null });
    const { guildId, channelId } = crabline.server.manifest.fixture;
    await injectDiscord(crabline.server, {
      guildId,
      channelId,
      senderId: ALICE,
      content: 'after the outage',
    });
    expect(await context.nextInbound()).toMatchObject({ text: 'after the outage' });
  }, 40_000);

  it('stop() ends the connection and settles closed', async () => {
    const live = await connect();
    await live.stop();
    await expect(live.closed).resolves.toBeUndefined();
    await new Promise((resolve) => setTimeout(resolve, 100));
    // The last word is "stopped", not a reconnect discord.js reports while being destroyed.
    expect(context.statuses.at(-1)).toEqual({
      connected: false,
      identity: '@oc_test_bot',
      lastError: null,
    });
    await expect(
      live.sendText(
        { chatId: crabline.server.manifest.fixture.channelId, chatType: 'group' },
        'late',
      ),
    ).rejects.toThrow(/has ended; start the channel again/);
    connection = undefined;
  });
});
