/**
 * `OPENCLAW_EXTRA_MOUNTS` and `OPENCLAW_HOME_VOLUME`, in the upstream format so existing `.env`
 * files keep working: mounts are comma-separated `source:target[:ro|rw]`, the home volume is a
 * Docker volume name or an absolute host path. Sources may be Windows paths (`C:\Users\me\data`),
 * whose drive-letter colon is not a separator, and may contain spaces (the generated compose file
 * uses long-form entries, so nothing is split on spaces).
 */
import {
  checkContainerTarget,
  checkHostPathShape,
  checkHostSource,
  comparablePath,
  forbiddenCharacter,
  isAbsoluteHostPath,
  isWindowsDrivePath,
  stripTrailingSeparators,
  TIMEZONE_PATHS,
} from './host-paths.js';

export interface ExtraMount {
  /** Host path as given (trailing separators removed). */
  source: string;
  /** Absolute container path. */
  target: string;
  readOnly: boolean;
}

export type HomeVolume = { kind: 'volume'; name: string } | { kind: 'bind'; source: string };

export interface MountProblem {
  /** The offending entry as given (one mount, or the whole value when it cannot be split). */
  value: string;
  message: string;
}

export const MAX_EXTRA_MOUNTS = 32;
/** Docker's own rule for volume names. */
export const VOLUME_NAME_PATTERN = /^[a-zA-Z0-9][a-zA-Z0-9_.-]+$/;
const MAX_VOLUME_NAME_LENGTH = 128;

export interface MountContext {
  homeDir?: string;
}

function splitEntry(
  entry: string,
): { source: string; target: string; mode: string | undefined } | string {
  // A Windows drive letter's colon belongs to the source, not to the entry syntax.
  const drive = isWindowsDrivePath(entry) ? entry.slice(0, 2) : '';
  const parts = entry.slice(drive.length).split(':');
  if (parts.length < 2 || parts.length > 3) {
    return 'is not in the form source:target or source:target:ro (host path, container path, optional ro|rw)';
  }
  const [source = '', target = '', mode] = parts;
  if (source === '' || target === '' || mode === '') {
    return 'has an empty part; write it as /host/path:/container/path or /host/path:/container/path:ro';
  }
  return { source: drive + source, target, mode };
}

function parseEntry(entry: string, context: MountContext): ExtraMount | string {
  // Characters first: a line break or quote must be named as such, not as a shape problem.
  const bad = forbiddenCharacter(entry);
  if (bad)
    return `contains ${bad}, which is not allowed in mounts (it could change the generated compose file)`;
  const split = splitEntry(entry);
  if (typeof split === 'string') return split;
  const { target } = split;
  const source = stripTrailingSeparators(split.source);
  const mode = split.mode?.trim();
  if (mode !== undefined && mode !== 'ro' && mode !== 'rw') {
    return `has the option "${mode}"; only ro (read-only) and rw (read-write) are supported`;
  }
  const readOnly = mode === 'ro';
  const isTimezoneFile =
    TIMEZONE_PATHS.includes(comparablePath(source)) && !isWindowsDrivePath(source);
  if (isTimezoneFile && !readOnly)
    return `mounts ${source} read-write; time zone files may only be mounted with :ro`;
  const sourceProblem = checkHostSource(source, {
    homeDir: context.homeDir,
    allowTimezoneFiles: readOnly,
  });
  if (sourceProblem) return `host path ${source} ${sourceProblem}`;
  const targetProblem = checkContainerTarget(target, {
    allowTimezoneFiles: readOnly && isTimezoneFile,
  });
  if (targetProblem) return `container path ${target} ${targetProblem}`;
  return { source, target: target.replace(/(.)\/+$/, '$1'), readOnly };
}

/**
 * Parse the comma-separated list. Empty entries (a trailing comma) are skipped as upstream does;
 * every other entry is validated and every problem reported, naming the entry.
 */
export function parseExtraMounts(
  value: string | undefined,
  context: MountContext = {},
): { mounts: ExtraMount[]; problems: MountProblem[] } {
  const mounts: ExtraMount[] = [];
  const problems: MountProblem[] = [];
  if (value === undefined || value.trim() === '') return { mounts, problems };

  const entries = value
    .split(',')
    .map((e) => e.trim())
    .filter((e) => e !== '');
  if (entries.length > MAX_EXTRA_MOUNTS) {
    problems.push({
      value,
      message: `lists ${entries.length} mounts; at most ${MAX_EXTRA_MOUNTS} are allowed`,
    });
    return { mounts, problems };
  }
  const targets = new Map<string, string>();
  for (const entry of entries) {
    const parsed = parseEntry(entry, context);
    if (typeof parsed === 'string') {
      problems.push({ value: entry, message: `extra mount ${JSON.stringify(entry)}: ${parsed}` });
      continue;
    }
    const earlier = targets.get(parsed.target);
    if (earlier !== undefined) {
      problems.push({
        value: entry,
        message: `extra mount ${JSON.stringify(entry)}: container path ${parsed.target} is already used by ${JSON.stringify(earlier)}; give each mount its own container path`,
      });
      continue;
    }
    targets.set(parsed.target, entry);
    mounts.push(parsed);
  }
  return { mounts, problems };
}

/** Back to the `.env` form; `parseExtraMounts(formatExtraMounts(m))` gives `m` again. */
export function formatExtraMounts(mounts: readonly ExtraMount[]): string {
  return mounts.map((m) => `${m.source}:${m.target}${m.readOnly ? ':ro' : ''}`).join(',');
}

/**
 * `OPENCLAW_HOME_VOLUME`: empty means none; an absolute path is a bind mount of that host folder;
 * anything else must be a Docker volume name.
 */
export function parseHomeVolume(
  value: string | undefined,
  context: MountContext = {},
): { homeVolume: HomeVolume | undefined; problem?: string } {
  const v = value?.trim() ?? '';
  if (v === '') return { homeVolume: undefined };
  if (isAbsoluteHostPath(v) || v.includes('/') || v.includes('\\')) {
    const source = stripTrailingSeparators(v);
    const problem = isAbsoluteHostPath(v)
      ? checkHostSource(source, context)
      : checkHostPathShape(v);
    if (problem) return { homeVolume: undefined, problem: `host path ${v} ${problem}` };
    return { homeVolume: { kind: 'bind', source } };
  }
  const bad = forbiddenCharacter(v);
  if (bad || !VOLUME_NAME_PATTERN.test(v) || v.length > MAX_VOLUME_NAME_LENGTH) {
    return {
      homeVolume: undefined,
      problem:
        'is neither an absolute host path nor a Docker volume name (letters, digits, "_", "." and "-", starting with a letter or digit, at least 2 characters)',
    };
  }
  return { homeVolume: { kind: 'volume', name: v } };
}

export function formatHomeVolume(home: HomeVolume | undefined): string {
  if (!home) return '';
  return home.kind === 'volume' ? home.name : home.source;
}
