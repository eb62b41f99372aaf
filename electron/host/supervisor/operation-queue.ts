/**
 * Serial operations queue: start, stop, restart, rebuild, apply… run one at a time, in the order
 * asked, because two compose invocations on the same project race each other (two `up`s recreate
 * the container twice; a `stop` during an `up` leaves either state). A repeated request of the same
 * kind that would run next anyway (double-clicked Start) joins the existing one instead of queueing
 * a duplicate.
 */
import { cancelledError } from '../../../docker/engine/abort.js';
import { toDisposable, type Disposable } from '../../../gateway/infra/disposable.js';
import { ErrorCode, OpenClawError, isOpenClawError } from '../../../gateway/infra/errors.js';

export const DEFAULT_MAX_PENDING_OPERATIONS = 16;

export interface OperationInfo {
  readonly id: number;
  readonly kind: string;
  readonly enqueuedAt: number;
  /** Set once the operation runs. */
  readonly startedAt?: number;
}

export interface OperationQueueState {
  current?: OperationInfo;
  pending: OperationInfo[];
}

export interface EnqueueOptions {
  /**
   * Join an operation of the same kind if it is the last one in line (running with nothing queued
   * behind it, or the tail of the queue). Only the tail: with `start, stop` in line, a new `start`
   * must run after the stop, not be merged into the first start.
   */
  coalesce?: boolean;
}

export interface OperationQueueOptions {
  /** Queued (not yet running) operations allowed before `enqueue` rejects. */
  maxPending?: number;
  now?: () => number;
}

export type OperationRun<T> = (signal: AbortSignal) => Promise<T>;

interface Entry {
  info: OperationInfo;
  run: OperationRun<unknown>;
  promise: Promise<unknown>;
  resolve: (value: unknown) => void;
  reject: (reason: unknown) => void;
  controller?: AbortController;
}

export class OperationQueue implements Disposable {
  private readonly maxPending: number;
  private readonly now: () => number;
  private readonly queue: Entry[] = [];
  private running: Entry | undefined;
  private readonly listeners = new Set<(state: OperationQueueState) => void>();
  private idleWaiters: Array<() => void> = [];
  private nextId = 1;
  private disposed = false;

  constructor(options: OperationQueueOptions = {}) {
    this.maxPending = options.maxPending ?? DEFAULT_MAX_PENDING_OPERATIONS;
    this.now = options.now ?? Date.now;
  }

  enqueue<T>(kind: string, run: OperationRun<T>, options: EnqueueOptions = {}): Promise<T> {
    if (this.disposed) return Promise.reject(cancelledError(`The ${kind} operation`));
    if (options.coalesce) {
      const tail = this.queue.at(-1) ?? this.running;
      if (tail && tail.info.kind === kind && !tail.controller?.signal.aborted) {
        // Same kind ⇒ same result type: the caller asked for exactly this operation.
        return tail.promise as Promise<T>;
      }
    }
    if (this.queue.length >= this.maxPending) {
      return Promise.reject(
        new OpenClawError(
          ErrorCode.OPERATION_QUEUE_FULL,
          `Too many operations are waiting (${this.queue.length}); wait for them to finish or cancel the current one.`,
          { details: { kind, pending: this.queue.length } },
        ),
      );
    }
    let resolve!: (value: unknown) => void;
    let reject!: (reason: unknown) => void;
    const promise = new Promise<unknown>((res, rej) => {
      resolve = res;
      reject = rej;
    });
    const entry: Entry = {
      info: { id: this.nextId++, kind, enqueuedAt: this.now() },
      run: run as OperationRun<unknown>,
      promise,
      resolve,
      reject,
    };
    this.queue.push(entry);
    this.emit();
    this.pump();
    return promise as Promise<T>;
  }

  current(): OperationInfo | undefined {
    return this.running?.info;
  }

  state(): OperationQueueState {
    return {
      ...(this.running ? { current: this.running.info } : {}),
      pending: this.queue.map((e) => e.info),
    };
  }

  /** Aborts the running operation through its signal. False when nothing (abortable) runs. */
  cancelCurrent(): boolean {
    const entry = this.running;
    if (!entry?.controller || entry.controller.signal.aborted) return false;
    entry.controller.abort(cancelledError(`The ${entry.info.kind} operation`));
    return true;
  }

  /**
   * Cancels every queued operation matching `predicate` (rejected with CANCELLED, never run) and
   * aborts the running one if it matches. Returns how many were cancelled.
   */
  cancel(predicate: (info: OperationInfo) => boolean): number {
    let count = 0;
    for (let i = this.queue.length - 1; i >= 0; i--) {
      const entry = this.queue[i];
      if (entry && predicate(entry.info)) {
        this.queue.splice(i, 1);
        entry.reject(cancelledError(`The ${entry.info.kind} operation`));
        count++;
      }
    }
    if (this.running && predicate(this.running.info) && this.cancelCurrent()) count++;
    if (count > 0) this.emit();
    this.settleIdle();
    return count;
  }

  /** Resolves once nothing runs and nothing is queued. */
  idle(): Promise<void> {
    if (!this.running && this.queue.length === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  onChange(listener: (state: OperationQueueState) => void): Disposable {
    this.listeners.add(listener);
    return toDisposable(() => this.listeners.delete(listener));
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.cancel(() => true);
    this.listeners.clear();
  }

  private pump(): void {
    if (this.running) return;
    if (this.disposed) {
      this.settleIdle();
      return;
    }
    const entry = this.queue.shift();
    if (!entry) {
      this.settleIdle();
      return;
    }
    const controller = new AbortController();
    entry.controller = controller;
    entry.info = { ...entry.info, startedAt: this.now() };
    this.running = entry;
    this.emit();
    // Deferred by a microtask so a synchronous throw in `run` becomes a rejection like any other.
    void Promise.resolve()
      .then(() => entry.run(controller.signal))
      .then(
        (value) => this.finish(entry, () => entry.resolve(value)),
        (err: unknown) =>
          this.finish(entry, () =>
            entry.reject(
              // Whatever an aborted run rejects with (AbortError, a dockerode error), the caller sees
              // one CANCELLED error — "the user stopped it" is told apart with one check.
              controller.signal.aborted && !isOpenClawError(err, ErrorCode.CANCELLED)
                ? cancelledError(`The ${entry.info.kind} operation`)
                : err,
            ),
          ),
      );
  }

  private finish(entry: Entry, settle: () => void): void {
    if (this.running === entry) this.running = undefined;
    settle();
    this.emit();
    this.pump();
  }

  private settleIdle(): void {
    if (this.running || this.queue.length > 0) return;
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const resolve of waiters) resolve();
  }

  private emit(): void {
    if (this.listeners.size === 0) return;
    const state = this.state();
    for (const listener of this.listeners) {
      try {
        listener(state);
      } catch {
        // a broken listener must not stall the queue
      }
    }
  }
}
