/**
 * A typed in-memory HostApi for store and component tests: answers from the given handlers
 * (missing ones fail loudly), records every call, and lets the test emit host events.
 */
import type {
  GatewayStatus,
  HostCallName,
  HostCallParams,
  HostCallResult,
  HostEventName,
  HostEventPayload,
} from '../../../electron/contract/host-api.js';
import type { HostConnection, HostConnectionState } from '../host/host-connection.js';
import { HostError } from '../host/host-error.js';

export type FakeHandlers = {
  [K in HostCallName]?: (
    params: HostCallParams<K>,
  ) => Promise<HostCallResult<K>> | HostCallResult<K>;
};

export interface FakeHostApi extends HostConnection {
  calls: Array<{ name: HostCallName; params: unknown }>;
  callsTo(name: HostCallName): unknown[];
  emit<K extends HostEventName>(event: K, payload: HostEventPayload<K>): void;
  setState(state: HostConnectionState): void;
  handlers: FakeHandlers;
}

export function fakeHostApi(handlers: FakeHandlers = {}): FakeHostApi {
  const listeners = new Map<string, Set<(p: unknown) => void>>();
  const stateListeners = new Set<(s: HostConnectionState) => void>();
  let state: HostConnectionState = 'open';
  const api: FakeHostApi = {
    kind: 'headless',
    handlers,
    calls: [],
    callsTo: (name) => api.calls.filter((c) => c.name === name).map((c) => c.params),
    async call<K extends HostCallName>(
      name: K,
      params: HostCallParams<K>,
    ): Promise<HostCallResult<K>> {
      api.calls.push({ name, params });
      const handler = api.handlers[name] as
        ((p: HostCallParams<K>) => Promise<HostCallResult<K>> | HostCallResult<K>) | undefined;
      if (!handler) throw new HostError('NOT_IMPLEMENTED', `fake host has no handler for ${name}`);
      return handler(params);
    },
    on<K extends HostEventName>(event: K, listener: (payload: HostEventPayload<K>) => void) {
      let set = listeners.get(event);
      if (!set) listeners.set(event, (set = new Set()));
      set.add(listener as (p: unknown) => void);
      return () => set.delete(listener as (p: unknown) => void);
    },
    emit(event, payload) {
      for (const l of listeners.get(event) ?? []) l(payload);
    },
    getState: () => state,
    onStateChange(listener) {
      stateListeners.add(listener);
      return () => stateListeners.delete(listener);
    },
    setState(next) {
      state = next;
      for (const l of stateListeners) l(next);
    },
    onNavigate: () => () => {},
    dispose() {},
  };
  return api;
}

export function statusOf(overrides: Partial<GatewayStatus> = {}): GatewayStatus {
  return {
    phase: 'running',
    summary: 'Gateway: running',
    canStart: false,
    canStop: true,
    canRestart: true,
    canRebuild: true,
    uptimeMs: 60_000,
    pendingApprovals: 0,
    port: 18789,
    operator: 'connected',
    ...overrides,
  };
}

/** A promise with its resolve/reject exposed (to hold a fake call open). */
export function deferred<T>() {
  let resolve!: (v: T) => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}
