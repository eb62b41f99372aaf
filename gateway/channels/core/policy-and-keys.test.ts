/**
 * The pure parts of the channel core: access decisions, session keys, chunking, account
 * resolution, and the `channels` config check.
 */
import { mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { validateConfig } from '../../config/config-schema.js';
import type { InboundMessage } from '../contract.js';
import { HarnessAdapter } from '../testing/harness-adapter.js';
import { decideAccess } from './access-policy.js';
import { routeAgent } from './agent-route.js';
import { resolveChannelAccounts } from './accounts.js';
import { backoffDelay, DEFAULT_BACKOFF } from './account-runner.js';
import { chunkText } from './chunking.js';
import { sessionKeyFor } from './session-key.js';

const adapter = new HarnessAdapter('telegram');

function account(raw: Record<string, unknown>) {
  return resolveChannelAccounts(
    { channels: { telegram: { botToken: '1:x', ...raw } } },
    'telegram',
    {},
  ).accounts[0]!.account;
}

function dm(senderId: string): InboundMessage {
  return {
    channel: 'telegram',
    accountId: 'default',
    chatId: senderId,
    chatType: 'direct',
    senderId,
    senderLabel: senderId,
    messageId: '1',
    text: 'hi',
    mentioned: false,
    media: [],
  };
}

function group(senderId: string, mentioned: boolean, chatId = '-100'): InboundMessage {
  return { ...dm(senderId), chatType: 'group', chatId, mentioned };
}

describe('access policy', () => {
  it('pairing: unknown senders pair, approved and listed senders run', () => {
    const a = account({ allowFrom: ['tg:42'] });
    expect(decideAccess(dm('7'), a, adapter, [])).toEqual({ action: 'pair' });
    expect(decideAccess(dm('7'), a, adapter, ['7'])).toEqual({ action: 'run' });
    expect(decideAccess(dm('42'), a, adapter, [])).toEqual({ action: 'run' });
  });

  it('allowlist, open and disabled', () => {
    expect(
      decideAccess(dm('7'), account({ dmPolicy: 'allowlist', allowFrom: ['8'] }), adapter, ['7'])
        .action,
    ).toBe('drop');
    expect(
      decideAccess(dm('8'), account({ dmPolicy: 'allowlist', allowFrom: ['8'] }), adapter, [])
        .action,
    ).toBe('run');
    expect(
      decideAccess(dm('7'), account({ dmPolicy: 'open', allowFrom: ['*'] }), adapter, []).action,
    ).toBe('run');
    expect(
      decideAccess(dm('8'), account({ dmPolicy: 'disabled', allowFrom: ['8'] }), adapter, [])
        .action,
    ).toBe('drop');
  });

  it('groups: listed groups only, mention gating, sender lists never from the pairing store', () => {
    const a = account({ groups: { '-100': { requireMention: true } } });
    expect(decideAccess(group('7', true, '-200'), a, adapter, []).action).toBe('drop');
    expect(decideAccess(group('7', false), a, adapter, []).action).toBe('drop');
    expect(decideAccess(group('7', true), a, adapter, []).action).toBe('run');
    const restricted = account({ allowFrom: ['42'], groups: { '*': { requireMention: false } } });
    expect(decideAccess(group('7', true), restricted, adapter, ['7']).action).toBe('drop');
    expect(decideAccess(group('42', false), restricted, adapter, []).action).toBe('run');
    expect(
      decideAccess(
        group('7', true),
        account({ groupPolicy: 'disabled', groups: { '*': {} } }),
        adapter,
        [],
      ).action,
    ).toBe('drop');
    expect(
      decideAccess(group('7', true), account({ groupPolicy: 'open' }), adapter, []).action,
    ).toBe('run');
  });
});

describe('session keys', () => {
  const base = { agentId: 'main', mainKey: 'main' };
  it('DMs share the main session unless dmScope says otherwise', () => {
    expect(sessionKeyFor(dm('42'), { ...base, dmScope: 'main' })).toBe('agent:main:main');
    expect(sessionKeyFor(dm('42'), { ...base, dmScope: 'per-channel-peer' })).toBe(
      'agent:main:telegram:direct:42',
    );
    expect(sessionKeyFor(dm('42'), { ...base, dmScope: 'per-account-channel-peer' })).toBe(
      'agent:main:telegram:default:direct:42',
    );
  });
  it('groups, Discord channels, topics and threads', () => {
    expect(sessionKeyFor(group('1', true, '-1001'), { ...base, dmScope: 'main' })).toBe(
      'agent:main:telegram:group:-1001',
    );
    expect(
      sessionKeyFor({ ...group('1', true, '-1001'), threadId: '5' }, { ...base, dmScope: 'main' }),
    ).toBe('agent:main:telegram:group:-1001:topic:5');
    expect(
      sessionKeyFor(
        { ...group('1', true, '99'), channel: 'discord', threadId: '7' },
        { ...base, dmScope: 'main' },
      ),
    ).toBe('agent:main:discord:channel:99:thread:7');
  });
});

describe('agent bindings', () => {
  const agents = ['main', 'support', 'work'];
  const msg = (over: Partial<InboundMessage> = {}) => ({ ...dm('42'), ...over });
  it('picks the most specific binding: peer, peer wildcard, account, then any account', () => {
    const bindings = [
      { agentId: 'main', match: { channel: 'telegram', accountId: '*' } },
      { agentId: 'work', match: { channel: 'telegram', accountId: 'work' } },
      {
        agentId: 'support',
        match: { channel: 'telegram', peer: { kind: 'direct', id: '42' } },
        session: { dmScope: 'per-peer' },
      },
      { agentId: 'work', match: { channel: 'telegram', peer: { kind: 'group', id: '*' } } },
    ];
    expect(routeAgent(bindings, msg(), 'default', agents)).toEqual({
      agentId: 'support',
      dmScope: 'per-peer',
    });
    expect(routeAgent(bindings, msg({ senderId: '7' }), 'default', agents)).toEqual({
      agentId: 'main',
    });
    expect(
      routeAgent(bindings, msg({ senderId: '7', accountId: 'work' }), 'default', agents),
    ).toEqual({ agentId: 'work' });
    expect(routeAgent(bindings, group('7', true), 'default', agents)).toEqual({ agentId: 'work' });
  });
  it('an omitted accountId means the default account; unknown agents and guild rules are skipped', () => {
    const bindings = [
      { agentId: 'ghost', match: { channel: 'telegram' } },
      { agentId: 'support', match: { channel: 'telegram', guildId: '1' } },
      { agentId: 'work', match: { channel: 'telegram' } },
    ];
    expect(routeAgent(bindings, msg(), 'default', agents)).toEqual({ agentId: 'work' });
    expect(routeAgent(bindings, msg({ accountId: 'other' }), 'default', agents)).toBeUndefined();
    expect(routeAgent(undefined, msg(), 'default', agents)).toBeUndefined();
  });
});

describe('chunking', () => {
  it('cuts at paragraph, line or word boundaries within the limit and keeps everything', () => {
    const words = Array.from({ length: 1000 }, (_, i) => `w${String(i).padStart(7, '0')}`).join(
      ' ',
    );
    const chunks = chunkText(words, 4000);
    expect(chunks.length).toBe(3);
    expect(chunks.every((c) => c.length <= 4000)).toBe(true);
    expect(chunks.join(' ')).toBe(words);
  });
  it('respects a line limit (Discord 17)', () => {
    const text = Array.from({ length: 40 }, (_, i) => `line ${i}`).join('\n');
    const chunks = chunkText(text, 2000, 17);
    expect(chunks.map((c) => c.split('\n').length)).toEqual([17, 17, 6]);
  });
  it('never splits an emoji', () => {
    const chunks = chunkText('😀'.repeat(10), 5);
    expect(chunks.join('')).toBe('😀'.repeat(10));
    expect(chunks.every((c) => !/[\ud800-\udbff]$/.test(c))).toBe(true);
  });
  it('backoff grows and is capped, with jitter', () => {
    const mid = () => 0.5;
    expect(backoffDelay(1, DEFAULT_BACKOFF, mid)).toBe(2000);
    expect(backoffDelay(3, DEFAULT_BACKOFF, mid)).toBe(8000);
    expect(backoffDelay(30, DEFAULT_BACKOFF, mid)).toBe(300_000);
    expect(backoffDelay(1, DEFAULT_BACKOFF, () => 0)).toBe(1600);
  });
});

describe('accounts', () => {
  it('inherits root keys, takes env tokens for the default account only, refuses symlinked token files', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'ch-acc-'));
    writeFileSync(path.join(dir, 'tok'), '123:file-token\n');
    symlinkSync(path.join(dir, 'tok'), path.join(dir, 'link'));
    const { accounts, defaultAccountId } = resolveChannelAccounts(
      {
        channels: {
          telegram: {
            dmPolicy: 'allowlist',
            allowFrom: ['telegram:5'],
            defaultAccount: 'work',
            accounts: {
              work: {},
              file: { tokenFile: path.join(dir, 'tok') },
              bad: { tokenFile: path.join(dir, 'link') },
            },
          },
        },
      },
      'telegram',
      { TELEGRAM_BOT_TOKEN: '9:env-token' },
    );
    expect(defaultAccountId).toBe('work');
    const byId = Object.fromEntries(accounts.map((a) => [a.account.accountId, a]));
    expect(byId.work!.account).toMatchObject({
      token: '9:env-token',
      tokenSource: 'env',
      dmPolicy: 'allowlist',
      allowFrom: ['5'],
    });
    expect(byId.file!.account).toMatchObject({ token: '123:file-token', tokenSource: 'file' });
    expect(byId.bad!.problems[0]).toMatch(/symbolic link/);
    expect(byId.bad!.configured).toBe(false);
  });
  it('resolves a Discord SecretRef and says which variable is missing', () => {
    const config = {
      channels: { discord: { token: { source: 'env', provider: 'default', id: 'MY_DC' } } },
    };
    expect(
      resolveChannelAccounts(config, 'discord', { MY_DC: 'abc.def' }).accounts[0]!.account
        .tokenSource,
    ).toBe('secretRef');
    expect(resolveChannelAccounts(config, 'discord', {}).accounts[0]!.problems[0]).toMatch(/MY_DC/);
  });
  it('a policy edit keeps the connection hash, a token edit changes it', () => {
    const hash = (raw: Record<string, unknown>) =>
      resolveChannelAccounts({ channels: { telegram: raw } }, 'telegram', {}).accounts[0]!
        .connectionHash;
    expect(hash({ botToken: '1:a', dmPolicy: 'pairing' })).toBe(
      hash({ botToken: '1:a', dmPolicy: 'open', allowFrom: ['*'] }),
    );
    expect(hash({ botToken: '1:a' })).not.toBe(hash({ botToken: '1:b' }));
  });
});

