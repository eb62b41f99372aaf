/**
 * This browser's device identity for the gateway: one Ed25519 key pair made with WebCrypto the
 * first time and kept. `deviceId` = hex SHA-256 of the raw 32-byte public key, `publicKey` = that
 * key in base64url — what the gateway derives and pins when the device is paired. The private key
 * is non-extractable wherever the store allows it (IndexedDB keeps CryptoKey objects as they are),
 * so page script can sign with it but never read it out.
 *
 * Runs unchanged in Node 20+ (its `globalThis.crypto` supports Ed25519), which is how it is tested.
 */
import type { GatewayBrowserDeviceIdentity } from '@openclaw/gateway-client/browser';
import { base64UrlToBytes, bytesToBase64Url, bytesToHex, utf8 } from './encoding.js';

const ED25519 = { name: 'Ed25519' } as const;

export interface StoredDeviceIdentity {
  deviceId: string;
  /** base64url of the raw 32-byte public key. */
  publicKey: string;
  privateKey: CryptoKey;
  createdAtMs: number;
}

/** Made by `generateKeyPair`; a store persists it (and may re-import the private key). */
export interface NewDeviceIdentity extends StoredDeviceIdentity {
  keyPair: CryptoKeyPair;
}

/** Where the identity lives. One per browser profile; every tab shares it. */
export interface DeviceIdentityStore {
  readonly kind: 'indexeddb' | 'local-storage' | 'memory';
  /** Local storage can only hold exported keys, so it needs an extractable pair to save. */
  readonly needsExtractableKey: boolean;
  load(): Promise<StoredDeviceIdentity | null>;
  /**
   * Save `identity` unless another tab saved one first; returns the identity that is stored
   * afterwards (the winner), so two tabs racing on first start end up with the same device.
   */
  saveIfAbsent(identity: NewDeviceIdentity): Promise<StoredDeviceIdentity>;
  clear(): Promise<void>;
}

export interface DeviceIdentity extends GatewayBrowserDeviceIdentity {
  createdAtMs: number;
  /** Where it is kept, for the diagnostics line on the pairing screen. */
  storage: DeviceIdentityStore['kind'];
}

export async function deriveDeviceId(
  subtle: SubtleCrypto,
  rawPublicKey: Uint8Array,
): Promise<string> {
  const digest = await subtle.digest('SHA-256', rawPublicKey as BufferSource);
  return bytesToHex(new Uint8Array(digest));
}

/** Does `identity.deviceId` belong to `identity.publicKey`? (A hand-edited or torn record does not.) */
export async function isConsistentIdentity(
  subtle: SubtleCrypto,
  identity: Pick<StoredDeviceIdentity, 'deviceId' | 'publicKey'>,
): Promise<boolean> {
  const raw = base64UrlToBytes(identity.publicKey);
  if (!raw || raw.length !== 32) return false;
  return (await deriveDeviceId(subtle, raw)) === identity.deviceId;
}

export async function generateDeviceIdentity(
  subtle: SubtleCrypto,
  options: { extractable: boolean; now?: () => number },
): Promise<NewDeviceIdentity> {
  const keyPair = (await subtle.generateKey(ED25519, options.extractable, [
    'sign',
    'verify',
  ])) as CryptoKeyPair;
  const raw = new Uint8Array(await subtle.exportKey('raw', keyPair.publicKey));
  return {
    keyPair,
    privateKey: keyPair.privateKey,
    publicKey: bytesToBase64Url(raw),
    deviceId: await deriveDeviceId(subtle, raw),
    createdAtMs: (options.now ?? Date.now)(),
  };
}

export function toSigningIdentity(
  subtle: SubtleCrypto,
  stored: StoredDeviceIdentity,
  storage: DeviceIdentityStore['kind'],
): DeviceIdentity {
  return {
    deviceId: stored.deviceId,
    publicKey: stored.publicKey,
    createdAtMs: stored.createdAtMs,
    storage,
    sign: async (payload: string) =>
      bytesToBase64Url(
        new Uint8Array(
          await subtle.sign(ED25519, stored.privateKey, utf8(payload) as BufferSource),
        ),
      ),
  };
}

/**
 * The identity in `store`, made and saved the first time. A stored record whose id does not match
 * its key is replaced (the gateway would reject it as "device identity mismatch" forever).
 */
export async function loadOrCreateDeviceIdentity(
  store: DeviceIdentityStore,
  options: { subtle?: SubtleCrypto; now?: () => number } = {},
): Promise<DeviceIdentity> {
  const subtle = options.subtle ?? globalThis.crypto?.subtle;
  if (!subtle) {
    throw new DeviceIdentityUnavailableError(
      'This browser offers no WebCrypto here. Open the Control UI over https:// or http://127.0.0.1 (a secure context).',
    );
  }
  const existing = await store.load().catch(() => null);
  if (existing && (await isConsistentIdentity(subtle, existing))) {
    return toSigningIdentity(subtle, existing, store.kind);
  }
  if (existing) await store.clear().catch(() => {});
  let created: NewDeviceIdentity;
  try {
    created = await generateDeviceIdentity(subtle, {
      extractable: store.needsExtractableKey,
      now: options.now,
    });
  } catch (err) {
    throw new DeviceIdentityUnavailableError(
      `This browser cannot make an Ed25519 key (${err instanceof Error ? err.message : String(err)}). Use a current Chrome, Edge, Firefox or Safari.`,
    );
  }
  const saved = await store.saveIfAbsent(created);
  return toSigningIdentity(subtle, saved, store.kind);
}

export class DeviceIdentityUnavailableError extends Error {
  override readonly name = 'DeviceIdentityUnavailableError';
}

/** Keeps the identity for this page only: the fallback when no storage works (private windows). */
export function memoryIdentityStore(): DeviceIdentityStore {
  let value: StoredDeviceIdentity | null = null;
  return {
    kind: 'memory',
    needsExtractableKey: false,
    load: async () => value,
    saveIfAbsent: async (identity) => {
      value ??= {
        deviceId: identity.deviceId,
        publicKey: identity.publicKey,
        privateKey: identity.privateKey,
        createdAtMs: identity.createdAtMs,
      };
      return value;
    },
    clear: async () => {
      value = null;
    },
  };
}
