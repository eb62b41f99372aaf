/**
 * The headless host: when there is no display or Electron runtime (a home server), the same UI and
 * the same host API are served on 127.0.0.1. The printed URL carries a one-time token in its
 * fragment; the page trades it for a session token on its first connection, so the printed URL
 * cannot be replayed later and nothing secret travels in a query string or a log. A second
 * `npm start` on the same data folder gets a fresh one-time link from `POST /instance/launch-url`,
 * authenticated with the instance secret only the data folder's owner can read.
 */
import { randomBytes } from 'node:crypto';
import { createReadStream, promises as fs } from 'node:fs';
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { WebSocketServer, type WebSocket } from 'ws';
import type { HostWireMessage } from '../../contract/host-api.js';
import { ErrorCode, OpenClawError, systemErrorCode } from '../../../gateway/infra/errors.js';
import { safeEqualSecret } from '../../../gateway/infra/secret-compare.js';
import type { HostApiHandler } from './host-api-handler.js';

export interface HeadlessServerOptions {
  handler: HostApiHandler;
  /** Folder with the built renderer (index.html + assets). */
  uiRoot: string;
  port?: number;
  host?: string;
  /** Bearer secret that unlocks `POST /instance/launch-url`; without it the endpoint is off. */
  instanceSecret?: string;
}

export interface HeadlessServer {
  readonly url: string;
  readonly port: number;
  /** The printed URL with the one-time token in the fragment. */
  readonly launchUrl: string;
  /** A fresh one-time link (earlier unused links keep working, up to a few). */
  issueLaunchUrl(): string;
  close(): Promise<void>;
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.json': 'application/json',
  '.woff2': 'font/woff2',
};

const HEADERS = {
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'X-Frame-Options': 'DENY',
  'Content-Security-Policy':
    "default-src 'self'; script-src 'self'; connect-src 'self' ws://127.0.0.1:* ws://localhost:*; img-src 'self' data:; style-src 'self' 'unsafe-inline'; frame-ancestors 'none'; base-uri 'none'",
};

async function serve(req: IncomingMessage, res: ServerResponse, root: string): Promise<void> {
  let pathname: string;
  try {
    pathname = decodeURIComponent(new URL(req.url ?? '/', 'http://host').pathname);
  } catch {
    res.writeHead(400, HEADERS).end();
    return;
  }
  const rootResolved = path.resolve(root);
  let file = path.resolve(rootResolved, `.${path.posix.normalize(`/${pathname}`)}`);
  if (!(file === rootResolved || file.startsWith(`${rootResolved}${path.sep}`)))
    file = path.join(rootResolved, 'index.html');
  let stat = await fs.stat(file).catch(() => undefined);
  if (!stat?.isFile()) {
    file = path.join(rootResolved, 'index.html');
    stat = await fs.stat(file).catch(() => undefined);
  }
  if (!stat?.isFile()) {
    res.writeHead(503, { ...HEADERS, 'Content-Type': 'text/plain; charset=utf-8' });
    res.end(
      'The OpenClaw Desktop UI is not built yet: run `npm run build`. The host API is available on this port.',
    );
    return;
  }
  res.writeHead(200, {
    ...HEADERS,
    'Content-Type': TYPES[path.extname(file)] ?? 'application/octet-stream',
    'Cache-Control': 'no-cache',
  });
  createReadStream(file).pipe(res);
}

/** Unused one-time links kept at most; older ones are dropped when more are handed out. */
const MAX_PENDING_LAUNCH_TOKENS = 8;

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, {
    ...HEADERS,
    'Content-Type': 'application/json',
    'Cache-Control': 'no-store',
  });
  res.end(JSON.stringify(body));
}

