// @vitest-environment happy-dom
/**
 * The Sandboxes page on the real store and connection, with an in-memory gateway: rows as the
 * gateway lists them, Recreate (one, or all) only after the confirm and with the right params,
 * no Recreate without the admin scope, and the gateway's own message when it cannot list.
 */
import { act } from 'react';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FakeGateway, helloPayload } from '../connection/fake-gateway-socket.js';
import { loadOrCreateDeviceIdentity, memoryIdentityStore } from '../connection/device-identity.js';
import { connectGateway, disconnectGateway, useControlStore } from '../connection/control-store.js';
import { cleanup, click, getButton, render } from '../../testing/dom.js';
import { useToastStore } from '../../ui/toast.js';
import { SandboxesPage } from './sandboxes-page.js';

async function until(check: () => boolean, what: string, timeoutMs = 3000): Promise<void> {
  const started = Date.now();
  while (!check()) {
    if (Date.now() - started > timeoutMs)
      throw new Error(`timed out waiting for ${what}; page shows: ${document.body.textContent}`);
    await act(async () => {
      await new Promise((r) => setTimeout(r, 10));
    });
  }
}

const NOW = 1_800_000_000_000;
const ROWS = [
  {
    containerName: 'openclaw-sbx-agent-main-1a2b',
    scopeKey: 'agent:main',
    agentId: 'main',
    state: 'running',
    image: 'openclaw-sandbox:bookworm-slim',
    createdAtMs: NOW - 3 * 3_600_000,
    lastUsedAtMs: NOW - 5 * 60_000,
    configMatch: 'yes',
  },
  {
    containerName: 'openclaw-sbx-agent-work-s1-9f8e',
    scopeKey: 'agent:work:s1',
    agentId: 'work',
    state: 'stopped',
    image: 'debian:bookworm',
    createdAtMs: NOW - 48 * 3_600_000,
    lastUsedAtMs: NOW - 26 * 3_600_000,
    configMatch: 'no',
    configNote: 'image debian:bookworm, config asks for openclaw-sandbox:bookworm-slim',
  },
];

function gatewayWith(scopes: string[], list: () => unknown): FakeGateway {
  const gateway = new FakeGateway();
  gateway.answer = () => ({
    ok: true,
    payload: helloPayload({ auth: { role: 'operator', scopes } }),
  });
  gateway.methods = {
    'sandboxes.list': list,
    'sandboxes.recreate': (params) => {
      const p = params as { all?: boolean; sessionKey?: string };
      const removed = p.all
        ? ROWS.map((r) => r.containerName)
        : ROWS.filter((r) => r.scopeKey === p.sessionKey).map((r) => r.containerName);
      return { removed, failed: [] };
    },
  };
  const identity = loadOrCreateDeviceIdentity(memoryIdentityStore());
  connectGateway(
    { url: 'ws://127.0.0.1:18789', token: 'tok' },
    {
      loadIdentity: () => identity,
      createSocket: gateway.factory,
      tokenStorage: null,
      reconnect: { initialMs: 10, multiplier: 1.5, maxMs: 50 },
    },
  );
  return gateway;
}

const listed = () => ({ containers: ROWS, browsers: [], nowMs: NOW });
const ADMIN = ['operator.read', 'operator.admin'];
const text = () => document.body.textContent ?? '';
const recreates = (g: FakeGateway) => g.requests.filter((r) => r.method === 'sandboxes.recreate');

beforeEach(() => {
  useControlStore.setState({ queries: {} });
  useToastStore.setState({ toasts: [] });
});

afterEach(() => {
  cleanup();
  disconnectGateway();
});

