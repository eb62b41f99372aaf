/**
 * Validates one raw engine event (the JSON objects of `GET /events`, as dockerode streams them)
 * into the small shape the crash detector reads. The events stream crosses a process boundary, so
 * nothing is trusted: unknown actions, non-container events and malformed fields yield undefined.
 */
import type { GatewayEvent, GatewayEventAction } from './crash-detector.js';

export interface ParsedContainerEvent {
  event: GatewayEvent;
  /** `com.docker.compose.project` label, when present. */
  project?: string;
  /** `com.docker.compose.service` label, when present. */
  service?: string;
}

const ACTIONS: ReadonlySet<string> = new Set<GatewayEventAction>([
  'kill',
  'stop',
  'die',
  'start',
  'restart',
  'oom',
  'health_status: unhealthy',
  'health_status: healthy',
]);

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function str(value: unknown): string | undefined {
  return typeof value === 'string' && value.length > 0 ? value : undefined;
}

function eventTime(raw: Record<string, unknown>): number | undefined {
  const nano = raw.timeNano;
  if (typeof nano === 'number' && Number.isFinite(nano) && nano > 0) return Math.floor(nano / 1e6);
  const sec = raw.time;
  if (typeof sec === 'number' && Number.isFinite(sec) && sec > 0) return sec * 1000;
  return undefined;
}

export function parseDockerEvent(raw: unknown): ParsedContainerEvent | undefined {
  if (!isRecord(raw)) return undefined;
  const type = str(raw.Type) ?? 'container';
  if (type !== 'container') return undefined;
  const action = (str(raw.Action) ?? str(raw.status))?.trim().replace(/\s+/g, ' ');
  if (!action || !ACTIONS.has(action)) return undefined;
  const actor = isRecord(raw.Actor) ? raw.Actor : {};
  const containerId = str(actor.ID) ?? str(raw.id);
  if (!containerId || !/^[0-9a-f]{12,64}$/i.test(containerId)) return undefined;
  const ts = eventTime(raw);
  if (ts === undefined) return undefined;
  const attrs = isRecord(actor.Attributes) ? actor.Attributes : {};
  const exitText = str(attrs.exitCode);
  const exitCode =
    exitText !== undefined && /^-?\d{1,4}$/.test(exitText) ? Number(exitText) : undefined;
  const signal = str(attrs.signal);
  const project = str(attrs['com.docker.compose.project']);
  const service = str(attrs['com.docker.compose.service']);
  return {
    event: {
      action: action as GatewayEventAction,
      containerId,
      ts,
      ...(exitCode !== undefined ? { exitCode } : {}),
      ...(signal !== undefined && signal.length <= 16 ? { signal } : {}),
    },
    ...(project ? { project } : {}),
    ...(service ? { service } : {}),
  };
}
