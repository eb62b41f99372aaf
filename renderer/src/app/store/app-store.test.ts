import { afterEach, describe, expect, it } from 'vitest';
import type { PairingRequestView, StackSettings } from '../../../../electron/contract/host-api.js';
import { HostError } from '../../host/host-error.js';
import { deferred, fakeHostApi, statusOf } from '../../testing/fake-host-api.js';
import { useToastStore } from '../../ui/toast.js';
import { bindHostEvents, createAppStore } from './app-store.js';

afterEach(() => useToastStore.setState({ toasts: [] }));

const tick = () => new Promise((r) => setTimeout(r, 0));

const request: PairingRequestView = {
  requestId: 'req-1',
  deviceId: 'dev-1',
  displayName: 'Chrome',
  role: 'operator',
  scopes: [],
  isRepair: false,
  ts: 0,
};

const stack: StackSettings = {
  configDir: '/c',
  workspaceDir: '/c/workspace',
  gatewayPort: 18789,
  exposeOnLan: false,
  extraMounts: [],
  aptPackages: [],
  homeVolume: null,
};

describe('status slice', () => {
  it('loads the status and keeps the old snapshot when a refresh fails', async () => {
    let fail = false;
    const host = fakeHostApi({
      'status.get': () => {
        if (fail) throw new HostError('DISCONNECTED', 'lost');
        return statusOf();
      },
    });
    const store = createAppStore(host);
    await store.getState().refreshStatus();
    expect(store.getState().status.data?.phase).toBe('running');
    fail = true;
    await store.getState().refreshStatus();
    expect(store.getState().status.data?.phase).toBe('running');
    expect(store.getState().status.error?.code).toBe('DISCONNECTED');
    expect(store.getState().status.loading).toBe(false);
  });

  it('coalesces a burst of invalidations into one request in flight plus one after', async () => {
    const gate = deferred<ReturnType<typeof statusOf>>();
    let n = 0;
    const host = fakeHostApi({
      'status.get': () => (++n === 1 ? gate.promise : statusOf({ phase: 'stopped' })),
    });
    const store = createAppStore(host);
    const unbind = bindHostEvents(store, host);
    for (let i = 0; i < 5; i++) host.emit('status', statusOf());
    expect(host.callsTo('status.get')).toHaveLength(1);
    gate.resolve(statusOf());
    await tick();
    await tick();
    expect(host.callsTo('status.get')).toHaveLength(2);
    expect(store.getState().status.data?.phase).toBe('stopped');
    unbind();
  });

  it('runs a lifecycle action once at a time and reports its error', async () => {
    const gate = deferred<{ ok: true }>();
    const host = fakeHostApi({
      'gateway.stop': () => gate.promise,
      'gateway.start': () =>
        Promise.reject(new HostError('DOCKER_UNAVAILABLE', 'Docker is not running')),
      'status.get': () => statusOf(),
    });
    const store = createAppStore(host);
    const first = store.getState().runGatewayAction('stop');
    expect(store.getState().pendingAction).toBe('stop');
    expect(await store.getState().runGatewayAction('restart')).toBe(false);
    gate.resolve({ ok: true });
    expect(await first).toBe(true);
    expect(await store.getState().runGatewayAction('start')).toBe(false);
    expect(store.getState().actionError).toMatchObject({
      action: 'start',
      error: { code: 'DOCKER_UNAVAILABLE' },
    });
    expect(store.getState().pendingAction).toBeNull();
  });
});

describe('engine and stats', () => {
  it('asks the host to start Docker, keeps its answer and refreshes the status', async () => {
    const host = fakeHostApi({
      'engine.start': () => ({ started: false, message: 'Start Docker Desktop yourself' }),
      'status.get': () => statusOf({ phase: 'engine-stopped' }),
    });
    const store = createAppStore(host);
    expect(await store.getState().startEngine()).toEqual({
      started: false,
      message: 'Start Docker Desktop yourself',
    });
    await tick();
    expect(host.callsTo('status.get')).toHaveLength(1);
    expect(store.getState().engineStart.data?.message).toBe('Start Docker Desktop yourself');
  });

  it('loads container stats, null while stopped', async () => {
    let stats: { cpuPercent: number; memoryBytes: number; memoryLimitBytes: number } | null = {
      cpuPercent: 5,
      memoryBytes: 1,
      memoryLimitBytes: 2,
    };
    const host = fakeHostApi({ 'gateway.stats': () => stats });
    const store = createAppStore(host);
    await store.getState().refreshStats();
    expect(store.getState().stats.data).toMatchObject({ cpuPercent: 5 });
    stats = null;
    await store.getState().refreshStats();
    expect(store.getState().stats.data).toBeNull();
  });
});

