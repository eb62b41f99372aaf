/**
 * Stored model credentials: `<state>/agents/<agentId>/agent/auth-profiles.json`, the file OpenClaw
 * used until it moved to SQLite, and what existing installs still have. Shape:
 * `{ version: 1, profiles: { "openai:default": { type: "api_key", provider: "openai", key } } }`,
 * with `type: "token"` (`token`) and `type: "oauth"` (`access`, `refresh`, `expires` in ms) too.
 * The legacy flat form `{ "openrouter": { "apiKey": "..." } }` is read as well. The file is
 * kept at mode 0600: a looser file is tightened when read, and writes always set 0600.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import type { StatePaths } from '../../config/paths.js';
import { isPlainObject } from '../../config/json-value.js';
import { writeFileAtomic } from '../../infra/atomic-write.js';
import { ErrorCode, OpenClawError, systemErrorCode } from '../../infra/errors.js';
import { withFileLock } from '../../infra/file-lock.js';

export type AuthProfileCredential =
  | { type: 'api_key'; provider: string; key: string }
  | { type: 'token'; provider: string; token: string; expires?: number }
  | { type: 'oauth'; provider: string; access: string; refresh?: string; expires?: number };

export interface AuthProfilesFile {
  version: 1;
  profiles: Record<string, AuthProfileCredential>;
  /** Other top-level keys (order, lastGood, ...) are kept as they are on write. */
  [key: string]: unknown;
}

export interface StoredKey {
  key: string;
  /** Profile id such as `openai:default`, for "key from auth profile X" messages. */
  profileId: string;
  /**
   * An OAuth login whose access token has expired or is about to (within
   * OAUTH_REFRESH_MARGIN_MS) and that has a refresh token: renew it before use.
   */
  needsRefresh?: boolean;
}

/** Renew this long before expiry, so a token does not lapse between the check and the request. */
export const OAUTH_REFRESH_MARGIN_MS = 60_000;

export function authProfilesPath(paths: Pick<StatePaths, 'agentsDir'>, agentId: string): string {
  return path.join(paths.agentsDir, agentId, 'agent', 'auth-profiles.json');
}

function nonEmpty(value: unknown): string | undefined {
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;
}

function parseCredential(id: string, raw: unknown): AuthProfileCredential | undefined {
  if (!isPlainObject(raw)) return undefined;
  const provider = nonEmpty(raw.provider) ?? id.split(':')[0];
  if (!provider) return undefined;
  const expires = typeof raw.expires === 'number' ? raw.expires : undefined;
  if (raw.type === 'api_key' || (raw.type === undefined && (raw.key ?? raw.apiKey))) {
    const key = nonEmpty(raw.key) ?? nonEmpty(raw.apiKey);
    return key ? { type: 'api_key', provider, key } : undefined;
  }
  if (raw.type === 'token') {
    const token = nonEmpty(raw.token);
    return token ? { type: 'token', provider, token, expires } : undefined;
  }
  if (raw.type === 'oauth') {
    const access = nonEmpty(raw.access);
    return access
      ? { type: 'oauth', provider, access, refresh: nonEmpty(raw.refresh), expires }
      : undefined;
  }
  return undefined;
}

/** Unusable entries are skipped, never fatal: one bad profile must not hide the others. */
export function parseAuthProfiles(value: unknown): AuthProfilesFile {
  const out: AuthProfilesFile = { version: 1, profiles: {} };
  if (!isPlainObject(value)) return out;
  if (isPlainObject(value.profiles)) {
    for (const [id, raw] of Object.entries(value.profiles)) {
      const credential = parseCredential(id, raw);
      if (credential) out.profiles[id] = credential;
    }
    return out;
  }
  // Legacy flat map: provider → { apiKey }.
  for (const [provider, raw] of Object.entries(value)) {
    if (!isPlainObject(raw)) continue;
    const key = nonEmpty(raw.apiKey) ?? nonEmpty(raw.key);
    if (key) out.profiles[`${provider}:default`] = { type: 'api_key', provider, key };
  }
  return out;
}

async function readRaw(file: string): Promise<unknown> {
  let text: string;
  try {
    text = await fs.readFile(file, 'utf8');
  } catch (err) {
    if (systemErrorCode(err) === 'ENOENT') return undefined;
    throw new OpenClawError(
      ErrorCode.CONFIG_INVALID,
      `Cannot read model credentials ${file} (${systemErrorCode(err) ?? 'error'}). Check the file's owner and permissions.`,
      { cause: err },
    );
  }
  if (process.platform !== 'win32') {
    const stat = await fs.stat(file).catch(() => undefined);
    // Keys readable by others are a leak waiting to happen; tighten instead of refusing.
    if (stat && (stat.mode & 0o077) !== 0) await fs.chmod(file, 0o600).catch(() => {});
  }
  if (text.trim() === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new OpenClawError(
      ErrorCode.CONFIG_INVALID,
      `Model credentials ${file} are not valid JSON. Fix the file or remove it and add the key again.`,
    );
  }
}

