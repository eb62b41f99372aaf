/**
 * A stack change is either applied or visibly not applied — never silently recorded as the current
 * state. `settings.json` (and the stack's `.env`) only ever hold what the stack runs; the change
 * being applied, or the one that failed, lives here, in `stack-change.json` next to the settings:
 *
 *   applied ──begin──▶ applying ──succeed──▶ applied
 *                         │
 *                        fail (or the app stopped: found `applying` at the next start)
 *                         ▼
 *                      failed ──begin (Retry, or a new change)──▶ applying
 *                         │
 *                      discard ──▶ applied   (the applied settings stay as they are)
 *
 * The transitions are pure functions; the store persists each one atomically before it returns,
 * so what the renderer is told is what the next app start will find.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { Value } from 'typebox/value';
import {
  StackChangeSchema,
  type StackChange,
  type StackSettings,
} from '../../contract/host-api.js';
import { writeFileAtomic } from '../../../gateway/infra/atomic-write.js';
import {
  ErrorCode,
  OpenClawError,
  errorMessage,
  systemErrorCode,
} from '../../../gateway/infra/errors.js';

export type { StackChange } from '../../contract/host-api.js';
export type StackChangeKind = Exclude<StackChange, { state: 'applied' }>['kind'];

export const STACK_CHANGE_FILE = 'stack-change.json';
const APPLIED: StackChange = { state: 'applied' };

export function beginChange(
  current: StackChange,
  kind: StackChangeKind,
  desired: StackSettings,
  now: number,
): StackChange {
  if (current.state === 'applying') {
    throw new OpenClawError(
      ErrorCode.APPLY_IN_PROGRESS,
      'Other stack changes are being applied right now. Wait until they finish, then try again.',
    );
  }
  // From `failed`, a new change (or Retry) replaces the pending one: only one can be pending.
  return { state: 'applying', kind, desired, startedAt: now };
}

export function changeSucceeded(current: StackChange): StackChange {
  if (current.state !== 'applying') return current;
  return APPLIED;
}

export function changeFailed(
  current: StackChange,
  error: { code: string; message: string },
  now: number,
): StackChange {
  if (current.state !== 'applying') return current;
  return { state: 'failed', kind: current.kind, desired: current.desired, error, failedAt: now };
}

export function discardChange(current: StackChange): StackChange {
  if (current.state === 'applying') {
    throw new OpenClawError(
      ErrorCode.APPLY_IN_PROGRESS,
      'The changes are being applied right now; cancel the apply first, then discard them.',
    );
  }
  return APPLIED;
}

/** At start-up: a change still `applying` means the app stopped in the middle of it. */
export function recoverChange(current: StackChange, now: number): StackChange {
  if (current.state !== 'applying') return current;
  return changeFailed(
    current,
    {
      code: ErrorCode.APPLY_INTERRUPTED,
      message:
        'The app stopped while these changes were being applied, so they were not applied. Retry to apply them, or discard them.',
    },
    now,
  );
}

export function stackChangeFile(dataDir: string): string {
  return path.join(dataDir, STACK_CHANGE_FILE);
}

export interface StackChangeStoreOptions {
  now?: () => number;
  /** Told about every state this store moves to (the host emits an invalidation). */
  onChange?: (next: StackChange) => void;
}

export interface OpenedStackChangeStore {
  store: StackChangeStore;
  /** What was wrong with the file (ignored: treated as "nothing pending"). */
  warning?: string;
}

/** The persisted state machine for one data folder. One per process (the app host owns it). */
export class StackChangeStore {
  private constructor(
    private readonly file: string,
    private state: StackChange,
    private readonly options: StackChangeStoreOptions,
  ) {}

  /** Load the state, turning an interrupted apply into a failed one (persisted at once). */
  static async open(
    dataDir: string,
    options: StackChangeStoreOptions = {},
  ): Promise<OpenedStackChangeStore> {
    const file = stackChangeFile(dataDir);
    const now = options.now ?? Date.now;
    let loaded: StackChange = APPLIED;
    let warning: string | undefined;
    try {
      const value: unknown = JSON.parse(await fs.readFile(file, 'utf8'));
      if (Value.Check(StackChangeSchema, value)) loaded = value;
      else warning = `${file} does not hold a valid stack change; it is ignored`;
    } catch (err) {
      if (systemErrorCode(err) !== 'ENOENT')
        warning = `could not read ${file} (${errorMessage(err)}); it is ignored`;
    }
    const store = new StackChangeStore(file, loaded, options);
    const recovered = recoverChange(loaded, now());
    if (recovered !== loaded) await store.moveTo(recovered);
    return { store, ...(warning ? { warning } : {}) };
  }

  get current(): StackChange {
    return this.state;
  }

  begin(kind: StackChangeKind, desired: StackSettings): Promise<StackChange> {
    return this.moveTo(beginChange(this.state, kind, desired, this.now()));
  }

  succeed(): Promise<StackChange> {
    return this.moveTo(changeSucceeded(this.state));
  }

  fail(error: { code: string; message: string }): Promise<StackChange> {
    return this.moveTo(changeFailed(this.state, error, this.now()));
  }

  discard(): Promise<StackChange> {
    return this.moveTo(discardChange(this.state));
  }

  private now(): number {
    return (this.options.now ?? Date.now)();
  }

  private async moveTo(next: StackChange): Promise<StackChange> {
    if (next === this.state) return next;
    try {
      await writeFileAtomic(this.file, `${JSON.stringify(next, null, 2)}\n`, {
        mode: 0o600,
        dirMode: 0o700,
      });
    } catch (err) {
      // Entering `applying` unpersisted is refused (the apply does not start). Leaving it still
      // happens in memory, or every later apply would be refused as "in progress"; the stale
      // `applying` on disk turns into "interrupted" at the next start, which is the truth.
      if (next.state !== 'applying') this.set(next);
      throw err;
    }
    this.set(next);
    return next;
  }

  private set(next: StackChange): void {
    this.state = next;
    this.options.onChange?.(next);
  }
}

export interface StackChangeSteps<T> {
  /** Bring the stack to `desired` (build, write `.env`, recreate); throws when it did not. */
  apply(desired: StackSettings): Promise<T>;
  /** Record `desired` as the applied settings (settings.json); only after `apply` succeeded. */
  commit(desired: StackSettings): Promise<void>;
}

function errorOf(err: unknown): { code: string; message: string } {
  if (err instanceof OpenClawError) return { code: err.code, message: err.message };
  return { code: ErrorCode.INTERNAL, message: errorMessage(err) };
}

/**
 * Apply `desired` through the state machine: applying while it runs, applied once the stack AND
 * settings.json hold it, failed (with the error, settings.json untouched) otherwise. The original
 * error is rethrown for the caller's own reporting.
 */
export async function runStackChange<T>(
  store: StackChangeStore,
  kind: StackChangeKind,
  desired: StackSettings,
  steps: StackChangeSteps<T>,
): Promise<T> {
  await store.begin(kind, desired);
  let result: T;
  try {
    result = await steps.apply(desired);
    await steps.commit(desired);
  } catch (err) {
    // The apply's own error is the one to report; a disk error recording it must not replace it.
    await store.fail(errorOf(err)).catch(() => undefined);
    throw err;
  }
  await store.succeed();
  return result;
}
