import { describe, expect, it } from 'vitest';
import { focusFromSearch, revealWhenShown } from './reveal.js';

function env(appearsAfter: number) {
  let calls = 0;
  const timers: Array<() => void> = [];
  const scrolled: string[] = [];
  return {
    scrolled,
    timers,
    calls: () => calls,
    getElementById: (id: string) => {
      calls += 1;
      return calls > appearsAfter ? { scrollIntoView: () => scrolled.push(id) } : null;
    },
    setTimeout: (fn: () => void) => {
      timers.push(fn);
      return timers.length;
    },
  };
}

describe('revealWhenShown', () => {
  it('scrolls once the lazy page rendered the element', () => {
    const e = env(3);
    revealWhenShown('approval-abc', e);
    while (e.timers.length > 0) e.timers.shift()?.();
    expect(e.scrolled).toEqual(['approval-abc']);
    expect(e.calls()).toBe(4);
  });

  it('gives up after the timeout when the element never appears', () => {
    const e = env(Number.POSITIVE_INFINITY);
    revealWhenShown('approval-gone', e, { timeoutMs: 500, stepMs: 100 });
    while (e.timers.length > 0) e.timers.shift()?.();
    expect(e.scrolled).toEqual([]);
    expect(e.calls()).toBe(6);
  });

  it('ignores ids that are not ours', () => {
    const e = env(0);
    revealWhenShown('x"><img', e);
    expect(e.calls()).toBe(0);
  });
});

describe('focusFromSearch', () => {
  it('reads a checked focus id from the query', () => {
    expect(focusFromSearch('?focus=settings-sandbox-heading')).toBe('settings-sandbox-heading');
    expect(focusFromSearch('?focus=a%20b')).toBeUndefined();
    expect(focusFromSearch('')).toBeUndefined();
  });
});
