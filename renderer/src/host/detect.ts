/**
 * Which of the three hosts this bundle runs in, decided once at startup:
 * 1. the Electron window (the preload put `window.openclawHost` there),
 * 2. the headless host (a `#hostToken=` in the URL, or a session from an earlier load of this tab),
 * 3. the gateway's own server: no host API, Control UI pages only.
 */
import { isHostBridge, createIpcHost } from './ipc-client.js';
import { takeHostTokenFromUrl, type FragmentEnvironment } from './launch-fragment.js';
import type { HostConnection } from './host-connection.js';
import { createWsHost, HOST_SESSION_KEY, type SocketFactory } from './ws-client.js';

export interface DetectEnvironment extends FragmentEnvironment {
  bridge?: unknown;
  storage?: Pick<Storage, 'getItem' | 'setItem' | 'removeItem'> | null;
  createSocket?: SocketFactory;
}

/** `ws://<same host>/host` (wss on https). */
export function hostSocketUrl(href: string): string {
  const url = new URL(href);
  return `${url.protocol === 'https:' ? 'wss' : 'ws'}://${url.host}/host`;
}

export function detectHost(
  env: DetectEnvironment | null = browserEnvironment(),
): HostConnection | null {
  if (!env) return null;
  // Always strip the token first, even in Electron, so it never lingers in the address bar.
  const launchToken = takeHostTokenFromUrl(env);
  if (isHostBridge(env.bridge)) return createIpcHost(env.bridge);
  let stored: string | null;
  try {
    stored = env.storage?.getItem(HOST_SESSION_KEY) ?? null;
  } catch {
    stored = null;
  }
  if (!launchToken && !stored) return null;
  return createWsHost({
    url: hostSocketUrl(env.location.href),
    launchToken,
    storage: env.storage ?? null,
    createSocket: env.createSocket,
  });
}

function browserEnvironment(): DetectEnvironment | null {
  if (typeof window === 'undefined') return null;
  let storage: DetectEnvironment['storage'];
  try {
    storage = window.sessionStorage;
  } catch {
    storage = null;
  }
  return {
    location: window.location,
    history: window.history,
    bridge: (window as unknown as { openclawHost?: unknown }).openclawHost,
    storage,
  };
}
