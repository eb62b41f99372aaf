/**
 * End-to-end with the real reference client `@openclaw/gateway-client` and the real CLI process:
 * pairing, device tokens, revocation, config over RPC, logs without secrets, shutdown.
 */
import { execFile } from 'node:child_process';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { GatewayClient, type GatewayClientOptions } from '@openclaw/gateway-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveStatePaths } from '../config/paths.js';
import { createGatewayClientHostDeps } from '../pairing/client-identity-store.js';
import { startTestGateway, TEST_TOKEN, type TestGateway } from '../testing/test-gateway.js';

const run = promisify(execFile);
const CLI = path.resolve(__dirname, '../cli/main.ts');

let gw: TestGateway;

beforeAll(async () => {
  gw = await startTestGateway();
});

afterAll(async () => {
  await gw.stop();
});

interface Connected {
  client: GatewayClient;
  hello: Record<string, unknown>;
  events: Array<{ event: string; payload?: unknown }>;
}

function connect(options: Partial<GatewayClientOptions>): Promise<Connected> {
  const events: Connected['events'] = [];
  return new Promise((resolve, reject) => {
    const client = new GatewayClient({
      url: gw.url,
      requestTimeoutMs: 5000,
      hostDeps: { logDebug: () => {}, logError: () => {} },
      onEvent: (evt) => events.push({ event: evt.event, payload: evt.payload }),
      ...options,
      onHelloOk: (hello) =>
        resolve({ client, hello: hello as unknown as Record<string, unknown>, events }),
      onConnectError: (err) => {
        reject(err);
        client.stop();
      },
    });
    client.start();
  });
}

function cli(args: string[]) {
  return run(process.execPath, ['--import', 'tsx', CLI, ...args], {
    env: {
      ...process.env,
      ...gw.env,
      OPENCLAW_GATEWAY_PORT: String(gw.port),
      OPENCLAW_GATEWAY_TOKEN: TEST_TOKEN,
    },
    timeout: 20_000,
  });
}

async function browserDevice(name: string) {
  const dir = path.join(gw.dir, `client-${name}`);
  const paths = resolveStatePaths({ OPENCLAW_STATE_DIR: dir });
  return {
    paths,
    deps: { ...createGatewayClientHostDeps(paths), logDebug: () => {}, logError: () => {} },
  };
}

describe('reference client', () => {
  it('connects with the token and calls methods', async () => {
    const { client, hello } = await connect({ token: TEST_TOKEN, scopes: ['operator.read'] });
    expect(hello.protocol).toBe(4);
    const status = await client.request<{ version: string }>('status', {});
    expect(status.version).toBeTruthy();
    const health = await client.request<{ ok: boolean }>('health', {});
    expect(health.ok).toBe(true);
    await client.stopAndWait();
  });

  it('reports a wrong token as AUTH_TOKEN_MISMATCH', async () => {
    await expect(connect({ token: 'not-the-token' })).rejects.toMatchObject({
      details: expect.objectContaining({ code: 'AUTH_TOKEN_MISMATCH' }),
    });
  });

  it('new browser-style device → pending → `openclaw devices approve` → reconnects with its device token → revoked → refused', async () => {
    const origin = `http://127.0.0.1:${gw.port}`;
    const device = await browserDevice('browser');
    const base: Partial<GatewayClientOptions> = {
      origin,
      clientName: 'gateway-client',
      mode: 'backend',
      scopes: ['operator.read'],
      hostDeps: device.deps,
    };

    // An operator watching pairing events (the desktop app does this).
    const watcher = await connect({
      token: TEST_TOKEN,
      scopes: ['operator.pairing', 'operator.read'],
    });

    const first = await connect({ ...base, token: TEST_TOKEN }).catch(
      (err: { details?: Record<string, unknown> }) => err,
    );
    const details = (first as { details?: Record<string, unknown> }).details;
    expect(details?.code).toBe('PAIRING_REQUIRED');
    const requestId = String(details?.requestId);
    expect(requestId).toMatch(/[0-9a-f-]{36}/);

    await expect
      .poll(() => watcher.events.some((e) => e.event === 'device.pair.requested'))
      .toBe(true);

    const listed = await cli(['devices', 'list', '--json']);
    const pending = (JSON.parse(listed.stdout) as { pending: Array<{ requestId: string }> })
      .pending;
    expect(pending.map((p) => p.requestId)).toContain(requestId);

    const approved = await cli(['devices', 'approve', requestId]);
    expect(approved.stdout).toContain('Approved');
    await expect
      .poll(() => watcher.events.some((e) => e.event === 'device.pair.resolved'))
      .toBe(true);

    // Reconnect with the shared token: paired now, a device token is issued and stored.
    const second = await connect({ ...base, token: TEST_TOKEN });
    const auth = second.hello.auth as { deviceToken?: string };
    expect(auth.deviceToken).toBeTruthy();
    await second.client.stopAndWait();

    // Reconnect with no shared secret at all: the stored device token is enough.
    const third = await connect({ ...base });
    const health = await third.client.request<{ ok: boolean }>('health', {});
    expect(health.ok).toBe(true);
    await third.client.stopAndWait();

    const paired = JSON.parse((await cli(['devices', 'list', '--json'])).stdout) as {
      paired: Array<{ deviceId: string; clientId?: string }>;
    };
    const deviceId = paired.paired.find((d) => d.clientId === 'gateway-client')!.deviceId;
    await cli(['devices', 'revoke', '--device', deviceId, '--role', 'operator']);

    await expect(connect({ ...base })).rejects.toMatchObject({
      details: expect.objectContaining({ code: 'AUTH_DEVICE_TOKEN_MISMATCH' }),
    });
    await watcher.client.stopAndWait();
  }, 60_000);
});

describe('config over RPC', () => {
  it('redacts secrets, enforces baseHash, and keeps secrets on a redacted round trip', async () => {
    const { client } = await connect({ token: TEST_TOKEN, scopes: ['operator.admin'] });
    const view = await client.request<{
      raw: string;
      hash: string;
      config: { gateway: { auth: { token: string } } };
    }>('config.get', {});
    expect(view.config.gateway.auth.token).toBe('__OPENCLAW_REDACTED__');
    expect(view.raw).not.toContain(TEST_TOKEN);

    await expect(
      client.request('config.patch', { raw: '{ logging: { level: "debug" } }', baseHash: 'stale' }),
    ).rejects.toMatchObject({
      details: expect.objectContaining({ code: 'CONFIG_CONFLICT' }),
    });

    await client.request('config.set', { raw: view.raw, baseHash: view.hash });
    const onDisk = await fs.readFile(gw.paths.configPath, 'utf8');
    expect(onDisk).toContain(TEST_TOKEN);

    const invalid = client.request('config.patch', { raw: '{ gateway: { bind: "0.0.0.0" } }' });
    await expect(invalid).rejects.toMatchObject({
      details: expect.objectContaining({ code: 'CONFIG_INVALID' }),
    });
    await client.stopAndWait();
  });

  it('tails the gateway log without the token', async () => {
    const { client } = await connect({ token: TEST_TOKEN, scopes: ['operator.read'] });
    const tail = await client.request<{ lines: string[]; cursor: number }>('logs.tail', {
      limit: 200,
    });
    expect(tail.lines.length).toBeGreaterThan(0);
    expect(tail.lines.join('\n')).not.toContain(TEST_TOKEN);
    await client.stopAndWait();
  });
});
