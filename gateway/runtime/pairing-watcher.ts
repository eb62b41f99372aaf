/**
 * The CLI container and the desktop app approve devices by writing the pairing files directly.
 * Polling those files (cheap stat, parse only on change) turns such writes into the same
 * `device.pair.requested` / `device.pair.resolved` events the gateway emits for its own changes.
 */
import { promises as fs } from 'node:fs';
import { toDisposable, type Disposable } from '../infra/disposable.js';
import type {
  PairingEvent,
  PairingStore,
  PendingPairingRequest,
} from '../pairing/pairing-store.js';

export interface PairingFilesWatcher extends Disposable {
  /**
   * A request this process announced itself: remembered even if it is resolved by another process
   * before the next poll sees it, so its resolution is still announced.
   */
  noteRequested(request: PendingPairingRequest): void;
}

export interface PairingWatchTarget {
  pendingDevicesPath: string;
  pairedDevicesPath: string;
  pendingTtlMs: number;
}

export function watchPairingFiles(
  store: PairingStore,
  target: PairingWatchTarget,
  emit: (event: PairingEvent) => void,
  intervalMs = 1000,
): PairingFilesWatcher {
  const files = [target.pendingDevicesPath, target.pairedDevicesPath];
  let lastStamp = '';
  let known = new Map<string, PendingPairingRequest>();
  let running = false;
  let primed = false;

  const poll = async () => {
    if (running) return;
    running = true;
    try {
      const stats = await Promise.all(files.map((f) => fs.stat(f).catch(() => undefined)));
      const stamp = stats.map((s) => (s ? `${s.mtimeMs}:${s.size}` : '-')).join('|');
      if (stamp === lastStamp && primed) return;
      lastStamp = stamp;
      const pending = await store.listPending();
      const next = new Map(pending.map((p) => [p.requestId, p]));
      if (primed) {
        for (const [id, request] of next)
          if (!known.has(id)) emit({ event: 'device.pair.requested', payload: request });
        const paired = new Map((await store.listPaired()).map((d) => [d.deviceId, d]));
        for (const [id, request] of known) {
          if (next.has(id)) continue;
          // Superseded by a newer request for the same device: no resolution to announce.
          if (pending.some((p) => p.deviceId === request.deviceId)) continue;
          const device = paired.get(request.deviceId);
          const approved = device !== undefined && (device.approvedAtMs ?? 0) >= request.ts;
          const expired = !approved && Date.now() - request.ts >= target.pendingTtlMs;
          if (expired) continue;
          emit({
            event: 'device.pair.resolved',
            payload: {
              requestId: id,
              deviceId: request.deviceId,
              decision: approved ? 'approved' : 'rejected',
              ts: Date.now(),
            },
          });
        }
      }
      known = next;
      primed = true;
    } catch {
      // a half-written or locked file is read again on the next tick
    } finally {
      running = false;
    }
  };

  void poll();
  const timer = setInterval(() => void poll(), intervalMs);
  timer.unref();
  const disposable = toDisposable(() => clearInterval(timer));
  return {
    dispose: () => disposable.dispose(),
    noteRequested: (request) => {
      if (primed) known.set(request.requestId, request);
    },
  };
}
