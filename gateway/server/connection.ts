/**
 * One WebSocket client from challenge to close: the handshake (protocol, auth, device proof,
 * pairing), then request dispatch with scope checks, and event delivery with backpressure.
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import {
  buildPairingConnectCloseReason,
  buildPairingConnectErrorDetails,
  buildPairingConnectErrorMessage,
  ConnectErrorDetailCodes,
} from '@openclaw/gateway-protocol/connect-error-details';
import { ErrorCodes } from '@openclaw/gateway-protocol/gateway-error-details';
import type { RawData, WebSocket } from 'ws';
import { errorMessage, isOpenClawError } from '../infra/errors.js';
import type { Logger } from '../infra/logger.js';
import type { PairingStore } from '../pairing/pairing-store.js';
import { deviceAuthErrorDetails, verifyConnectDevice } from '../pairing/verify-device-auth.js';
import {
  authorizeSharedSecret,
  buildAuthFailure,
  truncateCloseReason,
  type AuthFailureReason,
} from './auth.js';
import type { ClientAddressInfo } from './net.js';
import { normalizeOrigin } from './origin.js';
import {
  DROP_EVENTS_ABOVE_BYTES,
  MAX_BUFFERED_BYTES,
  MAX_INFLIGHT_REQUESTS,
  MAX_PAYLOAD_BYTES,
  MAX_TOTAL_BUFFERED_BYTES,
  PREAUTH_MAX_FRAME_BYTES,
  PREAUTH_MAX_TOTAL_BYTES,
  PROTOCOL_VERSION,
  REPLY_PAUSE_ABOVE_BYTES,
  describeValidationErrors,
  type ErrorShape,
  type EventFrame,
  type ProtocolValidators,
  type RequestFrame,
} from './protocol.js';
import { raiseMaxPayload } from './preauth-slots.js';
import type { AuthRateLimiter } from './rate-limit.js';
import { hasScope, KNOWN_OPERATOR_SCOPES, requiredScopeFor } from './scopes.js';
import {
  StagedResponse,
  type AuthMethod,
  type ClientSession,
  type GatewayRuntimeSettings,
} from './types.js';

/** What a connection needs from the gateway around it. */
export interface ConnectionHost {
  readonly logger: Logger;
  readonly pairing: PairingStore;
  readonly limiter: AuthRateLimiter;
  readonly serverVersion: string;
  readonly handshakeTimeoutMs: number;
  settings(): GatewayRuntimeSettings;
  authGeneration(): number;
  validators(): Promise<ProtocolValidators>;
  features(): { methods: string[]; events: string[] };
  buildHello(session: ClientSession, auth: HelloAuth): Promise<Record<string, unknown>>;
  dispatch(session: ClientSession, method: string, params: unknown): Promise<unknown>;
  attach(connection: GatewayConnection): void;
  detach(connection: GatewayConnection): void;
  /** Records this connection's unsent output; returns the total across connections. */
  noteBuffered(connection: GatewayConnection, bytes: number): number;
}

export interface HelloAuth {
  role: string;
  scopes: string[];
  deviceToken?: string;
  issuedAtMs?: number;
}

interface ConnectParamsShape {
  minProtocol: number;
  maxProtocol: number;
  client: {
    id: string;
    displayName?: string;
    version: string;
    platform: string;
    deviceFamily?: string;
    mode: string;
    instanceId?: string;
  };
  role?: string;
  scopes?: string[];
  /** Optional features the client supports (validated by the protocol's connect schema). */
  caps?: string[];
  device?: { id: string; publicKey: string; signature: string; signedAt: number; nonce: string };
  auth?: { token?: string; deviceToken?: string; password?: string; bootstrapToken?: string };
}

const CONTROL_UI_CLIENT_IDS = new Set(['openclaw-control-ui', 'webchat-ui', 'webchat']);
const MAX_QUEUED_PREAUTH_FRAMES = 16;
const UNAUTHORIZED_CALL_LIMIT = 20;
const PREAUTH_ERROR_LINGER_MS = 1000;

