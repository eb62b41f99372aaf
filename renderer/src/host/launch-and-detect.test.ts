import { describe, expect, it, vi } from 'vitest';
import { detectHost, hostSocketUrl } from './detect.js';
import { createIpcHost, unwrapOutcome } from './ipc-client.js';
import { HostError } from './host-error.js';
import { takeHostTokenFromUrl } from './launch-fragment.js';
import { HOST_SESSION_KEY } from './ws-client.js';

function env(href: string) {
  const state = { href };
  return {
    location: state,
    history: {
      state: null,
      replaceState: vi.fn((_d: unknown, _u: string, url?: string) => {
        if (url) state.href = new URL(url, state.href).href;
      }),
    },
  };
}

describe('takeHostTokenFromUrl', () => {
  it('takes the token out of the address bar, keeping path, query and other fragment parts', () => {
    const e = env('http://127.0.0.1:5000/setup?x=1#hostToken=abc%2B1&token=gw');
    expect(takeHostTokenFromUrl(e)).toBe('abc+1');
    expect(e.location.href).toBe('http://127.0.0.1:5000/setup?x=1#token=gw');
  });

  it('leaves a URL without the token alone', () => {
    const e = env('http://127.0.0.1:5000/#token=gw');
    expect(takeHostTokenFromUrl(e)).toBeUndefined();
    expect(e.history.replaceState).not.toHaveBeenCalled();
  });

  it('still strips an empty token', () => {
    const e = env('http://127.0.0.1:5000/#hostToken=');
    expect(takeHostTokenFromUrl(e)).toBeUndefined();
    expect(e.location.href).toBe('http://127.0.0.1:5000/');
  });
});

describe('detectHost', () => {
  const bridge = { call: vi.fn(async () => ({ ok: true, value: 1 })), on: vi.fn(() => () => {}) };

  it('uses the preload bridge in Electron (and still strips a stray token)', () => {
    const e = { ...env('openclaw-app://app/#hostToken=x'), bridge, storage: null };
    expect(detectHost(e)?.kind).toBe('electron');
    expect(e.location.href).toBe('openclaw-app://app/');
  });

  it('connects to the headless host with a launch token or a stored session', () => {
    const sockets: string[] = [];
    const createSocket = (url: string) => {
      sockets.push(url);
      return {
        readyState: 0,
        send() {},
        close() {},
        onopen: null,
        onmessage: null,
        onclose: null,
        onerror: null,
      };
    };
    const withToken = detectHost({
      ...env('http://127.0.0.1:5000/#hostToken=t'),
      storage: null,
      createSocket,
    });
    expect(withToken?.kind).toBe('headless');
    const storage = {
      getItem: (k: string) => (k === HOST_SESSION_KEY ? 's' : null),
      setItem() {},
      removeItem() {},
    };
    expect(detectHost({ ...env('http://127.0.0.1:5000/logs'), storage, createSocket })?.kind).toBe(
      'headless',
    );
    expect(sockets).toEqual(['ws://127.0.0.1:5000/host', 'ws://127.0.0.1:5000/host']);
    withToken?.dispose();
  });

  it('finds no host when served by the gateway', () => {
    expect(detectHost({ ...env('http://127.0.0.1:18789/#token=gw'), storage: null })).toBeNull();
  });

  it('derives the socket URL from the page', () => {
    expect(hostSocketUrl('https://box.local:8443/x')).toBe('wss://box.local:8443/host');
  });
});

describe('the IPC transport', () => {
  it('unwraps the handler outcome into a value or a HostError', () => {
    expect(unwrapOutcome({ ok: true, value: { url: 'u' } })).toEqual({ url: 'u' });
    expect(unwrapOutcome({ ok: true })).toEqual({ ok: true });
    expect(() => unwrapOutcome({ ok: false, error: { code: 'FORBIDDEN', message: 'no' } })).toThrow(
      HostError,
    );
  });

  it('calls through the bridge and forwards tray navigation', async () => {
    const listeners = new Map<string, (p: unknown) => void>();
    const ipc = createIpcHost({
      call: (async (name: string) =>
        name === 'status.get'
          ? { ok: true, value: 'st' }
          : { ok: false, error: { code: 'X', message: 'bad' } }) as never,
      on: ((event: string, listener: (p: unknown) => void) => {
        listeners.set(event, listener);
        return () => listeners.delete(event);
      }) as never,
    });
    await expect(ipc.call('status.get', {})).resolves.toBe('st');
    await expect(ipc.call('gateway.start', {})).rejects.toMatchObject({
      code: 'X',
      message: 'bad',
    });
    const pages: string[] = [];
    const off = ipc.onNavigate((p) => pages.push(p));
    listeners.get('navigate')?.({ page: 'approvals' });
    listeners.get('navigate')?.({ nope: 1 });
    expect(pages).toEqual(['approvals']);
    off();
    expect(listeners.has('navigate')).toBe(false);
  });
});
