/**
 * The queue of pairing requests waiting for the user, kept in step with the gateway through the
 * app's operator connection: a `device.pair.list` snapshot on every (re)connect and sequence gap,
 * `device.pair.requested` / `device.pair.resolved` events in between. The gateway is the truth:
 * a request approved or rejected elsewhere (CLI, Control UI) leaves the queue through its resolved
 * event or by being absent from the next list; one past its lifetime leaves on its own.
 */
import { DisposableStore, type Disposable } from '../../../gateway/infra/disposable.js';
import {
  ErrorCode,
  OpenClawError,
  errorMessage,
  isOpenClawError,
} from '../../../gateway/infra/errors.js';
import { silentLogger, type Logger } from '../../../gateway/infra/logger.js';
import { DEFAULT_PENDING_TTL_MS } from '../../../gateway/pairing/pairing-store.js';
import { ListenerSet } from './listeners.js';
import type { GatewayEvent, ResyncReason } from './operator-connection.js';
import { OPERATOR_ROLE } from './operator-profile.js';
import { defaultSetTimer, type SetTimer } from './timers.js';
import {
  parsePairList,
  parsePendingRequest,
  parseResolution,
  type PairedDeviceItem,
  type PairingQueueItem,
} from './pairing-views.js';

/** What the queue needs from the operator connection (a fake in unit tests). */
export interface PairingQueueSource {
  readonly connected: boolean;
  request<T = Record<string, unknown>>(method: string, params?: unknown): Promise<T>;
  onEvent(listener: (event: GatewayEvent) => void): Disposable;
  onResync(listener: (reason: ResyncReason) => void): Disposable;
}

export interface PairingQueueOptions {
  /** The app's own device: its requests are the bootstrap's business, not the user's. */
  ownDeviceId?: string;
  /** How long the gateway keeps a request (upstream: 5 minutes). */
  pendingTtlMs?: number;
  /**
   * While requests are pending, list again this often (default 15 s). Events are the fast path;
   * this catches a resolution that produced none (another process resolving a request between
   * two polls of the gateway's pairing-file watcher), so no ghost request lingers for minutes.
   */
  relistIntervalMs?: number;
  now?: () => number;
  setTimer?: SetTimer;
  logger?: Logger;
}

export interface PairingSnapshot {
  pending: PairingQueueItem[];
  paired: PairedDeviceItem[];
}

const PAIRING_EVENTS = new Set(['device.pair.requested', 'device.pair.resolved']);
export const DEFAULT_RELIST_INTERVAL_MS = 15_000;

export class PairingQueue implements Disposable {
  private readonly ttlMs: number;
  private readonly relistMs: number;
  private readonly now: () => number;
  private readonly setTimer: SetTimer;
  private readonly logger: Logger;
  private readonly ownDeviceId: string | undefined;
  private items = new Map<string, PairingQueueItem>();
  private pairedDevices: PairedDeviceItem[] = [];
  private refreshing: Promise<void> | undefined;
  private refreshAgain = false;
  /** Pairing events that arrive while a list is in flight, replayed on top of its result. */
  private buffered: GatewayEvent[] | undefined;
  private expiry: Disposable | undefined;
  private relist: Disposable | undefined;
  private readonly listeners: ListenerSet<PairingSnapshot>;
  private readonly subscriptions = new DisposableStore();
  private disposed = false;

  constructor(
    private readonly source: PairingQueueSource,
    options: PairingQueueOptions = {},
  ) {
    this.ttlMs = options.pendingTtlMs ?? DEFAULT_PENDING_TTL_MS;
    this.relistMs = options.relistIntervalMs ?? DEFAULT_RELIST_INTERVAL_MS;
    this.now = options.now ?? Date.now;
    this.setTimer = options.setTimer ?? defaultSetTimer;
    this.logger = options.logger ?? silentLogger;
    this.ownDeviceId = options.ownDeviceId;
    this.listeners = new ListenerSet((err) =>
      this.logger.warn('pairing queue listener failed', { error: errorMessage(err) }),
    );
    this.subscriptions.add(source.onEvent((event) => this.onEvent(event)));
    // Events are never replayed by the gateway: after a reconnect or a gap, list again.
    this.subscriptions.add(source.onResync(() => this.refreshQuietly()));
    if (source.connected) this.refreshQuietly();
  }