export class GatewayConnection {
  readonly connId = randomUUID();
  private readonly nonce = randomUUID();
  private readonly challengeTs = Date.now();
  private session: ClientSession | undefined;
  private handshaking = false;
  private readonly queued: RawData[] = [];
  private preauthBytes = 0;
  /** Requests read but not started (reading is paused while any wait here). */
  private readonly backlog: RawData[] = [];
  private active = 0;
  /** Waiting for the socket to drain before reading or starting anything more. */
  private sendBlocked = false;
  private seq = 0;
  private handshakeTimer: NodeJS.Timeout | undefined;
  private unauthorizedCalls = 0;
  private droppedEvents = 0;
  private closed = false;
  alive = true;

  constructor(
    private readonly ws: WebSocket,
    private readonly request: IncomingMessage,
    private readonly address: ClientAddressInfo,
    private readonly host: ConnectionHost,
  ) {
    ws.on('message', (data, isBinary) => this.onMessage(data, isBinary));
    ws.on('pong', () => {
      this.alive = true;
    });
    ws.on('close', () => this.onClose());
    // Keeps the gateway-wide output sum honest between writes.
    request.socket.on('drain', () => {
      if (!this.closed) this.host.noteBuffered(this, this.ws.bufferedAmount);
    });
    ws.on('error', (err) => {
      host.logger.debug('websocket error', { connId: this.connId, error: err.message });
      // A stranger's protocol error (e.g. a frame over the pre-auth limit): ws has sent the close
      // and resumes the socket to discard what follows, which would have us read and throw away
      // megabytes per socket. Stop reading instead (after ws's own nextTick resume); the peer
      // stalls on its full send buffer, and a second later (time for the close frame to leave)
      // the socket is destroyed rather than held for ws's 30 s close timeout.
      if (!this.session) {
        setImmediate(() => {
          if (!request.socket.destroyed) request.socket.pause();
        });
        setTimeout(() => this.ws.terminate(), PREAUTH_ERROR_LINGER_MS).unref();
      }
    });
    this.handshakeTimer = setTimeout(
      () => this.close(1000, 'handshake timeout'),
      host.handshakeTimeoutMs,
    );
    this.handshakeTimer.unref();
    this.sendFrame({
      type: 'event',
      event: 'connect.challenge',
      payload: { nonce: this.nonce, ts: this.challengeTs },
    });
  }

  get clientSession(): ClientSession | undefined {
    return this.session;
  }

  get origin(): string | undefined {
    const origin = this.request.headers.origin;
    return typeof origin === 'string' ? origin : undefined;
  }

  /** Broadcast delivery: dropped (never queued without bound) when the client is not reading. */
  sendEvent(event: string, payload: unknown, extra: Partial<EventFrame> = {}): boolean {
    return this.sendSerializedEvent(
      JSON.stringify(event),
      payload === undefined ? undefined : JSON.stringify(payload),
      extra.stateVersion ? JSON.stringify(extra.stateVersion) : undefined,
    );
  }

  /**
   * Same as sendEvent with the parts already JSON-encoded: a broadcast serialises its payload once
   * and only the per-socket `seq` differs between recipients.
   */
  sendSerializedEvent(
    eventJson: string,
    payloadJson: string | undefined,
    stateVersionJson?: string,
  ): boolean {
    if (!this.session || this.closed) return false;
    if (this.ws.bufferedAmount > MAX_BUFFERED_BYTES) {
      this.close(1008, 'slow consumer');
      return false;
    }
    this.seq += 1;
    if (this.ws.bufferedAmount > DROP_EVENTS_ABOVE_BYTES) {
      // The seq still advances, so the client sees a gap and refetches state.
      this.droppedEvents += 1;
      return false;
    }
    if (this.ws.readyState !== this.ws.OPEN) return false;
    const payloadPart = payloadJson === undefined ? '' : `,"payload":${payloadJson}`;
    const statePart = stateVersionJson === undefined ? '' : `,"stateVersion":${stateVersionJson}`;
    this.ws.send(
      `{"type":"event","event":${eventJson}${payloadPart},"seq":${this.seq}${statePart}}`,
    );
    this.afterSend();
    return true;
  }

  get dropped(): number {
    return this.droppedEvents;
  }

  /** Ping/terminate heartbeat, driven by one server-wide timer. */
  heartbeat(): void {
    if (!this.alive) {
      this.ws.terminate();
      return;
    }
    this.alive = false;
    try {
      this.ws.ping();
    } catch {
      // socket already gone; close handler cleans up
    }
  }

