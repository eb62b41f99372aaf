/**
 * Non-interactive local onboarding (`openclaw onboard --non-interactive --accept-risk --mode local`):
 * the minimum config for a token-protected local gateway plus a seeded workspace and agent state
 * directories. Idempotent: a second run with the same options changes nothing but
 * `wizard.lastRunAt`; values the user already set are kept unless an option overrides them.
 */
import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { writeFileAtomic } from '../infra/atomic-write.js';
import { ErrorCode, OpenClawError } from '../infra/errors.js';
import { withFileLock } from '../infra/file-lock.js';
import { agentSessionsDir, type Env, expandUserPath, type StatePaths } from './paths.js';
import { getAtPath, parseConfigPath, setAtPath } from './config-path.js';
import { type ConfigSnapshot, updateConfigDocument } from './config-store.js';
import { GATEWAY_BIND_MODES, type GatewayBindMode, type SecretRef } from './config-types.js';
import { DEFAULT_GATEWAY_PORT, defaultAllowedOrigins } from './gateway-settings.js';
import { isPlainObject, jsonEqual } from './json-value.js';
import { writeWorkspaceTemplates } from './workspace-templates.js';

export interface LocalOnboardingOptions {
  env: Env;
  /** `--gateway-port`; default: keep the configured port, else 18789. */
  port?: number;
  /** `--gateway-bind`; default: keep the configured bind, else loopback. */
  bind?: GatewayBindMode;
  /** `--gateway-token`: stored as a literal. */
  gatewayToken?: string;
  /** `--gateway-token-ref-env <ENV>`: stored as `{source:"env", provider:"default", id: ENV}`. */
  gatewayTokenRefEnv?: string;
  /** `--workspace`; default: keep the configured one, else `<stateDir>/workspace`. */
  workspace?: string;
  /** Extra Control UI origins (e.g. the host-side published port), merged like the local ones. */
  extraAllowedOrigins?: string[];
  version?: string;
  commit?: string;
  /** Recorded as `wizard.lastRunCommand` (default "onboard"). */
  command?: string;
  now?: () => Date;
}

export interface OnboardingChange {
  kind: 'config' | 'file' | 'directory';
  /** A dotted config path or a file system path. */
  target: string;
  /** Human-readable; never contains a secret. */
  description: string;
}

export interface LocalOnboardingResult {
  changes: OnboardingChange[];
  warnings: string[];
  /** True when a new random gateway token was stored. */
  generatedToken: boolean;
  workspaceDir: string;
  snapshot: ConfigSnapshot;
}

const ENV_NAME = /^[A-Z_][A-Z0-9_]*$/;
const MAIN_AGENT_ID = 'main';

function invalid(message: string): OpenClawError {
  return new OpenClawError(ErrorCode.INVALID_ARGUMENT, message, { exitCode: 2 });
}

/** Options come from CLI flags: check them before anything is written. */
function checkOptions(opts: LocalOnboardingOptions): void {
  if (
    opts.port !== undefined &&
    !(Number.isInteger(opts.port) && opts.port >= 1 && opts.port <= 65535)
  ) {
    throw invalid(
      `--gateway-port must be a port number between 1 and 65535 (got ${String(opts.port)}).`,
    );
  }
  if (opts.bind !== undefined && !(GATEWAY_BIND_MODES as readonly string[]).includes(opts.bind)) {
    throw invalid(
      `--gateway-bind must be one of ${GATEWAY_BIND_MODES.join(', ')} (got ${String(opts.bind)}); use "lan" for 0.0.0.0.`,
    );
  }
  if (opts.gatewayToken !== undefined && opts.gatewayTokenRefEnv !== undefined) {
    throw invalid('Use either --gateway-token or --gateway-token-ref-env, not both.');
  }
  if (opts.gatewayToken !== undefined && opts.gatewayToken.trim() === '')
    throw invalid('--gateway-token must not be empty.');
  if (opts.gatewayTokenRefEnv !== undefined && !ENV_NAME.test(opts.gatewayTokenRefEnv)) {
    throw invalid(
      `--gateway-token-ref-env must be an environment variable name like OPENCLAW_GATEWAY_TOKEN (got "${opts.gatewayTokenRefEnv}").`,
    );
  }
}

function describeToken(value: unknown): string {
  if (isPlainObject(value) && typeof value.id === 'string')
    return `SecretRef ${String(value.source)}:${value.id}`;
  return 'a literal token (hidden)';
}

async function createDir(dir: string, changes: OnboardingChange[], mode?: number): Promise<void> {
  const created = await fs.mkdir(dir, { recursive: true, ...(mode === undefined ? {} : { mode }) });
  if (created !== undefined)
    changes.push({ kind: 'directory', target: dir, description: `created ${dir}` });
}

async function exists(file: string): Promise<boolean> {
  try {
    await fs.access(file);
    return true;
  } catch {
    return false;
  }
}

