/**
 * The dockerode client and the one adapter from dockerode/docker-modem errors to OpenClawError.
 * Everything else in docker/engine calls translateDockerError at its boundary, so a missing
 * socket, a permission problem or a 404 reads the same wherever it happens.
 */
import https from 'node:https';
import Dockerode from 'dockerode';
import {
  ErrorCode,
  OpenClawError,
  errorMessage,
  systemErrorCode,
} from '../../gateway/infra/errors.js';
import { cancelledError, isAbortError } from './abort.js';
import {
  describeEndpoint,
  resolveEngineEndpoint,
  type EngineEndpoint,
  type ResolveEndpointOptions,
} from './engine-endpoint.js';

export interface CreateDockerClientOptions extends ResolveEndpointOptions {
  /** Skip resolution and use this endpoint (e.g. one already shown to the user). */
  endpoint?: EngineEndpoint;
}

/** dockerode options for an endpoint, with every connection key set so the env cannot leak in. */
export function dockerodeOptions(
  endpoint: EngineEndpoint,
  env: NodeJS.ProcessEnv = process.env,
): Dockerode.DockerOptions {
  // docker-modem merges its own reading of process.env.DOCKER_HOST under our options; naming
  // every connection key (even as undefined) keeps that reading from overriding the endpoint.
  const base: Dockerode.DockerOptions = {
    socketPath: undefined,
    host: undefined,
    port: undefined,
    protocol: undefined,
    ca: undefined,
    cert: undefined,
    key: undefined,
  };
  switch (endpoint.kind) {
    case 'unix':
      return { ...base, socketPath: endpoint.socketPath };
    case 'npipe':
      return { ...base, socketPath: endpoint.pipePath };
    case 'tcp': {
      if (!endpoint.tls)
        return { ...base, host: endpoint.host, port: endpoint.port, protocol: 'http' };
      const { ca, cert, key, verify } = endpoint.tls;
      // An explicit agent is the only way to express "TLS without verification" (DOCKER_TLS).
      const agent = new https.Agent({ ca, cert, key, rejectUnauthorized: verify, keepAlive: true });
      return {
        ...base,
        host: endpoint.host,
        port: endpoint.port,
        protocol: 'https',
        ca,
        cert,
        key,
        agent,
      } as Dockerode.DockerOptions;
    }
    case 'ssh':
      return {
        ...base,
        host: endpoint.host,
        port: endpoint.port,
        protocol: 'ssh',
        username: endpoint.username,
        sshOptions: env.SSH_AUTH_SOCK ? { agent: env.SSH_AUTH_SOCK } : {},
      };
  }
}

/** Endpoint each client was made for, so errors can name the socket without re-resolving. */
const endpoints = new WeakMap<Dockerode, EngineEndpoint>();

export function createDockerClient(options: CreateDockerClientOptions = {}): Dockerode {
  const endpoint = options.endpoint ?? resolveEngineEndpoint(options);
  let docker: Dockerode;
  try {
    docker = new Dockerode(dockerodeOptions(endpoint, options.env ?? process.env));
  } catch (err) {
    // docker-modem reads process.env.DOCKER_HOST / DOCKER_CERT_PATH in its constructor and throws
    // on values it cannot parse, even when we pass our own endpoint.
    throw new OpenClawError(
      ErrorCode.DOCKER_UNAVAILABLE,
      `Cannot set up the Docker client: ${errorMessage(err)}. Check DOCKER_HOST and DOCKER_CERT_PATH, or unset them to use the default engine.`,
      { cause: err },
    );
  }
  endpoints.set(docker, endpoint);
  return docker;
}

/** The endpoint a client from createDockerClient talks to (undefined for foreign clients). */
export function endpointOf(docker: Dockerode): EngineEndpoint | undefined {
  return endpoints.get(docker);
}

export type PingResult =
  | { ok: true; version: string; apiVersion: string; os: string; arch: string }
  | { ok: false; error: OpenClawError };

/** ping/version accept an abortSignal at runtime; @types/dockerode omits the options argument. */
interface AbortableInfoCalls {
  ping(opts: { abortSignal?: AbortSignal }): Promise<unknown>;
  version(opts: { abortSignal?: AbortSignal }): Promise<Dockerode.DockerVersion>;
}

/**
 * Checks the engine answers. Never throws for an unreachable engine (callers poll this for a
 * status badge); a cancelled signal still rejects with CANCELLED.
 */
export async function pingEngine(
  docker: Dockerode,
  signal?: AbortSignal,
  options: { timeoutMs?: number } = {},
): Promise<PingResult> {
  const timeout = AbortSignal.timeout(options.timeoutMs ?? 5_000);
  const abortSignal = signal ? AbortSignal.any([signal, timeout]) : timeout;
  const calls = docker as unknown as AbortableInfoCalls;
  try {
    await calls.ping({ abortSignal });
    const info = await calls.version({ abortSignal });
    return {
      ok: true,
      version: String(info.Version ?? ''),
      apiVersion: String(info.ApiVersion ?? ''),
      os: String(info.Os ?? ''),
      arch: String(info.Arch ?? ''),
    };
  } catch (err) {
    if (signal?.aborted) throw cancelledError('Engine check');
    if (timeout.aborted) {
      return {
        ok: false,
        error: new OpenClawError(
          ErrorCode.DOCKER_UNAVAILABLE,
          `Docker did not answer within ${Math.round((options.timeoutMs ?? 5_000) / 1000)} s at ${where(docker)}. It may still be starting: wait and retry, or restart Docker.`,
          { cause: err },
        ),
      };
    }
    return { ok: false, error: translateDockerError(err, { docker }) };
  }
}

