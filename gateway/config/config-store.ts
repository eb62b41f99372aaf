/**
 * Reading and writing `openclaw.json`. Several processes write this file (the gateway, the CLI
 * container, the desktop app), so every write happens under the cross-process lock, is validated
 * before it touches the disk, is atomic, and keeps a ring of backups. `baseHash` gives optimistic
 * concurrency to clients that edited a copy: a stale edit is refused instead of overwriting.
 */
import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import JSON5 from 'json5';
import { writeFileAtomic } from '../infra/atomic-write.js';
import { ErrorCode, OpenClawError, systemErrorCode } from '../infra/errors.js';
import { withFileLock } from '../infra/file-lock.js';
import type { Env, StatePaths } from './paths.js';
import { getAtPath, parseConfigPath, setAtPath, unsetAtPath } from './config-path.js';
import { validateConfig } from './config-schema.js';
import type { ConfigIssue, OpenClawConfig } from './config-types.js';
import { effectiveEnv, substituteEnvVars } from './env-subst.js';
import { applyMergePatch } from './merge-patch.js';
import { cloneJson, deepFreeze, isPlainObject, jsonEqual } from './json-value.js';

export {
  REDACTED_PLACEHOLDER,
  redactConfigForClient,
  restoreRedactedSecrets,
} from './config-redact.js';

export type ConfigPaths = Pick<StatePaths, 'configPath'>;

export interface ConfigSnapshot {
  path: string;
  exists: boolean;
  /** File text as on disk; null when the file is missing or unreadable. */
  raw: string | null;
  /** The JSON5 document before `${VAR}` substitution (what writes start from); undefined if unparsable. */
  parsed: unknown;
  /** After `${VAR}` substitution: the values the gateway actually uses. */
  resolved: unknown;
  /** Validated view of `resolved` (invalid values left out, so defaults apply). Frozen. */
  config: OpenClawConfig;
  valid: boolean;
  issues: ConfigIssue[];
  /** sha256 (hex) of `raw`; null when the file is missing. The `baseHash` for later writes. */
  hash: string | null;
}

export interface ConfigWriteOptions {
  /** Expected hash of the file being replaced (null = expect no file); omit to skip the check. */
  baseHash?: string | null;
  env: Env;
  lockTimeoutMs?: number;
}

const BACKUP_COUNT = 3;
const FILE_MODE = 0o600;
const DIR_MODE = 0o700;

export function hashConfigRaw(raw: string): string {
  return createHash('sha256').update(raw, 'utf8').digest('hex');
}

type ParseResult = { ok: true; value: unknown } | { ok: false; issue: ConfigIssue };

function parseRaw(raw: string): ParseResult {
  if (raw.trim() === '') {
    return {
      ok: false,
      issue: {
        path: '',
        message: 'the config file is empty; write {} for defaults or restore openclaw.json.bak',
      },
    };
  }
  try {
    return { ok: true, value: JSON5.parse(raw) as unknown };
  } catch (err) {
    const e = err as { message?: unknown; lineNumber?: unknown; columnNumber?: unknown };
    const line = typeof e.lineNumber === 'number' ? e.lineNumber : undefined;
    const column = typeof e.columnNumber === 'number' ? e.columnNumber : undefined;
    const detail = String(e.message ?? err)
      .replace(/^JSON5:\s*/, '')
      .replace(/\s+at \d+:\d+$/, '');
    const where = line !== undefined ? ` at line ${line}, column ${column ?? '?'}` : '';
    return { ok: false, issue: { path: '', message: `JSON5 syntax error${where}: ${detail}` } };
  }
}

/** Build a snapshot from file text without touching the disk (null = no file). */
export function snapshotFromRaw(configPath: string, raw: string | null, env: Env): ConfigSnapshot {
  if (raw === null) {
    // A missing file means "all defaults"; the gateway's mode guard still refuses to start.
    return {
      path: configPath,
      exists: false,
      raw: null,
      parsed: {},
      resolved: {},
      config: {},
      valid: true,
      issues: [],
      hash: null,
    };
  }
  const hash = hashConfigRaw(raw);
  const parsed = parseRaw(raw);
  if (!parsed.ok) {
    return {
      path: configPath,
      exists: true,
      raw,
      parsed: undefined,
      resolved: undefined,
      config: {},
      valid: false,
      issues: [parsed.issue],
      hash,
    };
  }
  const substituted = substituteEnvVars(parsed.value, effectiveEnv(parsed.value, env));
  const validation = validateConfig(substituted.value);
  const issues = [...substituted.issues, ...validation.issues];
  return {
    path: configPath,
    exists: true,
    raw,
    parsed: parsed.value,
    resolved: deepFreeze(substituted.value),
    config: deepFreeze(validation.config),
    valid: issues.length === 0,
    issues,
    hash,
  };
}

