/**
 * Device pairing: pending requests, approval into paired devices, per-role device tokens, and
 * the connect-time decision "paired, or which kind of pairing is needed". State lives only in
 * `devices/{pending,paired}.json` (see pairing-files.ts for locking), so the gateway, the CLI
 * container and the desktop app can all drive the same lifecycle.
 */
import { randomUUID } from 'node:crypto';
import { ErrorCode, OpenClawError } from '../infra/errors.js';
import { deriveDeviceId, normalizePublicKeyB64Url } from './device-crypto.js';
import {
  checkDeviceToken,
  issuedDeviceToken,
  replaceDeviceToken,
  reusableDeviceToken,
  type DeviceTokenVerification,
  type IssuedDeviceToken,
} from './device-token.js';
import { PairingFiles, type PairingFilePaths } from './pairing-files.js';
import {
  emptyDict,
  pairedApprovedScopes,
  toClientView,
  toPendingView,
  type DeviceTokenRecord,
  type PairedDevice,
  type PairedDeviceView,
  type PairingRequestReason,
  type PendingPairingRequest,
} from './pairing-records.js';
import {
  approvedRecord,
  cleanScopes,
  defined,
  deviceNotFound,
  invalid,
  pairingNeeded,
  pairingNotFound,
  requirePairedScopes,
  requireText,
  sameScopeSet,
  text,
} from './pairing-rules.js';

import { scopesCover } from './scopes.js';

export * from './pairing-records.js';
export { SCOPES, scopesCover, mergeScopes, describeScope, type OperatorScope } from './scopes.js';
export type { DeviceTokenVerification, IssuedDeviceToken } from './device-token.js';

export const DEFAULT_PENDING_TTL_MS = 5 * 60_000;
const DEFAULT_LAST_USED_THROTTLE_MS = 60_000;

/**
 * Broadcast material for `device.pair.requested` / `device.pair.resolved`. A request superseded by
 * a changed retry gets no resolved event: the new request for the same deviceId replaces it
 * (there is at most one pending request per device).
 */
export type PairingEvent =
  | { event: 'device.pair.requested'; payload: PendingPairingRequest }
  | {
      event: 'device.pair.resolved';
      payload: {
        requestId: string;
        deviceId: string;
        decision: 'approved' | 'rejected';
        ts: number;
      };
    };

export interface PairingStoreOptions {
  now?: () => number;
  pendingTtlMs?: number;
  onEvent?: (event: PairingEvent) => void;
  /** Minimum gap between `lastUsedAtMs` writes for one token (default 60 s). */
  lastUsedThrottleMs?: number;
}

export interface PairingRequestInput {
  deviceId: string;
  /** Raw base64url or PEM; stored as raw base64url. */
  publicKey: string;
  displayName?: string;
  platform?: string;
  deviceFamily?: string;
  clientId?: string;
  clientMode?: string;
  role: string;
  scopes: readonly string[];
  remoteIp?: string;
  silent?: boolean;
  reason: PairingRequestReason;
}

export interface ApprovalResult {
  request: PendingPairingRequest;
  device: PairedDeviceView;
  token: { role: string; token: string; scopes: string[] };
}

export interface ConnectPairingInput {
  deviceId: string;
  publicKey: string;
  role: string;
  scopes: readonly string[];
  platform?: string;
  deviceFamily?: string;
}

export type ConnectPairingStatus =
  | { status: 'paired'; device: PairedDeviceView }
  | { status: 'needs-pairing'; reason: PairingRequestReason };

export type AccessMetadata = {
  displayName?: string;
  clientId?: string;
  clientMode?: string;
  remoteIp?: string;
};

export class PairingStore {
  private readonly files: PairingFiles;
  private readonly now: () => number;
  private readonly lastUsedThrottleMs: number;
  private readonly onEvent: ((event: PairingEvent) => void) | undefined;

  constructor(paths: PairingFilePaths, options: PairingStoreOptions = {}) {
    this.now = options.now ?? Date.now;
    this.files = new PairingFiles(paths, this.now, options.pendingTtlMs ?? DEFAULT_PENDING_TTL_MS);
    this.lastUsedThrottleMs = options.lastUsedThrottleMs ?? DEFAULT_LAST_USED_THROTTLE_MS;
    this.onEvent = options.onEvent;
  }