export interface DockerErrorContext {
  /** What a 404 refers to when the engine's message does not say. */
  kind?: 'container' | 'image' | 'volume' | 'network';
  ref?: string;
  /** The client the call went through, to name its socket in messages. */
  docker?: Dockerode;
}

interface ModemError {
  statusCode?: unknown;
  syscall?: unknown;
  json?: unknown;
  message?: unknown;
  address?: unknown;
}

function where(docker: Dockerode | undefined): string {
  const endpoint = docker ? endpointOf(docker) : undefined;
  return endpoint ? describeEndpoint(endpoint) : 'the Docker socket';
}

/** The engine's own message from an HTTP error (`{"message": "..."}` body), else the modem's. */
function engineMessage(err: ModemError): string {
  const json = err.json;
  if (json && typeof json === 'object' && 'message' in json && typeof json.message === 'string')
    return json.message;
  if (typeof json === 'string' && json.trim()) return json.trim();
  return typeof err.message === 'string' ? err.message : 'unknown error';
}

const SOCKET_SYSCALLS = new Set(['connect', 'getaddrinfo', 'read', 'write']);

const UNREACHABLE_CODES = new Set([
  'ENOENT',
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ENOTFOUND',
  'EHOSTUNREACH',
  'ETIMEDOUT',
  'EAI_AGAIN',
]);

/** Maps anything dockerode throws to an OpenClawError with a stable code and a next step. */
export function translateDockerError(
  err: unknown,
  context: DockerErrorContext = {},
): OpenClawError {
  if (err instanceof OpenClawError) return err;
  if (isAbortError(err)) return cancelledError();
  const modem = (err && typeof err === 'object' ? err : {}) as ModemError;
  // Only socket-level failures say something about the engine; an EACCES from reading a build
  // context file (syscall "open", "lstat", ...) must not send the user to the docker group.
  const syscall = typeof modem.syscall === 'string' ? modem.syscall : undefined;
  const sysCode =
    syscall === undefined || SOCKET_SYSCALLS.has(syscall) ? systemErrorCode(err) : undefined;
  const socket = typeof modem.address === 'string' ? modem.address : where(context.docker);

  if (sysCode === 'EACCES' || sysCode === 'EPERM') {
    return new OpenClawError(
      ErrorCode.DOCKER_PERMISSION_DENIED,
      `Permission denied on the Docker socket ${socket}. Add your user to the docker group (\`sudo usermod -aG docker $USER\`, then log out and back in) or use rootless Docker; do not chmod the socket.`,
      { cause: err, details: { socket } },
    );
  }
  if (sysCode && UNREACHABLE_CODES.has(sysCode)) {
    return new OpenClawError(
      ErrorCode.DOCKER_UNAVAILABLE,
      `Docker is not running (cannot reach ${socket}): start Docker Desktop, or on Linux run \`sudo systemctl start docker\`.`,
      { cause: err, details: { socket, code: sysCode } },
    );
  }

  const status = typeof modem.statusCode === 'number' ? modem.statusCode : undefined;
  if (status !== undefined) {
    const message = engineMessage(modem);
    if (status === 404) {
      const lower = message.toLowerCase();
      const kind =
        context.kind ??
        (lower.includes('no such image') || lower.includes('pull access denied')
          ? 'image'
          : lower.includes('no such container')
            ? 'container'
            : undefined);
      const ref = context.ref ? ` "${context.ref}"` : '';
      if (kind === 'image') {
        return new OpenClawError(
          ErrorCode.IMAGE_NOT_FOUND,
          `Image${ref} is not on this Docker engine (${message}). Build it first (run the setup again), or check the image name.`,
          { cause: err, details: { ref: context.ref, status } },
        );
      }
      if (kind === 'container') {
        return new OpenClawError(
          ErrorCode.CONTAINER_NOT_FOUND,
          `Container${ref} does not exist (${message}). Start the stack again (\`docker compose up -d\`).`,
          { cause: err, details: { ref: context.ref, status } },
        );
      }
      return new OpenClawError(
        ErrorCode.NOT_FOUND,
        `Docker ${context.kind ?? 'object'}${ref} not found: ${message}`,
        {
          cause: err,
          details: { ref: context.ref, status },
        },
      );
    }
    return new OpenClawError(
      ErrorCode.REQUEST_FAILED,
      `The Docker engine refused the request (HTTP ${status}): ${message}`,
      { cause: err, details: { ref: context.ref, status } },
    );
  }
  return new OpenClawError(
    ErrorCode.REQUEST_FAILED,
    `Docker request failed: ${errorMessage(err)}`,
    { cause: err },
  );
}