export async function startHeadlessServer(options: HeadlessServerOptions): Promise<HeadlessServer> {
  const host = options.host ?? '127.0.0.1';
  // Insertion-ordered, so the oldest unused link is the one dropped past the cap.
  const oneTimeTokens = new Set<string>();
  const sessionTokens = new Set<string>();
  let baseUrl = '';
  const issueLaunchUrl = () => {
    const token = randomBytes(24).toString('base64url');
    oneTimeTokens.add(token);
    if (oneTimeTokens.size > MAX_PENDING_LAUNCH_TOKENS)
      oneTimeTokens.delete(oneTimeTokens.values().next().value as string);
    return `${baseUrl}#hostToken=${token}`;
  };
  const server = http.createServer((req, res) => {
    if (new URL(req.url ?? '/', 'http://host').pathname === '/instance/launch-url') {
      handleLaunchUrlRequest(req, res);
      return;
    }
    void serve(req, res, options.uiRoot);
  });

  /** The second `npm start` asks for a link here; browsers and unauthenticated callers cannot. */
  function handleLaunchUrlRequest(req: IncomingMessage, res: ServerResponse): void {
    const secret = options.instanceSecret;
    const auth = req.headers.authorization ?? '';
    if (!secret) return sendJson(res, 404, { error: 'not found' });
    if (req.method !== 'POST') return sendJson(res, 405, { error: 'use POST' });
    // A page in a browser always sends Origin on a POST; the other `npm start` never does.
    if (req.headers.origin !== undefined) return sendJson(res, 403, { error: 'forbidden' });
    if (!auth.startsWith('Bearer ') || !safeEqualSecret(auth.slice('Bearer '.length), secret))
      return sendJson(res, 401, { error: 'unauthorized' });
    sendJson(res, 200, { launchUrl: issueLaunchUrl() });
  }
  server.headersTimeout = 10_000;
  const wss = new WebSocketServer({ noServer: true, maxPayload: 1024 * 1024 });
  const sockets = new Set<WebSocket>();

  server.on('upgrade', (req, socket, head) => {
    const { port } = server.address() as AddressInfo;
    const origin = req.headers.origin;
    const allowed = [`http://127.0.0.1:${port}`, `http://localhost:${port}`];
    // Only the page this server served may drive the host API (no cross-site WebSocket).
    if (
      new URL(req.url ?? '/', 'http://host').pathname !== '/host' ||
      (origin !== undefined && !allowed.includes(origin))
    ) {
      socket.end('HTTP/1.1 403 Forbidden\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => attach(ws));
  });

  function attach(ws: WebSocket): void {
    sockets.add(ws);
    let authed = false;
    const deadline = setTimeout(() => ws.close(4401, 'authentication required'), 5000);
    let unsubscribe: (() => void) | undefined;
    ws.on('close', () => {
      clearTimeout(deadline);
      sockets.delete(ws);
      unsubscribe?.();
    });
    ws.on('message', (data) => {
      let message: {
        type?: unknown;
        token?: unknown;
        id?: unknown;
        name?: unknown;
        params?: unknown;
      };
      try {
        message = JSON.parse(data.toString()) as typeof message;
      } catch {
        ws.close(1003, 'invalid frame');
        return;
      }
      if (!authed) {
        const token = typeof message.token === 'string' ? message.token : '';
        let session: string | undefined;
        const oneTime = [...oneTimeTokens].find((t) => safeEqualSecret(token, t));
        if (message.type === 'auth' && oneTime) {
          oneTimeTokens.delete(oneTime); // used: this printed URL is now spent
          session = randomBytes(24).toString('base64url');
          sessionTokens.add(session);
        } else if (
          message.type === 'auth' &&
          [...sessionTokens].some((s) => safeEqualSecret(token, s))
        ) {
          session = token;
        }
        if (!session) {
          ws.close(4401, 'invalid or already used token; run `npm start` again for a new link');
          return;
        }
        authed = true;
        clearTimeout(deadline);
        ws.send(JSON.stringify({ type: 'auth-ok', sessionToken: session }));
        const sub = options.handler.subscribe((name, payload) => {
          if (ws.readyState === ws.OPEN && ws.bufferedAmount < 4 * 1024 * 1024) {
            ws.send(JSON.stringify({ type: 'event', name, payload } satisfies HostWireMessage));
          }
        });
        unsubscribe = () => sub.dispose();
        return;
      }
      if (message.type !== 'call' || typeof message.id !== 'string') return;
      const id = message.id;
      void options.handler.handle(message.name, message.params).then((outcome) => {
        if (ws.readyState !== ws.OPEN) return;
        const reply: HostWireMessage = outcome.ok
          ? { type: 'result', id, ok: true, value: outcome.value }
          : { type: 'result', id, ok: false, error: outcome.error };
        ws.send(JSON.stringify(reply));
      });
    });
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', (err) => reject(listenError(err, options.port ?? 0, host)));
    server.listen(options.port ?? 0, host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const url = `http://${host}:${port}/`;
  baseUrl = url;
  return {
    url,
    port,
    launchUrl: issueLaunchUrl(),
    issueLaunchUrl,
    async close() {
      for (const ws of sockets) ws.terminate();
      wss.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** Say plainly who holds the port and what to do, instead of a raw `listen EADDRINUSE`. */
function listenError(err: unknown, port: number, host: string): unknown {
  const code = systemErrorCode(err);
  const other = port >= 65535 ? port - 1 : port + 1;
  const nextStep = `start on another port: npm start -- --port ${other} (or OPENCLAW_DESKTOP_PORT=${other} npm start)`;
  if (code === 'EADDRINUSE')
    return new OpenClawError(
      ErrorCode.HOST_PORT_IN_USE,
      `Port ${port} on ${host} is already in use by another program (or by OpenClaw Desktop with another data folder). Stop that program, or ${nextStep}.`,
      { cause: err, details: { port, host } },
    );
  if (code === 'EACCES')
    return new OpenClawError(
      ErrorCode.HOST_PORT_IN_USE,
      `Port ${port} on ${host} needs extra privileges on this system; ${nextStep}.`,
      { cause: err, details: { port, host } },
    );
  return err;
}
