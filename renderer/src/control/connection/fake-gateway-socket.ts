/**
 * Test support: an in-memory gateway on the other end of the socket factory. It sends the
 * challenge, records every connect request, and answers it with whatever the test scripted —
 * hello, a refusal (then closes like the real gateway), or nothing. Not used by the app.
 */
import type {
  GatewayProtocolSocket,
  GatewayProtocolSocketHandlers,
} from '@openclaw/gateway-client/browser';
import type { SocketFactory } from './browser-socket.js';

export interface ConnectFrame {
  id: string;
  params: {
    client: { id: string; mode: string; platform: string; version: string };
    role: string;
    scopes: string[];
    minProtocol: number;
    maxProtocol: number;
    device?: { id: string; publicKey: string; signature: string; signedAt: number; nonce: string };
    auth?: { token?: string; deviceToken?: string };
  };
  nonce: string;
  ts: number;
}

export type ConnectAnswer =
  | { ok: true; payload: Record<string, unknown> }
  | {
      ok: false;
      error: { code: string; message: string; details?: unknown; retryAfterMs?: number };
      closeCode?: number;
      closeReason?: string;
    };

export class FakeGatewaySocket implements GatewayProtocolSocket {
  open = false;
  closed: { code?: number; reason?: string } | null = null;
  readonly sent: unknown[] = [];
  challenge: { nonce: string; ts: number } = { nonce: '', ts: 0 };

  constructor(
    readonly gateway: FakeGateway,
    readonly handlers: GatewayProtocolSocketHandlers,
  ) {}

  isOpen(): boolean {
    return this.open;
  }

  send(data: string): void {
    const frame = JSON.parse(data) as { type: string; id: string; method: string; params: unknown };
    this.sent.push(frame);
    this.gateway.receive(this, frame);
  }

  close(code?: number, reason?: string): void {
    if (!this.open) return;
    this.open = false;
    this.closed = { code, reason };
    queueMicrotask(() => this.handlers.close(code ?? 1000, reason ?? ''));
  }

  /** The gateway side ends the connection. */
  serverClose(code: number, reason: string): void {
    if (!this.open) return;
    this.open = false;
    this.closed = { code, reason };
    this.handlers.close(code, reason);
  }

  emit(event: string, payload: unknown, seq?: number): void {
    this.handlers.message(
      JSON.stringify({ type: 'event', event, payload, ...(seq ? { seq } : {}) }),
    );
  }
}

export class FakeGateway {
  readonly sockets: FakeGatewaySocket[] = [];
  readonly connects: ConnectFrame[] = [];
  readonly requests: Array<{ method: string; params: unknown }> = [];
  /** Answer for the next connect; defaults to a hello. */
  answer: (frame: ConnectFrame) => ConnectAnswer = () => ({ ok: true, payload: helloPayload() });
  /** Answers for ordinary requests, by method. */
  methods: Record<string, (params: unknown) => unknown> = {};
  /** When false, new sockets fail to open (gateway down). */
  reachable = true;
  private nonceCounter = 0;

  readonly factory: SocketFactory = (_url, handlers) => {
    const socket = new FakeGatewaySocket(this, handlers);
    this.sockets.push(socket);
    queueMicrotask(() => {
      if (!this.reachable) {
        handlers.error(new Error('connection refused'));
        handlers.close(1006, '');
        return;
      }
      socket.open = true;
      handlers.open();
      const nonce = `nonce-${(this.nonceCounter += 1)}`;
      const ts = Date.now();
      socket.challenge = { nonce, ts };
      socket.emit('connect.challenge', { nonce, ts });
    });
    return socket;
  };

  get last(): FakeGatewaySocket | undefined {
    return this.sockets.at(-1);
  }

  receive(socket: FakeGatewaySocket, frame: { id: string; method: string; params: unknown }): void {
    const challenge = socket.challenge;
    if (frame.method === 'connect') {
      const connect = {
        id: frame.id,
        params: frame.params as ConnectFrame['params'],
        nonce: challenge.nonce,
        ts: challenge.ts,
      };
      this.connects.push(connect);
      const answer = this.answer(connect);
      queueMicrotask(() => {
        if (answer.ok) {
          socket.handlers.message(
            JSON.stringify({ type: 'res', id: frame.id, ok: true, payload: answer.payload }),
          );
          return;
        }
        socket.handlers.message(
          JSON.stringify({ type: 'res', id: frame.id, ok: false, error: answer.error }),
        );
        // Like a browser: the close event is a later task than the message before it.
        setTimeout(
          () =>
            socket.serverClose(
              answer.closeCode ?? 1008,
              answer.closeReason ?? answer.error.message,
            ),
          0,
        );
      });
      return;
    }
    this.requests.push({ method: frame.method, params: frame.params });
    const handler = this.methods[frame.method];
    queueMicrotask(() => {
      if (!handler) {
        socket.handlers.message(
          JSON.stringify({
            type: 'res',
            id: frame.id,
            ok: false,
            error: { code: 'INVALID_REQUEST', message: `unknown method: ${frame.method}` },
          }),
        );
        return;
      }
      // A handler that throws answers like a failing gateway method: its message, code if any.
      let payload: unknown;
      try {
        payload = handler(frame.params);
      } catch (err) {
        const code = (err as { code?: unknown }).code;
        socket.handlers.message(
          JSON.stringify({
            type: 'res',
            id: frame.id,
            ok: false,
            error: {
              code: typeof code === 'string' ? code : 'UNAVAILABLE',
              message: err instanceof Error ? err.message : String(err),
            },
          }),
        );
        return;
      }
      socket.handlers.message(JSON.stringify({ type: 'res', id: frame.id, ok: true, payload }));
    });
  }
}

export function helloPayload(extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    type: 'hello-ok',
    protocol: 4,
    server: { version: '9.9.9-test', connId: 'conn-1' },
    features: { methods: ['health', 'status'], events: ['tick', 'presence'] },
    snapshot: {
      presence: [{ host: 'test-host', mode: 'webchat', ts: 1 }],
      health: { ok: true },
      stateVersion: { presence: 1, health: 1 },
      uptimeMs: 5000,
    },
    policy: { maxPayload: 1, maxBufferedBytes: 1, tickIntervalMs: 30_000 },
    ...extra,
  };
}

export function pairingRefusal(requestId: string): ConnectAnswer {
  return {
    ok: false,
    error: {
      code: 'NOT_PAIRED',
      message: 'pairing required',
      details: { code: 'PAIRING_REQUIRED', requestId, reason: 'not-paired' },
    },
    closeCode: 1008,
    closeReason: 'pairing required',
  };
}

export function authRefusal(detailCode: string, message = 'unauthorized'): ConnectAnswer {
  return {
    ok: false,
    error: { code: 'INVALID_REQUEST', message, details: { code: detailCode } },
    closeCode: 1008,
    closeReason: message,
  };
}
