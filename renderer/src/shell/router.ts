/**
 * Path routing on the History API. Hash routing is not an option: the gateway token and the
 * headless host token arrive in the fragment. The router is a zustand store outside React, so the
 * tray's "navigate" events and the busy-blocker work without a component in between.
 */
import { createStore, useStore } from 'zustand';

export interface RouterState {
  path: string;
  /** Why navigation is refused right now (a build is running), or null. */
  blocker: string | null;
}

export interface RouterEnvironment {
  location: { pathname: string };
  history: {
    pushState(data: unknown, unused: string, url?: string): void;
    replaceState(data: unknown, unused: string, url?: string): void;
    state: unknown;
  };
  addEventListener(type: 'popstate' | 'beforeunload', listener: (event: Event) => void): void;
  removeEventListener(type: 'popstate' | 'beforeunload', listener: (event: Event) => void): void;
}

function normalise(path: string): string {
  const clean = path.split(/[?#]/)[0] ?? '/';
  if (clean === '' || clean === '/') return '/';
  return clean.replace(/\/+$/, '') || '/';
}

export const routerStore = createStore<RouterState>()(() => ({
  path: typeof window === 'undefined' ? '/' : normalise(window.location.pathname),
  blocker: null,
}));

let env: RouterEnvironment | null = typeof window === 'undefined' ? null : window;
const refusedListeners = new Set<(reason: string) => void>();

/** Called when a navigation is refused (the shell shows why). */
export function onNavigationRefused(listener: (reason: string) => void): () => void {
  refusedListeners.add(listener);
  return () => {
    refusedListeners.delete(listener);
  };
}

/** Go to `to` (an app path). Returns false when a blocker refused it. */
export function navigate(
  to: string,
  options: { replace?: boolean; force?: boolean } = {},
): boolean {
  const { blocker, path } = routerStore.getState();
  const next = normalise(to);
  if (blocker && !options.force) {
    if (next !== path) for (const l of refusedListeners) l(blocker);
    return false;
  }
  if (next === path && !options.replace) return true;
  if (env) {
    if (options.replace) env.history.replaceState(null, '', next);
    else env.history.pushState(null, '', next);
  }
  routerStore.setState({ path: next });
  return true;
}

/** While set, links and back/forward do nothing and closing the page asks first. */
export function setNavigationBlocker(reason: string | null): void {
  routerStore.setState({ blocker: reason });
}

/** Listen to back/forward and page unload; returns the stop function. */
export function startRouter(environment: RouterEnvironment | null = env): () => void {
  env = environment;
  if (!environment) return () => {};
  routerStore.setState({ path: normalise(environment.location.pathname) });
  const onPop = () => {
    const { blocker, path } = routerStore.getState();
    const next = normalise(environment.location.pathname);
    if (blocker && next !== path) {
      // Put the address back: the page stays where the running work is shown.
      environment.history.pushState(null, '', path);
      for (const l of refusedListeners) l(blocker);
      return;
    }
    routerStore.setState({ path: next });
  };
  const onUnload = (event: Event) => {
    if (!routerStore.getState().blocker) return;
    event.preventDefault();
    try {
      // Older Chromium (and so older Electron) asks only when returnValue is set.
      (event as BeforeUnloadEvent).returnValue = '';
    } catch {
      // read-only outside a real BeforeUnloadEvent
    }
  };
  environment.addEventListener('popstate', onPop);
  environment.addEventListener('beforeunload', onUnload);
  return () => {
    environment.removeEventListener('popstate', onPop);
    environment.removeEventListener('beforeunload', onUnload);
  };
}

export function usePath(): string {
  return useStore(routerStore, (s) => s.path);
}

export function useNavigationBlocker(): string | null {
  return useStore(routerStore, (s) => s.blocker);
}

/**
 * Match `/devices/:id` style patterns (and a trailing `/*`). Returns the params, or null.
 */
export function matchPath(pattern: string, path: string): Record<string, string> | null {
  const p = normalise(pattern);
  const target = normalise(path);
  if (p.endsWith('/*')) {
    const base = p.slice(0, -2) || '/';
    if (target === base || target.startsWith(base === '/' ? '/' : `${base}/`)) return {};
    return null;
  }
  const ps = p.split('/');
  const ts = target.split('/');
  if (ps.length !== ts.length) return null;
  const params: Record<string, string> = {};
  for (let i = 0; i < ps.length; i++) {
    const a = ps[i] ?? '';
    const b = ts[i] ?? '';
    if (a.startsWith(':')) {
      try {
        params[a.slice(1)] = decodeURIComponent(b);
      } catch {
        params[a.slice(1)] = b;
      }
    } else if (a !== b) return null;
  }
  return params;
}