async function readRaw(configPath: string): Promise<string | null> {
  try {
    return await fs.readFile(configPath, 'utf8');
  } catch (err) {
    if (systemErrorCode(err) === 'ENOENT') return null;
    throw new OpenClawError(
      ErrorCode.STATE_WRITE_FAILED,
      `Could not read ${configPath}: ${systemErrorCode(err) ?? String(err)}. Check that the file is readable by this user (in Docker the gateway runs as uid 1000).`,
      { cause: err },
    );
  }
}

export async function loadConfigSnapshot(paths: ConfigPaths, env: Env): Promise<ConfigSnapshot> {
  let raw: string | null;
  try {
    raw = await readRaw(paths.configPath);
  } catch (err) {
    // Unreadable is reported, not thrown, so diagnostic commands can still explain the problem.
    const message = err instanceof Error ? err.message : String(err);
    return {
      ...snapshotFromRaw(paths.configPath, null, env),
      exists: true,
      valid: false,
      issues: [{ path: '', message }],
    };
  }
  return snapshotFromRaw(paths.configPath, raw, env);
}

function summariseIssues(issues: readonly ConfigIssue[]): string {
  const shown = issues.slice(0, 5).map((i) => `${i.path || '(file)'}: ${i.message}`);
  if (issues.length > shown.length) shown.push(`… and ${issues.length - shown.length} more`);
  return shown.join('; ');
}

function invalidConfigError(issues: ConfigIssue[]): OpenClawError {
  return new OpenClawError(
    ErrorCode.CONFIG_INVALID,
    `Config not saved: ${issues.length} problem(s). ${summariseIssues(issues)}`,
    { details: { issues } },
  );
}

function checkBaseHash(current: string | null, baseHash: string | null | undefined): void {
  if (baseHash === undefined) return;
  if (baseHash !== null && typeof baseHash !== 'string') {
    throw new OpenClawError(ErrorCode.INVALID_ARGUMENT, 'baseHash must be a string or null.');
  }
  const currentHash = current === null ? null : hashConfigRaw(current);
  if (currentHash !== baseHash) {
    throw new OpenClawError(
      ErrorCode.CONFIG_CONFLICT,
      'config changed since you loaded it; reload and retry',
      {
        details: { baseHash, currentHash },
      },
    );
  }
}

/** `.bak` is the newest copy; older ones shift to `.bak.1`, `.bak.2`; the oldest falls off. */
async function rotateBackups(configPath: string, previousRaw: string): Promise<void> {
  const names = Array.from({ length: BACKUP_COUNT }, (_, i) =>
    i === 0 ? `${configPath}.bak` : `${configPath}.bak.${i}`,
  );
  for (let i = names.length - 1; i > 0; i -= 1) {
    await fs.rename(names[i - 1] as string, names[i] as string).catch((err: unknown) => {
      if (systemErrorCode(err) !== 'ENOENT') throw err;
    });
  }
  await writeFileAtomic(names[0] as string, previousRaw, {
    mode: FILE_MODE,
    forceMode: true,
    dirMode: DIR_MODE,
  });
}

/** Keep an unparsable file before replacing it: it may hold hand edits the user wants back. */
async function quarantine(configPath: string, previousRaw: string): Promise<string> {
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  for (let attempt = 0; ; attempt += 1) {
    const target = `${configPath}.clobbered-${stamp}${attempt === 0 ? '' : `-${attempt}`}`;
    try {
      await fs.writeFile(target, previousRaw, { flag: 'wx', mode: FILE_MODE });
      return target;
    } catch (err) {
      if (systemErrorCode(err) !== 'EEXIST' || attempt > 20) throw err;
    }
  }
}

/** Validate and replace the file. Caller holds the lock and has read `current`. */
async function commitLocked(
  configPath: string,
  raw: string,
  current: string | null,
  env: Env,
): Promise<ConfigSnapshot> {
  const next = snapshotFromRaw(configPath, raw, env);
  if (!next.valid) throw invalidConfigError(next.issues);
  if (current === raw) return next;
  if (current !== null) {
    if (parseRaw(current).ok) await rotateBackups(configPath, current);
    else await quarantine(configPath, current);
  }
  await writeFileAtomic(configPath, raw, { mode: FILE_MODE, forceMode: true, dirMode: DIR_MODE });
  return next;
}

function lockOptions(opts: ConfigWriteOptions): { timeoutMs?: number } {
  return opts.lockTimeoutMs === undefined ? {} : { timeoutMs: opts.lockTimeoutMs };
}

