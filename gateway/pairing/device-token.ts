/**
 * Device tokens: the per-(device, role) bearer credential minted at approval and returned in
 * hello-ok. 32 random bytes, base64url, compared in constant time. The functions here work on one
 * paired record in memory; the store wraps them in locked file updates.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import {
  emptyDict,
  pairedRoles,
  type DeviceTokenRecord,
  type PairedDevice,
} from './pairing-records.js';
import { scopesCover } from './scopes.js';

export interface IssuedDeviceToken {
  role: string;
  token: string;
  scopes: string[];
  issuedAtMs: number;
}

export type DeviceTokenFailureReason =
  | 'device-not-paired'
  | 'role-missing'
  | 'token-missing'
  | 'token-revoked'
  | 'token-mismatch'
  | 'scope-mismatch';

export type DeviceTokenVerification =
  { ok: true } | { ok: false; reason: DeviceTokenFailureReason };

export function mintDeviceToken(): string {
  return randomBytes(32).toString('base64url');
}

/**
 * Constant-time string equality that does not leak the length either: both sides are hashed to
 * fixed-size digests first, so `timingSafeEqual` always compares 32 bytes and never early-exits.
 */
export function tokensEqual(presented: string, stored: string): boolean {
  const a = createHash('sha256').update(presented, 'utf8').digest();
  const b = createHash('sha256').update(stored, 'utf8').digest();
  return timingSafeEqual(a, b);
}

/**
 * Put a freshly minted token for `role` on `device` (in place). `createdAtMs` stays when the role
 * already had one (it records when the role was first granted); `rotatedAtMs` marks the change.
 * A revoked token is replaced too: a new approval or rotation is a new credential.
 */
export function replaceDeviceToken(
  device: PairedDevice,
  role: string,
  scopes: readonly string[],
  now: number,
): DeviceTokenRecord {
  const tokens = device.tokens ?? emptyDict<DeviceTokenRecord>();
  const old = tokens[role];
  const next: DeviceTokenRecord = {
    token: mintDeviceToken(),
    role,
    scopes: [...scopes],
    createdAtMs: old?.createdAtMs ?? now,
    ...(old ? { rotatedAtMs: now } : {}),
  };
  tokens[role] = next;
  device.tokens = tokens;
  return next;
}

export function issuedDeviceToken(token: DeviceTokenRecord): IssuedDeviceToken {
  return {
    role: token.role,
    token: token.token,
    scopes: [...token.scopes],
    issuedAtMs: token.rotatedAtMs ?? token.createdAtMs,
  };
}

/** A live token for `role` whose scopes cover `scopes`, if the record has one. */
export function reusableDeviceToken(
  device: PairedDevice,
  role: string,
  scopes: readonly string[],
): DeviceTokenRecord | undefined {
  const current = device.tokens?.[role];
  return current && current.revokedAtMs === undefined && scopesCover(current.scopes, scopes)
    ? current
    : undefined;
}

export function checkDeviceToken(
  device: PairedDevice | undefined,
  role: string,
  presented: unknown,
  requestedScopes: readonly string[],
): DeviceTokenVerification {
  if (!device) return { ok: false, reason: 'device-not-paired' };
  if (!pairedRoles(device).includes(role)) return { ok: false, reason: 'role-missing' };
  const record = device.tokens?.[role];
  if (!record) return { ok: false, reason: 'token-missing' };
  // Compare before looking at revocation, so a wrong guess learns nothing about the record.
  if (typeof presented !== 'string' || !tokensEqual(presented, record.token)) {
    return { ok: false, reason: 'token-mismatch' };
  }
  if (record.revokedAtMs !== undefined) return { ok: false, reason: 'token-revoked' };
  if (!scopesCover(record.scopes, requestedScopes)) return { ok: false, reason: 'scope-mismatch' };
  return { ok: true };
}
