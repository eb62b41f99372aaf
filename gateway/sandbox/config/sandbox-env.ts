/**
 * The environment a sandbox container starts with. The sandbox runs code the model wrote, so a
 * credential put in `docker.env` by mistake (or copied from a shell profile) is dropped here
 * rather than handed to it; odd but harmless values are only reported.
 */
import { isSecretEnvName } from '../../infra/secret-env.js';

const LONG_VALUE_BYTES = 32 * 1024;
const BASE64_LIKE = /^[A-Za-z0-9+/=_-]{80,}$/;

export interface SanitizedEnv {
  env: Record<string, string>;
  /** Names left out, with the reason (never the value). */
  dropped: { name: string; reason: string }[];
  warnings: string[];
}

export function sanitizeSandboxEnv(input: Readonly<Record<string, string>>): SanitizedEnv {
  const env: Record<string, string> = {};
  const dropped: SanitizedEnv['dropped'] = [];
  const warnings: string[] = [];
  for (const [name, value] of Object.entries(input)) {
    if (isSecretEnvName(name)) {
      dropped.push({
        name,
        reason: 'looks like a secret; pass credentials to tools, not to the sandbox',
      });
      continue;
    }
    if (value.includes('\0')) {
      dropped.push({ name, reason: 'the value contains a NUL character' });
      continue;
    }
    if (Buffer.byteLength(value) > LONG_VALUE_BYTES)
      warnings.push(`sandbox env ${name} is longer than 32 KB`);
    else if (BASE64_LIKE.test(value))
      warnings.push(`sandbox env ${name} looks like an encoded key; check it is not a credential`);
    env[name] = value;
  }
  return { env, dropped, warnings };
}
