/**
 * Shared-secret authentication (token / password / none) and the structured failure details the
 * reference clients branch on (`details.code`, `recommendedNextStep`, `canRetryWithDeviceToken`).
 */
import { ConnectErrorDetailCodes } from '@openclaw/gateway-protocol/connect-error-details';
import { ErrorCodes } from '@openclaw/gateway-protocol/gateway-error-details';
import { safeEqualSecret } from '../infra/secret-compare.js';

export { safeEqualSecret };

export type AuthMode = 'none' | 'token' | 'password' | 'trusted-proxy';

export interface AuthSettings {
  mode: AuthMode;
  token?: string;
  password?: string;
}

export interface ConnectAuthInput {
  token?: string;
  deviceToken?: string;
  password?: string;
  bootstrapToken?: string;
}

export type AuthFailureReason =
  | 'token_missing'
  | 'token_mismatch'
  | 'token_missing_config'
  | 'password_missing'
  | 'password_mismatch'
  | 'password_missing_config'
  | 'device_token_mismatch'
  | 'rate_limited'
  | 'unsupported_mode';

export type SharedSecretResult =
  { ok: true; method: 'none' | 'token' | 'password' } | { ok: false; reason: AuthFailureReason };

function nonEmpty(value: string | undefined): string | undefined {
  const trimmed = value?.trim();
  return trimmed ? trimmed : undefined;
}

export function authorizeSharedSecret(
  settings: AuthSettings,
  auth: ConnectAuthInput | undefined,
): SharedSecretResult {
  switch (settings.mode) {
    case 'none':
      return { ok: true, method: 'none' };
    case 'token': {
      const expected = nonEmpty(settings.token);
      if (!expected) return { ok: false, reason: 'token_missing_config' };
      const provided = nonEmpty(auth?.token);
      if (!provided) return { ok: false, reason: 'token_missing' };
      return safeEqualSecret(provided, expected)
        ? { ok: true, method: 'token' }
        : { ok: false, reason: 'token_mismatch' };
    }
    case 'password': {
      const expected = nonEmpty(settings.password);
      if (!expected) return { ok: false, reason: 'password_missing_config' };
      const provided = nonEmpty(auth?.password);
      if (!provided) return { ok: false, reason: 'password_missing' };
      return safeEqualSecret(provided, expected)
        ? { ok: true, method: 'password' }
        : { ok: false, reason: 'password_mismatch' };
    }
    default:
      return { ok: false, reason: 'unsupported_mode' };
  }
}

const DETAIL_CODE: Record<AuthFailureReason, string> = {
  token_missing: ConnectErrorDetailCodes.AUTH_TOKEN_MISSING,
  token_mismatch: ConnectErrorDetailCodes.AUTH_TOKEN_MISMATCH,
  token_missing_config: ConnectErrorDetailCodes.AUTH_TOKEN_NOT_CONFIGURED,
  password_missing: ConnectErrorDetailCodes.AUTH_PASSWORD_MISSING,
  password_mismatch: ConnectErrorDetailCodes.AUTH_PASSWORD_MISMATCH,
  password_missing_config: ConnectErrorDetailCodes.AUTH_PASSWORD_NOT_CONFIGURED,
  device_token_mismatch: ConnectErrorDetailCodes.AUTH_DEVICE_TOKEN_MISMATCH,
  rate_limited: ConnectErrorDetailCodes.AUTH_RATE_LIMITED,
  unsupported_mode: ConnectErrorDetailCodes.AUTH_UNAUTHORIZED,
};

const NEXT_STEP: Record<AuthFailureReason, string> = {
  token_missing: 'update_auth_credentials',
  token_mismatch: 'update_auth_credentials',
  token_missing_config: 'update_auth_configuration',
  password_missing: 'update_auth_credentials',
  password_mismatch: 'update_auth_credentials',
  password_missing_config: 'update_auth_configuration',
  device_token_mismatch: 'update_auth_credentials',
  rate_limited: 'wait_then_retry',
  unsupported_mode: 'review_auth_configuration',
};

function hintFor(reason: AuthFailureReason, isCli: boolean): string {
  const uiHint = 'open the dashboard URL (openclaw dashboard --no-open) so the token is filled in';
  const cliHint = 'pass --token or set OPENCLAW_GATEWAY_TOKEN to match gateway.auth.token';
  switch (reason) {
    case 'token_missing':
      return `unauthorized: gateway token missing (${isCli ? cliHint : uiHint})`;
    case 'token_mismatch':
      return `unauthorized: gateway token mismatch (${isCli ? cliHint : uiHint})`;
    case 'token_missing_config':
      return 'unauthorized: gateway token not configured on gateway (set gateway.auth.token or OPENCLAW_GATEWAY_TOKEN)';
    case 'password_missing':
      return 'unauthorized: gateway password missing (enter the gateway password)';
    case 'password_mismatch':
      return 'unauthorized: gateway password mismatch (enter the gateway password)';
    case 'password_missing_config':
      return 'unauthorized: gateway password not configured on gateway (set gateway.auth.password)';
    case 'device_token_mismatch':
      return 'unauthorized: device token mismatch (rotate/reissue device token)';
    case 'rate_limited':
      return 'unauthorized: too many failed authentication attempts (retry later)';
    case 'unsupported_mode':
      return 'unauthorized: this gateway auth mode is not supported here (use token or password)';
  }
}

export interface ProtocolErrorShape {
  code: string;
  message: string;
  details?: Record<string, unknown>;
  retryable?: boolean;
  retryAfterMs?: number;
}

export function buildAuthFailure(
  reason: AuthFailureReason,
  ctx: { isCli: boolean; hasDevice: boolean; sentDeviceToken: boolean; retryAfterMs?: number },
): ProtocolErrorShape {
  const canRetryWithDeviceToken =
    reason === 'token_mismatch' && ctx.hasDevice && !ctx.sentDeviceToken;
  const details: Record<string, unknown> = {
    authReason: reason,
    code: DETAIL_CODE[reason],
    canRetryWithDeviceToken,
    recommendedNextStep: canRetryWithDeviceToken ? 'retry_with_device_token' : NEXT_STEP[reason],
  };
  const shape: ProtocolErrorShape = {
    code: ErrorCodes.INVALID_REQUEST,
    message: hintFor(reason, ctx.isCli),
    details,
  };
  if (reason === 'rate_limited' && ctx.retryAfterMs !== undefined) {
    shape.retryable = true;
    shape.retryAfterMs = Math.max(0, Math.ceil(ctx.retryAfterMs));
  }
  return shape;
}

/** WebSocket close reasons are capped at 123 bytes. */
export function truncateCloseReason(reason: string): string {
  const buf = Buffer.from(reason, 'utf8');
  if (buf.length <= 123) return reason;
  let end = 120;
  while (end > 0 && (buf[end]! & 0xc0) === 0x80) end -= 1;
  return `${buf.subarray(0, end).toString('utf8')}...`;
}
