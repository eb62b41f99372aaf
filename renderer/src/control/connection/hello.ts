/**
 * The parts of `hello-ok` the Control UI uses, read defensively: the frame comes over the network
 * and a newer or older gateway may send more, less or differently shaped fields.
 */

export interface PresenceEntry {
  host?: string;
  ip?: string;
  version?: string;
  platform?: string;
  deviceFamily?: string;
  mode?: string;
  reason?: string;
  text?: string;
  ts: number;
  onlineSince?: number;
  deviceId?: string;
  roles?: string[];
  scopes?: string[];
  instanceId?: string;
}

export interface GatewayHello {
  protocol: number;
  serverVersion: string;
  connId: string;
  methods: string[];
  events: string[];
  role: string;
  scopes: string[];
  tickIntervalMs: number;
  presence: PresenceEntry[];
  health: Record<string, unknown> | null;
  /** Gateway uptime when the hello was built, and our clock then (uptime now = uptimeMs + elapsed). */
  uptimeMs: number | null;
  receivedAtMs: number;
  authMode?: string;
  configPath?: string;
  stateDir?: string;
  defaultAgentId?: string;
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function optString(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

export function optNumber(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

export function stringList(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
}

export function parsePresenceEntry(value: unknown): PresenceEntry | null {
  if (!isRecord(value)) return null;
  const entry: PresenceEntry = { ts: optNumber(value.ts) ?? 0 };
  for (const key of [
    'host',
    'ip',
    'version',
    'platform',
    'deviceFamily',
    'mode',
    'reason',
    'text',
    'deviceId',
    'instanceId',
  ] as const) {
    const text = optString(value[key]);
    if (text !== undefined) entry[key] = text;
  }
  const onlineSince = optNumber(value.onlineSince);
  if (onlineSince !== undefined) entry.onlineSince = onlineSince;
  if (Array.isArray(value.roles)) entry.roles = stringList(value.roles);
  if (Array.isArray(value.scopes)) entry.scopes = stringList(value.scopes);
  return entry;
}

export function parsePresenceList(value: unknown): PresenceEntry[] {
  const list = Array.isArray(value) ? value : isRecord(value) ? value.presence : undefined;
  if (!Array.isArray(list)) return [];
  return list.map(parsePresenceEntry).filter((e): e is PresenceEntry => e !== null);
}

export function parseHello(value: unknown, receivedAtMs: number): GatewayHello {
  const hello = isRecord(value) ? value : {};
  const server = isRecord(hello.server) ? hello.server : {};
  const features = isRecord(hello.features) ? hello.features : {};
  const snapshot = isRecord(hello.snapshot) ? hello.snapshot : {};
  const auth = isRecord(hello.auth) ? hello.auth : {};
  const policy = isRecord(hello.policy) ? hello.policy : {};
  const defaults = isRecord(snapshot.sessionDefaults) ? snapshot.sessionDefaults : {};
  return {
    protocol: optNumber(hello.protocol) ?? 0,
    serverVersion: optString(server.version) ?? 'unknown',
    connId: optString(server.connId) ?? '',
    methods: stringList(features.methods),
    events: stringList(features.events),
    role: optString(auth.role) ?? 'operator',
    scopes: stringList(auth.scopes),
    tickIntervalMs: Math.max(optNumber(policy.tickIntervalMs) ?? 30_000, 1_000),
    presence: parsePresenceList(snapshot.presence),
    health: isRecord(snapshot.health) ? snapshot.health : null,
    uptimeMs: optNumber(snapshot.uptimeMs) ?? null,
    receivedAtMs,
    authMode: optString(snapshot.authMode),
    configPath: optString(snapshot.configPath),
    stateDir: optString(snapshot.stateDir),
    defaultAgentId: optString(defaults.defaultAgentId),
  };
}
