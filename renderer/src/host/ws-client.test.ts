import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { HostError } from './host-error.js';
import { createWsHost, HOST_SESSION_KEY, parseFrame, type SocketLike } from './ws-client.js';

class FakeSocket implements SocketLike {
  readyState = 0;
  sent: Array<Record<string, unknown>> = [];
  closed?: { code?: number; reason?: string };
  onopen: SocketLike['onopen'] = null;
  onmessage: SocketLike['onmessage'] = null;
  onclose: SocketLike['onclose'] = null;
  onerror: SocketLike['onerror'] = null;
  constructor(readonly url: string) {}
  send(data: string) {
    this.sent.push(JSON.parse(data) as Record<string, unknown>);
  }
  close(code?: number, reason?: string) {
    this.closed = { code, reason };
  }
  open() {
    this.readyState = 1;
    this.onopen?.({});
  }
  receive(frame: unknown) {
    this.onmessage?.({ data: typeof frame === 'string' ? frame : JSON.stringify(frame) });
  }
  drop(code = 1006, reason = '') {
    this.readyState = 3;
    this.onclose?.({ code, reason });
  }
}

function memoryStorage() {
  const map = new Map<string, string>();
  return {
    map,
    getItem: (k: string) => map.get(k) ?? null,
    setItem: (k: string, v: string) => void map.set(k, v),
    removeItem: (k: string) => void map.delete(k),
  };
}

function setup(options: { launchToken?: string; storage?: ReturnType<typeof memoryStorage> } = {}) {
  const sockets: FakeSocket[] = [];
  const storage = options.storage ?? memoryStorage();
  const host = createWsHost({
    url: 'ws://127.0.0.1:5000/host',
    launchToken: 'launchToken' in options ? options.launchToken : 'one-time',
    storage,
    createSocket: (url) => {
      const s = new FakeSocket(url);
      sockets.push(s);
      return s;
    },
    reconnectDelaysMs: [10, 20],
  });
  const last = () => sockets[sockets.length - 1]!;
  const authorise = (session = 'session-1') => {
    last().open();
    last().receive({ type: 'auth-ok', sessionToken: session });
  };
  return { host, sockets, storage, last, authorise };
}

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

