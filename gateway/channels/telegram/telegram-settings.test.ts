/** The Telegram keys' checks (token shape, apiRoot, groups) and which group rule applies. */
import { describe, expect, it } from 'vitest';
import { telegramAccount } from '../../testing/telegram-test-kit.js';
import type { InboundMessage } from '../contract.js';
import { telegramAdapter } from './index.js';
import { describeError, redactBotToken } from './redact.js';
import { checkApiRoot } from './settings.js';

const TOKEN = '123456789:AAHk-example_secret_value_0123456789';
const PATH = 'channels.telegram';

function groupMessage(chatId: string, threadId?: string): InboundMessage {
  return {
    channel: 'telegram',
    accountId: 'default',
    chatId,
    chatType: 'group',
    ...(threadId ? { threadId } : {}),
    senderId: '42',
    senderLabel: '@bob',
    messageId: '1',
    text: 'hi',
    mentioned: false,
    media: [],
  };
}

describe('Telegram settings', () => {
  it('accepts a well-formed account and says the adapter limits', () => {
    expect(telegramAdapter.validate(telegramAccount(TOKEN), PATH)).toEqual([]);
    expect(telegramAdapter.textLimit).toBe(4096);
    expect(telegramAdapter.defaults).toEqual({ textChunkLimit: 4000, mediaMaxMb: 100 });
  });

  it('rejects a token that is not "<digits>:<secret>" without repeating it', () => {
    const problems = telegramAdapter.validate(telegramAccount('not a token at all'), PATH);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/^channels\.telegram\.botToken: .*@BotFather/);
    expect(problems[0]).not.toContain('not a token at all');
  });

  it('asks for a token when an enabled account has none', () => {
    const problems = telegramAdapter.validate(
      telegramAccount('', {}, { token: undefined }),
      'channels.telegram.accounts.work',
    );
    expect(problems[0]).toMatch(/^channels\.telegram\.accounts\.work\.botToken: no bot token/);
  });

  it('refuses an apiRoot ending in /bot<TOKEN> and shows the root to use', () => {
    const problems = telegramAdapter.validate(
      telegramAccount(TOKEN, { apiRoot: `http://127.0.0.1:8081/bot${TOKEN}` }),
      PATH,
    );
    expect(problems).toEqual([
      'channels.telegram.apiRoot: must be the server root only, without "/bot<TOKEN>": use "http://127.0.0.1:8081"',
    ]);
  });

  it('normalizes a good apiRoot and refuses what is not an http(s) URL', () => {
    expect(checkApiRoot('https://tg.example.com/prefix/')).toEqual({
      ok: true,
      apiRoot: 'https://tg.example.com/prefix',
    });
    expect(checkApiRoot(undefined)).toEqual({ ok: true, apiRoot: 'https://api.telegram.org' });
    expect(checkApiRoot('ftp://x')).toMatchObject({ ok: false });
    expect(checkApiRoot('not a url')).toMatchObject({ ok: false });
    expect(checkApiRoot('https://u:p@x.example')).toMatchObject({ ok: false });
  });

  it('checks the groups map with paths', () => {
    const problems = telegramAdapter.validate(
      telegramAccount(TOKEN, {
        groups: {
          '-100123': { requireMention: 'yes', allowFrom: [{}] },
          team: { requireMention: false },
          '*': { topics: { '7': { requireMention: 1 } } },
        },
      }),
      PATH,
    );
    expect(problems).toEqual([
      'channels.telegram.groups.-100123.requireMention: must be true or false',
      'channels.telegram.groups.-100123.allowFrom: must be a list of Telegram user ids',
      'channels.telegram.groups.team: group keys are numeric chat ids (e.g. "-1001234567890") or "*"',
      'channels.telegram.groups.*.topics.7.requireMention: must be true or false',
    ]);
  });

  it('applies the chat entry, then "*", then topics; mention required by default', () => {
    const account = telegramAccount(TOKEN, {
      groups: {
        '-100123': {
          allowFrom: ['tg:42', 'telegram:43', 44],
          topics: { '9': { requireMention: false } },
        },
        '*': { requireMention: false },
      },
    });
    expect(telegramAdapter.groupRule(account, groupMessage('-100123'))).toEqual({
      listed: true,
      requireMention: false,
      allowFrom: ['42', '43', '44'],
    });
    expect(telegramAdapter.groupRule(account, groupMessage('-100123', '9'))).toMatchObject({
      requireMention: false,
    });
    expect(telegramAdapter.groupRule(account, groupMessage('-100999'))).toEqual({
      listed: true,
      requireMention: false,
    });
    const strict = telegramAccount(TOKEN, { groups: { '-100123': {} } });
    expect(telegramAdapter.groupRule(strict, groupMessage('-100123'))).toEqual({
      listed: true,
      requireMention: true,
    });
    expect(telegramAdapter.groupRule(strict, groupMessage('-100999'))).toEqual({
      listed: false,
      requireMention: true,
    });
  });

  it('redacts bot tokens in URLs and on their own', () => {
    expect(redactBotToken(`request to http://x/bot${TOKEN}/getMe failed`)).toBe(
      'request to http://x/bot<redacted>/getMe failed',
    );
    expect(redactBotToken(`token ${TOKEN} here`)).toBe('token <redacted> here');
    expect(redactBotToken('short 1:abc', '1:abc')).toBe('short <redacted>');
  });

  it('describes an error down to its root cause, token removed', () => {
    const root = new Error('connect ECONNREFUSED 127.0.0.1:8081');
    const fetchFailed = new TypeError('fetch failed', { cause: root });
    const wrapped = Object.assign(new Error(`Network request for 'getMe' failed!`), {
      error: fetchFailed,
    });
    expect(describeError(wrapped)).toBe(
      "Network request for 'getMe' failed! (fetch failed: connect ECONNREFUSED 127.0.0.1:8081)",
    );
    expect(describeError(new Error(`GET http://h/bot${TOKEN}/x failed`), TOKEN)).toBe(
      'GET http://h/bot<redacted>/x failed',
    );
  });
});
