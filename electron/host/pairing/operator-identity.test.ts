import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  buildDeviceAuthPayload,
  deriveDeviceId,
  signDevicePayload,
  verifyDevicePayload,
} from '../../../gateway/pairing/device-crypto.js';
import {
  DEVICE_TOKEN_SECRET,
  IDENTITY_INFO_FILE,
  loadOrCreateOperatorIdentity,
  PRIVATE_KEY_SECRET,
  readOperatorIdentityInfo,
} from './operator-identity.js';
import { FileSecretStore, type SecretStore } from './secret-store.js';

let dir: string;

beforeEach(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'openclaw-identity-'));
});

afterEach(async () => {
  await fs.rm(dir, { recursive: true, force: true });
});

describe('loadOrCreateOperatorIdentity', () => {
  it('creates a signing identity once and keeps it, with its token, across restarts', async () => {
    const first = await loadOrCreateOperatorIdentity(new FileSecretStore(dir), dir);
    expect(first.deviceId).toBe(deriveDeviceId(Buffer.from(first.publicKeyB64Url, 'base64url')));
    const payload = buildDeviceAuthPayload({
      version: 'v3',
      deviceId: first.deviceId,
      clientId: 'gateway-client',
      clientMode: 'ui',
      role: 'operator',
      scopes: ['operator.read'],
      signedAtMs: 1,
      token: null,
      nonce: 'n',
    });
    const signature = signDevicePayload(first.toDeviceIdentity().privateKeyPem, payload);
    expect(verifyDevicePayload(first.publicKeyB64Url, payload, signature)).toBe(true);

    await first.setDeviceToken({ token: 'device-token-1', scopes: ['operator.read'] });

    // "Restart": new store object, new load.
    const second = await loadOrCreateOperatorIdentity(new FileSecretStore(dir), dir);
    expect(second.deviceId).toBe(first.deviceId);
    expect(second.createdAtMs).toBe(first.createdAtMs);
    expect(second.deviceToken()).toMatchObject({
      token: 'device-token-1',
      role: 'operator',
      scopes: ['operator.read'],
    });

    await second.clearDeviceToken();
    const third = await loadOrCreateOperatorIdentity(new FileSecretStore(dir), dir);
    expect(third.deviceId).toBe(first.deviceId);
    expect(third.deviceToken()).toBeUndefined();
  });

  it('writes the public part for diagnostics, without the private key', async () => {
    const identity = await loadOrCreateOperatorIdentity(new FileSecretStore(dir), dir);
    const info = await readOperatorIdentityInfo(dir);
    expect(info).toMatchObject({
      deviceId: identity.deviceId,
      publicKey: identity.publicKeyB64Url,
    });
    const text = await fs.readFile(path.join(dir, IDENTITY_INFO_FILE), 'utf8');
    expect(text).not.toContain('PRIVATE KEY');
  });

  it('ignores a token stored for another identity and replaces an unusable key', async () => {
    const store = new FileSecretStore(dir);
    await store.set(PRIVATE_KEY_SECRET, 'not a key');
    await store.set(DEVICE_TOKEN_SECRET, JSON.stringify({ deviceId: 'someone-else', token: 't' }));
    const identity = await loadOrCreateOperatorIdentity(store, dir);
    expect(identity.deviceToken()).toBeUndefined();
    expect(await store.get(PRIVATE_KEY_SECRET)).toContain('PRIVATE KEY');
    expect(await store.get(DEVICE_TOKEN_SECRET)).toBeUndefined();
    const again = await loadOrCreateOperatorIdentity(store, dir);
    expect(again.deviceId).toBe(identity.deviceId);
  });

  it('does not throw the key away when the store cannot be read', async () => {
    const original = await loadOrCreateOperatorIdentity(new FileSecretStore(dir), dir);
    const locked: SecretStore = {
      kind: 'os-keychain',
      path: dir,
      get: () => Promise.reject(new Error('keychain locked')),
      set: () => Promise.reject(new Error('keychain locked')),
      delete: () => Promise.reject(new Error('keychain locked')),
    };
    await expect(loadOrCreateOperatorIdentity(locked, dir)).rejects.toThrow('keychain locked');
    const after = await loadOrCreateOperatorIdentity(new FileSecretStore(dir), dir);
    expect(after.deviceId).toBe(original.deviceId);
  });

  it('reports a failed token write to the caller and keeps later writes working', async () => {
    let fail = true;
    const inner = new FileSecretStore(dir);
    const flaky: SecretStore = {
      kind: inner.kind,
      path: inner.path,
      get: (name) => inner.get(name),
      set: (name, value) =>
        fail && name === DEVICE_TOKEN_SECRET
          ? Promise.reject(new Error('disk full'))
          : inner.set(name, value),
      delete: (name) => inner.delete(name),
    };
    const identity = await loadOrCreateOperatorIdentity(flaky, dir);
    await expect(identity.setDeviceToken({ token: 'a', scopes: [] })).rejects.toThrow('disk full');
    fail = false;
    await identity.setDeviceToken({ token: 'b', scopes: [] });
    await identity.flush();
    const reloaded = await loadOrCreateOperatorIdentity(inner, dir);
    expect(reloaded.deviceToken()?.token).toBe('b');
  });
});