  /** Live requests, oldest first; expired ones are also removed from disk. */
  async listPending(): Promise<PendingPairingRequest[]> {
    const { pending, hasExpired } = await this.files.readPending();
    if (hasExpired) await this.files.mutatePending((live) => ({ value: live, result: undefined }));
    return Object.values(pending)
      .sort((a, b) => a.ts - b.ts)
      .map(toPendingView);
  }

  async listPaired(): Promise<PairedDevice[]> {
    const paired = await this.files.readPaired();
    return Object.values(paired).sort((a, b) => a.approvedAtMs - b.approvedAtMs);
  }

  async getPaired(deviceId: string): Promise<PairedDevice | undefined> {
    return (await this.files.readPaired())[deviceId];
  }

  toClientView(device: PairedDevice): PairedDeviceView {
    return toClientView(device);
  }

  async requestPairing(
    input: PairingRequestInput,
  ): Promise<{ request: PendingPairingRequest; created: boolean }> {
    const deviceId = requireText(input.deviceId, 'deviceId');
    const publicKey = normalizePublicKeyB64Url(requireText(input.publicKey, 'publicKey'));
    if (!publicKey) throw invalid('publicKey is not a valid Ed25519 public key.');
    if (deriveDeviceId(Buffer.from(publicKey, 'base64url')) !== deviceId) {
      throw invalid('deviceId does not match the public key.');
    }
    const role = requireText(input.role, 'role');
    const scopes = cleanScopes(input.scopes);
    // Upstream policy: only first pairing and role upgrades may be silent; more scopes or a
    // changed platform always need a person.
    const silent =
      input.silent === true && (input.reason === 'not-paired' || input.reason === 'role-upgrade');
    const isRepair = (await this.files.readPaired())[deviceId]?.publicKey === publicKey;
    const details = defined({
      displayName: text(input.displayName),
      platform: text(input.platform),
      deviceFamily: text(input.deviceFamily),
      clientId: text(input.clientId),
      clientMode: text(input.clientMode),
      remoteIp: text(input.remoteIp),
    });

    const outcome = await this.files.mutatePending((pending) => {
      const now = this.now();
      const mine = Object.values(pending).filter((r) => r.deviceId === deviceId);
      const same = mine.find(
        (r) => r.publicKey === publicKey && r.role === role && sameScopeSet(r.scopes, scopes),
      );
      if (same) {
        // A retry of the same request keeps its id (the one an operator may be looking at);
        // refreshing `ts` keeps it alive while the client keeps asking.
        const refreshed: PendingPairingRequest = { ...same, ...details, isRepair, ts: now };
        pending[same.requestId] = refreshed;
        return { value: pending, result: { request: refreshed, created: false } };
      }
      for (const stale of mine) delete pending[stale.requestId];
      const request: PendingPairingRequest = {
        requestId: randomUUID(),
        deviceId,
        publicKey,
        ...details,
        role,
        roles: [role],
        scopes,
        silent,
        isRepair,
        ts: now,
      };
      pending[request.requestId] = request;
      return { value: pending, result: { request, created: true } };
    });
    const request = toPendingView(outcome.request);
    if (outcome.created) this.emit({ event: 'device.pair.requested', payload: request });
    return { request, created: outcome.created };
  }

  /**
   * Merge the request into the paired record and mint a fresh token for its role. `scopes`
   * grants fewer than were asked for (the approver unticked some); it can narrow, never widen.
   */
  async approve(
    requestId: string,
    options: { approvedVia?: string; scopes?: readonly string[] } = {},
  ): Promise<ApprovalResult> {
    const narrowed = options.scopes === undefined ? undefined : cleanScopes(options.scopes);
    const { request, device, token } = await this.files.mutatePending(async (pending) => {
      const found = pending[requestId];
      if (!found) throw pairingNotFound(requestId);
      // Older or hand-written entries may carry only `roles`; a request is for one role.
      const role = found.role ?? found.roles?.[0] ?? 'operator';
      const requested = found.scopes ?? [];
      if (narrowed && !scopesCover(requested, narrowed)) {
        throw invalid(
          `Request ${requestId} did not ask for ${narrowed.filter((x) => !scopesCover(requested, [x])).join(', ')}; an approval can only grant the scopes asked for or fewer.`,
        );
      }
      const granted = narrowed ?? requested;
      const approved = await this.files.mutatePaired((paired) => {
        const now = this.now();
        const record = approvedRecord(
          paired[found.deviceId],
          { ...found, scopes: [...granted] },
          role,
          now,
          options.approvedVia,
        );
        const minted = replaceDeviceToken(record, role, granted, now);
        paired[found.deviceId] = record;
        return { value: paired, result: { device: record, token: minted } };
      });
      delete pending[requestId];
      return { value: pending, result: { request: found, ...approved } };
    });
    this.emitResolved(request, 'approved');
    return {
      request: toPendingView(request),
      device: toClientView(device),
      token: { role: token.role, token: token.token, scopes: [...token.scopes] },
    };
  }

