/**
 * The app pages' store: one zustand store built from slices, created once per host connection.
 * Host events are invalidations: a `status` or `approvals.changed` event refetches the snapshot
 * (coalesced), `operation.progress` is folded into the running operation, and after the headless
 * connection comes back everything already loaded is refetched (events may have been missed).
 */
import { createStore, type StoreApi } from 'zustand';
import type { HostApi } from '../../../../electron/contract/transport.js';
import type { HostConnection } from '../../host/host-connection.js';
import { toast } from '../../ui/toast.js';
import { createApprovalsSlice, type ApprovalsSlice } from './approvals-slice.js';
import { createAppSettingsSlice, type AppSettingsSlice } from './app-settings-slice.js';
import { createDiagnosticsSlice, type DiagnosticsSlice } from './diagnostics-slice.js';
import { createLogsSlice, type LogsSlice } from './logs-slice.js';
import { createOperationSlice, type OperationSlice } from './operation-slice.js';
import { createStackSlice, type StackSlice } from './stack-slice.js';
import { createStatusSlice, type StatusSlice } from './status-slice.js';

export type AppState = StatusSlice &
  OperationSlice &
  ApprovalsSlice &
  DiagnosticsSlice &
  LogsSlice &
  AppSettingsSlice &
  StackSlice;

export type AppStore = StoreApi<AppState>;

export function createAppStore(host: HostApi): AppStore {
  return createStore<AppState>()((...a) => ({
    ...createStatusSlice(host)(...a),
    ...createOperationSlice(host)(...a),
    ...createApprovalsSlice(host)(...a),
    ...createDiagnosticsSlice(host)(...a),
    ...createLogsSlice(host)(...a),
    ...createAppSettingsSlice(host)(...a),
    ...createStackSlice(host)(...a),
  }));
}

export interface BindOptions {
  /** Show host notifications as toasts (the headless host has no OS notifications). */
  toastNotifications?: boolean;
}

/** Wire host events into the store; returns the unbind function. */
export function bindHostEvents(
  store: AppStore,
  connection: Pick<HostConnection, 'on' | 'onStateChange' | 'getState'>,
  options: BindOptions = {},
): () => void {
  const s = () => store.getState();
  const loaded = (r: { data: unknown; loading: boolean }) => r.data !== undefined || r.loading;
  let previous = connection.getState();
  let operationKind: string | undefined;
  const offs = [
    connection.on('status', (status) => {
      void s().refreshStatus();
      // A stack operation ended — possibly one this window did not start (another window, the
      // tray, a restarted app): it may have applied a change or left one failed.
      const ended = operationKind !== undefined && !status.operation;
      operationKind = status.operation?.kind;
      if (!ended) return;
      if (loaded(s().stack)) void s().loadStack();
      if (loaded(s().stackChange)) void s().loadStackChange();
    }),
    connection.on('approvals.changed', () => {
      if (loaded(s().approvals)) void s().refreshApprovals();
      void s().refreshStatus();
    }),
    connection.on('operation.progress', (p) => s().applyProgress(p)),
    connection.on('notification', (n) => {
      if (options.toastNotifications) toast({ title: n.title, body: n.body, tone: 'info' });
    }),
    connection.onStateChange((state) => {
      const wasAway = previous === 'reconnecting' || previous === 'connecting';
      previous = state;
      if (state !== 'open' || !wasAway) return;
      void s().refreshStatus();
      if (loaded(s().approvals)) void s().refreshApprovals();
      if (loaded(s().stack)) void s().loadStack();
      if (loaded(s().stackChange)) void s().loadStackChange();
      if (loaded(s().appSettings)) void s().loadAppSettings();
    }),
  ];
  return () => {
    for (const off of offs) off();
  };
}
