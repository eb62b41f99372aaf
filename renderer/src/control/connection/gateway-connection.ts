/**
 * One Control UI connection to one gateway, on the reference wire client
 * (`GatewayProtocolClient`: socket, challenge, request correlation, backoff) and its browser
 * device-auth lifecycle (signing, issued device tokens). This class owns the policy around them
 * and exposes a single status a screen can render:
 *
 * - `connecting`        first attempt (or after "Retry").
 * - `connected`         hello received; requests work.
 * - `pairing-required`  the gateway holds a pairing request for this browser; retried every few
 *                       seconds (the gateway answers with the same request id while it is pending),
 *                       so an approval anywhere (desktop app, CLI) gets the page in by itself.
 * - `auth-failed`       refused for a reason retrying cannot fix; `problem.nextStep` says what does.
 * - `disconnected`      the socket dropped or the gateway is unreachable; reconnects with backoff.
 */
import {
  GatewayBrowserDeviceAuthLifecycle,
  GatewayProtocolClient,
  MIN_CLIENT_PROTOCOL_VERSION,
  PROTOCOL_VERSION,
  shouldRetryGatewayWithDeviceToken,
  type EventFrame,
  type GatewayBrowserDeviceAuthPlan,
  type GatewayBrowserDeviceIdentity,
  type GatewayBrowserDeviceTokenStore,
  type GatewayProtocolCloseContext,
  type GatewayProtocolRequestError,
} from '@openclaw/gateway-client/browser';
import { createBrowserSocket, type SocketFactory } from './browser-socket.js';
import {
  CONTROL_UI_CLIENT_ID,
  CONTROL_UI_CLIENT_MODE,
  CONTROL_UI_PLATFORM,
  CONTROL_UI_ROLE,
  CONTROL_UI_SCOPES,
  DEFAULT_PAIRING_RETRY_MS,
  RECONNECT,
  isLoopbackGatewayUrl,
  randomId,
} from './client-profile.js';
import { classifyConnectFailure } from './connect-failure.js';
import type { GatewayConnectionStatus } from './connection-status.js';
import { Emitter } from './emitter.js';
import { parseHello, type GatewayHello } from './hello.js';

export type { GatewayConnectionStatus } from './connection-status.js';
export { CONTROL_UI_SCOPES } from './client-profile.js';

export interface GatewayConnectionOptions {
  /** `ws://host:port` of the gateway. */
  url: string;
  /** The gateway's shared token, if this page has one. */
  token?: string;
  loadIdentity: () => Promise<GatewayBrowserDeviceIdentity | null>;
  tokenStore: GatewayBrowserDeviceTokenStore;
  createSocket?: SocketFactory;
  clientVersion?: string;
  displayName?: string;
  pairingRetryMs?: number;
  reconnect?: { initialMs: number; multiplier: number; maxMs: number };
  handshakeTimeoutMs?: number;
  requestTimeoutMs?: number;
  now?: () => number;
  createId?: () => string;
}

/** What `resolveClose` answers the wire client (its type is not exported by the package). */
interface CloseDecision {
  retry: boolean;
  notify: boolean;
  reconnectDelayMs?: number;
}

export class GatewayConnection {
  readonly url: string;
  private token: string | undefined;
  private readonly lifecycle: GatewayBrowserDeviceAuthLifecycle;
  private readonly client: GatewayProtocolClient<GatewayBrowserDeviceAuthPlan>;
  private readonly now: () => number;
  private readonly pairingRetryMs: number;
  private readonly instanceId = randomId();
  private current: GatewayConnectionStatus = { state: 'idle' };
  private currentHello: GatewayHello | null = null;
  private readonly statusEvents = new Emitter<GatewayConnectionStatus>();
  private readonly gatewayEvents = new Emitter<EventFrame>();
  private readonly resyncEvents = new Emitter<'connected' | 'gap'>();
  /** Decision made on a refused connect, applied when its socket closes. */
  private pendingDecision: CloseDecision | undefined;
  private pendingDeviceTokenRetry = false;
  private deviceTokenRetryUsed = false;
  private deviceTokenCleared = false;
  private shutdownReason: string | null = null;
  private lastActivityAt = 0;
  private watchdog: ReturnType<typeof setInterval> | undefined;