  async reject(requestId: string): Promise<{ requestId: string; deviceId: string }> {
    const request = await this.files.mutatePending((pending) => {
      const found = pending[requestId];
      if (!found) throw pairingNotFound(requestId);
      delete pending[requestId];
      return { value: pending, result: found };
    });
    this.emitResolved(request, 'rejected');
    return { requestId: request.requestId, deviceId: request.deviceId };
  }

  /** Unpair a device; its pending requests go too (approving one would undo the removal). */
  async remove(deviceId: string): Promise<{ deviceId: string }> {
    const dropped = await this.files.mutatePending(async (pending) => {
      await this.files.mutatePaired((paired) => {
        if (!paired[deviceId]) throw deviceNotFound(deviceId);
        delete paired[deviceId];
        return { value: paired, result: undefined };
      });
      const mine = Object.values(pending).filter((r) => r.deviceId === deviceId);
      for (const r of mine) delete pending[r.requestId];
      return { value: pending, result: mine };
    });
    for (const request of dropped) this.emitResolved(request, 'rejected');
    return { deviceId };
  }

  /** Remove every paired device; with `pending: true` also reject every pending request. */
  async clear(
    options: { pending?: boolean } = {},
  ): Promise<{ removedPaired: number; removedPending: number }> {
    const clearPaired = () =>
      this.files.mutatePaired((paired) => ({
        value: emptyDict<PairedDevice>(),
        result: Object.keys(paired).length,
      }));
    if (!options.pending) return { removedPaired: await clearPaired(), removedPending: 0 };
    const { removedPaired, dropped } = await this.files.mutatePending(async (pending) => ({
      value: emptyDict<PendingPairingRequest>(),
      result: { removedPaired: await clearPaired(), dropped: Object.values(pending) },
    }));
    for (const request of dropped) this.emitResolved(request, 'rejected');
    return { removedPaired, removedPending: dropped.length };
  }

  /** The token for hello-ok: a live one whose scopes cover the request, else a new one. */
  async ensureDeviceToken(
    deviceId: string,
    role: string,
    scopes: readonly string[],
  ): Promise<IssuedDeviceToken> {
    const wanted = cleanScopes(scopes);
    return this.files.mutatePaired((paired) => {
      const device = requirePairedScopes(paired[deviceId], deviceId, role, wanted);
      const now = this.now();
      const reusable = reusableDeviceToken(device, role, wanted);
      if (reusable) {
        // The device is connecting with this pairing: that is a use, whichever secret it proved
        // (browsers log in with the shared token, so the device-token path alone never saw them
        // and "Last used" stayed "Never"). Throttled like markUsed: no write per reconnect.
        const stale =
          reusable.lastUsedAtMs === undefined ||
          now - reusable.lastUsedAtMs >= this.lastUsedThrottleMs;
        if (stale) reusable.lastUsedAtMs = now;
        return { value: paired, result: issuedDeviceToken(reusable), changed: stale };
      }
      const minted = replaceDeviceToken(device, role, wanted, now);
      minted.lastUsedAtMs = now;
      return { value: paired, result: issuedDeviceToken(minted) };
    });
  }

