import { randomUUID } from 'node:crypto';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { GatewayClient } from '@openclaw/gateway-client';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { resolveStatePaths, type StatePaths } from '../config/paths.js';
import {
  clearDeviceAuthToken,
  createGatewayClientHostDeps,
  loadDeviceAuthToken,
  loadOrCreateDeviceIdentity,
  storeDeviceAuthToken,
} from './client-identity-store.js';
import { generateDeviceIdentity, publicKeyRawBase64UrlFromPem } from './device-crypto.js';
import { PairingStore } from './pairing-store.js';
import { verifyConnectDevice } from './verify-device-auth.js';

let dir: string;
let paths: StatePaths;

beforeEach(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'openclaw-identity-'));
  paths = resolveStatePaths({ OPENCLAW_STATE_DIR: dir, OPENCLAW_HOME: dir });
});

afterEach(async () => {
  await fs.rm(dir, { recursive: true, force: true });
});

async function readJson(file: string): Promise<Record<string, unknown>> {
  return JSON.parse(await fs.readFile(file, 'utf8')) as Record<string, unknown>;
}

async function expectMode600(file: string): Promise<void> {
  if (process.platform === 'win32') return;
  expect((await fs.stat(file)).mode & 0o777).toBe(0o600);
}

describe('device identity file', () => {
  it('is created once, 0600, in the upstream format, and reused', async () => {
    const first = loadOrCreateDeviceIdentity(paths);
    expect(await readJson(paths.deviceIdentityPath)).toEqual({
      version: 1,
      deviceId: first.deviceId,
      publicKeyPem: first.publicKeyPem,
      privateKeyPem: first.privateKeyPem,
      createdAtMs: first.createdAtMs,
    });
    await expectMode600(paths.deviceIdentityPath);
    expect(loadOrCreateDeviceIdentity(paths)).toEqual(first);
  });

  it('re-derives the device id from the key', async () => {
    const identity = loadOrCreateDeviceIdentity(paths);
    const file = await readJson(paths.deviceIdentityPath);
    await fs.writeFile(paths.deviceIdentityPath, JSON.stringify({ ...file, deviceId: 'forged' }));
    expect(loadOrCreateDeviceIdentity(paths).deviceId).toBe(identity.deviceId);
    expect((await readJson(paths.deviceIdentityPath)).deviceId).toBe(identity.deviceId);
  });

  it('sets a corrupt or mismatched file aside and makes a new identity', async () => {
    await fs.mkdir(path.dirname(paths.deviceIdentityPath), { recursive: true });
    await fs.writeFile(paths.deviceIdentityPath, '{ not json');
    const fresh = loadOrCreateDeviceIdentity(paths);
    expect(fresh.deviceId).toMatch(/^[0-9a-f]{64}$/);

    // keys that do not belong together are as bad as garbage
    const other = generateDeviceIdentity();
    await fs.writeFile(
      paths.deviceIdentityPath,
      JSON.stringify({ ...fresh, publicKeyPem: other.publicKeyPem }),
    );
    const again = loadOrCreateDeviceIdentity(paths);
    expect(again.deviceId).not.toBe(fresh.deviceId);
    expect(again.deviceId).not.toBe(other.deviceId);

    const aside = (await fs.readdir(path.dirname(paths.deviceIdentityPath))).filter((f) =>
      f.startsWith('device.json.corrupt-'),
    );
    expect(aside.length).toBeGreaterThanOrEqual(1);
    const contents = await Promise.all(
      aside.map((f) => fs.readFile(path.join(path.dirname(paths.deviceIdentityPath), f), 'utf8')),
    );
    expect(contents.some((c) => c.includes(other.publicKeyPem.split('\n')[1]!))).toBe(true);
  });
});