  close(code: number, reason: string): void {
    if (this.closed) return;
    this.closed = true;
    try {
      this.ws.close(code, truncateCloseReason(reason));
    } catch {
      this.ws.terminate();
    }
  }

  private sendFrame(frame: object): void {
    if (this.ws.readyState !== this.ws.OPEN) return;
    this.ws.send(JSON.stringify(frame));
    this.afterSend();
  }

  /**
   * Backpressure after every write: past the per-socket (or the gateway-wide) bound, stop reading
   * this client and start none of its queued requests until the socket drains; far past it, close.
   * Only a socket that Node will emit 'drain' for is paused, so a pause always ends.
   */
  private afterSend(): void {
    const buffered = this.ws.bufferedAmount;
    const total = this.host.noteBuffered(this, buffered);
    if (buffered > MAX_BUFFERED_BYTES) {
      this.close(1008, 'slow consumer: replies are not being read');
      return;
    }
    const socket = this.request.socket;
    if (this.sendBlocked || this.closed || !socket.writableNeedDrain) return;
    if (buffered <= REPLY_PAUSE_ABOVE_BYTES && total <= MAX_TOTAL_BUFFERED_BYTES) return;
    this.sendBlocked = true;
    this.ws.pause();
    socket.once('drain', () => {
      this.sendBlocked = false;
      this.pump();
    });
  }

  /** Starts queued requests while there is room, and reads again once the queue is empty. */
  private pump(): void {
    while (
      !this.closed &&
      !this.sendBlocked &&
      this.active < MAX_INFLIGHT_REQUESTS &&
      this.backlog.length > 0
    ) {
      this.startRequest(this.backlog.shift()!);
    }
    if (!this.closed && !this.sendBlocked && this.backlog.length === 0 && this.ws.isPaused) {
      this.ws.resume();
    }
  }

  private startRequest(data: RawData): void {
    this.active += 1;
    void this.handleRequest(data)
      .catch((err: unknown) => {
        this.host.logger.error('request failed', { connId: this.connId, error: errorMessage(err) });
      })
      .finally(() => {
        this.active -= 1;
        this.pump();
      });
  }

  private respond(
    id: string,
    result: { ok: true; payload?: unknown } | { ok: false; error: ErrorShape },
  ): void {
    if (this.ws.bufferedAmount > MAX_BUFFERED_BYTES) {
      this.close(1008, 'slow consumer');
      return;
    }
    this.sendFrame({ type: 'res', id, ...result });
  }

  private onClose(): void {
    this.closed = true;
    if (this.handshakeTimer) clearTimeout(this.handshakeTimer);
    this.handshakeTimer = undefined;
    this.queued.length = 0;
    this.backlog.length = 0;
    this.host.detach(this);
  }

  private onMessage(data: RawData, isBinary: boolean): void {
    if (this.closed) return;
    if (!this.session) {
      const size = rawSize(data);
      if (size > PREAUTH_MAX_FRAME_BYTES) {
        this.close(1009, 'preauth payload too large');
        return;
      }
      // Frames are each capped by ws; this caps what a stranger makes us hold across frames.
      this.preauthBytes += size;
      if (this.preauthBytes > PREAUTH_MAX_TOTAL_BYTES) {
        this.close(1009, 'too much data before hello');
        return;
      }
      if (this.handshaking) {
        // A client may pipeline requests behind `connect`; keep a few, refuse a flood.
        if (this.queued.length >= MAX_QUEUED_PREAUTH_FRAMES)
          this.close(1008, 'too many frames before hello');
        else this.queued.push(data);
        return;
      }
      this.handshaking = true;
      void this.handleHandshake(data, isBinary).catch((err: unknown) => {
        this.host.logger.error('handshake failed', {
          connId: this.connId,
          error: errorMessage(err),
        });
        // A state-file problem (e.g. EACCES on devices/) says what to fix, not just "internal error".
        this.close(1011, isOpenClawError(err) ? err.message : 'internal error');
      });
      return;
    }
    if (this.sendBlocked || this.active >= MAX_INFLIGHT_REQUESTS || this.backlog.length > 0) {
      // Reading stops here; what ws had already read lands in the backlog (at most one chunk).
      this.backlog.push(data);
      this.ws.pause();
      return;
    }
    this.startRequest(data);
  }

