/**
 * One error type with stable codes for the whole gateway and CLI. Adapters translate foreign
 * errors (fs, ws, JSON5) into these; every message names the next step for the user.
 */
export const ErrorCode = {
  CONFIG_INVALID: 'CONFIG_INVALID',
  CONFIG_NOT_FOUND: 'CONFIG_NOT_FOUND',
  CONFIG_CONFLICT: 'CONFIG_CONFLICT',
  GATEWAY_UNCONFIGURED: 'GATEWAY_UNCONFIGURED',
  GATEWAY_INSECURE_BIND: 'GATEWAY_INSECURE_BIND',
  GATEWAY_AUTH_INVALID: 'GATEWAY_AUTH_INVALID',
  GATEWAY_PORT_IN_USE: 'GATEWAY_PORT_IN_USE',
  GATEWAY_UNREACHABLE: 'GATEWAY_UNREACHABLE',
  LOCK_TIMEOUT: 'LOCK_TIMEOUT',
  STATE_WRITE_FAILED: 'STATE_WRITE_FAILED',
  INVALID_ARGUMENT: 'INVALID_ARGUMENT',
  NOT_FOUND: 'NOT_FOUND',
  PAIRING_NOT_FOUND: 'PAIRING_NOT_FOUND',
  DEVICE_NOT_FOUND: 'DEVICE_NOT_FOUND',
  REQUEST_FAILED: 'REQUEST_FAILED',
  TIMEOUT: 'TIMEOUT',
  INTERNAL: 'INTERNAL',
  // docker/engine (engine, compose, images, containers)
  DOCKER_UNAVAILABLE: 'DOCKER_UNAVAILABLE',
  DOCKER_PERMISSION_DENIED: 'DOCKER_PERMISSION_DENIED',
  COMPOSE_MISSING: 'COMPOSE_MISSING',
  COMPOSE_FAILED: 'COMPOSE_FAILED',
  IMAGE_BUILD_FAILED: 'IMAGE_BUILD_FAILED',
  /** The build's FROM image is not on the engine and no registry answered for it. */
  BASE_IMAGE_UNAVAILABLE: 'BASE_IMAGE_UNAVAILABLE',
  /** apt reached its mirror and said a requested package does not exist. */
  APT_PACKAGE_NOT_FOUND: 'APT_PACKAGE_NOT_FOUND',
  /** apt inside the build could not reach the Debian mirror (DNS, proxy, no network). */
  APT_MIRROR_UNREACHABLE: 'APT_MIRROR_UNREACHABLE',
  IMAGE_NOT_FOUND: 'IMAGE_NOT_FOUND',
  CONTAINER_NOT_FOUND: 'CONTAINER_NOT_FOUND',
  CONTAINER_EXITED: 'CONTAINER_EXITED',
  CONTAINER_UNHEALTHY: 'CONTAINER_UNHEALTHY',
  HEALTH_TIMEOUT: 'HEALTH_TIMEOUT',
  CANCELLED: 'CANCELLED',
  // docker/stack + image build context (setup inputs, stack files, gateway bundle)
  BUNDLE_MISSING: 'BUNDLE_MISSING',
  STACK_INPUT_INVALID: 'STACK_INPUT_INVALID',
  STACK_FILE_CONFLICT: 'STACK_FILE_CONFLICT',
  // electron/host pairing (the app's secrets and operator connection)
  SECRET_STORE_UNAVAILABLE: 'SECRET_STORE_UNAVAILABLE',
  // electron/host supervisor (serial operations queue)
  OPERATION_QUEUE_FULL: 'OPERATION_QUEUE_FULL',
  // electron/host headless host (`npm start` without a display)
  HOST_PORT_IN_USE: 'HOST_PORT_IN_USE',
  // electron/host settings (a stack change that is not applied)
  APPLY_IN_PROGRESS: 'APPLY_IN_PROGRESS',
  APPLY_INTERRUPTED: 'APPLY_INTERRUPTED',
  // gateway/agent/providers (model providers: resolution, keys, provider failures)
  MODEL_NOT_FOUND: 'MODEL_NOT_FOUND',
  PROVIDER_KEY_MISSING: 'PROVIDER_KEY_MISSING',
  PROVIDER_AUTH_FAILED: 'PROVIDER_AUTH_FAILED',
  PROVIDER_RATE_LIMITED: 'PROVIDER_RATE_LIMITED',
  PROVIDER_UNAVAILABLE: 'PROVIDER_UNAVAILABLE',
  PROVIDER_UNREACHABLE: 'PROVIDER_UNREACHABLE',
  PROVIDER_TIMEOUT: 'PROVIDER_TIMEOUT',
  PROVIDER_STREAM_INTERRUPTED: 'PROVIDER_STREAM_INTERRUPTED',
  PROVIDER_REQUEST_REJECTED: 'PROVIDER_REQUEST_REJECTED',
  // gateway/tools (workspace confinement, policy)
  TOOL_PATH_REFUSED: 'TOOL_PATH_REFUSED',
} as const;

export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

export interface OpenClawErrorOptions {
  cause?: unknown;
  details?: Record<string, unknown>;
  /** Process exit code the CLI uses for this error (defaults to 1). */
  exitCode?: number;
}

export class OpenClawError extends Error {
  readonly code: ErrorCode;
  readonly details: Record<string, unknown> | undefined;
  readonly exitCode: number;

  constructor(code: ErrorCode, message: string, options: OpenClawErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'OpenClawError';
    this.code = code;
    this.details = options.details;
    this.exitCode = options.exitCode ?? 1;
  }
}

export function isOpenClawError(value: unknown, code?: ErrorCode): value is OpenClawError {
  return value instanceof OpenClawError && (code === undefined || value.code === code);
}

/** Narrow an unknown thrown value to a message without losing non-Error throws. */
export function errorMessage(value: unknown): string {
  if (value instanceof Error) return value.message;
  return typeof value === 'string' ? value : JSON.stringify(value);
}

/** Node system errors carry a string `code` (ENOENT, EACCES, ...). */
export function systemErrorCode(value: unknown): string | undefined {
  if (value && typeof value === 'object' && 'code' in value) {
    const code = (value as { code: unknown }).code;
    return typeof code === 'string' ? code : undefined;
  }
  return undefined;
}
