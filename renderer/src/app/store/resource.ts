/**
 * A fetched snapshot with its loading and error state. Stale data is kept while refetching and
 * after a failed refetch, so a page never blanks (or jumps) because a refresh is under way.
 */
import { toHostError, type HostError } from '../../host/host-error.js';

export interface Resource<T> {
  data: T | undefined;
  loading: boolean;
  error: HostError | undefined;
}

export function idleResource<T>(): Resource<T> {
  return { data: undefined, loading: false, error: undefined };
}

/** Fetch into a resource: loading flag, then data or error (keeping the previous data). */
export async function loadResource<T>(
  get: () => Resource<T>,
  put: (next: Resource<T>) => void,
  fetch: () => Promise<T>,
): Promise<T | undefined> {
  put({ ...get(), loading: true });
  try {
    const data = await fetch();
    put({ data, loading: false, error: undefined });
    return data;
  } catch (err) {
    put({ ...get(), loading: false, error: toHostError(err) });
    return undefined;
  }
}

/**
 * Host events are invalidations and can come in bursts; this keeps one request in flight and, if
 * invalidated meanwhile, runs exactly one more afterwards (so the last state always lands).
 */
export function coalesce(run: () => Promise<unknown>): () => Promise<void> {
  let inflight: Promise<void> | undefined;
  let again = false;
  return () => {
    if (inflight) {
      again = true;
      return inflight;
    }
    inflight = (async () => {
      try {
        do {
          again = false;
          await run();
        } while (again);
      } finally {
        inflight = undefined;
      }
    })();
    return inflight;
  };
}
