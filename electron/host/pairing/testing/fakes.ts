/**
 * Deterministic stand-ins for unit tests: a manual clock with timers, and a scripted operator
 * connection (the pairing queue's source).
 */
import { toDisposable, type Disposable } from '../../../../gateway/infra/disposable.js';
import type { GatewayEvent, ResyncReason } from '../operator-connection.js';
import type { PairingQueueSource } from '../pairing-queue.js';

export class ManualClock {
  private time: number;
  private timers: Array<{ at: number; fn: () => void; live: boolean }> = [];

  constructor(start = 1_000_000) {
    this.time = start;
  }

  readonly now = (): number => this.time;

  readonly setTimer = (fn: () => void, ms: number): Disposable => {
    const timer = { at: this.time + Math.max(0, ms), fn, live: true };
    this.timers.push(timer);
    return toDisposable(() => {
      timer.live = false;
    });
  };

  get pendingTimers(): number {
    return this.timers.filter((t) => t.live).length;
  }

  advance(ms: number): void {
    const target = this.time + ms;
    for (;;) {
      const due = this.timers
        .filter((t) => t.live && t.at <= target)
        .sort((a, b) => a.at - b.at)[0];
      if (!due) break;
      due.live = false;
      this.time = due.at;
      due.fn();
    }
    this.time = target;
    this.timers = this.timers.filter((t) => t.live);
  }
}

type Handler = (params: Record<string, unknown>) => unknown;

export class FakeOperatorSource implements PairingQueueSource {
  connected = true;
  listResult: { pending: unknown[]; paired: unknown[] } = { pending: [], paired: [] };
  /** One-off answers for the next `device.pair.list` calls (e.g. a stale snapshot), then `listResult`. */
  readonly nextLists: Array<{ pending: unknown[]; paired: unknown[] }> = [];
  readonly calls: Array<{ method: string; params: Record<string, unknown> }> = [];
  readonly handlers = new Map<string, Handler>();
  private held: Array<() => void> | undefined;
  private readonly events = new Set<(event: GatewayEvent) => void>();
  private readonly resyncs = new Set<(reason: ResyncReason) => void>();

  async request<T = Record<string, unknown>>(method: string, params: unknown = {}): Promise<T> {
    const p = (params ?? {}) as Record<string, unknown>;
    this.calls.push({ method, params: p });
    if (method === 'device.pair.list') {
      const held = this.held;
      if (held) await new Promise<void>((resolve) => held.push(resolve));
      return structuredClone(this.nextLists.shift() ?? this.listResult) as T;
    }
    const handler = this.handlers.get(method);
    return (handler ? await handler(p) : { ok: true }) as T;
  }

  /** Keep `device.pair.list` calls waiting until `release()`. */
  hold(): void {
    this.held = [];
  }

  release(): void {
    const waiting = this.held ?? [];
    this.held = undefined;
    for (const resolve of waiting) resolve();
  }

  callsOf(method: string): number {
    return this.calls.filter((c) => c.method === method).length;
  }

  onEvent(listener: (event: GatewayEvent) => void): Disposable {
    this.events.add(listener);
    return toDisposable(() => this.events.delete(listener));
  }

  onResync(listener: (reason: ResyncReason) => void): Disposable {
    this.resyncs.add(listener);
    return toDisposable(() => this.resyncs.delete(listener));
  }

  emit(event: string, payload: unknown): void {
    for (const listener of [...this.events]) listener({ event, payload });
  }

  resync(reason: ResyncReason): void {
    for (const listener of [...this.resyncs]) listener(reason);
  }
}

/** Let queued promise callbacks run (the queue's refreshes are fire-and-forget). */
export async function settle(rounds = 10): Promise<void> {
  for (let i = 0; i < rounds; i += 1) await new Promise<void>((resolve) => setImmediate(resolve));
}
