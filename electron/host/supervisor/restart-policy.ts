/**
 * When (and whether) to restart a crashed gateway. A pure state machine over explicit timestamps —
 * no timers — so every sequence is testable without waiting:
 * - capped exponential backoff (1 s, 2 s, 4 s … 60 s) with injected jitter, so a gateway that dies
 *   at boot does not spin the engine;
 * - a burst limit: too many crashes in a window means restarting does not help (bad config, broken
 *   image); the policy gives up into a visible `failed` state instead of looping forever;
 * - counters reset after a stable run, so one crash a week always starts at 1 s again;
 * - a stop the user asked for is never "repaired": while `userStopped`, crashes are ignored.
 */

export interface RestartPolicyOptions {
  initialDelayMs?: number;
  maxDelayMs?: number;
  multiplier?: number;
  /** Jitter adds up to this fraction of the delay (0.2 ⇒ +0…20 %); it never shortens a delay. */
  jitterRatio?: number;
  /** Source of jitter in [0, 1); injected so tests are deterministic. */
  random?: () => number;
  /** This many crashes within `burstWindowMs` ⇒ give up. */
  burstLimit?: number;
  burstWindowMs?: number;
  /** A run this long counts as stable and resets the counters. */
  stableRunMs?: number;
}

export type CrashDecision =
  | { action: 'restart'; delayMs: number; attempt: number }
  | { action: 'give-up'; reason: string; crashes: number }
  | { action: 'ignore'; reason: 'user-stopped' | 'failed' };

export interface FailedState {
  reason: string;
  crashes: number;
}

export interface RestartPolicyState {
  userStopped: boolean;
  failed?: FailedState;
  /** Crashes since the last reset; the next restart is attempt `attempt + 1`. */
  attempt: number;
  /** Crash timestamps inside the burst window. */
  recentCrashes: number[];
  runningSince?: number;
}

export const DEFAULT_RESTART_POLICY: Required<Omit<RestartPolicyOptions, 'random'>> = {
  initialDelayMs: 1_000,
  maxDelayMs: 60_000,
  multiplier: 2,
  jitterRatio: 0.2,
  burstLimit: 5,
  burstWindowMs: 5 * 60_000,
  stableRunMs: 2 * 60_000,
};

export class RestartPolicy {
  private readonly opts: Required<Omit<RestartPolicyOptions, 'random'>>;
  private readonly random: () => number;
  private userStoppedFlag = false;
  private failedState: FailedState | undefined;
  private attemptCount = 0;
  private crashTimes: number[] = [];
  private runStart: number | undefined;

  constructor(options: RestartPolicyOptions = {}) {
    this.opts = { ...DEFAULT_RESTART_POLICY, ...stripUndefined(options) };
    this.random = options.random ?? Math.random;
  }

  get userStopped(): boolean {
    return this.userStoppedFlag;
  }

  get failed(): FailedState | undefined {
    return this.failedState;
  }

  get attempt(): number {
    return this.attemptCount;
  }

  state(): RestartPolicyState {
    return {
      userStopped: this.userStoppedFlag,
      ...(this.failedState ? { failed: { ...this.failedState } } : {}),
      attempt: this.attemptCount,
      recentCrashes: [...this.crashTimes],
      ...(this.runStart !== undefined ? { runningSince: this.runStart } : {}),
    };
  }

  /** Backoff before restart number `attempt` (1-based), jitter included, capped. */
  delayFor(attempt: number): number {
    const { initialDelayMs, multiplier, maxDelayMs, jitterRatio } = this.opts;
    const exponent = Math.max(0, attempt - 1);
    const base = Math.min(maxDelayMs, initialDelayMs * multiplier ** exponent);
    const r = Math.min(Math.max(this.random(), 0), 1);
    return Math.min(maxDelayMs, Math.round(base * (1 + jitterRatio * r)));
  }

  /** The gateway crashed at `now`; `cause` ends up in the failed reason. */
  onCrash(now: number, cause?: string): CrashDecision {
    if (this.userStoppedFlag) return { action: 'ignore', reason: 'user-stopped' };
    if (this.failedState) return { action: 'ignore', reason: 'failed' };

    // A crash after a long healthy run is a fresh incident, not part of the last burst.
    if (this.runStart !== undefined && now - this.runStart >= this.opts.stableRunMs) this.reset();
    this.runStart = undefined;

    this.crashTimes = this.crashTimes.filter((t) => now - t < this.opts.burstWindowMs);
    this.crashTimes.push(now);
    this.attemptCount += 1;

    if (this.crashTimes.length >= this.opts.burstLimit) {
      const crashes = this.crashTimes.length;
      const minutes = Math.round(this.opts.burstWindowMs / 60_000);
      const reason =
        `The gateway crashed ${crashes} times within ${minutes} minute${minutes === 1 ? '' : 's'}` +
        (cause ? ` (last: ${cause})` : '');
      this.failedState = { reason, crashes };
      return { action: 'give-up', reason, crashes };
    }
    return {
      action: 'restart',
      delayMs: this.delayFor(this.attemptCount),
      attempt: this.attemptCount,
    };
  }

  /** The container is up since `since` (its start time); later calls with the same value are no-ops. */
  noteRunning(since: number): void {
    this.runStart = since;
  }

  /** The container is not running (any reason); a stable run must start over. */
  noteNotRunning(): void {
    this.runStart = undefined;
  }

  /**
   * True when the current run has lasted `stableRunMs` and that just reset the counters. A stable
   * run also clears `failed`: whoever got it running (the engine's restart policy, a terminal),
   * the crash loop is over.
   */
  checkStable(now: number): boolean {
    if (this.runStart === undefined || now - this.runStart < this.opts.stableRunMs) return false;
    if (this.attemptCount === 0 && this.crashTimes.length === 0 && !this.failedState) return false;
    this.reset();
    return true;
  }

  /** The user stopped the gateway: never repair it until they start it again. */
  noteUserStop(): void {
    this.userStoppedFlag = true;
  }

  /** The user (re)started the gateway: a clean slate — counters, give-up and stop all cleared. */
  noteUserStart(): void {
    this.userStoppedFlag = false;
    this.reset();
  }

  private reset(): void {
    this.attemptCount = 0;
    this.crashTimes = [];
    this.failedState = undefined;
  }
}

function stripUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
