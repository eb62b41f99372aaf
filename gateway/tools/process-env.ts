/**
 * The environment a command started by a tool gets. The gateway's own environment holds its
 * token, password and provider keys; a model-driven shell that inherited them could print or
 * send them anywhere, so the child gets the gateway's environment minus every variable that
 * looks like a credential:
 *
 * - anything starting with `OPENCLAW_GATEWAY_` (token, password, remote URLs with credentials);
 * - any name that has, as a whole `_`-separated part or suffix, KEY, TOKEN, SECRET, PASSWORD,
 *   PASSWD, PASS, CREDENTIAL(S), AUTH, COOKIE or PRIVATE (so `OPENAI_API_KEY`,
 *   `GH_TOKEN`, `AWS_SECRET_ACCESS_KEY`, `DATABASE_PASSWORD`, `NPM_CONFIG__AUTH` all go);
 * - a few well-known names without such a part (`DATABASE_URL`, `REDIS_URL`, `GOOGLE_APPLICATION_CREDENTIALS`).
 *
 * Overrides the model passes in `env` are applied on top, except those that would hijack what
 * runs (`PATH`, `LD_*`, `DYLD_*`, `NODE_OPTIONS`, `BASH_ENV`, `ENV`), which are refused.
 */
import { ErrorCode, OpenClawError } from '../infra/errors.js';

const SECRET_PARTS = new Set([
  'KEY',
  'KEYS',
  'APIKEY',
  'TOKEN',
  'TOKENS',
  'SECRET',
  'SECRETS',
  'PASSWORD',
  'PASSWD',
  'PASS',
  'CREDENTIAL',
  'CREDENTIALS',
  'AUTH',
  'COOKIE',
  'PRIVATE',
]);

const SECRET_NAMES = new Set(['DATABASE_URL', 'REDIS_URL', 'MONGODB_URI', 'SENTRY_DSN']);

/** True when a variable must not reach a tool's command (see the rule above). */
export function isSecretEnvName(name: string): boolean {
  const upper = name.toUpperCase();
  if (upper.startsWith('OPENCLAW_GATEWAY_')) return true;
  if (SECRET_NAMES.has(upper)) return true;
  // PWD and OLDPWD are the shell's working folder, not a password.
  if (upper === 'PWD' || upper === 'OLDPWD') return false;
  return upper.split(/_+/).some((part) => SECRET_PARTS.has(part) || part.endsWith('APIKEY'));
}

const REFUSED_OVERRIDE = /^(PATH|LD_.*|DYLD_.*|NODE_OPTIONS|BASH_ENV|ENV)$/i;

/**
 * The child's environment: the base without secrets, `OPENCLAW_SHELL=exec` so shell profiles can
 * tell they run under the tool, then the caller's overrides.
 */
export function childEnv(
  base: NodeJS.ProcessEnv,
  overrides: Record<string, string> = {},
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(base)) {
    if (value !== undefined && !isSecretEnvName(name)) out[name] = value;
  }
  out.OPENCLAW_SHELL = 'exec';
  for (const [name, value] of Object.entries(overrides)) {
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) {
      throw new OpenClawError(
        ErrorCode.INVALID_ARGUMENT,
        `env name "${name}" is not a valid variable name (letters, digits and _, not starting with a digit).`,
      );
    }
    if (REFUSED_OVERRIDE.test(name)) {
      throw new OpenClawError(
        ErrorCode.INVALID_ARGUMENT,
        `env may not set ${name}: it would change which programs or code run. Call programs by their full path instead.`,
      );
    }
    if (typeof value !== 'string') {
      throw new OpenClawError(ErrorCode.INVALID_ARGUMENT, `env.${name} must be a string.`);
    }
    out[name] = value;
  }
  return out;
}
