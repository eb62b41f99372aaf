/**
 * Holds the latest status snapshot and tells listeners only when it changed. The uptime is left
 * out of the comparison: it moves on every poll, and an update a second to every window and tray
 * for a number nobody is looking at would be noise. Readers get the fresh uptime from `current`.
 */
import { toDisposable, type Disposable } from '../../../gateway/infra/disposable.js';
import type { GatewayStatusSnapshot } from './status-phase.js';

export class StatusPublisher implements Disposable {
  private snapshot: GatewayStatusSnapshot;
  private key: string;
  private readonly listeners = new Set<(status: GatewayStatusSnapshot) => void>();

  constructor(
    initial: GatewayStatusSnapshot,
    private readonly onListenerError: (err: unknown) => void = () => {},
  ) {
    this.snapshot = initial;
    this.key = StatusPublisher.keyOf(initial);
  }

  get current(): GatewayStatusSnapshot {
    return this.snapshot;
  }

  /** Stores `next`; true when it differed (beyond uptime) and listeners were told. */
  publish(next: GatewayStatusSnapshot): boolean {
    this.snapshot = next;
    const key = StatusPublisher.keyOf(next);
    if (key === this.key) return false;
    this.key = key;
    for (const listener of [...this.listeners]) {
      try {
        listener(next);
      } catch (err) {
        this.onListenerError(err);
      }
    }
    return true;
  }

  subscribe(listener: (status: GatewayStatusSnapshot) => void): Disposable {
    this.listeners.add(listener);
    return toDisposable(() => this.listeners.delete(listener));
  }

  dispose(): void {
    this.listeners.clear();
  }

  private static keyOf(status: GatewayStatusSnapshot): string {
    const { uptimeMs: _uptime, ...rest } = status;
    // computeStatus builds every snapshot with the same key order, so this is a stable identity.
    return JSON.stringify(rest);
  }
}
