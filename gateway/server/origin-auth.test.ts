/**
 * Issue 10, findings 2 and 4, with browser-origin sockets and the reference client: the lockout
 * does not reset per spelling of an origin, and only the gateway's own origins (plus configured
 * ones) may open a socket; auth none never pairs a browser silently.
 */
import path from 'node:path';
import { GatewayClient, type GatewayClientOptions } from '@openclaw/gateway-client';
import { afterEach, describe, expect, it } from 'vitest';
import { resolveStatePaths } from '../config/paths.js';
import { createGatewayClientHostDeps } from '../pairing/client-identity-store.js';
import {
  RawClient,
  startTestGateway,
  TEST_TOKEN,
  type TestGateway,
} from '../testing/test-gateway.js';

const running: TestGateway[] = [];

afterEach(async () => {
  for (const gw of running.splice(0)) await gw.stop();
});

async function gateway(config: Record<string, unknown> = {}): Promise<TestGateway> {
  const gw = await startTestGateway(config);
  running.push(gw);
  return gw;
}

/** Resolves with hello-ok or rejects with the connect error; the client is always stopped. */
async function referenceConnect(
  gw: TestGateway,
  options: Partial<GatewayClientOptions>,
): Promise<Record<string, unknown>> {
  const dir = path.join(gw.dir, `client-${Math.random().toString(36).slice(2)}`);
  const deps = {
    ...createGatewayClientHostDeps(resolveStatePaths({ OPENCLAW_STATE_DIR: dir })),
    logDebug: () => {},
    logError: () => {},
  };
  let client: GatewayClient | undefined;
  try {
    return await new Promise((resolve, reject) => {
      client = new GatewayClient({
        url: gw.url,
        requestTimeoutMs: 5000,
        hostDeps: deps,
        ...options,
        onHelloOk: (hello) => resolve(hello as unknown as Record<string, unknown>),
        onConnectError: (err) => reject(err),
      });
      client.start();
    });
  } finally {
    await (client as GatewayClient | undefined)?.stopAndWait();
  }
}

async function failWithOrigin(gw: TestGateway, origin: string): Promise<string | undefined> {
  const client = await RawClient.open(gw.url, { Origin: origin });
  const res = await client.connect({ auth: { token: 'wrong-token' } });
  await client.closed;
  return res.error?.details?.code as string | undefined;
}

describe('failed-auth lockout', () => {
  it('counts every spelling of an origin against one bucket', async () => {
    const gw = await gateway();
    const spellings = [
      `http://localhost:${gw.port}`,
      `HTTP://LOCALHOST:${gw.port}`,
      `http://localhost:${gw.port}/`,
      `http://LocalHost:${gw.port}`,
    ];
    for (let i = 0; i < 10; i += 1) {
      expect(await failWithOrigin(gw, spellings[i % spellings.length]!)).toBe(
        'AUTH_TOKEN_MISMATCH',
      );
    }
    for (const origin of spellings) {
      await expect(
        referenceConnect(gw, { origin, token: TEST_TOKEN, scopes: ['operator.read'] }),
      ).rejects.toMatchObject({ details: expect.objectContaining({ code: 'AUTH_RATE_LIMITED' }) });
    }
  });

  it('counts browser failures per client address too, so another origin does not escape', async () => {
    const gw = await gateway();
    for (let i = 0; i < 10; i += 1) {
      // Alternate the gateway's own origins: each one alone stays under the limit.
      const origin = i % 2 ? `http://localhost:${gw.port}` : `http://127.0.0.1:${gw.port}`;
      expect(await failWithOrigin(gw, origin)).toBe('AUTH_TOKEN_MISMATCH');
    }
    await expect(
      referenceConnect(gw, {
        origin: `http://[::1]:${gw.port}`,
        token: TEST_TOKEN,
        scopes: ['operator.read'],
      }),
    ).rejects.toMatchObject({ details: expect.objectContaining({ code: 'AUTH_RATE_LIMITED' }) });
  });

  it('keeps a locked address locked for a browser origin', async () => {
    const gw = await gateway();
    // Forwarding headers from an untrusted peer: not local-direct, so counted per address.
    for (let i = 0; i < 10; i += 1) {
      const client = await RawClient.open(gw.url, { 'X-Forwarded-For': '203.0.113.5' });
      const res = await client.connect({ auth: { token: `wrong-${i}` } });
      expect(res.error?.details?.code).toBe('AUTH_TOKEN_MISMATCH');
      await client.closed;
    }
    await expect(
      referenceConnect(gw, {
        origin: `http://127.0.0.1:${gw.port}`,
        token: TEST_TOKEN,
        scopes: ['operator.read'],
      }),
    ).rejects.toMatchObject({ details: expect.objectContaining({ code: 'AUTH_RATE_LIMITED' }) });
    // A clean local CLI is still exempt.
    const cli = await RawClient.open(gw.url);
    expect((await cli.connect()).ok).toBe(true);
    cli.close();
  });
});

describe('browser origins', () => {
  it('refuses another local port unless it is configured', async () => {
    const gw = await gateway();
    for (const origin of ['http://localhost:3000', 'http://127.0.0.1:5173', 'http://[::1]:8080']) {
      await expect(RawClient.open(gw.url, { Origin: origin }), origin).rejects.toThrow('HTTP 403');
    }
    const own = await RawClient.open(gw.url, { Origin: `http://localhost:${gw.port}` });
    expect((await own.challenge()).nonce).toBeTruthy();
    own.close();
  });

  it('lets a configured local origin in, next to the gateway’s own', async () => {
    const gw = await gateway({
      gateway: { controlUi: { allowedOrigins: ['http://localhost:3000'] } },
    });
    const listed = await RawClient.open(gw.url, { Origin: 'http://localhost:3000' });
    expect((await listed.challenge()).nonce).toBeTruthy();
    listed.close();
    const own = await RawClient.open(gw.url, { Origin: `http://127.0.0.1:${gw.port}` });
    expect((await own.challenge()).nonce).toBeTruthy();
    own.close();
    await expect(RawClient.open(gw.url, { Origin: 'http://localhost:3001' })).rejects.toThrow(
      'HTTP 403',
    );
  });

  it('with auth none, sends a browser Control UI through pairing instead of pairing it silently', async () => {
    const gw = await gateway({ gateway: { auth: { mode: 'none' } } });
    const origin = `http://127.0.0.1:${gw.port}`;
    await expect(
      referenceConnect(gw, {
        origin,
        clientName: 'openclaw-control-ui',
        mode: 'webchat',
        scopes: ['operator.admin'],
      }),
    ).rejects.toMatchObject({ details: expect.objectContaining({ code: 'PAIRING_REQUIRED' }) });
    // Nothing was attached: no session came out of it.
    expect(gw.gateway.server.presence()).toEqual([]);
  });

  it('still pairs the Control UI silently on loopback once it proves the token', async () => {
    const gw = await gateway();
    const hello = await referenceConnect(gw, {
      origin: `http://127.0.0.1:${gw.port}`,
      clientName: 'openclaw-control-ui',
      mode: 'webchat',
      token: TEST_TOKEN,
      scopes: ['operator.read'],
    });
    expect((hello.auth as { deviceToken?: string }).deviceToken).toBeTruthy();
  });
});
