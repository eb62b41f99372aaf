/**
 * Cancellation helpers shared by the engine library. Every long call takes an AbortSignal; a
 * cancelled call always rejects with the same CANCELLED error so callers can tell "the user
 * stopped it" from a real failure with one check.
 */
import { ErrorCode, OpenClawError } from '../../gateway/infra/errors.js';

export function cancelledError(what = 'Operation'): OpenClawError {
  return new OpenClawError(ErrorCode.CANCELLED, `${what} was cancelled.`);
}

/** True for the shapes an aborted fetch / http request / dockerode call rejects with. */
export function isAbortError(value: unknown): boolean {
  if (!value || typeof value !== 'object') return false;
  const { name, code } = value as { name?: unknown; code?: unknown };
  return name === 'AbortError' || code === 'ABORT_ERR';
}

/** Resolves after `ms`, or rejects with CANCELLED as soon as the signal fires. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(cancelledError());
      return;
    }
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(cancelledError());
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/**
 * Calls `fn` once when the signal aborts (at once if it already has). Returns the function that
 * removes the listener, so a finished operation does not keep its abort handler alive.
 */
export function onAbort(signal: AbortSignal | undefined, fn: () => void): () => void {
  if (!signal) return () => {};
  if (signal.aborted) {
    fn();
    return () => {};
  }
  signal.addEventListener('abort', fn, { once: true });
  return () => signal.removeEventListener('abort', fn);
}
