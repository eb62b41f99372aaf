import { randomUUID } from 'node:crypto';
import {
  buildDeviceAuthPayload as clientBuildV2,
  buildDeviceAuthPayloadV3 as clientBuildV3,
} from '@openclaw/gateway-client';
import {
  ConnectErrorDetailCodes,
  resolveDeviceAuthConnectErrorDetailCode,
} from '@openclaw/gateway-protocol/connect-error-details';
import { describe, expect, it } from 'vitest';
import {
  generateDeviceIdentity,
  publicKeyRawBase64UrlFromPem,
  signDevicePayload,
} from './device-crypto.js';
import {
  deviceAuthDetailCode,
  deviceAuthErrorDetails,
  verifyConnectDevice,
  type DeviceAuthFailureReason,
  type VerifyConnectDeviceInput,
} from './verify-device-auth.js';

const NOW = 1_760_000_000_000;

/** A connect exactly as the reference client builds it: payload from its own exported builder. */
function clientConnect(overrides: { signedAt?: number; version?: 'v2' | 'v3' } = {}) {
  const identity = generateDeviceIdentity();
  const nonce = randomUUID();
  const signedAt = overrides.signedAt ?? NOW;
  const client = { id: 'cli', mode: 'cli', platform: 'Linux', deviceFamily: 'Desktop' };
  const role = 'operator';
  const scopes = ['operator.admin', 'operator.read', 'operator.pairing'];
  const token = 'shared-secret-token';
  const fields = {
    deviceId: identity.deviceId,
    clientId: client.id,
    clientMode: client.mode,
    role,
    scopes,
    signedAtMs: signedAt,
    token,
    nonce,
  };
  const payload =
    overrides.version === 'v2'
      ? clientBuildV2(fields)
      : clientBuildV3({ ...fields, platform: client.platform, deviceFamily: client.deviceFamily });
  const input: VerifyConnectDeviceInput = {
    device: {
      id: identity.deviceId,
      publicKey: publicKeyRawBase64UrlFromPem(identity.publicKeyPem),
      signature: signDevicePayload(identity.privateKeyPem, payload),
      signedAt,
      nonce,
    },
    expectedNonce: nonce,
    client,
    role,
    scopes,
    signatureToken: token,
    nowMs: NOW,
  };
  return { identity, input };
}

function expectFailure(input: VerifyConnectDeviceInput, reason: DeviceAuthFailureReason) {
  const result = verifyConnectDevice(input);
  expect(result).toMatchObject({ ok: false, reason });
}

