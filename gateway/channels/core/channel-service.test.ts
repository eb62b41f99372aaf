/**
 * The channel core inside a real gateway: the harness adapter (an in-process adapter, see its
 * header; the real adapters are tested against crabline by their own helpers) delivers messages,
 * the stand-in OpenAI model answers through the gateway's agent runtime, and the methods are
 * called over the protocol and checked against the protocol's result schemas.
 */
import { GatewayClient } from '@openclaw/gateway-client';
import {
  ChannelsPairingApproveResultSchema,
  ChannelsPairingDismissResultSchema,
  ChannelsPairingListResultSchema,
  ChannelsStatusResultSchema,
} from '@openclaw/gateway-protocol/schema';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { Value } from 'typebox/value';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ChannelError } from '../contract.js';
import { HarnessAdapter } from '../testing/harness-adapter.js';
import { startOpenAiStandIn, type OpenAiStandIn } from '../../testing/openai-stand-in.js';
import { startTestGateway, TEST_TOKEN, type TestGateway } from '../../testing/test-gateway.js';
import type { ChannelAccountStatus, ChannelsStatus } from '../service-api.js';

const KEY = 'sk-stand-in-channels';
const TOKEN_MAIN = '111111:telegram-secret-main-token';
const TOKEN_A = '222222:telegram-secret-token-a';
const TOKEN_B = '333333:telegram-secret-token-b';

let standIn: OpenAiStandIn;
let gw: TestGateway;
let client: GatewayClient;
let harness: HarnessAdapter;

async function until<T>(
  what: string,
  probe: () => T | undefined | Promise<T | undefined>,
  timeoutMs = 8000,
): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

function connect(url: string): Promise<GatewayClient> {
  return new Promise((resolve, reject) => {
    const c: GatewayClient = new GatewayClient({
      url,
      token: TEST_TOKEN,
      scopes: ['operator.admin'],
      requestTimeoutMs: 10_000,
      hostDeps: { logDebug: () => {}, logError: () => {} },
      onHelloOk: () => resolve(c),
      onConnectError: (err) => {
        reject(err);
        c.stop();
      },
    });
    c.start();
  });
}

async function status(): Promise<ChannelsStatus> {
  const result = await client.request<ChannelsStatus>('channels.status', {});
  expect([...Value.Errors(ChannelsStatusResultSchema, result)]).toEqual([]);
  return result;
}

async function row(accountId: string): Promise<ChannelAccountStatus> {
  return (await status()).channelAccounts.telegram!.find((r) => r.accountId === accountId)!;
}

async function patch(value: unknown): Promise<void> {
  const current = await client.request<{ hash: string }>('config.get', {});
  await client.request('config.patch', { raw: JSON.stringify(value), baseHash: current.hash });
}

const sentTo = (accountId: string) => harness.sent.filter((m) => m.accountId === accountId);

beforeAll(async () => {
  standIn = await startOpenAiStandIn({ apiKey: KEY });
  harness = new HarnessAdapter('telegram', 4096);
  gw = await startTestGateway(
    {
      models: {
        providers: {
          'stand-in': {
            baseUrl: standIn.baseUrl,
            apiKey: KEY,
            api: 'openai-completions',
            models: [
              {
                id: 'echo-1',
                name: 'Echo',
                input: ['text'],
                contextWindow: 32000,
                maxTokens: 4000,
              },
            ],
          },
        },
      },
      agents: {
        defaults: { model: 'stand-in/echo-1' },
        list: [{ id: 'main', default: true }, { id: 'work' }],
      },
      // Account b's messages go to the agent "work" (upstream's bindings).
      bindings: [{ agentId: 'work', match: { channel: 'telegram', accountId: 'b' } }],
      channels: {
        telegram: {
          accounts: {
            main: { botToken: TOKEN_MAIN, groups: { '-100500': { requireMention: true } } },
            a: { botToken: TOKEN_A, dmPolicy: 'open', allowFrom: ['*'] },
            b: { botToken: TOKEN_B, dmPolicy: 'open', allowFrom: ['*'] },
          },
          defaultAccount: 'main',
        },
      },
    },
    {
      channels: {
        loadAdapter: async () => harness,
        backoff: { initialMs: 40, maxMs: 160, jitter: 0.2, stableMs: 60_000 },
        typingIntervalMs: 50,
        maxBacklogPerSession: 3,
      },
    },
  );
  client = await connect(gw.url);
  await until('accounts connected', () =>
    ['main', 'a', 'b'].every((id) => harness.isConnected(id)),
  );
}, 30_000);

