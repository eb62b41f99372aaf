/**
 * The headless transport: the host API over a WebSocket to `/host` on the page's own origin.
 * The first frame trades the one-time launch token (or, after a reload, the session token kept in
 * sessionStorage) for a session token; after that, frames follow `HostWireMessage`. The connection
 * comes back by itself after a drop, re-authenticating with the session token; a refused token is
 * final (state "unauthorized") because retrying cannot fix it.
 */
import type {
  HostCallName,
  HostCallParams,
  HostCallResult,
  HostEventName,
  HostEventPayload,
} from '../../../electron/contract/host-api.js';
import { ClientErrorCode, HostError } from './host-error.js';
import { Listeners, type HostConnection, type HostConnectionState } from './host-connection.js';

/** The sessionStorage key of the headless session token (per tab, per origin). */
export const HOST_SESSION_KEY = 'openclaw.host.session.v1';

/** WebSocket close code the headless host uses for a missing or refused token. */
export const HOST_UNAUTHORIZED_CLOSE = 4401;

/** The part of the WebSocket API used here (the browser's, or a fake in tests). */
export interface SocketLike {
  readonly readyState: number;
  send(data: string): void;
  close(code?: number, reason?: string): void;
  onopen: ((ev: unknown) => void) | null;
  onmessage: ((ev: { data: unknown }) => void) | null;
  onclose: ((ev: { code: number; reason: string }) => void) | null;
  onerror: ((ev: unknown) => void) | null;
}

export type SocketFactory = (url: string) => SocketLike;

export interface WsHostOptions {
  /** `ws://<host>/host`. */
  url: string;
  /** One-time launch token, or undefined to use the stored session token. */
  launchToken?: string;
  storage?: Pick<Storage, 'getItem' | 'setItem' | 'removeItem'> | null;
  createSocket?: SocketFactory;
  /** Delays between reconnect attempts, ms; the last one repeats. */
  reconnectDelaysMs?: readonly number[];
}

const OPEN = 1;
const DEFAULT_DELAYS = [300, 1000, 2000, 5000];

interface Pending {
  resolve: (value: unknown) => void;
  reject: (err: HostError) => void;
}

type Frame =
  | { type: 'auth-ok'; sessionToken: string }
  | { type: 'result'; id: string; ok: true; value: unknown }
  | { type: 'result'; id: string; ok: false; error: { code: string; message: string } }
  | { type: 'event'; name: string; payload: unknown };

/** Shape-check one incoming frame; anything else is ignored. */
export function parseFrame(data: unknown): Frame | undefined {
  if (typeof data !== 'string') return undefined;
  let raw: unknown;
  try {
    raw = JSON.parse(data);
  } catch {
    return undefined;
  }
  if (typeof raw !== 'object' || raw === null) return undefined;
  const f = raw as Record<string, unknown>;
  if (f.type === 'auth-ok' && typeof f.sessionToken === 'string' && f.sessionToken)
    return { type: 'auth-ok', sessionToken: f.sessionToken };
  if (f.type === 'event' && typeof f.name === 'string')
    return { type: 'event', name: f.name, payload: f.payload };
  if (f.type === 'result' && typeof f.id === 'string') {
    if (f.ok === true) return { type: 'result', id: f.id, ok: true, value: f.value };
    const e = (typeof f.error === 'object' && f.error !== null ? f.error : {}) as Record<
      string,
      unknown
    >;
    return {
      type: 'result',
      id: f.id,
      ok: false,
      error: {
        code: typeof e.code === 'string' ? e.code : 'INTERNAL',
        message: typeof e.message === 'string' ? e.message : 'the host call failed',
      },
    };
  }
  return undefined;
}

function defaultStorage(): WsHostOptions['storage'] {
  try {
    return typeof sessionStorage === 'undefined' ? null : sessionStorage;
  } catch {
    return null;
  }
}