describe('verifyConnectDevice', () => {
  it('accepts the v3 payload the reference client signs', () => {
    const { identity, input } = clientConnect();
    expect(verifyConnectDevice(input)).toEqual({
      ok: true,
      deviceId: identity.deviceId,
      publicKeyB64Url: publicKeyRawBase64UrlFromPem(identity.publicKeyPem),
      payloadVersion: 'v3',
    });
  });

  it('falls back to v2 for older clients', () => {
    const { input } = clientConnect({ version: 'v2' });
    expect(verifyConnectDevice(input)).toMatchObject({ ok: true, payloadVersion: 'v2' });
  });

  it('accepts a PEM public key and reports the canonical raw key', () => {
    const { identity, input } = clientConnect();
    const result = verifyConnectDevice({
      ...input,
      device: { ...input.device, publicKey: identity.publicKeyPem },
    });
    expect(result).toMatchObject({
      ok: true,
      publicKeyB64Url: publicKeyRawBase64UrlFromPem(identity.publicKeyPem),
    });
  });

  it('rejects every field altered after signing', () => {
    const { input } = clientConnect();
    const tampered: VerifyConnectDeviceInput[] = [
      { ...input, client: { ...input.client, id: 'openclaw-control-ui' } },
      { ...input, client: { ...input.client, mode: 'webchat' } },
      { ...input, client: { ...input.client, platform: 'darwin' } },
      { ...input, client: { ...input.client, deviceFamily: 'iPhone' } },
      { ...input, role: 'node' },
      { ...input, scopes: [...input.scopes, 'operator.talk.secrets'] },
      { ...input, scopes: [...input.scopes].reverse() },
      { ...input, signatureToken: 'other-token' },
      { ...input, signatureToken: undefined },
      { ...input, device: { ...input.device, signedAt: NOW + 1 } },
      {
        ...input,
        device: {
          ...input.device,
          signature: input.device.signature.replace(/^./, (c) => (c === 'A' ? 'B' : 'A')),
        },
      },
    ];
    for (const candidate of tampered) expectFailure(candidate, 'signature-invalid');
  });

  it('treats platform and family case and padding as the client does', () => {
    const { input } = clientConnect();
    const result = verifyConnectDevice({
      ...input,
      client: { ...input.client, platform: '  LINUX ', deviceFamily: 'desktop' },
    });
    expect(result).toMatchObject({ ok: true, payloadVersion: 'v3' });
  });

  it('enforces the two-minute skew window in both directions', () => {
    for (const signedAt of [NOW - 120_000, NOW + 120_000]) {
      expect(verifyConnectDevice(clientConnect({ signedAt }).input).ok).toBe(true);
    }
    for (const signedAt of [NOW - 120_001, NOW + 120_001]) {
      expectFailure(clientConnect({ signedAt }).input, 'signature-expired');
    }
    const { input } = clientConnect({ signedAt: NOW - 10_000 });
    expectFailure({ ...input, skewMs: 5_000 }, 'signature-expired');
  });

  it('requires the challenge nonce', () => {
    const { input } = clientConnect();
    expectFailure({ ...input, device: { ...input.device, nonce: '  ' } }, 'nonce-required');
    expectFailure({ ...input, expectedNonce: randomUUID() }, 'nonce-mismatch');
  });

  it('rejects an id that is not the hash of the key', () => {
    const { input } = clientConnect();
    const other = generateDeviceIdentity();
    expectFailure(
      { ...input, device: { ...input.device, id: other.deviceId } },
      'device-id-mismatch',
    );
    expectFailure(
      { ...input, device: { ...input.device, id: input.device.id.toUpperCase() } },
      'device-id-mismatch',
    );
  });

  it('rejects an undecodable public key', () => {
    const { input } = clientConnect();
    expectFailure(
      { ...input, device: { ...input.device, publicKey: 'AAAA' } },
      'public-key-invalid',
    );
  });

  it('checks in upstream order: identity, freshness, nonce, signature', () => {
    const { input } = clientConnect();
    const other = generateDeviceIdentity();
    expectFailure(
      { ...input, nowMs: NOW + 600_000, device: { ...input.device, id: other.deviceId } },
      'device-id-mismatch',
    );
    expectFailure({ ...input, nowMs: NOW + 600_000, expectedNonce: 'x' }, 'signature-expired');
    expectFailure({ ...input, expectedNonce: 'x', role: 'node' }, 'nonce-mismatch');
  });

  it('uses the upstream messages', () => {
    const { input } = clientConnect();
    expect(verifyConnectDevice({ ...input, role: 'node' })).toMatchObject({
      message: 'device signature invalid',
    });
    expect(verifyConnectDevice({ ...input, expectedNonce: 'x' })).toMatchObject({
      message: 'device nonce mismatch',
    });
  });
});

describe('detail codes', () => {
  const reasons: DeviceAuthFailureReason[] = [
    'device-id-mismatch',
    'signature-expired',
    'nonce-required',
    'nonce-mismatch',
    'signature-invalid',
    'public-key-invalid',
  ];

  it('map each failure to its DEVICE_AUTH_* code', () => {
    expect(reasons.map(deviceAuthDetailCode)).toEqual([
      ConnectErrorDetailCodes.DEVICE_AUTH_DEVICE_ID_MISMATCH,
      ConnectErrorDetailCodes.DEVICE_AUTH_SIGNATURE_EXPIRED,
      ConnectErrorDetailCodes.DEVICE_AUTH_NONCE_REQUIRED,
      ConnectErrorDetailCodes.DEVICE_AUTH_NONCE_MISMATCH,
      ConnectErrorDetailCodes.DEVICE_AUTH_SIGNATURE_INVALID,
      ConnectErrorDetailCodes.DEVICE_AUTH_PUBLIC_KEY_INVALID,
    ]);
  });

  it('put reasons on the wire that the protocol package maps back to the same code', () => {
    for (const reason of reasons) {
      const details = deviceAuthErrorDetails(reason);
      expect(resolveDeviceAuthConnectErrorDetailCode(details.reason)).toBe(details.code);
    }
  });
});
