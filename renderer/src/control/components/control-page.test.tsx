// @vitest-environment happy-dom
/**
 * The page frame on a real React tree and the real store, with an in-memory gateway: pairing
 * required (request id, both ways to approve) until approved, then the page by itself; a refusal
 * shows its next step and a token field whose token is used from the next attempt.
 */
import { act, useState } from 'react';
import { createRoot, type Root } from 'react-dom/client';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  authRefusal,
  FakeGateway,
  helloPayload,
  pairingRefusal,
} from '../connection/fake-gateway-socket.js';
import { loadOrCreateDeviceIdentity, memoryIdentityStore } from '../connection/device-identity.js';
import { connectGateway, disconnectGateway, useControlStore } from '../connection/control-store.js';
import { APP_APPROVAL_GRACE_MS, ControlPage } from './control-page.js';
import { HostProvider } from '../../host/host-context.js';
import { fakeHostApi } from '../../testing/fake-host-api.js';

(globalThis as { IS_REACT_ACT_ENVIRONMENT?: boolean }).IS_REACT_ACT_ENVIRONMENT = true;

let container: HTMLDivElement;
let root: Root;

async function until(check: () => boolean, timeoutMs = 3000): Promise<void> {
  const started = Date.now();
  while (!check()) {
    if (Date.now() - started > timeoutMs)
      throw new Error(`timed out; page shows: ${container.textContent}`);
    await act(async () => {
      await new Promise((r) => setTimeout(r, 10));
    });
  }
}

function connect(gateway: FakeGateway, token?: string) {
  const identity = loadOrCreateDeviceIdentity(memoryIdentityStore());
  connectGateway(
    { url: 'ws://127.0.0.1:18789', ...(token ? { token } : {}) },
    {
      loadIdentity: () => identity,
      createSocket: gateway.factory,
      tokenStorage: null,
      pairingRetryMs: 30,
      reconnect: { initialMs: 10, multiplier: 1.5, maxMs: 50 },
    },
  );
}

beforeEach(() => {
  sessionStorage.clear();
  useControlStore.getState().setAppApproval(null);
  container = document.createElement('div');
  document.body.appendChild(container);
  root = createRoot(container);
});

afterEach(async () => {
  await act(async () => root.unmount());
  container.remove();
  disconnectGateway();
});

