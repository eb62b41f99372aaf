/**
 * The agent sandbox overlay, `docker-compose.sandbox.yml`: written only when sandboxing is on
 * (`OPENCLAW_SANDBOX=1`), it adds the `openclaw-sandboxd` service — the same image as the gateway,
 * running `sandboxd`, and the ONLY service that gets the Docker socket — and tells the gateway
 * (and the CLI) where sandboxd is and the per-stack secret that authenticates them to it.
 *
 * sandboxd is on the stack's network only (no published port), so nothing outside the stack
 * reaches it, and the gateway still never holds the socket. The secret lives in `.env` (0600)
 * and reaches the services by interpolation; this file (0644) never contains it. Rendered by hand
 * like the extra file, with the same "generated" marker so a user's own file is never replaced.
 */
import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { writeFileAtomic } from '../../gateway/infra/atomic-write.js';
import { ErrorCode, OpenClawError, systemErrorCode } from '../../gateway/infra/errors.js';
import { checkEnvValue, SANDBOX_ENV_KEYS } from './env-file.js';
import {
  CONTAINER_HOME,
  CONTAINER_STATE_DIR,
  CONTAINER_WORKSPACE_DIR,
  EXTRA_COMPOSE_MARKER,
  isGeneratedExtraCompose,
  STACK_LABEL,
} from './extra-compose.js';

export const SANDBOX_COMPOSE_FILE = 'docker-compose.sandbox.yml';
export const SANDBOXD_SERVICE = 'openclaw-sandboxd';
export const SANDBOXD_PORT = 18790;
/** What the gateway CLI runs for the service (`openclaw sandboxd --port 18790`). */
export const SANDBOXD_COMMAND = ['sandboxd', '--port', String(SANDBOXD_PORT)] as const;
export const SANDBOXD_URL = `http://${SANDBOXD_SERVICE}:${SANDBOXD_PORT}`;
/** Inside the service, like the gateway's: `/healthz` answers without the secret. */
export const SANDBOXD_HEALTHCHECK = `fetch('http://127.0.0.1:${SANDBOXD_PORT}/healthz',{signal:AbortSignal.timeout(4000)}).then((r)=>process.exit(r.ok?0:1),()=>process.exit(1))`;
/** Where the socket appears inside sandboxd (dockerode's default). */
export const CONTAINER_DOCKER_SOCKET = '/var/run/docker.sock';
export const DEFAULT_DOCKER_SOCKET = '/var/run/docker.sock';

export { SANDBOX_ENV_KEYS };

const SECRET_PATTERN = /^[0-9a-f]{64}$/;

export interface SandboxSettings {
  enabled: boolean;
  /** Host path of the engine's socket, mounted into sandboxd. */
  socket: string;
  /** Group of the socket on the host (Linux): sandboxd runs as uid 1000 and needs it. */
  socketGid?: number;
}

/** `1/true/yes/on` (any case) is on; anything else, `0` included, is off (as upstream). */
export function sandboxEnabled(value: string | undefined): boolean {
  return /^(1|true|yes|on)$/i.test(value?.trim() ?? '');
}

/**
 * OPENCLAW_SANDBOX and OPENCLAW_DOCKER_SOCKET. The socket defaults to DOCKER_HOST's path when it
 * is `unix://…`, else /var/run/docker.sock (what Docker Desktop maps too). Problems are returned
 * as messages naming the variable, so setup refuses them before changing anything.
 */
