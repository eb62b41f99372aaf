/**
 * A failed host call, with the host's stable code. Both transports turn `{ ok: false, error }` into
 * this, so pages show the host's own message (which names the next step) whatever the transport.
 */
export class HostError extends Error {
  override readonly name = 'HostError';
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** Codes the renderer itself produces (the host's own codes come from gateway/infra/errors.ts). */
export const ClientErrorCode = {
  /** The headless host connection dropped; the call may or may not have run. */
  DISCONNECTED: 'DISCONNECTED',
  /** The headless host refused the token (spent or from an earlier run). */
  UNAUTHORIZED: 'UNAUTHORIZED',
  /** The host answered with something that is not a result. */
  BAD_RESPONSE: 'BAD_RESPONSE',
} as const;

export function toHostError(err: unknown): HostError {
  if (err instanceof HostError) return err;
  if (err instanceof Error) return new HostError('INTERNAL', err.message);
  return new HostError('INTERNAL', String(err));
}

/** The message of anything thrown, for display. */
export function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

const NEXT_STEPS: Record<string, string> = {
  DOCKER_UNAVAILABLE:
    'Start Docker Desktop (or the Docker service on Linux), wait until it reports running, then retry.',
  DOCKER_PERMISSION_DENIED:
    'Give your user access to the Docker engine (on Linux: add it to the "docker" group and log in again), then retry.',
  COMPOSE_MISSING: 'Install Docker Compose (it ships with Docker Desktop), then retry.',
  GATEWAY_PORT_IN_USE: 'Pick another gateway port in the setup, or stop the program using it.',
  // Only apt's own "no such package" answer blames the package list; a missing base image or an
  // unreachable mirror has its own code (docker/engine/build-failure.ts).
  IMAGE_BUILD_FAILED:
    'Check the last build output above for the failing step, fix it and run the setup again.',
  APT_PACKAGE_NOT_FOUND:
    'Check the spelling of the package named above (or remove it) in Packages, then apply again.',
  APT_MIRROR_UNREACHABLE:
    'Check the internet connection or proxy of this computer, then retry; or remove the extra packages for now.',
  BASE_IMAGE_UNAVAILABLE:
    'Make local base images (Settings → Gateway image), or load a Node 22 image with `docker load -i`, then retry.',
  HEALTH_TIMEOUT: 'Open Logs to see why the gateway did not become healthy, then retry.',
  CONTAINER_UNHEALTHY: 'Open Logs to see what the gateway reports, then restart it.',
  CONTAINER_EXITED: 'Open Logs to see why the gateway stopped, then start it again.',
  STACK_INPUT_INVALID: 'Correct the value named in the message and submit again.',
  INVALID_ARGUMENT: 'Correct the value named in the message and submit again.',
  CANCELLED: 'Nothing was changed after the point of cancelling; run it again when ready.',
  OPERATION_QUEUE_FULL: 'Another operation is still running; wait for it to finish, then retry.',
  DISCONNECTED: 'The connection to the app is back in a moment; retry then.',
  UNAUTHORIZED: 'Run `npm start -- --headless` again and open the new link it prints.',
  SECRET_STORE_UNAVAILABLE: 'Unlock your system keychain, then retry.',
  GATEWAY_UNREACHABLE:
    'Start the gateway on the Dashboard and wait until it is running, then retry.',
  CONFIG_CONFLICT:
    'openclaw.json was changed elsewhere since this page read it; press Refresh to load it, then save again.',
};

/** A plain-language next step for a host error code, when there is a useful generic one. */
export function nextStepFor(err: unknown): string | undefined {
  return err instanceof HostError ? NEXT_STEPS[err.code] : undefined;
}

export function nextStepForCode(code: string | undefined): string | undefined {
  return code ? NEXT_STEPS[code] : undefined;
}
