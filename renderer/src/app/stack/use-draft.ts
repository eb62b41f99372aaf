/** Hooks over a wizard's draft store. */
import { useMemo, useState } from 'react';
import { useStore } from 'zustand';
import {
  draftProblems,
  type DraftProblems,
  type DraftState,
  type DraftStore,
} from './stack-draft.js';

export function useDraft<T>(store: DraftStore, selector: (s: DraftState) => T): T {
  return useStore(store, selector);
}

export function useDraftProblems(store: DraftStore): DraftProblems {
  const draft = useStore(store, (s) => s.draft);
  const host = useStore(store, (s) => s.hostProblems);
  return useMemo(() => draftProblems(draft, host), [draft, host]);
}

/**
 * Problems appear once a field was left (blur) or the user tried to go on: nobody wants a red
 * "enter a path" under a box they have not reached yet.
 */
export function useTouched(): { touched: (key: string) => boolean; touch: (key: string) => void } {
  const [set, setSet] = useState<ReadonlySet<string>>(() => new Set());
  return {
    touched: (key) => set.has(key),
    touch: (key) =>
      setSet((prev) => {
        if (prev.has(key)) return prev;
        const next = new Set(prev);
        next.add(key);
        return next;
      }),
  };
}
