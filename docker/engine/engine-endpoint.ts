/**
 * Where the Docker engine listens. Resolved the way the `docker` CLI does (DOCKER_HOST, then the
 * current Docker context, then the platform default), so the app and a terminal see the same
 * engine; plus a probe of well-known sockets (Docker Desktop's per-user socket, rootless, colima,
 * OrbStack, Rancher Desktop) because users of those often have neither DOCKER_HOST nor a context.
 * Pure apart from the injected file-system probes, so every branch is unit-tested.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ErrorCode, OpenClawError } from '../../gateway/infra/errors.js';

/** How the endpoint was found; `probe` endpoints are unknown to the docker CLI (see engineEnv). */
export type EndpointSource = 'DOCKER_HOST' | 'context' | 'default' | 'probe';

export interface TlsMaterial {
  ca?: string;
  cert?: string;
  key?: string;
  /** false for DOCKER_TLS without DOCKER_TLS_VERIFY: encrypted but the server is not verified. */
  verify: boolean;
}

export type EngineEndpoint =
  | { kind: 'unix'; socketPath: string; source: EndpointSource }
  | { kind: 'npipe'; pipePath: string; source: EndpointSource }
  | {
      kind: 'tcp';
      host: string;
      port: number;
      tls: TlsMaterial | undefined;
      source: EndpointSource;
    }
  | {
      kind: 'ssh';
      host: string;
      port: number;
      username: string | undefined;
      source: EndpointSource;
    };

export interface ResolveEndpointOptions {
  env?: NodeJS.ProcessEnv;
  platform?: NodeJS.Platform;
  homedir?: string;
  /** Injected for tests; defaults to fs.existsSync. */
  exists?: (p: string) => boolean;
  /** Injected for tests; returns undefined when the file is missing. */
  readFile?: (p: string) => string | undefined;
}

const WINDOWS_PIPE = '//./pipe/docker_engine';
const DEFAULT_UNIX_SOCKET = '/var/run/docker.sock';

function defaultReadFile(p: string): string | undefined {
  try {
    return fs.readFileSync(p, 'utf8');
  } catch {
    return undefined;
  }
}

function invalidHost(value: string, why: string): OpenClawError {
  return new OpenClawError(
    ErrorCode.DOCKER_UNAVAILABLE,
    `DOCKER_HOST "${value}" is not usable (${why}). Use unix:///path/to/docker.sock, npipe:////./pipe/docker_engine, tcp://host:2375 or ssh://user@host, or unset DOCKER_HOST to use the default engine.`,
    { details: { dockerHost: value } },
  );
}

/**
 * Parses a Docker host URL (DOCKER_HOST or a context's `Endpoints.docker.Host`). TLS for tcp is
 * decided by the caller's environment, as the docker CLI does.
 */
export function parseDockerHost(
  value: string,
  source: EndpointSource,
  tlsFor: () => TlsMaterial | undefined = () => undefined,
): EngineEndpoint {
  const trimmed = value.trim();
  if (trimmed.startsWith('unix://')) {
    const socketPath = trimmed.slice('unix://'.length);
    if (!socketPath) throw invalidHost(value, 'no socket path');
    return { kind: 'unix', socketPath, source };
  }
  if (trimmed.startsWith('npipe://')) {
    // npipe:////./pipe/docker_engine → //./pipe/docker_engine; backslashes are accepted too.
    const raw = trimmed.slice('npipe://'.length).replace(/\\/g, '/');
    return { kind: 'npipe', pipePath: raw || WINDOWS_PIPE, source };
  }
  // A bare "host:port" means tcp, as it does for the docker CLI.
  const withScheme = trimmed.includes('://') ? trimmed : `tcp://${trimmed}`;
  let url: URL;
  try {
    url = new URL(withScheme);
  } catch {
    throw invalidHost(value, 'not a URL');
  }
  if (!url.hostname) throw invalidHost(value, 'no host name');
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
  if (url.protocol === 'tcp:' || url.protocol === 'http:' || url.protocol === 'https:') {
    const tls = url.protocol === 'https:' ? (tlsFor() ?? { verify: true }) : tlsFor();
    const port = url.port ? Number(url.port) : tls ? 2376 : 2375;
    return { kind: 'tcp', host, port, tls, source };
  }
  if (url.protocol === 'ssh:') {
    return {
      kind: 'ssh',
      host,
      port: url.port ? Number(url.port) : 22,
      username: url.username ? decodeURIComponent(url.username) : undefined,
      source,
    };
  }
  throw invalidHost(value, `unsupported scheme ${url.protocol}`);
}

