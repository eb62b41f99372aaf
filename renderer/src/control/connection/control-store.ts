/**
 * The Control UI store (gateway slice + queries slice) and the one live gateway connection.
 * `connectGateway` is the entry point: the page served by the gateway connects to its own origin,
 * the desktop app and the headless host call it with the result of the host call `controlUi.url`.
 */
import { create } from 'zustand';
import { createGatewaySlice, type GatewaySlice, type GatewayTarget } from './connection-slice.js';
import { createQueriesSlice, type QueriesSlice } from './queries-slice.js';
import { GatewayConnection, type GatewayConnectionOptions } from './gateway-connection.js';
import { createDeviceTokenStore } from './device-token-store.js';
import { loadOrCreateDeviceIdentity, type DeviceIdentity } from './device-identity.js';
import { openDefaultIdentityStore } from './identity-stores.js';
import { parsePresenceList } from './hello.js';
import {
  captureGatewayTokenFromUrl,
  pageGatewayUrl,
  parseControlUiUrl,
  readGatewayToken,
  storeGatewayToken,
} from './gateway-token.js';

/** Sent as `client.version`; informational (shown on the gateway's Devices page). */
export const CONTROL_UI_VERSION = '0.1.0';

export type ControlState = GatewaySlice & QueriesSlice;

export const useControlStore = create<ControlState>()((...args) => ({
  ...createGatewaySlice(...args),
  ...createQueriesSlice()(...args),
}));

/** Injected by tests; the browser defaults otherwise. */
export interface ConnectDependencies {
  loadIdentity?: GatewayConnectionOptions['loadIdentity'];
  createSocket?: GatewayConnectionOptions['createSocket'];
  tokenStorage?: Pick<Storage, 'getItem' | 'setItem'> | null;
  pairingRetryMs?: number;
  reconnect?: GatewayConnectionOptions['reconnect'];
  now?: () => number;
}

let connection: GatewayConnection | null = null;
let detach: (() => void) | null = null;
let identityPromise: Promise<DeviceIdentity> | null = null;

/** The browser's device identity, made once per profile and shared by every connection. */
export function loadBrowserIdentity(): Promise<DeviceIdentity> {
  identityPromise ??= openDefaultIdentityStore()
    .then((store) => loadOrCreateDeviceIdentity(store))
    .catch((err: unknown) => {
      identityPromise = null; // let the next attempt try again
      throw err;
    });
  return identityPromise;
}

/**
 * This browser's device id when it already has an identity, else null: the Approvals page marks
 * "this browser" with it and must not create an identity just by being looked at.
 */
export async function storedBrowserDeviceId(): Promise<string | null> {
  try {
    if (identityPromise) return (await identityPromise).deviceId;
    return (await (await openDefaultIdentityStore()).load())?.deviceId ?? null;
  } catch {
    return null;
  }
}

export function getGatewayConnection(): GatewayConnection | null {
  return connection;
}

function validateTarget(target: GatewayTarget): string {
  let url: URL;
  try {
    url = new URL(target.url);
  } catch {
    throw new Error(`Not a gateway address: ${String(target.url)}`);
  }
  if (url.protocol !== 'ws:' && url.protocol !== 'wss:') {
    throw new Error(`The gateway address must start with ws:// or wss:// (got ${url.protocol}//).`);
  }
  return `${url.protocol}//${url.host}`;
}

/**
 * Connect the Control UI to a gateway (replacing any previous connection). A `token` given here is
 * remembered for this gateway for the rest of the browser session; without one, a token remembered
 * earlier for this same gateway is used. Calling it again with the same target is a no-op.
 */