  private failHandshake(
    id: string | undefined,
    error: ErrorShape,
    closeCode: number,
    closeReason: string,
  ): void {
    if (id) this.respond(id, { ok: false, error });
    this.close(closeCode, closeReason);
  }

  private async handleHandshake(data: RawData, isBinary: boolean): Promise<void> {
    const validators = await this.host.validators();
    if (this.closed) return;
    let parsed: unknown;
    try {
      parsed = isBinary ? undefined : JSON.parse(rawText(data));
    } catch {
      parsed = undefined;
    }
    if (!validators.validateRequestFrame(parsed)) {
      this.close(1008, 'invalid request frame');
      return;
    }
    const frame = parsed as RequestFrame;
    if (frame.method !== 'connect') {
      const message = 'invalid handshake: first request must be connect';
      this.failHandshake(frame.id, { code: ErrorCodes.INVALID_REQUEST, message }, 1008, message);
      return;
    }
    if (!validators.validateConnectParams(frame.params)) {
      const message = `invalid connect params: ${describeValidationErrors(validators, validators.validateConnectParams.errors)}`;
      this.failHandshake(frame.id, { code: ErrorCodes.INVALID_REQUEST, message }, 1008, message);
      return;
    }
    const accepted = await this.connect(frame.id, frame.params as ConnectParamsShape);
    if (!accepted || this.closed) return;
    if (this.handshakeTimer) clearTimeout(this.handshakeTimer);
    this.handshakeTimer = undefined;
    for (const queued of this.queued.splice(0)) {
      await this.handleRequest(queued);
    }
  }

