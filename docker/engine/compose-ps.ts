/**
 * One shape for "which containers does this compose project have", whatever produced it:
 * Compose v2's `ps --format json` (a JSON array before v2.21, JSON lines since), or an engine
 * inspect (how v1 is read, since v1 has no JSON output). Parsing is strict about types and lenient
 * about missing fields, because the v2 output has changed shape across releases.
 */
import { ErrorCode, OpenClawError } from '../../gateway/infra/errors.js';

export type ContainerState =
  'created' | 'running' | 'restarting' | 'paused' | 'removing' | 'exited' | 'dead' | 'unknown';
export type ContainerHealth = 'healthy' | 'unhealthy' | 'starting' | 'none';

export interface ComposePsEntry {
  service: string;
  /** Container name, without the leading slash the engine uses. */
  name: string;
  state: ContainerState;
  health: ContainerHealth;
  /** Container id as the source gave it (v2 prints a 12-char short id; inspect gives 64). */
  id: string;
  exitCode: number | undefined;
}

const STATES: readonly ContainerState[] = [
  'created',
  'running',
  'restarting',
  'paused',
  'removing',
  'exited',
  'dead',
];

/** Maps engine states ("running") and human statuses ("Up 3 minutes (healthy)", "Exit 1") alike. */
export function normaliseState(value: unknown): ContainerState {
  if (typeof value !== 'string') return 'unknown';
  const lower = value.trim().toLowerCase();
  const exact = STATES.find((s) => s === lower);
  if (exact) return exact;
  if (lower.startsWith('up')) return lower.includes('paused') ? 'paused' : 'running';
  if (lower.startsWith('exit')) return 'exited';
  if (lower.startsWith('restarting')) return 'restarting';
  if (lower.startsWith('created')) return 'created';
  return 'unknown';
}

/**
 * Health from an explicit value ("healthy", "starting", …) or, failing that, from the suffix of a
 * human status ("Up 5 s (health: starting)"). Only the parenthesised suffix counts: the status
 * "Restarting (1) 3 seconds ago" contains "starting" but says nothing about health.
 */
export function normaliseHealth(value: unknown, status?: unknown): ContainerHealth {
  if (typeof value === 'string' && value.trim()) {
    const lower = value.trim().toLowerCase();
    if (lower === 'healthy' || lower === 'unhealthy' || lower === 'starting') return lower;
    return 'none';
  }
  if (typeof status !== 'string') return 'none';
  const match = /\((?:health: )?(healthy|unhealthy|starting)\)\s*$/i.exec(status.trim());
  return match ? (match[1]?.toLowerCase() as ContainerHealth) : 'none';
}

function str(record: Record<string, unknown>, key: string): string | undefined {
  const value = record[key];
  return typeof value === 'string' ? value : undefined;
}

/** Labels arrive as an object (inspect) or as "k=v,k=v" (v2 ps >= 2.21). */
function labelValue(labels: unknown, key: string): string | undefined {
  if (labels && typeof labels === 'object' && !Array.isArray(labels)) {
    const value = (labels as Record<string, unknown>)[key];
    return typeof value === 'string' ? value : undefined;
  }
  if (typeof labels === 'string') {
    for (const pair of labels.split(',')) {
      const eq = pair.indexOf('=');
      if (eq > 0 && pair.slice(0, eq) === key) return pair.slice(eq + 1);
    }
  }
  return undefined;
}

function fromV2Record(value: unknown): ComposePsEntry {
  if (!value || typeof value !== 'object' || Array.isArray(value)) {
    throw new OpenClawError(
      ErrorCode.COMPOSE_FAILED,
      'Unexpected `compose ps` output: an entry is not an object. Update Docker Compose.',
    );
  }
  const record = value as Record<string, unknown>;
  const id = str(record, 'ID') ?? '';
  const name = (str(record, 'Name') ?? str(record, 'Names') ?? '').replace(/^\//, '');
  const service =
    str(record, 'Service') ?? labelValue(record.Labels, 'com.docker.compose.service') ?? '';
  if (!id && !name) {
    throw new OpenClawError(
      ErrorCode.COMPOSE_FAILED,
      'Unexpected `compose ps` output: an entry has neither ID nor Name. Update Docker Compose.',
    );
  }
  const exit = record.ExitCode;
  return {
    service,
    name,
    id,
    state: normaliseState(str(record, 'State') ?? str(record, 'Status')),
    health: normaliseHealth(record.Health, record.Status),
    exitCode: typeof exit === 'number' ? exit : undefined,
  };
}

/**
 * Parses `docker compose ps --format json` output of any v2 release: a JSON array (< 2.21),
 * JSON lines (>= 2.21), or nothing at all for an empty project.
 */
export function parseComposePsJson(output: string): ComposePsEntry[] {
  const text = output.trim();
  if (!text) return [];
  const parseOne = (chunk: string): unknown => {
    try {
      return JSON.parse(chunk) as unknown;
    } catch (err) {
      throw new OpenClawError(
        ErrorCode.COMPOSE_FAILED,
        `Could not read \`compose ps --format json\` output (${chunk.slice(0, 80)}…). Update Docker Compose, or report this output.`,
        { cause: err },
      );
    }
  };
  if (text.startsWith('[')) {
    const parsed = parseOne(text);
    if (!Array.isArray(parsed))
      throw new OpenClawError(
        ErrorCode.COMPOSE_FAILED,
        'Unexpected `compose ps` output: not a list.',
      );
    return parsed.map(fromV2Record);
  }
  return text
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line.length > 0)
    .map((line) => fromV2Record(parseOne(line)));
}

/** The subset of an engine container inspect that ps needs (validated, not trusted). */
export interface InspectLike {
  Id?: unknown;
  Name?: unknown;
  Config?: { Labels?: unknown } | null;
  State?: { Status?: unknown; ExitCode?: unknown; Health?: { Status?: unknown } | null } | null;
}

/** Builds a ps entry from `docker inspect` data (the v1 path and the dockerode observers). */
export function psEntryFromInspect(info: InspectLike): ComposePsEntry {
  const exit = info.State?.ExitCode;
  return {
    id: typeof info.Id === 'string' ? info.Id : '',
    name: typeof info.Name === 'string' ? info.Name.replace(/^\//, '') : '',
    service: labelValue(info.Config?.Labels, 'com.docker.compose.service') ?? '',
    state: normaliseState(info.State?.Status),
    health: normaliseHealth(info.State?.Health?.Status),
    exitCode: typeof exit === 'number' ? exit : undefined,
  };
}