afterAll(async () => {
  await client?.stopAndWait();
  await gw?.stop();
  await standIn?.close();
});

describe('DM pairing through the gateway', () => {
  let code = '';

  it('an unknown sender gets one pairing reply with the code and the approve command', async () => {
    harness.inject('main', { senderId: '4242', chatId: '4242', text: 'hello?' });
    const reply = await until('pairing reply', () => sentTo('main')[0]);
    code = /Pairing code: ([A-Z2-9]{8})/.exec(reply.text)?.[1] ?? '';
    expect(code).toHaveLength(8);
    expect(reply.text).toContain('4242');
    expect(reply.text).toContain(`openclaw pairing approve telegram ${code}`);
    expect(reply.target.chatId).toBe('4242');
    harness.inject('main', { senderId: '4242', chatId: '4242', text: 'hello again' });
    await new Promise((r) => setTimeout(r, 300));
    expect(sentTo('main')).toHaveLength(1);
    expect(standIn.requests).toHaveLength(0);
  });

  it('channels.pairing.list shows the request (schema-valid)', async () => {
    const list = await client.request<Record<string, unknown>>('channels.pairing.list', {
      channel: 'telegram',
    });
    expect([...Value.Errors(ChannelsPairingListResultSchema, list)]).toEqual([]);
    expect(list).toMatchObject({
      commandOwnerConfigured: false,
      limits: { pendingPerAccount: 3, ttlMs: 3_600_000 },
      requests: [{ requestId: code, senderId: '4242', accountId: 'main', channel: 'telegram' }],
    });
  });

  it('approve notifies the sender and makes the first command owner', async () => {
    const result = await client.request<Record<string, unknown>>('channels.pairing.approve', {
      channel: 'telegram',
      accountId: 'main',
      requestId: code.toLowerCase(),
      notify: true,
      bootstrapCommandOwner: true,
    });
    expect([...Value.Errors(ChannelsPairingApproveResultSchema, result)]).toEqual([]);
    expect(result).toEqual({
      requestId: code,
      senderId: '4242',
      notification: 'sent',
      commandOwnerBootstrap: 'configured',
    });
    expect(sentTo('main')[1]?.text).toMatch(/can now talk to the agent/);
    const config = await client.request<{ config: { commands?: { ownerAllowFrom?: string[] } } }>(
      'config.get',
      {},
    );
    expect(config.config.commands?.ownerAllowFrom).toEqual(['telegram:4242']);
  });

  it('dismiss forgets a request (schema-valid); the sender may ask again', async () => {
    const before = sentTo('main').length;
    harness.inject('main', { senderId: '5151', chatId: '5151', text: 'me too' });
    const reply = await until('second pairing reply', () => sentTo('main')[before]);
    const second = /Pairing code: ([A-Z2-9]{8})/.exec(reply.text)?.[1] ?? '';
    const result = await client.request<Record<string, unknown>>('channels.pairing.dismiss', {
      channel: 'telegram',
      accountId: 'main',
      requestId: second,
    });
    expect([...Value.Errors(ChannelsPairingDismissResultSchema, result)]).toEqual([]);
    expect(result).toEqual({ requestId: second, senderId: '5151' });
    const list = await client.request<{ requests: unknown[] }>('channels.pairing.list', {});
    expect(list.requests).toEqual([]);
    harness.inject('main', { senderId: '5151', chatId: '5151', text: 'please' });
    const again = await until('a new code', () => sentTo('main')[before + 1]);
    expect(again.text).toMatch(/Pairing code: [A-Z2-9]{8}/);
    await client.request('channels.pairing.dismiss', {
      channel: 'telegram',
      accountId: 'main',
      requestId: /Pairing code: ([A-Z2-9]{8})/.exec(again.text)![1]!,
    });
  });

  it('the approved sender reaches the agent; a 9000-character answer arrives as 3 ordered chunks, the first quoting', async () => {
    const answer = Array.from({ length: 1000 }, (_, i) => `a${String(i).padStart(7, '0')}`).join(
      ' ',
    );
    standIn.script.enqueue({ reply: 'text', text: answer, chunkSize: 500, delayMs: 40 });
    const before = sentTo('main').length;
    const typingBefore = harness.typing.length;
    harness.inject('main', {
      senderId: '4242',
      chatId: '4242',
      messageId: 'm-77',
      text: 'tell me a lot',
    });
    const chunks = await until(
      '3 chunks',
      () => (sentTo('main').length >= before + 3 ? sentTo('main').slice(before) : undefined),
      15_000,
    );
    expect(chunks).toHaveLength(3);
    expect(chunks.every((c) => c.text.length <= 4000)).toBe(true);
    expect(chunks.map((c) => c.text).join(' ')).toBe(answer);
    expect(chunks[0]!.target.replyToMessageId).toBe('m-77');
    expect(chunks[1]!.target.replyToMessageId).toBeUndefined();
    expect(harness.typing.length - typingBefore).toBeGreaterThanOrEqual(2);
    // The DM went to the agent's main session (session.dmScope "main").
    const body = JSON.stringify(standIn.requests.at(-1)?.body);
    expect(body).toContain('tell me a lot');
    const { entry } = await gw.gateway.sessions.get('agent:main:main');
    expect(entry).toBeDefined();
  });

  it('inbound media is saved under media/inbound of the workspace and named in the message', async () => {
    standIn.script.enqueue({ reply: 'text', text: 'got your files' });
    const png = Buffer.from(
      'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==',
      'base64',
    );
    const ogg = Buffer.from('OggS fake voice note bytes');
    const before = sentTo('main').length;
    harness.inject('main', {
      senderId: '4242',
      chatId: '4242',
      text: 'see attached',
      media: [
        { data: png, mimeType: 'image/png', fileName: 'dot.png' },
        { data: ogg, mimeType: 'audio/ogg', fileName: 'voice.ogg' },
      ],
      mediaSkipped: ['video.mp4 (120 MB, over the 100 MB limit)'],
    });
    const mediaReply = await until('media answer', () => sentTo('main')[before]);
    expect(mediaReply.text).toBe('got your files');
    const files = await fs.readdir(path.join(gw.paths.workspaceDir, 'media', 'inbound'));
    expect(files.some((f) => f.endsWith('.png'))).toBe(true);
    expect(files.some((f) => f.endsWith('.ogg'))).toBe(true);
    const body = JSON.stringify(standIn.requests.at(-1)?.body);
    expect(body).toMatch(/media\/inbound\/[0-9a-f]{16}\.ogg/);
    expect(body).toContain('voice.ogg');
    expect(body).toContain('over the 100 MB limit');
  });

  it('an agent failure gets a short reply in the chat', async () => {
    standIn.script.enqueue({ reply: 'error', status: 500, message: 'upstream exploded' });
    const before = sentTo('main').length;
    harness.inject('main', { senderId: '4242', chatId: '4242', text: 'again' });
    const reply = await until('failure reply', () => sentTo('main')[before]);
    expect(reply.text).toMatch(/^Sorry — the agent could not answer/);
    // The provider's details stay out of the chat.
    expect(reply.text).not.toContain('upstream exploded');
  });

  it('groups: unlisted groups and unmentioned messages are ignored, a mention runs in the group session', async () => {
    const before = sentTo('main').length;
    harness.inject('main', {
      senderId: '9',
      chatId: '-100999',
      chatType: 'group',
      mentioned: true,
      text: 'other group',
    });
    harness.inject('main', {
      senderId: '9',
      chatId: '-100500',
      chatType: 'group',
      mentioned: false,
      text: 'no mention',
    });
    await new Promise((r) => setTimeout(r, 300));
    expect(sentTo('main').length).toBe(before);
    standIn.script.enqueue({ reply: 'text', text: 'group answer' });
    harness.inject('main', {
      senderId: '9',
      chatId: '-100500',
      chatType: 'group',
      mentioned: true,
      text: '@bot hi',
    });
    const reply = await until('group reply', () => sentTo('main')[before]);
    expect(reply).toMatchObject({
      text: 'group answer',
      target: { chatId: '-100500', chatType: 'group' },
    });
    expect(
      (await gw.gateway.sessions.get('agent:main:telegram:group:-100500')).entry,
    ).toBeDefined();
    // The unlisted group is named once in the log, so its id can be copied into the config.
    const log = await fs.readFile(path.join(gw.dir, 'gateway.log'), 'utf8');
    const named = log.split('\n').filter((l) => l.includes('group -100999 was ignored'));
    expect(named).toHaveLength(1);
  });
});

