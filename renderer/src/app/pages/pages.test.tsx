// @vitest-environment happy-dom
import { act, type ReactNode } from 'react';
import { afterEach, describe, expect, it } from 'vitest';
import type {
  PairedDeviceView,
  PairingRequestView,
  StackSettings,
} from '../../../../electron/contract/host-api.js';
import { HostProvider } from '../../host/host-context.js';
import {
  blur,
  cleanup,
  click,
  flush,
  getButton,
  getByLabel,
  render,
  typeInto,
} from '../../testing/dom.js';
import { fakeHostApi, statusOf, type FakeHostApi } from '../../testing/fake-host-api.js';
import { useToastStore } from '../../ui/toast.js';
import { AppStoreProvider } from '../store/app-store-context.js';
import { bindHostEvents, createAppStore } from '../store/app-store.js';
import { MountsEditor } from '../stack/mounts-editor.js';
import { PortEditor } from '../stack/port-editor.js';
import { createDraftStore } from '../stack/stack-draft.js';
import { ApprovalsPage } from './approvals-page.js';
import { DashboardPage } from './dashboard-page.js';
import { SetupPage } from './setup-page.js';

afterEach(() => {
  cleanup();
  useToastStore.setState({ toasts: [] });
});

function withHost(host: FakeHostApi, ui: ReactNode) {
  const store = createAppStore(host);
  bindHostEvents(store, host);
  return render(
    <HostProvider connection={host}>
      <AppStoreProvider store={store}>{ui}</AppStoreProvider>
    </HostProvider>,
  );
}

const stack: StackSettings = {
  configDir: '/home/me/.openclaw',
  workspaceDir: '/home/me/.openclaw/workspace',
  gatewayPort: 18789,
  exposeOnLan: false,
  extraMounts: [],
  aptPackages: [],
  homeVolume: null,
};

