/**
 * What to do when the gateway refuses a `connect`: wait for pairing, retry with the stored device
 * token, wait out a rate limit, or stop and tell the person the one thing that fixes it. The words
 * are for someone who opened a link from the desktop app, not for a protocol engineer.
 */
import {
  ConnectErrorDetailCodes,
  readConnectErrorDetailCode,
  readPairingConnectErrorDetails,
} from '@openclaw/gateway-protocol/connect-error-details';

export interface ConnectRefusal {
  code?: string;
  message: string;
  details?: unknown;
  retryAfterMs?: number;
}

export type ConnectFailureDecision =
  | {
      kind: 'pairing-required';
      requestId: string | null;
      reason: string | null;
    }
  | { kind: 'retry-with-device-token' }
  | { kind: 'clear-device-token' }
  | { kind: 'wait'; delayMs: number; problem: AuthProblem }
  | { kind: 'retry'; delayMs?: number }
  | { kind: 'stop'; problem: AuthProblem };

/** A refusal the person has to act on. `canEnterToken`: a pasted token would fix it. */
export interface AuthProblem {
  code: string;
  title: string;
  message: string;
  nextStep: string;
  canEnterToken: boolean;
}

const OPEN_FRESH_LINK =
  'Open the Control UI from OpenClaw Desktop (Dashboard → Open in browser), or run `openclaw dashboard --no-open` and open the link it prints. You can also paste the gateway token below.';

export function describeAuthProblem(refusal: ConnectRefusal): AuthProblem {
  const code = readConnectErrorDetailCode(refusal.details) ?? refusal.code ?? 'UNKNOWN';
  const base = { code, message: refusal.message };
  switch (code) {
    case ConnectErrorDetailCodes.AUTH_TOKEN_MISSING:
    case ConnectErrorDetailCodes.AUTH_REQUIRED:
      return {
        ...base,
        title: 'This page has no gateway token',
        nextStep: OPEN_FRESH_LINK,
        canEnterToken: true,
      };
    case ConnectErrorDetailCodes.AUTH_TOKEN_MISMATCH:
    case ConnectErrorDetailCodes.AUTH_UNAUTHORIZED:
      return {
        ...base,
        title: 'The gateway did not accept this token',
        nextStep: `The token was changed or mistyped. ${OPEN_FRESH_LINK}`,
        canEnterToken: true,
      };
    case ConnectErrorDetailCodes.AUTH_PASSWORD_MISSING:
    case ConnectErrorDetailCodes.AUTH_PASSWORD_MISMATCH:
      return {
        ...base,
        title: 'This gateway uses a password',
        nextStep:
          'Password sign-in is not supported by this Control UI yet. Switch the gateway to token auth (gateway.auth.mode = "token") in OpenClaw Desktop → Settings.',
        canEnterToken: false,
      };
    case ConnectErrorDetailCodes.AUTH_TOKEN_NOT_CONFIGURED:
    case ConnectErrorDetailCodes.AUTH_PASSWORD_NOT_CONFIGURED:
      return {
        ...base,
        title: 'The gateway has no credentials configured',
        nextStep:
          'Set gateway.auth.token in openclaw.json (OpenClaw Desktop → Settings → Advanced) and restart the gateway.',
        canEnterToken: false,
      };
    case ConnectErrorDetailCodes.AUTH_RATE_LIMITED:
      return {
        ...base,
        title: 'Too many failed sign-in attempts',
        nextStep:
          'The gateway paused sign-ins from this address for a moment. This page tries again by itself.',
        canEnterToken: false,
      };
    case ConnectErrorDetailCodes.CONTROL_UI_ORIGIN_NOT_ALLOWED:
      return {
        ...base,
        title: 'This address is not allowed to open the Control UI',
        nextStep:
          'Open it as http://127.0.0.1:<port>/ on the machine that runs the gateway, or add this address to gateway.controlUi.allowedOrigins.',
        canEnterToken: false,
      };
    case ConnectErrorDetailCodes.CONTROL_UI_DEVICE_IDENTITY_REQUIRED:
    case ConnectErrorDetailCodes.DEVICE_IDENTITY_REQUIRED:
      return {
        ...base,
        title: 'This browser could not prove its identity',
        nextStep:
          'Browsers only allow the needed cryptography on https:// or http://127.0.0.1 / localhost. Open the Control UI through one of those.',
        canEnterToken: false,
      };
    case ConnectErrorDetailCodes.PROTOCOL_MISMATCH:
    case ConnectErrorDetailCodes.CLIENT_VERSION_MISMATCH:
    case ConnectErrorDetailCodes.CONTROL_UI_BUILD_MISMATCH:
      return {
        ...base,
        title: 'This Control UI does not match the gateway version',
        nextStep:
          'Reload the page. If that does not help, update OpenClaw Desktop so the gateway and its Control UI match.',
        canEnterToken: false,
      };
    default:
      if (code.startsWith('DEVICE_AUTH_')) {
        return {
          ...base,
          title: "The gateway rejected this browser's device signature",
          nextStep:
            "Check that this computer's clock is correct, then reload. If it keeps failing, clear this site's data to make a new device identity and pair again.",
          canEnterToken: false,
        };
      }
      return {
        ...base,
        title: 'The gateway refused the connection',
        nextStep:
          'Reload the page. If it keeps happening, check the gateway logs in OpenClaw Desktop.',
        canEnterToken: false,
      };
  }
}

export interface ClassifyContext {
  /** A stored device token exists and was not already offered in this failure episode. */
  canRetryWithDeviceToken: boolean;
  /** The stored device token was already cleared once in this episode. */
  deviceTokenCleared: boolean;
}

/** Maps one refusal of `connect` to the next move. */
export function classifyConnectFailure(
  refusal: ConnectRefusal,
  context: ClassifyContext,
): ConnectFailureDecision {
  const code = readConnectErrorDetailCode(refusal.details);
  if (code === ConnectErrorDetailCodes.PAIRING_REQUIRED || refusal.code === 'NOT_PAIRED') {
    const pairing = readPairingConnectErrorDetails(refusal.details);
    return {
      kind: 'pairing-required',
      requestId: pairing?.requestId ?? null,
      reason: pairing?.reason ?? null,
    };
  }
  if (code === ConnectErrorDetailCodes.AUTH_TOKEN_MISMATCH && context.canRetryWithDeviceToken) {
    return { kind: 'retry-with-device-token' };
  }
  if (code === ConnectErrorDetailCodes.AUTH_DEVICE_TOKEN_MISMATCH && !context.deviceTokenCleared) {
    return { kind: 'clear-device-token' };
  }
  if (code === ConnectErrorDetailCodes.AUTH_RATE_LIMITED) {
    return {
      kind: 'wait',
      delayMs: Math.min(Math.max(refusal.retryAfterMs ?? 30_000, 1_000), 5 * 60_000),
      problem: describeAuthProblem(refusal),
    };
  }
  if (refusal.code === 'UNAVAILABLE' && !code) {
    // A gateway that is still starting (or restarting) answers UNAVAILABLE; come back shortly.
    return { kind: 'retry', delayMs: refusal.retryAfterMs };
  }
  return { kind: 'stop', problem: describeAuthProblem(refusal) };
}
