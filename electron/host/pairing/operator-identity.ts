/**
 * The app's own Ed25519 operator identity. The private key and the device token the gateway
 * issued live in the SecretStore (the OS keychain where there is one); the public part is also
 * written to a small JSON file so diagnostics and the support bundle can name the app's device
 * without unlocking the keychain (which prompts on macOS).
 *
 * The reference client reads and writes device tokens synchronously while it connects, so the
 * token is held in memory here and persisted behind it, in order (`flush()` waits for that).
 */
import { createPrivateKey, createPublicKey } from 'node:crypto';
import path from 'node:path';
import { writeFileAtomic } from '../../../gateway/infra/atomic-write.js';
import { readJsonFile } from '../../../gateway/infra/json-file.js';
import {
  deriveDeviceId,
  generateDeviceIdentity,
  publicKeyRawBase64UrlFromPem,
  rawPublicKeyFromKeyObject,
  type DeviceIdentity,
} from '../../../gateway/pairing/device-crypto.js';
import { OPERATOR_ROLE } from './operator-profile.js';
import type { SecretStore } from './secret-store.js';

export const PRIVATE_KEY_SECRET = 'operator-private-key';
export const DEVICE_TOKEN_SECRET = 'operator-device-token';
export const IDENTITY_INFO_FILE = 'operator-identity.json';

/** The public half, as written to `operator-identity.json`. */
export interface OperatorIdentityInfo {
  version: 1;
  deviceId: string;
  /** base64url of the raw 32-byte key (the wire form the gateway stores). */
  publicKey: string;
  publicKeyPem: string;
  createdAtMs: number;
}

export interface OperatorDeviceToken {
  token: string;
  role: string;
  scopes: string[];
  updatedAtMs: number;
}

interface KeyMaterial {
  deviceId: string;
  publicKeyPem: string;
  publicKeyB64Url: string;
  privateKeyPem: string;
}

/** Parse a stored PKCS#8 key; undefined for anything that is not an Ed25519 private key. */
function keyMaterialFrom(privateKeyPem: string): KeyMaterial | undefined {
  try {
    const privateKey = createPrivateKey(privateKeyPem);
    if (privateKey.asymmetricKeyType !== 'ed25519') return undefined;
    const publicKey = createPublicKey(privateKey);
    const raw = rawPublicKeyFromKeyObject(publicKey);
    return {
      deviceId: deriveDeviceId(raw),
      publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
      publicKeyB64Url: raw.toString('base64url'),
      privateKeyPem,
    };
  } catch {
    return undefined;
  }
}

function parseToken(raw: string | undefined, deviceId: string): OperatorDeviceToken | undefined {
  if (raw === undefined) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null) return undefined;
  const v = value as Record<string, unknown>;
  // A token cached for an earlier identity is worthless for this one.
  if (v.deviceId !== deviceId || typeof v.token !== 'string' || v.token === '') return undefined;
  return {
    token: v.token,
    role: typeof v.role === 'string' ? v.role : OPERATOR_ROLE,
    scopes: Array.isArray(v.scopes)
      ? v.scopes.filter((s): s is string => typeof s === 'string')
      : [],
    updatedAtMs: typeof v.updatedAtMs === 'number' ? v.updatedAtMs : 0,
  };
}

export function parseIdentityInfo(raw: unknown): OperatorIdentityInfo | undefined {
  if (typeof raw !== 'object' || raw === null) return undefined;
  const v = raw as Record<string, unknown>;
  if (
    typeof v.deviceId !== 'string' ||
    typeof v.publicKey !== 'string' ||
    typeof v.publicKeyPem !== 'string'
  ) {
    return undefined;
  }
  return {
    version: 1,
    deviceId: v.deviceId,
    publicKey: v.publicKey,
    publicKeyPem: v.publicKeyPem,
    createdAtMs: typeof v.createdAtMs === 'number' ? v.createdAtMs : 0,
  };
}

/** The public part only, without touching the SecretStore (diagnostics, support bundle). */
export async function readOperatorIdentityInfo(
  dir: string,
): Promise<OperatorIdentityInfo | undefined> {
  return parseIdentityInfo(await readJsonFile<unknown>(path.join(dir, IDENTITY_INFO_FILE), null));
}

export class OperatorIdentity {
  readonly deviceId: string;
  readonly publicKeyPem: string;
  /** base64url of the raw public key: what the gateway stores and compares. */
  readonly publicKeyB64Url: string;
  readonly createdAtMs: number;
  private readonly privateKeyPem: string;
  private token: OperatorDeviceToken | undefined;
  private writes: Promise<void> = Promise.resolve();