  /** Shaped like the protocol's DeviceTokenRotateResult minus the `deviceId` the caller knows. */
  async rotateToken(
    deviceId: string,
    role: string,
    scopes?: readonly string[],
  ): Promise<{ role: string; token: string; scopes: string[]; rotatedAtMs: number }> {
    return this.files.mutatePaired((paired) => {
      const known = paired[deviceId];
      const wanted = scopes
        ? cleanScopes(scopes)
        : (known?.tokens?.[role]?.scopes ?? (known ? pairedApprovedScopes(known) : []));
      const device = requirePairedScopes(paired[deviceId], deviceId, role, wanted);
      const now = this.now();
      const minted = replaceDeviceToken(device, role, wanted, now);
      return {
        value: paired,
        result: { role, token: minted.token, scopes: [...minted.scopes], rotatedAtMs: now },
      };
    });
  }

  /** The record stays (so `devices list` shows the revocation); the value never verifies again. */
  async revokeToken(
    deviceId: string,
    role: string,
  ): Promise<{ deviceId: string; role: string; revokedAtMs: number }> {
    return this.files.mutatePaired((paired) => {
      const device = paired[deviceId];
      if (!device) throw deviceNotFound(deviceId);
      const token = device.tokens?.[role];
      if (!token) {
        throw new OpenClawError(
          ErrorCode.NOT_FOUND,
          `Device ${deviceId} has no ${role} token to revoke. Run \`openclaw devices list\` to see its tokens.`,
          { details: { deviceId, role } },
        );
      }
      const changed = token.revokedAtMs === undefined;
      if (changed) token.revokedAtMs = this.now();
      const view = { deviceId, role, revokedAtMs: token.revokedAtMs as number };
      return { value: paired, result: view, changed };
    });
  }

  async verifyDeviceToken(
    deviceId: string,
    role: string,
    token: string,
    requestedScopes: readonly string[],
  ): Promise<DeviceTokenVerification> {
    const device = (await this.files.readPaired())[deviceId];
    const verdict = checkDeviceToken(device, role, token, requestedScopes);
    const record = device?.tokens?.[role];
    if (verdict.ok && record) await this.markUsed(deviceId, role, record);
    return verdict;
  }

  /** Whether a device that passed signature checks may connect as asked, or why not. */
  async evaluateConnect(input: ConnectPairingInput): Promise<ConnectPairingStatus> {
    const device = (await this.files.readPaired())[input.deviceId];
    const reason = pairingNeeded(device, input);
    if (reason || !device) return { status: 'needs-pairing', reason: reason ?? 'not-paired' };
    return { status: 'paired', device: toClientView(device) };
  }

  /** Access metadata refreshed on each paired connect; never a reason to re-pair. */
  async touchMetadata(deviceId: string, metadata: AccessMetadata): Promise<void> {
    await this.files.mutatePaired((paired) => {
      const device = paired[deviceId];
      let changed = false;
      for (const key of ['displayName', 'clientId', 'clientMode', 'remoteIp'] as const) {
        const value = text(metadata[key]);
        if (device && value !== undefined && device[key] !== value) {
          device[key] = value;
          changed = true;
        }
      }
      return { value: paired, result: undefined, changed };
    });
  }

  /**
   * Best effort and throttled: a reconnect loop must not rewrite paired.json on every attempt,
   * and a failed bookkeeping write must never fail an otherwise valid login.
   */
  private async markUsed(deviceId: string, role: string, seen: DeviceTokenRecord): Promise<void> {
    const now = this.now();
    const fresh = (at: number | undefined) =>
      at !== undefined && now - at < this.lastUsedThrottleMs;
    if (fresh(seen.lastUsedAtMs)) return;
    try {
      await this.files.mutatePaired((paired) => {
        const record = paired[deviceId]?.tokens?.[role];
        // Only the very token we verified: it may have been rotated meanwhile.
        if (!record || record.token !== seen.token || fresh(record.lastUsedAtMs)) {
          return { value: paired, result: undefined, changed: false };
        }
        record.lastUsedAtMs = now;
        return { value: paired, result: undefined };
      });
    } catch {
      // bookkeeping only
    }
  }

  private emitResolved(request: PendingPairingRequest, decision: 'approved' | 'rejected'): void {
    const { requestId, deviceId } = request;
    this.emit({
      event: 'device.pair.resolved',
      payload: { requestId, deviceId, decision, ts: this.now() },
    });
  }

  private emit(event: PairingEvent): void {
    try {
      this.onEvent?.(event);
    } catch {
      // A broken listener must not turn a committed state change into a reported failure.
    }
  }
}
