/**
 * Validators for the answers of the gateway methods the Control UI pages read. Each keeps what it
 * can use and drops what it cannot, so an unexpected field never breaks a page.
 */
import { isRecord, optNumber, optString, stringList } from './hello.js';

export interface GatewayStatus {
  version?: string;
  uptimeMs?: number;
  pid?: number;
  node?: string;
  port?: number;
  bind?: string;
  authMode?: string;
  listening?: string;
  connections?: number;
  presenceCount?: number;
  pairingPending?: number;
  pairingPaired?: number;
  configPath?: string;
  configValid?: boolean;
  stateDir?: string;
}

export function parseStatus(raw: unknown): GatewayStatus {
  const v = isRecord(raw) ? raw : {};
  const gateway = isRecord(v.gateway) ? v.gateway : {};
  const pairing = isRecord(v.pairing) ? v.pairing : {};
  const config = isRecord(v.config) ? v.config : {};
  return {
    version: optString(v.version),
    uptimeMs: optNumber(v.uptimeMs),
    pid: optNumber(v.pid),
    node: optString(v.node),
    port: optNumber(gateway.port),
    bind: optString(gateway.bind),
    authMode: optString(gateway.authMode),
    listening: optString(gateway.listening),
    connections: optNumber(v.connections),
    presenceCount: optNumber(v.presence),
    pairingPending: optNumber(pairing.pending),
    pairingPaired: optNumber(pairing.paired),
    configPath: optString(config.path),
    configValid: typeof config.valid === 'boolean' ? config.valid : undefined,
    stateDir: optString(v.stateDir),
  };
}

export interface GatewayHealth {
  ok: boolean;
  ts?: number;
  durationMs?: number;
  defaultAgentId?: string;
  sessionCount?: number;
  recentSessions: Array<{ key: string; updatedAt: number | null }>;
}

export function parseHealth(raw: unknown): GatewayHealth {
  const v = isRecord(raw) ? raw : {};
  const sessions = isRecord(v.sessions) ? v.sessions : {};
  const recent = Array.isArray(sessions.recent) ? sessions.recent : [];
  return {
    ok: v.ok === true,
    ts: optNumber(v.ts),
    durationMs: optNumber(v.durationMs),
    defaultAgentId: optString(v.defaultAgentId),
    sessionCount: optNumber(sessions.count),
    recentSessions: recent
      .filter(isRecord)
      .map((r) => ({ key: optString(r.key) ?? '', updatedAt: optNumber(r.updatedAt) ?? null }))
      .filter((r) => r.key !== ''),
  };
}

export interface PendingDevice {
  requestId: string;
  deviceId: string;
  publicKey?: string;
  displayName?: string;
  platform?: string;
  clientId?: string;
  clientMode?: string;
  role?: string;
  scopes: string[];
  remoteIp?: string;
  isRepair: boolean;
  ts: number;
}

export interface DeviceTokenSummary {
  role: string;
  scopes: string[];
  createdAtMs?: number;
  rotatedAtMs?: number;
  revokedAtMs?: number;
  lastUsedAtMs?: number;
}

export interface PairedDevice {
  deviceId: string;
  displayName?: string;
  platform?: string;
  clientId?: string;
  clientMode?: string;
  roles: string[];
  scopes: string[];
  remoteIp?: string;
  approvedAtMs?: number;
  approvedVia?: string;
  tokens: DeviceTokenSummary[];
}

export interface DevicePairList {
  pending: PendingDevice[];
  paired: PairedDevice[];
}

function parsePending(v: unknown): PendingDevice | null {
  if (!isRecord(v)) return null;
  const requestId = optString(v.requestId);
  const deviceId = optString(v.deviceId);
  if (!requestId || !deviceId) return null;
  return {
    requestId,
    deviceId,
    publicKey: optString(v.publicKey),
    displayName: optString(v.displayName),
    platform: optString(v.platform),
    clientId: optString(v.clientId),
    clientMode: optString(v.clientMode),
    role: optString(v.role),
    scopes: stringList(v.scopes),
    remoteIp: optString(v.remoteIp),
    isRepair: v.isRepair === true,
    ts: optNumber(v.ts) ?? 0,
  };
}

function parseTokenSummary(v: unknown): DeviceTokenSummary | null {
  if (!isRecord(v)) return null;
  const role = optString(v.role);
  if (!role) return null;
  return {
    role,
    scopes: stringList(v.scopes),
    createdAtMs: optNumber(v.createdAtMs),
    rotatedAtMs: optNumber(v.rotatedAtMs),
    revokedAtMs: optNumber(v.revokedAtMs),
    lastUsedAtMs: optNumber(v.lastUsedAtMs),
  };
}

