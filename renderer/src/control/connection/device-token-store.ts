/**
 * Device tokens the gateway issues in `hello-ok.auth` after pairing, kept in localStorage under
 * `openclaw.device.auth.v1` like the upstream Control UI — but one entry per gateway, because the
 * app's window may talk to a different gateway port over time, and a token is only ever offered
 * to the gateway that issued it. Every read is validated: the value is shared with other tabs and
 * with whatever a person pasted into devtools.
 */
import type { GatewayBrowserDeviceTokenStore } from '@openclaw/gateway-client/browser';
import { gatewayScope } from './gateway-token.js';

export const DEVICE_AUTH_KEY = 'openclaw.device.auth.v1';

interface TokenEntry {
  token: string;
  role: string;
  scopes: string[];
  updatedAtMs: number;
}

interface GatewayEntry {
  deviceId: string;
  tokens: Record<string, TokenEntry>;
}

interface DeviceAuthFile {
  version: 1;
  gateways: Record<string, GatewayEntry>;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function parseToken(role: string, value: unknown): TokenEntry | null {
  if (!isRecord(value) || typeof value.token !== 'string' || value.token.trim() === '') return null;
  return {
    token: value.token,
    role,
    scopes: Array.isArray(value.scopes)
      ? value.scopes.filter((s): s is string => typeof s === 'string')
      : [],
    updatedAtMs: typeof value.updatedAtMs === 'number' ? value.updatedAtMs : 0,
  };
}

function emptyFile(): DeviceAuthFile {
  return { version: 1, gateways: Object.create(null) as Record<string, GatewayEntry> };
}

export function parseDeviceAuthFile(text: string | null): DeviceAuthFile {
  const file = emptyFile();
  if (!text) return file;
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return file;
  }
  if (!isRecord(parsed) || parsed.version !== 1 || !isRecord(parsed.gateways)) return file;
  for (const [scope, raw] of Object.entries(parsed.gateways)) {
    if (!isRecord(raw) || typeof raw.deviceId !== 'string' || !isRecord(raw.tokens)) continue;
    const tokens = Object.create(null) as Record<string, TokenEntry>;
    for (const [role, value] of Object.entries(raw.tokens)) {
      const entry = parseToken(role, value);
      if (entry) tokens[role] = entry;
    }
    file.gateways[scope] = { deviceId: raw.deviceId, tokens };
  }
  return file;
}

/** The token store for one gateway (`ws://host:port`), as `GatewayBrowserDeviceAuthLifecycle` wants it. */
export function createDeviceTokenStore(
  gatewayUrl: string,
  storage: Pick<Storage, 'getItem' | 'setItem'> | null = typeof localStorage === 'undefined'
    ? null
    : localStorage,
  now: () => number = Date.now,
): GatewayBrowserDeviceTokenStore {
  const scope = gatewayScope(gatewayUrl);
  // Without storage (blocked), tokens live for this page only.
  let memory = emptyFile();
  const read = (): DeviceAuthFile => {
    if (!storage) return memory;
    try {
      return parseDeviceAuthFile(storage.getItem(DEVICE_AUTH_KEY));
    } catch {
      return memory;
    }
  };
  const write = (file: DeviceAuthFile): void => {
    memory = file;
    try {
      storage?.setItem(DEVICE_AUTH_KEY, JSON.stringify(file));
    } catch {
      // quota or blocked storage: keep the in-memory copy
    }
  };
  return {
    load: ({ deviceId, role }) => {
      const entry = read().gateways[scope];
      if (!entry || entry.deviceId !== deviceId) return null;
      const token = entry.tokens[role];
      return token ? { token: token.token, scopes: [...token.scopes] } : null;
    },
    store: ({ deviceId, role, token, scopes }) => {
      const file = read();
      const current = file.gateways[scope];
      // A new device identity invalidates every token of the old one.
      const tokens =
        current && current.deviceId === deviceId
          ? current.tokens
          : (Object.create(null) as Record<string, TokenEntry>);
      tokens[role] = { token, role, scopes: [...scopes], updatedAtMs: now() };
      file.gateways[scope] = { deviceId, tokens };
      write(file);
    },
    clear: ({ deviceId, role }) => {
      const file = read();
      const current = file.gateways[scope];
      if (!current || current.deviceId !== deviceId || !current.tokens[role]) return;
      delete current.tokens[role];
      write(file);
    },
  };
}