describe('approvals slice', () => {
  it('refetches on approvals.changed only once the list was loaded', async () => {
    const host = fakeHostApi({
      'approvals.list': () => ({ pending: [request], paired: [] }),
      'status.get': () => statusOf(),
    });
    const store = createAppStore(host);
    bindHostEvents(store, host);
    host.emit('approvals.changed', { pending: 1 });
    await tick();
    expect(host.callsTo('approvals.list')).toHaveLength(0);
    await store.getState().refreshApprovals();
    host.emit('approvals.changed', { pending: 1 });
    await tick();
    expect(host.callsTo('approvals.list')).toHaveLength(2);
  });

  it('approves by request id, marks it busy meanwhile, refetches and toasts', async () => {
    const gate = deferred<{ ok: true }>();
    const host = fakeHostApi({
      'approvals.approve': () => gate.promise,
      'approvals.list': () => ({ pending: [], paired: [] }),
      'status.get': () => statusOf(),
    });
    const store = createAppStore(host);
    const done = store.getState().approve(request);
    expect(store.getState().approvalBusy).toEqual({ 'req-1': 'approve' });
    expect(host.callsTo('approvals.approve')).toEqual([{ requestId: 'req-1' }]);
    gate.resolve({ ok: true });
    expect(await done).toBe(true);
    expect(store.getState().approvalBusy).toEqual({});
    await tick();
    expect(host.callsTo('approvals.list')).toHaveLength(1);
    expect(useToastStore.getState().toasts[0]).toMatchObject({
      title: 'Approved Chrome',
      tone: 'success',
    });
  });

  it('says so when an approval fails', async () => {
    const host = fakeHostApi({
      'approvals.reject': () =>
        Promise.reject(new HostError('PAIRING_NOT_FOUND', 'already handled')),
      'approvals.list': () => ({ pending: [], paired: [] }),
      'status.get': () => statusOf(),
    });
    const store = createAppStore(host);
    expect(await store.getState().reject(request)).toBe(false);
    expect(useToastStore.getState().toasts[0]).toMatchObject({
      tone: 'danger',
      body: 'already handled',
    });
  });
});

describe('app settings slice', () => {
  const data = {
    settings: {
      startAtLogin: false,
      startInBackground: false,
      closeToTray: true,
      stopGatewayOnQuit: false,
      checkForUpdates: true,
    },
    secretStorage: { kind: 'os-keychain' as const },
  };

  it('applies a toggle at once and keeps what the host answers', async () => {
    const gate = deferred<typeof data.settings>();
    const host = fakeHostApi({ 'settings.get': () => data, 'settings.update': () => gate.promise });
    const store = createAppStore(host);
    await store.getState().loadAppSettings();
    const saving = store.getState().updateAppSetting('startAtLogin', true);
    expect(store.getState().appSettings.data?.settings.startAtLogin).toBe(true);
    expect(store.getState().savingSetting).toBe('startAtLogin');
    gate.resolve({ ...data.settings, startAtLogin: true });
    expect(await saving).toBe(true);
    expect(host.callsTo('settings.update')).toEqual([{ startAtLogin: true }]);
  });

  it('rolls back when the host refuses', async () => {
    const host = fakeHostApi({
      'settings.get': () => data,
      'settings.update': () => Promise.reject(new HostError('INVALID_ARGUMENT', 'nope')),
    });
    const store = createAppStore(host);
    await store.getState().loadAppSettings();
    expect(await store.getState().updateAppSetting('closeToTray', false)).toBe(false);
    expect(store.getState().appSettings.data?.settings.closeToTray).toBe(true);
    expect(useToastStore.getState().toasts).toHaveLength(1);
  });
});

