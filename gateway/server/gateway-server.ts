/**
 * The gateway's network face: one HTTP server for probes and the Control UI, the WebSocket upgrade
 * on the same port (origin gate before the 101), connection bookkeeping, broadcasts, ticks, the
 * ping heartbeat and graceful shutdown. The app factory stays apart from `listen` so tests can run
 * it on an ephemeral port.
 */
import http, { type IncomingMessage } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { WebSocketServer } from 'ws';
import { ErrorCode, OpenClawError, errorMessage, systemErrorCode } from '../infra/errors.js';
import type { Logger } from '../infra/logger.js';
import type { PairingStore } from '../pairing/pairing-store.js';
import { GatewayConnection, type ConnectionHost, type HelloAuth } from './connection.js';
import { handleHttpRequest, SECURITY_HEADERS, type HttpApiHandler } from './http-routes.js';
import { isAllowedHost, resolveClientAddress } from './net.js';
import { checkOrigin, ownOrigins } from './origin.js';
import {
  DEFAULT_HANDSHAKE_TIMEOUT_MS,
  MAX_BUFFERED_BYTES,
  MAX_PAYLOAD_BYTES,
  MAX_PREAUTH_SOCKETS,
  MAX_PREAUTH_SOCKETS_PER_ADDRESS,
  PREAUTH_MAX_FRAME_BYTES,
  PROTOCOL_VERSION,
  TICK_INTERVAL_MS,
  loadProtocolValidators,
  type ProtocolValidators,
} from './protocol.js';
import { PreauthSlots, type PreauthLimits } from './preauth-slots.js';
import { AuthRateLimiter } from './rate-limit.js';
import { hasScope } from './scopes.js';
import type { ClientSession, GatewayRuntimeSettings, PresenceEntry } from './types.js';

/** Capabilities this gateway advertises in `hello-ok.features.capabilities`. */
const SERVER_CAPABILITIES = ['published-model-catalog'] as const;
export interface MethodHandler {
  /** Name of the `@openclaw/gateway-protocol` params validator, when the method has one. */
  validator?: keyof ProtocolValidators;
  /**
   * Params this gateway accepts beyond the published schema (which forbids unknown keys). They are
   * left out of the protocol validation and the handler validates them; clients that never send
   * them see the protocol exactly.
   */
  extensionParams?: readonly string[];
  handle(params: unknown, session: ClientSession): Promise<unknown> | unknown;
}

export interface GatewayServerOptions {
  logger: Logger;
  pairing: PairingStore;
  serverVersion: string;
  settings: () => GatewayRuntimeSettings;
  methods: ReadonlyMap<string, MethodHandler>;
  /** Snapshot parts owned by the runtime (health, session defaults, paths). */
  snapshot: (session: ClientSession) => Promise<Record<string, unknown>>;
  controlUiRoot: () => string;
  assistantName?: () => string;
  handshakeTimeoutMs?: number;
  tickIntervalMs?: number;
  /** Attachment limits of chat.send/agent, advertised in hello-ok so clients check before sending. */
  attachmentLimits?: () => { maxBytes: number; maxImageBytes: number };
  /** Unauthenticated sockets allowed at once (defaults: MAX_PREAUTH_SOCKETS*). */
  preauthLimits?: Partial<PreauthLimits>;
  /** HTTP API routes (the OpenAI-compatible `/v1/*`); they share the failed-auth limiter. */
  httpApi?: HttpApiHandler;
}

/** Events every authenticated socket gets; others need a scope. */
const EVENT_SCOPES: Record<string, string | undefined> = {
  'device.pair.requested': 'operator.pairing',
  'device.pair.resolved': 'operator.pairing',
  'config.changed': 'operator.admin',
  chat: 'operator.read',
  agent: 'operator.read',
  'sessions.changed': 'operator.read',
};

const PRESENCE_COALESCE_MS = 250;
/** Requests with more headers are refused (431) rather than silently truncated by Node. */
const MAX_REQUEST_HEADERS = 100;

export const GATEWAY_EVENTS = [
  'connect.challenge',
  'tick',
  'presence',
  'health',
  'shutdown',
  'device.pair.requested',
  'device.pair.resolved',
  'config.changed',
  'chat',
  'agent',
  'sessions.changed',
];

