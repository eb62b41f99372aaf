/**
 * Gateway reads the pages show, cached by key. Gateway events are invalidations: a page says which
 * events make its data stale and the slice fetches again — it never patches data from an event
 * payload, so what is shown is always what the gateway answered. Old data stays visible while a
 * refetch runs (no flashing spinners, no layout jumps).
 */
import type { StateCreator } from 'zustand';

export interface QueryEntry {
  data: unknown;
  /** Message of the last failed fetch; cleared by the next success. */
  error: string | null;
  loading: boolean;
  updatedAt: number | null;
}

export interface QueriesSlice {
  queries: Record<string, QueryEntry>;
  /** Fetch `key` with `load`. Overlapping calls coalesce into one follow-up fetch. */
  runQuery(key: string, load: () => Promise<unknown>): Promise<void>;
  clearQueries(): void;
}

export const EMPTY_QUERY: QueryEntry = {
  data: undefined,
  error: null,
  loading: false,
  updatedAt: null,
};

export function errorText(err: unknown): string {
  if (err instanceof Error) return err.message;
  return typeof err === 'string' ? err : 'Something went wrong.';
}

export function createQueriesSlice(
  now: () => number = Date.now,
): StateCreator<QueriesSlice, [], [], QueriesSlice> {
  const inflight = new Map<string, Promise<void>>();
  const again = new Set<string>();
  return (set) => {
    const patch = (key: string, change: Partial<QueryEntry>) =>
      set((state) => ({
        queries: { ...state.queries, [key]: { ...(state.queries[key] ?? EMPTY_QUERY), ...change } },
      }));
    const runOnce = async (key: string, load: () => Promise<unknown>): Promise<void> => {
      patch(key, { loading: true });
      try {
        const data = await load();
        patch(key, { data, error: null, loading: false, updatedAt: now() });
      } catch (err) {
        patch(key, { error: errorText(err), loading: false });
      }
    };
    return {
      queries: {},
      runQuery: (key, load) => {
        const running = inflight.get(key);
        if (running) {
          // Something changed while we were reading: read once more afterwards.
          again.add(key);
          return running;
        }
        const run = (async () => {
          try {
            await runOnce(key, load);
            while (again.delete(key)) await runOnce(key, load);
          } finally {
            inflight.delete(key);
          }
        })();
        inflight.set(key, run);
        return run;
      },
      clearQueries: () => {
        again.clear();
        set({ queries: {} });
      },
    };
  };
}