describe('createWsHost', () => {
  it('trades the launch token for a session token and keeps it for reloads', () => {
    const { host, last, authorise, storage } = setup();
    expect(host.getState()).toBe('connecting');
    expect(last().url).toBe('ws://127.0.0.1:5000/host');
    last().open();
    expect(last().sent[0]).toEqual({ type: 'auth', token: 'one-time' });
    last().receive({ type: 'auth-ok', sessionToken: 'sess-A' });
    expect(host.getState()).toBe('open');
    expect(storage.map.get(HOST_SESSION_KEY)).toBe('sess-A');
    void authorise;
  });

  it('queues calls made before the session is ready and resolves them by id', async () => {
    const { host, last, authorise } = setup();
    const pending = host.call('status.get', {});
    expect(last().sent).toHaveLength(0);
    authorise();
    const call = last().sent.find((f) => f.type === 'call')!;
    expect(call).toMatchObject({ type: 'call', name: 'status.get', params: {} });
    last().receive({ type: 'result', id: call.id, ok: true, value: { phase: 'running' } });
    await expect(pending).resolves.toEqual({ phase: 'running' });
  });

  it('turns an error result into a HostError with the host code and message', async () => {
    const { host, last, authorise } = setup();
    authorise();
    const pending = host.call('gateway.start', {});
    const call = last().sent.find((f) => f.type === 'call')!;
    last().receive({
      type: 'result',
      id: call.id,
      ok: false,
      error: { code: 'DOCKER_UNAVAILABLE', message: 'Docker is not running' },
    });
    const err = await pending.catch((e: unknown) => e);
    expect(err).toBeInstanceOf(HostError);
    expect(err).toMatchObject({ code: 'DOCKER_UNAVAILABLE', message: 'Docker is not running' });
  });

  it('delivers events to the listeners of that event only, until unsubscribed', () => {
    const { host, last, authorise } = setup();
    authorise();
    const status = vi.fn();
    const approvals = vi.fn();
    const off = host.on('status', status);
    host.on('approvals.changed', approvals);
    last().receive({ type: 'event', name: 'approvals.changed', payload: { pending: 2 } });
    expect(approvals).toHaveBeenCalledWith({ pending: 2 });
    expect(status).not.toHaveBeenCalled();
    off();
    last().receive({ type: 'event', name: 'status', payload: {} });
    expect(status).not.toHaveBeenCalled();
  });

  it('rejects in-flight calls on a drop, then reconnects with the session token', async () => {
    const { host, sockets, last, authorise } = setup();
    authorise('sess-B');
    const inflight = host.call('status.get', {});
    last().drop();
    await expect(inflight).rejects.toMatchObject({ code: 'DISCONNECTED' });
    expect(host.getState()).toBe('reconnecting');
    // A call made while away waits for the new session instead of failing.
    const later = host.call('status.get', {});
    await vi.advanceTimersByTimeAsync(15);
    expect(sockets).toHaveLength(2);
    last().open();
    expect(last().sent[0]).toEqual({ type: 'auth', token: 'sess-B' });
    last().receive({ type: 'auth-ok', sessionToken: 'sess-B' });
    const call = last().sent.find((f) => f.type === 'call')!;
    last().receive({ type: 'result', id: call.id, ok: true, value: 'ok' });
    await expect(later).resolves.toBe('ok');
    expect(host.getState()).toBe('open');
  });

  it('stops for good when the host refuses the token (4401) and forgets the session', async () => {
    const storage = memoryStorage();
    storage.setItem(HOST_SESSION_KEY, 'stale');
    const { host, sockets, last } = setup({ launchToken: undefined, storage });
    const queued = host.call('status.get', {});
    last().open();
    expect(last().sent[0]).toEqual({ type: 'auth', token: 'stale' });
    last().drop(4401, 'invalid or already used token');
    expect(host.getState()).toBe('unauthorized');
    await expect(queued).rejects.toMatchObject({ code: 'UNAUTHORIZED' });
    expect(storage.map.has(HOST_SESSION_KEY)).toBe(false);
    await vi.advanceTimersByTimeAsync(100);
    expect(sockets).toHaveLength(1);
    await expect(host.call('status.get', {})).rejects.toBeInstanceOf(HostError);
  });

  it('reports state changes and stops everything on dispose', async () => {
    const { host, last, authorise } = setup();
    const states: string[] = [];
    host.onStateChange((s) => states.push(s));
    authorise();
    const pending = host.call('status.get', {});
    host.dispose();
    expect(states).toEqual(['open', 'closed']);
    expect(last().closed?.code).toBe(1000);
    await expect(pending).rejects.toMatchObject({ code: 'DISCONNECTED' });
  });
});

describe('parseFrame', () => {
  it('accepts the wire shapes and ignores anything else', () => {
    expect(parseFrame('{"type":"auth-ok","sessionToken":"s"}')).toEqual({
      type: 'auth-ok',
      sessionToken: 's',
    });
    expect(parseFrame('{"type":"event","name":"status","payload":1}')).toEqual({
      type: 'event',
      name: 'status',
      payload: 1,
    });
    expect(parseFrame('{"type":"result","id":"c1","ok":false}')).toMatchObject({
      ok: false,
      error: { code: 'INTERNAL' },
    });
    expect(parseFrame('not json')).toBeUndefined();
    expect(parseFrame('{"type":"auth-ok"}')).toBeUndefined();
    expect(parseFrame('[1,2]')).toBeUndefined();
    expect(parseFrame(42)).toBeUndefined();
  });
});