function dockerConfigDir(env: NodeJS.ProcessEnv, homedir: string): string {
  return env.DOCKER_CONFIG || path.join(homedir, '.docker');
}

/** TLS from DOCKER_TLS_VERIFY / DOCKER_TLS / DOCKER_CERT_PATH, as the docker CLI reads them. */
function envTls(
  env: NodeJS.ProcessEnv,
  homedir: string,
  readFile: (p: string) => string | undefined,
): TlsMaterial | undefined {
  const verify = Boolean(env.DOCKER_TLS_VERIFY);
  if (!verify && !env.DOCKER_TLS) return undefined;
  const certDir = env.DOCKER_CERT_PATH || dockerConfigDir(env, homedir);
  return {
    verify,
    ca: readFile(path.join(certDir, 'ca.pem')),
    cert: readFile(path.join(certDir, 'cert.pem')),
    key: readFile(path.join(certDir, 'key.pem')),
  };
}

interface ContextMeta {
  Endpoints?: { docker?: { Host?: unknown; SkipTLSVerify?: unknown } };
}

/** The current context's endpoint, or undefined for the built-in "default" context. */
function contextEndpoint(
  env: NodeJS.ProcessEnv,
  homedir: string,
  readFile: (p: string) => string | undefined,
): EngineEndpoint | undefined {
  const configDir = dockerConfigDir(env, homedir);
  let name = env.DOCKER_CONTEXT;
  if (!name) {
    const configText = readFile(path.join(configDir, 'config.json'));
    if (configText) {
      try {
        const parsed: unknown = JSON.parse(configText);
        if (parsed && typeof parsed === 'object' && 'currentContext' in parsed) {
          const current = (parsed as { currentContext: unknown }).currentContext;
          if (typeof current === 'string') name = current;
        }
      } catch {
        // A broken config.json makes the docker CLI fail too; fall through to the default.
      }
    }
  }
  if (!name || name === 'default') return undefined;
  // The CLI stores contexts under the sha256 of their name.
  const id = createHash('sha256').update(name).digest('hex');
  const metaText = readFile(path.join(configDir, 'contexts', 'meta', id, 'meta.json'));
  if (!metaText) {
    throw new OpenClawError(
      ErrorCode.DOCKER_UNAVAILABLE,
      `Docker context "${name}" is selected but does not exist. Run \`docker context use default\` (or another context from \`docker context ls\`).`,
      { details: { context: name } },
    );
  }
  let meta: ContextMeta;
  try {
    meta = JSON.parse(metaText) as ContextMeta;
  } catch {
    throw new OpenClawError(
      ErrorCode.DOCKER_UNAVAILABLE,
      `Docker context "${name}" is damaged (unreadable meta.json). Recreate it or run \`docker context use default\`.`,
      { details: { context: name } },
    );
  }
  const host = meta.Endpoints?.docker?.Host;
  if (typeof host !== 'string' || !host) return undefined;
  const tlsDir = path.join(configDir, 'contexts', 'tls', id, 'docker');
  const skipVerify = meta.Endpoints?.docker?.SkipTLSVerify === true;
  return parseDockerHost(host, 'context', () => {
    const ca = readFile(path.join(tlsDir, 'ca.pem'));
    const cert = readFile(path.join(tlsDir, 'cert.pem'));
    const key = readFile(path.join(tlsDir, 'key.pem'));
    if (!ca && !cert && !key && !skipVerify) return undefined;
    return { ca, cert, key, verify: !skipVerify };
  });
}

