/**
 * User notifications about the gateway, each distinct situation once. The supervisor calls these
 * on every poll and event; the flags here are what keeps that from nagging. The unit is the crash
 * *episode* — from a first crash until the restart policy resets (a stable run, or the user acts):
 * - a crash is announced once per episode; further crashes of the same episode are silent (the
 *   tray shows the attempt count) — a gateway that flaps between "ready" and "crashed" would
 *   otherwise produce a pair of notifications a minute;
 * - "Gateway is back" once per episode, only after a crash or failure was announced;
 * - "failed" once per give-up; "stopped" once per stop from outside the app;
 * - a pairing request once per request id, however often polling sees it.
 */
import type { HostNotification } from '../../contract/host-api.js';

export type GatewayNotificationKind =
  'gateway-crashed' | 'gateway-stopped' | 'gateway-failed' | 'gateway-back' | 'pairing-request';

export interface GatewayNotification extends HostNotification {
  kind: GatewayNotificationKind;
}

export interface CrashNotice {
  attempt: number;
  /** From the crash detector: "ran out of memory", "exited with code 1"… */
  description?: string;
  oom?: boolean;
}

export interface PairingNotice {
  requestId: string;
  deviceName?: string;
  platform?: string;
  remoteIp?: string;
}

export interface GatewayNotifierOptions {
  /** How many pairing request ids to remember (oldest forgotten first). */
  maxRememberedRequests?: number;
}

export class GatewayNotifier {
  private readonly maxRemembered: number;
  private crashNotified = false;
  private backNotified = false;
  private failedNotified = false;
  private stoppedNotified = false;
  private readonly seenRequests = new Set<string>();
  private seq = 0;

  constructor(
    private readonly sink: (notification: GatewayNotification) => void,
    options: GatewayNotifierOptions = {},
  ) {
    this.maxRemembered = options.maxRememberedRequests ?? 500;
  }

  /** The gateway crashed and a restart is scheduled. True when a notification was sent. */
  crashed(notice: CrashNotice): boolean {
    if (this.crashNotified || this.failedNotified) return false;
    this.crashNotified = true;
    const attempt = Math.max(1, Math.floor(notice.attempt));
    const what = notice.oom ? 'ran out of memory' : 'crashed';
    return this.send(
      'gateway-crashed',
      `The gateway ${what} and is restarting (attempt ${attempt})`,
      notice.description && !notice.oom
        ? `It ${notice.description}. OpenClaw Desktop restarts it automatically.`
        : 'OpenClaw Desktop restarts it automatically.',
    );
  }

  /** Restarts were given up after `crashes` crashes. */
  failed(info: { crashes: number; reason?: string }): boolean {
    if (this.failedNotified) return false;
    this.failedNotified = true;
    // Recovering from a give-up is worth a "back" even if one was sent earlier in the episode.
    this.backNotified = false;
    return this.send(
      'gateway-failed',
      `The gateway failed to start after ${info.crashes} attempts`,
      'Open OpenClaw Desktop to see what happened.' + (info.reason ? ` ${info.reason}.` : ''),
    );
  }

  /** Someone stopped the gateway outside the app (terminal, compose). */
  stoppedExternally(): boolean {
    if (this.stoppedNotified) return false;
    this.stoppedNotified = true;
    return this.send(
      'gateway-stopped',
      'The gateway stopped',
      'It was stopped outside OpenClaw Desktop and stays stopped until you start it again.',
    );
  }

  /**
   * The gateway is healthy. Announces "back" once if a crash or failure of this episode was
   * announced; re-arms the outside-stop notice.
   */
  running(): boolean {
    this.stoppedNotified = false;
    if (this.backNotified || !(this.crashNotified || this.failedNotified)) return false;
    this.backNotified = true;
    return this.send('gateway-back', 'Gateway is back', 'The gateway is running again.');
  }

  /** The crash episode is over (stable run, or a first crash after one): the next crash is news. */
  episodeOver(): void {
    this.crashNotified = false;
    this.backNotified = false;
    this.failedNotified = false;
  }

  /** The user acted (start/stop/restart in the app): they know; re-arm silently. */
  userActed(): void {
    this.episodeOver();
    this.stoppedNotified = false;
  }

  /** A device asked to pair. Once per request id. */
  pairingRequested(notice: PairingNotice): boolean {
    if (!notice.requestId || this.seenRequests.has(notice.requestId)) return false;
    this.seenRequests.add(notice.requestId);
    while (this.seenRequests.size > this.maxRemembered) {
      const oldest = this.seenRequests.values().next().value;
      if (oldest === undefined) break;
      this.seenRequests.delete(oldest);
    }
    const name = cleanText(notice.deviceName, 60) ?? 'Unknown device';
    const where = [cleanText(notice.platform, 40), cleanText(notice.remoteIp, 45)].filter(Boolean);
    return this.send(
      'pairing-request',
      `New device wants to connect: ${name}`,
      `${where.length ? `${where.join(' · ')}. ` : ''}Open Approvals to allow or reject it.`,
      `pairing:${notice.requestId}`,
    );
  }

  private send(kind: GatewayNotificationKind, title: string, body: string, id?: string): boolean {
    this.seq += 1;
    try {
      this.sink({ id: id ?? `${kind}:${this.seq}`, kind, title, body });
    } catch {
      // a failing OS notification must not break supervision
    }
    return true;
  }
}

/** Device names come from the device itself: strip control characters and bound the length. */
function cleanText(value: string | undefined, max: number): string | undefined {
  if (typeof value !== 'string') return undefined;
  // eslint-disable-next-line no-control-regex
  const clean = value.replace(/[\u0000-\u001f\u007f-\u009f\u200b-\u200f\u202a-\u202e]/g, ' ');
  const collapsed = clean.replace(/\s+/g, ' ').trim();
  if (!collapsed) return undefined;
  return collapsed.length > max ? `${collapsed.slice(0, max - 1)}…` : collapsed;
}
