import { describe, expect, it } from 'vitest';
import { reloadOnNewLaunchLink, type RelaunchEnvironment } from './relaunch.js';

function fakeWindow() {
  const listeners = new Set<() => void>();
  let reloads = 0;
  const env: RelaunchEnvironment & { navigate(hash: string): void; reloads(): number } = {
    location: { hash: '', reload: () => void (reloads += 1) },
    addEventListener: (_type, l) => void listeners.add(l),
    removeEventListener: (_type, l) => void listeners.delete(l),
    navigate(hash) {
      env.location.hash = hash;
      for (const l of listeners) l();
    },
    reloads: () => reloads,
  };
  return env;
}

describe('reloadOnNewLaunchLink', () => {
  it('reloads when a pasted link brings a host token, not for other fragment changes', () => {
    const win = fakeWindow();
    const stop = reloadOnNewLaunchLink(win);
    win.navigate('#token=abc');
    win.navigate('#hostToken=');
    expect(win.reloads()).toBe(0);
    win.navigate('#token=abc&hostToken=new-one');
    expect(win.reloads()).toBe(1);
    stop();
    win.navigate('#hostToken=again');
    expect(win.reloads()).toBe(1);
  });
});
