import { describe, expect, it } from 'vitest';
import {
  directChannelId,
  discordAccount,
  discordEnvironment,
  injectDiscord,
} from '../../testing/discord-harness.js';
import { discordSuite } from '../../testing/discord-suite.js';
import { freePort } from '../../testing/free-port.js';
import { ChannelError } from '../contract.js';
import { TOKEN_REFUSED } from './errors.js';
import { discordAdapter } from './index.js';

const ALICE = '135000000000000012';
const s = discordSuite();

describe('discord adapter against crabline', () => {
  it('connects and reports the bot identity', async () => {
    await s.connect();
    const status = s.context.statuses.at(-1);
    expect(status).toMatchObject({ connected: true, identity: '@oc_test_bot', lastError: null });
    const identify = s.crabline.calls.find((call) => call.path === '/api/v10/gateway/bot');
    expect(identify?.method).toBe('GET');
  });

  it('probes the token without connecting: the bot identity, or what Discord refused', async () => {
    const apiUrl = `${s.crabline.server.manifest.endpoints.apiRoot}/v10`;
    const probe = await discordAdapter.probe!(
      discordAccount(s.token()),
      discordEnvironment(apiUrl),
      5_000,
    );
    expect(probe).toMatchObject({ ok: true, identity: '@oc_test_bot' });
    const refused = await discordAdapter.probe!(
      discordAccount('MTM1MDAwMDAwMDAwMDAwMDk5.wrong.token-for-probe-test'),
      discordEnvironment(apiUrl),
      5_000,
    );
    expect(refused.ok).toBe(false);
    expect(refused.error).toMatch(/refused the bot token \(401\)|HTTP 40/);
  });

  it('asks for Message Content unless intents.messageContent is false', async () => {
    const identifyIntents = (): number[] =>
      s.crabline.calls
        .filter((call) => call.method === 'WS' && call.body.op === 2)
        .map((call) => (call.body.d as { intents: number }).intents);
    const MESSAGE_CONTENT = 1 << 15;
    const live = await s.connect();
    await live.stop();
    await s.connect(undefined, { raw: { intents: { messageContent: false } } });
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
    await s.connect();
    const { guildId, channelId } = s.crabline.server.manifest.fixture;
    const botId = s.crabline.server.manifest.botUserId;

    const plain = await injectDiscord(s.crabline.server, {
      guildId,
      channelId,
      senderId: ALICE,
      senderName: 'alice',
      content: 'just chatting',
    });
    const first = await s.context.nextInbound();
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

    await injectDiscord(s.crabline.server, {
      guildId,
      channelId,
      senderId: ALICE,
      content: `<@${botId}>  what time is it?`,
    });
    expect(await s.context.nextInbound()).toMatchObject({
      text: 'what time is it?',
      mentioned: true,
    });

    // A reply to one of the bot's own messages counts as addressing it.
    const sent = await s.connection!.sendText(
      { chatId: channelId, chatType: 'group' },
      'I am here',
    );
    await injectDiscord(s.crabline.server, {
      guildId,
      channelId,
      senderId: ALICE,
      content: 'thanks',
      message_reference: { message_id: sent.messageId },
    });
    expect(await s.context.nextInbound()).toMatchObject({ text: 'thanks', mentioned: true });
    // The bot's own message came back over the gateway and was not handed to the core.
    expect(s.context.inbound.map((m) => m.text)).not.toContain('I am here');
  });

  it('drops messages addressed to someone else where the guild says ignoreOtherMentions', async () => {
    const { guildId, channelId } = s.crabline.server.manifest.fixture;
    const botId = s.crabline.server.manifest.botUserId;
    await s.connect(undefined, { raw: { guilds: { [guildId]: { ignoreOtherMentions: true } } } });
    const bob = '135000000000000034';
    await injectDiscord(s.crabline.server, {
      guildId,
      channelId,
      senderId: ALICE,
      content: `<@${bob}> lunch?`,
    });
    await injectDiscord(s.crabline.server, {
      guildId,
      channelId,
      senderId: ALICE,
      content: `<@${bob}> <@${botId}> join us`,
    });
    await injectDiscord(s.crabline.server, {
      guildId,
      channelId,
      senderId: ALICE,
      content: 'anyone?',
    });
    expect((await s.context.nextInbound()).text).toBe(`<@${bob}> join us`);
    expect((await s.context.nextInbound()).text).toBe('anyone?');
    expect(s.context.inbound).toHaveLength(2);
  });

  it('turns DMs into direct chats and answers with a quoted reply', async () => {
    await s.connect();
    const dm = directChannelId(s.crabline.server.manifest.botUserId, ALICE);
    const inbound = await injectDiscord(s.crabline.server, {
      channelId: dm,
      senderId: ALICE,
      senderName: 'alice',
      content: 'hello in private',
    });
    const message = await s.context.nextInbound();
    expect(message).toMatchObject({
      chatType: 'direct',
      chatId: dm,
      senderId: ALICE,
      text: 'hello in private',
    });
    expect(message.chatLabel).toBeUndefined();

    await s.connection!.sendTyping({ chatId: dm, chatType: 'direct' });
    const reply = await s.connection!.sendText(
      { chatId: dm, chatType: 'direct', replyToMessageId: inbound.id },
      'hello @everyone, answered',
    );
    expect(reply.messageId).toMatch(/^\d+$/);
    expect(
      s.crabline.calls.some(
        (c) => c.method === 'POST' && c.path === `/api/v10/channels/${dm}/typing`,
      ),
    ).toBe(true);
    const [posted] = s.messagesTo(dm);
    expect(posted?.body).toMatchObject({
      content: 'hello @everyone, answered',
      message_reference: { message_id: inbound.id },
      allowed_mentions: { parse: ['users'] },
    });
  });

  it('keeps a thread as its own place under the parent channel and answers inside it', async () => {
    await s.connect();
    const { guildId, channelId } = s.crabline.server.manifest.fixture;
    const threadId = '135000000000000777';
    await injectDiscord(s.crabline.server, {
      guildId,
      channelId: threadId,
      parentChannelId: channelId,
      senderId: ALICE,
      content: 'in a thread',
    });
    const message = await s.context.nextInbound();
    expect(message).toMatchObject({ chatType: 'group', chatId: channelId, threadId });
    await s.connection!.sendText(
      { chatId: channelId, chatType: 'group', threadId },
      'answer in thread',
    );
    expect(s.messagesTo(threadId).map((c) => c.body.content)).toEqual(['answer in thread']);
    expect(s.messagesTo(channelId)).toEqual([]);
  });

  it('never sends more than 2000 characters in one message', async () => {
    expect(discordAdapter.textLimit).toBe(2000);
    expect(discordAdapter.maxLines).toBe(17);
    expect(discordAdapter.defaults).toEqual({ textChunkLimit: 2000, mediaMaxMb: 100 });
    await s.connect();
    const { channelId } = s.crabline.server.manifest.fixture;
    await s.connection!.sendText({ chatId: channelId, chatType: 'group' }, 'x'.repeat(2000));
    await expect(
      s.connection!.sendText({ chatId: channelId, chatType: 'group' }, 'x'.repeat(2001)),
    ).rejects.toThrow(/at most 2000 characters per message; this message has 2001/);
    expect(s.messagesTo(channelId)).toHaveLength(1);
  });

  it('sends files as attachments', async () => {
    await s.connect();
    const { channelId } = s.crabline.server.manifest.fixture;
    const sent = await s.connection!.sendMedia(
      { chatId: channelId, chatType: 'group' },
      {
        data: Buffer.from('col1,col2\n1,2\n'),
        mimeType: 'text/csv',
        fileName: 'table.csv',
        caption: 'the table',
      },
    );
    expect(sent.messageId).toMatch(/^\d+$/);
    const [posted] = s.messagesTo(channelId);
    const attachments = posted?.body.attachments as { filename: string }[];
    expect(attachments.map((a) => a.filename)).toEqual(['table.csv']);
    expect(posted?.body.content).toBe('the table');
  });

  it('refuses a wrong token as fatal with the way out', async () => {
    const wrong = `${Buffer.from('135000000000000099').toString('base64url')}.wrongpart.wrongsecret`;
    const error = await discordAdapter
      .connect(
        discordAccount(wrong),
        s.context,
        discordEnvironment(`${s.crabline.server.manifest.endpoints.apiRoot}/v10`),
      )
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ChannelError);
    expect((error as ChannelError).kind).toBe('fatal');
    expect((error as ChannelError).message).toBe(TOKEN_REFUSED);
    expect((error as ChannelError).message).not.toContain(wrong);
    s.errors.push(String(error));
  });

  it('reports an unreachable Discord as transient', async () => {
    const port = await freePort();
    const error = await discordAdapter
      .connect(
        discordAccount(s.token()),
        s.context,
        discordEnvironment(`http://127.0.0.1:${port}/api/v10`),
      )
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ChannelError);
    expect(error).toMatchObject({
      kind: 'transient',
      message: expect.stringMatching(/^Discord is unreachable \(.*ECONNREFUSED/),
    });
    s.errors.push(String(error));
  });

  it('refuses a plain-http API base that is not on this machine', async () => {
    const error = await discordAdapter
      .connect(
        discordAccount(s.token()),
        s.context,
        discordEnvironment('http://discord.example.com/api/v10'),
      )
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ kind: 'fatal', message: expect.stringContaining('unencrypted') });
  });
});
