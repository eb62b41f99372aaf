/**
 * The gateway's status as one explicit phase, computed by a pure function from what the supervisor
 * last observed (engine ping, compose state, container health, `/readyz`, operator connection) plus
 * its own bookkeeping (user stop, give-up after crashes, the running operation). Every surface —
 * tray, window, headless page, notifications — reads this one snapshot, so they never disagree.
 */
import type { GatewayStatus, StatusPhase } from '../../contract/host-api.js';

export type { StatusPhase };

/** The snapshot is exactly the contract's status payload, so it crosses both transports as is. */
export type GatewayStatusSnapshot = GatewayStatus;

export type EngineState = 'not-installed' | 'stopped' | 'starting' | 'ready' | 'unresponsive';

/** Before the first probe the supervisor does not know the engine's state yet. */
export type ObservedEngineState = EngineState | 'unknown';

export type ContainerRunState =
  'running' | 'exited' | 'restarting' | 'created' | 'paused' | 'dead' | 'missing';

export type ContainerHealthState = 'healthy' | 'unhealthy' | 'starting' | 'none';

export type OperatorState = 'connected' | 'connecting' | 'disconnected' | 'not-paired';

export interface ContainerObservation {
  state: ContainerRunState;
  health: ContainerHealthState;
  /** Epoch ms of the container's last start (engine clock). */
  startedAt?: number;
  exitCode?: number;
}

export interface StatusObservation {
  /** Local clock, for uptime and the start grace period. */
  now: number;
  port: number;
  engine: ObservedEngineState;
  stackSetUp: boolean;
  container?: ContainerObservation;
  /** `/readyz` answered ready; undefined when not probed (container not running). */
  httpReady?: boolean;
  operator: OperatorState;
  pendingApprovals: number;
  /** The user (in the app or from a terminal) stopped the gateway; nothing restarts it. */
  userStopped: boolean;
  /** The restart policy gave up after repeated crashes. */
  failed?: { reason: string; crashes: number };
  /** The operation the queue is running right now. */
  operation?: { kind: string; startedAt: number };
  /** A crash restart is waiting out its backoff delay. */
  restartScheduled?: { attempt: number; at: number };
  /**
   * The container just exited and the crash detector has not decided yet whether it was a stop
   * (a `stop` event may still follow) or a crash. Without it the status would read "stopped" for
   * that moment and then "starting" — a flicker with Start enabled.
   */
  exitPending?: boolean;
  /** Message of the last failed operation, shown as detail until an operation succeeds. */
  lastError?: string;
  /** How long a running container that does not answer `/readyz` yet counts as starting. */
  startGraceMs?: number;
}

export const DEFAULT_START_GRACE_MS = 90_000;

/** Operations that bring the gateway up; while one runs, a down container is "starting". */
export const STARTING_OPERATION_KINDS: ReadonlySet<string> = new Set([
  'start',
  'restart',
  'rebuild',
  'crash-restart',
  'resume',
]);

const OPERATION_LABELS: Record<string, string> = {
  start: 'starting',
  stop: 'stopping',
  restart: 'restarting',
  rebuild: 'rebuilding the image',
  'crash-restart': 'restarting after a crash',
  resume: 'starting',
  sandbox: 'turning the agent sandbox on',
  'sandbox-off': 'turning the agent sandbox off',
};

function operationLabel(kind: string): string {
  return OPERATION_LABELS[kind] ?? `${kind} in progress`;
}

function approvalsText(count: number): string {
  return count === 1 ? '1 approval pending' : `${count} approvals pending`;
}

const ENGINE_SUMMARIES: Record<Exclude<ObservedEngineState, 'ready' | 'not-installed'>, string> = {
  unknown: 'Checking Docker…',
  stopped: 'Docker is not running — start Docker Desktop',
  starting: 'Docker is starting…',
  unresponsive: 'Docker is not responding — restart Docker Desktop',
};

/** The engine sub-state rides in `detail` of `engine-stopped` snapshots (the contract has no field). */
const ENGINE_DETAIL_PREFIX = 'engine: ';

/** Which engine state an `engine-stopped` snapshot stands for; undefined for other phases. */
export function engineStateOf(status: GatewayStatusSnapshot): ObservedEngineState | undefined {
  if (status.phase !== 'engine-stopped' || !status.detail?.startsWith(ENGINE_DETAIL_PREFIX)) {
    return undefined;
  }
  const value = status.detail.slice(ENGINE_DETAIL_PREFIX.length);
  return value === 'unknown' ||
    value === 'stopped' ||
    value === 'starting' ||
    value === 'unresponsive'
    ? value
    : undefined;
}

interface PhaseResult {
  phase: StatusPhase;
  summary: string;
  detail?: string;
}

/**
 * Precedence: engine-missing > engine-stopped > not-set-up > failed > the container-derived phases
 * (stopped / starting / unhealthy / running / pairing-pending). `failed` sits above the container
 * phases on purpose: a crash-looping container is usually `exited` or `restarting`, so if the
 * container won, the give-up state would never be visible. The supervisor clears `failed` when
 * the user acts or the gateway has run stably again.
 */