  constructor(private readonly options: GatewayConnectionOptions) {
    this.url = options.url;
    this.token = options.token?.trim() || undefined;
    this.now = options.now ?? Date.now;
    this.pairingRetryMs = options.pairingRetryMs ?? DEFAULT_PAIRING_RETRY_MS;
    this.lifecycle = new GatewayBrowserDeviceAuthLifecycle({
      loadIdentity: options.loadIdentity,
      tokenStore: options.tokenStore,
      nowMs: this.now,
    });
    const createSocket = options.createSocket ?? createBrowserSocket;
    this.client = new GatewayProtocolClient<GatewayBrowserDeviceAuthPlan>({
      createSocket: (handlers) => {
        this.beginAttempt();
        return createSocket(this.url, handlers);
      },
      createRequestId: options.createId ?? randomId,
      buildConnectPlan: ({ nonce, challengeTs }) =>
        this.lifecycle.buildPlan({
          client: this.clientInfo(),
          role: CONTROL_UI_ROLE,
          defaultScopes: CONTROL_UI_SCOPES,
          token: this.token,
          pendingDeviceTokenRetry: this.pendingDeviceTokenRetry,
          trustedDeviceTokenRetry: isLoopbackGatewayUrl(this.url),
          nonce,
          // The challenge's own timestamp is what we sign: no dependence on this machine's clock.
          challengeTs,
        }),
      buildConnectParams: (plan) => ({
        minProtocol: MIN_CLIENT_PROTOCOL_VERSION,
        maxProtocol: PROTOCOL_VERSION,
        client: this.clientInfo(),
        role: plan.role,
        scopes: plan.scopes,
        caps: ['tool-events'],
        ...(plan.device ? { device: plan.device } : {}),
        ...(plan.auth ? { auth: plan.auth } : {}),
        ...(typeof navigator !== 'undefined'
          ? { locale: navigator.language, userAgent: navigator.userAgent }
          : {}),
      }),
      onConnectPlanError: (error) => {
        // No identity (insecure context, no Ed25519): nothing a retry changes.
        this.setStatus({
          state: 'auth-failed',
          since: this.now(),
          retryAt: null,
          problem: {
            code: 'DEVICE_IDENTITY_UNAVAILABLE',
            title: 'This browser could not create a device identity',
            message: error.message,
            nextStep:
              'Open the Control UI over https:// or as http://127.0.0.1:<port>/ in a current browser (private windows may block the storage it needs).',
            canEnterToken: false,
          },
        });
        return { closeCode: 4008, closeReason: 'connect failed', stop: true };
      },
      onConnectHello: (hello, context) => {
        void this.lifecycle.acceptHello(hello, context.plan).catch(() => {});
      },
      onHello: (hello) => this.handleHello(hello),
      onConnectFailure: (error, context) => this.handleConnectFailure(error, context.plan),
      resolveClose: (context) => this.resolveClose(context),
      onEvent: (event) => this.handleEvent(event),
      onGap: () => this.emitResync('gap'),
      onActivity: () => {
        this.lastActivityAt = this.now();
      },
      handshake: { mode: 'require-challenge', timeoutMs: options.handshakeTimeoutMs ?? 10_000 },
      reconnect: options.reconnect ?? RECONNECT,
      requestTimeoutMs: options.requestTimeoutMs ?? 30_000,
      nowMs: this.now,
    });
  }

  get status(): GatewayConnectionStatus {
    return this.current;
  }

  get hello(): GatewayHello | null {
    return this.currentHello;
  }

  get hasToken(): boolean {
    return this.token !== undefined;
  }