  /** Live requests, oldest first. */
  pending(): PairingQueueItem[] {
    const now = this.now();
    return [...this.items.values()]
      .filter((item) => item.expiresAt > now)
      .sort((a, b) => a.ts - b.ts)
      .map(copyItem);
  }

  paired(): PairedDeviceItem[] {
    return this.pairedDevices.map((device) => ({
      ...device,
      roles: [...device.roles],
      scopes: device.scopes.map((s) => ({ ...s })),
      tokens: device.tokens.map((t) => ({ ...t, scopes: [...t.scopes] })),
    }));
  }

  snapshot(): PairingSnapshot {
    return { pending: this.pending(), paired: this.paired() };
  }

  onChange(listener: (snapshot: PairingSnapshot) => void): Disposable {
    return this.listeners.add(listener);
  }

  /** Re-list from the gateway; concurrent calls share one run (plus one more if asked meanwhile). */
  refresh(): Promise<void> {
    if (this.disposed) return Promise.resolve();
    if (this.refreshing) {
      this.refreshAgain = true;
      return this.refreshing;
    }
    const run = async () => {
      do {
        this.refreshAgain = false;
        await this.listOnce();
      } while (this.refreshAgain && !this.disposed);
    };
    this.refreshing = run().finally(() => {
      this.refreshing = undefined;
    });
    return this.refreshing;
  }

  /** `scopes` grants fewer than the device asked for; the gateway refuses more. */
  async approve(requestId: string, scopes?: readonly string[]): Promise<void> {
    await this.resolve('device.pair.approve', requestId, scopes ? { scopes: [...scopes] } : {});
  }

  async reject(requestId: string): Promise<void> {
    await this.resolve('device.pair.reject', requestId);
  }

  /** The device keeps its pairing; this role's token stops working at once. */
  async revokeToken(deviceId: string, role: string = OPERATOR_ROLE): Promise<void> {
    this.refuseSelf(deviceId, 'revoke the token of');
    await this.source.request('device.token.revoke', { deviceId, role });
    this.refreshQuietly();
  }

  /** A new token for the device (returned once: the device must be given it). */
  async rotateToken(
    deviceId: string,
    role: string = OPERATOR_ROLE,
    scopes?: readonly string[],
  ): Promise<{ deviceId: string; role: string; token: string; scopes: string[] }> {
    const result = await this.source.request<Record<string, unknown>>('device.token.rotate', {
      deviceId,
      role,
      ...(scopes ? { scopes: [...scopes] } : {}),
    });
    this.refreshQuietly();
    const token = typeof result.token === 'string' ? result.token : '';
    if (!token) {
      throw new OpenClawError(ErrorCode.REQUEST_FAILED, 'The gateway returned no rotated token.');
    }
    return {
      deviceId,
      role: typeof result.role === 'string' ? result.role : role,
      token,
      scopes: Array.isArray(result.scopes)
        ? result.scopes.filter((s): s is string => typeof s === 'string')
        : [],
    };
  }

  /** Unpair a device: it has to ask (and be approved) again. */
  async removeDevice(deviceId: string): Promise<void> {
    this.refuseSelf(deviceId, 'remove');
    await this.source.request('device.pair.remove', { deviceId });
    this.refreshQuietly();
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.subscriptions.dispose();
    this.expiry?.dispose();
    this.expiry = undefined;
    this.relist?.dispose();
    this.relist = undefined;
    this.listeners.clear();
  }

  private refuseSelf(deviceId: string, verb: string): void {
    if (this.ownDeviceId !== undefined && deviceId === this.ownDeviceId) {
      throw new OpenClawError(
        ErrorCode.INVALID_ARGUMENT,
        `That device is OpenClaw Desktop itself; the app cannot ${verb} its own access (it would only register itself again).`,
      );
    }
  }

  private async resolve(
    method: string,
    requestId: string,
    extra: Record<string, unknown> = {},
  ): Promise<void> {
    if (typeof requestId !== 'string' || requestId.trim() === '') {
      throw new OpenClawError(ErrorCode.INVALID_ARGUMENT, 'A pairing request id is required.');
    }
    try {
      await this.source.request(method, { requestId, ...extra });
    } catch (err) {
      if (isOpenClawError(err, ErrorCode.PAIRING_NOT_FOUND)) {
        // Gone from the gateway: it must go from the queue too, whatever happened to it.
        this.removeItem(requestId);
        throw new OpenClawError(
          ErrorCode.PAIRING_NOT_FOUND,
          'This request is no longer pending: it was approved or rejected elsewhere, expired, or the device sent a newer one.',
          { cause: err, details: { requestId } },
        );
      }
      throw err;
    }
    this.removeItem(requestId);
    this.refreshQuietly();
  }

