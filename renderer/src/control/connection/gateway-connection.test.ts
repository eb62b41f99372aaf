// @vitest-environment node
/**
 * The connection's state machine against an in-memory gateway: the handshake it sends (signed over
 * the challenge, verified here with node:crypto), and its status through hello, drops, pairing,
 * refusals and the device-token lifecycle.
 */
import { createPublicKey, verify } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { buildDeviceAuthPayloadV3 } from '@openclaw/gateway-client/browser';
import {
  authRefusal,
  FakeGateway,
  helloPayload,
  pairingRefusal,
  type ConnectFrame,
} from './fake-gateway-socket.js';
import { createDeviceTokenStore } from './device-token-store.js';
import { loadOrCreateDeviceIdentity, memoryIdentityStore } from './device-identity.js';
import {
  CONTROL_UI_SCOPES,
  GatewayConnection,
  type GatewayConnectionStatus,
} from './gateway-connection.js';

const URL_ = 'ws://127.0.0.1:18789';

function mapStorage(): Pick<Storage, 'getItem' | 'setItem'> & { map: Map<string, string> } {
  const map = new Map<string, string>();
  return { map, getItem: (k) => map.get(k) ?? null, setItem: (k, v) => void map.set(k, v) };
}

async function waitFor<T>(check: () => T | undefined | false, timeoutMs = 3000): Promise<T> {
  const started = Date.now();
  for (;;) {
    const value = check();
    if (value) return value;
    if (Date.now() - started > timeoutMs) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 5));
  }
}

const connections: GatewayConnection[] = [];

function setup(
  options: {
    token?: string;
    pairingRetryMs?: number;
    storage?: ReturnType<typeof mapStorage>;
  } = {},
) {
  const gateway = new FakeGateway();
  const storage = options.storage ?? mapStorage();
  const identity = loadOrCreateDeviceIdentity(memoryIdentityStore());
  const connection = new GatewayConnection({
    url: URL_,
    token: options.token,
    loadIdentity: () => identity,
    tokenStore: createDeviceTokenStore(URL_, storage),
    createSocket: gateway.factory,
    pairingRetryMs: options.pairingRetryMs ?? 40,
    reconnect: { initialMs: 20, multiplier: 1.5, maxMs: 100 },
  });
  connections.push(connection);
  const states: GatewayConnectionStatus['state'][] = [];
  connection.onStatus((s) => {
    if (states.at(-1) !== s.state) states.push(s.state);
  });
  return { gateway, connection, storage, states, identity };
}

afterEach(() => {
  for (const c of connections.splice(0)) c.stop();
});

function verifyConnectSignature(frame: ConnectFrame): boolean {
  const device = frame.params.device!;
  const payload = buildDeviceAuthPayloadV3({
    deviceId: device.id,
    clientId: frame.params.client.id,
    clientMode: frame.params.client.mode,
    role: frame.params.role,
    scopes: frame.params.scopes,
    signedAtMs: device.signedAt,
    token: frame.params.auth?.token ?? frame.params.auth?.deviceToken ?? null,
    nonce: device.nonce,
    platform: frame.params.client.platform,
  });
  const key = createPublicKey({
    key: { kty: 'OKP', crv: 'Ed25519', x: device.publicKey },
    format: 'jwk',
  });
  return verify(null, Buffer.from(payload), key, Buffer.from(device.signature, 'base64url'));
}