  /** Whether `token` is the one this connection already offers (no need to reconnect). */
  usesToken(token: string | undefined): boolean {
    return (token?.trim() || undefined) === this.token;
  }

  start(): void {
    if (this.current.state === 'idle') this.setStatus({ state: 'connecting', since: this.now() });
    this.client.start();
  }

  stop(): void {
    this.stopWatchdog();
    this.client.stop();
    this.currentHello = null;
    this.setStatus({ state: 'idle' });
  }

  /** Try again now (the "Retry" / "Check now" buttons), with fresh one-shot recovery budgets. */
  retryNow(): void {
    this.stopWatchdog();
    this.client.stop();
    this.pendingDecision = undefined;
    this.deviceTokenRetryUsed = false;
    this.deviceTokenCleared = false;
    this.pendingDeviceTokenRetry = false;
    if (this.current.state !== 'pairing-required') {
      this.setStatus({ state: 'connecting', since: this.now() });
    }
    this.client.start();
  }

  /** A token the person pasted: used for this gateway only, from the next attempt on. */
  setToken(token: string | undefined): void {
    this.token = token?.trim() || undefined;
    this.retryNow();
  }

  request<T = unknown>(method: string, params: unknown = {}, timeoutMs?: number): Promise<T> {
    if (this.current.state !== 'connected') {
      return Promise.reject(new Error('Not connected to the gateway.'));
    }
    return this.client.request<T>(
      method,
      params,
      timeoutMs === undefined ? undefined : { timeoutMs },
    );
  }

  onStatus(listener: (status: GatewayConnectionStatus) => void): () => void {
    return this.statusEvents.on(listener);
  }

  onEvent(listener: (event: EventFrame) => void): () => void {
    return this.gatewayEvents.on(listener);
  }

  /** Fires after every (re)connect and on an event-sequence gap: refetch what you show. */
  onResync(listener: (reason: 'connected' | 'gap') => void): () => void {
    return this.resyncEvents.on(listener);
  }

  private clientInfo() {
    return {
      id: CONTROL_UI_CLIENT_ID,
      mode: CONTROL_UI_CLIENT_MODE,
      version: this.options.clientVersion ?? '0.0.0',
      platform: CONTROL_UI_PLATFORM,
      displayName: this.options.displayName ?? 'Control UI',
      instanceId: this.instanceId,
    } as const;
  }

  private beginAttempt(): void {
    // Screens that are waiting (pairing, reconnecting) keep showing why; only a fresh start shows
    // "connecting", so the page does not flicker every few seconds.
    if (this.current.state === 'idle' || this.current.state === 'auth-failed') {
      this.setStatus({ state: 'connecting', since: this.now() });
    }
  }

  private handleHello(raw: unknown): void {
    this.pendingDecision = undefined;
    this.pendingDeviceTokenRetry = false;
    this.deviceTokenRetryUsed = false;
    this.deviceTokenCleared = false;
    this.shutdownReason = null;
    this.currentHello = parseHello(raw, this.now());
    this.lastActivityAt = this.now();
    this.startWatchdog(this.currentHello.tickIntervalMs);
    this.setStatus({ state: 'connected', since: this.now() });
    this.emitResync('connected');
  }

