/**
 * The app's operator WebSocket to its gateway, on the reference client `@openclaw/gateway-client`
 * (which does the handshake, signing and reconnect backoff). This class adds what the app needs
 * around it: its own identity and device token from the SecretStore, one clear state with the
 * last error, and self-repair — when the gateway no longer accepts the app (its record was
 * removed, its token revoked, the stack reset), it re-registers itself once through the bootstrap
 * and reconnects, with no user step. The shared gateway token is only a fallback.
 */
import { GatewayClient, type GatewayReconnectPausedInfo } from '@openclaw/gateway-client';
import { ConnectErrorDetailCodes } from '@openclaw/gateway-protocol/connect-error-details';
import type { Disposable } from '../../../gateway/infra/disposable.js';
import { ErrorCode, OpenClawError, errorMessage } from '../../../gateway/infra/errors.js';
import { silentLogger, type Logger } from '../../../gateway/infra/logger.js';
import {
  describeConnectError,
  translateRequestError,
  type OperatorConnectionError,
} from './gateway-errors.js';
import { ListenerSet } from './listeners.js';
import { createOperatorHostDeps } from './operator-host-deps.js';
import type { OperatorIdentity } from './operator-identity.js';
import {
  OPERATOR_CLIENT_ID,
  OPERATOR_CLIENT_MODE,
  OPERATOR_DISPLAY_NAME,
  OPERATOR_ROLE,
  OPERATOR_SCOPES,
  operatorPlatform,
} from './operator-profile.js';
import { defaultSetTimer, type SetTimer } from './timers.js';

export type { OperatorConnectionError } from './gateway-errors.js';

/**
 * - `connecting`: an attempt is under way (first start, or after re-registering).
 * - `connected`: hello received; requests work.
 * - `disconnected`: not connected; the client keeps retrying with backoff unless stopped
 *   (`lastError` says why the last attempt failed).
 * - `not-paired`: the gateway wants a pairing approval for the app and self-repair was not
 *   possible (no access to the config dir); `lastError.requestId` is the request to approve.
 *   Retried slowly, so an approval made elsewhere (CLI) gets the app in without a restart.
 * - `auth-failed`: the gateway refuses the app's credentials; only `retry()` (after the user
 *   fixed them) tries again — except when rate limited, which retries once the limit expires.
 */
export type OperatorConnectionState =
  'connecting' | 'connected' | 'disconnected' | 'not-paired' | 'auth-failed';

export type OperatorCredential = 'device-token' | 'shared-token';

export interface OperatorConnectionStatus {
  state: OperatorConnectionState;
  since: number;
  lastError?: OperatorConnectionError;
  /** The credential of the current or last attempt. */
  credential?: OperatorCredential;
  /** From hello-ok, while connected. */
  server?: { version?: string; connId?: string };
  scopes?: string[];
}

export interface GatewayEvent {
  event: string;
  payload: unknown;
  seq?: number;
}

/** Events may have been missed: a (re)connect, or a gap in the event sequence. */
export type ResyncReason = 'connected' | 'gap';

export interface OperatorConnectionOptions {
  /** `ws://127.0.0.1:<port>`. */
  url: string;
  identity: OperatorIdentity;
  /** The gateway's shared token, read when needed (it can change); only a fallback. */
  sharedToken?: () => string | undefined;
  /** Re-register the app (the bootstrap); absent when the app cannot write the config dir. */
  register?: () => Promise<unknown>;
  clientVersion?: string;
  platform?: string;
  scopes?: readonly string[];
  requestTimeoutMs?: number;
  logger?: Logger;
  now?: () => number;
  setTimer?: SetTimer;
  /** Delay before trying again from `not-paired` (default 30 s). */
  pausedRetryMs?: number;
}

export interface OperatorRequestOptions {
  timeoutMs?: number;
  signal?: AbortSignal;
}

/** Refusals a fresh registration (a paired record and a new device token) can cure. */
const CURABLE_BY_REGISTRATION = new Set<string>([
  ConnectErrorDetailCodes.PAIRING_REQUIRED,
  ConnectErrorDetailCodes.AUTH_DEVICE_TOKEN_MISMATCH,
  ConnectErrorDetailCodes.AUTH_SCOPE_MISMATCH,
  ConnectErrorDetailCodes.AUTH_TOKEN_MISSING,
  ConnectErrorDetailCodes.AUTH_TOKEN_MISMATCH,
]);

export const DEFAULT_PAUSED_RETRY_MS = 30_000;

export class OperatorConnection implements Disposable {
  private readonly identity: OperatorIdentity;
  private readonly logger: Logger;
  private readonly now: () => number;
  private readonly setTimer: SetTimer;
  private client: GatewayClient | undefined;
  private retryTimer: Disposable | undefined;
  private started = false;
  /** One self-repair per failure episode; a successful hello starts a new episode. */
  private registrationTried = false;
  private sharedTokenTried = false;
  private credential: OperatorCredential | undefined;
  private pendingError: OperatorConnectionError | undefined;
  private current: OperatorConnectionStatus;
  private readonly stateListeners: ListenerSet<OperatorConnectionStatus>;
  private readonly eventListeners: ListenerSet<GatewayEvent>;
  private readonly resyncListeners: ListenerSet<ResyncReason>;

