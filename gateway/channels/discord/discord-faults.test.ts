import { beforeEach, describe, expect, it } from 'vitest';
import { startDiscordFaultProxy } from '../../testing/discord-fault-proxy.js';
import {
  discordAccount,
  discordEnvironment,
  injectDiscord,
  recordingContext,
} from '../../testing/discord-harness.js';
import { discordSuite } from '../../testing/discord-suite.js';
import { ChannelError } from '../contract.js';
import { INTENTS_DISALLOWED, TOKEN_REFUSED } from './errors.js';
import { discordAdapter } from './index.js';

const ALICE = '135000000000000012';
const s = discordSuite();

describe('discord adapter through the fault proxy', () => {
  beforeEach(async () => {
    s.proxy = await startDiscordFaultProxy(s.crabline.server.manifest.baseUrl);
  });

  it('reports disallowed intents (4014) as fatal with the Developer Portal hint', async () => {
    s.proxy!.closeOnIdentify(4014);
    const error = await discordAdapter
      .connect(discordAccount(s.token()), s.context, discordEnvironment(s.proxy!.apiUrl))
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ChannelError);
    expect(error).toMatchObject({ kind: 'fatal', message: INTENTS_DISALLOWED });
    expect((error as Error).message).toContain('Message Content Intent');
    s.errors.push(String(error));
  });

  it('waits out a 429 on sending and delivers the message', async () => {
    await s.connect(s.proxy!.apiUrl);
    const { channelId } = s.crabline.server.manifest.fixture;
    s.proxy!.rateLimitNextMessage(0.5);
    const started = Date.now();
    const sent = await s.connection!.sendText(
      { chatId: channelId, chatType: 'group' },
      'after the limit',
    );
    expect(sent.messageId).toMatch(/^\d+$/);
    expect(Date.now() - started).toBeGreaterThanOrEqual(400);
    const posts = s.proxy!.requests.filter(
      (r) => r.method === 'POST' && r.path.endsWith('/messages'),
    );
    expect(posts.map((r) => r.status)).toEqual([429, 200]);
    expect(s.messagesTo(channelId).map((c) => c.body.content)).toEqual(['after the limit']);
  });

  it('says why Discord refused a message, and stops for good on a revoked token', async () => {
    const live = await s.connect(s.proxy!.apiUrl);
    const target = {
      chatId: s.crabline.server.manifest.fixture.channelId,
      chatType: 'group' as const,
    };
    s.proxy!.refuseNextMessage(403, 50013, 'Missing Permissions');
    await expect(live.sendText(target, 'hello')).rejects.toThrow(
      /^Discord did not accept it: Missing Permissions.*give it Send Messages/,
    );
    expect(s.context.statuses.at(-1)).toMatchObject({ connected: true });

    s.proxy!.refuseNextMessage(401, 0, '401: Unauthorized');
    const error = await live.sendText(target, 'hello').catch((e: unknown) => e);
    expect(error).toMatchObject({ kind: 'fatal', message: TOKEN_REFUSED });
    await expect(live.closed).rejects.toMatchObject({ kind: 'fatal', message: TOKEN_REFUSED });
    s.errors.push(String(error));
  });

  it('downloads attachments within mediaMaxBytes and names the ones it skipped', async () => {
    await s.connect(s.proxy!.apiUrl, { mediaMaxBytes: 1024 });
    const { guildId, channelId } = s.crabline.server.manifest.fixture;
    const note = Buffer.from('a small note');
    s.proxy!.attachToNextMessage([
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
    await injectDiscord(s.crabline.server, {
      guildId,
      channelId,
      senderId: ALICE,
      content: 'see attached',
    });
    const message = await s.context.nextInbound();
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
    s.proxy!.editNextDispatch('GUILD_CREATE', (guild) => {
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
        tags: { bot_id: s.crabline.server.manifest.botUserId },
      });
    });
    await s.connect(s.proxy!.apiUrl);
    const { guildId, channelId } = s.crabline.server.manifest.fixture;
    s.proxy!.editNextDispatch('MESSAGE_CREATE', (message) => {
      (message.author as Record<string, unknown>).bot = true;
    });
    await injectDiscord(s.crabline.server, {
      guildId,
      channelId,
      senderId: '135000000000000066',
      content: 'beep from a bot',
    });
    await injectDiscord(s.crabline.server, {
      guildId,
      channelId,
      senderId: ALICE,
      content: `<@&${botRole}> are you there?`,
    });
    const next = await s.context.nextInbound();
    expect(next).toMatchObject({ text: 'are you there?', mentioned: true, senderId: ALICE });
    expect(s.context.inbound.map((m) => m.text)).not.toContain('beep from a bot');

    await s.connection!.stop();
    s.context = recordingContext();
    await s.connect(s.proxy!.apiUrl, { raw: { allowBots: true } });
    s.proxy!.editNextDispatch('MESSAGE_CREATE', (message) => {
      (message.author as Record<string, unknown>).bot = true;
    });
    await injectDiscord(s.crabline.server, {
      guildId,
      channelId,
      senderId: '135000000000000066',
      content: 'beep again',
    });
    expect(await s.context.nextInbound()).toMatchObject({
      text: 'beep again',
      senderId: '135000000000000066',
    });
  });
  it('resumes after a recoverable close and ends for good after an unrecoverable one', async () => {
    const live = await s.connect(s.proxy!.apiUrl);
    let mark = s.context.statuses.length;
    s.proxy!.closeGateway(4000);
    await s.context.waitForStatus((s) => !s.connected, mark);
    await s.context.waitForStatus((s) => s.connected, mark);
    const { guildId, channelId } = s.crabline.server.manifest.fixture;
    await injectDiscord(s.crabline.server, {
      guildId,
      channelId,
      senderId: ALICE,
      content: 'still there',
    });
    expect(await s.context.nextInbound()).toMatchObject({ text: 'still there' });

    mark = s.context.statuses.length;
    s.proxy!.closeGateway(4004);
    const error = await live.closed.catch((e: unknown) => e);
    expect(error).toMatchObject({ kind: 'fatal', message: TOKEN_REFUSED });
    expect(s.context.statuses.slice(mark).at(-1)).toMatchObject({
      connected: false,
      lastError: TOKEN_REFUSED,
    });
  });
});

