// @vitest-environment happy-dom
/**
 * The store the pages read: `connectToPageGateway` takes the fragment token, connects to the page's
 * own origin, and mirrors the connection's states — while the token stays out of the store, out
 * of every log line, and away from any other gateway.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { FakeGateway, helloPayload, pairingRefusal } from './fake-gateway-socket.js';
import { loadOrCreateDeviceIdentity, memoryIdentityStore } from './device-identity.js';
import {
  connectGateway,
  connectToPageGateway,
  disconnectGateway,
  gatewayRequest,
  useControlStore,
  type ConnectDependencies,
} from './control-store.js';
import type { GatewayConnectionStatus } from './gateway-connection.js';

const TOKEN = 'fragment-token-0123456789';

async function waitFor(check: () => boolean, timeoutMs = 3000): Promise<void> {
  const started = Date.now();
  while (!check()) {
    if (Date.now() - started > timeoutMs) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 5));
  }
}

function deps(gateway: FakeGateway, extra: Partial<ConnectDependencies> = {}): ConnectDependencies {
  const identity = loadOrCreateDeviceIdentity(memoryIdentityStore());
  return {
    loadIdentity: () => identity,
    createSocket: gateway.factory,
    tokenStorage: null,
    pairingRetryMs: 30,
    reconnect: { initialMs: 10, multiplier: 1.5, maxMs: 50 },
    ...extra,
  };
}

let spies: Array<ReturnType<typeof vi.spyOn>>;

beforeEach(() => {
  sessionStorage.clear();
  spies = (['log', 'info', 'warn', 'error', 'debug'] as const).map((m) =>
    vi.spyOn(console, m).mockImplementation(() => {}),
  );
});

afterEach(() => {
  disconnectGateway();
  for (const spy of spies) spy.mockRestore();
});

describe('control store', () => {
  it('connects to the page’s own gateway with the fragment token, which never reaches state or logs', async () => {
    window.history.replaceState(null, '', `${location.origin}/control#token=${TOKEN}`);
    const gateway = new FakeGateway();
    const urls: string[] = [];
    const factory = gateway.factory;
    const seen: GatewayConnectionStatus['state'][] = [];
    const unsubscribe = useControlStore.subscribe((s) => {
      if (seen.at(-1) !== s.gatewayStatus.state) seen.push(s.gatewayStatus.state);
    });
    connectToPageGateway(
      deps(gateway, {
        createSocket: (url, handlers) => {
          urls.push(url);
          return factory(url, handlers);
        },
      }),
    );
    expect(location.href).not.toContain(TOKEN);
    await waitFor(() => useControlStore.getState().gatewayStatus.state === 'connected');
    unsubscribe();

    expect(urls[0]).toBe(`ws://${location.host}`);
    expect(gateway.connects[0]!.params.auth?.token).toBe(TOKEN);
    expect(seen).toEqual(['idle', 'connecting', 'connected']);
    const state = useControlStore.getState();
    expect(state.gatewayHasToken).toBe(true);
    expect(state.gatewayHello?.serverVersion).toBe('9.9.9-test');
    expect(state.gatewayPresence).toHaveLength(1);
    expect(JSON.stringify(state)).not.toContain(TOKEN);
    expect(JSON.stringify(spies.flatMap((s) => s.mock.calls))).not.toContain(TOKEN);
  });

  it('never offers one gateway’s token to another gateway', async () => {
    window.history.replaceState(null, '', `${location.origin}/#token=${TOKEN}`);
    const own = new FakeGateway();
    connectToPageGateway(deps(own));
    await waitFor(() => useControlStore.getState().gatewayStatus.state === 'connected');

    const other = new FakeGateway();
    connectGateway({ url: 'ws://192.0.2.7:18789' }, deps(other));
    await waitFor(() => other.connects.length > 0);
    expect(other.connects[0]!.params.auth?.token).toBeUndefined();
    expect(JSON.stringify(other.connects)).not.toContain(TOKEN);
  });

  it('mirrors pairing-required with its request id, then connects by itself once approved', async () => {
    const gateway = new FakeGateway();
    let approved = false;
    gateway.answer = () =>
      approved ? { ok: true, payload: helloPayload() } : pairingRefusal('req-7');
    connectGateway({ url: 'ws://127.0.0.1:18789', token: 't' }, deps(gateway));
    await waitFor(() => useControlStore.getState().gatewayStatus.state === 'pairing-required');
    expect(useControlStore.getState().gatewayStatus).toMatchObject({ requestId: 'req-7' });
    await waitFor(() => gateway.connects.length >= 3);
    approved = true;
    await waitFor(() => useControlStore.getState().gatewayStatus.state === 'connected');
  });

  it('updates presence from presence events and fetches through gatewayRequest', async () => {
    const gateway = new FakeGateway();
    gateway.methods['system-presence'] = () => [];
    connectGateway({ url: 'ws://127.0.0.1:18789', token: 't' }, deps(gateway));
    await waitFor(() => useControlStore.getState().gatewayStatus.state === 'connected');
    gateway.last!.emit('presence', {
      presence: [
        { host: 'a', ts: 1 },
        { host: 'b', ts: 2 },
      ],
    });
    await waitFor(() => useControlStore.getState().gatewayPresence.length === 2);
    await expect(gatewayRequest('system-presence')).resolves.toEqual([]);
  });

  it('runQuery coalesces overlapping fetches into one follow-up', async () => {
    let calls = 0;
    const load = async () => {
      calls += 1;
      await new Promise((r) => setTimeout(r, 10));
      return calls;
    };
    const { runQuery } = useControlStore.getState();
    await Promise.all([runQuery('k', load), runQuery('k', load), runQuery('k', load)]);
    expect(calls).toBe(2);
    expect(useControlStore.getState().queries.k).toMatchObject({
      data: 2,
      loading: false,
      error: null,
    });
    await runQuery('k', async () => {
      throw new Error('boom');
    });
    // A failed refetch keeps the last good data and says what went wrong.
    expect(useControlStore.getState().queries.k).toMatchObject({ data: 2, error: 'boom' });
  });
});