function classify(o: StatusObservation, pending: number): PhaseResult {
  if (o.engine === 'not-installed') {
    return {
      phase: 'engine-missing',
      summary: 'Docker is not installed — install Docker Desktop to run the gateway',
    };
  }
  if (o.engine !== 'ready') {
    return {
      phase: 'engine-stopped',
      summary: ENGINE_SUMMARIES[o.engine],
      detail: `${ENGINE_DETAIL_PREFIX}${o.engine}`,
    };
  }
  if (!o.stackSetUp) {
    return { phase: 'not-set-up', summary: 'Gateway is not set up — run setup to create it' };
  }
  if (o.failed) {
    return {
      phase: 'failed',
      summary: `Gateway: failed after ${o.failed.crashes} crashes — see Diagnostics`,
      detail: o.failed.reason,
    };
  }

  const c = o.container;
  const opKind = o.operation?.kind;
  const opSummary = opKind ? `Gateway: ${operationLabel(opKind)}…` : undefined;

  if (
    !c ||
    c.state === 'exited' ||
    c.state === 'created' ||
    c.state === 'dead' ||
    c.state === 'missing'
  ) {
    if (opKind && STARTING_OPERATION_KINDS.has(opKind)) {
      return { phase: 'starting', summary: opSummary ?? 'Gateway: starting…' };
    }
    if (o.restartScheduled) {
      return {
        phase: 'starting',
        summary: `Gateway crashed — restarting (attempt ${o.restartScheduled.attempt})`,
      };
    }
    if (o.exitPending && !o.userStopped && !opKind) {
      return { phase: 'starting', summary: 'Gateway exited — checking whether it crashed…' };
    }
    const exited =
      !o.userStopped && c?.exitCode !== undefined && c.exitCode !== 0
        ? `Exited with code ${c.exitCode}`
        : undefined;
    return {
      phase: 'stopped',
      summary: opSummary ?? 'Gateway: stopped',
      ...(exited ? { detail: exited } : {}),
    };
  }
  if (c.state === 'restarting') {
    // The engine's own restart policy is bringing it back.
    return { phase: 'starting', summary: opSummary ?? 'Gateway: restarting…' };
  }
  if (c.state === 'paused') {
    return { phase: 'unhealthy', summary: opSummary ?? 'Gateway: paused — restart it to resume' };
  }

  // running
  if (c.health === 'unhealthy') {
    return {
      phase: 'unhealthy',
      summary: opSummary ?? 'Gateway: unhealthy — see Logs or Diagnostics',
      detail: 'The container health check is failing',
    };
  }
  // Docker's health status stays "starting" until its first check interval has passed; a
  // gateway that already answers /readyz is running (setup said so a moment ago).
  if (c.health === 'starting' && o.httpReady !== true) {
    return { phase: 'starting', summary: opSummary ?? 'Gateway: starting…' };
  }
  if (o.httpReady === false) {
    const upFor = c.startedAt === undefined ? 0 : o.now - c.startedAt;
    if (upFor < (o.startGraceMs ?? DEFAULT_START_GRACE_MS)) {
      return { phase: 'starting', summary: opSummary ?? 'Gateway: starting…' };
    }
    return {
      phase: 'unhealthy',
      summary: opSummary ?? 'Gateway: not answering — see Logs or Diagnostics',
      detail: `The gateway does not report ready on port ${o.port}`,
    };
  }
  if (pending > 0) {
    return {
      phase: 'pairing-pending',
      summary: `${opSummary ?? 'Gateway: running'} · ${approvalsText(pending)}`,
    };
  }
  return { phase: 'running', summary: opSummary ?? 'Gateway: running' };
}

export function computeStatus(o: StatusObservation): GatewayStatusSnapshot {
  const pending = Number.isFinite(o.pendingApprovals)
    ? Math.max(0, Math.floor(o.pendingApprovals))
    : 0;
  const { phase, summary, detail } = classify(o, pending);

  const engineAndStack =
    phase !== 'engine-missing' && phase !== 'engine-stopped' && phase !== 'not-set-up';
  const state = o.container?.state;
  const isUp = state === 'running' || state === 'restarting' || state === 'paused';
  const opKind = o.operation?.kind;
  const busy = opKind !== undefined;
  const bringingUp = opKind !== undefined && STARTING_OPERATION_KINDS.has(opKind);

  const running = engineAndStack && state === 'running';
  const uptimeMs =
    running && o.container?.startedAt !== undefined
      ? Math.max(0, o.now - o.container.startedAt)
      : undefined;

  // The give-up reason already names the last error; elsewhere a failed operation says why.
  const shownDetail = o.lastError && engineAndStack && phase !== 'failed' ? o.lastError : detail;

  return {
    phase,
    summary,
    ...(shownDetail ? { detail: shownDetail } : {}),
    // Not while it is coming back by itself (a crash restart, the engine's restart policy):
    // Start and Stop both enabled would say two opposite things about the same moment.
    canStart: engineAndStack && !busy && !isUp && phase !== 'starting',
    // Stop also cancels a start in progress or a pending crash restart.
    canStop:
      engineAndStack &&
      opKind !== 'stop' &&
      (isUp || bringingUp || o.restartScheduled !== undefined),
    canRestart: engineAndStack && !busy && isUp,
    canRebuild: engineAndStack && !busy,
    ...(uptimeMs !== undefined ? { uptimeMs } : {}),
    pendingApprovals: pending,
    port: o.port,
    operator: o.operator,
    ...(o.operation
      ? { operation: { kind: o.operation.kind, startedAt: o.operation.startedAt } }
      : {}),
  };
}