describe('ApprovalsPage', () => {
  const request: PairingRequestView = {
    requestId: 'req-1',
    deviceId: 'dev-1',
    displayName: 'Chrome on Linux',
    remoteIp: '172.17.0.1',
    role: 'operator',
    scopes: [
      { scope: 'operator.write', label: 'Chat and run agents', description: 'Send messages' },
    ],
    isRepair: false,
    ts: Date.now(),
  };
  const app: PairedDeviceView = {
    deviceId: 'me',
    displayName: 'OpenClaw Desktop',
    roles: ['operator'],
    scopes: [],
    isThisApp: true,
  };
  const phone: PairedDeviceView = {
    deviceId: 'ph',
    displayName: 'Phone',
    roles: ['operator'],
    scopes: [],
    isThisApp: false,
  };

  it('shows what a request asks for in plain words, approves it, and protects this app', async () => {
    let pending = [request];
    const host = fakeHostApi({
      'approvals.list': () => ({ pending, paired: [app, phone] }),
      'approvals.approve': () => ((pending = []), { ok: true as const }),
      'status.get': () => statusOf(),
    });
    const { container } = withHost(host, <ApprovalsPage />);
    await flush();
    expect(container.textContent).toContain('Chrome on Linux');
    expect(container.textContent).toContain('Chat and run agents — Send messages');
    expect(container.textContent).toContain('from 172.17.0.1');
    expect(() => getButton(container, 'Revoke operator access of OpenClaw Desktop')).toThrow();
    expect(getButton(container, 'Revoke operator access of Phone')).toBeTruthy();
    click(getButton(container, 'Approve'));
    await flush();
    expect(host.callsTo('approvals.approve')).toEqual([{ requestId: 'req-1' }]);
    expect(container.textContent).toContain('No one is waiting');
  });

  it('tells twin browsers apart by device id, marks this browser, and approves fewer scopes', async () => {
    const twin = (deviceId: string, requestId: string): PairingRequestView => ({
      ...request,
      requestId,
      deviceId,
      displayName: 'Control UI (Chrome on Linux)',
      scopes: [
        { scope: 'operator.read', label: 'Read', description: 'See status' },
        { scope: 'operator.write', label: 'Chat and run agents', description: 'Send messages' },
      ],
    });
    const host = fakeHostApi({
      'approvals.list': () => ({
        pending: [twin('aaaaaaaaaaaaaaaa1111', 'req-a'), twin('bbbbbbbbbbbbbbbb2222', 'req-b')],
        paired: [app, { ...phone, deviceId: 'ph0123456789abcdef', connectedNow: true }],
      }),
      'approvals.approve': () => ({ ok: true as const }),
      'status.get': () => statusOf(),
    });
    const { container } = withHost(
      host,
      <ApprovalsPage browserDeviceId={async () => 'bbbbbbbbbbbbbbbb2222'} />,
    );
    await flush();
    const cards = [...container.querySelectorAll('.request')];
    expect(cards.map((c) => c.querySelector('.device-id [title]')?.getAttribute('title'))).toEqual([
      'aaaaaaaaaaaaaaaa1111',
      'bbbbbbbbbbbbbbbb2222',
    ]);
    expect(cards[0]!.textContent).toContain('ID aaaaaaaaaaaa…');
    expect(cards[0]!.textContent).not.toContain('This browser');
    expect(cards[1]!.textContent).toContain('This browser');
    expect(container.textContent).toContain('ID ph0123456789…');
    // In use right now (the gateway's presence), not "Never".
    const phoneRow = [...container.querySelectorAll('tr')].find((r) =>
      r.textContent?.includes('Phone'),
    );
    expect(phoneRow?.textContent).toContain('Connected now');
    expect(phoneRow?.textContent).not.toContain('Never');

    const second = cards[1]!;
    const write = [...second.querySelectorAll<HTMLInputElement>('input[type="checkbox"]')].find(
      (box) => box.closest('label')?.textContent?.includes('Chat and run agents'),
    )!;
    expect(write.checked).toBe(true);
    click(write);
    await flush();
    click(getButton(second, 'Approve 1 of 2'));
    await flush();
    expect(host.callsTo('approvals.approve')).toEqual([
      { requestId: 'req-b', scopes: ['operator.read'] },
    ]);
  });

  it('shows an error with a retry when the list cannot load', async () => {
    let fail = true;
    const host = fakeHostApi({
      'approvals.list': () => {
        if (fail) throw new Error('gateway not running');
        return { pending: [], paired: [] };
      },
      'channels.requests': () => ({ requests: [], commandOwnerConfigured: true }),
    });
    const { container } = withHost(host, <ApprovalsPage />);
    await flush();
    expect(container.querySelector('[role="alert"]')?.textContent).toContain('gateway not running');
    fail = false;
    click(getButton(container, /Retry/));
    await flush();
    expect(container.querySelector('[role="alert"]')).toBeNull();
  });
});