/** Replace the whole file with `raw` (JSON5, comments kept), after parsing and validating it. */
export async function writeConfigRaw(
  paths: ConfigPaths,
  raw: string,
  opts: ConfigWriteOptions,
): Promise<ConfigSnapshot> {
  if (typeof raw !== 'string')
    throw new OpenClawError(ErrorCode.INVALID_ARGUMENT, 'raw config must be a string.');
  return withFileLock(
    paths.configPath,
    async () => {
      const current = await readRaw(paths.configPath);
      checkBaseHash(current, opts.baseHash);
      return commitLocked(paths.configPath, raw, current, opts.env);
    },
    lockOptions(opts),
  );
}

/**
 * Read-modify-write of the parsed (un-substituted) document under the lock. `mutate` may change
 * the document in place or return a replacement. Nothing is written when the result is equal to
 * the current document, so no-op edits keep the file (and its comments) untouched. Otherwise the
 * file is rewritten as pretty JSON: JSON5 comments and formatting are lost on these edits.
 */
export async function updateConfigDocument(
  paths: ConfigPaths,
  mutate: (
    doc: Record<string, unknown>,
  ) => Record<string, unknown> | void | Promise<Record<string, unknown> | void>,
  opts: ConfigWriteOptions,
): Promise<ConfigSnapshot> {
  return withFileLock(
    paths.configPath,
    async () => {
      const current = await readRaw(paths.configPath);
      checkBaseHash(current, opts.baseHash);
      let doc: Record<string, unknown> = {};
      if (current !== null) {
        const parsed = parseRaw(current);
        if (!parsed.ok) {
          throw new OpenClawError(
            ErrorCode.CONFIG_INVALID,
            `The current config cannot be parsed (${parsed.issue.message}), so it cannot be edited key by key. Fix the file or replace it as a whole.`,
            { details: { issues: [parsed.issue] } },
          );
        }
        if (!isPlainObject(parsed.value)) {
          throw new OpenClawError(
            ErrorCode.CONFIG_INVALID,
            'The current config is not a JSON5 object; replace it as a whole.',
            {
              details: { issues: [{ path: '', message: 'must be an object' }] },
            },
          );
        }
        doc = parsed.value;
      }
      const before = cloneJson(doc);
      const next = (await mutate(doc)) ?? doc;
      if (!isPlainObject(next))
        throw new OpenClawError(ErrorCode.INVALID_ARGUMENT, 'The edited config must be an object.');
      if (jsonEqual(before, next)) return snapshotFromRaw(paths.configPath, current, opts.env);
      return commitLocked(
        paths.configPath,
        `${JSON.stringify(next, null, 2)}\n`,
        current,
        opts.env,
      );
    },
    lockOptions(opts),
  );
}

/** RFC 7396 merge patch (null deletes) on the un-substituted document; comments are lost. */
export async function patchConfig(
  paths: ConfigPaths,
  patch: unknown,
  opts: ConfigWriteOptions,
): Promise<ConfigSnapshot> {
  if (!isPlainObject(patch)) {
    throw new OpenClawError(
      ErrorCode.INVALID_ARGUMENT,
      'A config patch must be a JSON object, e.g. {"gateway":{"port":18789}}.',
    );
  }
  return updateConfigDocument(
    paths,
    (doc) => applyMergePatch(doc, patch) as Record<string, unknown>,
    opts,
  );
}

/** `openclaw config set a.b[0].c <value>`; missing parents are created. */
export async function setConfigValue(
  paths: ConfigPaths,
  dottedPath: string,
  value: unknown,
  opts: ConfigWriteOptions,
): Promise<ConfigSnapshot> {
  const segments = parseConfigPath(dottedPath);
  if (value === undefined) {
    throw new OpenClawError(
      ErrorCode.INVALID_ARGUMENT,
      `No value given for ${dottedPath}; use "openclaw config unset ${dottedPath}" to remove it.`,
    );
  }
  const copy = cloneJson(value);
  return updateConfigDocument(paths, (doc) => setAtPath(doc, segments, copy), opts);
}

/** `openclaw config unset a.b`; a path that does not exist leaves the file untouched. */
export async function unsetConfigValue(
  paths: ConfigPaths,
  dottedPath: string,
  opts: ConfigWriteOptions,
): Promise<ConfigSnapshot> {
  const segments = parseConfigPath(dottedPath);
  return updateConfigDocument(
    paths,
    (doc) => {
      unsetAtPath(doc, segments);
    },
    opts,
  );
}

/** Value at a dotted path (`gateway.auth.mode`, `agents.list[0].id`), or undefined. */
export function getConfigValue(config: unknown, dottedPath: string): unknown {
  return getAtPath(config, parseConfigPath(dottedPath));
}