export function createWsHost(options: WsHostOptions): HostConnection {
  const storage = options.storage === undefined ? defaultStorage() : options.storage;
  const createSocket: SocketFactory =
    options.createSocket ?? ((url) => new WebSocket(url) as unknown as SocketLike);
  const delays = options.reconnectDelaysMs ?? DEFAULT_DELAYS;

  let token: string | undefined = options.launchToken ?? readStored();
  let state: HostConnectionState = 'connecting';
  let socket: SocketLike | undefined;
  let authed = false;
  let attempt = 0;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let disposed = false;
  let nextId = 1;
  const pending = new Map<string, Pending>();
  /** Calls made before the session is ready: sent once it is. */
  const queued: Array<{ id: string; frame: string }> = [];
  const states = new Listeners<HostConnectionState>();
  const events = new Map<string, Listeners<unknown>>();

  function readStored(): string | undefined {
    try {
      return storage?.getItem(HOST_SESSION_KEY) ?? undefined;
    } catch {
      return undefined;
    }
  }

  function store(session: string | undefined): void {
    try {
      if (session) storage?.setItem(HOST_SESSION_KEY, session);
      else storage?.removeItem(HOST_SESSION_KEY);
    } catch {
      // Storage blocked: the session still works until the tab is reloaded.
    }
  }

  function setState(next: HostConnectionState): void {
    if (state === next) return;
    state = next;
    states.emit(next);
  }

  function failAll(code: string, message: string, includeQueued: boolean): void {
    for (const [id, p] of pending) {
      if (!includeQueued && queued.some((q) => q.id === id)) continue;
      pending.delete(id);
      p.reject(new HostError(code, message));
    }
    if (includeQueued) queued.length = 0;
  }

  function connect(): void {
    if (disposed) return;
    if (!token) {
      setState('unauthorized');
      failAll(ClientErrorCode.UNAUTHORIZED, 'This page has no session with the app host.', true);
      return;
    }
    authed = false;
    let ws: SocketLike;
    try {
      ws = createSocket(options.url);
    } catch {
      scheduleReconnect();
      return;
    }
    socket = ws;
    ws.onopen = () => ws.send(JSON.stringify({ type: 'auth', token }));
    ws.onmessage = (ev) => onFrame(parseFrame(ev.data));
    ws.onerror = () => {
      // A close event follows; that is where the state changes.
    };
    ws.onclose = (ev) => {
      if (socket !== ws) return;
      socket = undefined;
      authed = false;
      if (disposed) return;
      if (ev.code === HOST_UNAUTHORIZED_CLOSE) {
        token = undefined;
        store(undefined);
        setState('unauthorized');
        failAll(
          ClientErrorCode.UNAUTHORIZED,
          'The app host refused this page: its link was already used or belongs to an earlier run.',
          true,
        );
        return;
      }
      failAll(
        ClientErrorCode.DISCONNECTED,
        'The connection to the app host was lost before it answered.',
        false,
      );
      scheduleReconnect();
    };
  }

  function scheduleReconnect(): void {
    if (disposed) return;
    setState('reconnecting');
    const delay = delays[Math.min(attempt, delays.length - 1)] ?? 1000;
    attempt += 1;
    clearTimeout(timer);
    timer = setTimeout(connect, delay);
  }

  function onFrame(frame: Frame | undefined): void {
    if (!frame) return;
    if (frame.type === 'auth-ok') {
      authed = true;
      attempt = 0;
      // The launch token is spent now; from here on the session token is what reconnects.
      token = frame.sessionToken;
      store(frame.sessionToken);
      setState('open');
      for (const q of queued.splice(0)) socket?.send(q.frame);
      return;
    }
    if (frame.type === 'result') {
      const p = pending.get(frame.id);
      if (!p) return;
      pending.delete(frame.id);
      if (frame.ok) p.resolve(frame.value);
      else p.reject(new HostError(frame.error.code, frame.error.message));
      return;
    }
    events.get(frame.name)?.emit(frame.payload);
  }

  connect();

  return {
    kind: 'headless',
    call<K extends HostCallName>(name: K, params: HostCallParams<K>): Promise<HostCallResult<K>> {
      if (disposed)
        return Promise.reject(new HostError(ClientErrorCode.DISCONNECTED, 'The page is closing.'));
      if (state === 'unauthorized')
        return Promise.reject(
          new HostError(
            ClientErrorCode.UNAUTHORIZED,
            'This page has no session with the app host.',
          ),
        );
      const id = `c${nextId++}`;
      const frame = JSON.stringify({ type: 'call', id, name, params });
      return new Promise<HostCallResult<K>>((resolve, reject) => {
        pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
        if (authed && socket && socket.readyState === OPEN) socket.send(frame);
        else queued.push({ id, frame });
      });
    },
    on<K extends HostEventName>(event: K, listener: (payload: HostEventPayload<K>) => void) {
      let set = events.get(event);
      if (!set) {
        set = new Listeners<unknown>();
        events.set(event, set);
      }
      return set.add(listener as (payload: unknown) => void);
    },
    getState: () => state,
    onStateChange: (listener) => states.add(listener),
    onNavigate: () => () => {},
    dispose() {
      disposed = true;
      clearTimeout(timer);
      failAll(ClientErrorCode.DISCONNECTED, 'The page is closing.', true);
      socket?.close(1000, 'page closed');
      socket = undefined;
      setState('closed');
      states.clear();
      events.clear();
    },
  };
}
