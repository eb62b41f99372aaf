/**
 * One-shot timers by name on an injected clock: setting a name replaces its previous timer, so a
 * state machine never has two polls (or two restarts) pending, and disposal clears them all.
 */
import type { Disposable } from '../../../gateway/infra/disposable.js';
import type { SupervisorClock, TimerHandle } from './supervisor-ports.js';

export class NamedTimers<Name extends string> implements Disposable {
  private readonly handles = new Map<Name, TimerHandle>();
  private disposed = false;

  constructor(private readonly clock: SupervisorClock) {}

  set(name: Name, ms: number, fn: () => void): void {
    this.clear(name);
    if (this.disposed) return;
    const handle = this.clock.setTimeout(() => {
      this.handles.delete(name);
      if (!this.disposed) fn();
    }, ms);
    this.handles.set(name, handle);
  }

  clear(name: Name): void {
    const handle = this.handles.get(name);
    if (handle === undefined) return;
    this.handles.delete(name);
    this.clock.clearTimeout(handle);
  }

  has(name: Name): boolean {
    return this.handles.has(name);
  }

  dispose(): void {
    this.disposed = true;
    for (const name of [...this.handles.keys()]) this.clear(name);
  }
}