  private handleConnectFailure(
    error: GatewayProtocolRequestError,
    plan: GatewayBrowserDeviceAuthPlan,
  ) {
    const refusal = {
      code: error.code,
      message: error.message,
      details: error.details,
      retryAfterMs: error.retryAfterMs,
    };
    const storedToken = plan.selectedAuth.storedToken;
    const decision = classifyConnectFailure(refusal, {
      canRetryWithDeviceToken: shouldRetryGatewayWithDeviceToken({
        retryBudgetUsed: this.deviceTokenRetryUsed,
        currentDeviceToken: plan.selectedAuth.authDeviceToken,
        explicitToken: this.token,
        storedToken,
        trustedEndpoint: isLoopbackGatewayUrl(this.url),
        errorDetails: error.details,
      }),
      deviceTokenCleared: this.deviceTokenCleared,
    });
    const now = this.now();
    const retry = (delayMs?: number): CloseDecision => ({
      retry: true,
      notify: true,
      ...(delayMs === undefined ? {} : { reconnectDelayMs: delayMs }),
    });
    switch (decision.kind) {
      case 'pairing-required': {
        const previous = this.current.state === 'pairing-required' ? this.current : undefined;
        this.setStatus({
          state: 'pairing-required',
          since: previous?.since ?? now,
          requestId: decision.requestId,
          reason: decision.reason,
          deviceId: plan.identity?.deviceId ?? null,
          lastCheckedAt: now,
          retryEveryMs: this.pairingRetryMs,
        });
        this.pendingDecision = retry(this.pairingRetryMs);
        break;
      }
      case 'retry-with-device-token':
        this.deviceTokenRetryUsed = true;
        this.pendingDeviceTokenRetry = true;
        this.pendingDecision = retry(0);
        break;
      case 'clear-device-token':
        // The gateway no longer knows our device token (revoked, rotated, gateway reset).
        this.deviceTokenCleared = true;
        void this.lifecycle.clearStoredToken(plan).catch(() => {});
        this.pendingDecision = retry(0);
        break;
      case 'wait':
        this.setStatus({
          state: 'auth-failed',
          since: now,
          problem: decision.problem,
          retryAt: now + decision.delayMs,
        });
        this.pendingDecision = retry(decision.delayMs);
        break;
      case 'retry':
        this.pendingDecision = retry(decision.delayMs);
        break;
      case 'stop':
        this.setStatus({
          state: 'auth-failed',
          since: now,
          problem: decision.problem,
          retryAt: null,
        });
        this.pendingDecision = { retry: false, notify: true };
        return { closeCode: 4008, closeReason: 'connect failed', stop: true };
    }
    return {
      closeCode: 4008,
      closeReason: 'connect failed',
      reconnectDelayMs: this.pendingDecision.reconnectDelayMs,
    };
  }

  private resolveClose(context: GatewayProtocolCloseContext): CloseDecision {
    this.stopWatchdog();
    const decided = this.pendingDecision;
    this.pendingDecision = undefined;
    if (decided) return decided;
    // Dropped after hello, or the gateway is not reachable (yet): keep trying with backoff. A page
    // that is waiting for pairing or on a refusal keeps that screen while it retries.
    if (this.current.state !== 'pairing-required' && this.current.state !== 'auth-failed') {
      this.setStatus({
        state: 'disconnected',
        since: this.current.state === 'disconnected' ? this.current.since : this.now(),
        code: context.code,
        reason: context.reason,
        shutdownReason: this.shutdownReason,
      });
    }
    return { retry: true, notify: true };
  }

  private handleEvent(event: EventFrame): void {
    if (event.event === 'shutdown') {
      const payload = event.payload as { reason?: unknown } | undefined;
      this.shutdownReason =
        typeof payload?.reason === 'string' ? payload.reason : 'gateway stopping';
    }
    this.gatewayEvents.emit(event);
  }

  private emitResync(reason: 'connected' | 'gap'): void {
    this.resyncEvents.emit(reason);
  }

  private setStatus(next: GatewayConnectionStatus): void {
    this.current = next;
    this.statusEvents.emit(next);
  }

  /** The gateway ticks every `tickIntervalMs`; two silent intervals mean a dead link. */
  private startWatchdog(tickIntervalMs: number): void {
    this.stopWatchdog();
    const limit = tickIntervalMs * 2;
    this.watchdog = setInterval(
      () => {
        if (this.now() - this.lastActivityAt > limit) {
          this.stopWatchdog();
          this.client.closeSocket(4000, 'tick timeout');
        }
      },
      Math.max(500, Math.floor(tickIntervalMs / 2)),
    );
  }

  private stopWatchdog(): void {
    if (this.watchdog !== undefined) clearInterval(this.watchdog);
    this.watchdog = undefined;
  }
}