export class GatewayServer {
  readonly http: http.Server;
  private readonly wss: WebSocketServer;
  private readonly connections = new Set<GatewayConnection>();
  private readonly attached = new Set<GatewayConnection>();
  private readonly limiter: AuthRateLimiter;
  private readonly preauth: PreauthSlots;
  private readonly preauthRelease = new Map<GatewayConnection, () => void>();
  /** Unsent output per connection as last seen after a write or a drain, and its sum. */
  private readonly buffered = new Map<GatewayConnection, number>();
  private bufferedSum = 0;
  private readonly host: ConnectionHost;
  private readonly startedAt = Date.now();
  private validators: ProtocolValidators | undefined;
  private generation = 0;
  private lastAuthFingerprint: string;
  private presenceVersion = 1;
  private healthVersion = 1;
  private tickTimer: NodeJS.Timeout | undefined;
  private heartbeatTimer: NodeJS.Timeout | undefined;
  private presenceTimer: NodeJS.Timeout | undefined;
  private readonly inflight = new Set<Promise<unknown>>();
  private closing = false;

  constructor(private readonly options: GatewayServerOptions) {
    const initial = options.settings();
    this.lastAuthFingerprint = authFingerprint(initial);
    this.limiter = new AuthRateLimiter(initial.rateLimit);
    this.preauth = new PreauthSlots({
      perAddress: options.preauthLimits?.perAddress ?? MAX_PREAUTH_SOCKETS_PER_ADDRESS,
      total: options.preauthLimits?.total ?? MAX_PREAUTH_SOCKETS,
    });
    this.http = http.createServer({ maxHeaderSize: 16 * 1024 }, (req, res) => {
      const refusal = this.refuseRequest(req, !this.isBearerApiRequest(req));
      if (refusal) {
        res.writeHead(refusal.status, {
          ...SECURITY_HEADERS,
          'Content-Type': 'application/json; charset=utf-8',
          Connection: 'close',
        });
        res.end(JSON.stringify({ error: { type: refusal.type, message: refusal.message } }));
        return;
      }
      handleHttpRequest(req, res, {
        ready: () => this.isReady(),
        controlUi: () => {
          const s = options.settings();
          return {
            enabled: s.controlUi.enabled,
            root: options.controlUiRoot(),
            basePath: s.controlUi.basePath,
          };
        },
        serverVersion: options.serverVersion,
        assistantName: options.assistantName ?? (() => 'OpenClaw'),
        ...(options.httpApi ? { api: (rq, rs) => this.routeHttpApi(rq, rs) } : {}),
      }).catch((err: unknown) => {
        options.logger.error('http handler failed', { error: errorMessage(err) });
        if (!res.headersSent) res.writeHead(500, SECURITY_HEADERS);
        res.end();
      });
    });
    // Slowloris and header floods: keep Node's timeouts finite and headers bounded.
    this.http.headersTimeout = 10_000;
    this.http.requestTimeout = 30_000;
    this.http.keepAliveTimeout = 5_000;
    // Node drops headers past maxHeadersCount silently (an Origin placed 101st would vanish):
    // keep one more than we accept and refuse the request when it is reached (431).
    this.http.maxHeadersCount = MAX_REQUEST_HEADERS + 1;
    this.wss = new WebSocketServer({
      noServer: true,
      // Every socket starts at the pre-auth frame limit; hello raises it (see raiseMaxPayload).
      maxPayload: PREAUTH_MAX_FRAME_BYTES,
      perMessageDeflate: false,
      maxFragments: 1024,
      maxBufferedChunks: 4096,
    } as ConstructorParameters<typeof WebSocketServer>[0]);
    const features = {
      methods: [...options.methods.keys()],
      events: GATEWAY_EVENTS,
      // What newer clients check before calling a method whose contract changed: the official
      // CLI's `models list` refuses a gateway without the published model catalog capability.
      ...(options.methods.has('models.list') ? { capabilities: [...SERVER_CAPABILITIES] } : {}),
    };
    this.http.on('upgrade', (req, socket, head) => this.onUpgrade(req, socket as Socket, head));

    this.host = {
      logger: options.logger,
      pairing: options.pairing,
      limiter: this.limiter,
      serverVersion: options.serverVersion,
      handshakeTimeoutMs:
        options.handshakeTimeoutMs ?? envHandshakeTimeout() ?? DEFAULT_HANDSHAKE_TIMEOUT_MS,
      settings: options.settings,
      authGeneration: () => this.currentAuthGeneration(),
      validators: () => this.loadValidators(),
      // The method table is fixed for the server's life: list it once, not on every request.
      features: () => features,
      buildHello: (session, auth) => this.buildHello(session, auth),
      dispatch: (session, method, params) => this.dispatch(session, method, params),
      attach: (connection) => this.attach(connection),
      detach: (connection) => this.detach(connection),
      noteBuffered: (connection, bytes) => this.noteBuffered(connection, bytes),
    };
  }

