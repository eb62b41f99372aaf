/**
 * DM pairing requests from chat apps (Telegram, Discord, WhatsApp senders asking to talk to the
 * agent), kept for the Approvals page and the tray badge. The protocol has no pairing event for
 * them, so while the operator connection is up the host lists `channels.pairing.list` every few
 * seconds; a change (new request, one approved from the CLI, one expired) tells the listeners.
 */
import type { Disposable } from '../../../gateway/infra/disposable.js';
import { errorMessage } from '../../../gateway/infra/errors.js';
import { silentLogger, type Logger } from '../../../gateway/infra/logger.js';
import type {
  DmRequestAction,
  DmRequestView,
  DmRequestsView,
} from '../../contract/channel-schemas.js';
import { ListenerSet } from '../pairing/listeners.js';
import { defaultSetTimer, type SetTimer } from '../pairing/timers.js';

export interface ChannelRequestSource {
  readonly connected: boolean;
  request<T = Record<string, unknown>>(
    method: string,
    params?: unknown,
    options?: { timeoutMs?: number },
  ): Promise<T>;
}

export interface ChannelRequestsOptions {
  /** How often to list while connected (default 4 s). */
  intervalMs?: number;
  now?: () => number;
  setTimer?: SetTimer;
  logger?: Logger;
}

export const DEFAULT_DM_POLL_MS = 4_000;

export class ChannelRequests implements Disposable {
  private view: DmRequestsView = { requests: [], commandOwnerConfigured: true };
  private readonly listeners: ListenerSet<DmRequestsView>;
  private readonly arrivals: ListenerSet<DmRequestView>;
  /** Requests already announced (bounded), so a sender is announced once per code. */
  private readonly announced = new Set<string>();
  private timer: Disposable | undefined;
  private inFlight: Promise<void> | undefined;
  private disposed = false;
  private readonly intervalMs: number;
  private readonly now: () => number;
  private readonly setTimer: SetTimer;
  private readonly logger: Logger;

  constructor(
    private readonly source: ChannelRequestSource,
    options: ChannelRequestsOptions = {},
  ) {
    this.intervalMs = options.intervalMs ?? DEFAULT_DM_POLL_MS;
    this.now = options.now ?? Date.now;
    this.setTimer = options.setTimer ?? defaultSetTimer;
    this.logger = options.logger ?? silentLogger;
    const failed = (err: unknown) =>
      this.logger.warn('DM request listener failed', { error: errorMessage(err) });
    this.listeners = new ListenerSet(failed);
    this.arrivals = new ListenerSet(failed);
    this.schedule(0);
  }

  /** Live requests, oldest first. */
  current(): DmRequestsView {
    const now = this.now();
    return {
      commandOwnerConfigured: this.view.commandOwnerConfigured,
      requests: this.view.requests.filter((r) => r.expiresAt > now).map((r) => ({ ...r })),
    };
  }

  count(): number {
    return this.current().requests.length;
  }

  onChange(listener: (view: DmRequestsView) => void): Disposable {
    return this.listeners.add(listener);
  }

  /** A request not seen before (for a desktop notification); once per code. */
  onArrival(listener: (request: DmRequestView) => void): Disposable {
    return this.arrivals.add(listener);
  }

  /** List now (the page's Refresh, and after every action). */
  refresh(): Promise<void> {
    if (this.disposed) return Promise.resolve();
    this.inFlight ??= this.listOnce().finally(() => {
      this.inFlight = undefined;
    });
    return this.inFlight;
  }

  async approve(action: DmRequestAction): Promise<{ commandOwner: boolean }> {
    const result = await this.source.request<Record<string, unknown>>('channels.pairing.approve', {
      channel: action.channel,
      accountId: action.accountId,
      requestId: action.requestId,
      ...(action.bootstrapCommandOwner ? { bootstrapCommandOwner: true } : {}),
    });
    await this.refresh().catch(() => undefined);
    return { commandOwner: result.commandOwnerBootstrap === 'configured' };
  }

  async dismiss(action: DmRequestAction): Promise<void> {
    await this.source.request('channels.pairing.dismiss', {
      channel: action.channel,
      accountId: action.accountId,
      requestId: action.requestId,
    });
    await this.refresh().catch(() => undefined);
  }

  dispose(): void {
    this.disposed = true;
    this.timer?.dispose();
    this.timer = undefined;
    this.listeners.clear();
    this.arrivals.clear();
  }

  private schedule(ms: number): void {
    if (this.disposed) return;
    this.timer?.dispose();
    this.timer = this.setTimer(() => {
      this.timer = undefined;
      const run = this.source.connected ? this.refresh() : Promise.resolve(this.forget());
      void run
        .catch((err: unknown) =>
          this.logger.debug('DM request list failed', { error: errorMessage(err) }),
        )
        .finally(() => this.schedule(this.intervalMs));
    }, ms);
  }

  /** Disconnected: nothing shown can be acted on, so nothing is counted either. */
  private forget(): void {
    if (this.view.requests.length === 0) return;
    this.set({ requests: [], commandOwnerConfigured: this.view.commandOwnerConfigured });
  }

  private async listOnce(): Promise<void> {
    const raw = await this.source.request<unknown>('channels.pairing.list', {});
    if (this.disposed) return;
    this.set(parseDmRequests(raw));
  }

  private set(next: DmRequestsView): void {
    const before = JSON.stringify(this.view);
    this.view = next;
    if (JSON.stringify(next) === before) return;
    this.listeners.emit(this.current());
    for (const request of this.current().requests) {
      const key = `${request.channel}/${request.accountId}/${request.requestId}`;
      if (this.announced.has(key)) continue;
      this.announced.add(key);
      if (this.announced.size > 200) this.announced.delete(this.announced.values().next().value!);
      this.arrivals.emit(request);
    }
  }
}

/** The gateway's `channels.pairing.list` answer, defensively (rows it cannot read are skipped). */
export function parseDmRequests(raw: unknown): DmRequestsView {
  const obj = isRecord(raw) ? raw : {};
  const rows = Array.isArray(obj.requests) ? obj.requests : [];
  const requests: DmRequestView[] = [];
  for (const row of rows) {
    if (!isRecord(row)) continue;
    const requestId = str(row.requestId);
    const channel = str(row.channel);
    const accountId = str(row.accountId);
    const senderId = str(row.senderId);
    const createdAt = Date.parse(str(row.createdAt) ?? '');
    const expiresAt = Date.parse(str(row.expiresAt) ?? '');
    if (!requestId || !channel || !accountId || !senderId) continue;
    if (!Number.isFinite(createdAt) || !Number.isFinite(expiresAt)) continue;
    const accountLabel = str(row.accountLabel);
    requests.push({
      requestId,
      channel,
      channelLabel: str(row.channelLabel) ?? channel,
      accountId,
      ...(accountLabel ? { accountLabel } : {}),
      senderId,
      senderLabel: str(row.senderLabel) ?? senderId,
      code: requestId,
      createdAt,
      expiresAt,
    });
  }
  requests.sort((a, b) => a.createdAt - b.createdAt);
  return { requests, commandOwnerConfigured: obj.commandOwnerConfigured !== false };
}

/** What the tray and the status count: devices and chat senders waiting alike. */
export function pendingApprovals(devices: number, dmRequests: number): number {
  return devices + dmRequests;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' && v !== '' ? v : undefined;
}
