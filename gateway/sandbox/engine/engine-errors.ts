/**
 * dockerode / docker-modem failures → OpenClawError, so the gateway and the user read one kind of
 * error whether the engine is missing, refuses us, or answers with an API error.
 */
import { ErrorCode, OpenClawError, errorMessage, systemErrorCode } from '../../infra/errors.js';

export function statusOf(err: unknown): number | undefined {
  const code = (err as { statusCode?: unknown } | undefined)?.statusCode;
  return typeof code === 'number' ? code : undefined;
}

/** The engine's own message (`{"message": …}` in the body) or the error's. */
function engineMessage(err: unknown): string {
  const json = (err as { json?: { message?: unknown } } | undefined)?.json;
  if (json && typeof json.message === 'string') return json.message;
  return errorMessage(err);
}

export function engineError(err: unknown, what: string): OpenClawError {
  if (err instanceof OpenClawError) return err;
  const sys = systemErrorCode(err);
  if (sys === 'ENOENT' || sys === 'ECONNREFUSED')
    return new OpenClawError(
      ErrorCode.DOCKER_UNAVAILABLE,
      `${what}: the Docker engine is not reachable. Start Docker, or turn sandboxing off (agents.defaults.sandbox.mode = "off").`,
      { cause: err },
    );
  if (sys === 'EACCES')
    return new OpenClawError(
      ErrorCode.DOCKER_PERMISSION_DENIED,
      `${what}: permission denied on the Docker socket. sandboxd needs access to it.`,
      { cause: err },
    );
  const status = statusOf(err);
  if (status === 404)
    return new OpenClawError(ErrorCode.NOT_FOUND, `${what}: ${engineMessage(err)}`, { cause: err });
  return new OpenClawError(ErrorCode.REQUEST_FAILED, `${what}: ${engineMessage(err)}`, {
    cause: err,
    details: status === undefined ? undefined : { status },
  });
}
