import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  matchPath,
  navigate,
  onNavigationRefused,
  routerStore,
  setNavigationBlocker,
  startRouter,
  type RouterEnvironment,
} from './router.js';

function fakeEnv(path = '/') {
  const listeners = new Map<string, (e: Event) => void>();
  const env = {
    location: { pathname: path },
    history: {
      state: null,
      pushState: vi.fn((_d: unknown, _u: string, url?: string) => {
        if (url) env.location.pathname = url;
      }),
      replaceState: vi.fn((_d: unknown, _u: string, url?: string) => {
        if (url) env.location.pathname = url;
      }),
    },
    addEventListener: (type: string, l: (e: Event) => void) => void listeners.set(type, l),
    removeEventListener: (type: string) => void listeners.delete(type),
    fire: (type: string, event: Event = new Event(type)) => listeners.get(type)?.(event),
  };
  return env;
}

let stop: (() => void) | undefined;
afterEach(() => {
  stop?.();
  setNavigationBlocker(null);
});

describe('router', () => {
  it('pushes paths and follows back/forward', () => {
    const env = fakeEnv('/logs/');
    stop = startRouter(env as unknown as RouterEnvironment);
    expect(routerStore.getState().path).toBe('/logs');
    expect(navigate('/approvals')).toBe(true);
    expect(env.history.pushState).toHaveBeenCalledWith(null, '', '/approvals');
    env.location.pathname = '/settings';
    env.fire('popstate');
    expect(routerStore.getState().path).toBe('/settings');
  });

  it('refuses navigation while blocked, puts the address back, and says why', () => {
    const env = fakeEnv('/setup');
    stop = startRouter(env as unknown as RouterEnvironment);
    const reasons: string[] = [];
    const off = onNavigationRefused((r) => reasons.push(r));
    setNavigationBlocker('The setup is running');
    expect(navigate('/logs')).toBe(false);
    expect(routerStore.getState().path).toBe('/setup');
    env.location.pathname = '/';
    env.fire('popstate');
    expect(routerStore.getState().path).toBe('/setup');
    expect(env.history.pushState).toHaveBeenLastCalledWith(null, '', '/setup');
    const unload = new Event('beforeunload', { cancelable: true });
    env.fire('beforeunload', unload);
    expect(unload.defaultPrevented).toBe(true);
    expect(reasons).toEqual(['The setup is running', 'The setup is running']);
    off();
    setNavigationBlocker(null);
    expect(navigate('/logs')).toBe(true);
  });

  it('matches params and wildcards', () => {
    expect(matchPath('/control/sessions/:id', '/control/sessions/a%20b')).toEqual({ id: 'a b' });
    expect(matchPath('/control/*', '/control/x/y')).toEqual({});
    expect(matchPath('/control', '/control/x')).toBeNull();
    expect(matchPath('/', '/')).toEqual({});
  });
});