describe('DashboardPage', () => {
  it('enables only the actions the status allows and masks the token until revealed', async () => {
    const host = fakeHostApi({
      'status.get': () =>
        statusOf({ canStart: false, canStop: true, canRestart: true, canRebuild: false }),
      'controlUi.url': () => ({ url: 'http://127.0.0.1:18789/#token=s3cr3t' }),
      'gateway.stop': () => ({ ok: true as const }),
    });
    const { container } = withHost(host, <DashboardPage />);
    await flush();
    expect(getButton(container, 'Start').disabled).toBe(true);
    expect(getButton(container, 'Rebuild').disabled).toBe(true);
    expect(getButton(container, 'Stop').disabled).toBe(false);
    expect(container.textContent).not.toContain('s3cr3t');
    click(getButton(container, 'Reveal'));
    expect(container.textContent).toContain('#token=s3cr3t');
    click(getButton(container, 'Stop'));
    await flush();
    expect(host.callsTo('gateway.stop')).toHaveLength(1);
  });

  it('shows a failed change as an outcome with its message, and Dismiss puts it away', async () => {
    const host = fakeHostApi({
      'status.get': () => statusOf({}),
      'controlUi.url': () => ({ url: 'http://127.0.0.1:18789/#token=t' }),
      'gateway.stats': () => ({ cpuPercent: 1, memoryBytes: 1e8, memoryLimitBytes: 1e9 }),
    });
    const store = createAppStore(host);
    bindHostEvents(store, host);
    store.getState().applyProgress({ operationId: 'op1', kind: 'apply', phase: 'image' });
    store
      .getState()
      .applyProgress({ operationId: 'op1', kind: 'apply', done: true, error: 'apt said no' });
    const { container } = render(
      <HostProvider connection={host}>
        <AppStoreProvider store={store}>
          <DashboardPage />
        </AppStoreProvider>
      </HostProvider>,
    );
    await flush();
    expect(container.textContent).toContain('The changes were not applied');
    expect(container.textContent).toContain('apt said no');
    click(getButton(container, 'Dismiss'));
    await flush();
    expect(container.textContent).not.toContain('apt said no');
    expect(store.getState().operation).toBeNull();
  });

  it('never says "not running" next to a running status while it measures again', async () => {
    const host = fakeHostApi({
      'status.get': () => statusOf({ phase: 'running', uptimeMs: 5000 }),
      'controlUi.url': () => ({ url: 'http://127.0.0.1:18789/#token=t' }),
      'gateway.stats': () => null,
    });
    const { container } = withHost(host, <DashboardPage />);
    await flush();
    expect(host.callsTo('gateway.stats').length).toBeGreaterThan(0);
    expect(container.textContent).not.toContain('The container is not running');
  });

  it('names a base-image run by what it does', async () => {
    const host = fakeHostApi({
      'status.get': () => statusOf(),
      'controlUi.url': () => ({ url: 'http://127.0.0.1:18789/#token=s3cr3t' }),
      'gateway.stats': () => null,
    });
    const { container } = withHost(host, <DashboardPage />);
    await flush();
    host.emit('operation.progress', {
      operationId: 'op-base',
      kind: 'make-base',
      log: '[base-images] importing openclaw-base/debian:bookworm-slim',
    });
    await flush();
    expect(container.textContent).toContain('Making local base images');
    expect(container.textContent).not.toContain('Applying changes');
  });

  it('sends a fresh install to the setup', async () => {
    const host = fakeHostApi({
      'status.get': () =>
        statusOf({ phase: 'not-set-up', canStop: false, canRestart: false, canRebuild: false }),
    });
    const { container } = withHost(host, <DashboardPage />);
    await flush();
    expect(container.textContent).toContain('Set up your gateway');
    expect(getButton(container, 'Start setup')).toBeTruthy();
  });
});

describe('MountsEditor', () => {
  it('does not start a new row red after problems were revealed, until it is typed in or Next is pressed again', () => {
    const store = createDraftStore(stack);
    store.getState().setShowAll(true); // an earlier "Next" with a problem somewhere
    const { container } = render(<MountsEditor store={store} />);
    click(getButton(container, 'Add a folder'));
    const source = getByLabel(container, 'Host folder (mount 1)') as HTMLInputElement;
    const target = getByLabel(container, 'Container path (mount 1)') as HTMLInputElement;
    expect(container.querySelectorAll('[aria-invalid="true"]')).toHaveLength(0);
    typeInto(source, 'relative/path');
    expect(source.getAttribute('aria-invalid')).toBe('true');
    expect(target.getAttribute('aria-invalid')).toBeNull();
    act(() => store.getState().setShowAll(true)); // "Next" again
    expect(target.getAttribute('aria-invalid')).toBe('true');
  });

  it('validates a row once its field is left and clears the error when fixed', () => {
    const store = createDraftStore(stack);
    const { container } = render(<MountsEditor store={store} />);
    click(getButton(container, 'Add a folder'));
    const source = getByLabel(container, 'Host folder (mount 1)') as HTMLInputElement;
    typeInto(source, 'relative/path');
    expect(source.getAttribute('aria-invalid')).toBeNull();
    blur(source);
    expect(source.getAttribute('aria-invalid')).toBe('true');
    expect(container.textContent).toContain('Use a full (absolute) path');
    typeInto(source, '/home/me/My Projects');
    expect(source.getAttribute('aria-invalid')).toBeNull();
    expect(store.getState().draft.mounts[0]).toMatchObject({
      source: '/home/me/My Projects',
      readOnly: true,
    });
    click(getButton(container, 'Remove mount 1'));
    expect(store.getState().draft.mounts).toHaveLength(0);
  });
});

