/**
 * The sandbox's environment must not carry the gateway's credentials into a container an agent
 * controls: secret-looking keys are dropped at create (and logged by name only), as upstream
 * does. Values that merely look large or encoded are kept with a warning.
 */
import { isSecretEnvName } from '../../infra/secret-env.js';
const LARGE_VALUE = 32 * 1024;
const BASE64ISH = /^[A-Za-z0-9+/=_-]{80,}$/;
const KEY = /^[A-Za-z_][A-Za-z0-9_]*$/;

export interface SanitizedEnv {
  env: Record<string, string>;
  /** Keys left out: secret-looking, invalid names, or values with NUL. */
  dropped: string[];
  /** Keys kept but worth a look (very long or base64-like values). */
  suspicious: string[];
}

export function sanitizeSandboxEnv(input: Record<string, string>): SanitizedEnv {
  const env: Record<string, string> = {};
  const dropped: string[] = [];
  const suspicious: string[] = [];
  for (const [key, value] of Object.entries(input)) {
    if (!KEY.test(key) || value.includes('\0') || isSecretEnvName(key)) {
      dropped.push(key);
      continue;
    }
    if (value.length > LARGE_VALUE || BASE64ISH.test(value)) suspicious.push(key);
    env[key] = value;
  }
  return { env, dropped, suspicious };
}
