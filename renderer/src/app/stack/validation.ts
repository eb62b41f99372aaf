/**
 * Live checks for the stack wizard, mirroring the host's rules (docker/stack/host-paths.ts,
 * mounts.ts, build-inputs.ts) closely enough that a value accepted here is very rarely refused on
 * submit. The host revalidates everything; its message is shown when it disagrees.
 */
import type { ExtraMount } from '../../../../electron/contract/host-api.js';

export const APT_PACKAGE_PATTERN = /^[a-z0-9][a-z0-9+.-]+$/;
export const VOLUME_NAME_PATTERN = /^[a-zA-Z0-9][a-zA-Z0-9_.-]+$/;
export const MAX_EXTRA_MOUNTS = 32;
export const MAX_APT_PACKAGES = 50;
const MAX_PATH = 1024;
const WINDOWS_DRIVE = /^[A-Za-z]:[\\/]/;
// eslint-disable-next-line no-control-regex -- refusing control characters is the point.
const FORBIDDEN = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\ufeff$`'"#{}]/;

/** Container paths a mount must not replace (the host refuses these exactly). */
const PROTECTED_TARGETS = ['/', '/home', '/home/node', '/root', '/tmp', '/var'];
const STACK_TARGETS = ['/home/node/.openclaw', '/home/node/.openclaw/workspace'];
/** Container folders the image needs (the host refuses anything inside them). */
const PROTECTED_PREFIXES = [
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

function describe(ch: string): string {
  if (ch === '\n' || ch === '\r') return 'a line break';
  if (ch === '\t') return 'a tab';
  const code = ch.codePointAt(0) ?? 0;
  if (code < 0x20 || (code >= 0x7f && code <= 0x9f) || code > 0x2000)
    return 'an invisible control character';
  return `"${ch}"`;
}

function forbidden(value: string): string | undefined {
  const m = FORBIDDEN.exec(value);
  return m ? describe(m[0]) : undefined;
}

function isUnder(path: string, root: string): boolean {
  return path === root || path.startsWith(`${root}/`);
}

export function isWindowsPath(value: string): boolean {
  return WINDOWS_DRIVE.test(value);
}

/** A host folder (config, workspace, mount source, home folder). */
export function checkHostFolder(value: string): string | undefined {
  const v = value.trim();
  if (v === '') return 'Enter a folder path.';
  if (v.length > MAX_PATH) return `The path is longer than ${MAX_PATH} characters.`;
  const bad = forbidden(v);
  if (bad)
    return `The path contains ${bad}, which the stack files cannot hold. Rename the folder or pick another one.`;
  const windows = isWindowsPath(v);
  if (!windows && !v.startsWith('/'))
    return 'Use a full (absolute) path, such as /home/me/projects or C:\\Users\\me\\projects.';
  if (v.startsWith('//')) return 'Network (UNC) paths are not supported; use a local folder.';
  if (!windows && v.includes('\\')) return 'Use forward slashes (/) in the path.';
  if ((windows ? v.slice(2) : v).split(/[\\/]/).some((s) => s === '.' || s === '..'))
    return 'Write the full path without "." or ".." parts.';
  if (v.includes(','))
    return 'The path contains ",", which separates mounts in the stack settings. Rename the folder.';
  if ((windows ? v.slice(2) : v).includes(':'))
    return 'The path contains ":", which separates the host and container paths. Rename the folder.';
  return undefined;
}

/** A container path for an extra mount. */
export function checkContainerPath(value: string): string | undefined {
  const v = value.trim();
  if (v === '') return 'Enter where the folder appears inside the container, e.g. /home/node/data.';
  if (v.length > MAX_PATH) return `The path is longer than ${MAX_PATH} characters.`;
  const bad = forbidden(v);
  if (bad) return `The path contains ${bad}, which is not allowed.`;
  if (!v.startsWith('/')) return 'Container paths start with /, e.g. /home/node/data.';
  if (v.includes('\\')) return 'Container paths use forward slashes.';
  if (/[:,]/.test(v)) return 'Container paths cannot contain ":" or ",".';
  if (v.split('/').some((s) => s === '.' || s === '..'))
    return 'Write the full path without "." or ".." parts.';
  const p = v.replace(/\/{2,}/g, '/').replace(/(.)\/+$/, '$1');
  if (p === '/')
    return 'A mount cannot replace the whole container (/). Pick a sub-folder such as /home/node/data.';
  if (p === '/home/node')
    return 'This would hide the home folder. Use the home volume step to keep /home/node.';
  if (STACK_TARGETS.includes(p))
    return 'This would hide the config or workspace folder. Mount into a sub-folder such as /home/node/.openclaw/workspace/data.';
  if (PROTECTED_TARGETS.includes(p))
    return 'This would replace a system folder of the container. Use a path such as /home/node/<name>.';
  const prefix = PROTECTED_PREFIXES.find((root) => isUnder(p, root));
  if (prefix) return `${prefix} belongs to the image. Use a path such as /home/node/<name>.`;
  return undefined;
}

export interface MountProblems {
  source?: string;
  target?: string;
}

/** Every mount's problems, including a container path used twice. */
export function checkMounts(mounts: readonly ExtraMount[]): MountProblems[] {
  const seen = new Map<string, number>();
  return mounts.map((m, i) => {
    const problems: MountProblems = {};
    const source = checkHostFolder(m.source);
    if (source) problems.source = source;
    const target = checkContainerPath(m.target);
    if (target) problems.target = target;
    else {
      const key = m.target
        .trim()
        .replace(/\/{2,}/g, '/')
        .replace(/(.)\/+$/, '$1');
      const earlier = seen.get(key);
      if (earlier !== undefined)
        problems.target = `Mount ${earlier + 1} already uses this container path.`;
      else seen.set(key, i);
    }
    return problems;
  });
}

export function checkAptPackage(name: string): string | undefined {
  if (!APT_PACKAGE_PATTERN.test(name))
    return `"${name}" is not a Debian package name: lowercase letters, digits and + . - only, at least 2 characters (e.g. jq, ffmpeg, python3-pip).`;
  if (name.length > 128) return 'Package names are at most 128 characters.';
  return undefined;
}

export function checkVolumeName(name: string): string | undefined {
  const v = name.trim();
  if (v === '') return 'Enter a volume name, e.g. openclaw-home.';
  if (!VOLUME_NAME_PATTERN.test(v) || v.length > 128)
    return 'Use letters, digits, "_", "." and "-", starting with a letter or digit (at least 2 characters).';
  return undefined;
}

export function checkPort(value: string): string | undefined {
  const v = value.trim();
  if (!/^[0-9]{1,5}$/.test(v)) return 'Enter a port number between 1 and 65535, e.g. 18789.';
  const n = Number(v);
  if (n < 1 || n > 65535) return 'Enter a port number between 1 and 65535, e.g. 18789.';
  return undefined;
}
