/**
 * The CLI's (and the desktop app's) own device identity and its cached device tokens:
 * `<stateDir>/identity/device.json` and `<stateDir>/identity/device-auth.json`, both 0600.
 *
 * Synchronous on purpose: `@openclaw/gateway-client` calls its host deps synchronously
 * (`loadOrCreateDeviceIdentity` runs inside its constructor), so these use fs sync APIs with the
 * same atomic temp-file + rename discipline as the async writers. These files have a single
 * writer at a time in practice (one CLI invocation or the app), so no cross-process lock here.
 */
import { createPrivateKey, createPublicKey, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { GatewayClientHostDeps } from '@openclaw/gateway-client';
import type { StatePaths } from '../config/paths.js';
import { ErrorCode, OpenClawError, systemErrorCode } from '../infra/errors.js';
import {
  deriveDeviceId,
  generateDeviceIdentity,
  publicKeyRawBase64UrlFromPem,
  rawPublicKeyFromKeyObject,
  signDevicePayload,
  type DeviceIdentity,
} from './device-crypto.js';

export type IdentityPaths = Pick<StatePaths, 'deviceIdentityPath' | 'deviceAuthPath'>;

export interface StoredDeviceIdentity extends DeviceIdentity {
  version: 1;
  createdAtMs: number;
}

export interface StoredDeviceAuthToken {
  token: string;
  role: string;
  scopes: string[];
  updatedAtMs: number;
}

export interface DeviceAuthFile {
  version: 1;
  deviceId: string;
  tokens: Record<string, StoredDeviceAuthToken>;
}

type Raw = Record<string, unknown>;

function isObject(value: unknown): value is Raw {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function readText(file: string): string | undefined {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch (err) {
    if (systemErrorCode(err) === 'ENOENT') return undefined;
    throw err;
  }
}

function tempPathFor(file: string): string {
  return path.join(
    path.dirname(file),
    `.${path.basename(file)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`,
  );
}

/** Write a complete 0600 temp file next to `file` and return its path. */
function writeTemp(file: string, value: unknown): string {
  fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  const temp = tempPathFor(file);
  const fd = fs.openSync(temp, 'wx', 0o600);
  try {
    fs.writeFileSync(fd, `${JSON.stringify(value, null, 2)}\n`);
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  fs.chmodSync(temp, 0o600); // open() honours the umask; secrets must be exactly 0600
  return temp;
}

function writeJsonSyncAtomic(file: string, value: unknown): void {
  const temp = writeTemp(file, value);
  try {
    fs.renameSync(temp, file);
  } catch (err) {
    fs.rmSync(temp, { force: true });
    throw err;
  }
}

/**
 * Create `file` only if it does not exist yet (link of a finished temp file is atomic and fails
 * on EEXIST). Returns false when someone else created it first: two CLI processes starting at
 * once must end up with one identity, not each with its own.
 */
function createJsonSyncExclusive(file: string, value: unknown): boolean {
  const temp = writeTemp(file, value);
  try {
    fs.linkSync(temp, file);
    return true;
  } catch (err) {
    if (systemErrorCode(err) === 'EEXIST') return false;
    // Filesystems without hard links (some container mounts): plain atomic replace.
    fs.renameSync(temp, file);
    return true;
  } finally {
    fs.rmSync(temp, { force: true });
  }
}

function moveAside(file: string): void {
  try {
    fs.renameSync(file, `${file}.corrupt-${Date.now()}`);
  } catch {
    // already gone
  }
}

/**
 * Validate a stored identity: both keys must parse, be Ed25519 and belong together. The id is
 * always re-derived from the key, never trusted from the file.
 */
function parseIdentity(raw: unknown): StoredDeviceIdentity | undefined {
  // Only the keys matter; `version` is not checked so a newer writer's file is still usable.
  if (!isObject(raw)) return undefined;
  const { publicKeyPem, privateKeyPem } = raw;
  if (typeof publicKeyPem !== 'string' || typeof privateKeyPem !== 'string') return undefined;
  try {
    const publicKey = createPublicKey(publicKeyPem);
    const fromPrivate = createPublicKey(createPrivateKey(privateKeyPem));
    if (publicKey.asymmetricKeyType !== 'ed25519') return undefined;
    const raw32 = rawPublicKeyFromKeyObject(publicKey);
    if (!raw32.equals(rawPublicKeyFromKeyObject(fromPrivate))) return undefined;
    const createdAtMs = typeof raw.createdAtMs === 'number' ? raw.createdAtMs : Date.now();
    return {
      version: 1,
      deviceId: deriveDeviceId(raw32),
      publicKeyPem,
      privateKeyPem,
      createdAtMs,
    };
  } catch {
    return undefined;
  }
}

type IdentityRead =
  | { state: 'missing' }
  | { state: 'corrupt' }
  | { state: 'ok'; identity: StoredDeviceIdentity; storedDeviceId: unknown };

function readIdentity(file: string): IdentityRead {
  const text = readText(file);
  if (text === undefined) return { state: 'missing' };
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return { state: 'corrupt' };
  }
  const identity = parseIdentity(raw);
  if (!identity) return { state: 'corrupt' };
  return { state: 'ok', identity, storedDeviceId: isObject(raw) ? raw.deviceId : undefined };
}

/** This installation's device identity, created on first use. */
export function loadOrCreateDeviceIdentity(
  paths: Pick<IdentityPaths, 'deviceIdentityPath'>,
): StoredDeviceIdentity {
  const file = paths.deviceIdentityPath;
  for (let attempt = 0; attempt < 3; attempt += 1) {
    const read = readIdentity(file);
    if (read.state === 'ok') {
      // The id is a function of the key; a file that says otherwise is fixed, not believed.
      if (read.storedDeviceId !== read.identity.deviceId) writeJsonSyncAtomic(file, read.identity);
      return read.identity;
    }
    if (read.state === 'corrupt') {
      // Keep the bad file for a human to inspect. A fresh identity means re-pairing, which is
      // recoverable; overwriting could destroy a key someone might still repair by hand.
      moveAside(file);
    }
    const identity: StoredDeviceIdentity = {
      version: 1,
      ...generateDeviceIdentity(),
      createdAtMs: Date.now(),
    };
    if (createJsonSyncExclusive(file, identity)) return identity;
    // Another process created it between our read and our write: loop and use theirs.
  }
  throw new OpenClawError(
    ErrorCode.STATE_WRITE_FAILED,
    `Could not create a device identity at ${file}; check that the directory is writable.`,
  );
}

function readAuthFile(file: string): DeviceAuthFile | undefined {
  const text = readText(file);
  if (text === undefined) return undefined;
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    moveAside(file);
    return undefined;
  }
  if (
    !isObject(raw) ||
    raw.version !== 1 ||
    typeof raw.deviceId !== 'string' ||
    !isObject(raw.tokens)
  ) {
    return undefined;
  }
  const tokens = Object.create(null) as Record<string, StoredDeviceAuthToken>;
  for (const [role, value] of Object.entries(raw.tokens)) {
    if (!isObject(value) || typeof value.token !== 'string' || value.token === '') continue;
    tokens[role] = {
      token: value.token,
      role: typeof value.role === 'string' ? value.role : role,
      scopes: Array.isArray(value.scopes)
        ? value.scopes.filter((s): s is string => typeof s === 'string')
        : [],
      updatedAtMs: typeof value.updatedAtMs === 'number' ? value.updatedAtMs : 0,
    };
  }
  return { version: 1, deviceId: raw.deviceId, tokens };
}

export function loadDeviceAuthToken(
  paths: Pick<IdentityPaths, 'deviceAuthPath'>,
  params: { deviceId: string; role: string },
): StoredDeviceAuthToken | null {
  const file = readAuthFile(paths.deviceAuthPath);
  // Tokens cached for another identity (the identity was regenerated) are worthless.
  if (!file || file.deviceId !== params.deviceId) return null;
  return file.tokens[params.role] ?? null;
}

export function storeDeviceAuthToken(
  paths: Pick<IdentityPaths, 'deviceAuthPath'>,
  params: { deviceId: string; role: string; token: string; scopes?: readonly string[] },
): void {
  const current = readAuthFile(paths.deviceAuthPath);
  const tokens =
    current && current.deviceId === params.deviceId
      ? current.tokens
      : (Object.create(null) as Record<string, StoredDeviceAuthToken>);
  tokens[params.role] = {
    token: params.token,
    role: params.role,
    scopes: [...(params.scopes ?? [])],
    updatedAtMs: Date.now(),
  };
  writeJsonSyncAtomic(paths.deviceAuthPath, { version: 1, deviceId: params.deviceId, tokens });
}

/** Forget a cached token (the gateway said "device token mismatch", or it was revoked). */
export function clearDeviceAuthToken(
  paths: Pick<IdentityPaths, 'deviceAuthPath'>,
  params: { deviceId: string; role: string },
): void {
  const current = readAuthFile(paths.deviceAuthPath);
  if (!current || current.deviceId !== params.deviceId || !(params.role in current.tokens)) return;
  delete current.tokens[params.role];
  writeJsonSyncAtomic(paths.deviceAuthPath, current);
}

type RequiredHostDeps = Required<
  Pick<
    GatewayClientHostDeps,
    | 'loadOrCreateDeviceIdentity'
    | 'signDevicePayload'
    | 'publicKeyRawBase64UrlFromPem'
    | 'loadDeviceAuthToken'
    | 'storeDeviceAuthToken'
    | 'clearDeviceAuthToken'
  >
>;

/**
 * Everything `@openclaw/gateway-client` needs to hold a device identity, bound to one state dir.
 * (The client's `env` argument is ignored: the paths are resolved once by the caller.)
 */
export function createGatewayClientHostDeps(paths: IdentityPaths): RequiredHostDeps {
  return {
    loadOrCreateDeviceIdentity: () => {
      const { deviceId, publicKeyPem, privateKeyPem } = loadOrCreateDeviceIdentity(paths);
      return { deviceId, publicKeyPem, privateKeyPem };
    },
    signDevicePayload,
    publicKeyRawBase64UrlFromPem,
    loadDeviceAuthToken: ({ deviceId, role }) => {
      const stored = loadDeviceAuthToken(paths, { deviceId, role });
      return stored ? { token: stored.token, scopes: [...stored.scopes] } : null;
    },
    storeDeviceAuthToken: ({ deviceId, role, token, scopes }) =>
      storeDeviceAuthToken(paths, { deviceId, role, token, scopes }),
    clearDeviceAuthToken: ({ deviceId, role }) => clearDeviceAuthToken(paths, { deviceId, role }),
  };
}
