/**
 * Runs by idempotency key, one at a time per session key. A `chat.send` or `agent` call submits a
 * run under its idempotency key: a new key starts (or queues behind the session's current run),
 * a key seen before answers with that run's state instead of running twice. Finished runs are
 * remembered for a while (upstream dedupes ~5 min, ~1000 entries) so a client retrying after a
 * lost ack gets `ok`, not a second answer.
 */
import { ErrorCode, OpenClawError } from '../../infra/errors.js';

export type RunState = 'queued' | 'running' | 'ok' | 'error' | 'aborted';

/** How a run ended, as `agent.wait` and the second stage of `agent` report it. */
export interface RunOutcome {
  status: 'ok' | 'error' | 'aborted';
  error?: string;
  /** Final assistant text (what `openclaw agent` prints). */
  text?: string;
  startedAt?: number;
  endedAt: number;
}

export interface RunHandle {
  readonly runId: string;
  readonly sessionKey: string;
  readonly signal: AbortSignal;
  state: RunState;
  /** Resolves when the run has ended (never rejects). */
  readonly done: Promise<RunOutcome>;
  outcome?: RunOutcome;
}

export type SubmitResult =
  | { status: 'started'; run: RunHandle }
  | { status: 'in_flight'; run: RunHandle }
  | { status: 'ok'; run: RunHandle };

export interface RunRegistryOptions<T> {
  /** Does the work of one run; called when the run reaches the head of its session's queue. */
  execute(run: RunHandle, input: T): Promise<RunOutcome>;
  /** How long a finished run's key is remembered (default 5 min). */
  retainMs?: number;
  /** Most finished runs remembered (default 1000; oldest forgotten first). */
  maxRetained?: number;
  now?: () => number;
}

interface Entry extends RunHandle {
  controller: AbortController;
  resolve(outcome: RunOutcome): void;
}

export class RunRegistry<T> {
  private readonly runs = new Map<string, Entry>();
  /** Tail of each session's chain of runs. */
  private readonly tails = new Map<string, Promise<unknown>>();
  private readonly retainMs: number;
  private readonly maxRetained: number;
  private readonly now: () => number;
  private closed = false;

  constructor(private readonly options: RunRegistryOptions<T>) {
    this.retainMs = options.retainMs ?? 5 * 60_000;
    this.maxRetained = options.maxRetained ?? 1000;
    this.now = options.now ?? Date.now;
  }

  /**
   * Start a run under `runId` for a session, queued behind the session's current run. A known
   * `runId` is answered from its state: `in_flight` while queued or running, `ok` once ended.
   */
  submit(runId: string, sessionKey: string, input: T): SubmitResult {
    this.prune();
    const known = this.runs.get(runId);
    if (known) {
      return known.state === 'queued' || known.state === 'running'
        ? { status: 'in_flight', run: known }
        : { status: 'ok', run: known };
    }
    if (this.closed) {
      throw new OpenClawError(
        ErrorCode.CANCELLED,
        'The gateway is stopping; send the message again once it is back.',
      );
    }
    const controller = new AbortController();
    let resolve!: (outcome: RunOutcome) => void;
    const done = new Promise<RunOutcome>((r) => (resolve = r));
    const entry: Entry = {
      runId,
      sessionKey,
      signal: controller.signal,
      state: 'queued',
      done,
      controller,
      resolve,
    };
    this.runs.set(runId, entry);
    const previous = this.tails.get(sessionKey) ?? Promise.resolve();
    const task = previous.then(() => this.execute(entry, input));
    this.tails.set(sessionKey, task);
    void task.then(() => {
      if (this.tails.get(sessionKey) === task) this.tails.delete(sessionKey);
    });
    return { status: 'started', run: entry };
  }

  get(runId: string): RunHandle | undefined {
    return this.runs.get(runId);
  }

  /** The run a session is working on now, if any. */
  active(sessionKey: string): RunHandle | undefined {
    for (const run of this.runs.values()) {
      if (run.sessionKey === sessionKey && run.state === 'running') return run;
    }
    return undefined;
  }

  /** The session's runs that are queued or going, oldest first. */
  pending(sessionKey: string): RunHandle[] {
    return [...this.runs.values()].filter(
      (run) => run.sessionKey === sessionKey && (run.state === 'queued' || run.state === 'running'),
    );
  }

  /**
   * Abort one run of a session, or (no `runId`) every queued and running run of it. Returns the
   * ids that were still going. A queued run aborted before its turn still ends through `execute`
   * (with its signal aborted), so it gets its terminal events like any other.
   */
  abort(sessionKey: string, runId?: string): string[] {
    const aborted: string[] = [];
    for (const run of this.runs.values()) {
      if (run.sessionKey !== sessionKey) continue;
      if (runId !== undefined && run.runId !== runId) continue;
      if (run.state !== 'queued' && run.state !== 'running') continue;
      run.controller.abort();
      aborted.push(run.runId);
    }
    return aborted;
  }

  /** Wait for a run's end, at most `timeoutMs`; `undefined` when it is still going then. */
  async wait(runId: string, timeoutMs: number): Promise<RunOutcome | undefined> {
    const run = this.runs.get(runId);
    if (!run) return undefined;
    if (run.outcome) return run.outcome;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<undefined>((resolve) => {
      timer = setTimeout(() => resolve(undefined), timeoutMs);
      timer.unref();
    });
    try {
      return await Promise.race([run.done, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  /** Refuse new runs, abort every run and wait (at most `graceMs`) for them to end. */
  async close(graceMs = 5000): Promise<void> {
    this.closed = true;
    const pending = [...this.runs.values()].filter((r) => !r.outcome);
    for (const run of pending) run.controller.abort();
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      Promise.all(pending.map((r) => r.done)),
      new Promise<void>((resolve) => {
        timer = setTimeout(resolve, graceMs);
        timer.unref();
      }),
    ]);
    clearTimeout(timer);
  }

  private async execute(entry: Entry, input: T): Promise<void> {
    entry.state = 'running';
    const startedAt = this.now();
    let outcome: RunOutcome;
    try {
      outcome = await this.options.execute(entry, input);
    } catch (err) {
      // execute is meant to report failures as outcomes; a throw is a bug, still an ended run.
      outcome = {
        status: 'error',
        error: err instanceof Error ? err.message : String(err),
        endedAt: this.now(),
      };
    }
    outcome = { startedAt, ...outcome };
    entry.state = outcome.status;
    entry.outcome = outcome;
    entry.resolve(outcome);
  }

  private prune(): void {
    const cutoff = this.now() - this.retainMs;
    const finished = [...this.runs.values()].filter((r) => r.outcome);
    let excess = finished.length - this.maxRetained;
    for (const run of finished) {
      if (excess > 0 || run.outcome!.endedAt < cutoff) {
        this.runs.delete(run.runId);
        excess -= 1;
      }
    }
  }
}