describe('SetupPage', () => {
  it('runs the checks first and holds the wizard back while one fails', async () => {
    const host = fakeHostApi({
      'stack.getSettings': () => ({ settings: stack, setUp: false }),
      'diagnostics.run': () => [
        {
          id: 'engine',
          title: 'Docker engine',
          status: 'fail',
          detail: 'Docker is not running.',
          fix: { label: 'Start Docker.', command: 'sudo systemctl start docker' },
        },
        { id: 'gateway-health', title: 'Gateway health', status: 'skip', detail: 'Not set up.' },
      ],
    });
    const { container } = withHost(host, <SetupPage />);
    await flush();
    await flush();
    expect(container.textContent).toContain('Docker is not running.');
    expect(container.textContent).toContain('sudo systemctl start docker');
    expect(container.textContent).not.toContain('Gateway health');
    expect(getButton(container, 'Continue').disabled).toBe(true);
    click(getButton(container, 'Continue anyway'));
    expect(container.textContent).toContain('Where OpenClaw keeps its files');
    // A bad folder keeps the wizard on the step and says why.
    typeInto(getByLabel(container, 'Config folder') as HTMLInputElement, 'not/absolute');
    click(getButton(container, 'Next'));
    expect(container.textContent).toContain('Use a full (absolute) path');
    expect(container.textContent).toContain('Where OpenClaw keeps its files');
  });
});

describe('LAN exposure', () => {
  const reachability = (exposed: boolean) => ({
    source: 'container' as const,
    publishAddress: exposed ? '0.0.0.0' : '127.0.0.1',
    port: 18789,
    scope: exposed ? ('network' as const) : ('this-computer' as const),
    localUrl: 'http://127.0.0.1:18789/',
    lanUrls: exposed ? ['http://192.168.1.23:18789/', 'http://10.0.0.5:18789/'] : [],
    lanAddresses: ['192.168.1.23', '10.0.0.5'],
  });

  it('asks before opening the port to the network, then lists the addresses other devices use', async () => {
    const host = fakeHostApi({ 'stack.reachability': () => reachability(false) });
    const store = createDraftStore(stack);
    const { container } = withHost(host, <PortEditor store={store} />);
    await flush();
    expect(container.textContent).not.toContain('Coming soon');
    const toggle = getByLabel(container, 'Reachable from other devices on this network');
    click(toggle);
    // Nothing changes until the warning is confirmed.
    expect(store.getState().draft.exposeOnLan).toBe(false);
    expect(document.body.textContent).toContain('The gateway token is always required');
    click(getButton(document.body, 'Cancel'));
    expect(store.getState().draft.exposeOnLan).toBe(false);
    click(toggle);
    click(getButton(document.body, 'Open to the network'));
    await flush();
    expect(store.getState().draft.exposeOnLan).toBe(true);
    const urls = container.querySelector('[data-testid="lan-urls"]')?.textContent;
    expect(urls).toContain('http://192.168.1.23:18789/');
    expect(urls).toContain('http://10.0.0.5:18789/');
    // Turning it off needs no confirmation.
    click(toggle);
    expect(store.getState().draft.exposeOnLan).toBe(false);
    expect(container.querySelector('[data-testid="lan-urls"]')).toBeNull();
  });

  it('dashboard shows where the gateway is published, from the host', async () => {
    let exposed = false;
    const host = fakeHostApi({
      'status.get': () => statusOf(),
      'controlUi.url': () => ({ url: 'http://127.0.0.1:18789/#token=t' }),
      'stack.reachability': () => reachability(exposed),
    });
    const { container } = withHost(host, <DashboardPage />);
    await flush();
    expect(container.textContent).toContain('127.0.0.1:18789 this computer');
    exposed = true;
    host.emit('status', statusOf({ phase: 'starting' }));
    await flush();
    expect(container.textContent).toContain('192.168.1.23:18789 +1 local network');
  });
});