export function connectGateway(
  target: GatewayTarget,
  deps: ConnectDependencies = {},
): GatewayConnection {
  const url = validateTarget(target);
  if (target.token) storeGatewayToken(url, target.token);
  const token = target.token?.trim() || readGatewayToken(url);
  if (connection && connection.url === url) {
    if (target.token && !connection.usesToken(target.token)) connection.setToken(target.token);
    useControlStore.setState({ gatewayHasToken: connection.hasToken });
    return connection;
  }
  disconnectGateway();
  const next = new GatewayConnection({
    url,
    token,
    loadIdentity: deps.loadIdentity ?? loadBrowserIdentity,
    tokenStore: createDeviceTokenStore(url, deps.tokenStorage),
    createSocket: deps.createSocket,
    pairingRetryMs: deps.pairingRetryMs,
    reconnect: deps.reconnect,
    now: deps.now,
    clientVersion: CONTROL_UI_VERSION,
    displayName: describeBrowser(),
  });
  connection = next;
  const store = useControlStore.getState();
  store.bindGatewayConnection(next);
  const offStatus = next.onStatus((status) =>
    useControlStore.getState().setGatewayStatus(status, next.hello),
  );
  const offEvent = next.onEvent((event) => {
    const state = useControlStore.getState();
    if (event.event === 'presence') state.setGatewayPresence(parsePresenceList(event.payload));
    if (event.event === 'tick' || event.event === 'health') state.noteGatewayEvent(Date.now());
  });
  const onOnline = () => {
    if (next.status.state === 'disconnected') next.retryNow();
  };
  if (typeof window !== 'undefined') window.addEventListener('online', onOnline);
  detach = () => {
    offStatus();
    offEvent();
    if (typeof window !== 'undefined') window.removeEventListener('online', onOnline);
  };
  next.start();
  return next;
}

/** Connect from the desktop app's `controlUi.url` answer (`http://127.0.0.1:<port>/#token=…`). */
export function connectGatewayFromControlUiUrl(
  httpUrl: string,
  deps?: ConnectDependencies,
): GatewayConnection {
  return connectGateway(parseControlUiUrl(httpUrl), deps);
}

/** Served by the gateway itself: take the fragment token, connect back to this page's origin. */
export function connectToPageGateway(deps?: ConnectDependencies): GatewayConnection | null {
  if (typeof window === 'undefined') return null;
  captureGatewayTokenFromUrl();
  return connectGateway({ url: pageGatewayUrl(window.location.href) }, deps);
}

export function disconnectGateway(): void {
  detach?.();
  detach = null;
  connection?.stop();
  connection = null;
  const store = useControlStore.getState();
  store.bindGatewayConnection(null);
  store.clearQueries();
}

/** The pasted-token form on the "not accepted" screen. */
export function setGatewayToken(token: string): void {
  if (!connection) return;
  storeGatewayToken(connection.url, token);
  connection.setToken(token);
  useControlStore.setState({ gatewayHasToken: connection.hasToken });
}

export function retryGateway(): void {
  connection?.retryNow();
}

/** A request on the live connection (rejects while not connected). */
export function gatewayRequest<T = unknown>(
  method: string,
  params: unknown = {},
  timeoutMs?: number,
): Promise<T> {
  if (!connection) return Promise.reject(new Error('Not connected to the gateway.'));
  return connection.request<T>(method, params, timeoutMs);
}

/** "Chrome on Linux": how this browser is listed on the gateway's Devices page. */
function describeBrowser(): string {
  if (typeof navigator === 'undefined') return 'Control UI';
  const ua = navigator.userAgent;
  const browser = /Edg\//.test(ua)
    ? 'Edge'
    : /Firefox\//.test(ua)
      ? 'Firefox'
      : /Chrome\/|Chromium\//.test(ua)
        ? 'Chrome'
        : /Safari\//.test(ua)
          ? 'Safari'
          : 'Browser';
  const os = /Windows/.test(ua)
    ? 'Windows'
    : /Mac OS X|Macintosh/.test(ua)
      ? 'macOS'
      : /Android/.test(ua)
        ? 'Android'
        : /iPhone|iPad/.test(ua)
          ? 'iOS'
          : /Linux/.test(ua)
            ? 'Linux'
            : 'unknown OS';
  return `Control UI (${browser} on ${os})`;
}
