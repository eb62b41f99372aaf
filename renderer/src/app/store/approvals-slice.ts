/** The pairing queue and the paired devices, with the approve/reject/revoke/remove actions. */
import type {
  PairedDeviceView,
  PairingRequestView,
} from '../../../../electron/contract/host-api.js';
import { toHostError } from '../../host/host-error.js';
import { toast } from '../../ui/toast.js';
import { coalesce, idleResource, loadResource, type Resource } from './resource.js';
import type { AppSlice } from './slice.js';

export type ApprovalAction = 'approve' | 'reject' | 'revoke' | 'remove';

export interface ApprovalsData {
  pending: PairingRequestView[];
  paired: PairedDeviceView[];
}

export interface ApprovalsSlice {
  approvals: Resource<ApprovalsData>;
  /** Action under way per request id / device id. */
  approvalBusy: Record<string, ApprovalAction>;
  refreshApprovals(): Promise<void>;
  /** `scopes`: grant only these of the requested scopes (undefined: all of them). */
  approve(request: PairingRequestView, scopes?: readonly string[]): Promise<boolean>;
  reject(request: PairingRequestView): Promise<boolean>;
  revokeDevice(device: PairedDeviceView, role: string): Promise<boolean>;
  removeDevice(device: PairedDeviceView): Promise<boolean>;
}

export function deviceName(d: {
  displayName?: string;
  clientId?: string;
  deviceId: string;
}): string {
  return d.displayName || d.clientId || `Device ${d.deviceId.slice(0, 8)}`;
}

export const createApprovalsSlice: AppSlice<ApprovalsSlice> = (host) => (set, get) => {
  const refreshApprovals = coalesce(() =>
    loadResource(
      () => get().approvals,
      (approvals) => set({ approvals }),
      () => host.call('approvals.list', {}),
    ),
  );

  async function act(
    id: string,
    action: ApprovalAction,
    run: () => Promise<unknown>,
    done: string,
  ): Promise<boolean> {
    if (get().approvalBusy[id]) return false;
    set({ approvalBusy: { ...get().approvalBusy, [id]: action } });
    try {
      await run();
      toast({ title: done, tone: 'success' });
      return true;
    } catch (err) {
      toast({
        title: `Could not ${action} — try again`,
        body: toHostError(err).message,
        tone: 'danger',
      });
      return false;
    } finally {
      const { [id]: _, ...rest } = get().approvalBusy;
      set({ approvalBusy: rest });
      void refreshApprovals();
      void get().refreshStatus();
    }
  }

  return {
    approvals: idleResource(),
    approvalBusy: {},
    refreshApprovals,
    approve: (r, scopes) =>
      act(
        r.requestId,
        'approve',
        () =>
          host.call('approvals.approve', {
            requestId: r.requestId,
            ...(scopes ? { scopes: [...scopes] } : {}),
          }),
        `Approved ${deviceName(r)}`,
      ),
    reject: (r) =>
      act(
        r.requestId,
        'reject',
        () => host.call('approvals.reject', { requestId: r.requestId }),
        `Rejected ${deviceName(r)}`,
      ),
    revokeDevice: (d, role) =>
      act(
        d.deviceId,
        'revoke',
        () => host.call('devices.revoke', { deviceId: d.deviceId, role }),
        `Revoked ${role} access of ${deviceName(d)}`,
      ),
    removeDevice: (d) =>
      act(
        d.deviceId,
        'remove',
        () => host.call('devices.remove', { deviceId: d.deviceId }),
        `Removed ${deviceName(d)}`,
      ),
  };
};
