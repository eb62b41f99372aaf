/**
 * Where the device identity is kept. IndexedDB first: it stores the CryptoKey object itself, so the
 * private key is generated non-extractable and never exists as bytes page script could read.
 * localStorage (as a JWK) only where IndexedDB is missing or refuses to open; memory as the last
 * resort (the device then has to be paired again after a reload, which the pairing screen says).
 */
import { base64UrlToBytes } from './encoding.js';
import {
  memoryIdentityStore,
  type DeviceIdentityStore,
  type NewDeviceIdentity,
  type StoredDeviceIdentity,
} from './device-identity.js';

const DB_NAME = 'openclaw-control';
const DB_VERSION = 1;
const OBJECT_STORE = 'device-identity';
const RECORD_KEY = 'operator';
export const LOCAL_IDENTITY_KEY = 'openclaw.device.identity.v1';

interface IdbRecord {
  version: 1;
  deviceId: string;
  publicKey: string;
  privateKey: CryptoKey;
  createdAtMs: number;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function requestResult<T>(request: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error ?? new Error('IndexedDB request failed'));
  });
}

function openDatabase(factory: IDBFactory): Promise<IDBDatabase> {
  return new Promise((resolve, reject) => {
    const request = factory.open(DB_NAME, DB_VERSION);
    request.onupgradeneeded = () => {
      if (!request.result.objectStoreNames.contains(OBJECT_STORE)) {
        request.result.createObjectStore(OBJECT_STORE);
      }
    };
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error ?? new Error('IndexedDB could not be opened'));
    request.onblocked = () => reject(new Error('IndexedDB is blocked by another tab'));
  });
}

function parseIdbRecord(value: unknown): StoredDeviceIdentity | null {
  if (!isRecord(value) || value.version !== 1) return null;
  const { deviceId, publicKey, privateKey, createdAtMs } = value;
  if (typeof deviceId !== 'string' || typeof publicKey !== 'string') return null;
  if (typeof CryptoKey !== 'undefined' && !(privateKey instanceof CryptoKey)) return null;
  return {
    deviceId,
    publicKey,
    privateKey: privateKey as CryptoKey,
    createdAtMs: typeof createdAtMs === 'number' ? createdAtMs : 0,
  };
}

export async function indexedDbIdentityStore(factory: IDBFactory): Promise<DeviceIdentityStore> {
  const db = await openDatabase(factory);
  const tx = (mode: IDBTransactionMode) =>
    db.transaction(OBJECT_STORE, mode).objectStore(OBJECT_STORE);
  return {
    kind: 'indexeddb',
    needsExtractableKey: false,
    load: async () => parseIdbRecord(await requestResult(tx('readonly').get(RECORD_KEY))),
    saveIfAbsent: async (identity: NewDeviceIdentity) => {
      const record: IdbRecord = {
        version: 1,
        deviceId: identity.deviceId,
        publicKey: identity.publicKey,
        privateKey: identity.privateKey,
        createdAtMs: identity.createdAtMs,
      };
      try {
        // `add` fails when the key exists: the tab that saved first wins, the others adopt it.
        await requestResult(tx('readwrite').add(record, RECORD_KEY));
        return identity;
      } catch {
        const winner = parseIdbRecord(await requestResult(tx('readonly').get(RECORD_KEY)));
        if (!winner) throw new Error('The device identity could not be saved in IndexedDB.');
        return winner;
      }
    },
    clear: async () => {
      await requestResult(tx('readwrite').delete(RECORD_KEY));
    },
  };
}

interface LocalRecord {
  version: 1;
  deviceId: string;
  publicKey: string;
  privateKeyJwk: JsonWebKey;
  createdAtMs: number;
}

/**
 * A JWK in localStorage. Only used without IndexedDB: the key is then readable by page script,
 * which is what the upstream Control UI does everywhere. Re-imported non-extractable for signing.
 */
export function localStorageIdentityStore(
  storage: Pick<Storage, 'getItem' | 'setItem' | 'removeItem'>,
  subtle: SubtleCrypto = globalThis.crypto.subtle,
): DeviceIdentityStore {
  const importPrivate = (jwk: JsonWebKey) =>
    subtle.importKey('jwk', jwk, { name: 'Ed25519' }, false, ['sign']);
  const read = async (): Promise<StoredDeviceIdentity | null> => {
    const text = storage.getItem(LOCAL_IDENTITY_KEY);
    if (!text) return null;
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      return null;
    }
    if (!isRecord(parsed) || parsed.version !== 1) return null;
    const { deviceId, publicKey, privateKeyJwk, createdAtMs } = parsed;
    if (typeof deviceId !== 'string' || typeof publicKey !== 'string' || !isRecord(privateKeyJwk)) {
      return null;
    }
    // The JWK carries its public half (`x`); it must be the key the record names.
    if (privateKeyJwk.x !== publicKey || base64UrlToBytes(publicKey)?.length !== 32) return null;
    try {
      return {
        deviceId,
        publicKey,
        privateKey: await importPrivate(privateKeyJwk as JsonWebKey),
        createdAtMs: typeof createdAtMs === 'number' ? createdAtMs : 0,
      };
    } catch {
      return null;
    }
  };
  return {
    kind: 'local-storage',
    needsExtractableKey: true,
    load: read,
    saveIfAbsent: async (identity) => {
      const current = await read();
      if (current) return current;
      const jwk = await subtle.exportKey('jwk', identity.keyPair.privateKey);
      const record: LocalRecord = {
        version: 1,
        deviceId: identity.deviceId,
        publicKey: identity.publicKey,
        privateKeyJwk: jwk,
        createdAtMs: identity.createdAtMs,
      };
      storage.setItem(LOCAL_IDENTITY_KEY, JSON.stringify(record));
      // Sign with a non-extractable copy from here on.
      return { ...identity, privateKey: await importPrivate(jwk) };
    },
    clear: async () => storage.removeItem(LOCAL_IDENTITY_KEY),
  };
}

/** The best store this browser offers. Never throws: memory is the floor. */
export async function openDefaultIdentityStore(): Promise<DeviceIdentityStore> {
  const factory = typeof indexedDB === 'undefined' ? undefined : indexedDB;
  if (factory) {
    try {
      return await indexedDbIdentityStore(factory);
    } catch {
      // Some private modes refuse IndexedDB; fall through.
    }
  }
  try {
    if (typeof localStorage !== 'undefined') {
      const probe = `${LOCAL_IDENTITY_KEY}.probe`;
      localStorage.setItem(probe, '1');
      localStorage.removeItem(probe);
      return localStorageIdentityStore(localStorage);
    }
  } catch {
    // blocked storage
  }
  return memoryIdentityStore();
}