  /** Listen, then warm up the protocol validators in the background (liveness before readiness). */
  async listen(port: number, hostname: string): Promise<AddressInfo> {
    await new Promise<void>((resolve, reject) => {
      const onError = (err: Error) => {
        this.http.off('listening', onListening);
        const code = systemErrorCode(err);
        if (code === 'EADDRINUSE') {
          reject(
            new OpenClawError(
              ErrorCode.GATEWAY_PORT_IN_USE,
              `Port ${port} on ${hostname} is already in use (another gateway instance is already listening?). Stop it or pass --port.`,
              { cause: err },
            ),
          );
        } else reject(err);
      };
      const onListening = () => {
        this.http.off('error', onError);
        resolve();
      };
      this.http.once('error', onError);
      this.http.once('listening', onListening);
      this.http.listen(port, hostname);
    });
    void this.loadValidators().catch((err: unknown) =>
      this.options.logger.error('protocol validators failed to load', { error: errorMessage(err) }),
    );
    this.tickTimer = setInterval(
      () => this.broadcast('tick', { ts: Date.now() }),
      this.options.tickIntervalMs ?? TICK_INTERVAL_MS,
    );
    this.tickTimer.unref();
    this.heartbeatTimer = setInterval(() => {
      for (const connection of this.connections) connection.heartbeat();
    }, this.options.tickIntervalMs ?? TICK_INTERVAL_MS);
    this.heartbeatTimer.unref();
    return this.http.address() as AddressInfo;
  }

  isReady(): boolean {
    return this.validators !== undefined && !this.closing;
  }

  get connectionCount(): number {
    return this.connections.size;
  }

  get uptimeMs(): number {
    return Date.now() - this.startedAt;
  }

  /** Settings changed (hot reload): re-key the limiter and detect a rotated shared secret. */
  settingsChanged(): void {
    const settings = this.options.settings();
    this.limiter.update(settings.rateLimit);
    const fingerprint = authFingerprint(settings);
    if (fingerprint !== this.lastAuthFingerprint) {
      this.lastAuthFingerprint = fingerprint;
      this.generation += 1;
      // Sessions that proved the old secret are closed now, not at their next frame.
      for (const connection of this.attached) {
        const session = connection.clientSession;
        if (session && (session.authMethod === 'token' || session.authMethod === 'password')) {
          connection.close(4001, 'gateway auth changed');
        }
      }
    }
  }

  presence(): PresenceEntry[] {
    const entries: PresenceEntry[] = [];
    for (const connection of this.attached) {
      const s = connection.clientSession;
      if (!s || s.clientMode === 'cli' || s.clientMode === 'probe') continue;
      entries.push({
        ip: s.clientIp,
        version: s.clientVersion,
        platform: s.platform,
        deviceFamily: s.deviceFamily,
        mode: s.clientMode,
        ts: Date.now(),
        onlineSince: s.connectedAtMs,
        deviceId: s.deviceId,
        roles: [s.role],
        scopes: s.scopes,
        instanceId: s.instanceId,
        text: s.displayName ?? s.clientId,
      });
    }
    return entries;
  }

  stateVersion(): { presence: number; health: number } {
    return { presence: this.presenceVersion, health: this.healthVersion };
  }

