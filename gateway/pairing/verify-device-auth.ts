/**
 * Step 5 of `connect`: prove the client holds the private key of the device it claims, for this
 * socket's challenge, recently. Checks run in the upstream order (id, freshness, nonce, signature)
 * so clients get the same error for the same mistake. Failures map to the structured
 * `DEVICE_AUTH_*` detail codes that reference clients read.
 */
import { timingSafeEqual } from 'node:crypto';
import { ConnectErrorDetailCodes } from '@openclaw/gateway-protocol/connect-error-details';
import {
  buildDeviceAuthPayload,
  decodePublicKey,
  deriveDeviceId,
  rawPublicKeyFromKeyObject,
  verifyDevicePayload,
  type DeviceAuthPayloadVersion,
} from './device-crypto.js';

export const DEFAULT_DEVICE_SIGNATURE_SKEW_MS = 120_000;

export interface ConnectDeviceClaim {
  id: string;
  publicKey: string;
  signature: string;
  signedAt: number;
  nonce: string;
}

export interface VerifyConnectDeviceInput {
  device: ConnectDeviceClaim;
  /** The nonce this socket sent in `connect.challenge`. */
  expectedNonce: string;
  client: { id: string; mode: string; platform: string; deviceFamily?: string };
  role: string;
  /** Exactly as received in the connect params (order matters for the signature). */
  scopes: readonly string[];
  /** `auth.token`, else `auth.deviceToken`, else `auth.bootstrapToken`, else undefined. */
  signatureToken: string | undefined;
  nowMs: number;
  skewMs?: number;
}

export type DeviceAuthFailureReason =
  | 'device-id-mismatch'
  | 'signature-expired'
  | 'nonce-required'
  | 'nonce-mismatch'
  | 'signature-invalid'
  | 'public-key-invalid';

export type VerifyConnectDeviceResult =
  | {
      ok: true;
      deviceId: string;
      publicKeyB64Url: string;
      payloadVersion: DeviceAuthPayloadVersion;
    }
  | { ok: false; reason: DeviceAuthFailureReason; message: string };

const MESSAGES: Record<DeviceAuthFailureReason, string> = {
  'device-id-mismatch': 'device identity mismatch',
  'signature-expired': 'device signature expired',
  'nonce-required': 'device nonce required',
  'nonce-mismatch': 'device nonce mismatch',
  'signature-invalid': 'device signature invalid',
  'public-key-invalid': 'device public key invalid',
};

/** Detail codes reference clients understand, per failure. */
const DETAIL_CODES = {
  'device-id-mismatch': ConnectErrorDetailCodes.DEVICE_AUTH_DEVICE_ID_MISMATCH,
  'signature-expired': ConnectErrorDetailCodes.DEVICE_AUTH_SIGNATURE_EXPIRED,
  'nonce-required': ConnectErrorDetailCodes.DEVICE_AUTH_NONCE_REQUIRED,
  'nonce-mismatch': ConnectErrorDetailCodes.DEVICE_AUTH_NONCE_MISMATCH,
  'signature-invalid': ConnectErrorDetailCodes.DEVICE_AUTH_SIGNATURE_INVALID,
  'public-key-invalid': ConnectErrorDetailCodes.DEVICE_AUTH_PUBLIC_KEY_INVALID,
} as const satisfies Record<DeviceAuthFailureReason, string>;

/**
 * The verifier reason strings upstream puts in `details.reason` (the protocol package's
 * `resolveDeviceAuthConnectErrorDetailCode` maps exactly these back to the detail codes).
 */
const WIRE_REASONS: Record<DeviceAuthFailureReason, string> = {
  'device-id-mismatch': 'device-id-mismatch',
  'signature-expired': 'device-signature-stale',
  'nonce-required': 'device-nonce-missing',
  'nonce-mismatch': 'device-nonce-mismatch',
  'signature-invalid': 'device-signature',
  'public-key-invalid': 'device-public-key',
};

export type DeviceAuthDetailCode = (typeof DETAIL_CODES)[DeviceAuthFailureReason];

export function deviceAuthDetailCode(reason: DeviceAuthFailureReason): DeviceAuthDetailCode {
  return DETAIL_CODES[reason];
}

/** `details` for the INVALID_REQUEST response sent before closing 1008 with the message. */
export function deviceAuthErrorDetails(reason: DeviceAuthFailureReason): {
  code: DeviceAuthDetailCode;
  reason: string;
} {
  return { code: DETAIL_CODES[reason], reason: WIRE_REASONS[reason] };
}

function fail(reason: DeviceAuthFailureReason): VerifyConnectDeviceResult {
  return { ok: false, reason, message: MESSAGES[reason] };
}

function sameString(a: string, b: string): boolean {
  const left = Buffer.from(a, 'utf8');
  const right = Buffer.from(b, 'utf8');
  return left.length === right.length && timingSafeEqual(left, right);
}

export function verifyConnectDevice(input: VerifyConnectDeviceInput): VerifyConnectDeviceResult {
  const { device, client } = input;
  const skewMs = input.skewMs ?? DEFAULT_DEVICE_SIGNATURE_SKEW_MS;

  const publicKey = decodePublicKey(device.publicKey);
  if (!publicKey) return fail('public-key-invalid');
  const raw = rawPublicKeyFromKeyObject(publicKey);
  const deviceId = deriveDeviceId(raw);
  if (typeof device.id !== 'string' || device.id !== deviceId) return fail('device-id-mismatch');

  if (typeof device.signedAt !== 'number' || !Number.isFinite(device.signedAt))
    return fail('signature-expired');
  if (Math.abs(input.nowMs - device.signedAt) > skewMs) return fail('signature-expired');

  if (typeof device.nonce !== 'string' || device.nonce.trim() === '') return fail('nonce-required');
  if (!sameString(device.nonce, input.expectedNonce)) return fail('nonce-mismatch');

  // The client signs its own copy of these fields; we rebuild the payload from what it sent, so
  // any field altered in transit (or a replay onto another socket) breaks the signature.
  const common = {
    deviceId: device.id,
    clientId: client.id,
    clientMode: client.mode,
    role: input.role,
    scopes: input.scopes,
    signedAtMs: device.signedAt,
    token: input.signatureToken,
    nonce: device.nonce,
  };
  const versions: Array<{ version: DeviceAuthPayloadVersion; payload: string }> = [
    {
      version: 'v3',
      payload: buildDeviceAuthPayload({
        ...common,
        version: 'v3',
        platform: client.platform,
        deviceFamily: client.deviceFamily,
      }),
    },
    { version: 'v2', payload: buildDeviceAuthPayload({ ...common, version: 'v2' }) },
  ];
  for (const { version, payload } of versions) {
    if (verifyDevicePayload(publicKey, payload, device.signature)) {
      return {
        ok: true,
        deviceId,
        publicKeyB64Url: raw.toString('base64url'),
        payloadVersion: version,
      };
    }
  }
  return fail('signature-invalid');
}
