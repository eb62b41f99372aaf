import { GatewayClient } from '@openclaw/gateway-client';
import { expect, it } from 'vitest';
import { startOpenAiStandIn } from '../testing/openai-stand-in.js';
import { startTestGateway, TEST_TOKEN } from '../testing/test-gateway.js';
import {
  directChannelId,
  injectDiscord,
  startCrablineDiscord,
} from '../testing/discord-harness.js';
import { discordAdapter } from './discord/index.js';

it('real discord adapter + core + crabline: pairing, approve, chunked answer (17 lines)', async () => {
  const dc = await startCrablineDiscord();
  const m = dc.server.manifest;
  const standIn = await startOpenAiStandIn({ apiKey: 'k' });
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
      channels: { discord: { token: m.botToken } },
    },
    {
      env: { DISCORD_API_URL: `${m.endpoints.apiRoot}/v10` },
      channels: { loadAdapter: async () => discordAdapter },
    },
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
  const until = async (f: () => boolean) => {
    for (let i = 0; i < 400 && !f(); i++) await new Promise((r) => setTimeout(r, 25));
  };
  const posts = () =>
    dc.calls.filter((c) => c.method === 'POST' && /\/channels\/\d+\/messages$/.test(c.path));
  for (let i = 0; i < 200; i++) {
    const s = await client.request<{
      channelAccounts: Record<string, Array<{ connected: boolean }>>;
    }>('channels.status', {});
    if (s.channelAccounts.discord?.[0]?.connected) break;
    await new Promise((r) => setTimeout(r, 25));
  }
  const user = '135000000000000077';
  const ch = directChannelId(m.botUserId, user);
  await injectDiscord(dc.server, {
    channelId: ch,
    senderId: user,
    senderName: 'bob',
    content: 'hello',
  });
  await until(() => posts().length >= 1);
  const text = String(posts()[0]?.body.content);

  const code = /Pairing code: (\w{8})/.exec(text)![1]!;
  expect(
    await client.request('channels.pairing.approve', {
      channel: 'discord',
      accountId: 'default',
      requestId: code,
    }),
  ).toMatchObject({ requestId: code });

  standIn.script.enqueue({
    reply: 'text',
    text: Array.from({ length: 40 }, (_, i) => `line ${i}`).join('\n'),
  });
  await injectDiscord(dc.server, {
    channelId: ch,
    senderId: user,
    senderName: 'bob',
    content: 'list please',
  });
  await until(() => posts().length >= 4);

  expect(posts().length).toBe(4);
  await client.stopAndWait();
  await gw.stop();
  await standIn.close();
  await dc.close();
}, 60_000);
