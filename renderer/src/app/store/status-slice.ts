/** Gateway status (phase, flags, uptime), the lifecycle buttons and the Control UI address. */
import type { GatewayStatus, HostCallResult } from '../../../../electron/contract/host-api.js';
import { toHostError, type HostError } from '../../host/host-error.js';
import { coalesce, idleResource, loadResource, type Resource } from './resource.js';
import type { AppSlice } from './slice.js';

export type GatewayAction = 'start' | 'stop' | 'restart' | 'rebuild';

/** CPU and memory of the gateway container; null while it is not running. */
export type GatewayStats = HostCallResult<'gateway.stats'>;
export type EngineStartResult = HostCallResult<'engine.start'>;

export interface StatusSlice {
  status: Resource<GatewayStatus>;
  /** When `status` arrived (uptime counts on from here). */
  statusAt: number | undefined;
  controlUrl: Resource<string>;
  pendingAction: GatewayAction | null;
  actionError: { action: GatewayAction; error: HostError } | null;
  stats: Resource<GatewayStats>;
  /** Asking the OS to start Docker (Docker Desktop, systemd). */
  engineStart: Resource<EngineStartResult>;
  refreshStatus(): Promise<void>;
  refreshStats(): Promise<void>;
  startEngine(): Promise<EngineStartResult | undefined>;
  refreshControlUrl(): Promise<void>;
  runGatewayAction(action: GatewayAction): Promise<boolean>;
}

export const createStatusSlice: AppSlice<StatusSlice> = (host) => (set, get) => {
  const refreshStatus = coalesce(() =>
    loadResource(
      () => get().status,
      (status) =>
        set(status.data !== get().status.data ? { status, statusAt: Date.now() } : { status }),
      () => host.call('status.get', {}),
    ),
  );
  const refreshControlUrl = coalesce(() =>
    loadResource(
      () => get().controlUrl,
      (controlUrl) => set({ controlUrl }),
      async () => (await host.call('controlUi.url', {})).url,
    ),
  );
  return {
    status: idleResource(),
    statusAt: undefined,
    controlUrl: idleResource(),
    pendingAction: null,
    actionError: null,
    stats: idleResource(),
    engineStart: idleResource(),
    refreshStatus,
    refreshStats: coalesce(() =>
      loadResource(
        () => get().stats,
        (stats) => set({ stats }),
        () => host.call('gateway.stats', {}),
      ),
    ),
    async startEngine() {
      if (get().engineStart.loading) return undefined;
      const result = await loadResource(
        () => get().engineStart,
        (engineStart) => set({ engineStart }),
        () => host.call('engine.start', {}),
      );
      void refreshStatus();
      return result;
    },
    refreshControlUrl,
    async runGatewayAction(action) {
      if (get().pendingAction) return false;
      set({ pendingAction: action, actionError: null });
      if (action === 'rebuild') get().beginOperation('rebuild');
      try {
        await host.call(`gateway.${action}`, {});
        return true;
      } catch (err) {
        const error = toHostError(err);
        set({ actionError: { action, error } });
        if (action === 'rebuild') get().failOperation(error);
        return false;
      } finally {
        set({ pendingAction: null });
        void refreshStatus();
      }
    },
  };
};
