import { createHash, generateKeyPairSync } from 'node:crypto';
import {
  buildDeviceAuthPayload as clientBuildV2,
  buildDeviceAuthPayloadV3 as clientBuildV3,
  normalizeDeviceMetadataForAuth,
} from '@openclaw/gateway-client';
import { describe, expect, it } from 'vitest';
import {
  buildDeviceAuthPayload,
  decodePublicKey,
  deriveDeviceId,
  generateDeviceIdentity,
  normalizeDeviceMetadata,
  normalizePublicKeyB64Url,
  publicKeyRawBase64UrlFromPem,
  signDevicePayload,
  verifyDevicePayload,
} from './device-crypto.js';

describe('device identity', () => {
  it('derives the id as the SHA-256 hex of the raw 32-byte key', () => {
    const identity = generateDeviceIdentity();
    const raw = Buffer.from(publicKeyRawBase64UrlFromPem(identity.publicKeyPem), 'base64url');
    expect(raw).toHaveLength(32);
    expect(identity.deviceId).toBe(createHash('sha256').update(raw).digest('hex'));
    expect(deriveDeviceId(raw)).toBe(identity.deviceId);
    expect(identity.deviceId).toMatch(/^[0-9a-f]{64}$/);
    expect(identity.publicKeyPem).toContain('BEGIN PUBLIC KEY');
    expect(identity.privateKeyPem).toContain('BEGIN PRIVATE KEY');
  });

  it('makes a different identity each time', () => {
    expect(generateDeviceIdentity().deviceId).not.toBe(generateDeviceIdentity().deviceId);
  });
});

describe('decodePublicKey', () => {
  const identity = generateDeviceIdentity();
  const b64url = publicKeyRawBase64UrlFromPem(identity.publicKeyPem);

  it('accepts raw base64url, padded standard base64 and PEM, all as the same key', () => {
    const standard = Buffer.from(b64url, 'base64url').toString('base64');
    for (const input of [b64url, standard, identity.publicKeyPem, `  ${b64url}\n`]) {
      expect(normalizePublicKeyB64Url(input)).toBe(b64url);
    }
  });

  it('rejects wrong lengths, garbage and non-Ed25519 keys', () => {
    const rsa = generateKeyPairSync('rsa', { modulusLength: 1024 });
    const inputs = [
      '',
      'not a key!',
      Buffer.alloc(31).toString('base64url'),
      Buffer.alloc(33).toString('base64url'),
      '-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----',
      rsa.publicKey.export({ type: 'spki', format: 'pem' }).toString(),
    ];
    for (const input of inputs) expect(decodePublicKey(input)).toBeUndefined();
  });
});

describe('signatures', () => {
  it('round-trips and fails for another payload, another key or a mangled signature', () => {
    const identity = generateDeviceIdentity();
    const other = generateDeviceIdentity();
    const signature = signDevicePayload(identity.privateKeyPem, 'hello');
    expect(signature).toMatch(/^[A-Za-z0-9_-]{86}$/);
    expect(verifyDevicePayload(identity.publicKeyPem, 'hello', signature)).toBe(true);
    expect(verifyDevicePayload(identity.publicKeyPem, 'hello!', signature)).toBe(false);
    expect(verifyDevicePayload(other.publicKeyPem, 'hello', signature)).toBe(false);
    expect(verifyDevicePayload(identity.publicKeyPem, 'hello', signature.slice(0, -2))).toBe(false);
    expect(verifyDevicePayload(identity.publicKeyPem, 'hello', '%%%')).toBe(false);
    expect(verifyDevicePayload('garbage', 'hello', signature)).toBe(false);
  });
});

describe('buildDeviceAuthPayload', () => {
  const base = {
    deviceId: 'abc',
    clientId: 'cli',
    clientMode: 'cli',
    role: 'operator',
    scopes: ['operator.read', 'operator.admin'],
    signedAtMs: 1_760_000_000_123,
    token: 'tok',
    nonce: 'n-1',
  };

  it('matches the reference client byte for byte (v3 and v2)', () => {
    const cases = [
      { platform: ' MacOS ', deviceFamily: 'iPhone' },
      { platform: 'linux', deviceFamily: undefined },
      { platform: 'İOS', deviceFamily: 'ÄBC Desk' },
      { platform: undefined, deviceFamily: undefined },
    ];
    for (const meta of cases) {
      expect(buildDeviceAuthPayload({ ...base, version: 'v3', ...meta })).toBe(
        clientBuildV3({ ...base, ...meta }),
      );
    }
    expect(buildDeviceAuthPayload({ ...base, version: 'v2' })).toBe(clientBuildV2(base));
    expect(buildDeviceAuthPayload({ ...base, version: 'v3', token: null })).toBe(
      clientBuildV3({ ...base, token: null }),
    );
    expect(buildDeviceAuthPayload({ ...base, version: 'v3', platform: 'Linux' })).toBe(
      'v3|abc|cli|cli|operator|operator.read,operator.admin|1760000000123|tok|n-1|linux|',
    );
  });

  it('normalizes metadata exactly like the client (ASCII only)', () => {
    for (const value of [' MacOS ', 'İOS', 'ÄBC', 'Windows 11', '', '   ', undefined, null]) {
      expect(normalizeDeviceMetadata(value)).toBe(normalizeDeviceMetadataForAuth(value));
    }
  });
});
