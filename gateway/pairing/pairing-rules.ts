/**
 * The pure rules of pairing, separate from file access: input cleaning for values that arrive
 * from the wire, the errors users see, how an approval merges into a paired record, and the
 * connect-time decision (paired, or which kind of pairing is needed).
 */
import { ErrorCode, OpenClawError } from '../infra/errors.js';
import { normalizeDeviceMetadata, normalizePublicKeyB64Url } from './device-crypto.js';
import {
  emptyDict,
  pairedApprovedScopes,
  pairedRoles,
  type DeviceTokenRecord,
  type PairedDevice,
  type PairingRequestReason,
  type PendingPairingRequest,
} from './pairing-records.js';
import { mergeScopes, scopesCover } from './scopes.js';

export function invalid(message: string): OpenClawError {
  return new OpenClawError(ErrorCode.INVALID_ARGUMENT, message);
}

export function requireText(value: unknown, what: string): string {
  if (typeof value !== 'string' || value.trim() === '') throw invalid(`${what} is required.`);
  return value.trim();
}

/** Trimmed, de-duplicated, order kept; non-strings rejected (these arrive from the wire). */
export function cleanScopes(scopes: unknown): string[] {
  if (!Array.isArray(scopes) || scopes.some((s) => typeof s !== 'string')) {
    throw invalid('scopes must be a list of strings.');
  }
  return mergeScopes((scopes as string[]).map((s) => s.trim()).filter((s) => s !== ''));
}

export function sameScopeSet(a: readonly string[] = [], b: readonly string[] = []): boolean {
  const left = new Set(a);
  const right = new Set(b);
  return left.size === right.size && [...left].every((s) => right.has(s));
}

export function text(value: string | undefined): string | undefined {
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;
}

/** Drop undefined fields so the files never carry `"x": null`-ish noise. */
export function defined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}

export function pairingNotFound(requestId: string): OpenClawError {
  return new OpenClawError(
    ErrorCode.PAIRING_NOT_FOUND,
    `No pending pairing request ${requestId}. It may have expired (requests last 5 minutes) or been replaced by a newer request from the same device; run \`openclaw devices list\` and approve the current request id.`,
    { details: { requestId } },
  );
}

export function deviceNotFound(deviceId: string): OpenClawError {
  return new OpenClawError(
    ErrorCode.DEVICE_NOT_FOUND,
    `No paired device ${deviceId}. Run \`openclaw devices list\` to see paired devices.`,
    { details: { deviceId } },
  );
}

/** The paired record after approving `request` (roles and scopes merged, metadata pinned). */
export function approvedRecord(
  previous: PairedDevice | undefined,
  request: PendingPairingRequest,
  role: string,
  now: number,
  approvedVia: string | undefined,
): PairedDevice {
  // Same deviceId means the same key (the id is its hash); a different key here can only come
  // from a hand edit, and then nothing of the old record may carry over.
  const base = previous && previous.publicKey === request.publicKey ? previous : undefined;
  const approvedScopes = mergeScopes(base ? pairedApprovedScopes(base) : [], request.scopes);
  const tokens = emptyDict<DeviceTokenRecord>();
  Object.assign(tokens, base?.tokens ?? {});
  return defined<PairedDevice>({
    ...(base ?? {}),
    deviceId: request.deviceId,
    publicKey: request.publicKey,
    displayName: request.displayName ?? base?.displayName,
    clientId: request.clientId ?? base?.clientId,
    clientMode: request.clientMode ?? base?.clientMode,
    remoteIp: request.remoteIp ?? base?.remoteIp,
    // Pinned exactly as requested: approving a metadata upgrade moves the pin.
    platform: request.platform,
    deviceFamily: request.deviceFamily,
    role: base?.role ?? role,
    roles: mergeScopes(base ? pairedRoles(base) : [], [role]),
    scopes: approvedScopes,
    approvedScopes,
    tokens,
    createdAtMs: base?.createdAtMs ?? now,
    approvedAtMs: now,
    approvedVia: approvedVia ?? base?.approvedVia,
  });
}

/** The paired device, or throw if it may not hold a token for `role` with `scopes`. */
export function requirePairedScopes(
  device: PairedDevice | undefined,
  deviceId: string,
  role: string,
  scopes: readonly string[],
): PairedDevice {
  if (!device) throw deviceNotFound(deviceId);
  if (!pairedRoles(device).includes(role)) {
    throw invalid(
      `Device ${deviceId} is not paired for role ${role}; approve a role upgrade first.`,
    );
  }
  if (!scopesCover(pairedApprovedScopes(device), scopes)) {
    throw invalid(
      `Device ${deviceId} was never approved for ${scopes.join(', ')}; approve a scope upgrade first.`,
    );
  }
  return device;
}

export interface ConnectClaim {
  publicKey: string;
  role: string;
  scopes: readonly string[];
  platform?: string;
  deviceFamily?: string;
}

/**
 * Why a device that passed the signature checks still needs pairing, or undefined when its
 * paired record allows this connect. Order matters: the first failing rule names the request.
 */
export function pairingNeeded(
  device: PairedDevice | undefined,
  claim: ConnectClaim,
): PairingRequestReason | undefined {
  if (!device) return 'not-paired';
  // A new key is a new device, whatever id it claims.
  if (normalizePublicKeyB64Url(claim.publicKey) !== device.publicKey) return 'not-paired';
  if (!pairedRoles(device).includes(claim.role)) return 'role-upgrade';
  if (!scopesCover(pairedApprovedScopes(device), claim.scopes)) return 'scope-upgrade';
  // Only pinned values count: a record approved without them (v2 era) has nothing to compare.
  const matches = (pinned: string | undefined, claimed: string | undefined) => {
    const pin = normalizeDeviceMetadata(pinned);
    return pin === '' || pin === normalizeDeviceMetadata(claimed);
  };
  if (
    !matches(device.platform, claim.platform) ||
    !matches(device.deviceFamily, claim.deviceFamily)
  ) {
    return 'metadata-upgrade';
  }
  return undefined;
}
