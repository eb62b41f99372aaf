/**
 * The gateway's refusals and failures in the app's terms: connect refusals become a small
 * serialisable `OperatorConnectionError` (shown in the status), request failures become
 * `OpenClawError`s with stable codes (the gateway's own detail code when it is one of ours).
 */
import {
  GatewayClientRequestError,
  GatewayClientRequestTimeoutError,
} from '@openclaw/gateway-client';
import {
  normalizePairingConnectRequestId,
  readConnectErrorDetailCode,
} from '@openclaw/gateway-protocol/connect-error-details';
import { ErrorCode, OpenClawError, errorMessage } from '../../../gateway/infra/errors.js';

export interface OperatorConnectionError {
  message: string;
  /** The gateway's structured detail code (`PAIRING_REQUIRED`, `AUTH_TOKEN_MISMATCH`, ...). */
  code?: string;
  requestId?: string;
  retryAfterMs?: number;
}

const KNOWN_ERROR_CODES = new Set<string>(Object.values(ErrorCode));

function asRecord(value: unknown): Record<string, unknown> | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined;
}

export function describeConnectError(err: Error): OperatorConnectionError {
  const gatewayError = err instanceof GatewayClientRequestError ? err : undefined;
  const details = gatewayError?.details;
  const code = readConnectErrorDetailCode(details) ?? undefined;
  const requestId = normalizePairingConnectRequestId(asRecord(details)?.requestId);
  const retryAfterMs = gatewayError?.retryAfterMs ?? asRecord(details)?.retryAfterMs;
  return {
    message: err.message,
    ...(code ? { code } : {}),
    ...(requestId ? { requestId } : {}),
    ...(typeof retryAfterMs === 'number' && retryAfterMs > 0 ? { retryAfterMs } : {}),
  };
}

/** Gateway and transport failures of a request become OpenClawErrors with stable codes. */
export function translateRequestError(method: string, err: unknown): OpenClawError {
  if (err instanceof OpenClawError) return err;
  if (err instanceof Error && err.name === 'AbortError') {
    return new OpenClawError(ErrorCode.CANCELLED, `${method} was cancelled.`, { cause: err });
  }
  if (err instanceof GatewayClientRequestTimeoutError) {
    return new OpenClawError(
      ErrorCode.TIMEOUT,
      `The gateway did not answer ${method} within ${err.timeoutMs} ms; it may be busy or restarting.`,
      { cause: err, details: { method } },
    );
  }
  if (err instanceof GatewayClientRequestError) {
    const detailCode = readConnectErrorDetailCode(err.details) ?? undefined;
    const code =
      detailCode && KNOWN_ERROR_CODES.has(detailCode)
        ? (detailCode as ErrorCode)
        : ErrorCode.REQUEST_FAILED;
    return new OpenClawError(code, err.message, {
      cause: err,
      details: {
        ...(asRecord(err.details) ?? {}),
        method,
        gatewayCode: err.gatewayCode,
        ...(detailCode ? { detailCode } : {}),
      },
    });
  }
  return new OpenClawError(
    ErrorCode.GATEWAY_UNREACHABLE,
    `The connection to the gateway was lost during ${method} (${errorMessage(err)}); it will reconnect.`,
    { cause: err, details: { method } },
  );
}
