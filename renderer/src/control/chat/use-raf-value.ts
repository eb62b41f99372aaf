/**
 * A value that follows `value` at most once per animation frame. Streaming deltas arrive faster
 * than a screen refreshes (and Markdown re-parses the whole answer each time), so the answer
 * re-renders per frame, not per delta.
 */
import { useEffect, useRef, useState } from 'react';

export function useRafValue<T>(value: T): T {
  const [shown, setShown] = useState(value);
  const latest = useRef(value);
  const frame = useRef<number | null>(null);
  latest.current = value;
  useEffect(() => {
    if (frame.current !== null) return;
    const schedule =
      typeof requestAnimationFrame === 'function'
        ? requestAnimationFrame
        : (fn: FrameRequestCallback) => setTimeout(() => fn(Date.now()), 16) as unknown as number;
    frame.current = schedule(() => {
      frame.current = null;
      setShown(latest.current);
    });
  }, [value]);
  useEffect(
    () => () => {
      if (frame.current !== null && typeof cancelAnimationFrame === 'function') {
        cancelAnimationFrame(frame.current);
      }
    },
    [],
  );
  return shown;
}