export function parseSandboxInputs(env: Readonly<Record<string, string | undefined>>): {
  settings: Omit<SandboxSettings, 'socketGid'>;
  problems: string[];
} {
  const enabled = sandboxEnabled(env.OPENCLAW_SANDBOX);
  const explicit = env.OPENCLAW_DOCKER_SOCKET?.trim();
  const fromHost = /^unix:\/\/(\/.+)$/.exec(env.DOCKER_HOST?.trim() ?? '')?.[1];
  const socket = explicit || fromHost || DEFAULT_DOCKER_SOCKET;
  const problems: string[] = [];
  if (enabled) {
    const bad = checkEnvValue(socket);
    if (!socket.startsWith('/') || bad || /["\\]/.test(socket)) {
      problems.push(
        `OPENCLAW_DOCKER_SOCKET ${JSON.stringify(socket)} ${bad ?? 'must be an absolute path of the engine’s socket, such as /var/run/docker.sock'}.`,
      );
    }
  }
  return { settings: { enabled, socket }, problems };
}

/** The stack's sandboxd secret: the one in `.env` when it is well formed, else a new one. */
export function sandboxdSecret(existing: string | undefined): {
  secret: string;
  generated: boolean;
} {
  if (existing && SECRET_PATTERN.test(existing)) return { secret: existing, generated: false };
  return { secret: randomBytes(32).toString('hex'), generated: true };
}

/** `.env` values while sandboxing is on. */
export function sandboxEnvValues(
  secret: string,
): Record<(typeof SANDBOX_ENV_KEYS)[number], string> {
  return { OPENCLAW_SANDBOX: '1', OPENCLAW_SANDBOXD_SECRET: secret };
}

const q = (value: string): string => JSON.stringify(value);

const SECRET_REF =
  '${OPENCLAW_SANDBOXD_SECRET:?run docker-setup.sh with OPENCLAW_SANDBOX=1 (OPENCLAW_SANDBOXD_SECRET is not set in .env)}';

/** The overlay's text for `settings`, or null when sandboxing is off. */
export function renderSandboxCompose(settings: SandboxSettings): string | null {
  if (!settings.enabled) return null;
  const client = [
    '    environment:',
    `      OPENCLAW_SANDBOXD_URL: ${q(SANDBOXD_URL)}`,
    `      OPENCLAW_SANDBOXD_SECRET: ${q(SECRET_REF)}`,
  ];
  const bind = (source: string, target: string) => [
    '      - type: "bind"',
    `        source: ${q(source)}`,
    `        target: ${q(target)}`,
  ];
  const lines = [
    EXTRA_COMPOSE_MARKER,
    '# Agent sandbox (OPENCLAW_SANDBOX=1): sandboxd is the only service with the Docker socket;',
    '# the gateway reaches it on the stack network with the secret from .env.',
    'services:',
    '  openclaw-gateway:',
    ...client,
    '    depends_on:',
    `      - ${q(SANDBOXD_SERVICE)}`,
    '  openclaw-cli:',
    ...client,
    `  ${SANDBOXD_SERVICE}:`,
    '    image: "${OPENCLAW_IMAGE:-openclaw:local}"',
    '    command:',
    ...SANDBOXD_COMMAND.map((arg) => `      - ${q(arg)}`),
    '    environment:',
    `      HOME: ${q(CONTAINER_HOME)}`,
    `      OPENCLAW_HOME: ${q(CONTAINER_HOME)}`,
    `      OPENCLAW_STATE_DIR: ${q(CONTAINER_STATE_DIR)}`,
    `      OPENCLAW_CONFIG_PATH: ${q(`${CONTAINER_STATE_DIR}/openclaw.json`)}`,
    `      OPENCLAW_SANDBOXD_SECRET: ${q(SECRET_REF)}`,
    // sandboxd creates containers on the host's engine: bind sources must be host paths, so it
    // needs to know where the state and workspace folders are on the host.
    '      OPENCLAW_SANDBOXD_HOST_STATE_DIR: "${OPENCLAW_CONFIG_DIR}"',
    '      OPENCLAW_SANDBOXD_HOST_WORKSPACE_DIR: "${OPENCLAW_WORKSPACE_DIR}"',
    '    volumes:',
    ...bind('${OPENCLAW_CONFIG_DIR}', CONTAINER_STATE_DIR),
    ...bind('${OPENCLAW_WORKSPACE_DIR}', CONTAINER_WORKSPACE_DIR),
    ...bind(settings.socket, CONTAINER_DOCKER_SOCKET),
    ...(settings.socketGid !== undefined
      ? ['    group_add:', `      - ${q(String(settings.socketGid))}`]
      : []),
    '    healthcheck:',
    '      test:',
    ...['CMD', 'node', '-e', SANDBOXD_HEALTHCHECK].map((arg) => `        - ${q(arg)}`),
    '      interval: "10s"',
    '      timeout: "5s"',
    '      retries: 5',
    '      start_period: "10s"',
    '    init: true',
    '    restart: "unless-stopped"',
    '    cap_drop:',
    '      - "ALL"',
    '    security_opt:',
    '      - "no-new-privileges:true"',
    '    logging:',
    '      driver: "json-file"',
    '      options:',
    '        max-size: "10m"',
    '        max-file: "3"',
    '    labels:',
    `      ${q(STACK_LABEL)}: "1"`,
    '      "org.openclaw.desktop.service": "sandboxd"',
  ];
  return `${lines.join('\n')}\n`;
}

/** The socket's group on this host, when it can be read (Linux; Docker Desktop maps it itself). */
export async function dockerSocketGid(
  socket: string,
  platform: NodeJS.Platform = process.platform,
): Promise<number | undefined> {
  if (platform !== 'linux') return undefined;
  try {
    const stat = await fs.stat(socket);
    return stat.gid;
  } catch {
    return undefined;
  }
}

/** Refuses a missing socket on Linux before any file is written: sandboxd could do nothing. */
export async function checkDockerSocket(
  socket: string,
  platform: NodeJS.Platform = process.platform,
): Promise<void> {
  if (platform !== 'linux') return;
  const stat = await fs.stat(socket).catch(() => undefined);
  if (!stat?.isSocket()) {
    throw new OpenClawError(
      ErrorCode.INVALID_ARGUMENT,
      `The agent sandbox needs the Docker engine's socket, and ${socket} ${stat ? 'is not a socket' : 'does not exist'}. Set OPENCLAW_DOCKER_SOCKET to the engine's socket path, or run without OPENCLAW_SANDBOX. Nothing was changed.`,
      { exitCode: 2 },
    );
  }
}

export type SandboxComposeAction = 'written' | 'unchanged' | 'removed' | 'absent';

/**
 * Bring `<dir>/docker-compose.sandbox.yml` in line with `settings`: written (atomically) when on,
 * removed when off. A file without the marker is the user's: STACK_FILE_CONFLICT, untouched.
 */
export async function writeSandboxCompose(
  dir: string,
  settings: SandboxSettings,
): Promise<{ file: string; action: SandboxComposeAction }> {
  const file = path.join(dir, SANDBOX_COMPOSE_FILE);
  const next = renderSandboxCompose(settings);
  let current: string | undefined;
  try {
    current = await fs.readFile(file, 'utf8');
  } catch (err) {
    if (systemErrorCode(err) !== 'ENOENT') throw err;
  }
  if (current !== undefined && !isGeneratedExtraCompose(current)) {
    throw new OpenClawError(
      ErrorCode.STACK_FILE_CONFLICT,
      `${file} was not written by setup (its first line is not the "Generated by OpenClaw Desktop" marker), so setup will not ${next === null ? 'remove' : 'replace'} it. Rename or delete it, then run setup again.`,
      { details: { file } },
    );
  }
  if (next === null) {
    if (current === undefined) return { file, action: 'absent' };
    await fs.rm(file, { force: true });
    return { file, action: 'removed' };
  }
  if (current === next) return { file, action: 'unchanged' };
  await writeFileAtomic(file, next, { mode: 0o644, forceMode: true, dirMode: 0o700 });
  return { file, action: 'written' };
}
