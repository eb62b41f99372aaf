/**
 * The stack's `.env`: what makes a plain `docker compose ...` in the stack dir see the same paths,
 * port and token as setup. Updated in place (comments, unknown keys and order kept), written
 * atomically with mode 0600 because it holds the gateway token.
 *
 * Value format: compose v1.29 reads `.env` with python-dotenv, v2 with compose-go's parser, and the
 * two disagree on quotes and escapes (single quotes decode `\\` in one and not the other; double
 * quotes decode escapes differently). Unquoted values are read identically by both, provided they
 * have no `$` (interpolated by both), no `#` (older compose-go cuts a comment at any `#`), no quote
 * as first character, no leading/trailing blanks and no line breaks. Spaces inside and Windows
 * backslashes survive. So values are always written unquoted, and anything else is refused.
 */
import { promises as fs } from 'node:fs';
import { writeFileAtomic } from '../../gateway/infra/atomic-write.js';
import { ErrorCode, OpenClawError, systemErrorCode } from '../../gateway/infra/errors.js';
import { withFileLock } from '../../gateway/infra/file-lock.js';
import type { SetupInputs } from './inputs.js';
import { formatExtraMounts, formatHomeVolume } from './mounts.js';

export const COMPOSE_PROJECT_NAME = 'openclaw';

/** The keys setup owns, in the order they are appended to a new `.env`. */
export const MANAGED_ENV_KEYS = [
  'COMPOSE_PROJECT_NAME',
  'OPENCLAW_CONFIG_DIR',
  'OPENCLAW_WORKSPACE_DIR',
  'OPENCLAW_GATEWAY_PORT',
  'OPENCLAW_GATEWAY_PUBLISH_ADDRESS',
  'OPENCLAW_GATEWAY_BIND',
  'OPENCLAW_GATEWAY_TOKEN',
  'OPENCLAW_IMAGE',
  'OPENCLAW_EXTRA_MOUNTS',
  'OPENCLAW_HOME_VOLUME',
  'OPENCLAW_DOCKER_APT_PACKAGES',
] as const;
export type ManagedEnvKey = (typeof MANAGED_ENV_KEYS)[number];

/** `.env` keys that exist only while the agent sandbox is on; a run with it off removes them. */
export const SANDBOX_ENV_KEYS = ['OPENCLAW_SANDBOX', 'OPENCLAW_SANDBOXD_SECRET'] as const;

const KEY_PATTERN = /^[A-Za-z_][A-Za-z0-9_]*$/;
// `export KEY=value` or `KEY=value`, with optional blanks around the key.
const ASSIGNMENT = /^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_.-]*)\s*=(.*)$/;

