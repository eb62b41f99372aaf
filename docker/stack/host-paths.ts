/**
 * Rules for the paths that end up in `.env` and the compose files: host paths (POSIX, or Windows
 * with a drive letter) and container paths (always POSIX). Each check returns a message naming the
 * fix, or undefined when the path is fine.
 *
 * The character rules are what make the files safe to generate: every value is written raw into
 * `.env` (which compose v1 and v2 parse differently) and as a quoted YAML scalar that compose then
 * interpolates. So control characters, `$`, backticks, quotes, `#` and braces are refused outright
 * instead of escaped: no legitimate path needs them, and a refused value cannot be misparsed.
 */

/** Characters no stack path may contain (see the module comment for why each one). */
// eslint-disable-next-line no-control-regex -- finding control characters is the point.
const FORBIDDEN_CHAR = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\ufeff$`'"#{}]/;
const WINDOWS_DRIVE = /^[A-Za-z]:[\\/]/;
const MAX_PATH_LENGTH = 1024;

export function isWindowsDrivePath(value: string): boolean {
  return WINDOWS_DRIVE.test(value);
}

export function isAbsoluteHostPath(value: string): boolean {
  return value.startsWith('/') || isWindowsDrivePath(value);
}

function describeChar(ch: string): string {
  const code = ch.codePointAt(0) ?? 0;
  if (
    code < 0x20 ||
    (code >= 0x7f && code <= 0x9f) ||
    code === 0x2028 ||
    code === 0x2029 ||
    code === 0xfeff
  ) {
    if (ch === '\n' || ch === '\r') return 'a line break';
    if (ch === '\t') return 'a tab';
    return `a control character (U+${code.toString(16).toUpperCase().padStart(4, '0')})`;
  }
  return `"${ch}"`;
}

/** The first forbidden character, described for a message, or undefined. */
export function forbiddenCharacter(value: string): string | undefined {
  const match = FORBIDDEN_CHAR.exec(value);
  return match ? describeChar(match[0]) : undefined;
}

function segments(value: string, windows: boolean): string[] {
  return (windows ? value.slice(2) : value).split(windows ? /[\\/]/ : '/');
}

/**
 * Lower-cased, forward slashes, no repeated or trailing separator: the form the deny lists below
 * are compared in. Lower-casing is deliberate (macOS and Windows filesystems are case-insensitive,
 * so `/ETC` is `/etc` there), at the price of refusing `/Etc` on Linux too.
 */
export function comparablePath(value: string): string {
  const windows = isWindowsDrivePath(value);
  const body = (windows ? value.slice(2) : value).replace(/\\/g, '/').replace(/\/{2,}/g, '/');
  const trimmed = body.length > 1 ? body.replace(/\/+$/, '') : body;
  return (windows ? `${value.slice(0, 2)}${trimmed}` : trimmed).toLowerCase();
}

function isAtOrUnder(candidate: string, root: string): boolean {
  return candidate === root || candidate.startsWith(root.endsWith('/') ? root : `${root}/`);
}

/** Drop trailing separators (but keep a root like `/` or `C:\`). */
export function stripTrailingSeparators(value: string): string {
  const min = isWindowsDrivePath(value) ? 3 : 1;
  let end = value.length;
  while (end > min && (value[end - 1] === '/' || value[end - 1] === '\\')) end -= 1;
  return value.slice(0, end);
}

/** Shape rules shared by every host path: absolute, printable, no `..`, sane length. */
export function checkHostPathShape(value: string): string | undefined {
  if (value === '') return 'is empty; give an absolute path';
  if (value.length > MAX_PATH_LENGTH) return `is longer than ${MAX_PATH_LENGTH} characters`;
  const bad = forbiddenCharacter(value);
  if (bad)
    return `contains ${bad}, which is not allowed in paths used by the stack files; rename the folder or pick another one`;
  const windows = isWindowsDrivePath(value);
  if (!windows && !value.startsWith('/')) {
    return 'is not an absolute path; use a full path such as /home/me/data or C:\\Users\\me\\data';
  }
  if (!windows && value.includes('\\')) return 'contains a backslash; use forward slashes';
  if (value.startsWith('//')) return 'is a network (UNC) path; use a local folder';
  if (segments(value, windows).some((s) => s === '..' || s === '.')) {
    return 'contains "." or ".." segments; write the full path without them';
  }
  return undefined;
}

/** Shape rules for a path inside the container: absolute POSIX, no `:` or `,` (mount separators). */
export function checkContainerPathShape(value: string): string | undefined {
  if (value === '') return 'is empty; give an absolute container path such as /data';
  if (value.length > MAX_PATH_LENGTH) return `is longer than ${MAX_PATH_LENGTH} characters`;
  const bad = forbiddenCharacter(value);
  if (bad) return `contains ${bad}, which is not allowed in container paths`;
  if (!value.startsWith('/'))
    return 'is not an absolute container path; start it with / (for example /data)';
  if (value.includes('\\')) return 'contains a backslash; container paths use forward slashes';
  if (/[:,]/.test(value)) return 'contains ":" or ",", which separate mount entries';
  if (segments(value, false).some((s) => s === '..' || s === '.')) {
    return 'contains "." or ".." segments; write the full path without them';
  }
  return undefined;
}

// Host sources that hand the container the keys to the machine, or hide the host's own state.
const SENSITIVE_HOST_PREFIXES = [
  '/etc',
  '/proc',
  '/sys',
  '/dev',
  '/boot',
  '/run',
  '/var/run',
  '/root',
  '/var/lib/docker',
  '/private/etc',
  '/private/var/run',
];
// Too broad to mount as a whole (every user's files, or the system itself).
const TOO_BROAD_HOST_PATHS = [
  '/',
  '/home',
  '/users',
  '/var',
  '/usr',
  '/private',
  '/opt',
  '/mnt',
  '/media',
  '/volumes',
];
// Credential folders, wherever they live (a home dir, a backup, ...).
const CREDENTIAL_SEGMENTS = new Set(['.ssh', '.gnupg', '.aws', '.docker', '.kube', '.azure']);
// Time zone files are the one common, harmless read-only mount from /etc.
export const TIMEZONE_PATHS = ['/etc/localtime', '/etc/timezone'];

export interface HostSourceContext {
  /** The user's home directory: mounting it whole (or an ancestor) is refused. */
  homeDir?: string;
  /** Allow `/etc/localtime` and `/etc/timezone` (read-only extra mounts only). */
  allowTimezoneFiles?: boolean;
}

/**
 * Policy for a host path the container will see: no system directories, no Docker or other
 * runtime sockets, no credential folders, not the whole home directory. Shape is checked first.
 */
export function checkHostSource(
  value: string,
  context: HostSourceContext = {},
): string | undefined {
  const shape = checkHostPathShape(value);
  if (shape) return shape;
  const p = comparablePath(value);
  if (isWindowsDrivePath(value)) {
    const rest = p.slice(2);
    if (rest === '/' || rest === '') return 'is a whole drive; mount a specific folder instead';
    if (isAtOrUnder(rest, '/windows') || isAtOrUnder(rest, '/programdata')) {
      return 'is a Windows system folder; mount a folder of your own files instead';
    }
  } else {
    if (context.allowTimezoneFiles && TIMEZONE_PATHS.includes(p)) return undefined;
    // `/mnt/c` is a whole Windows drive under WSL.
    if (TOO_BROAD_HOST_PATHS.includes(p) || /^\/mnt\/[a-z]$/.test(p)) {
      return 'is too broad to share with the container; mount a specific sub-folder';
    }
    const sensitive = SENSITIVE_HOST_PREFIXES.find((root) => isAtOrUnder(p, root));
    if (sensitive) {
      return `is inside ${sensitive}, a system location that must not be shared with the container; mount a folder of your own files instead`;
    }
  }
  const parts = p.split('/');
  const last = parts[parts.length - 1] ?? '';
  if (/\.sock(\.raw)?$/.test(last) || last.includes('docker_engine')) {
    return 'looks like a Docker or runtime socket; the gateway never gets the Docker socket (sandboxing goes through sandboxd)';
  }
  const credential = parts.find((s) => CREDENTIAL_SEGMENTS.has(s));
  if (credential)
    return `is (or is inside) a ${credential} credentials folder; keep credentials out of the container`;
  if (context.homeDir) {
    const home = comparablePath(context.homeDir);
    if (p === home || (home !== '/' && isAtOrUnder(home, p))) {
      return 'is your whole home folder (or contains it); mount a specific sub-folder instead';
    }
  }
  return undefined;
}

// Container paths a mount must not replace: the system, the app, and the stack's own mounts.
const PROTECTED_TARGET_PREFIXES = [
  '/proc',
  '/sys',
  '/dev',
  '/app',
  '/usr',
  '/bin',
  '/sbin',
  '/lib',
  '/lib32',
  '/lib64',
  '/libx32',
  '/etc',
  '/boot',
  '/run',
  '/var/run',
];
const PROTECTED_TARGETS = [
  '/',
  '/home',
  '/home/node',
  '/home/node/.openclaw',
  '/home/node/.openclaw/workspace',
  '/root',
  '/tmp',
  '/var',
];

export interface ContainerTargetContext {
  allowTimezoneFiles?: boolean;
}

export function checkContainerTarget(
  value: string,
  context: ContainerTargetContext = {},
): string | undefined {
  const shape = checkContainerPathShape(value);
  if (shape) return shape;
  // Container paths are case-sensitive (Linux): compare exactly, only normalising slashes.
  const p = value.replace(/\/{2,}/g, '/').replace(/(.)\/+$/, '$1');
  if (context.allowTimezoneFiles && TIMEZONE_PATHS.includes(p)) return undefined;
  if (p === '/home/node')
    return 'would hide the home folder; use OPENCLAW_HOME_VOLUME to persist /home/node';
  if (p === '/home/node/.openclaw' || p === '/home/node/.openclaw/workspace') {
    return 'would hide the config or workspace mount; use OPENCLAW_CONFIG_DIR / OPENCLAW_WORKSPACE_DIR, or mount into a sub-folder such as /home/node/.openclaw/workspace/data';
  }
  if (PROTECTED_TARGETS.includes(p))
    return 'would replace a system folder of the container; mount somewhere such as /home/node/<name>';
  const prefix = PROTECTED_TARGET_PREFIXES.find((root) => isAtOrUnder(p, root));
  if (prefix)
    return `is inside ${prefix}, which the image needs; mount somewhere such as /home/node/<name>`;
  return undefined;
}
