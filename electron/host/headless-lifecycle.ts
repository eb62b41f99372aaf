/**
 * How the headless host ends. Every way a user or a supervisor stops it — Ctrl+C (SIGINT),
 * `kill`/systemd/docker (SIGTERM), a closed terminal (SIGHUP), or the `npm start` wrapper dying
 * (its IPC channel disconnects) — runs the same graceful stop once: close the server, shut the
 * host down (the gateway keeps running unless the user asked otherwise), remove the instance
 * file. A hard deadline ends the process even when that stop hangs, and Ctrl+C pressed again
 * (a second SIGINT) ends it at once, so the port is never left held by a process nobody can stop.
 * Other repeats are ignored: systemd's stop sends SIGTERM to every process of the service at once,
 * so this host hears it both directly and forwarded by `npm start`, and that must stay graceful.
 */
import type { EventEmitter } from 'node:events';

export const STOP_SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

export interface ShutdownOptions {
  /** The graceful stop. Rejections are reported and end the process with status 1. */
  stop: (reason: string) => Promise<void>;
  /** Runs on every way out, also the forced ones (e.g. remove the instance file). Must not throw. */
  always?: () => void;
  exit: (code: number) => void;
  /** Upper bound for `stop`; read when the stop starts (it may depend on settings). */
  timeoutMs: () => number;
  log: (line: string) => void;
}

export interface Shutdown {
  /** First call starts the graceful stop; a later SIGINT ends the process at once. */
  request(reason: string): void;
  readonly stopping: boolean;
}

export function createShutdown(options: ShutdownOptions): Shutdown {
  let stopping = false;
  let finished = false;
  const finish = (code: number) => {
    if (finished) return;
    finished = true;
    try {
      options.always?.();
    } finally {
      options.exit(code);
    }
  };
  return {
    get stopping() {
      return stopping;
    },
    request(reason) {
      if (finished) return;
      if (stopping) {
        if (reason !== 'SIGINT') return;
        options.log('Stopping at once (Ctrl+C again).');
        finish(1);
        return;
      }
      stopping = true;
      const timeoutMs = options.timeoutMs();
      options.log(`Stopping OpenClaw Desktop (${reason})… press Ctrl+C again to stop at once.`);
      const deadline = setTimeout(() => {
        options.log(
          `OpenClaw Desktop did not stop within ${Math.round(timeoutMs / 1000)} s; exiting anyway.`,
        );
        finish(1);
      }, timeoutMs);
      options.stop(reason).then(
        () => {
          clearTimeout(deadline);
          finish(0);
        },
        (err: unknown) => {
          clearTimeout(deadline);
          options.log(`Stopping failed: ${err instanceof Error ? err.message : String(err)}`);
          finish(1);
        },
      );
    },
  };
}

/**
 * Wire the process's stop signals and its parent's IPC channel to `shutdown`. Returns a function
 * that removes the listeners again.
 */
export function installShutdownTriggers(
  shutdown: Shutdown,
  proc: EventEmitter & { connected?: boolean } = process,
): () => void {
  const handlers = STOP_SIGNALS.map((signal) => {
    const handler = () => shutdown.request(signal);
    proc.on(signal, handler);
    return [signal, handler] as const;
  });
  // `npm start` talks to this process over IPC: when the wrapper dies (even by SIGKILL) the
  // channel closes, and this host must not live on as an orphan holding the port.
  const onDisconnect = () => shutdown.request('the npm start process exited');
  proc.on('disconnect', onDisconnect);
  return () => {
    for (const [signal, handler] of handlers) proc.off(signal, handler);
    proc.off('disconnect', onDisconnect);
  };
}