describe('channels config check', () => {
  const issues = (channels: unknown) => validateConfig({ channels }).issues;
  it('reports every problem with its path', () => {
    expect(
      issues({
        telegram: {
          dmPolicy: 'everyone',
          allowFrom: 'me',
          accounts: { a: { dmPolicy: 'open' }, b: { dmPolicy: 'allowlist', allowFrom: [] } },
        },
        discord: { botToken: 'x' },
        telegarm: {},
      }).map((i) => i.path),
    ).toEqual([
      'channels.telegram.dmPolicy',
      'channels.telegram.allowFrom',
      'channels.telegram.accounts.a.allowFrom',
      'channels.telegram.accounts.b.allowFrom',
      'channels.discord.botToken',
      'channels.telegarm',
    ]);
  });
  it('refuses a Telegram apiRoot that is not a root URL, without echoing a pasted token', () => {
    const pasted = issues({
      telegram: { apiRoot: 'https://api.telegram.org/bot123456:secret-token-value' },
    });
    expect(pasted).toEqual([
      { path: 'channels.telegram.apiRoot', message: expect.stringMatching(/root only, without/) },
    ]);
    expect(JSON.stringify(pasted)).not.toContain('secret-token-value');
    expect(issues({ telegram: { apiRoot: 'not a url' } })[0]?.path).toBe(
      'channels.telegram.apiRoot',
    );
    expect(issues({ telegram: { accounts: { a: { apiRoot: 'ftp://x' } } } })[0]?.path).toBe(
      'channels.telegram.accounts.a.apiRoot',
    );
    expect(issues({ telegram: { apiRoot: 'http://127.0.0.1:8081' } })).toEqual([]);
  });

  it('accepts agents.defaults.typingIntervalSeconds (upstream key) as a positive integer', () => {
    expect(validateConfig({ agents: { defaults: { typingIntervalSeconds: 4 } } }).issues).toEqual(
      [],
    );
    expect(
      validateConfig({ agents: { defaults: { typingIntervalSeconds: 0 } } }).issues[0]?.path,
    ).toBe('agents.defaults.typingIntervalSeconds');
  });
  it('accepts valid blocks, upstream channels it does not run, and open with "*"', () => {
    expect(
      issues({
        telegram: { botToken: '1:a', dmPolicy: 'open', allowFrom: ['*'], webhookUrl: 'https://x' },
        slack: { anything: 1 },
        defaults: { groupPolicy: 'open' },
      }),
    ).toEqual([]);
  });
});