describe('device token cache', () => {
  it('stores, loads and clears per role in the upstream format', async () => {
    const { deviceId } = loadOrCreateDeviceIdentity(paths);
    expect(loadDeviceAuthToken(paths, { deviceId, role: 'operator' })).toBeNull();
    storeDeviceAuthToken(paths, {
      deviceId,
      role: 'operator',
      token: 't1',
      scopes: ['operator.read'],
    });
    storeDeviceAuthToken(paths, { deviceId, role: 'node', token: 't2', scopes: [] });

    const file = await readJson(paths.deviceAuthPath);
    expect(file).toEqual({
      version: 1,
      deviceId,
      tokens: {
        operator: {
          token: 't1',
          role: 'operator',
          scopes: ['operator.read'],
          updatedAtMs: expect.any(Number) as number,
        },
        node: { token: 't2', role: 'node', scopes: [], updatedAtMs: expect.any(Number) as number },
      },
    });
    await expectMode600(paths.deviceAuthPath);

    expect(loadDeviceAuthToken(paths, { deviceId, role: 'operator' })).toMatchObject({
      token: 't1',
      scopes: ['operator.read'],
    });
    clearDeviceAuthToken(paths, { deviceId, role: 'operator' });
    expect(loadDeviceAuthToken(paths, { deviceId, role: 'operator' })).toBeNull();
    expect(loadDeviceAuthToken(paths, { deviceId, role: 'node' })).toMatchObject({ token: 't2' });
  });

  it('ignores tokens cached for another identity and starts over for a new one', async () => {
    storeDeviceAuthToken(paths, { deviceId: 'old', role: 'operator', token: 'stale' });
    expect(loadDeviceAuthToken(paths, { deviceId: 'new', role: 'operator' })).toBeNull();
    storeDeviceAuthToken(paths, { deviceId: 'new', role: 'node', token: 'fresh' });
    const file = await readJson(paths.deviceAuthPath);
    expect(file.deviceId).toBe('new');
    expect(Object.keys(file.tokens as object)).toEqual(['node']);
  });
});

describe('as host deps of the reference client', () => {
  type Assembled = {
    params: {
      client: { id: string; mode: string; platform: string; deviceFamily?: string };
      role: string;
      scopes: string[];
      auth?: { token?: string; deviceToken?: string; bootstrapToken?: string };
      device: { id: string; publicKey: string; signature: string; signedAt: number; nonce: string };
    };
  };

  function connectParams(client: GatewayClient, nonce: string, signedAtMs: number) {
    // The client's own connect assembly (normally run on connect.challenge), called directly so
    // no socket is needed.
    const assemble = (
      client as unknown as {
        assembleConnectParams(p: { role: string; nonce: string; signedAtMs: number }): Assembled;
      }
    ).assembleConnectParams.bind(client);
    return assemble({ role: 'operator', nonce, signedAtMs }).params;
  }

  it('signs connects our verifier accepts, with the shared token and then the stored device token', async () => {
    const hostDeps = createGatewayClientHostDeps(paths);
    const identity = loadOrCreateDeviceIdentity(paths);
    const now = Date.now();

    const withShared = new GatewayClient({
      clientName: 'cli',
      mode: 'cli',
      platform: 'Linux',
      deviceFamily: 'Server',
      scopes: ['operator.admin', 'operator.pairing'],
      token: 'shared-token',
      hostDeps,
    });
    const nonce = randomUUID();
    const params = connectParams(withShared, nonce, now);
    expect(params.device.id).toBe(identity.deviceId);
    expect(params.device.publicKey).toBe(publicKeyRawBase64UrlFromPem(identity.publicKeyPem));
    const verified = verifyConnectDevice({
      device: params.device,
      expectedNonce: nonce,
      client: params.client,
      role: params.role,
      scopes: params.scopes,
      signatureToken: params.auth?.token ?? params.auth?.deviceToken ?? params.auth?.bootstrapToken,
      nowMs: now,
    });
    expect(verified).toMatchObject({ ok: true, deviceId: identity.deviceId, payloadVersion: 'v3' });

    // Pair it, cache the issued token the way the client does after hello-ok, reconnect with it.
    const pairing = new PairingStore(paths);
    const { request } = await pairing.requestPairing({
      deviceId: identity.deviceId,
      publicKey: params.device.publicKey,
      role: 'operator',
      scopes: params.scopes,
      reason: 'not-paired',
    });
    const { token } = await pairing.approve(request.requestId);
    hostDeps.storeDeviceAuthToken({
      deviceId: identity.deviceId,
      role: 'operator',
      token: token.token,
      scopes: token.scopes,
    });

    const withDeviceToken = new GatewayClient({
      clientName: 'cli',
      mode: 'cli',
      platform: 'Linux',
      deviceFamily: 'Server',
      hostDeps,
    });
    const nonce2 = randomUUID();
    const again = connectParams(withDeviceToken, nonce2, now);
    expect(again.auth?.token).toBe(token.token);
    expect(again.scopes).toEqual(token.scopes);
    const signatureToken = again.auth?.token ?? again.auth?.deviceToken;
    expect(
      verifyConnectDevice({
        device: again.device,
        expectedNonce: nonce2,
        client: again.client,
        role: again.role,
        scopes: again.scopes,
        signatureToken,
        nowMs: now,
      }),
    ).toMatchObject({ ok: true });
    expect(
      await pairing.verifyDeviceToken(identity.deviceId, 'operator', signatureToken!, again.scopes),
    ).toEqual({ ok: true });
  });
});
