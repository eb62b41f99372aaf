import { describe, expect, it } from 'vitest';
import { discordAccount } from '../../testing/discord-harness.js';
import type { InboundMessage } from '../contract.js';
import { resolveDiscordApiBase } from './api-url.js';
import { botTokenProblem, normalizeBotToken } from './bot-token.js';
import { closeCodeError, toChannelError, TOKEN_REFUSED } from './errors.js';
import { resolveGroupRule, slugify } from './guild-rules.js';
import { discordAdapter } from './index.js';
import { isBotMentioned, stripBotMentions } from './mentions.js';
import { rememberPlace, type DiscordPlace } from './places.js';

const TOKEN = 'MTM1MDAwMDAwMDAwMDAwMDAx.crabline.discord';
const GUILD = '135000000000000100';
const CHANNEL = '135000000000000200';
const THREAD = '135000000000000300';
const ALICE = '135000000000000012';

function place(overrides: Partial<DiscordPlace> = {}): DiscordPlace {
  return {
    guildId: GUILD,
    guildName: 'My Server',
    channelId: CHANNEL,
    channelName: 'general',
    senderRoles: [],
    ...overrides,
  };
}

describe('DISCORD_API_URL', () => {
  it('splits the versioned base into the root and the version discord.js wants', () => {
    expect(resolveDiscordApiBase(undefined)).toEqual({
      api: 'https://discord.com/api',
      version: '10',
      url: 'https://discord.com/api/v10',
    });
    expect(resolveDiscordApiBase('http://127.0.0.1:4567/api/v10/')).toMatchObject({
      api: 'http://127.0.0.1:4567/api',
      version: '10',
    });
    expect(resolveDiscordApiBase('https://proxy.example/discord/api')).toMatchObject({
      api: 'https://proxy.example/discord/api',
    });
    expect(resolveDiscordApiBase('http://[::1]:80/api/v10').api).toBe('http://[::1]/api');
  });

  it('refuses what would leak the token or cannot work', () => {
    expect(() => resolveDiscordApiBase('http://10.0.0.5/api/v10')).toThrow(
      /unencrypted.*use https/,
    );
    expect(() => resolveDiscordApiBase('not a url')).toThrow(/not a URL/);
    expect(() => resolveDiscordApiBase('https://discord.com/api/v9')).toThrow(/v9.*v10/);
    expect(() => resolveDiscordApiBase('ftp://x/api')).toThrow(/http\(s\)/);
    expect(() => resolveDiscordApiBase('https://u:p@x/api/v10')).toThrow(/credentials/);
  });
});

describe('bot token shape', () => {
  it('accepts a bot token, also pasted with a Bot prefix', () => {
    expect(botTokenProblem(TOKEN)).toBeUndefined();
    expect(normalizeBotToken(` Bot ${TOKEN} `)).toBe(TOKEN);
    expect(botTokenProblem(`Bot ${TOKEN}`)).toBeUndefined();
  });

  it('names the usual paste mistakes', () => {
    expect(botTokenProblem('a1b2c3d4e5f6a1b2c3d4e5f6a1b2c3d4')).toMatch(/three parts.*Reset Token/);
    expect(botTokenProblem('bm90IGFuIGlk.abc.defgh')).toMatch(/bot user id/);
  });
});

describe('validate', () => {
  const validate = (raw: Record<string, unknown>, token: string | undefined = TOKEN) =>
    discordAdapter.validate(discordAccount(TOKEN, { raw, token }), 'channels.discord');

  it('accepts a full, correct account', () => {
    expect(
      validate({
        allowBots: false,
        intents: { messageContent: true },
        guilds: {
          [GUILD]: {
            requireMention: true,
            users: [ALICE],
            roles: ['135000000000000400'],
            channels: { general: { enabled: true, requireMention: false, users: ['*'] }, '*': {} },
          },
        },
      }),
    ).toEqual([]);
  });

  it('lists each problem with its config path', () => {
    const problems = validate(
      {
        allowBots: 'yes',
        intents: { messageContent: 1 },
        guilds: {
          [GUILD]: {
            requireMention: 'no',
            users: [1350000000],
            channels: { general: { enabled: 'true', topic: 'x' }, other: 3 },
            colour: 'red',
          },
          broken: [],
        },
      },
      'not-a-token',
    );
    expect(problems).toEqual([
      expect.stringMatching(/^channels\.discord\.token: does not look like a Discord bot token/),
      'channels.discord.allowBots: must be true or false',
      'channels.discord.intents.messageContent: must be true or false',
      expect.stringMatching(/^channels\.discord\.guilds\.\d+\.colour: unknown key/),
      `channels.discord.guilds.${GUILD}.requireMention: must be true or false`,
      expect.stringMatching(/guilds\.\d+\.users\[0\]: write Discord ids as quoted strings/),
      expect.stringMatching(/channels\.general\.topic: unknown key/),
      expect.stringMatching(/channels\.general\.enabled: must be true or false/),
      expect.stringMatching(/channels\.other: must be an object/),
      expect.stringMatching(/guilds\.broken: must be an object/),
    ]);
  });

  it('says where the token comes from when there is none', () => {
    expect(validate({}, '')).toEqual([
      expect.stringMatching(/^channels\.discord\.token: no Discord bot token.*DISCORD_BOT_TOKEN/),
    ]);
  });
});

