/**
 * Errors in OpenAI's JSON shape (`{error: {message, type, param, code}}`), which OpenAI client
 * libraries turn into typed exceptions with the message intact.
 */
import type { ServerResponse } from 'node:http';
import { SECURITY_HEADERS } from '../server/http-routes.js';

export type OpenAiErrorType =
  | 'invalid_request_error'
  | 'authentication_error'
  | 'not_found_error'
  | 'rate_limit_error'
  | 'api_error';

export class OpenAiHttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly type: OpenAiErrorType = 'invalid_request_error',
    readonly code: string | null = null,
    readonly param: string | null = null,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }

  body(): { error: { message: string; type: string; param: string | null; code: string | null } } {
    return {
      error: { message: this.message, type: this.type, param: this.param, code: this.code },
    };
  }
}

/** A 400 about one request field. */
export function badRequest(
  message: string,
  param: string | null = null,
  code: string | null = null,
) {
  return new OpenAiHttpError(400, message, 'invalid_request_error', code, param);
}

export function sendJson(
  res: ServerResponse,
  status: number,
  value: unknown,
  headers: Record<string, string> = {},
): void {
  if (res.headersSent) {
    res.end();
    return;
  }
  const body = JSON.stringify(value);
  res.writeHead(status, {
    ...SECURITY_HEADERS,
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': String(Buffer.byteLength(body)),
    'Cache-Control': 'no-store',
    ...headers,
  });
  res.end(body);
}

export function sendError(res: ServerResponse, error: OpenAiHttpError): void {
  sendJson(res, error.status, error.body(), error.headers);
}