/** Seed bootstrap files; existing files are never touched. */
async function seedWorkspace(dir: string, changes: OnboardingChange[]): Promise<void> {
  for (const name of await writeWorkspaceTemplates(dir)) {
    changes.push({ kind: 'file', target: path.join(dir, name), description: `created ${name}` });
  }
}

async function ensureSessionIndex(file: string, changes: OnboardingChange[]): Promise<void> {
  // Same lock as the session store uses for this file, so a running gateway never sees it half-made.
  await withFileLock(file, async () => {
    if (await exists(file)) return;
    await writeFileAtomic(file, '{}\n', { mode: 0o600 });
    changes.push({
      kind: 'file',
      target: file,
      description: 'created empty session index sessions.json',
    });
  });
}

export async function applyLocalOnboarding(
  paths: StatePaths,
  opts: LocalOnboardingOptions,
): Promise<LocalOnboardingResult> {
  checkOptions(opts);
  const changes: OnboardingChange[] = [];
  const warnings: string[] = [];
  let generatedToken = false;
  const now = (opts.now ?? (() => new Date()))();

  const snapshot = await updateConfigDocument(
    paths,
    (doc) => {
      const get = (p: string) => getAtPath(doc, parseConfigPath(p));
      const set = (p: string, value: unknown, description?: string) => {
        if (jsonEqual(get(p), value)) return;
        setAtPath(doc, parseConfigPath(p), value);
        // lastRunAt changes on every run by design; it is bookkeeping, not a change worth listing.
        if (p !== 'wizard.lastRunAt') {
          changes.push({
            kind: 'config',
            target: p,
            description: description ?? `${p} = ${JSON.stringify(value)}`,
          });
        }
      };

      set('gateway.mode', 'local');
      const currentPort = get('gateway.port');
      const port = opts.port ?? (currentPort === undefined ? DEFAULT_GATEWAY_PORT : currentPort);
      set('gateway.port', port);
      set('gateway.bind', opts.bind ?? get('gateway.bind') ?? 'loopback');

      set('gateway.auth.mode', 'token');
      const currentToken = get('gateway.auth.token');
      if (opts.gatewayTokenRefEnv !== undefined) {
        const ref: SecretRef = { source: 'env', provider: 'default', id: opts.gatewayTokenRefEnv };
        set('gateway.auth.token', ref, `gateway.auth.token = ${describeToken(ref)}`);
        if (!opts.env[opts.gatewayTokenRefEnv]) {
          warnings.push(
            `${opts.gatewayTokenRefEnv} is not set in this environment; the gateway needs it at start.`,
          );
        }
      } else if (opts.gatewayToken !== undefined) {
        set(
          'gateway.auth.token',
          opts.gatewayToken,
          'gateway.auth.token = the token given with --gateway-token (hidden)',
        );
      } else if (currentToken === undefined || currentToken === '') {
        generatedToken = true;
        set(
          'gateway.auth.token',
          randomBytes(32).toString('hex'),
          'gateway.auth.token = a new random token (hidden)',
        );
      }

      const originPort = typeof port === 'number' ? port : DEFAULT_GATEWAY_PORT;
      const currentOrigins = get('gateway.controlUi.allowedOrigins');
      const origins = Array.isArray(currentOrigins) ? [...currentOrigins] : [];
      for (const origin of [
        ...defaultAllowedOrigins(originPort),
        ...(opts.extraAllowedOrigins ?? []),
      ]) {
        if (!origins.includes(origin)) origins.push(origin);
      }
      set('gateway.controlUi.allowedOrigins', origins);

      const workspace =
        opts.workspace !== undefined
          ? expandUserPath(opts.workspace, paths)
          : (get('agents.defaults.workspace') ?? paths.workspaceDir);
      set('agents.defaults.workspace', workspace);
      if (get('tools.profile') === undefined) set('tools.profile', 'coding');

      set('wizard.lastRunAt', now.toISOString());
      if (opts.version !== undefined) set('wizard.lastRunVersion', opts.version);
      if (opts.commit !== undefined) set('wizard.lastRunCommit', opts.commit);
      set('wizard.lastRunCommand', opts.command ?? 'onboard');
      set('wizard.lastRunMode', 'local');
    },
    { env: opts.env },
  );

  const defaults = snapshot.config.agents?.defaults;
  const workspaceDir = expandUserPath(defaults?.workspace ?? paths.workspaceDir, paths);
  await createDir(workspaceDir, changes);
  if (!defaults?.skipBootstrap) await seedWorkspace(workspaceDir, changes);

  await createDir(path.join(paths.agentsDir, MAIN_AGENT_ID, 'agent'), changes, 0o700);
  const sessionsDir = agentSessionsDir(paths, MAIN_AGENT_ID);
  await createDir(sessionsDir, changes, 0o700);
  await ensureSessionIndex(path.join(sessionsDir, 'sessions.json'), changes);

  return { changes, warnings, generatedToken, workspaceDir, snapshot };
}