  /**
   * Deliver an event to every attached session allowed to see it; `requireCap` limits it further
   * to clients that advertised that capability at connect (tool events: `tool-events`).
   */
  broadcast(event: string, payload: unknown, options: { requireCap?: string } = {}): void {
    const required = EVENT_SCOPES[event];
    const eventJson = JSON.stringify(event);
    const payloadJson = payload === undefined ? undefined : JSON.stringify(payload);
    const stateJson = JSON.stringify(this.stateVersion());
    for (const connection of this.attached) {
      const session = connection.clientSession;
      if (!session) continue;
      if (required && !(session.role === 'operator' && hasScope(session.scopes, required))) {
        continue;
      }
      if (options.requireCap && !session.caps?.includes(options.requireCap)) continue;
      connection.sendSerializedEvent(eventJson, payloadJson, stateJson);
    }
  }

  /** Close live sessions of a device (token revoked or rotated, device removed). */
  disconnectDevice(deviceId: string, role?: string): void {
    for (const connection of this.attached) {
      const session = connection.clientSession;
      if (session?.deviceId === deviceId && (role === undefined || session.role === role)) {
        connection.close(1008, 'device token revoked');
      }
    }
  }

  healthChanged(health: unknown): void {
    this.healthVersion += 1;
    this.broadcast('health', health);
  }

  /** Broadcast `shutdown`, stop accepting, let in-flight requests finish, then close sockets. */
  async close(
    reason = 'gateway stopping',
    restartExpectedMs?: number,
    graceMs = 3000,
  ): Promise<void> {
    if (this.closing) return;
    this.closing = true;
    this.broadcast(
      'shutdown',
      restartExpectedMs === undefined ? { reason } : { reason, restartExpectedMs },
    );
    clearInterval(this.tickTimer);
    clearInterval(this.heartbeatTimer);
    clearTimeout(this.presenceTimer);
    const stopListening = new Promise<void>((resolve) => this.http.close(() => resolve()));
    const deadline = new Promise((resolve) => setTimeout(resolve, graceMs).unref());
    await Promise.race([Promise.allSettled([...this.inflight]), deadline]);
    for (const connection of this.connections) connection.close(1012, 'service restart');
    await Promise.race([
      new Promise((resolve) => setTimeout(resolve, 250).unref()),
      Promise.resolve().then(() => {
        if (this.connections.size === 0) return;
        return new Promise<void>((resolve) => {
          const check = setInterval(() => {
            if (this.connections.size === 0) {
              clearInterval(check);
              resolve();
            }
          }, 10);
          check.unref();
        });
      }),
    ]);
    for (const client of this.wss.clients) client.terminate();
    this.wss.close();
    this.http.closeAllConnections();
    await Promise.race([stopListening, deadline]);
  }

  private routeHttpApi(req: IncomingMessage, res: http.ServerResponse): Promise<boolean> {
    const settings = this.options.settings();
    const address = resolveClientAddress(
      req.socket.remoteAddress,
      req.headers,
      settings.trustedProxies,
      settings.allowRealIpFallback,
    );
    return this.options.httpApi!(req, res, { address, limiter: this.limiter });
  }

  /**
   * An HTTP API call carrying a bearer while the gateway requires a token or password: the Host
   * check guards against DNS rebinding, which cannot forge a secret the page never had, and API
   * clients reach the gateway under any name (`host.docker.internal`, a LAN name).
   */
  private isBearerApiRequest(req: IncomingMessage): boolean {
    if (!this.options.httpApi || !req.url?.startsWith('/v1/')) return false;
    const mode = this.options.settings().auth.mode;
    if (mode !== 'token' && mode !== 'password') return false;
    return /^Bearer\s+\S/i.test(req.headers.authorization ?? '');
  }

  /** Header floods (431) and DNS-rebinding Host names (421), for HTTP routes and upgrades alike. */
  private refuseRequest(
    req: IncomingMessage,
    checkHost = true,
  ): { status: number; type: string; message: string } | undefined {
    if (req.rawHeaders.length / 2 > MAX_REQUEST_HEADERS) {
      return {
        status: 431,
        type: 'headers_too_large',
        message: `too many request headers (at most ${MAX_REQUEST_HEADERS})`,
      };
    }
    const origins = checkHost
      ? [...this.options.settings().allowedOrigins, ...this.ownOrigins()]
      : [];
    if (checkHost && !isAllowedHost(req.headers.host, origins)) {
      return {
        status: 421,
        type: 'misdirected',
        message:
          'unknown Host name (possible DNS rebinding); use http://127.0.0.1:<port>/ or add the origin to gateway.controlUi.allowedOrigins',
      };
    }
    return undefined;
  }