  /** Returns true when hello-ok was sent. Every refusal responds and closes. */
  private async connect(id: string, params: ConnectParamsShape): Promise<boolean> {
    const settings = this.host.settings();
    const originHeader = this.origin;
    const isBrowser = originHeader !== undefined;
    const isControlUi =
      CONTROL_UI_CLIENT_IDS.has(params.client.id) || params.client.mode === 'webchat';
    const isCli = params.client.mode === 'cli' || params.client.id === 'cli';

    if (params.minProtocol > PROTOCOL_VERSION || params.maxProtocol < PROTOCOL_VERSION) {
      this.failHandshake(
        id,
        {
          code: ErrorCodes.INVALID_REQUEST,
          message: `protocol mismatch: this gateway speaks protocol ${PROTOCOL_VERSION} (client offered ${params.minProtocol}-${params.maxProtocol}); update the client`,
          details: {
            code: ConnectErrorDetailCodes.PROTOCOL_MISMATCH,
            expectedProtocol: PROTOCOL_VERSION,
          },
        },
        1002,
        'protocol mismatch',
      );
      return false;
    }

    const role = params.role ?? 'operator';
    if (role !== 'operator' && role !== 'node') {
      this.failHandshake(
        id,
        { code: ErrorCodes.INVALID_REQUEST, message: 'invalid role' },
        1008,
        'invalid role',
      );
      return false;
    }
    const requestedScopes = [
      ...new Set((params.scopes ?? []).filter((s) => KNOWN_OPERATOR_SCOPES.includes(s))),
    ];

    // Failures always count per client address, and a browser's also per page origin as the
    // origin gate spells it (normalised), so neither another spelling of an allowed origin nor a
    // switch between CLI and browser gets a fresh set of attempts. Browsers are never
    // loopback-exempt (a page cannot brute-force the token from the user's own machine).
    const normalizedOrigin = isBrowser ? (normalizeOrigin(originHeader) ?? 'malformed') : undefined;
    const limiterKeys = [`ip:${this.address.clientIp}`];
    if (normalizedOrigin) limiterKeys.push(`origin:${normalizedOrigin}|${this.address.clientIp}`);
    const exempt = !isBrowser && this.address.localDirect && settings.rateLimit.exemptLoopback;
    if (!exempt) {
      for (const key of limiterKeys) {
        const gate = this.host.limiter.check(key);
        if (gate.allowed) continue;
        const error = buildAuthFailure('rate_limited', {
          isCli,
          hasDevice: Boolean(params.device),
          sentDeviceToken: Boolean(params.auth?.deviceToken),
          retryAfterMs: gate.retryAfterMs,
        });
        this.failHandshake(id, error, 1008, error.message);
        return false;
      }
    }

    // Device proof first: a device token only means something for a verified device id.
    let verifiedDevice: { deviceId: string; publicKey: string } | undefined;
    if (params.device) {
      const signatureToken =
        params.auth?.token ?? params.auth?.deviceToken ?? params.auth?.bootstrapToken;
      const result = verifyConnectDevice({
        device: params.device,
        expectedNonce: this.nonce,
        client: params.client,
        role,
        scopes: params.scopes ?? [],
        signatureToken,
        nowMs: Date.now(),
      });
      if (!result.ok) {
        this.failHandshake(
          id,
          {
            code: ErrorCodes.INVALID_REQUEST,
            message: result.message,
            details: deviceAuthErrorDetails(result.reason),
          },
          1008,
          result.message,
        );
        return false;
      }
      verifiedDevice = { deviceId: result.deviceId, publicKey: result.publicKeyB64Url };
    }

    let authMethod: AuthMethod;
    let tokenScopes: string[] | undefined;
    const shared = authorizeSharedSecret(settings.auth, params.auth);
    if (shared.ok) {
      authMethod = shared.method;
    } else {
      const candidate = params.auth?.deviceToken ?? params.auth?.token;
      let failure: AuthFailureReason = shared.reason;
      let deviceOk = false;
      if (verifiedDevice && candidate) {
        const check = await this.host.pairing.verifyDeviceToken(
          verifiedDevice.deviceId,
          role,
          candidate,
          requestedScopes,
        );
        if (check.ok) {
          deviceOk = true;
          tokenScopes = requestedScopes;
        } else if (params.auth?.deviceToken || shared.reason === 'token_missing') {
          failure = 'device_token_mismatch';
        }
      }
      if (!deviceOk) {
        if (!exempt) for (const key of limiterKeys) this.host.limiter.recordFailure(key);
        const error = buildAuthFailure(failure, {
          isCli,
          hasDevice: Boolean(verifiedDevice),
          sentDeviceToken: Boolean(params.auth?.deviceToken),
        });
        this.host.logger.warn('connect refused: authentication failed', {
          connId: this.connId,
          reason: failure,
          ip: this.address.clientIp,
          origin: originHeader,
        });
        this.failHandshake(id, error, 1008, error.message);
        return false;
      }
      authMethod = 'device-token';
    }
    // Success clears only the most specific bucket: the address bucket is shared by everyone
    // behind the same NAT, and one good login there must not wipe a stranger's failures.
    if (!exempt) this.host.limiter.reset(limiterKeys[limiterKeys.length - 1]!);

    let grantedScopes: string[];
    let helloAuth: HelloAuth;
    if (!verifiedDevice) {
      if (role === 'node') {
        const message = 'device identity required';
        this.failHandshake(
          id,
          {
            code: ErrorCodes.NOT_PAIRED,
            message,
            details: { code: ConnectErrorDetailCodes.DEVICE_IDENTITY_REQUIRED },
          },
          1008,
          message,
        );
        return false;
      }
      if (isControlUi) {
        const breakGlass = settings.controlUi.dangerouslyDisableDeviceAuth;
        const insecureLocal = settings.controlUi.allowInsecureAuth && this.address.localDirect;
        if (!breakGlass && !insecureLocal) {
          const message =
            'control ui requires device identity (use HTTPS or localhost secure context)';
          this.failHandshake(
            id,
            {
              code: ErrorCodes.INVALID_REQUEST,
              message,
              details: { code: ConnectErrorDetailCodes.CONTROL_UI_DEVICE_IDENTITY_REQUIRED },
            },
            1008,
            message,
          );
          return false;
        }
        grantedScopes = requestedScopes;
      } else {
        // Self-declared scopes are only honoured on the trusted local backend/CLI path; anyone
        // else without a device gets none (scopes come from a server-side grant, not the client).
        const trustedLocal =
          this.address.localDirect &&
          !isBrowser &&
          (params.client.mode === 'backend' || params.client.mode === 'cli');
        grantedScopes = trustedLocal ? requestedScopes : [];
      }
      helloAuth = { role, scopes: grantedScopes };
    } else {
      const deviceId = verifiedDevice.deviceId;
      const evaluation = await this.host.pairing.evaluateConnect({
        deviceId,
        publicKey: verifiedDevice.publicKey,
        role,
        scopes: requestedScopes,
        platform: params.client.platform,
        deviceFamily: params.client.deviceFamily,
      });
      if (evaluation.status === 'needs-pairing') {
        // A browser is paired silently only after proving the shared secret: with auth none any
        // page the origin gate lets through could otherwise mint itself an admin device.
        const secretProven = authMethod === 'token' || authMethod === 'password';
        const silentEligible =
          this.address.localDirect &&
          (!isBrowser || (isControlUi && secretProven)) &&
          (evaluation.reason === 'not-paired' || evaluation.reason === 'role-upgrade') &&
          authMethod !== 'device-token';
        const { request } = await this.host.pairing.requestPairing({
          deviceId,
          publicKey: verifiedDevice.publicKey,
          displayName: params.client.displayName,
          platform: params.client.platform,
          deviceFamily: params.client.deviceFamily,
          clientId: params.client.id,
          clientMode: params.client.mode,
          role,
          scopes: requestedScopes,
          remoteIp: this.address.clientIp,
          silent: silentEligible,
          reason: evaluation.reason,
        });
        if (silentEligible) {
          await this.host.pairing.approve(request.requestId, { approvedVia: 'silent' });
          this.host.logger.info('device paired silently (local direct connection)', {
            deviceId,
            clientId: params.client.id,
          });
        } else {
          const requestId = request.requestId;
          const remediationHint = `Approve it in OpenClaw Desktop, or run: openclaw devices approve ${requestId}`;
          const details = buildPairingConnectErrorDetails({
            reason: evaluation.reason,
            requestId,
            remediationHint,
            deviceId,
            requestedRole: role,
            requestedScopes,
          });
          this.host.logger.info('pairing required', {
            deviceId,
            requestId,
            reason: evaluation.reason,
            ip: this.address.clientIp,
          });
          this.failHandshake(
            id,
            {
              code: ErrorCodes.NOT_PAIRED,
              message: `${buildPairingConnectErrorMessage(evaluation.reason)} (${remediationHint})`,
              details,
            },
            1008,
            buildPairingConnectCloseReason({ reason: evaluation.reason, requestId }),
          );
          return false;
        }
      }
      await this.host.pairing.touchMetadata(deviceId, {
        displayName: params.client.displayName,
        clientId: params.client.id,
        clientMode: params.client.mode,
        remoteIp: this.address.clientIp,
      });
      grantedScopes = tokenScopes ?? requestedScopes;
      const issued = await this.host.pairing.ensureDeviceToken(deviceId, role, grantedScopes);
      helloAuth = {
        role,
        scopes: grantedScopes,
        deviceToken: issued.token,
        issuedAtMs: issued.issuedAtMs,
      };
    }

    if (this.closed) return false;
    this.session = {
      connId: this.connId,
      role,
      scopes: grantedScopes,
      clientId: params.client.id,
      clientMode: params.client.mode,
      clientVersion: params.client.version,
      platform: params.client.platform,
      deviceFamily: params.client.deviceFamily,
      displayName: params.client.displayName,
      instanceId: params.client.instanceId,
      deviceId: verifiedDevice?.deviceId,
      authMethod,
      authGeneration: this.host.authGeneration(),
      clientIp: this.address.clientIp,
      localDirect: this.address.localDirect,
      origin: originHeader,
      connectedAtMs: Date.now(),
      caps: Array.isArray(params.caps) ? params.caps.slice(0, 32) : [],
    };
    const hello = await this.host.buildHello(this.session, helloAuth);
    if (this.closed) return false;
    // Authenticated: frames up to the full limit from now on (the server starts every socket at
    // the pre-auth limit).
    if (!raiseMaxPayload(this.ws, MAX_PAYLOAD_BYTES)) {
      this.host.logger.error(
        'could not raise the frame limit after hello (ws internals changed?); large frames will be refused',
        { connId: this.connId },
      );
    }
    this.respond(id, { ok: true, payload: hello });
    this.host.attach(this);
    this.host.logger.info('client connected', {
      connId: this.connId,
      clientId: params.client.id,
      mode: params.client.mode,
      deviceId: verifiedDevice?.deviceId,
      auth: authMethod,
      ip: this.address.clientIp,
    });
    return true;
  }