/** Sockets other engines use when DOCKER_HOST and contexts say nothing, in preference order. */
export function probeSocketCandidates(
  env: NodeJS.ProcessEnv,
  platform: NodeJS.Platform,
  homedir: string,
): string[] {
  const candidates = [
    DEFAULT_UNIX_SOCKET,
    path.posix.join(homedir, '.docker', 'run', 'docker.sock'),
  ];
  if (platform === 'linux') {
    if (env.XDG_RUNTIME_DIR) candidates.push(path.posix.join(env.XDG_RUNTIME_DIR, 'docker.sock'));
    candidates.push(path.posix.join(homedir, '.docker', 'desktop', 'docker.sock'));
  }
  candidates.push(
    path.posix.join(homedir, '.colima', 'default', 'docker.sock'),
    path.posix.join(homedir, '.orbstack', 'run', 'docker.sock'),
    path.posix.join(homedir, '.rd', 'docker.sock'),
  );
  return candidates;
}

export function resolveEngineEndpoint(options: ResolveEndpointOptions = {}): EngineEndpoint {
  const env = options.env ?? process.env;
  const platform = options.platform ?? process.platform;
  const homedir = options.homedir ?? os.homedir();
  const exists = options.exists ?? ((p: string) => fs.existsSync(p));
  const readFile = options.readFile ?? defaultReadFile;

  if (env.DOCKER_HOST) {
    return parseDockerHost(env.DOCKER_HOST, 'DOCKER_HOST', () => envTls(env, homedir, readFile));
  }
  const fromContext = contextEndpoint(env, homedir, readFile);
  if (fromContext) return fromContext;
  if (platform === 'win32') return { kind: 'npipe', pipePath: WINDOWS_PIPE, source: 'default' };

  if (exists(DEFAULT_UNIX_SOCKET))
    return { kind: 'unix', socketPath: DEFAULT_UNIX_SOCKET, source: 'default' };
  for (const candidate of probeSocketCandidates(env, platform, homedir).slice(1)) {
    if (exists(candidate)) return { kind: 'unix', socketPath: candidate, source: 'probe' };
  }
  // Nothing found: keep the default so the ping fails with a clear "Docker is not running".
  return { kind: 'unix', socketPath: DEFAULT_UNIX_SOCKET, source: 'default' };
}

/** The endpoint as a DOCKER_HOST value (what the docker and compose CLIs understand). */
export function dockerHostOf(endpoint: EngineEndpoint): string {
  switch (endpoint.kind) {
    case 'unix':
      return `unix://${endpoint.socketPath}`;
    case 'npipe':
      return `npipe://${endpoint.pipePath}`;
    case 'tcp':
      return `tcp://${endpoint.host.includes(':') ? `[${endpoint.host}]` : endpoint.host}:${endpoint.port}`;
    case 'ssh':
      return `ssh://${endpoint.username ? `${encodeURIComponent(endpoint.username)}@` : ''}${endpoint.host}:${endpoint.port}`;
  }
}

/**
 * Environment additions that make the compose / docker CLIs talk to the same engine as dockerode.
 * Only a probed socket needs one: the CLIs find DOCKER_HOST, contexts and the default themselves.
 */
export function engineEnv(endpoint: EngineEndpoint): Record<string, string> {
  return endpoint.source === 'probe' ? { DOCKER_HOST: dockerHostOf(endpoint) } : {};
}

/** Human-readable description for messages ("/var/run/docker.sock", "tcp://host:2376"). */
export function describeEndpoint(endpoint: EngineEndpoint): string {
  if (endpoint.kind === 'unix') return endpoint.socketPath;
  if (endpoint.kind === 'npipe') return endpoint.pipePath;
  return dockerHostOf(endpoint);
}