  /** Origins of the Control UI this gateway serves itself, from the address it listens on. */
  private ownOrigins(): string[] {
    const bound = this.http.address();
    if (!bound || typeof bound === 'string') return [];
    return ownOrigins(bound.port, bound.address);
  }

  private currentAuthGeneration(): number {
    const fingerprint = authFingerprint(this.options.settings());
    if (fingerprint !== this.lastAuthFingerprint) this.settingsChanged();
    return this.generation;
  }

  private async loadValidators(): Promise<ProtocolValidators> {
    if (this.validators) return this.validators;
    this.validators = await loadProtocolValidators();
    return this.validators;
  }

  private onUpgrade(req: IncomingMessage, socket: Socket, head: Buffer): void {
    socket.on('error', () => socket.destroy());
    if (this.closing) {
      rejectUpgrade(socket, 503, 'gateway is shutting down');
      return;
    }
    // Only browsers can be rebound; a CLI may reach us under any name (`--url ws://box.lan:18789`).
    const refusal = this.refuseRequest(req, req.headers.origin !== undefined);
    if (refusal) {
      rejectUpgrade(socket, refusal.status, refusal.message);
      return;
    }
    const settings = this.options.settings();
    const address = resolveClientAddress(
      req.socket.remoteAddress,
      req.headers,
      settings.trustedProxies,
      settings.allowRealIpFallback,
    );
    if (address.untrustedForwarding) {
      this.options.logger.warn(
        'Proxy headers detected from untrusted address. Connection will not be treated as local. Configure gateway.trustedProxies if this is your reverse proxy.',
        { ip: address.socketIp },
      );
    }
    const origin = req.headers.origin;
    if (origin !== undefined) {
      const decision = checkOrigin({
        origin,
        hostHeader: req.headers.host,
        allowedOrigins: settings.allowedOrigins,
        allowHostHeaderFallback: settings.allowHostHeaderFallback,
        ownOrigins: this.ownOrigins(),
      });
      if (!decision.ok) {
        this.options.logger.warn('websocket refused: origin not allowed', {
          origin,
          ip: address.clientIp,
          reason: decision.reason,
        });
        rejectUpgrade(
          socket,
          403,
          'origin not allowed (open the Control UI from the gateway itself, or add this origin to gateway.controlUi.allowedOrigins)',
        );
        return;
      }
    }
    const release = this.preauth.acquire(address.clientIp);
    if (!release) {
      this.options.logger.warn('websocket refused: too many unauthenticated connections', {
        ip: address.clientIp,
        preauth: this.preauth.size,
      });
      rejectUpgrade(
        socket,
        429,
        'too many connections waiting to authenticate; finish or close the others and retry in a few seconds',
      );
      return;
    }
    // The raw socket closes on every path, including an upgrade that fails inside ws.
    socket.once('close', release);
    this.wss.handleUpgrade(req, socket, head, (ws) => {
      const connection = new GatewayConnection(ws, req, address, this.host);
      this.connections.add(connection);
      this.preauthRelease.set(connection, release);
      ws.once('close', () => {
        this.connections.delete(connection);
        this.preauthRelease.delete(connection);
      });
    });
  }

  private attach(connection: GatewayConnection): void {
    this.preauthRelease.get(connection)?.();
    this.preauthRelease.delete(connection);
    this.attached.add(connection);
    this.presenceChanged(connection.clientSession);
  }

  private noteBuffered(connection: GatewayConnection, bytes: number): number {
    this.bufferedSum += bytes - (this.buffered.get(connection) ?? 0);
    if (bytes > 0) this.buffered.set(connection, bytes);
    else this.buffered.delete(connection);
    return this.bufferedSum;
  }

  /** Unsent output across connections (as last recorded; an upper bound between drains). */
  get bufferedBytes(): number {
    return this.bufferedSum;
  }

  private detach(connection: GatewayConnection): void {
    this.noteBuffered(connection, 0);
    this.connections.delete(connection);
    if (!this.attached.delete(connection)) return;
    this.presenceChanged(connection.clientSession);
  }