describe('ControlPage', () => {
  it('keeps the page mounted (and its state) while the connection drops and comes back', async () => {
    const gateway = new FakeGateway();
    gateway.answer = () => ({ ok: true, payload: helloPayload() });
    connect(gateway, 'tok');
    let mounts = 0;
    function Draft() {
      const [text] = useState(() => {
        mounts += 1;
        return 'unsent draft';
      });
      return <p>{text}</p>;
    }
    await act(async () =>
      root.render(
        <ControlPage>
          <Draft />
        </ControlPage>,
      ),
    );
    await until(() => container.textContent?.includes('unsent draft') ?? false);
    const hello = useControlStore.getState().gatewayHello;
    expect(hello).not.toBeNull();
    await act(async () =>
      useControlStore.setState({
        gatewayStatus: {
          state: 'disconnected',
          since: Date.now(),
          code: 1006,
          reason: '',
          shutdownReason: null,
        },
      }),
    );
    expect(container.textContent).toContain('unsent draft');
    await act(async () =>
      useControlStore.setState({ gatewayStatus: { state: 'connected', since: Date.now() } }),
    );
    expect(container.textContent).toContain('unsent draft');
    expect(mounts).toBe(1);
  });

  it('shows "pairing required" with the request id, then the page once approved', async () => {
    const gateway = new FakeGateway();
    let approved = false;
    gateway.answer = () =>
      approved ? { ok: true, payload: helloPayload() } : pairingRefusal('req-123');
    connect(gateway, 'tok');
    await act(async () =>
      root.render(
        <ControlPage>
          <h1>Devices page</h1>
        </ControlPage>,
      ),
    );
    await until(() => container.textContent?.includes('Pairing required') ?? false);
    expect(container.querySelector('h1')?.textContent).toBe(
      'Pairing required — approve this device in OpenClaw Desktop',
    );
    expect(container.querySelector('[data-testid="pairing-request-id"]')?.textContent).toBe(
      'req-123',
    );
    expect(container.textContent).toContain('openclaw devices approve req-123');
    expect(container.textContent).toContain(
      'docker compose run --rm openclaw-cli devices approve req-123',
    );
    expect(container.textContent).not.toContain('Devices page');

    approved = true;
    await until(() => container.textContent?.includes('Devices page') ?? false);
    expect(container.textContent).not.toContain('Pairing required');
  });

  it('in the app, gives the approve command for the app’s own stack as the host formats it', async () => {
    const gateway = new FakeGateway();
    gateway.answer = () => pairingRefusal('req-9');
    connect(gateway, 'tok');
    const command =
      "cd '/home/me/My Stack' && docker-compose -f docker-compose.yml -f docker-compose.extra.yml run --rm openclaw-cli devices approve req-9";
    const host = fakeHostApi({
      'stack.cliCommand': ({ args }) => ({
        shell: 'posix' as const,
        command: args.join(' ') === 'devices approve req-9' ? command : 'wrong args',
      }),
    });
    await act(async () =>
      root.render(
        <HostProvider connection={host}>
          <ControlPage>
            <h1>Devices page</h1>
          </ControlPage>
        </HostProvider>,
      ),
    );
    await until(() => container.textContent?.includes(command) ?? false);
    expect(host.callsTo('stack.cliCommand')).toEqual([{ args: ['devices', 'approve', 'req-9'] }]);
    // The generic form (which would miss the folder, v1 binary and extra file) is not offered.
    expect(container.textContent).not.toContain('docker compose run --rm openclaw-cli');
  });

  it('inside the app, says "Connecting…" while the app approves its own window', async () => {
    const gateway = new FakeGateway();
    let approved = false;
    gateway.answer = () =>
      approved ? { ok: true, payload: helloPayload() } : pairingRefusal('req-app');
    // ensure-connection sets this once the host was told the window's key.
    useControlStore.getState().setAppApproval(Date.now());
    connect(gateway, 'tok');
    const seen: string[] = [];
    await act(async () =>
      root.render(
        <ControlPage>
          <h1>Chat page</h1>
        </ControlPage>,
      ),
    );
    await until(() => {
      seen.push(container.textContent ?? '');
      return gateway.connects.length >= 3;
    });
    expect(container.textContent).toContain('OpenClaw Desktop is approving this window');
    approved = true;
    await until(() => {
      seen.push(container.textContent ?? '');
      return container.textContent?.includes('Chat page') ?? false;
    });
    expect(seen.some((text) => text.includes('Pairing required'))).toBe(false);
  });

  it('shows the pairing screen once the app had its chance and did not approve', async () => {
    const gateway = new FakeGateway();
    gateway.answer = () => pairingRefusal('req-late');
    useControlStore.getState().setAppApproval(Date.now() - APP_APPROVAL_GRACE_MS - 1);
    connect(gateway, 'tok');
    await act(async () =>
      root.render(
        <ControlPage>
          <h1>Chat page</h1>
        </ControlPage>,
      ),
    );
    await until(() => container.textContent?.includes('Pairing required') ?? false);
  });

  it('explains a refusal and uses a pasted token for the next attempt', async () => {
    const gateway = new FakeGateway();
    gateway.answer = (frame) =>
      frame.params.auth?.token === 'pasted-token'
        ? { ok: true, payload: helloPayload() }
        : authRefusal('AUTH_TOKEN_MISSING', 'unauthorized: gateway token missing');
    connect(gateway);
    await act(async () =>
      root.render(
        <ControlPage>
          <h1>Overview page</h1>
        </ControlPage>,
      ),
    );
    await until(() => container.textContent?.includes('This page has no gateway token') ?? false);
    expect(container.textContent).toContain('openclaw dashboard --no-open');
    const input = container.querySelector<HTMLInputElement>('input[type="password"]');
    expect(input).not.toBeNull();
    expect(input!.labels?.[0]?.textContent).toContain('Gateway token');

    await act(async () => {
      const setter = Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value')!.set!;
      setter.call(input, 'pasted-token');
      input!.dispatchEvent(new Event('input', { bubbles: true }));
    });
    await act(async () => {
      container
        .querySelector('form')!
        .dispatchEvent(new Event('submit', { bubbles: true, cancelable: true }));
    });
    await until(() => container.textContent?.includes('Overview page') ?? false);
    expect(gateway.connects.at(-1)!.params.auth?.token).toBe('pasted-token');
  });
});
