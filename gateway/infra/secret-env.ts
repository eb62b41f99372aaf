/**
 * One answer, everywhere, to "is this environment variable a credential?": a tool's command on
 * the host, a sandbox container's configured env and the env sandboxd creates containers with
 * all drop the same names, so a key that is kept from one is kept from all.
 *
 * Secret: anything starting with `OPENCLAW_GATEWAY_` (token, password, URLs with credentials);
 * any name with a whole `_`-separated part KEY(S), APIKEY, TOKEN(S), SECRET(S), PASSWORD, PASSWD,
 * PASS, CREDENTIAL(S), AUTH, COOKIE or PRIVATE, or a part ending in APIKEY (so
 * `OPENAI_API_KEY`, `GH_TOKEN`, `AWS_SECRET_ACCESS_KEY`, `NPM_CONFIG__AUTH`,
 * `OPENCLAW_SANDBOXD_SECRET`); and a few well-known names without such a part (`DATABASE_URL`…).
 */
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

export function isSecretEnvName(name: string): boolean {
  const upper = name.toUpperCase();
  if (upper.startsWith('OPENCLAW_GATEWAY_')) return true;
  if (SECRET_NAMES.has(upper)) return true;
  // PWD and OLDPWD are the shell's working folder, not a password.
  if (upper === 'PWD' || upper === 'OLDPWD') return false;
  return upper.split(/_+/).some((part) => SECRET_PARTS.has(part) || part.endsWith('APIKEY'));
}