describe('setup and apply', () => {
  it('streams progress into the operation and finishes with the dashboard URL', async () => {
    const gate = deferred<{ dashboardUrl: string }>();
    const host = fakeHostApi({
      'setup.run': () => gate.promise,
      'stack.getSettings': () => ({ settings: stack, setUp: true }),
      'status.get': () => statusOf(),
    });
    const store = createAppStore(host);
    bindHostEvents(store, host);
    const run = store.getState().runSetup(stack);
    expect(store.getState().operation).toMatchObject({ kind: 'setup', done: false });
    host.emit('operation.progress', {
      operationId: 'op1',
      kind: 'setup',
      phase: 'image',
      message: 'Building the image',
    });
    host.emit('operation.progress', {
      operationId: 'op1',
      kind: 'setup',
      step: { index: 2, total: 9 },
      message: 'RUN apt-get',
    });
    host.emit('operation.progress', { operationId: 'op1', kind: 'setup', log: 'line a\nline b' });
    expect(store.getState().operation).toMatchObject({
      operationId: 'op1',
      step: { index: 2, total: 9 },
    });
    expect(store.getState().operation?.log.slice(-2)).toEqual(['line a', 'line b']);
    gate.resolve({ dashboardUrl: 'http://127.0.0.1:18789/#token=t' });
    expect(await run).toBe(true);
    expect(store.getState().operation?.done).toBe(true);
    expect(store.getState().setupResult?.dashboardUrl).toContain('18789');
  });

  it('keeps the host message and code when the setup fails', async () => {
    const host = fakeHostApi({
      'setup.run': () =>
        Promise.reject(
          new HostError('STACK_INPUT_INVALID', 'OPENCLAW_EXTRA_MOUNTS: container path /x is taken'),
        ),
      'stack.getSettings': () => ({ settings: stack, setUp: false }),
      'status.get': () => statusOf({ phase: 'not-set-up' }),
    });
    const store = createAppStore(host);
    expect(await store.getState().runSetup(stack)).toBe(false);
    expect(store.getState().operation).toMatchObject({
      done: true,
      errorCode: 'STACK_INPUT_INVALID',
      error: 'OPENCLAW_EXTRA_MOUNTS: container path /x is taken',
    });
  });

  it('cancels through the host and clears the flag when nothing was running', async () => {
    const host = fakeHostApi({ 'operation.cancel': () => ({ cancelled: false }) });
    const store = createAppStore(host);
    expect(await store.getState().cancelOperation()).toBe(false);
    store.getState().beginOperation('setup');
    expect(await store.getState().cancelOperation()).toBe(false);
    expect(host.callsTo('operation.cancel')).toHaveLength(1);
    expect(store.getState().operation?.cancelRequested).toBe(false);
  });
});

describe('bindHostEvents', () => {
  it('refetches the stack and its pending change when an operation started elsewhere ends', async () => {
    const host = fakeHostApi({
      'status.get': () => statusOf(),
      'stack.getSettings': () => ({ settings: stack, setUp: true }),
      'stack.change': () => ({ state: 'applied' as const }),
    });
    const store = createAppStore(host);
    bindHostEvents(store, host);
    await store.getState().loadStack();
    await store.getState().loadStackChange();
    host.emit('status', statusOf({ operation: { kind: 'apply', startedAt: 1 } }));
    await tick();
    expect(host.callsTo('stack.change')).toHaveLength(1);
    host.emit('status', statusOf());
    await tick();
    expect(host.callsTo('stack.change')).toHaveLength(2);
    expect(host.callsTo('stack.getSettings')).toHaveLength(2);
    host.emit('status', statusOf());
    await tick();
    expect(host.callsTo('stack.change')).toHaveLength(2);
  });

  it('refetches what was loaded after the connection comes back', async () => {
    const host = fakeHostApi({
      'status.get': () => statusOf(),
      'stack.getSettings': () => ({ settings: stack, setUp: true }),
    });
    const store = createAppStore(host);
    bindHostEvents(store, host);
    await store.getState().loadStack();
    host.setState('reconnecting');
    host.setState('open');
    await tick();
    expect(host.callsTo('status.get')).toHaveLength(1);
    expect(host.callsTo('stack.getSettings')).toHaveLength(2);
    expect(host.callsTo('approvals.list' as never)).toHaveLength(0);
  });

  it('toasts host notifications only when asked to', () => {
    const host = fakeHostApi();
    const store = createAppStore(host);
    const unbind = bindHostEvents(store, host, { toastNotifications: false });
    host.emit('notification', {
      id: 'n',
      kind: 'pairing',
      title: 'New device',
      body: 'Chrome wants to pair',
    });
    expect(useToastStore.getState().toasts).toHaveLength(0);
    unbind();
    bindHostEvents(store, host, { toastNotifications: true });
    host.emit('notification', {
      id: 'n',
      kind: 'pairing',
      title: 'New device',
      body: 'Chrome wants to pair',
    });
    expect(useToastStore.getState().toasts[0]).toMatchObject({ title: 'New device' });
  });
});