  /**
   * Presence changes are coalesced: a burst of N connects sends one update per window instead of
   * N broadcasts of an N-entry list (quadratic traffic when many clients connect at once).
   */
  private presenceChanged(session: ClientSession | undefined): void {
    if (!session || session.clientMode === 'cli' || session.clientMode === 'probe') return;
    this.presenceVersion += 1;
    if (this.presenceTimer || this.closing) return;
    this.presenceTimer = setTimeout(() => {
      this.presenceTimer = undefined;
      this.broadcast('presence', { presence: this.presence() });
    }, PRESENCE_COALESCE_MS);
    this.presenceTimer.unref();
  }

  private async buildHello(
    session: ClientSession,
    auth: HelloAuth,
  ): Promise<Record<string, unknown>> {
    const extra = await this.options.snapshot(session);
    return {
      type: 'hello-ok',
      protocol: PROTOCOL_VERSION,
      server: { version: this.options.serverVersion, connId: session.connId },
      features: this.host.features(),
      snapshot: {
        presence: this.presence(),
        stateVersion: this.stateVersion(),
        uptimeMs: this.uptimeMs,
        ...extra,
      },
      auth,
      policy: {
        maxPayload: MAX_PAYLOAD_BYTES,
        maxBufferedBytes: MAX_BUFFERED_BYTES,
        tickIntervalMs: this.options.tickIntervalMs ?? TICK_INTERVAL_MS,
        ...(this.options.attachmentLimits ? { attachments: this.options.attachmentLimits() } : {}),
      },
    };
  }

  private async dispatch(
    session: ClientSession,
    method: string,
    params: unknown,
  ): Promise<unknown> {
    const handler = this.options.methods.get(method);
    if (!handler) throw new OpenClawError(ErrorCode.NOT_FOUND, `unknown method: ${method}`);
    if (handler.validator) {
      const validators = await this.loadValidators();
      const validate = validators[handler.validator] as unknown as ((value: unknown) => boolean) & {
        errors?: unknown;
      };
      const standard =
        handler.extensionParams && params && typeof params === 'object' && !Array.isArray(params)
          ? Object.fromEntries(
              Object.entries(params).filter(([k]) => !handler.extensionParams?.includes(k)),
            )
          : params;
      if (!validate(standard)) {
        throw new OpenClawError(
          ErrorCode.INVALID_ARGUMENT,
          `invalid ${method} params: ${validators.formatValidationErrors(validate.errors as Parameters<ProtocolValidators['formatValidationErrors']>[0])}`,
        );
      }
    }
    const work = Promise.resolve().then(() => handler.handle(params, session));
    this.inflight.add(work);
    try {
      return await work;
    } finally {
      this.inflight.delete(work);
    }
  }
}

function authFingerprint(settings: GatewayRuntimeSettings): string {
  const { mode, token = '', password = '' } = settings.auth;
  // Not a secret store: only compared in memory to notice rotation.
  return `${mode}\u0000${token}\u0000${password}`;
}

function envHandshakeTimeout(): number | undefined {
  const raw = Number(process.env.OPENCLAW_HANDSHAKE_TIMEOUT_MS);
  return Number.isFinite(raw) && raw > 0 ? raw : undefined;
}

const UPGRADE_REFUSALS: Record<number, { type: string; reason: string; extra?: string }> = {
  403: { type: 'forbidden', reason: 'Forbidden' },
  421: { type: 'misdirected', reason: 'Misdirected Request' },
  429: { type: 'rate_limited', reason: 'Too Many Requests', extra: 'Retry-After: 5\r\n' },
  431: { type: 'headers_too_large', reason: 'Request Header Fields Too Large' },
  503: { type: 'unavailable', reason: 'Service Unavailable' },
};

function rejectUpgrade(socket: Socket, status: number, message: string): void {
  const refusal = UPGRADE_REFUSALS[status] ?? UPGRADE_REFUSALS[503]!;
  const body = JSON.stringify({ error: { type: refusal.type, message } });
  socket.end(
    `HTTP/1.1 ${status} ${refusal.reason}\r\nConnection: close\r\n${refusal.extra ?? ''}Content-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
  );
}
