/**
 * The environment a command started by a tool gets. The gateway's own environment holds its
 * token, password and provider keys; a model-driven shell that inherited them could print or
 * send them anywhere, so the child gets the gateway's environment minus every variable that
 * looks like a credential:
 *
 * the rule in `gateway/infra/secret-env.ts` (shared with the sandbox), e.g. `OPENCLAW_GATEWAY_*`,
 * `OPENAI_API_KEY`, `GH_TOKEN`, `AWS_SECRET_ACCESS_KEY`, `NPM_CONFIG__AUTH`, `DATABASE_URL`.
 *
 * Overrides the model passes in `env` are applied on top, except those that would hijack what
 * runs (`PATH`, `LD_*`, `DYLD_*`, `NODE_OPTIONS`, `BASH_ENV`, `ENV`), which are refused.
 */
import { ErrorCode, OpenClawError } from '../infra/errors.js';
import { isSecretEnvName } from '../infra/secret-env.js';

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
