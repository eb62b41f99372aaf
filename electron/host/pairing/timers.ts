/**
 * The one timer primitive the pairing state machines use, injected so unit tests drive time by
 * hand (no real sleeps) and production timers never keep the process alive on their own.
 */
import { toDisposable, type Disposable } from '../../../gateway/infra/disposable.js';

export type SetTimer = (fn: () => void, ms: number) => Disposable;

export const defaultSetTimer: SetTimer = (fn, ms) => {
  const timer = setTimeout(fn, Math.max(0, ms));
  timer.unref?.();
  return toDisposable(() => clearTimeout(timer));
};
