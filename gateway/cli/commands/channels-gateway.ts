/**
 * The `channels` and `pairing` commands' way to the running gateway: one session, and failures
 * turned into sentences that say what to do (an older gateway without the channel methods, a
 * gateway that is not running).
 */
import type { Env, StatePaths } from '../../config/paths.js';
import { ErrorCode, OpenClawError, errorMessage } from '../../infra/errors.js';
import { GatewayConnectError, withGateway, type GatewaySession } from '../remote.js';

export interface GatewayFlags {
  url?: string;
  token?: string;
  password?: string;
}

/** A method the gateway does not know: it predates channels (or is not ours). */
export function isUnknownMethod(err: unknown): boolean {
  return /unknown method/i.test(errorMessage(err));
}

export function isUnreachable(err: unknown): boolean {
  return err instanceof GatewayConnectError && err.unreachable;
}

export async function callChannels<T>(
  paths: StatePaths,
  env: Env,
  flags: GatewayFlags,
  timeoutMs: number,
  fn: (session: GatewaySession) => Promise<T>,
): Promise<T> {
  try {
    return await withGateway(paths, env, { ...flags, timeoutMs }, fn);
  } catch (err) {
    if (isUnknownMethod(err)) {
      throw new OpenClawError(
        ErrorCode.REQUEST_FAILED,
        `the gateway does not offer channels yet (${errorMessage(err)}); update the gateway image and restart it`,
        { cause: err },
      );
    }
    throw err;
  }
}

/** Shown when a command that needs the gateway cannot reach it. */
export function needsGateway(what: string, err: unknown): OpenClawError {
  return new OpenClawError(
    ErrorCode.GATEWAY_UNREACHABLE,
    `${what} needs the running gateway: ${errorMessage(err)}`,
    { cause: err },
  );
}
