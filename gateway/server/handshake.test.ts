import { randomUUID } from 'node:crypto';
import { HelloOkSchema } from '@openclaw/gateway-protocol/schema';
import { Value } from 'typebox/value';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  generateDeviceIdentity,
  publicKeyRawBase64UrlFromPem,
  signDevicePayload,
  buildDeviceAuthPayload,
} from '../pairing/device-crypto.js';
import {
  RawClient,
  startTestGateway,
  TEST_TOKEN,
  type TestGateway,
} from '../testing/test-gateway.js';

let gw: TestGateway;

beforeAll(async () => {
  gw = await startTestGateway({}, { handshakeTimeoutMs: 1500 });
});

afterAll(async () => {
  await gw.stop();
});

describe('handshake', () => {
  it('sends a challenge first and a schema-valid hello-ok for a token client', async () => {
    const client = await RawClient.open(gw.url);
    const challenge = await client.challenge();
    expect(challenge.nonce).toMatch(/^[0-9a-f-]{36}$/);
    const res = await client.connect();
    expect(res.ok).toBe(true);
    const hello = res.payload as Record<string, unknown>;
    expect(hello.type).toBe('hello-ok');
    expect(hello.protocol).toBe(4);
    expect(Value.Check(HelloOkSchema, hello)).toBe(true);
    expect((hello.features as { methods: string[] }).methods).toContain('device.pair.approve');
    client.close();
  });

  it('answers health over the socket and numbers events per connection', async () => {
    const client = await RawClient.open(gw.url);
    await client.connect();
    const res = await client.request('h1', 'health');
    expect(res.ok).toBe(true);
    expect(res.payload?.ok).toBe(true);
    client.close();
  });

  it('refuses a wrong token with AUTH_TOKEN_MISMATCH and close 1008', async () => {
    const client = await RawClient.open(gw.url);
    const res = await client.connect({ auth: { token: 'wrong-token' } });
    expect(res.ok).toBe(false);
    expect(res.error?.details?.code).toBe('AUTH_TOKEN_MISMATCH');
    expect(res.error?.details?.recommendedNextStep).toBe('update_auth_credentials');
    const closed = await client.closed;
    expect(closed.code).toBe(1008);
    expect(closed.reason).toContain('unauthorized: gateway token mismatch');
  });

  it('refuses a missing token with AUTH_TOKEN_MISSING', async () => {
    const client = await RawClient.open(gw.url);
    const res = await client.connect({ auth: undefined });
    expect(res.error?.details?.code).toBe('AUTH_TOKEN_MISSING');
    expect((await client.closed).code).toBe(1008);
  });

  it('closes 1002 on a protocol mismatch with the expected version in the details', async () => {
    const client = await RawClient.open(gw.url);
    const res = await client.connect({ minProtocol: 3, maxProtocol: 3 });
    expect(res.error?.details).toMatchObject({ code: 'PROTOCOL_MISMATCH', expectedProtocol: 4 });
    expect((await client.closed).code).toBe(1002);
  });

  it('requires connect as the first request', async () => {
    const client = await RawClient.open(gw.url);
    await client.challenge();
    const res = await client.request('x', 'health');
    expect(res.error?.message).toContain('first request must be connect');
    expect((await client.closed).code).toBe(1008);
  });

  it('closes 1008 on a non-JSON first frame and 1009 on an oversized pre-auth frame', async () => {
    const garbage = await RawClient.open(gw.url);
    await garbage.challenge();
    garbage.send('not json');
    expect((await garbage.closed).code).toBe(1008);

    const big = await RawClient.open(gw.url);
    await big.challenge();
    big.send('x'.repeat(70 * 1024));
    // ws itself refuses it from the frame header (the server's pre-auth maxPayload), so the close
    // carries ws's code without a reason text.
    const closed = await big.closed;
    expect(closed.code).toBe(1009);
  });

  it('closes a socket that never sends connect', async () => {
    const client = await RawClient.open(gw.url);
    await client.challenge();
    const closed = await client.closed;
    expect(closed.code).toBe(1000);
  });

  it('rejects invalid connect params with the schema problem', async () => {
    const client = await RawClient.open(gw.url);
    const res = await client.connect({
      client: { id: 'not-a-client', version: '1', platform: 'x', mode: 'backend' },
    });
    expect(res.ok).toBe(false);
    expect(res.error?.message).toContain('invalid connect params');
  });
});

