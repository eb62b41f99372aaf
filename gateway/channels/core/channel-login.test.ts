/**
 * WhatsApp-style QR login through `web.login.start` / `web.login.wait` (with the harness adapter
 * posing as a QR channel; the real WhatsApp adapter is tested against its link stand-in by its
 * helper), and a gateway without `channels`, which must never load an adapter.
 */
import { GatewayClient } from '@openclaw/gateway-client';
import { ChannelsStatusResultSchema } from '@openclaw/gateway-protocol/schema';
import { Value } from 'typebox/value';
import { afterEach, describe, expect, it } from 'vitest';
import { HarnessAdapter } from '../testing/harness-adapter.js';
import { startTestGateway, TEST_TOKEN, type TestGateway } from '../../testing/test-gateway.js';
import type { ChannelsStatus } from '../service-api.js';

let gw: TestGateway | undefined;
let client: GatewayClient | undefined;

afterEach(async () => {
  await client?.stopAndWait();
  await gw?.stop();
  client = undefined;
  gw = undefined;
});

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

describe('web login', () => {
  it('renders the QR as a PNG data URL, refreshes it while waiting, and starts the account once linked', async () => {
    const harness = new HarnessAdapter('whatsapp', 4096, undefined, { qr: true });
    gw = await startTestGateway(
      { channels: { whatsapp: { dmPolicy: 'pairing' } } },
      { channels: { loadAdapter: async () => harness } },
    );
    client = await connect(gw.url);
    // Not linked: the account waits for a login instead of starting.
    let before: ChannelsStatus;
    for (;;) {
      before = await client.request<ChannelsStatus>('channels.status', { channel: 'whatsapp' });
      if (before.channelAccounts.whatsapp![0]!.lastError) break;
      await new Promise((r) => setTimeout(r, 20));
    }
    expect([...Value.Errors(ChannelsStatusResultSchema, before)]).toEqual([]);
    expect(before.channelAccounts.whatsapp![0]).toMatchObject({ running: false, linked: false });
    expect(before.channelAccounts.whatsapp![0]!.lastError).toMatch(
      /openclaw channels login --channel whatsapp/,
    );

    const starting = client.request<{ qrDataUrl?: string; sessionKey?: string; message: string }>(
      'web.login.start',
      { channel: 'whatsapp', timeoutMs: 5000 },
    );
    await new Promise((r) => setTimeout(r, 100));
    harness.qr!.emit('2@first-ref,noise,identity,adv,1');
    const started = await starting;
    expect(started.qrDataUrl).toMatch(/^data:image\/png;base64,/);
    expect(started.qrDataUrl!.length).toBeLessThanOrEqual(16384);
    expect(started.sessionKey).toBeTruthy();

    // Rotation: a wait that times out hands back the new image.
    harness.qr!.emit('2@second-ref,noise,identity,adv,1');
    await new Promise((r) => setTimeout(r, 200));
    const waiting = await client.request<{ connected: boolean; qrDataUrl?: string }>(
      'web.login.wait',
      {
        channel: 'whatsapp',
        sessionKey: started.sessionKey,
        timeoutMs: 100,
        currentQrDataUrl: started.qrDataUrl,
      },
    );
    expect(waiting.connected).toBe(false);
    expect(waiting.qrDataUrl).toMatch(/^data:image\/png;base64,/);
    expect(waiting.qrDataUrl).not.toBe(started.qrDataUrl);

    const done = client.request<{ connected: boolean; message: string }>('web.login.wait', {
      channel: 'whatsapp',
      sessionKey: started.sessionKey,
      timeoutMs: 5000,
    });
    harness.qr!.link('+15550000000');
    expect(await done).toMatchObject({ connected: true });
    await new Promise((r) => setTimeout(r, 200));
    expect(harness.isConnected('default')).toBe(true);

    // Logout stops it and clears the link.
    expect(await client.request('channels.logout', { channel: 'whatsapp' })).toEqual({
      channel: 'whatsapp',
      accountId: 'default',
      cleared: true,
    });
    expect(harness.isConnected('default')).toBe(false);
  });

  it('says so when the login fails (an expired QR)', async () => {
    const harness = new HarnessAdapter('whatsapp', 4096, undefined, { qr: true });
    gw = await startTestGateway(
      { channels: { whatsapp: {} } },
      { channels: { loadAdapter: async () => harness } },
    );
    client = await connect(gw.url);
    const starting = client.request<{ sessionKey?: string }>('web.login.start', {
      timeoutMs: 5000,
    });
    await new Promise((r) => setTimeout(r, 100));
    harness.qr!.emit('2@ref,noise,identity,adv,1');
    const started = await starting;
    const { ChannelError } = await import('../contract.js');
    harness.qr!.fail(new ChannelError('The QR code expired (408).', 'transient'));
    const waited = await client.request<{ connected: boolean; message: string }>('web.login.wait', {
      sessionKey: started.sessionKey,
      timeoutMs: 2000,
    });
    expect(waited.connected).toBe(false);
    expect(waited.message).toMatch(/QR code expired.*Start the login again/);
  });
});

describe('a gateway without channels', () => {
  it('loads no adapter and reports no channel', async () => {
    let loads = 0;
    gw = await startTestGateway(
      {},
      {
        channels: {
          loadAdapter: async () => {
            loads += 1;
            throw new Error('must not load');
          },
        },
      },
    );
    client = await connect(gw.url);
    const result = await client.request<ChannelsStatus>('channels.status', {});
    expect([...Value.Errors(ChannelsStatusResultSchema, result)]).toEqual([]);
    expect(result.channelOrder).toEqual([]);
    expect(
      (await client.request<{ requests: unknown[] }>('channels.pairing.list', {})).requests,
    ).toEqual([]);
    expect(loads).toBe(0);
  });
});

describe('one broken account', () => {
  it('does not keep the others from starting', async () => {
    const harness = new HarnessAdapter('telegram');
    gw = await startTestGateway(
      {
        channels: {
          telegram: {
            accounts: {
              x: { botToken: '1:secret-x-token', harnessThrow: true },
              y: { botToken: '2:secret-y-token' },
              z: { botToken: '3:secret-z-token', harnessInvalid: true },
            },
          },
        },
      },
      { channels: { loadAdapter: async () => harness } },
    );
    client = await connect(gw.url);
    for (let i = 0; i < 200 && !harness.isConnected('y'); i += 1)
      await new Promise((r) => setTimeout(r, 20));
    expect(harness.isConnected('y')).toBe(true);
    const status = await client.request<ChannelsStatus>('channels.status', {});
    const rows = Object.fromEntries(status.channelAccounts.telegram!.map((r) => [r.accountId, r]));
    expect(rows.x).toMatchObject({ running: false, lastError: 'validation crashed for x' });
    expect(rows.z).toMatchObject({ running: false, healthState: 'unconfigured' });
    expect(rows.z!.lastError).toMatch(/channels\.telegram\.accounts\.z\.harnessInvalid/);
  });
});
