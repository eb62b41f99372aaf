/**
 * What the rest of the renderer sees of the host: the typed API plus the state of the transport.
 * Electron's IPC is always "open"; the headless WebSocket connects, can drop and reconnect, and can
 * be refused (a spent token).
 */
import type { HostApi } from '../../../electron/contract/transport.js';

export type HostKind = 'electron' | 'headless';

export type HostConnectionState =
  'connecting' | 'open' | 'reconnecting' | 'unauthorized' | 'closed';

export interface HostConnection extends HostApi {
  readonly kind: HostKind;
  getState(): HostConnectionState;
  onStateChange(listener: (state: HostConnectionState) => void): () => void;
  /**
   * The tray or an `openclaw-desktop://` link asks the window to show a page ("approvals",
   * "settings", …), optionally scrolled to the element with id `focus`. Electron only; outside
   * the typed event map because it is window chrome, not host state.
   */
  onNavigate(listener: (page: string, focus?: string) => void): () => void;
  dispose(): void;
}

/** A tiny listener set with safe fan-out (one failing listener must not stop the others). */
export class Listeners<T> {
  private readonly set = new Set<(value: T) => void>();

  add(listener: (value: T) => void): () => void {
    this.set.add(listener);
    return () => {
      this.set.delete(listener);
    };
  }

  emit(value: T): void {
    for (const listener of [...this.set]) {
      try {
        listener(value);
      } catch (err) {
        // A listener bug must not break the transport; surface it without the payload.
        queueMicrotask(() => {
          throw err;
        });
      }
    }
  }

  clear(): void {
    this.set.clear();
  }
}