describe('requests after hello', () => {
  it('returns unknown method and missing scope errors without closing', async () => {
    const client = await RawClient.open(gw.url);
    await client.connect({ scopes: ['operator.read'] });
    const unknown = await client.request('u', 'nope.method');
    expect(unknown.error?.message).toBe('unknown method: nope.method');
    const forbidden = await client.request('f', 'config.get');
    expect(forbidden.error?.code).toBe('FORBIDDEN');
    expect(forbidden.error?.details).toMatchObject({
      code: 'MISSING_SCOPE',
      missingScope: 'operator.admin',
    });
    const ok = await client.request('s', 'status');
    expect(ok.ok).toBe(true);
    client.close();
  });

  it('gives invalid frames an INVALID_REQUEST response and keeps the socket', async () => {
    const client = await RawClient.open(gw.url);
    await client.connect();
    client.send('{"broken"');
    const res = await client.next((f) => f.type === 'res' && f.id === 'invalid');
    expect(res.error?.code).toBe('INVALID_REQUEST');
    const ok = await client.request('after', 'health');
    expect(ok.ok).toBe(true);
    client.close();
  });

  it('validates method params with the protocol schemas', async () => {
    const client = await RawClient.open(gw.url);
    await client.connect();
    const res = await client.request('bad', 'device.pair.approve', { nope: 1 });
    expect(res.ok).toBe(false);
    expect(res.error?.message).toContain('invalid device.pair.approve params');
    // `scopes` (narrowing an approval) is this gateway's extension; still validated.
    const narrowed = await client.request('n', 'device.pair.approve', {
      requestId: 'nope',
      scopes: ['operator.read'],
    });
    expect((narrowed.error?.details as { code?: string } | undefined)?.code).toBe(
      'PAIRING_NOT_FOUND',
    );
    const bad = await client.request('b', 'device.pair.approve', { requestId: 'x', scopes: 5 });
    expect(bad.error?.message).toContain('scopes must be a list');
    client.close();
  });

  it('clears self-declared scopes of a device-less client that is not local-direct', async () => {
    const client = await RawClient.open(gw.url, { 'X-Forwarded-For': '203.0.113.9' });
    const res = await client.connect({ scopes: ['operator.admin'] });
    expect(res.ok).toBe(true);
    expect((res.payload?.auth as { scopes: string[] }).scopes).toEqual([]);
    const denied = await client.request('c', 'config.get');
    expect(denied.error?.code).toBe('FORBIDDEN');
    client.close();
  });
});

describe('browser origins', () => {
  it('refuses a foreign origin with 403 before the upgrade (no challenge is ever sent)', async () => {
    await expect(RawClient.open(gw.url, { Origin: 'http://evil.test' })).rejects.toThrow(
      'HTTP 403',
    );
    await expect(RawClient.open(gw.url, { Origin: 'null' })).rejects.toThrow('HTTP 403');
  });

  it('accepts the gateway’s own loopback origin', async () => {
    const client = await RawClient.open(gw.url, { Origin: `http://127.0.0.1:${gw.port}` });
    expect((await client.challenge()).nonce).toBeTruthy();
    client.close();
  });

  it('requires a device identity for the Control UI', async () => {
    const client = await RawClient.open(gw.url, { Origin: `http://127.0.0.1:${gw.port}` });
    const res = await client.connect({
      client: { id: 'openclaw-control-ui', version: '1', platform: 'web', mode: 'webchat' },
    });
    expect(res.error?.details?.code).toBe('CONTROL_UI_DEVICE_IDENTITY_REQUIRED');
  });
});