/** Why `value` cannot be written unquoted for both compose parsers, or undefined. */
export function checkEnvValue(value: string): string | undefined {
  if (/[\r\n]/.test(value)) return 'contains a line break';
  // eslint-disable-next-line no-control-regex -- finding control characters is the point.
  if (/[\u0000-\u0008\u000b-\u001f\u007f]/.test(value)) return 'contains a control character';
  if (value.includes('$')) return 'contains "$", which compose would expand';
  if (value.includes('#')) return 'contains "#", which compose may read as a comment';
  if (/^["']/.test(value)) return 'starts with a quote';
  if (value !== value.trim()) return 'starts or ends with a blank';
  return undefined;
}

/** `KEY=value` for `.env`; throws STACK_INPUT_INVALID when the value cannot be written safely. */
export function formatEnvLine(key: string, value: string): string {
  if (!KEY_PATTERN.test(key)) {
    throw new OpenClawError(
      ErrorCode.STACK_INPUT_INVALID,
      `Invalid .env key ${JSON.stringify(key)}.`,
    );
  }
  const problem = checkEnvValue(value);
  if (problem) {
    throw new OpenClawError(
      ErrorCode.STACK_INPUT_INVALID,
      `Cannot write ${key} to .env: the value ${problem}. Choose a value (path, token) without it.`,
      { details: { key } },
    );
  }
  return `${key}=${value}`;
}

function unquote(raw: string): string {
  const v = raw.trim();
  const quote = v[0];
  if ((quote === '"' || quote === "'") && v.length >= 2) {
    const end = v.indexOf(quote, 1);
    if (end > 0) return v.slice(1, end);
  }
  // Unquoted: an inline comment starts at " #" (what both parsers agree on).
  const hash = v.search(/\s#/);
  return (hash >= 0 ? v.slice(0, hash) : v).trim();
}

/**
 * Values of a `.env` text, last assignment winning (as in both compose parsers). Meant for our own
 * files and the simple ones upstream writes: quotes are stripped, escapes are not interpreted.
 */
export function parseEnvText(text: string): Map<string, string> {
  const values = new Map<string, string>();
  for (const raw of text.split('\n')) {
    const line = raw.replace(/\r$/, '');
    if (/^\s*(#|$)/.test(line)) continue;
    const m = ASSIGNMENT.exec(line);
    if (m) values.set(m[1]!, unquote(m[2]!));
  }
  return values;
}

/** Values of the `.env` at `file`; an empty map when it does not exist. */
export async function readEnvFile(file: string): Promise<Map<string, string>> {
  try {
    return parseEnvText(await fs.readFile(file, 'utf8'));
  } catch (err) {
    if (systemErrorCode(err) === 'ENOENT') return new Map();
    throw new OpenClawError(
      ErrorCode.STATE_WRITE_FAILED,
      `Could not read ${file}: ${systemErrorCode(err) ?? String(err)}.`,
      {
        cause: err,
      },
    );
  }
}

/**
 * Pure upsert: each key's first assignment is replaced in place, later duplicates are dropped (both
 * parsers let the last one win, which would silently override ours), missing keys are appended in
 * the order given. Every assignment of a key in `remove` is dropped. Comments, blank lines,
 * unknown keys and the line ending style are kept.
 */
export function upsertEnvText(
  text: string,
  values: Readonly<Record<string, string>>,
  remove: readonly string[] = [],
): string {
  const eol = text.includes('\r\n') ? '\r\n' : '\n';
  const lines = text === '' ? [] : text.split(/\r?\n/);
  if (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  const pending = new Map(
    Object.entries(values).map(([k, v]) => [k, formatEnvLine(k, v)] as const),
  );
  const seen = new Set<string>();
  const out: string[] = [];
  for (const line of lines) {
    const key = /^\s*#/.test(line) ? undefined : ASSIGNMENT.exec(line.replace(/\r$/, ''))?.[1];
    if (key !== undefined && remove.includes(key) && !pending.has(key)) continue;
    if (key === undefined || !pending.has(key)) {
      out.push(line);
      continue;
    }
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(pending.get(key)!);
  }
  for (const [key, line] of pending) if (!seen.has(key)) out.push(line);
  return out.join(eol) + eol;
}

/** The managed values for `inputs` and the resolved token, in `.env` form. */
export function stackEnvValues(inputs: SetupInputs, token: string): Record<ManagedEnvKey, string> {
  return {
    COMPOSE_PROJECT_NAME,
    OPENCLAW_CONFIG_DIR: inputs.configDir,
    OPENCLAW_WORKSPACE_DIR: inputs.workspaceDir,
    OPENCLAW_GATEWAY_PORT: String(inputs.gatewayPort),
    OPENCLAW_GATEWAY_PUBLISH_ADDRESS: inputs.publishAddress,
    OPENCLAW_GATEWAY_BIND: inputs.gatewayBind,
    OPENCLAW_GATEWAY_TOKEN: token,
    OPENCLAW_IMAGE: inputs.image,
    OPENCLAW_EXTRA_MOUNTS: formatExtraMounts(inputs.extraMounts),
    OPENCLAW_HOME_VOLUME: formatHomeVolume(inputs.homeVolume),
    OPENCLAW_DOCKER_APT_PACKAGES: inputs.aptPackages.join(' '),
  };
}

/**
 * `env` without the keys `.env` owns. Compose lets the process environment override `.env`, so a
 * stale OPENCLAW_IMAGE or port in the app's (or a test's) environment would otherwise win over the
 * stack's own file and the app would run something else than a terminal `docker compose` does.
 */
export function withoutManagedEnv(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const out: NodeJS.ProcessEnv = { ...env };
  for (const key of [...MANAGED_ENV_KEYS, ...SANDBOX_ENV_KEYS]) delete out[key];
  return out;
}

export const ENV_FILE_MODE = 0o600;

/**
 * Upsert `values` into the `.env` at `file` under the cross-process lock (and drop the keys in
 * `options.remove`); atomic, mode 0600 (also tightening an existing file: it holds the token).
 * Every value is checked before anything is written. Returns whether the content changed.
 */
export async function upsertEnvFile(
  file: string,
  values: Readonly<Record<string, string>>,
  options: { remove?: readonly string[] } = {},
): Promise<{ changed: boolean }> {
  // Validate first so a bad value never leaves a half-updated lock/temp behind.
  for (const [key, value] of Object.entries(values)) formatEnvLine(key, value);
  return withFileLock(file, async () => {
    let current = '';
    try {
      current = await fs.readFile(file, 'utf8');
    } catch (err) {
      if (systemErrorCode(err) !== 'ENOENT') throw err;
    }
    const next = upsertEnvText(current, values, options.remove);
    if (next === current) {
      await fs.chmod(file, ENV_FILE_MODE).catch(() => {});
      return { changed: false };
    }
    await writeFileAtomic(file, next, { mode: ENV_FILE_MODE, forceMode: true });
    return { changed: true };
  });
}
