/**
 * The answer of `sandboxes.list` (rows as gateway/sandbox/admin/sandbox-inventory.ts builds them),
 * checked because it crossed the network. A row without a container name is dropped; an unknown
 * state or config match reads as "stopped" / "unknown" rather than a guess.
 */
import { isRecord, optNumber, optString } from './hello.js';

export type SandboxConfigMatch = 'yes' | 'no' | 'unknown';

export interface GatewaySandboxRow {
  containerName: string;
  scopeKey: string;
  agentId?: string;
  running: boolean;
  image: string;
  createdAtMs?: number;
  lastUsedAtMs?: number;
  configMatch: SandboxConfigMatch;
  configNote?: string;
}

export interface GatewaySandboxList {
  containers: GatewaySandboxRow[];
  /** The gateway's clock when it listed, so idle times do not depend on this browser's clock. */
  nowMs?: number;
}

function parseRow(raw: unknown): GatewaySandboxRow | null {
  if (!isRecord(raw)) return null;
  const containerName = optString(raw.containerName);
  if (!containerName) return null;
  const match = raw.configMatch;
  return {
    containerName,
    scopeKey: optString(raw.scopeKey) ?? '',
    agentId: optString(raw.agentId),
    running: raw.state === 'running',
    image: optString(raw.image) ?? '',
    createdAtMs: optNumber(raw.createdAtMs),
    lastUsedAtMs: optNumber(raw.lastUsedAtMs),
    configMatch: match === 'yes' || match === 'no' ? match : 'unknown',
    configNote: optString(raw.configNote),
  };
}

export function parseSandboxList(raw: unknown): GatewaySandboxList {
  const v = isRecord(raw) ? raw : {};
  const rows = Array.isArray(v.containers) ? v.containers : [];
  return {
    containers: rows.map(parseRow).filter((r): r is GatewaySandboxRow => r !== null),
    nowMs: optNumber(v.nowMs),
  };
}

export interface SandboxRecreateResult {
  removed: string[];
  failed: Array<{ containerName: string; error: string }>;
}

export function parseRecreateResult(raw: unknown): SandboxRecreateResult {
  const v = isRecord(raw) ? raw : {};
  const removed = Array.isArray(v.removed)
    ? v.removed.filter((n): n is string => typeof n === 'string')
    : [];
  const failed = (Array.isArray(v.failed) ? v.failed : []).flatMap((f) =>
    isRecord(f) && typeof f.containerName === 'string'
      ? [{ containerName: f.containerName, error: optString(f.error) ?? 'unknown error' }]
      : [],
  );
  return { removed, failed };
}