describe('discord adapter outages', () => {
  it('reconnects after the server goes away and comes back', async () => {
    await s.connect();
    const mark = s.context.statuses.length;
    await s.crabline.server.close();
    await s.context.waitForStatus((s) => !s.connected, mark);
    await s.crabline.restart();
    const back = await s.context.waitForStatus((s) => s.connected, mark, 20_000);
    expect(back).toMatchObject({ connected: true, lastError: null });
    const { guildId, channelId } = s.crabline.server.manifest.fixture;
    await injectDiscord(s.crabline.server, {
      guildId,
      channelId,
      senderId: ALICE,
      content: 'after the outage',
    });
    expect(await s.context.nextInbound()).toMatchObject({ text: 'after the outage' });
  }, 40_000);

  it('stop() ends the connection and settles closed', async () => {
    const live = await s.connect();
    await live.stop();
    await expect(live.closed).resolves.toBeUndefined();
    await new Promise((resolve) => setTimeout(resolve, 100));
    // The last word is "stopped", not a reconnect discord.js reports while being destroyed.
    expect(s.context.statuses.at(-1)).toEqual({
      connected: false,
      identity: '@oc_test_bot',
      lastError: null,
    });
    await expect(
      live.sendText(
        { chatId: s.crabline.server.manifest.fixture.channelId, chatType: 'group' },
        'late',
      ),
    ).rejects.toThrow(/has ended; start the channel again/);
    s.connection = undefined;
  });
});
