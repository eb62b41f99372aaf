import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startTelegramServer } from '@openclaw/crabline';
import { GatewayClient } from '@openclaw/gateway-client';
import { ChannelsStatusResultSchema } from '@openclaw/gateway-protocol/schema';
import { Value } from 'typebox/value';
import { expect, it } from 'vitest';
import { startOpenAiStandIn } from '../testing/openai-stand-in.js';
import { startTestGateway, TEST_TOKEN } from '../testing/test-gateway.js';
import { createTelegramAdapter } from './telegram/index.js';

it('real telegram adapter + core + crabline: pairing, approve, agent answer', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'e2e-'));
  const events: Array<{ type: string; path: string; body?: Record<string, unknown> }> = [];
  const server = await startTelegramServer({
    recorderPath: join(dir, 't.jsonl'),
    botUsername: 'oc_bot',
    onEvent: (e) => {
      events.push(e as never);
    },
  });
  const standIn = await startOpenAiStandIn({ apiKey: 'k' });
  const m = server.manifest;
  const gw = await startTestGateway(
    {
      models: {
        providers: {
          s: {
            baseUrl: standIn.baseUrl,
            apiKey: 'k',
            api: 'openai-completions',
            models: [{ id: 'e', name: 'E', input: ['text'] }],
          },
        },
      },
      agents: { defaults: { model: 's/e' } },
      channels: { telegram: { botToken: m.botToken, apiRoot: m.endpoints.apiRoot } },
    },
    { channels: { loadAdapter: async () => createTelegramAdapter({ pollTimeoutSeconds: 1 }) } },
  );
  const client: GatewayClient = await new Promise((res, rej) => {
    const c: GatewayClient = new GatewayClient({
      url: gw.url,
      token: TEST_TOKEN,
      scopes: ['operator.admin'],
      hostDeps: { logDebug() {}, logError() {} },
      onHelloOk: () => res(c),
      onConnectError: rej,
    });
    c.start();
  });
  const sends = () => events.filter((e) => e.type === 'api' && e.path.endsWith('/sendMessage'));
  const until = async (f: () => boolean) => {
    for (let i = 0; i < 400 && !f(); i++) await new Promise((r) => setTimeout(r, 25));
  };
  await until(() => events.some((e) => e.path.endsWith('/getUpdates')));
  const inject = (text: string) =>
    fetch(m.endpoints.adminInboundUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-crabline-admin-token': m.adminToken },
      body: JSON.stringify({ chatId: '123456789', fromId: 123456789, fromUsername: 'alice', text }),
    });
  await inject('hi');
  await until(() => sends().length >= 1);
  const text = String(sends()[0]?.body?.text);

  const code = /Pairing code: (\w{8})/.exec(text)![1]!;
  expect(
    await client.request('channels.pairing.approve', {
      channel: 'telegram',
      accountId: 'default',
      requestId: code,
      notify: true,
      bootstrapCommandOwner: true,
    }),
  ).toMatchObject({ requestId: code });

  standIn.script.enqueue({ reply: 'text', text: 'Hello Alice from the agent' });
  await inject('what is up');
  await until(() => sends().some((s) => s.body?.text === 'Hello Alice from the agent'));

  const st = await client.request('channels.status', {});
  expect([...Value.Errors(ChannelsStatusResultSchema, st)]).toEqual([]);

  expect(sends().some((s) => s.body?.text === 'Hello Alice from the agent')).toBe(true);
  await client.stopAndWait();
  await gw.stop();
  await standIn.close();
  await server.close();
}, 60_000);
