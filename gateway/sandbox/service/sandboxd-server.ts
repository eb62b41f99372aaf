/**
 * sandboxd's HTTP edge: the SandboxApi as JSON endpoints behind a per-stack bearer secret. It is
 * the only holder of the Docker socket, so everything here assumes the caller may be hostile:
 * constant-time secret checks, a lockout after repeated failures, capped bodies, shape checks
 * before the engine's policy gate, and errors that carry a code and never the secret.
 */
import http from 'node:http';
import { ErrorCode, OpenClawError, errorMessage, isOpenClawError } from '../../infra/errors.js';
import { silentLogger, type Logger } from '../../infra/logger.js';
import { safeEqualSecret } from '../../infra/secret-compare.js';
import type { SandboxApi, SandboxBrowserApi } from '../contract.js';
import {
  HTTP_STATUS,
  SANDBOXD_PATHS,
  parseBrowserPlan,
  parseExec,
  parseName,
  parsePlan,
  parseProcessId,
  parseProcessRead,
  parseProcessStart,
  parseProcessWrite,
  parsePrune,
  type WireError,
} from './wire.js';

export interface SandboxdServerOptions {
  api: SandboxApi;
  /** Browser containers (`agents.*.sandbox.browser`); without it those requests are refused. */
  browser?: SandboxBrowserApi;
  secret: string;
  logger?: Logger;
  /** Largest request body (default 8 MiB: exec stdin carries file contents). */
  maxBodyBytes?: number;
  /** Failed authentications per client address before it is locked out (default 10 a minute). */
  maxAuthFailures?: number;
  authWindowMs?: number;
}

class AuthLimiter {
  private readonly failures = new Map<string, { count: number; since: number }>();
  constructor(
    private readonly max: number,
    private readonly windowMs: number,
  ) {}

  blocked(key: string, now: number): boolean {
    const f = this.failures.get(key);
    if (!f) return false;
    if (now - f.since > this.windowMs) {
      this.failures.delete(key);
      return false;
    }
    return f.count >= this.max;
  }

  fail(key: string, now: number): void {
    const f = this.failures.get(key);
    if (!f || now - f.since > this.windowMs) this.failures.set(key, { count: 1, since: now });
    else f.count += 1;
  }
}

function send(res: http.ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
    'cache-control': 'no-store',
  });
  res.end(text);
}

function sendError(res: http.ServerResponse, err: OpenClawError, status?: number): void {
  const body: WireError = { error: { code: err.code, message: err.message } };
  if (err.details) body.error.details = err.details;
  send(res, status ?? HTTP_STATUS[err.code] ?? 500, body);
}

async function readBody(req: http.IncomingMessage, max: number): Promise<unknown> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > max) throw tooLarge(max);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > max) throw tooLarge(max);
    chunks.push(chunk);
  }
  if (size === 0) return {};
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8')) as unknown;
  } catch {
    throw new OpenClawError(
      ErrorCode.INVALID_ARGUMENT,
      'Bad sandboxd request: the body is not JSON.',
    );
  }
}

function tooLarge(max: number): OpenClawError {
  return new OpenClawError(
    ErrorCode.INVALID_ARGUMENT,
    `Bad sandboxd request: the body is larger than ${max} bytes.`,
    { details: { rule: 'body-too-large' } },
  );
}

