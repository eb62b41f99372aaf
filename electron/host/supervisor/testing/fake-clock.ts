/**
 * A manual clock for the supervisor's tests: time moves only when a test says so, and timers fire
 * in order as it does, with pending promise work settled between them — no real sleeps.
 */
import type { SupervisorClock, TimerHandle } from '../supervisor-ports.js';

interface Timer {
  id: number;
  at: number;
  fn: () => void;
}

/** Lets queued promise reactions (and the I/O-free async work they start) run to completion. */
export async function settle(rounds = 5): Promise<void> {
  for (let i = 0; i < rounds; i++) {
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
}

export class FakeClock implements SupervisorClock {
  private current: number;
  private timers: Timer[] = [];
  private nextId = 1;

  constructor(start = 1_700_000_000_000) {
    this.current = start;
  }

  now(): number {
    return this.current;
  }

  setTimeout(fn: () => void, ms: number): TimerHandle {
    const timer = { id: this.nextId++, at: this.current + Math.max(0, ms), fn };
    this.timers.push(timer);
    return timer.id;
  }

  clearTimeout(handle: TimerHandle): void {
    this.timers = this.timers.filter((t) => t.id !== handle);
  }

  /** Timers still waiting, soonest first (for assertions). */
  pending(): Array<{ at: number; inMs: number }> {
    return [...this.timers]
      .sort((a, b) => a.at - b.at)
      .map((t) => ({ at: t.at, inMs: t.at - this.current }));
  }

  /** Move time forward by `ms`, firing every timer that comes due, in order. */
  async advance(ms: number): Promise<void> {
    const target = this.current + ms;
    await settle();
    for (;;) {
      const due = [...this.timers].sort((a, b) => a.at - b.at || a.id - b.id)[0];
      if (!due || due.at > target) break;
      this.timers = this.timers.filter((t) => t !== due);
      this.current = Math.max(this.current, due.at);
      due.fn();
      await settle();
    }
    this.current = target;
    await settle();
  }
}
