/**
 * Plain HTTP on the gateway port: liveness/readiness probes, the optional HTTP API (the
 * OpenAI-compatible `/v1/*` routes, handled by a room above the server), the Control UI bootstrap
 * JSON and the Control UI's static files (client-side routes fall back to index.html).
 */
import { createReadStream, promises as fs } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import path from 'node:path';
import { prepareControlUiHtml } from './control-ui-html.js';
import { inlineScriptHashes, withScriptHashes } from './inline-script-hashes.js';
import type { ClientAddressInfo } from './net.js';
import type { AuthRateLimiter } from './rate-limit.js';

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.webp': 'image/webp',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
};

/** Headers on every HTTP answer. The UI connects back to its own origin only. */
export const SECURITY_HEADERS: Record<string, string> = {
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'X-Frame-Options': 'DENY',
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Resource-Policy': 'same-origin',
  'Permissions-Policy': 'camera=(), microphone=(), geolocation=(), usb=(), hid=()',
  'Content-Security-Policy':
    "default-src 'self'; script-src 'self'; connect-src 'self' ws: wss: data:; img-src 'self' data: blob:; " +
    "style-src 'self' 'unsafe-inline'; font-src 'self' data:; object-src 'none'; frame-ancestors 'none'; " +
    "base-uri 'none'; form-action 'self'",
};

/** Who is asking, for HTTP API routes that authenticate and rate-limit on their own. */
export interface HttpApiRequestContext {
  address: ClientAddressInfo;
  limiter: AuthRateLimiter;
}

/** Answers the requests it owns and returns true; returns false to let the other routes try. */
export type HttpApiHandler = (
  req: IncomingMessage,
  res: ServerResponse,
  ctx: HttpApiRequestContext,
) => Promise<boolean>;

export interface HttpRouteContext {
  ready(): boolean;
  /** The HTTP API routes, tried after the probes and before the Control UI. */
  api?: (req: IncomingMessage, res: ServerResponse) => Promise<boolean>;
  controlUi(): { enabled: boolean; root: string; basePath: string };
  serverVersion: string;
  assistantName(): string;
}

function send(
  res: ServerResponse,
  status: number,
  body: string,
  type: string,
  extra: Record<string, string> = {},
): void {
  res.writeHead(status, {
    ...SECURITY_HEADERS,
    'Content-Type': type,
    'Cache-Control': 'no-store',
    ...extra,
  });
  res.end(res.req.method === 'HEAD' ? undefined : body);
}

function sendJson(res: ServerResponse, status: number, value: unknown): void {
  send(res, status, JSON.stringify(value), 'application/json; charset=utf-8');
}

