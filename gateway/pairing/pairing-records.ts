/**
 * Shapes of `devices/pending.json` and `devices/paired.json` (the upstream Era A layout, so files
 * written by the official CLI, an older gateway or a hand edit keep working) and their validation.
 * These files are written by several processes and sometimes by hand, so every read is validated:
 * malformed entries are dropped, unknown fields on valid entries are kept (a newer writer's
 * additions must survive our rewrite). Maps are null-prototype objects so ids like `__proto__` or
 * `constructor` are plain keys, never inherited members.
 */

export type PairingRequestReason =
  'not-paired' | 'role-upgrade' | 'scope-upgrade' | 'metadata-upgrade';

export interface PendingPairingRequest {
  requestId: string;
  deviceId: string;
  /** base64url of the raw 32-byte Ed25519 key. */
  publicKey: string;
  displayName?: string;
  platform?: string;
  deviceFamily?: string;
  clientId?: string;
  clientMode?: string;
  role?: string;
  roles?: string[];
  scopes?: string[];
  remoteIp?: string;
  silent?: boolean;
  /** The device is already paired (role, scope or metadata upgrade). */
  isRepair?: boolean;
  ts: number;
}

export interface DeviceTokenRecord {
  token: string;
  role: string;
  scopes: string[];
  createdAtMs: number;
  rotatedAtMs?: number;
  revokedAtMs?: number;
  lastUsedAtMs?: number;
}

export interface PairedDevice {
  deviceId: string;
  publicKey: string;
  displayName?: string;
  platform?: string;
  deviceFamily?: string;
  clientId?: string;
  clientMode?: string;
  role?: string;
  roles?: string[];
  scopes?: string[];
  approvedScopes?: string[];
  remoteIp?: string;
  tokens?: Record<string, DeviceTokenRecord>;
  createdAtMs: number;
  approvedAtMs: number;
  approvedVia?: string;
}

export type PendingFile = Record<string, PendingPairingRequest>;
export type PairedFile = Record<string, PairedDevice>;

/** What clients may see of a token: never its value. */
export interface DeviceTokenSummary {
  role: string;
  scopes: string[];
  createdAtMs: number;
  rotatedAtMs?: number;
  revokedAtMs?: number;
  lastUsedAtMs?: number;
}

/** `tokens` is sorted by role; empty when the device holds none. */
export type PairedDeviceView = Omit<PairedDevice, 'tokens'> & { tokens: DeviceTokenSummary[] };

export function emptyDict<T>(): Record<string, T> {
  return Object.create(null) as Record<string, T>;
}

type Raw = Record<string, unknown>;

