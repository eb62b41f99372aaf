/**
 * (Test-only) The HTTP side shared by the provider stand-ins: a loopback server in the
 * 49000-49999 range, JSON bodies read and recorded, SSE writing, sockets tracked so `close()`
 * also ends hung requests, and a helper for a port where nothing listens (connection refused).
 */
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { StandInScript, type RecordedRequest, type StandInTurn } from './stand-in-script.js';

/** `OPENCLAW_TEST_PORT_RANGE=41000-41999` moves the stand-ins (hosts that share loopback). */
function portRange(): [number, number] {
  const match = /^(\d+)-(\d+)$/.exec(process.env.OPENCLAW_TEST_PORT_RANGE ?? '');
  const min = match ? Number(match[1]) : 49000;
  const max = match ? Number(match[2]) : 49999;
  return min >= 1024 && max >= min && max <= 65535 ? [min, max] : [49000, 49999];
}

export interface StandInHandlerContext {
  req: IncomingMessage;
  res: ServerResponse;
  body: Record<string, unknown>;
  record: RecordedRequest;
}

export interface StandInServer {
  /** e.g. `http://127.0.0.1:49123`. */
  readonly origin: string;
  readonly port: number;
  readonly script: StandInScript;
  readonly requests: RecordedRequest[];
  /** Resolves once the client has gone away from a request (abort, timeout). */
  clientClosed(): Promise<void>;
  close(): Promise<void>;
}

function randomPort(): number {
  const [min, max] = portRange();
  return min + Math.floor(Math.random() * (max - min + 1));
}

/** Listen on 127.0.0.1 (or `host`) at a free port in 49000-49999. */
export async function listenOnTestPort(server: http.Server, host = '127.0.0.1'): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt += 1) {
    const port = randomPort();
    const ok = await new Promise<boolean>((resolve) => {
      const onError = (err: NodeJS.ErrnoException) => {
        server.off('listening', onListening);
        if (err.code === 'EADDRINUSE' || err.code === 'EACCES') resolve(false);
        else throw err;
      };
      const onListening = () => {
        server.off('error', onError);
        resolve(true);
      };
      server.once('error', onError);
      server.once('listening', onListening);
      server.listen(port, host);
    });
    if (ok) return port;
  }
  throw new Error(`no free loopback port in ${portRange().join('-')}`);
}

/** A loopback port in the test range where nothing listens (for "connection refused"). */
export async function closedTestPort(): Promise<number> {
  const server = http.createServer();
  const port = await listenOnTestPort(server);
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

async function readJson(req: IncomingMessage): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString('utf8');
  if (!text) return {};
  const parsed = JSON.parse(text) as unknown;
  return parsed && typeof parsed === 'object' ? (parsed as Record<string, unknown>) : {};
}

export function writeJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json',
    'content-length': String(Buffer.byteLength(text)),
    ...headers,
  });
  res.end(text);
}

export function startSse(res: ServerResponse, headers: Record<string, string> = {}): void {
  res.writeHead(200, {
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-cache',
    connection: 'keep-alive',
    ...headers,
  });
  res.flushHeaders();
}

export interface StandInRoutes {
  /** Answer one request according to its turn; return when the response is complete. */
  handle(ctx: StandInHandlerContext, turn: StandInTurn | undefined): Promise<void>;
  /** Whether this request carries the expected key (else the provider's own 401). */
  authorized(req: IncomingMessage, apiKey: string): boolean;
  unauthorized(ctx: StandInHandlerContext): void;
  /** The provider's 404 for a path it does not serve. */
  matches(method: string, path: string): boolean;
  /** Unscripted routes (Ollama's `GET /api/tags`): true when it answered the request. */
  other?(ctx: StandInHandlerContext): boolean;
}

export interface StandInOptions {
  apiKey: string;
  /** `0.0.0.0` lets a gateway container reach it through host.docker.internal (default loopback). */
  host?: string;
  /**
   * Instant mode (the bench): answer with this turn whenever the script is empty, at once,
   * instead of the loud 500. Tests leave it unset so an extra request fails them.
   */
  defaultTurn?: StandInTurn;
}

export async function startStandInServer(
  routes: StandInRoutes,
  options: StandInOptions,
): Promise<StandInServer> {
  const script = new StandInScript();
  const requests: RecordedRequest[] = [];
  const sockets = new Set<Socket>();
  const closeWaiters: Array<() => void> = [];
  const server = http.createServer((req, res) => {
    void (async () => {
      const path = (req.url ?? '/').split('?')[0]!;
      let body: Record<string, unknown>;
      try {
        body = await readJson(req);
      } catch {
        writeJson(res, 400, {
          error: { message: 'invalid JSON body', type: 'invalid_request_error' },
        });
        return;
      }
      const record: RecordedRequest = {
        method: req.method ?? 'GET',
        path,
        headers: req.headers,
        body,
      };
      requests.push(record);
      res.on('close', () => {
        if (!res.writableFinished) for (const wake of closeWaiters.splice(0)) wake();
      });
      const ctx = { req, res, body, record };
      if (routes.other?.(ctx)) return;
      if (!routes.matches(record.method, path)) {
        writeJson(res, 404, {
          error: { message: `Unknown route ${record.method} ${path}`, type: 'not_found' },
        });
        return;
      }
      if (!routes.authorized(req, options.apiKey)) {
        routes.unauthorized(ctx);
        return;
      }
      const turn = script.next() ?? options.defaultTurn;
      record.turn = turn;
      await routes.handle(ctx, turn);
    })().catch((err: unknown) => {
      if (!res.headersSent)
        writeJson(res, 500, { error: { message: String(err), type: 'stand_in_bug' } });
      else res.destroy();
    });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  const port = await listenOnTestPort(server, options.host);
  return {
    origin: `http://127.0.0.1:${port}`,
    port,
    script,
    requests,
    clientClosed: () => new Promise<void>((resolve) => closeWaiters.push(resolve)),
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