describe('supervision, reload and status', () => {
  it('a transient failure reconnects with backoff while another account keeps answering', async () => {
    const connectsBefore = harness.connects.filter((c) => c.accountId === 'a').length;
    harness.script(
      'a',
      { fail: 'transient', message: 'network down' },
      { fail: 'transient', message: 'network down' },
    );
    harness.drop('a', new ChannelError('connection reset', 'transient'));
    standIn.script.enqueue({ reply: 'text', text: 'b still works' });
    harness.inject('b', { senderId: '5', chatId: '5', text: 'ping' });
    await until('b answered', () => sentTo('b').find((m) => m.text === 'b still works'));
    expect((await gw.gateway.sessions.get('agent:work:main')).entry).toBeDefined();
    await until('a back', () => harness.isConnected('a'));
    const attempts = harness.connects.filter((c) => c.accountId === 'a').slice(connectsBefore);
    expect(attempts).toHaveLength(3);
    // Delays grow: ~40 ms, ~80 ms, ~160 ms (±20 %).
    expect(attempts[2]!.at - attempts[1]!.at).toBeGreaterThanOrEqual(60);
    const a = await row('a');
    expect(a).toMatchObject({ running: true, connected: true, reconnectAttempts: 3 });
  });

  it('a fatal error stops the account with its error until channels.start', async () => {
    harness.drop(
      'b',
      new ChannelError(
        'Telegram refused the bot token (401). Create a new token with @BotFather.',
        'fatal',
      ),
    );
    const b = await until('b failed', async () => {
      const r = await row('b');
      return r.running ? undefined : r;
    });
    expect(b).toMatchObject({ running: false, connected: false, healthState: 'failed' });
    expect(b.lastError).toMatch(/401/);
    await new Promise((r) => setTimeout(r, 300));
    expect(harness.isConnected('b')).toBe(false);
    const started = await client.request<Record<string, unknown>>('channels.start', {
      channel: 'telegram',
      accountId: 'b',
    });
    expect(started).toMatchObject({
      channel: 'telegram',
      accountId: 'b',
      started: true,
      outcome: { status: 'handed-off' },
    });
    await until('b back', () => harness.isConnected('b'));
  });

  it('reload restarts only the account whose connection settings changed; policy edits apply in place', async () => {
    const count = (id: string) => harness.connects.filter((c) => c.accountId === id).length;
    const [a0, b0, m0] = [count('a'), count('b'), count('main')];
    await patch({
      channels: {
        telegram: {
          accounts: {
            a: { botToken: '222222:telegram-secret-token-a2' },
            b: { dmPolicy: 'disabled' },
          },
        },
      },
    });
    await until('a reconnected', () => count('a') === a0 + 1 && harness.isConnected('a'));
    await until('b policy applied', async () =>
      (await row('b')).dmPolicy === 'disabled' ? true : undefined,
    );
    expect([count('b'), count('main')]).toEqual([b0, m0]);
    const before = sentTo('b').length;
    harness.inject('b', { senderId: '5', chatId: '5', text: 'now disabled' });
    await new Promise((r) => setTimeout(r, 300));
    expect(sentTo('b').length).toBe(before);
  });

  it('a second account with a bot token already in use is not started, and says so', async () => {
    const count = (id: string) => harness.connects.filter((c) => c.accountId === id).length;
    const main0 = count('main');
    await patch({ channels: { telegram: { accounts: { twin: { botToken: TOKEN_MAIN } } } } });
    const twin = await until('twin reported', async () => {
      const r = (await status()).channelAccounts.telegram!.find((x) => x.accountId === 'twin');
      return r?.lastError ? r : undefined;
    });
    expect(twin.running).toBe(false);
    expect(twin.lastError).toMatch(/same bot token as telegram account "main"/);
    expect(JSON.stringify(twin)).not.toContain(TOKEN_MAIN.split(':')[1]);
    expect(count('twin')).toBe(0);
    expect(count('main')).toBe(main0);
    expect(harness.isConnected('main')).toBe(true);
    await patch({ channels: { telegram: { accounts: { twin: null } } } });
  });

  it('channels.stop keeps an account off; status never shows a token; the log has none either', async () => {
    expect(await client.request('channels.stop', { channel: 'telegram', accountId: 'b' })).toEqual({
      channel: 'telegram',
      accountId: 'b',
      stopped: true,
    });
    expect(harness.isConnected('b')).toBe(false);
    const all = await status();
    expect(all.channelOrder).toEqual(['telegram']);
    expect(all.channelDefaultAccountId).toEqual({ telegram: 'main' });
    expect(all.channelAccounts.telegram!.find((r) => r.accountId === 'main')).toMatchObject({
      tokenSource: 'config',
      identity: '@harness_main',
      configured: true,
    });
    const text = JSON.stringify(all);
    for (const secret of ['telegram-secret']) expect(text).not.toContain(secret);
    const config = JSON.stringify(await client.request('config.get', {}));
    expect(config).not.toContain('telegram-secret');
    gw.gateway.logger.info(`a log line that mentions ${TOKEN_MAIN} by mistake`);
    const log = await fs.readFile(path.join(gw.dir, 'gateway.log'), 'utf8');
    expect(log).toContain('by mistake');
    expect(log).not.toContain('telegram-secret');
  });

  it('a flood into one session: the first runs queue, later messages get one "busy" reply and are logged', async () => {
    for (let i = 1; i <= 3; i += 1)
      standIn.script.enqueue({
        reply: 'text',
        text: `slow answer ${i}`,
        chunkSize: 2,
        delayMs: 40,
      });
    const group = () => sentTo('main').filter((m) => m.target.chatId === '-100500');
    const before = group().length;
    const requests = standIn.requests.length;
    for (let i = 1; i <= 5; i += 1)
      harness.inject('main', {
        senderId: '9',
        chatId: '-100500',
        chatType: 'group',
        mentioned: true,
        text: `flood ${i}`,
      });
    const replies = await until(
      '3 answers',
      () => (group().length >= before + 4 ? group().slice(before) : undefined),
      15_000,
    );
    await new Promise((r) => setTimeout(r, 200));
    expect(
      group()
        .slice(before)
        .map((m) => m.text),
    ).toEqual([
      expect.stringMatching(/still working on your earlier messages/),
      'slow answer 1',
      'slow answer 2',
      'slow answer 3',
    ]);
    expect(replies).toHaveLength(4);
    expect(standIn.requests.length - requests).toBe(3);
    expect((await row('main')).lastError).toMatch(/faster than the agent answers/);
  });

  it('rejects an unknown channel and an unknown account with what to do', async () => {
    await expect(client.request('channels.start', { channel: 'slack' })).rejects.toThrow(
      /Unknown channel "slack"/,
    );
    await expect(
      client.request('channels.start', { channel: 'telegram', accountId: 'nope' }),
    ).rejects.toThrow(/openclaw channels add --channel telegram --account nope/);
  });
});