export function createSandboxdServer(options: SandboxdServerOptions): http.Server {
  const { api, secret } = options;
  if (secret.length < 16)
    throw new OpenClawError(
      ErrorCode.INVALID_ARGUMENT,
      'The sandboxd secret must be at least 16 characters (the setup generates one per stack).',
    );
  const logger = options.logger ?? silentLogger;
  const maxBody = options.maxBodyBytes ?? 8 * 1024 * 1024;
  const limiter = new AuthLimiter(options.maxAuthFailures ?? 10, options.authWindowMs ?? 60_000);

  const browserApi = (): SandboxBrowserApi => {
    if (options.browser) return options.browser;
    throw new OpenClawError(
      ErrorCode.NOT_FOUND,
      'This sandboxd does not serve browser sandboxes; update the stack (docker-setup.sh) so sandboxd and the gateway match.',
    );
  };

  const processes = (): SandboxApi => {
    if (!api.startProcess || !api.readProcess || !api.writeProcess || !api.killProcess)
      throw new OpenClawError(
        ErrorCode.NOT_FOUND,
        'This sandboxd cannot run background processes.',
        { details: { rule: 'runner-unavailable' } },
      );
    return api;
  };

  const route = async (
    req: http.IncomingMessage,
    res: http.ServerResponse,
    signal: AbortSignal,
  ) => {
    const url = new URL(req.url ?? '/', 'http://sandboxd');
    const method = req.method ?? 'GET';
    if (method === 'GET' && url.pathname === SANDBOXD_PATHS.health)
      return send(res, 200, { ok: true });
    const client = req.socket.remoteAddress ?? 'unknown';
    const now = Date.now();
    if (limiter.blocked(client, now))
      return sendError(
        res,
        new OpenClawError(
          ErrorCode.GATEWAY_AUTH_INVALID,
          'Too many failed sandboxd authentications; try again in a minute.',
        ),
        429,
      );
    const header = req.headers.authorization ?? '';
    const provided = header.startsWith('Bearer ') ? header.slice(7) : '';
    if (!provided || !safeEqualSecret(provided, secret)) {
      limiter.fail(client, now);
      logger.warn('sandboxd refused a request without the right secret', {
        client,
        path: url.pathname,
      });
      return sendError(
        res,
        new OpenClawError(
          ErrorCode.GATEWAY_AUTH_INVALID,
          'sandboxd refused the request: missing or wrong secret. The gateway reads it from OPENCLAW_SANDBOXD_SECRET.',
        ),
      );
    }
    if (method === 'GET' && url.pathname === SANDBOXD_PATHS.list)
      return send(res, 200, { containers: await api.list() });
    if (method !== 'POST')
      return sendError(
        res,
        new OpenClawError(ErrorCode.NOT_FOUND, `No sandboxd endpoint ${method} ${url.pathname}.`),
      );
    const body = await readBody(req, maxBody);
    switch (url.pathname) {
      case SANDBOXD_PATHS.ensure:
        return send(res, 200, await api.ensure(parsePlan(body)));
      case SANDBOXD_PATHS.exec:
        return send(res, 200, await api.exec(parseExec(body), signal));
      case SANDBOXD_PATHS.remove:
        await api.remove(parseName(body));
        return send(res, 200, { ok: true });
      case SANDBOXD_PATHS.prune:
        return send(res, 200, { removed: await api.prune(parsePrune(body)) });
      case SANDBOXD_PATHS.browserEnsure:
        return send(
          res,
          200,
          await browserApi().ensureBrowser(parseBrowserPlan(body), {
            address: req.socket.remoteAddress,
          }),
        );
      case SANDBOXD_PATHS.browserNoVnc:
        return send(res, 200, await browserApi().noVncLink(parseName(body)));
      case SANDBOXD_PATHS.processStart:
        return send(res, 200, await processes().startProcess!(parseProcessStart(body)));
      case SANDBOXD_PATHS.processRead:
        return send(res, 200, await processes().readProcess!(parseProcessRead(body)));
      case SANDBOXD_PATHS.processWrite:
        await processes().writeProcess!(parseProcessWrite(body));
        return send(res, 200, { ok: true });
      case SANDBOXD_PATHS.processKill:
        await processes().killProcess!(parseProcessId(body));
        return send(res, 200, { ok: true });
      default:
        return sendError(
          res,
          new OpenClawError(ErrorCode.NOT_FOUND, `No sandboxd endpoint POST ${url.pathname}.`),
        );
    }
  };

  const server = http.createServer((req, res) => {
    // A client that goes away (timeout, abort) stops its exec inside the container too.
    const controller = new AbortController();
    res.on('close', () => {
      if (!res.writableFinished) controller.abort();
    });
    route(req, res, controller.signal).catch((err: unknown) => {
      const error = isOpenClawError(err)
        ? err
        : new OpenClawError(ErrorCode.INTERNAL, `sandboxd failed: ${errorMessage(err)}`, {
            cause: err,
          });
      if (!isOpenClawError(err))
        logger.error('sandboxd request failed', { error: errorMessage(err) });
      if (res.headersSent) res.destroy();
      else sendError(res, error);
    });
  });
  // Longer than the client's reuse of idle connections is likely to wait, so a warm exec rarely
  // meets a connection the server is closing.
  server.keepAliveTimeout = 120_000;
  return server;
}