  constructor(private readonly options: OperatorConnectionOptions) {
    this.identity = options.identity;
    this.logger = options.logger ?? silentLogger;
    this.now = options.now ?? Date.now;
    this.setTimer = options.setTimer ?? defaultSetTimer;
    const listenerFailed = (what: string) => (err: unknown) =>
      this.logger.warn(`${what} listener failed`, { error: errorMessage(err) });
    this.stateListeners = new ListenerSet(listenerFailed('operator state'));
    this.eventListeners = new ListenerSet(listenerFailed('gateway event'));
    this.resyncListeners = new ListenerSet(listenerFailed('resync'));
    this.current = { state: 'disconnected', since: this.now() };
  }

  get status(): OperatorConnectionStatus {
    return { ...this.current };
  }

  get connected(): boolean {
    return this.current.state === 'connected';
  }

  start(): void {
    if (this.started) return;
    this.started = true;
    this.registrationTried = false;
    this.sharedTokenTried = false;
    this.open(false);
  }

  /** Try again now with fresh self-repair (after the user fixed a token, or from "Retry"). */
  retry(): void {
    if (!this.started) {
      this.start();
      return;
    }
    this.retryTimer?.dispose();
    this.retryTimer = undefined;
    const previous = this.client;
    this.client = undefined;
    previous?.stop();
    this.registrationTried = false;
    this.sharedTokenTried = false;
    this.open(false);
  }

  async stop(): Promise<void> {
    this.started = false;
    this.retryTimer?.dispose();
    this.retryTimer = undefined;
    const client = this.client;
    this.client = undefined;
    await client?.stopAndWait({ timeoutMs: 2000 }).catch(() => {});
    await this.identity.flush().catch(() => {});
    this.setState({ state: 'disconnected', since: this.now() });
  }

  dispose(): void {
    void this.stop();
    this.stateListeners.clear();
    this.eventListeners.clear();
    this.resyncListeners.clear();
  }

  onStateChange(listener: (status: OperatorConnectionStatus) => void): Disposable {
    return this.stateListeners.add(listener);
  }

  onEvent(listener: (event: GatewayEvent) => void): Disposable {
    return this.eventListeners.add(listener);
  }

  onResync(listener: (reason: ResyncReason) => void): Disposable {
    return this.resyncListeners.add(listener);
  }

  async request<T = Record<string, unknown>>(
    method: string,
    params: unknown = {},
    options: OperatorRequestOptions = {},
  ): Promise<T> {
    const client = this.client;
    if (!client || this.current.state !== 'connected') {
      throw new OpenClawError(
        ErrorCode.GATEWAY_UNREACHABLE,
        `The app is not connected to the gateway (${this.current.state}${this.current.lastError ? `: ${this.current.lastError.message}` : ''}); start the gateway or wait for it to become ready.`,
        { details: { method, state: this.current.state } },
      );
    }
    try {
      return await client.request<T>(method, params, {
        ...(options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {}),
        ...(options.signal ? { signal: options.signal } : {}),
      });
    } catch (err) {
      throw translateRequestError(method, err);
    }
  }

  private open(preferSharedToken: boolean): void {
    const shared = this.options.sharedToken?.()?.trim() || undefined;
    const hasDeviceToken = this.identity.deviceToken() !== undefined;
    // The device token is the app's own credential and survives a changed shared token, so it
    // goes first; the shared token is for when there is none (yet) or it was refused.
    const useShared = shared !== undefined && (preferSharedToken || !hasDeviceToken);
    this.credential = useShared ? 'shared-token' : 'device-token';
    this.pendingError = undefined;
    this.setState({
      state: 'connecting',
      since: this.now(),
      credential: this.credential,
      ...(this.current.lastError ? { lastError: this.current.lastError } : {}),
    });

    // Callbacks of a replaced or stopped client must not touch the state of the new one.
    const isCurrent = () => this.client === self;
    const self: GatewayClient = new GatewayClient({
      url: this.options.url,
      clientName: OPERATOR_CLIENT_ID,
      mode: OPERATOR_CLIENT_MODE,
      clientDisplayName: OPERATOR_DISPLAY_NAME,
      clientVersion: this.options.clientVersion ?? '0.0.0',
      platform: this.options.platform ?? operatorPlatform(),
      role: OPERATOR_ROLE,
      scopes: [...(this.options.scopes ?? OPERATOR_SCOPES)],
      ...(useShared ? { token: shared } : {}),
      deviceIdentity: this.identity.toDeviceIdentity(),
      hostDeps: createOperatorHostDeps(this.identity, this.logger),
      ...(this.options.requestTimeoutMs !== undefined
        ? { requestTimeoutMs: this.options.requestTimeoutMs }
        : {}),
      onHelloOk: (hello) => {
        if (isCurrent()) this.onHello(hello as unknown as Record<string, unknown>);
      },
      onConnectError: (err) => {
        if (isCurrent()) this.pendingError = describeConnectError(err);
      },
      onReconnectPaused: (info) => {
        if (isCurrent()) void this.onPaused(info);
      },
      onClose: (code, reason) => {
        if (isCurrent()) this.onClosed(code, reason);
      },
      onEvent: (frame) => {
        if (isCurrent())
          this.emitEvent({ event: frame.event, payload: frame.payload, seq: frame.seq });
      },
      onGap: () => {
        if (isCurrent()) this.emitResync('gap');
      },
    });
    this.client = self;
    self.start();
  }