  private async handleRequest(data: RawData): Promise<void> {
    const session = this.session;
    if (!session || this.closed) return;
    const validators = await this.host.validators();
    let parsed: unknown;
    try {
      parsed = JSON.parse(rawText(data));
    } catch {
      this.respond('invalid', {
        ok: false,
        error: { code: ErrorCodes.INVALID_REQUEST, message: 'invalid JSON frame' },
      });
      return;
    }
    if (!validators.validateRequestFrame(parsed)) {
      const id =
        typeof (parsed as { id?: unknown })?.id === 'string'
          ? (parsed as { id: string }).id
          : 'invalid';
      const message = `invalid request frame: ${describeValidationErrors(validators, validators.validateRequestFrame.errors)}`;
      this.respond(id || 'invalid', {
        ok: false,
        error: { code: ErrorCodes.INVALID_REQUEST, message },
      });
      return;
    }
    const frame = parsed as RequestFrame;
    // The shared secret changed since this client proved it: it no longer holds a valid secret.
    if (
      (session.authMethod === 'token' || session.authMethod === 'password') &&
      session.authGeneration !== this.host.authGeneration()
    ) {
      this.close(4001, 'gateway auth changed');
      return;
    }
    if (frame.method === 'connect') {
      this.respond(frame.id, {
        ok: false,
        error: { code: ErrorCodes.INVALID_REQUEST, message: 'already connected' },
      });
      return;
    }
    const required = requiredScopeFor(frame.method);
    if (!this.host.features().methods.includes(frame.method)) {
      this.respond(frame.id, {
        ok: false,
        error: { code: ErrorCodes.INVALID_REQUEST, message: `unknown method: ${frame.method}` },
      });
      return;
    }
    if (session.role !== 'operator' || !hasScope(session.scopes, required)) {
      this.unauthorizedCalls += 1;
      this.respond(frame.id, {
        ok: false,
        error: {
          code: ErrorCodes.FORBIDDEN,
          message: `missing scope: ${required}`,
          details: { code: 'MISSING_SCOPE', missingScope: required, requiredScopes: [required] },
        },
      });
      if (this.unauthorizedCalls >= UNAUTHORIZED_CALL_LIMIT)
        this.close(1008, 'repeated unauthorized calls');
      return;
    }
    try {
      const payload = await this.host.dispatch(session, frame.method, frame.params ?? {});
      if (payload instanceof StagedResponse) {
        this.respond(frame.id, { ok: true, payload: payload.ack });
        // The final answer does not hold a request slot: a long run must not block the socket.
        const id = frame.id;
        void payload.final.then(
          (final) => !this.closed && this.respond(id, { ok: true, payload: final }),
          (err: unknown) =>
            !this.closed && this.respond(id, { ok: false, error: toErrorShape(err) }),
        );
        return;
      }
      this.respond(frame.id, { ok: true, payload });
    } catch (err) {
      this.respond(frame.id, { ok: false, error: toErrorShape(err) });
      if (!isOpenClawError(err)) {
        this.host.logger.error('method crashed', {
          method: frame.method,
          error: errorMessage(err),
        });
      }
    }
  }
}

export function toErrorShape(err: unknown): ErrorShape {
  if (isOpenClawError(err)) {
    return {
      code: ErrorCodes.INVALID_REQUEST,
      message: err.message,
      details: { code: err.code, ...(err.details ?? {}) },
    };
  }
  return { code: ErrorCodes.UNAVAILABLE, message: `internal error: ${errorMessage(err)}` };
}

function rawSize(data: RawData): number {
  if (Array.isArray(data)) return data.reduce((n, b) => n + b.length, 0);
  return data instanceof ArrayBuffer ? data.byteLength : data.length;
}

function rawText(data: RawData): string {
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  if (data instanceof ArrayBuffer) return Buffer.from(data).toString('utf8');
  return data.toString('utf8');
}
