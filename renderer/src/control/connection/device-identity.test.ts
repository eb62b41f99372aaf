// @vitest-environment node
/**
 * The device identity with Node's WebCrypto (Ed25519, same API as browsers). Checked against an
 * independent implementation (node:crypto), so "derived id" and "valid signature" mean what the
 * gateway will compute, not what this module believes.
 */
import { createHash, createPublicKey, verify } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { buildDeviceAuthPayloadV3 } from '@openclaw/gateway-client/browser';
import {
  loadOrCreateDeviceIdentity,
  memoryIdentityStore,
  type DeviceIdentityStore,
} from './device-identity.js';
import { LOCAL_IDENTITY_KEY, localStorageIdentityStore } from './identity-stores.js';

function mapStorage(): Storage & { map: Map<string, string> } {
  const map = new Map<string, string>();
  return {
    map,
    get length() {
      return map.size;
    },
    clear: () => map.clear(),
    getItem: (k: string) => map.get(k) ?? null,
    key: (i: number) => [...map.keys()][i] ?? null,
    removeItem: (k: string) => void map.delete(k),
    setItem: (k: string, v: string) => void map.set(k, String(v)),
  };
}

function rawPublicKey(publicKeyB64Url: string): Buffer {
  return Buffer.from(publicKeyB64Url, 'base64url');
}

function verifySignature(
  publicKeyB64Url: string,
  payload: string,
  signatureB64Url: string,
): boolean {
  const key = createPublicKey({
    key: { kty: 'OKP', crv: 'Ed25519', x: publicKeyB64Url },
    format: 'jwk',
  });
  return verify(null, Buffer.from(payload, 'utf8'), key, Buffer.from(signatureB64Url, 'base64url'));
}

describe('device identity', () => {
  it('derives deviceId as hex SHA-256 of the raw 32-byte public key and signs verifiably', async () => {
    const identity = await loadOrCreateDeviceIdentity(memoryIdentityStore());
    const raw = rawPublicKey(identity.publicKey);
    expect(raw).toHaveLength(32);
    expect(identity.publicKey).toMatch(/^[A-Za-z0-9_-]{43}$/); // base64url, no padding
    expect(identity.deviceId).toBe(createHash('sha256').update(raw).digest('hex'));

    const payload = buildDeviceAuthPayloadV3({
      deviceId: identity.deviceId,
      clientId: 'openclaw-control-ui',
      clientMode: 'webchat',
      role: 'operator',
      scopes: ['operator.admin'],
      signedAtMs: 1_700_000_000_000,
      token: 'tok',
      nonce: 'n-1',
      platform: 'web',
    });
    const signature = await identity.sign(payload);
    expect(verifySignature(identity.publicKey, payload, signature)).toBe(true);
    expect(verifySignature(identity.publicKey, `${payload}x`, signature)).toBe(false);
  });

  it('keeps the private key non-extractable when the store can hold CryptoKeys', async () => {
    const store = memoryIdentityStore();
    await loadOrCreateDeviceIdentity(store);
    const stored = await store.load();
    expect(stored?.privateKey.extractable).toBe(false);
    await expect(crypto.subtle.exportKey('jwk', stored!.privateKey)).rejects.toThrow();
  });

  it('persists in localStorage: a second page load gets the same device', async () => {
    const storage = mapStorage();
    const first = await loadOrCreateDeviceIdentity(localStorageIdentityStore(storage));
    expect(storage.map.has(LOCAL_IDENTITY_KEY)).toBe(true);
    const second = await loadOrCreateDeviceIdentity(localStorageIdentityStore(storage));
    expect(second.deviceId).toBe(first.deviceId);
    expect(second.publicKey).toBe(first.publicKey);
    // The re-imported key signs for the same public key, and is not extractable in memory.
    const sig = await second.sign('hello');
    expect(verifySignature(first.publicKey, 'hello', sig)).toBe(true);
    const reloaded = await localStorageIdentityStore(storage).load();
    expect(reloaded?.privateKey.extractable).toBe(false);
  });

  it('replaces a stored record whose id does not belong to its key', async () => {
    const storage = mapStorage();
    const first = await loadOrCreateDeviceIdentity(localStorageIdentityStore(storage));
    const record = JSON.parse(storage.map.get(LOCAL_IDENTITY_KEY)!) as Record<string, unknown>;
    storage.map.set(LOCAL_IDENTITY_KEY, JSON.stringify({ ...record, deviceId: 'f'.repeat(64) }));
    const next = await loadOrCreateDeviceIdentity(localStorageIdentityStore(storage));
    expect(next.deviceId).not.toBe('f'.repeat(64));
    expect(next.deviceId).toBe(
      createHash('sha256').update(rawPublicKey(next.publicKey)).digest('hex'),
    );
    expect(next.publicKey).not.toBe(first.publicKey);
  });

  it('ignores garbage in storage and starts a fresh identity', async () => {
    const storage = mapStorage();
    storage.setItem(LOCAL_IDENTITY_KEY, '{not json');
    const identity = await loadOrCreateDeviceIdentity(localStorageIdentityStore(storage));
    expect(identity.deviceId).toMatch(/^[0-9a-f]{64}$/);
    expect(JSON.parse(storage.getItem(LOCAL_IDENTITY_KEY)!)).toMatchObject({
      version: 1,
      deviceId: identity.deviceId,
    });
  });

  it('two tabs racing on first start end up with the same device', async () => {
    // A store whose load() sees nothing for both tabs, but whose saveIfAbsent() lets one win.
    const inner = memoryIdentityStore();
    const racing: DeviceIdentityStore = { ...inner, load: async () => null };
    const [a, b] = await Promise.all([
      loadOrCreateDeviceIdentity(racing),
      loadOrCreateDeviceIdentity(racing),
    ]);
    expect(a.deviceId).toBe(b.deviceId);
  });

  it('explains what to do when WebCrypto is missing (insecure context)', async () => {
    const original = globalThis.crypto;
    Object.defineProperty(globalThis, 'crypto', { value: undefined, configurable: true });
    try {
      await expect(loadOrCreateDeviceIdentity(memoryIdentityStore())).rejects.toThrow(
        /secure context/,
      );
    } finally {
      Object.defineProperty(globalThis, 'crypto', { value: original, configurable: true });
    }
  });
});