  private onHello(hello: Record<string, unknown>): void {
    this.registrationTried = false;
    this.sharedTokenTried = false;
    this.pendingError = undefined;
    const server = asRecord(hello.server);
    const auth = asRecord(hello.auth);
    const scopes = Array.isArray(auth?.scopes)
      ? auth.scopes.filter((s): s is string => typeof s === 'string')
      : undefined;
    this.setState({
      state: 'connected',
      since: this.now(),
      ...(this.credential ? { credential: this.credential } : {}),
      server: {
        ...(typeof server?.version === 'string' ? { version: server.version } : {}),
        ...(typeof server?.connId === 'string' ? { connId: server.connId } : {}),
      },
      ...(scopes ? { scopes } : {}),
    });
    this.logger.info('operator connection ready', { credential: this.credential });
    this.emitResync('connected');
  }

  private onClosed(code: number, reason: string): void {
    const lastError = this.pendingError ?? {
      message: `gateway closed the connection (${code})${reason ? `: ${reason}` : ''}`,
    };
    this.pendingError = undefined;
    this.setState({
      state: 'disconnected',
      since: this.now(),
      lastError,
      ...(this.credential ? { credential: this.credential } : {}),
    });
  }

  /** The client stopped retrying on its own: repair once, fall back once, or report. */
  private async onPaused(info: GatewayReconnectPausedInfo): Promise<void> {
    const paused = this.client;
    this.client = undefined;
    paused?.stop();
    const code = info.detailCode ?? undefined;
    let error: OperatorConnectionError = this.pendingError ?? {
      message: info.reason || 'the gateway refused the connection',
      ...(code ? { code } : {}),
    };
    this.pendingError = undefined;

    if (code && CURABLE_BY_REGISTRATION.has(code)) {
      if (this.options.register && !this.registrationTried) {
        this.registrationTried = true;
        this.setState({ state: 'connecting', since: this.now(), lastError: error });
        this.logger.info('the gateway no longer accepts the app; registering it again', { code });
        let registered = false;
        try {
          await this.options.register();
          registered = true;
        } catch (err) {
          error = {
            ...error,
            message: `${error.message}; re-registering the app failed: ${errorMessage(err)}`,
          };
          this.logger.warn('re-registering the app failed', { error: errorMessage(err) });
        }
        // Stopped, or started again, while registering: that caller owns the connection now.
        if (!this.started || this.client) return;
        if (registered) {
          this.open(false);
          return;
        }
      }
      const sharedAvailable = Boolean(this.options.sharedToken?.()?.trim());
      if (this.credential === 'device-token' && sharedAvailable && !this.sharedTokenTried) {
        this.sharedTokenTried = true;
        this.open(true);
        return;
      }
    }
    if (!this.started || this.client) return;
    const state: OperatorConnectionState =
      code === ConnectErrorDetailCodes.PAIRING_REQUIRED
        ? 'not-paired'
        : code
          ? 'auth-failed'
          : 'disconnected';
    this.setState({
      state,
      since: this.now(),
      lastError: error,
      ...(this.credential ? { credential: this.credential } : {}),
    });
    if (state === 'not-paired' || code === ConnectErrorDetailCodes.AUTH_RATE_LIMITED) {
      this.retryTimer?.dispose();
      this.retryTimer = this.setTimer(
        () => {
          this.retryTimer = undefined;
          if (this.started && !this.client) this.retry();
        },
        error.retryAfterMs ?? this.options.pausedRetryMs ?? DEFAULT_PAUSED_RETRY_MS,
      );
    }
  }

  private setState(next: OperatorConnectionStatus): void {
    const prev = this.current;
    this.current = next;
    if (
      prev.state === next.state &&
      prev.lastError?.message === next.lastError?.message &&
      prev.credential === next.credential
    ) {
      return;
    }
    this.stateListeners.emit({ ...next });
  }

  private emitEvent(event: GatewayEvent): void {
    this.eventListeners.emit(event);
  }

  private emitResync(reason: ResyncReason): void {
    this.resyncListeners.emit(reason);
  }
}

function asRecord(value: unknown): Record<string, unknown> | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined;
}