describe('device identity', () => {
  async function signedConnect(
    client: RawClient,
    mutate: (p: Record<string, unknown>) => void = () => {},
  ) {
    const { nonce, ts } = await client.challenge();
    const identity = generateDeviceIdentity();
    const scopes = ['operator.read'];
    const payload = buildDeviceAuthPayload({
      version: 'v3',
      deviceId: identity.deviceId,
      clientId: 'gateway-client',
      clientMode: 'backend',
      role: 'operator',
      scopes,
      signedAtMs: ts,
      token: TEST_TOKEN,
      nonce,
      platform: 'linux',
    });
    const params: Record<string, unknown> = {
      minProtocol: 4,
      maxProtocol: 4,
      client: { id: 'gateway-client', version: 'test', platform: 'linux', mode: 'backend' },
      role: 'operator',
      scopes,
      auth: { token: TEST_TOKEN },
      device: {
        id: identity.deviceId,
        publicKey: publicKeyRawBase64UrlFromPem(identity.publicKeyPem),
        signature: signDevicePayload(identity.privateKeyPem, payload),
        signedAt: ts,
        nonce,
      },
    };
    mutate(params);
    return client.request(randomUUID(), 'connect', params);
  }

  it('pairs a local direct device silently and issues a device token', async () => {
    const client = await RawClient.open(gw.url);
    const res = await signedConnect(client);
    expect(res.ok).toBe(true);
    const auth = res.payload?.auth as { deviceToken?: string; scopes: string[] };
    expect(auth.deviceToken).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(auth.scopes).toEqual(['operator.read']);
    client.close();
  });

  it('refuses a tampered signature, a stale nonce and a mismatched id', async () => {
    const cases: Array<[(p: Record<string, unknown>) => void, string]> = [
      [
        (p) => ((p.device as Record<string, unknown>).signature = 'A'.repeat(86)),
        'DEVICE_AUTH_SIGNATURE_INVALID',
      ],
      [
        (p) => ((p.device as Record<string, unknown>).nonce = randomUUID()),
        'DEVICE_AUTH_NONCE_MISMATCH',
      ],
      [
        (p) => ((p.device as Record<string, unknown>).id = 'f'.repeat(64)),
        'DEVICE_AUTH_DEVICE_ID_MISMATCH',
      ],
      [
        (p) => ((p.device as Record<string, unknown>).signedAt = Date.now() - 10 * 60_000),
        'DEVICE_AUTH_SIGNATURE_EXPIRED',
      ],
    ];
    for (const [mutate, code] of cases) {
      const client = await RawClient.open(gw.url);
      const res = await signedConnect(client, mutate);
      expect(res.ok, code).toBe(false);
      expect(res.error?.details?.code).toBe(code);
      expect((await client.closed).code).toBe(1008);
    }
  });
});

describe('rate limiting', () => {
  it('locks a browser origin out after repeated failures while a clean local CLI still connects', async () => {
    const origin = `http://localhost:${gw.port}`;
    for (let i = 0; i < 10; i += 1) {
      const client = await RawClient.open(gw.url, { Origin: origin });
      const res = await client.connect({ auth: { token: `wrong-${i}` } });
      expect(res.error?.details?.code).toBe('AUTH_TOKEN_MISMATCH');
      await client.closed;
    }
    const locked = await RawClient.open(gw.url, { Origin: origin });
    const res = await locked.connect();
    expect(res.error?.details?.code).toBe('AUTH_RATE_LIMITED');
    expect((res.error as { retryAfterMs?: number }).retryAfterMs).toBeGreaterThan(0);

    const cli = await RawClient.open(gw.url);
    const ok = await cli.connect();
    expect(ok.ok).toBe(true);
    cli.close();
  });
});