function parsePaired(v: unknown): PairedDevice | null {
  if (!isRecord(v)) return null;
  const deviceId = optString(v.deviceId);
  if (!deviceId) return null;
  const roles = stringList(v.roles);
  const role = optString(v.role);
  if (role && !roles.includes(role)) roles.push(role);
  const approved = stringList(v.approvedScopes);
  return {
    deviceId,
    displayName: optString(v.displayName),
    platform: optString(v.platform),
    clientId: optString(v.clientId),
    clientMode: optString(v.clientMode),
    roles,
    scopes: approved.length > 0 ? approved : stringList(v.scopes),
    remoteIp: optString(v.remoteIp),
    approvedAtMs: optNumber(v.approvedAtMs),
    approvedVia: optString(v.approvedVia),
    tokens: (Array.isArray(v.tokens) ? v.tokens : [])
      .map(parseTokenSummary)
      .filter((t): t is DeviceTokenSummary => t !== null),
  };
}

export function parseDevicePairList(raw: unknown): DevicePairList {
  const v = isRecord(raw) ? raw : {};
  return {
    pending: (Array.isArray(v.pending) ? v.pending : [])
      .map(parsePending)
      .filter((p): p is PendingDevice => p !== null)
      .sort((a, b) => b.ts - a.ts),
    paired: (Array.isArray(v.paired) ? v.paired : [])
      .map(parsePaired)
      .filter((p): p is PairedDevice => p !== null),
  };
}

export interface ConfigIssue {
  path: string;
  message: string;
}

export interface ConfigView {
  path?: string;
  exists: boolean;
  /** The file's JSON5 text with secrets replaced by the redaction placeholder. */
  raw: string | null;
  /** Parsed and redacted. */
  config: unknown;
  valid: boolean;
  hash: string | null;
  issues: ConfigIssue[];
}

export function parseIssues(raw: unknown): ConfigIssue[] {
  return (Array.isArray(raw) ? raw : []).filter(isRecord).map((i) => ({
    path: typeof i.path === 'string' ? i.path : '',
    message: optString(i.message) ?? 'invalid',
  }));
}

export function parseConfigView(raw: unknown): ConfigView {
  const v = isRecord(raw) ? raw : {};
  return {
    path: optString(v.path),
    exists: v.exists === true,
    raw: typeof v.raw === 'string' ? v.raw : null,
    config: v.parsed ?? v.config ?? null,
    valid: v.valid !== false,
    hash: optString(v.hash) ?? null,
    issues: parseIssues(v.issues),
  };
}

export interface SessionRow {
  key: string;
  kind: string;
  agentId?: string;
  label?: string;
  displayName?: string;
  channel?: string;
  model?: string;
  updatedAt: number | null;
  totalTokens?: number;
}

export interface SessionList {
  count: number;
  path?: string;
  sessions: SessionRow[];
}

export function parseSessionList(raw: unknown): SessionList {
  const v = isRecord(raw) ? raw : {};
  const rows = (Array.isArray(v.sessions) ? v.sessions : []).filter(isRecord).flatMap((r) => {
    const key = optString(r.key);
    if (!key) return [];
    const row: SessionRow = {
      key,
      kind: optString(r.kind) ?? 'unknown',
      agentId: optString(r.agentId),
      label: optString(r.label) ?? optString(r.derivedTitle),
      displayName: optString(r.displayName),
      channel: optString(r.channel) ?? optString(r.lastChannel),
      model: optString(r.model),
      updatedAt: optNumber(r.updatedAt) ?? null,
      totalTokens: optNumber(r.totalTokens),
    };
    return [row];
  });
  return { count: optNumber(v.count) ?? rows.length, path: optString(v.path), sessions: rows };
}

export interface LogTail {
  file?: string;
  cursor: number;
  size: number;
  lines: string[];
  truncated: boolean;
  reset: boolean;
}

export function parseLogTail(raw: unknown): LogTail {
  const v = isRecord(raw) ? raw : {};
  return {
    file: optString(v.file),
    cursor: optNumber(v.cursor) ?? 0,
    size: optNumber(v.size) ?? 0,
    lines: stringList(v.lines),
    truncated: v.truncated === true,
    reset: v.reset === true,
  };
}