describe('SandboxesPage (Control UI)', () => {
  it('shows each container with its scope, state, image, idle time and config match', async () => {
    gatewayWith(ADMIN, listed);
    const { container } = render(<SandboxesPage />);
    await until(() => text().includes('openclaw-sbx-agent-work-s1-9f8e'), 'the rows');
    const rows = [...container.querySelectorAll('tbody tr')].map((r) => r.textContent ?? '');
    expect(rows).toHaveLength(2);
    expect(rows[0]).toContain('agent main');
    expect(rows[0]).toContain('agent:main');
    expect(rows[0]).toContain('running');
    expect(rows[0]).toContain('openclaw-sandbox:bookworm-slim');
    expect(rows[0]).toContain('5 m');
    expect(rows[0]).toContain('matches config');
    expect(rows[1]).toContain('stopped');
    expect(rows[1]).toContain('differs from config');
    expect(rows[1]).toContain('config asks for openclaw-sandbox:bookworm-slim');
  });

  it('recreates one container by its scope key, only after the confirm', async () => {
    const gateway = gatewayWith(ADMIN, listed);
    render(<SandboxesPage />);
    await until(() => text().includes('openclaw-sbx-agent-work-s1-9f8e'), 'the rows');
    click(getButton(document.body, 'Recreate openclaw-sbx-agent-work-s1-9f8e'));
    await until(() => text().includes('Recreate this sandbox?'), 'the confirm');
    expect(recreates(gateway)).toHaveLength(0);
    click(getButton(document.body, 'Recreate'));
    await until(() => recreates(gateway).length === 1, 'sandboxes.recreate');
    expect(recreates(gateway)[0]!.params).toEqual({ sessionKey: 'agent:work:s1' });
    await until(
      () => useToastStore.getState().toasts.some((t) => t.title.startsWith('Removed 1 container')),
      'the outcome',
    );
  });

  it('"Recreate all" asks first, then sends { all: true }; Cancel sends nothing', async () => {
    const gateway = gatewayWith(ADMIN, listed);
    render(<SandboxesPage />);
    await until(() => text().includes('openclaw-sbx-agent-main-1a2b'), 'the rows');
    click(getButton(document.body, 'Recreate all'));
    await until(() => text().includes('Recreate every sandbox?'), 'the confirm');
    click(getButton(document.body, 'Cancel'));
    await until(() => !text().includes('Recreate every sandbox?'), 'the confirm to close');
    expect(recreates(gateway)).toHaveLength(0);
    click(getButton(document.body, 'Recreate all'));
    await until(() => text().includes('Recreate every sandbox?'), 'the confirm again');
    const confirm = [...document.querySelectorAll('button')].filter(
      (b) => b.textContent?.trim() === 'Recreate all',
    );
    click(confirm.at(-1));
    await until(() => recreates(gateway).length === 1, 'sandboxes.recreate');
    expect(recreates(gateway)[0]!.params).toEqual({ all: true });
  });

  it('with read access only, lists the rows but offers no Recreate and says why', async () => {
    gatewayWith(['operator.read'], listed);
    render(<SandboxesPage />);
    await until(() => text().includes('openclaw-sbx-agent-main-1a2b'), 'the rows');
    expect(text()).toContain('can look but not recreate');
    expect(text()).toContain('Admin permission');
    expect([...document.querySelectorAll('button')].map((b) => b.textContent)).not.toContain(
      'Recreate',
    );
    expect(() => getButton(document.body, 'Recreate all')).toThrow();
  });

  it('shows the gateway’s message when it cannot reach the sandboxes', async () => {
    gatewayWith(ADMIN, () => {
      throw new Error('Cannot reach the sandbox engine: connect ENOENT /var/run/docker.sock');
    });
    render(<SandboxesPage />);
    await until(() => text().includes('could not list its sandboxes'), 'the error');
    expect(text()).toContain('connect ENOENT /var/run/docker.sock');
    expect(document.querySelector('table')).toBeNull();
  });

  it('with no containers, says sandboxing may be off and where to turn it on', async () => {
    gatewayWith(ADMIN, () => ({ containers: [], browsers: [], nowMs: NOW }));
    render(<SandboxesPage />);
    await until(() => text().includes('No sandbox containers'), 'the empty state');
    expect(text()).toContain('agents.defaults.sandbox');
    expect(text()).toContain('Settings → Sandbox');
  });
});