describe('guild and channel rules', () => {
  it('does not list a guild that is not configured', () => {
    expect(resolveGroupRule({}, place(), ALICE)).toEqual({ listed: false, requireMention: true });
    expect(resolveGroupRule(undefined, place(), ALICE).listed).toBe(false);
  });

  it('lists every channel of a guild without a channels map, mention required by default', () => {
    expect(resolveGroupRule({ [GUILD]: {} }, place(), ALICE)).toEqual({
      listed: true,
      requireMention: true,
    });
    expect(resolveGroupRule({ 'my-server': { requireMention: false } }, place(), ALICE)).toEqual({
      listed: true,
      requireMention: false,
    });
  });

  it('turns a channels map into an allowlist, with "*" keeping the rest', () => {
    const guilds = { [GUILD]: { channels: { help: { enabled: true } } } };
    expect(resolveGroupRule(guilds, place(), ALICE).listed).toBe(false);
    expect(resolveGroupRule(guilds, place({ channelName: 'Help' }), ALICE).listed).toBe(true);
    const open = { [GUILD]: { channels: { help: {}, '*': { requireMention: false } } } };
    expect(resolveGroupRule(open, place(), ALICE)).toEqual({ listed: true, requireMention: false });
    const off = { [GUILD]: { channels: { [CHANNEL]: { enabled: false }, '*': {} } } };
    expect(resolveGroupRule(off, place(), ALICE).listed).toBe(false);
  });

  it('lets a thread use its own entry, else its parent channel', () => {
    const inThread = place({ threadId: THREAD, threadName: 'bug 42' });
    const guilds = { [GUILD]: { channels: { general: { requireMention: false } } } };
    expect(resolveGroupRule(guilds, inThread, ALICE)).toEqual({
      listed: true,
      requireMention: false,
    });
    const own = { [GUILD]: { channels: { general: {}, 'bug-42': { enabled: false } } } };
    expect(resolveGroupRule(own, inThread, ALICE).listed).toBe(false);
  });

  it('turns users and roles into the sender list, channel over guild', () => {
    const guilds = {
      [GUILD]: {
        users: ['discord:135000000000000001', '<@135000000000000002>'],
        roles: ['135000000000000400'],
        channels: { general: { users: ['*'] }, '*': {} },
      },
    };
    expect(resolveGroupRule(guilds, place(), ALICE).allowFrom).toEqual(['*']);
    const other = place({ channelId: '135000000000000201', channelName: 'random' });
    expect(resolveGroupRule(guilds, other, ALICE).allowFrom).toEqual([
      '135000000000000001',
      '135000000000000002',
    ]);
    const withRole = { ...other, senderRoles: ['135000000000000400'] };
    expect(resolveGroupRule(guilds, withRole, ALICE).allowFrom).toContain(ALICE);
  });

  it('answers the core through the adapter from what the inbound message left behind', () => {
    const account = discordAccount(TOKEN, {
      raw: { guilds: { 'my-server': { requireMention: false } } },
    });
    rememberPlace('135000000000009999', place());
    const message = {
      chatId: CHANNEL,
      chatType: 'group',
      messageId: '135000000000009999',
      senderId: ALICE,
    } as InboundMessage;
    expect(discordAdapter.groupRule(account, message)).toEqual({
      listed: true,
      requireMention: false,
    });
    expect(slugify('#General Chat!')).toBe('general-chat');
  });
});

describe('mentions', () => {
  const botId = '135000000000000001';
  it('counts a user mention, a reply to the bot and a mention of the bot role', () => {
    const none = { botId, mentionedUserIds: [], mentionedRoleIds: [], botRoleIds: ['9'] };
    expect(isBotMentioned(none)).toBe(false);
    expect(isBotMentioned({ ...none, mentionedUserIds: [botId] })).toBe(true);
    expect(isBotMentioned({ ...none, repliedToUserId: botId })).toBe(true);
    expect(isBotMentioned({ ...none, mentionedRoleIds: ['9'] })).toBe(true);
    expect(isBotMentioned({ ...none, mentionedRoleIds: ['8'], mentionedUserIds: ['7'] })).toBe(
      false,
    );
  });

  it('removes only the bot mentions from the text', () => {
    expect(stripBotMentions(`<@${botId}> hi <@!${botId}> and <@2> <@&9> <@&8>`, botId, ['9'])).toBe(
      'hi and <@2> <@&8>',
    );
  });
});

describe('errors', () => {
  it('maps close codes and HTTP failures to what the user can do', () => {
    expect(closeCodeError(4014)).toMatchObject({
      kind: 'fatal',
      message: expect.stringContaining('Privileged Gateway Intents'),
    });
    expect(closeCodeError(4004)).toMatchObject({ kind: 'fatal', message: TOKEN_REFUSED });
    expect(closeCodeError(1006)).toBeUndefined();
    expect(toChannelError(Object.assign(new Error('x'), { status: 401 }), TOKEN).kind).toBe(
      'fatal',
    );
    expect(
      toChannelError(Object.assign(new Error('Bad Gateway'), { status: 502 }), TOKEN),
    ).toMatchObject({
      kind: 'transient',
      message: expect.stringContaining('502'),
    });
    const network = toChannelError(
      new TypeError('fetch failed', {
        cause: Object.assign(new Error('connect'), { code: 'ECONNREFUSED' }),
      }),
      TOKEN,
    );
    expect(network).toMatchObject({
      kind: 'transient',
      message: expect.stringContaining('ECONNREFUSED'),
    });
    const leaky = toChannelError(new Error(`boom ${TOKEN}`), TOKEN);
    expect(leaky.message).not.toContain(TOKEN);
  });
});