describe('GatewayConnection', () => {
  it('connects as the Control UI with a device signature over the challenge', async () => {
    const { gateway, connection, states, identity } = setup({ token: 'shared' });
    connection.start();
    await waitFor(() => connection.status.state === 'connected');
    expect(states).toEqual(['connecting', 'connected']);

    const frame = gateway.connects[0]!;
    expect(frame.params.client).toMatchObject({
      id: 'openclaw-control-ui',
      mode: 'webchat',
      platform: 'web',
    });
    expect(frame.params.role).toBe('operator');
    expect(frame.params.scopes).toEqual([...CONTROL_UI_SCOPES]);
    expect(frame.params.auth?.token).toBe('shared');
    const device = frame.params.device!;
    expect(device.id).toBe((await identity).deviceId);
    expect(device.nonce).toBe(frame.nonce);
    expect(device.signedAt).toBe(frame.ts); // signed with the challenge's ts, not our clock
    expect(verifyConnectSignature(frame)).toBe(true);

    expect(connection.hello).toMatchObject({ serverVersion: '9.9.9-test', uptimeMs: 5000 });
    expect(connection.hello?.presence).toHaveLength(1);
  });

  it('answers requests once connected and refuses them before', async () => {
    const { gateway, connection } = setup({ token: 'shared' });
    await expect(connection.request('health')).rejects.toThrow(/Not connected/);
    gateway.methods.health = () => ({ ok: true, ts: 1 });
    connection.start();
    await waitFor(() => connection.status.state === 'connected');
    await expect(connection.request('health')).resolves.toEqual({ ok: true, ts: 1 });
    await expect(connection.request('nope')).rejects.toThrow(/unknown method/);
  });

  it('shows "disconnected" after a drop and reconnects by itself (with a resync)', async () => {
    const { gateway, connection, states } = setup({ token: 'shared' });
    const resyncs: string[] = [];
    connection.onResync((r) => resyncs.push(r));
    connection.start();
    await waitFor(() => connection.status.state === 'connected');
    gateway.reachable = false;
    gateway.last!.serverClose(1012, 'service restart');
    await waitFor(() => connection.status.state === 'disconnected');
    expect(connection.status).toMatchObject({ state: 'disconnected', code: 1012 });
    await waitFor(() => gateway.sockets.length >= 3); // it keeps trying while the gateway is down
    gateway.reachable = true;
    await waitFor(() => connection.status.state === 'connected');
    expect(states).toEqual(['connecting', 'connected', 'disconnected', 'connected']);
    expect(resyncs).toEqual(['connected', 'connected']);
  });

  it('remembers the shutdown reason the gateway announced', async () => {
    const { gateway, connection } = setup({ token: 'shared' });
    connection.start();
    await waitFor(() => connection.status.state === 'connected');
    gateway.reachable = false;
    gateway.last!.emit('shutdown', { reason: 'gateway stopping' });
    gateway.last!.serverClose(1012, 'service restart');
    const status = await waitFor(() =>
      connection.status.state === 'disconnected' ? connection.status : undefined,
    );
    expect(status).toMatchObject({ shutdownReason: 'gateway stopping' });
  });

  it('waits in pairing-required, retrying every few seconds, and gets in once approved', async () => {
    const { gateway, connection, states, identity } = setup({
      token: 'shared',
      pairingRetryMs: 60,
    });
    let approved = false;
    gateway.answer = () =>
      approved ? { ok: true, payload: helloPayload() } : pairingRefusal('req-42');
    connection.start();
    const pairing = await waitFor(() =>
      connection.status.state === 'pairing-required' ? connection.status : undefined,
    );
    expect(pairing).toMatchObject({
      requestId: 'req-42',
      reason: 'not-paired',
      deviceId: (await identity).deviceId,
    });

    // While pending it asks again on its own (the gateway answers the same id).
    await waitFor(() => gateway.connects.length >= 3);
    expect(connection.status.state).toBe('pairing-required');
    const between = gateway.connects.length;
    expect(between).toBeLessThan(10); // every ~60 ms, not a hot loop

    approved = true;
    await waitFor(() => connection.status.state === 'connected');
    expect(states).toEqual(['connecting', 'pairing-required', 'connected']);
  });

  it('stops on a refusal retrying cannot fix, with the next step', async () => {
    const { gateway, connection } = setup();
    gateway.answer = () => authRefusal('AUTH_TOKEN_MISSING', 'unauthorized: gateway token missing');
    connection.start();
    const failed = await waitFor(() =>
      connection.status.state === 'auth-failed' ? connection.status : undefined,
    );
    expect(failed.problem).toMatchObject({ code: 'AUTH_TOKEN_MISSING', canEnterToken: true });
    expect(failed.problem.nextStep).toMatch(/OpenClaw Desktop/);
    await new Promise((r) => setTimeout(r, 150));
    expect(gateway.sockets).toHaveLength(1); // no retries

    // A pasted token is used from the next attempt on.
    gateway.answer = () => ({ ok: true, payload: helloPayload() });
    connection.setToken('pasted');
    await waitFor(() => connection.status.state === 'connected');
    expect(gateway.connects.at(-1)!.params.auth?.token).toBe('pasted');
  });

  it('keeps the device token from hello and uses it when the page has no shared token', async () => {
    const storage = mapStorage();
    const first = setup({ token: 'shared', storage });
    first.gateway.answer = () => ({
      ok: true,
      payload: helloPayload({
        auth: { deviceToken: 'dev-tok', role: 'operator', scopes: ['operator.admin'] },
      }),
    });
    first.connection.start();
    await waitFor(() => first.connection.status.state === 'connected');
    await waitFor(() => storage.map.size > 0);
    expect(storage.map.get('openclaw.device.auth.v1')).toContain('dev-tok');
    first.connection.stop();

    // Same browser (same identity + storage), no token in the URL this time.
    const gateway = new FakeGateway();
    const again = new GatewayConnection({
      url: URL_,
      loadIdentity: () => first.identity,
      tokenStore: createDeviceTokenStore(URL_, storage),
      createSocket: gateway.factory,
    });
    connections.push(again);
    again.start();
    await waitFor(() => again.status.state === 'connected');
    const frame = gateway.connects[0]!;
    expect(frame.params.auth?.token).toBe('dev-tok');
    expect(verifyConnectSignature(frame)).toBe(true);
  });

  it('drops a device token the gateway no longer accepts and tries once without it', async () => {
    const storage = mapStorage();
    const { gateway, connection, identity } = setup({ storage });
    const deviceId = (await identity).deviceId;
    createDeviceTokenStore(URL_, storage).store({
      clientId: 'openclaw-control-ui',
      deviceId,
      role: 'operator',
      token: 'stale',
      scopes: ['operator.admin'],
    });
    gateway.answer = (frame) =>
      frame.params.auth?.token === 'stale'
        ? authRefusal('AUTH_DEVICE_TOKEN_MISMATCH', 'unauthorized: device token mismatch')
        : authRefusal('AUTH_TOKEN_MISSING', 'unauthorized: gateway token missing');
    connection.start();
    const failed = await waitFor(() =>
      connection.status.state === 'auth-failed' ? connection.status : undefined,
    );
    expect(gateway.connects.map((c) => c.params.auth?.token)).toEqual(['stale', undefined]);
    expect(failed.problem.code).toBe('AUTH_TOKEN_MISSING');
    expect(storage.map.get('openclaw.device.auth.v1')).not.toContain('stale');
  });

  it('waits out a rate limit and then tries again by itself', async () => {
    const { gateway, connection } = setup({ token: 'shared' });
    let first = true;
    gateway.answer = () => {
      if (!first) return { ok: true, payload: helloPayload() };
      first = false;
      return {
        ok: false,
        error: {
          code: 'INVALID_REQUEST',
          message: 'unauthorized: too many failed authentication attempts',
          details: { code: 'AUTH_RATE_LIMITED' },
          retryAfterMs: 1000,
        },
      };
    };
    connection.start();
    const limited = await waitFor(() =>
      connection.status.state === 'auth-failed' ? connection.status : undefined,
    );
    expect(limited.retryAt).not.toBeNull();
    await waitFor(() => connection.status.state === 'connected', 4000);
  });
});
