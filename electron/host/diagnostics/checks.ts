/**
 * The diagnostics runner: a registry of checks, each run with its own timeout and never allowed to
 * throw — a check that crashes or hangs is reported as failed with what happened, so one broken
 * probe can never hide the results of the others. Results keep the registry's order.
 */
import { toDisposable, type Disposable } from '../../../gateway/infra/disposable.js';
import { ErrorCode, OpenClawError, errorMessage } from '../../../gateway/infra/errors.js';
import { cancelledError } from '../../../docker/engine/index.js';
import type { DiagnosticsContext } from './context.js';
import { composeCheck, engineCheck, healthCheck, portCheck } from './engine-checks.js';
import { maskSecrets } from './masking.js';
import { allowedOriginsCheck, configPermissionsCheck, diskSpaceCheck } from './stack-checks.js';
import { tokenSyncCheck } from './token-sync-check.js';

export type DiagnosticStatus = 'ok' | 'warn' | 'fail' | 'skip';

/** One-click fixes the app can offer next to the manual `command`. */
export type DiagnosticFixAction =
  | 'start-engine'
  | 'fix-config-ownership'
  | 'choose-port'
  | 'sync-token'
  | 'recreate-gateway'
  | 'add-allowed-origin'
  | 'start-gateway'
  | 'run-setup';

export interface DiagnosticFix {
  label: string;
  /** A command to run in a terminal, exactly as shown. */
  command?: string;
  docs?: string;
  action?: DiagnosticFixAction;
}

export interface CheckOutcome {
  status: DiagnosticStatus;
  detail: string;
  fix?: DiagnosticFix;
  /** Facts for the UI (a suggested port, free bytes, …); never secrets. */
  data?: Record<string, unknown>;
}

export interface DiagnosticCheck {
  id: string;
  title: string;
  /** Default 10 s. */
  timeoutMs?: number;
  run(ctx: DiagnosticsContext, signal: AbortSignal): Promise<CheckOutcome>;
}

export interface DiagnosticResult extends CheckOutcome {
  id: string;
  title: string;
  durationMs: number;
}

export const DEFAULT_CHECK_TIMEOUT_MS = 10_000;
const STATUSES = new Set<DiagnosticStatus>(['ok', 'warn', 'fail', 'skip']);

/** An ordered set of checks; ids are unique. */
export class CheckRegistry {
  private readonly items: DiagnosticCheck[] = [];

  constructor(checks: readonly DiagnosticCheck[] = []) {
    for (const check of checks) this.register(check);
  }

  /** Adds a check at the end; dispose() removes it again. */
  register(check: DiagnosticCheck): Disposable {
    if (this.items.some((c) => c.id === check.id)) {
      throw new OpenClawError(
        ErrorCode.INVALID_ARGUMENT,
        `A diagnostics check with id "${check.id}" is already registered.`,
      );
    }
    this.items.push(check);
    return toDisposable(() => {
      const i = this.items.indexOf(check);
      if (i >= 0) this.items.splice(i, 1);
    });
  }

  list(): DiagnosticCheck[] {
    return [...this.items];
  }
}

function isOutcome(value: unknown): value is CheckOutcome {
  if (!value || typeof value !== 'object') return false;
  const v = value as Partial<CheckOutcome>;
  return typeof v.status === 'string' && STATUSES.has(v.status) && typeof v.detail === 'string';
}

async function runOne(
  check: DiagnosticCheck,
  ctx: DiagnosticsContext,
  outer: AbortSignal | undefined,
  defaultTimeoutMs: number,
): Promise<DiagnosticResult> {
  const timeoutMs = check.timeoutMs ?? defaultTimeoutMs;
  const controller = new AbortController();
  const onOuterAbort = (): void => controller.abort(outer?.reason);
  outer?.addEventListener('abort', onOuterAbort, { once: true });
  const started = performance.now();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timedOut = new Promise<CheckOutcome>((resolve) => {
    timer = setTimeout(() => {
      controller.abort(new OpenClawError(ErrorCode.TIMEOUT, `${check.title} timed out`));
      resolve({
        status: 'fail',
        detail: `The check did not finish within ${Math.round(timeoutMs / 100) / 10} s; the probe may be hanging (an unresponsive engine or port).`,
      });
    }, timeoutMs);
  });
  let outcome: CheckOutcome;
  try {
    const result: unknown = await Promise.race([
      Promise.resolve().then(() => check.run(ctx, controller.signal)),
      timedOut,
    ]);
    outcome = isOutcome(result)
      ? result
      : { status: 'fail', detail: 'The check returned an invalid result (internal error).' };
  } catch (err) {
    // A crash message may quote a file or a command line: mask it like anything else we show.
    outcome = {
      status: 'fail',
      detail: `The check itself failed: ${maskSecrets(errorMessage(err))}`,
    };
  } finally {
    clearTimeout(timer);
    outer?.removeEventListener('abort', onOuterAbort);
  }
  return {
    id: check.id,
    title: check.title,
    ...outcome,
    durationMs: Math.round(performance.now() - started),
  };
}

export interface RunDiagnosticsOptions {
  signal?: AbortSignal;
  /** Default: BUILTIN_CHECKS. */
  checks?: readonly DiagnosticCheck[] | CheckRegistry;
  defaultTimeoutMs?: number;
  /** Called as each check finishes (in completion order), for progress display. */
  onResult?: (result: DiagnosticResult) => void;
}

/**
 * Run the checks concurrently and return their results in registry order. Rejects only with
 * CANCELLED when `signal` aborts.
 */
export async function runChecks(
  ctx: DiagnosticsContext,
  checks: readonly DiagnosticCheck[] | CheckRegistry,
  options: Omit<RunDiagnosticsOptions, 'checks'> = {},
): Promise<DiagnosticResult[]> {
  const { signal } = options;
  if (signal?.aborted) throw cancelledError('Diagnostics');
  const list = checks instanceof CheckRegistry ? checks.list() : [...checks];
  const results = await Promise.all(
    list.map(async (check) => {
      const result = await runOne(
        check,
        ctx,
        signal,
        options.defaultTimeoutMs ?? DEFAULT_CHECK_TIMEOUT_MS,
      );
      try {
        options.onResult?.(result);
      } catch {
        // a progress listener must not break the run
      }
      return result;
    }),
  );
  if (signal?.aborted) throw cancelledError('Diagnostics');
  return results;
}

/** Every built-in check, in the order results are shown: engine first, the gateway last. */
export const BUILTIN_CHECKS: readonly DiagnosticCheck[] = [
  engineCheck,
  composeCheck,
  portCheck,
  configPermissionsCheck,
  diskSpaceCheck,
  allowedOriginsCheck,
  tokenSyncCheck,
  healthCheck,
];

/** A registry pre-filled with the built-in checks, for adding more. */
export function createCheckRegistry(): CheckRegistry {
  return new CheckRegistry(BUILTIN_CHECKS);
}

/** Run the diagnostics (by default every built-in check); results in order, never throws but CANCELLED. */
export function runDiagnostics(
  ctx: DiagnosticsContext,
  options: RunDiagnosticsOptions = {},
): Promise<DiagnosticResult[]> {
  return runChecks(ctx, options.checks ?? BUILTIN_CHECKS, options);
}
