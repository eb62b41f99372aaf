/**
 * What the gateway sends about pairing (`device.pair.list`, `device.pair.requested`,
 * `device.pair.resolved`), validated at this edge and turned into what a person approving a
 * device reads: names, platform, IP, and every scope in plain words. Malformed entries are
 * dropped, never guessed at: an approve button must not appear for something we cannot describe.
 */
import { SCOPES, type OperatorScope } from '../../../gateway/pairing/scopes.js';

export interface ScopeInfo {
  scope: string;
  label: string;
  description: string;
}

export interface PairingQueueItem {
  requestId: string;
  deviceId: string;
  /** base64url of the raw key; what the Control UI auto-approval compares, exactly. */
  publicKey: string;
  displayName?: string;
  platform?: string;
  clientId?: string;
  clientMode?: string;
  remoteIp?: string;
  role: string;
  scopes: ScopeInfo[];
  /** The device is already paired and asks for more (role, scopes) or changed metadata. */
  isRepair: boolean;
  ts: number;
  expiresAt: number;
}

export interface DeviceTokenInfo {
  role: string;
  scopes: string[];
  createdAtMs?: number;
  rotatedAtMs?: number;
  revokedAtMs?: number;
  lastUsedAtMs?: number;
}

export interface PairedDeviceItem {
  deviceId: string;
  displayName?: string;
  platform?: string;
  clientId?: string;
  clientMode?: string;
  remoteIp?: string;
  roles: string[];
  scopes: ScopeInfo[];
  tokens: DeviceTokenInfo[];
  createdAtMs?: number;
  approvedAtMs?: number;
  approvedVia?: string;
  /** Most recent use of any of its tokens. */
  lastUsedAtMs?: number;
  /** The desktop app's own operator device (removing it would cut the app off). */
  isThisApp: boolean;
}

export interface PairingResolution {
  requestId: string;
  deviceId: string;
  decision: 'approved' | 'rejected';
}

type Raw = Record<string, unknown>;

function record(value: unknown): Raw | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Raw)
    : undefined;
}

function str(value: unknown): string | undefined {
  return typeof value === 'string' && value.trim() !== '' ? value : undefined;
}

function num(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

function strings(value: unknown): string[] {
  return Array.isArray(value)
    ? value.filter((v): v is string => typeof v === 'string' && v.trim() !== '')
    : [];
}

/** Optional fields are set only when present (views stay free of `undefined` keys). */
function optional<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}

export function describeScopes(scopes: readonly string[]): ScopeInfo[] {
  return [...new Set(scopes)].map((scope) => {
    if (Object.hasOwn(SCOPES, scope)) {
      const known = SCOPES[scope as OperatorScope];
      return { scope, label: known.label, description: known.description };
    }
    return {
      scope,
      label: scope,
      description: 'a permission this app does not know; approve only if you expected it',
    };
  });
}

export function parsePendingRequest(raw: unknown, ttlMs: number): PairingQueueItem | undefined {
  const r = record(raw);
  if (!r) return undefined;
  const requestId = str(r.requestId);
  const deviceId = str(r.deviceId);
  const publicKey = str(r.publicKey);
  const ts = num(r.ts);
  if (!requestId || !deviceId || !publicKey || ts === undefined) return undefined;
  const role = str(r.role) ?? strings(r.roles)[0] ?? 'operator';
  return optional<PairingQueueItem>({
    requestId,
    deviceId,
    publicKey,
    displayName: str(r.displayName),
    platform: str(r.platform),
    clientId: str(r.clientId),
    clientMode: str(r.clientMode),
    remoteIp: str(r.remoteIp),
    role,
    scopes: describeScopes(strings(r.scopes)),
    isRepair: r.isRepair === true,
    ts,
    expiresAt: ts + ttlMs,
  });
}

function parseToken(raw: unknown): DeviceTokenInfo | undefined {
  const r = record(raw);
  const role = str(r?.role);
  if (!r || !role) return undefined;
  return optional<DeviceTokenInfo>({
    role,
    scopes: strings(r.scopes),
    createdAtMs: num(r.createdAtMs),
    rotatedAtMs: num(r.rotatedAtMs),
    revokedAtMs: num(r.revokedAtMs),
    lastUsedAtMs: num(r.lastUsedAtMs),
  });
}

export function parsePairedDevice(
  raw: unknown,
  ownDeviceId: string | undefined,
): PairedDeviceItem | undefined {
  const r = record(raw);
  const deviceId = str(r?.deviceId);
  if (!r || !deviceId) return undefined;
  const single = str(r.role);
  const roles = [...new Set([...strings(r.roles), ...(single ? [single] : [])])];
  const approved = strings(r.approvedScopes);
  // Token summaries arrive as a list; tolerate the on-disk map shape too.
  const rawTokens = Array.isArray(r.tokens) ? r.tokens : Object.values(record(r.tokens) ?? {});
  const tokens = rawTokens.map(parseToken).filter((t): t is DeviceTokenInfo => Boolean(t));
  const used = tokens.map((t) => t.lastUsedAtMs).filter((t): t is number => t !== undefined);
  return optional<PairedDeviceItem>({
    deviceId,
    displayName: str(r.displayName),
    platform: str(r.platform),
    clientId: str(r.clientId),
    clientMode: str(r.clientMode),
    remoteIp: str(r.remoteIp),
    roles,
    scopes: describeScopes(approved.length > 0 ? approved : strings(r.scopes)),
    tokens,
    createdAtMs: num(r.createdAtMs),
    approvedAtMs: num(r.approvedAtMs),
    approvedVia: str(r.approvedVia),
    lastUsedAtMs: used.length > 0 ? Math.max(...used) : undefined,
    isThisApp: ownDeviceId !== undefined && deviceId === ownDeviceId,
  });
}

export function parseResolution(raw: unknown): PairingResolution | undefined {
  const r = record(raw);
  const requestId = str(r?.requestId);
  const deviceId = str(r?.deviceId);
  const decision = r?.decision;
  if (!requestId || !deviceId || (decision !== 'approved' && decision !== 'rejected'))
    return undefined;
  return { requestId, deviceId, decision };
}

/**
 * Device ids with a live connection, from the gateway's `system-presence` list: a browser that is
 * open right now is "connected", whatever its token's last-used stamp says.
 */
export function presentDeviceIds(raw: unknown): Set<string> {
  const list = Array.isArray(raw)
    ? raw
    : Array.isArray(record(raw)?.presence)
      ? (record(raw)?.presence as unknown[])
      : [];
  const ids = new Set<string>();
  for (const entry of list) {
    const id = str(record(entry)?.deviceId);
    if (id) ids.add(id);
  }
  return ids;
}

/** The `device.pair.list` result; entries that do not validate are left out. */
export function parsePairList(
  raw: unknown,
  ttlMs: number,
  ownDeviceId: string | undefined,
): { pending: PairingQueueItem[]; paired: PairedDeviceItem[] } {
  const r = record(raw);
  const pending = (Array.isArray(r?.pending) ? r.pending : [])
    .map((entry) => parsePendingRequest(entry, ttlMs))
    .filter((item): item is PairingQueueItem => Boolean(item));
  const paired = (Array.isArray(r?.paired) ? r.paired : [])
    .map((entry) => parsePairedDevice(entry, ownDeviceId))
    .filter((item): item is PairedDeviceItem => Boolean(item));
  return { pending, paired };
}