function isObject(value: unknown): value is Raw {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function str(value: unknown): string | undefined {
  return typeof value === 'string' && value.trim() !== '' ? value : undefined;
}

function num(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

function strList(value: unknown): string[] | undefined {
  return Array.isArray(value)
    ? value.filter((v): v is string => typeof v === 'string' && v.trim() !== '')
    : undefined;
}

function bool(value: unknown): boolean | undefined {
  return typeof value === 'boolean' ? value : undefined;
}

/** Copy `raw` (keeping unknown fields) and overwrite the known ones with validated values. */
function withKnown<T extends object>(raw: Raw, known: Record<string, unknown>): T {
  const out: Raw = { ...raw };
  for (const [key, value] of Object.entries(known)) {
    if (value === undefined) delete out[key];
    else out[key] = value;
  }
  return out as T;
}

function parsePending(key: string, raw: unknown): PendingPairingRequest | undefined {
  if (!isObject(raw)) return undefined;
  const deviceId = str(raw.deviceId);
  const publicKey = str(raw.publicKey);
  if (!deviceId || !publicKey) return undefined;
  return withKnown<PendingPairingRequest>(raw, {
    requestId: str(raw.requestId) ?? key,
    deviceId,
    publicKey,
    displayName: str(raw.displayName),
    platform: str(raw.platform),
    deviceFamily: str(raw.deviceFamily),
    clientId: str(raw.clientId),
    clientMode: str(raw.clientMode),
    role: str(raw.role),
    roles: strList(raw.roles),
    scopes: strList(raw.scopes),
    remoteIp: str(raw.remoteIp),
    silent: bool(raw.silent),
    isRepair: bool(raw.isRepair),
    // No timestamp: treat as ancient so the TTL prunes it rather than keeping it forever.
    ts: num(raw.ts) ?? 0,
  });
}

function parseToken(key: string, raw: unknown): DeviceTokenRecord | undefined {
  if (!isObject(raw)) return undefined;
  const token = str(raw.token);
  if (!token) return undefined;
  return withKnown<DeviceTokenRecord>(raw, {
    token,
    role: str(raw.role) ?? key,
    scopes: strList(raw.scopes) ?? [],
    createdAtMs: num(raw.createdAtMs) ?? 0,
    rotatedAtMs: num(raw.rotatedAtMs),
    revokedAtMs: num(raw.revokedAtMs),
    lastUsedAtMs: num(raw.lastUsedAtMs),
  });
}

function parsePaired(key: string, raw: unknown): PairedDevice | undefined {
  if (!isObject(raw)) return undefined;
  const deviceId = str(raw.deviceId) ?? key;
  const publicKey = str(raw.publicKey);
  if (!publicKey) return undefined;
  let tokens: Record<string, DeviceTokenRecord> | undefined;
  if (isObject(raw.tokens)) {
    tokens = emptyDict<DeviceTokenRecord>();
    for (const [role, value] of Object.entries(raw.tokens)) {
      const token = parseToken(role, value);
      if (token) tokens[role] = token;
    }
  }
  const createdAtMs = num(raw.createdAtMs) ?? 0;
  return withKnown<PairedDevice>(raw, {
    deviceId,
    publicKey,
    displayName: str(raw.displayName),
    platform: str(raw.platform),
    deviceFamily: str(raw.deviceFamily),
    clientId: str(raw.clientId),
    clientMode: str(raw.clientMode),
    role: str(raw.role),
    roles: strList(raw.roles),
    scopes: strList(raw.scopes),
    approvedScopes: strList(raw.approvedScopes),
    remoteIp: str(raw.remoteIp),
    tokens,
    createdAtMs,
    approvedAtMs: num(raw.approvedAtMs) ?? createdAtMs,
    approvedVia: str(raw.approvedVia),
  });
}

export function parsePendingFile(raw: unknown): PendingFile {
  const out = emptyDict<PendingPairingRequest>();
  if (!isObject(raw)) return out;
  for (const [key, value] of Object.entries(raw)) {
    const entry = parsePending(key, value);
    if (entry) out[entry.requestId] = entry;
  }
  return out;
}

export function parsePairedFile(raw: unknown): PairedFile {
  const out = emptyDict<PairedDevice>();
  if (!isObject(raw)) return out;
  for (const [key, value] of Object.entries(raw)) {
    const entry = parsePaired(key, value);
    if (entry) out[entry.deviceId] = entry;
  }
  return out;
}

/** Roles a paired record grants (older records carry only the singular `role`). */
export function pairedRoles(device: PairedDevice): string[] {
  const roles = [...(device.roles ?? [])];
  if (device.role && !roles.includes(device.role)) roles.push(device.role);
  return roles;
}

/** Scopes a paired record grants (`approvedScopes`, falling back to `scopes` on older records). */
export function pairedApprovedScopes(device: PairedDevice): string[] {
  return device.approvedScopes ?? device.scopes ?? [];
}

export function toTokenSummary(token: DeviceTokenRecord): DeviceTokenSummary {
  const summary: DeviceTokenSummary = {
    role: token.role,
    scopes: [...token.scopes],
    createdAtMs: token.createdAtMs,
  };
  if (token.rotatedAtMs !== undefined) summary.rotatedAtMs = token.rotatedAtMs;
  if (token.revokedAtMs !== undefined) summary.revokedAtMs = token.revokedAtMs;
  if (token.lastUsedAtMs !== undefined) summary.lastUsedAtMs = token.lastUsedAtMs;
  return summary;
}

const VIEW_FIELDS = [
  'deviceId',
  'publicKey',
  'displayName',
  'platform',
  'deviceFamily',
  'clientId',
  'clientMode',
  'role',
  'roles',
  'scopes',
  'approvedScopes',
  'remoteIp',
  'createdAtMs',
  'approvedAtMs',
  'approvedVia',
] as const satisfies ReadonlyArray<keyof PairedDevice>;

/**
 * The paired record as clients (device.pair.list, the desktop app) may see it: known fields only,
 * token values stripped to summaries. Unknown fields are left out so nothing secret a newer
 * writer added can leak through.
 */
export function toClientView(device: PairedDevice): PairedDeviceView {
  const view: Record<string, unknown> = {};
  for (const field of VIEW_FIELDS) {
    const value = device[field];
    if (value !== undefined) view[field] = Array.isArray(value) ? [...value] : value;
  }
  view.tokens = Object.values(device.tokens ?? {})
    .map(toTokenSummary)
    .sort((a, b) => a.role.localeCompare(b.role));
  return view as PairedDeviceView;
}

const REQUEST_EVENT_FIELDS = [
  'requestId',
  'deviceId',
  'publicKey',
  'displayName',
  'platform',
  'deviceFamily',
  'clientId',
  'clientMode',
  'role',
  'roles',
  'scopes',
  'remoteIp',
  'silent',
  'isRepair',
  'ts',
] as const satisfies ReadonlyArray<keyof PendingPairingRequest>;

/**
 * A pending request as sent to clients (`device.pair.requested`, `device.pair.list`). The
 * protocol schema is a closed object, so only its known fields go out.
 */
export function toPendingView(request: PendingPairingRequest): PendingPairingRequest {
  const view: Record<string, unknown> = {};
  for (const field of REQUEST_EVENT_FIELDS) {
    const value = request[field];
    if (value !== undefined) view[field] = Array.isArray(value) ? [...value] : value;
  }
  return view as unknown as PendingPairingRequest;
}