const UI_MISSING_PAGE = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>OpenClaw gateway</title></head>
<body style="font-family:system-ui,sans-serif;max-width:40rem;margin:4rem auto;line-height:1.5">
<h1>The gateway is running, but the Control UI is not built</h1>
<p>The gateway answers on this port (see <a href="/healthz">/healthz</a>), but no Control UI files were found.</p>
<p>Build them with <code>npm run build</code> in the OpenClaw Desktop checkout, or point
<code>gateway.controlUi.root</code> at a folder that contains <code>index.html</code>.</p>
</body></html>`;

export async function handleHttpRequest(
  req: IncomingMessage,
  res: ServerResponse,
  ctx: HttpRouteContext,
): Promise<void> {
  const method = req.method ?? 'GET';
  let pathname: string;
  try {
    pathname = decodeURIComponent(new URL(req.url ?? '/', 'http://gateway').pathname);
  } catch {
    sendJson(res, 400, { error: { type: 'bad_request', message: 'malformed URL' } });
    return;
  }

  if (pathname === '/healthz' || pathname === '/health') {
    sendJson(res, 200, { ok: true, status: 'live' });
    return;
  }
  if (pathname === '/readyz' || pathname === '/ready') {
    const ready = ctx.ready();
    sendJson(res, ready ? 200 : 503, { ok: ready, status: ready ? 'ready' : 'starting' });
    return;
  }
  if (ctx.api && (await ctx.api(req, res))) return;
  if (method !== 'GET' && method !== 'HEAD') {
    send(res, 405, 'method not allowed', 'text/plain; charset=utf-8', { Allow: 'GET, HEAD' });
    return;
  }

  const ui = ctx.controlUi();
  const base = ui.basePath.replace(/\/+$/, '');
  if (pathname === `${base}/control-ui-config.json`) {
    sendJson(res, 200, {
      basePath: base,
      assistantName: ctx.assistantName(),
      serverVersion: ctx.serverVersion,
    });
    return;
  }
  if (!ui.enabled) {
    sendJson(res, 404, {
      error: {
        type: 'not_found',
        message: 'the Control UI is disabled (gateway.controlUi.enabled)',
      },
    });
    return;
  }
  if (base && !(pathname === base || pathname.startsWith(`${base}/`))) {
    sendJson(res, 404, { error: { type: 'not_found', message: 'not found' } });
    return;
  }
  await serveStatic(res, ui.root, pathname.slice(base.length) || '/', base);
}

const SCRIPT_OR_STYLE = /\.(?:m?js|css|map|wasm)$/i;

async function serveStatic(
  res: ServerResponse,
  root: string,
  relative: string,
  base: string,
): Promise<void> {
  const rootResolved = path.resolve(root);
  const indexFile = path.join(rootResolved, 'index.html');
  const candidate = path.resolve(rootResolved, `.${path.posix.normalize(`/${relative}`)}`);
  // Anything that resolves outside the root (../, encoded traversal) is treated as a route.
  const inside = candidate === rootResolved || candidate.startsWith(`${rootResolved}${path.sep}`);
  let file = inside ? candidate : indexFile;
  let stat = await fs.stat(file).catch(() => undefined);
  if (stat?.isDirectory()) {
    file = path.join(file, 'index.html');
    stat = await fs.stat(file).catch(() => undefined);
  }
  if (!stat?.isFile()) {
    // Client-side routes (/devices, /config, ...) get the SPA shell; missing assets get a 404
    // (scripts and styles anywhere: the shell in their place fails with a misleading MIME error).
    if (relative.startsWith('/assets/') ? path.extname(relative) : SCRIPT_OR_STYLE.test(relative)) {
      send(res, 404, 'not found', 'text/plain; charset=utf-8');
      return;
    }
    file = indexFile;
    stat = await fs.stat(file).catch(() => undefined);
    if (!stat?.isFile()) {
      send(res, 503, UI_MISSING_PAGE, 'text/html; charset=utf-8');
      return;
    }
  }
  const type = CONTENT_TYPES[path.extname(file).toLowerCase()] ?? 'application/octet-stream';
  if (type.startsWith('text/html')) {
    await serveHtml(res, file, base);
    return;
  }
  const immutable = file.includes(`${path.sep}assets${path.sep}`);
  res.writeHead(200, {
    ...SECURITY_HEADERS,
    'Content-Type': type,
    'Content-Length': String(stat.size),
    'Cache-Control': immutable ? 'public, max-age=31536000, immutable' : 'no-cache',
  });
  if (res.req.method === 'HEAD') {
    res.end();
    return;
  }
  createReadStream(file)
    .on('error', () => res.destroy())
    .pipe(res);
}

/** HTML is small and read whole: its URLs are anchored and its inline scripts hashed for the CSP. */
async function serveHtml(res: ServerResponse, file: string, base: string): Promise<void> {
  let html: string;
  try {
    html = prepareControlUiHtml(await fs.readFile(file, 'utf8'), base);
  } catch {
    send(res, 503, UI_MISSING_PAGE, 'text/html; charset=utf-8');
    return;
  }
  const body = Buffer.from(html, 'utf8');
  const csp = withScriptHashes(
    SECURITY_HEADERS['Content-Security-Policy']!,
    inlineScriptHashes(html),
  );
  res.writeHead(200, {
    ...SECURITY_HEADERS,
    'Content-Security-Policy': csp,
    'Content-Type': 'text/html; charset=utf-8',
    'Content-Length': String(body.length),
    'Cache-Control': 'no-cache',
  });
  res.end(res.req.method === 'HEAD' ? undefined : body);
}
