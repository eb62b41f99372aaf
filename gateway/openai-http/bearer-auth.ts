/**
 * `Authorization: Bearer <gateway token or password>` for the HTTP API. A failure counts in the
 * same failed-auth limiter as WebSocket connects (per client address), so the HTTP routes offer no
 * second set of guesses; a locked-out address gets 429 with `Retry-After`.
 */
import type { IncomingMessage } from 'node:http';
import { authorizeSharedSecret, type AuthSettings } from '../server/auth.js';
import type { HttpApiRequestContext } from '../server/http-routes.js';
import type { RateLimitSettings } from '../server/rate-limit.js';
import { OpenAiHttpError } from './openai-errors.js';

export interface BearerAuthSettings {
  auth: AuthSettings;
  rateLimit: RateLimitSettings & { exemptLoopback: boolean };
}

function bearerOf(req: IncomingMessage): string | undefined {
  const match = /^Bearer\s+(\S.*)$/i.exec(req.headers.authorization ?? '');
  return match?.[1]?.trim();
}

/** Throws an OpenAI-shaped 401/429 when the request may not use the API. */
export function authorizeBearer(
  req: IncomingMessage,
  settings: BearerAuthSettings,
  ctx: HttpApiRequestContext,
): void {
  const { auth, rateLimit } = settings;
  if (auth.mode === 'none') return;
  const key = `ip:${ctx.address.clientIp}`;
  const exempt = ctx.address.localDirect && rateLimit.exemptLoopback;
  if (!exempt) {
    const gate = ctx.limiter.check(key);
    if (!gate.allowed) {
      const seconds = Math.max(1, Math.ceil(gate.retryAfterMs / 1000));
      throw new OpenAiHttpError(
        429,
        `Too many failed authentication attempts from this address; retry in ${seconds} s with the right token.`,
        'rate_limit_error',
        'rate_limited',
        null,
        { 'Retry-After': String(seconds) },
      );
    }
  }
  if (auth.mode !== 'token' && auth.mode !== 'password') {
    throw new OpenAiHttpError(
      401,
      `The HTTP API needs gateway.auth.mode "token" or "password" (this gateway uses "${auth.mode}").`,
      'authentication_error',
      'unsupported_auth_mode',
    );
  }
  const provided = bearerOf(req);
  const result = authorizeSharedSecret(
    auth,
    auth.mode === 'token' ? { token: provided } : { password: provided },
  );
  // Success clears nothing: the address bucket is shared by everyone behind the same NAT, and
  // one good call there must not wipe a stranger's failures (as the WebSocket connect).
  if (result.ok) return;
  if (!exempt) ctx.limiter.recordFailure(key);
  const secret = auth.mode;
  const how =
    secret === 'token'
      ? 'the gateway token (gateway.auth.token or OPENCLAW_GATEWAY_TOKEN)'
      : 'the gateway password (gateway.auth.password or OPENCLAW_GATEWAY_PASSWORD)';
  const message = result.reason.endsWith('_missing_config')
    ? `The gateway has no ${secret} configured; set gateway.auth.${secret} and send it as the bearer.`
    : `${provided ? 'Wrong' : 'Missing'} bearer ${secret}: send "Authorization: Bearer <${secret}>" with ${how}.`;
  throw new OpenAiHttpError(401, message, 'authentication_error', 'invalid_api_key', null, {
    'WWW-Authenticate': 'Bearer',
  });
}
