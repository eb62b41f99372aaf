/**
 * The environment a sandbox container starts with. The sandbox runs code the model wrote, so a
 * credential put in `docker.env` by mistake (or copied from a shell profile) is dropped here
 * rather than handed to it; odd but harmless values are only reported.
 */

const SECRET_SUFFIXES = ['_API_KEY', '_APIKEY', '_TOKEN', '_PASSWORD', '_SECRET', '_PRIVATE_KEY'];
const SECRET_NAMES = new Set([
  'API_KEY',
  'TOKEN',
  'PASSWORD',
  'SECRET',
  'GH_TOKEN',
  'GITHUB_TOKEN',
  'AWS_ACCESS_KEY_ID',
  'AWS_SECRET_ACCESS_KEY',
  'AWS_SESSION_TOKEN',
  'OPENCLAW_GATEWAY_TOKEN',
  'OPENCLAW_GATEWAY_PASSWORD',
]);
const LONG_VALUE_BYTES = 32 * 1024;
const BASE64_LIKE = /^[A-Za-z0-9+/=_-]{80,}$/;

export function isSecretEnvName(name: string): boolean {
  const upper = name.toUpperCase();
  return SECRET_NAMES.has(upper) || SECRET_SUFFIXES.some((s) => upper.endsWith(s));
}

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