  constructor(
    private readonly store: SecretStore,
    keys: KeyMaterial,
    createdAtMs: number,
    token: OperatorDeviceToken | undefined,
    private readonly now: () => number,
  ) {
    this.deviceId = keys.deviceId;
    this.publicKeyPem = keys.publicKeyPem;
    this.publicKeyB64Url = keys.publicKeyB64Url;
    this.privateKeyPem = keys.privateKeyPem;
    this.createdAtMs = createdAtMs;
    this.token = token;
  }

  /** The shape `@openclaw/gateway-client` signs with. */
  toDeviceIdentity(): DeviceIdentity {
    return {
      deviceId: this.deviceId,
      publicKeyPem: this.publicKeyPem,
      privateKeyPem: this.privateKeyPem,
    };
  }

  info(): OperatorIdentityInfo {
    return {
      version: 1,
      deviceId: this.deviceId,
      publicKey: this.publicKeyB64Url,
      publicKeyPem: this.publicKeyPem,
      createdAtMs: this.createdAtMs,
    };
  }

  /** The current device token (synchronous: the reference client asks while connecting). */
  deviceToken(): OperatorDeviceToken | undefined {
    return this.token ? { ...this.token, scopes: [...this.token.scopes] } : undefined;
  }

  /** Takes effect at once in memory; the returned promise settles when it is persisted. */
  setDeviceToken(input: {
    token: string;
    role?: string;
    scopes: readonly string[];
  }): Promise<void> {
    const token: OperatorDeviceToken = {
      token: input.token,
      role: input.role ?? OPERATOR_ROLE,
      scopes: [...input.scopes],
      updatedAtMs: this.now(),
    };
    this.token = token;
    const value = JSON.stringify({ deviceId: this.deviceId, ...token });
    return this.enqueue(() => this.store.set(DEVICE_TOKEN_SECRET, value));
  }

  clearDeviceToken(): Promise<void> {
    this.token = undefined;
    return this.enqueue(() => this.store.delete(DEVICE_TOKEN_SECRET));
  }

  /** Wait until every token change so far is persisted (or has failed). */
  async flush(): Promise<void> {
    await this.writes;
  }

  private enqueue(op: () => Promise<void>): Promise<void> {
    const next = this.writes.then(op);
    // The chain must survive a failed write; the caller still sees the failure.
    this.writes = next.catch(() => {});
    return next;
  }
}

export interface LoadOperatorIdentityOptions {
  now?: () => number;
}

/**
 * Load the app's identity, creating it on first use. A missing or unusable private key means a
 * new identity: that is recoverable without the user (the bootstrap registers the new key), while
 * refusing to start is not. A SecretStore that cannot be read (locked keychain) is an error, not
 * a reason to throw the key away.
 */
export async function loadOrCreateOperatorIdentity(
  store: SecretStore,
  dir: string,
  options: LoadOperatorIdentityOptions = {},
): Promise<OperatorIdentity> {
  const now = options.now ?? Date.now;
  const infoPath = path.join(dir, IDENTITY_INFO_FILE);
  const storedKey = await store.get(PRIVATE_KEY_SECRET);
  let keys = storedKey === undefined ? undefined : keyMaterialFrom(storedKey);
  const info = parseIdentityInfo(await readJsonFile<unknown>(infoPath, null));
  let createdAtMs: number;
  let token: OperatorDeviceToken | undefined;

  if (keys) {
    createdAtMs = info?.deviceId === keys.deviceId ? info.createdAtMs : now();
    token = parseToken(await store.get(DEVICE_TOKEN_SECRET), keys.deviceId);
  } else {
    const fresh = generateDeviceIdentity();
    keys = { ...fresh, publicKeyB64Url: publicKeyRawBase64UrlFromPem(fresh.publicKeyPem) };
    createdAtMs = now();
    // Key first: a crash before the info file is written leaves a usable identity behind.
    await store.set(PRIVATE_KEY_SECRET, keys.privateKeyPem);
    await store.delete(DEVICE_TOKEN_SECRET);
  }

  const identity = new OperatorIdentity(store, keys, createdAtMs, token, now);
  const wanted = identity.info();
  if (
    !info ||
    info.deviceId !== wanted.deviceId ||
    info.publicKey !== wanted.publicKey ||
    info.createdAtMs !== wanted.createdAtMs
  ) {
    await writeFileAtomic(infoPath, `${JSON.stringify(wanted, null, 2)}\n`, { mode: 0o600 });
  }
  return identity;
}