  private refreshQuietly(): void {
    this.refresh().catch((err: unknown) => {
      this.logger.debug('pairing list refresh failed', { error: errorMessage(err) });
    });
  }

  private async listOnce(): Promise<void> {
    this.buffered = [];
    let raw: unknown;
    try {
      raw = await this.source.request('device.pair.list', {});
    } catch (err) {
      this.replayBuffered();
      throw err;
    }
    if (this.disposed) return;
    const { pending, paired } = parsePairList(raw, this.ttlMs, this.ownDeviceId);
    const next = new Map<string, PairingQueueItem>();
    const now = this.now();
    for (const item of pending) {
      if (item.deviceId !== this.ownDeviceId && item.expiresAt > now)
        next.set(item.requestId, item);
    }
    const before = this.fingerprint();
    this.items = next;
    this.pairedDevices = paired;
    this.replayBuffered();
    // A re-list that finds what we already had is not a change: listeners refetch on changes,
    // and a listener that re-lists on every change would otherwise loop.
    if (this.fingerprint() !== before) {
      this.changed();
    } else {
      // Unchanged: keep the timers going without telling listeners.
      this.dropExpired();
      this.scheduleExpiry();
      this.scheduleRelist();
    }
  }

  private fingerprint(): string {
    return JSON.stringify([
      [...this.items.keys()].sort(),
      this.pairedDevices.map((d) => [
        d.deviceId,
        d.roles,
        d.scopes.map((s) => s.scope),
        d.tokens,
        d.lastUsedAtMs,
      ]),
    ]);
  }

  private replayBuffered(): void {
    const events = this.buffered ?? [];
    this.buffered = undefined;
    for (const event of events) this.apply(event);
  }

  private onEvent(event: GatewayEvent): void {
    if (this.disposed || !PAIRING_EVENTS.has(event.event)) return;
    if (this.buffered) {
      this.buffered.push(event);
      return;
    }
    if (this.apply(event)) this.changed();
  }

  /** Apply one pairing event to the current state; true when the queue changed. */
  private apply(event: GatewayEvent): boolean {
    if (event.event === 'device.pair.requested') {
      const item = parsePendingRequest(event.payload, this.ttlMs);
      if (!item || item.deviceId === this.ownDeviceId || item.expiresAt <= this.now()) return false;
      // At most one pending request per device: a newer one replaces (supersedes) the old.
      for (const [id, existing] of this.items) {
        if (existing.deviceId === item.deviceId && id !== item.requestId) this.items.delete(id);
      }
      this.items.set(item.requestId, item);
      return true;
    }
    if (event.event === 'device.pair.resolved') {
      const resolution = parseResolution(event.payload);
      if (!resolution) return false;
      // The paired list changed too (approval, or the removal that dropped the request).
      this.refreshQuietly();
      return this.items.delete(resolution.requestId);
    }
    return false;
  }

  private removeItem(requestId: string): void {
    if (this.items.delete(requestId)) this.changed();
  }

  private changed(): void {
    if (this.disposed) return;
    this.dropExpired();
    this.scheduleExpiry();
    this.scheduleRelist();
    this.listeners.emit(this.snapshot());
  }

  private dropExpired(): boolean {
    const now = this.now();
    let dropped = false;
    for (const [id, item] of this.items) {
      if (item.expiresAt <= now) {
        this.items.delete(id);
        dropped = true;
      }
    }
    return dropped;
  }

  private scheduleRelist(): void {
    this.relist?.dispose();
    this.relist = undefined;
    if (this.items.size === 0) return;
    this.relist = this.setTimer(() => {
      this.relist = undefined;
      this.refreshQuietly();
    }, this.relistMs);
  }

  private scheduleExpiry(): void {
    this.expiry?.dispose();
    this.expiry = undefined;
    if (this.items.size === 0) return;
    const next = Math.min(...[...this.items.values()].map((item) => item.expiresAt));
    this.expiry = this.setTimer(() => {
      this.expiry = undefined;
      if (this.dropExpired()) this.changed();
      else this.scheduleExpiry();
    }, next - this.now());
  }
}

function copyItem(item: PairingQueueItem): PairingQueueItem {
  return { ...item, scopes: item.scopes.map((s) => ({ ...s })) };
}
