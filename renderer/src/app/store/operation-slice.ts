/**
 * The long operation in progress (setup, apply, rebuild), assembled from `operation.progress`
 * events: the phases seen so far, the build step, a bounded log, and how it ended.
 */
import type { OperationProgress } from '../../../../electron/contract/host-api.js';
import { toHostError, type HostError } from '../../host/host-error.js';
import { isBuildPhase } from '../operation/phases.js';
import type { AppSlice } from './slice.js';

/** Lines kept in memory; a long build prints far more, the tail is what matters. */
export const OPERATION_LOG_LIMIT = 2000;

/** One Dockerfile step of the build, with when it ran (the renderer's clock, on receipt). */
export interface BuildStepView {
  index: number;
  total: number;
  label: string;
  instruction: string | undefined;
  startedAt: number;
  endedAt: number | undefined;
}

export interface OperationView {
  operationId: string | undefined;
  kind: string;
  phases: Array<{ phase: string; message: string }>;
  message: string | undefined;
  step: { index: number; total: number; label?: string } | undefined;
  /** Every build step seen so far, in order; the last is still running until `endedAt` is set. */
  buildSteps: BuildStepView[];
  log: string[];
  done: boolean;
  error: string | undefined;
  errorCode: string | undefined;
  cancelRequested: boolean;
  startedAt: number;
  endedAt: number | undefined;
}

export interface OperationSlice {
  operation: OperationView | null;
  beginOperation(kind: string): void;
  applyProgress(progress: OperationProgress): void;
  failOperation(error: HostError | Error): void;
  finishOperation(message?: string): void;
  cancelOperation(): Promise<boolean>;
  clearOperation(): void;
}

function fresh(kind: string, operationId?: string, now = Date.now()): OperationView {
  return {
    operationId,
    kind,
    phases: [],
    message: undefined,
    step: undefined,
    buildSteps: [],
    log: [],
    done: false,
    error: undefined,
    errorCode: undefined,
    cancelRequested: false,
    startedAt: now,
    endedAt: undefined,
  };
}

function appendLog(log: string[], text: string): string[] {
  const lines = text.replace(/\r\n?/g, '\n').replace(/\n$/, '').split('\n');
  const next = log.concat(lines);
  return next.length > OPERATION_LOG_LIMIT ? next.slice(next.length - OPERATION_LOG_LIMIT) : next;
}

/** The running build step ends when the next one starts, a later phase begins or the operation ends. */
function closeOpenStep(steps: BuildStepView[], now: number): BuildStepView[] {
  const last = steps.at(-1);
  if (!last || last.endedAt !== undefined) return steps;
  return [...steps.slice(0, -1), { ...last, endedAt: now }];
}

/** Pure: fold one progress event into the current view (`now` stamps step and operation times). */
export function reduceProgress(
  current: OperationView | null,
  p: OperationProgress,
  now = Date.now(),
): OperationView {
  let op = current;
  const sameOp = op && (op.operationId === undefined || op.operationId === p.operationId);
  if (!op || !sameOp) op = fresh(p.kind, p.operationId, now);
  else if (op.operationId === undefined) op = { ...op, operationId: p.operationId, kind: p.kind };
  else op = { ...op };
  if (p.phase) {
    const known = op.phases.findIndex((x) => x.phase === p.phase);
    const entry = { phase: p.phase, message: p.message ?? p.phase };
    op.phases =
      known === -1 ? [...op.phases, entry] : op.phases.map((x, i) => (i === known ? entry : x));
    // A new phase ends the previous build step display.
    if (!isBuildPhase(p.phase)) {
      op.step = undefined;
      op.buildSteps = closeOpenStep(op.buildSteps, now);
    }
  }
  if (p.message) op.message = p.message;
  if (p.step) {
    const label = p.step.label ?? p.message ?? `Step ${p.step.index}`;
    op.step = { index: p.step.index, total: p.step.total, label };
    op.buildSteps = [
      ...closeOpenStep(op.buildSteps, now),
      {
        index: p.step.index,
        total: p.step.total,
        label,
        instruction: p.step.instruction,
        startedAt: now,
        endedAt: undefined,
      },
    ];
  }
  if (p.phase && p.message) op.log = appendLog(op.log, `▸ ${p.message}`);
  else if (p.step) {
    // The log keeps the raw instruction; the headline shows the readable name.
    const head = `▸ Step ${p.step.index}/${p.step.total}: ${op.step?.label ?? ''}`;
    op.log = appendLog(op.log, p.step.instruction ? `${head}\n  ${p.step.instruction}` : head);
  }
  if (p.log) op.log = appendLog(op.log, p.log);
  if (p.error) {
    op.error = p.error;
    op.log = appendLog(op.log, `✖ ${p.error}`);
  }
  if (p.done) {
    op.done = true;
    op.endedAt ??= now;
    op.buildSteps = closeOpenStep(op.buildSteps, now);
  }
  return op;
}

export const createOperationSlice: AppSlice<OperationSlice> = (host) => (set, get) => ({
  operation: null,
  beginOperation(kind) {
    set({ operation: fresh(kind) });
  },
  applyProgress(progress) {
    set({ operation: reduceProgress(get().operation, progress) });
  },
  failOperation(error) {
    const err = toHostError(error);
    const op = get().operation ?? fresh('operation');
    const now = Date.now();
    set({
      operation: {
        ...op,
        done: true,
        error: op.error ?? err.message,
        errorCode: err.code,
        endedAt: op.endedAt ?? now,
        buildSteps: closeOpenStep(op.buildSteps, now),
      },
    });
  },
  finishOperation(message) {
    const op = get().operation;
    if (!op) return;
    const now = Date.now();
    set({
      operation: {
        ...op,
        done: true,
        message: message ?? op.message,
        endedAt: op.endedAt ?? now,
        buildSteps: closeOpenStep(op.buildSteps, now),
      },
    });
  },
  async cancelOperation() {
    const op = get().operation;
    if (!op || op.done) return false;
    set({ operation: { ...op, cancelRequested: true } });
    try {
      const { cancelled } = await host.call('operation.cancel', {});
      if (!cancelled) {
        const now = get().operation;
        if (now) set({ operation: { ...now, cancelRequested: false } });
      }
      return cancelled;
    } catch {
      const now = get().operation;
      if (now) set({ operation: { ...now, cancelRequested: false } });
      return false;
    }
  },
  clearOperation() {
    set({ operation: null });
  },
});
