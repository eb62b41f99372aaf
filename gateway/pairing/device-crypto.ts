/**
 * Ed25519 device identity primitives (node:crypto only). A device is its key pair: the id is the
 * SHA-256 of the raw 32-byte public key, and every connect carries a signature over a `|`-joined
 * payload (v3, falling back to v2) that binds the challenge nonce, the client identity and the
 * credential it presents. The payload builder here must produce byte-for-byte what
 * `@openclaw/gateway-client` signs, so reference clients verify against our gateway.
 */
import {
  createHash,
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  sign,
  verify,
  type KeyObject,
} from 'node:crypto';

/** Same shape as the reference client's `DeviceIdentity`, so it can be handed to it directly. */
export interface DeviceIdentity {
  deviceId: string;
  /** SPKI PEM. */
  publicKeyPem: string;
  /** PKCS#8 PEM. */
  privateKeyPem: string;
}

/** DER prefix of an Ed25519 SubjectPublicKeyInfo; the raw 32-byte key follows it. */
const ED25519_SPKI_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');
const ED25519_RAW_KEY_BYTES = 32;
const ED25519_SIGNATURE_BYTES = 64;
const BASE64URL_OR_BASE64 = /^[A-Za-z0-9_\-+/]+={0,2}$/;

export function deriveDeviceId(rawPublicKey: Buffer): string {
  return createHash('sha256').update(rawPublicKey).digest('hex');
}

/** Raw 32 bytes of an Ed25519 public key object. */
export function rawPublicKeyFromKeyObject(key: KeyObject): Buffer {
  const der = key.export({ type: 'spki', format: 'der' });
  return Buffer.from(der.subarray(der.length - ED25519_RAW_KEY_BYTES));
}

export function generateDeviceIdentity(): DeviceIdentity {
  const { publicKey, privateKey } = generateKeyPairSync('ed25519');
  return {
    deviceId: deriveDeviceId(rawPublicKeyFromKeyObject(publicKey)),
    publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
    privateKeyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
  };
}

/**
 * Parse a public key as sent by clients: base64url of the raw 32 bytes (what reference clients
 * send), or PEM (older clients and hand-written files). Anything that is not an Ed25519 key is
 * `undefined`, never an exception: the input comes straight off the wire.
 */
export function decodePublicKey(input: string): KeyObject | undefined {
  if (typeof input !== 'string') return undefined;
  const text = input.trim();
  if (text === '') return undefined;
  try {
    if (text.includes('-----BEGIN')) {
      const key = createPublicKey(text);
      return key.asymmetricKeyType === 'ed25519' ? key : undefined;
    }
    if (!BASE64URL_OR_BASE64.test(text)) return undefined;
    // Buffer's base64url decoder also accepts the standard alphabet and padding.
    const raw = Buffer.from(text, 'base64url');
    if (raw.length !== ED25519_RAW_KEY_BYTES) return undefined;
    return createPublicKey({
      key: Buffer.concat([ED25519_SPKI_PREFIX, raw]),
      format: 'der',
      type: 'spki',
    });
  } catch {
    return undefined;
  }
}

export function publicKeyRawBase64UrlFromPem(pem: string): string {
  const key = createPublicKey(pem);
  if (key.asymmetricKeyType !== 'ed25519')
    throw new Error('device public key is not an Ed25519 key');
  return rawPublicKeyFromKeyObject(key).toString('base64url');
}

/** Canonical wire form (raw base64url) of any accepted public key input, or undefined. */
export function normalizePublicKeyB64Url(input: string): string | undefined {
  const key = decodePublicKey(input);
  return key ? rawPublicKeyFromKeyObject(key).toString('base64url') : undefined;
}

export function signDevicePayload(privateKeyPem: string, payload: string): string {
  return sign(null, Buffer.from(payload, 'utf8'), createPrivateKey(privateKeyPem)).toString(
    'base64url',
  );
}

export function verifyDevicePayload(
  publicKey: KeyObject | string,
  payload: string,
  signatureB64Url: string,
): boolean {
  const key = typeof publicKey === 'string' ? decodePublicKey(publicKey) : publicKey;
  if (
    !key ||
    typeof signatureB64Url !== 'string' ||
    !BASE64URL_OR_BASE64.test(signatureB64Url.trim())
  )
    return false;
  const signature = Buffer.from(signatureB64Url.trim(), 'base64url');
  if (signature.length !== ED25519_SIGNATURE_BYTES) return false;
  try {
    return verify(null, Buffer.from(payload, 'utf8'), key, signature);
  } catch {
    return false;
  }
}

/**
 * Trimmed and ASCII-lower-cased, "" when absent. Only A–Z is folded (not locale-aware
 * `toLowerCase`), because that is what the client signs: "İOS" must not become "i̇os" here.
 */
export function normalizeDeviceMetadata(value: string | null | undefined): string {
  if (typeof value !== 'string') return '';
  return value.trim().replace(/[A-Z]/g, (char) => String.fromCharCode(char.charCodeAt(0) + 32));
}

export type DeviceAuthPayloadVersion = 'v2' | 'v3';

export interface DeviceAuthPayloadInput {
  version: DeviceAuthPayloadVersion;
  deviceId: string;
  clientId: string;
  clientMode: string;
  role: string;
  /** In the order the client sent them: the signature covers the order too. */
  scopes: readonly string[];
  signedAtMs: number;
  /** The credential presented in `auth` (token, else device token, else bootstrap token). */
  token: string | null | undefined;
  nonce: string;
  /** v3 only. */
  platform?: string | null;
  /** v3 only. */
  deviceFamily?: string | null;
}

export function buildDeviceAuthPayload(input: DeviceAuthPayloadInput): string {
  const fields = [
    input.version,
    input.deviceId,
    input.clientId,
    input.clientMode,
    input.role,
    input.scopes.join(','),
    String(input.signedAtMs),
    input.token ?? '',
    input.nonce,
  ];
  if (input.version === 'v3') {
    fields.push(
      normalizeDeviceMetadata(input.platform),
      normalizeDeviceMetadata(input.deviceFamily),
    );
  }
  return fields.join('|');
}