export async function readAuthProfiles(
  paths: Pick<StatePaths, 'agentsDir'>,
  agentId: string,
): Promise<AuthProfilesFile> {
  return parseAuthProfiles(await readRaw(authProfilesPath(paths, agentId)));
}

/**
 * The key to use for a provider: `<provider>:default` first, then the first other profile of that
 * provider. Expired tokens without a way to renew them are skipped; an OAuth login with a refresh
 * token is returned with `needsRefresh` once it is within a minute of expiry.
 */
export function profileKeyFor(
  store: AuthProfilesFile,
  provider: string,
  now = Date.now(),
): StoredKey | undefined {
  const entries = Object.entries(store.profiles).filter(([, c]) => c.provider === provider);
  entries.sort(
    ([a], [b]) => Number(b === `${provider}:default`) - Number(a === `${provider}:default`),
  );
  for (const [profileId, credential] of entries) {
    if (credential.type === 'api_key') return { key: credential.key, profileId };
    if (credential.type === 'oauth' && credential.refresh && credential.expires !== undefined) {
      const stale = credential.expires - OAUTH_REFRESH_MARGIN_MS <= now;
      return { key: credential.access, profileId, ...(stale ? { needsRefresh: true } : {}) };
    }
    if (credential.expires !== undefined && credential.expires <= now) continue;
    return { key: credential.type === 'token' ? credential.token : credential.access, profileId };
  }
  return undefined;
}

/**
 * Store an API key as `<provider>:<name>` (default `default`), keeping every other profile and
 * top-level key. For the Model step and `openclaw models auth`; the file is written atomically at
 * mode 0600 under the cross-process lock.
 */
export async function saveAuthProfileKey(
  paths: Pick<StatePaths, 'agentsDir'>,
  agentId: string,
  entry: { provider: string; key: string; name?: string },
): Promise<string> {
  const key = entry.key.trim();
  if (!key) throw new OpenClawError(ErrorCode.INVALID_ARGUMENT, 'The API key is empty.');
  const profileId = `${entry.provider}:${entry.name ?? 'default'}`;
  await saveAuthProfile(paths, agentId, profileId, {
    type: 'api_key',
    provider: entry.provider,
    key,
  });
  return profileId;
}

/**
 * Store one profile as given (an OAuth login keeps provider-specific fields such as `accountId`
 * next to `access`/`refresh`/`expires`), replacing a profile of the same id and keeping the rest.
 */
export async function saveAuthProfile(
  paths: Pick<StatePaths, 'agentsDir'>,
  agentId: string,
  profileId: string,
  credential: AuthProfileCredential & Record<string, unknown>,
): Promise<void> {
  await updateAuthProfile(paths, agentId, profileId, () => Promise.resolve(credential));
}

/**
 * Read-modify-write of one profile under the cross-process lock: `update` sees the stored entry
 * as it is on disk now (raw, with every field) and returns its replacement, or undefined to leave
 * the file untouched. For an OAuth refresh this makes "has another process renewed it already?"
 * and the write one step, so two processes never spend the same single-use refresh token.
 */
export async function updateAuthProfile(
  paths: Pick<StatePaths, 'agentsDir'>,
  agentId: string,
  profileId: string,
  update: (
    current: Record<string, unknown> | undefined,
  ) => Promise<(AuthProfileCredential & Record<string, unknown>) | undefined>,
  lock: { timeoutMs?: number; staleMs?: number } = {},
): Promise<void> {
  const file = authProfilesPath(paths, agentId);
  await withFileLock(
    file,
    async () => {
      const raw = await readRaw(file);
      const doc: Record<string, unknown> =
        isPlainObject(raw) && isPlainObject(raw.profiles)
          ? { ...raw }
          : { version: 1, profiles: parseAuthProfiles(raw).profiles };
      const profiles = { ...(doc.profiles as Record<string, unknown>) };
      const current = profiles[profileId];
      const next = await update(isPlainObject(current) ? current : undefined);
      if (next === undefined) return;
      profiles[profileId] = next;
      doc.version = 1;
      doc.profiles = profiles;
      await writeFileAtomic(file, `${JSON.stringify(doc, null, 2)}\n`, {
        mode: 0o600,
        forceMode: true,
        dirMode: 0o700,
      });
    },
    lock,
  );
}
