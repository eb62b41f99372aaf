/**
 * Compose commands for people to paste into a terminal: the stack folder first (`cd`), then the
 * compose CLI that was actually detected (v2 `docker compose` or v1 `docker-compose`), the very
 * `-f` files the app uses (without the extra file, `up` would drop the extra mounts) and `-p` when
 * the project is not the default one. Every argument is quoted for the shell it is meant for, so a
 * stack folder with spaces or quotes in its name still works when pasted.
 */
import path from 'node:path';
import { COMPOSE_PROJECT_NAME } from './env-file.js';

/** POSIX shells (bash, zsh, sh) or PowerShell (the Windows default terminal). */
export type TerminalShell = 'posix' | 'powershell';

export interface ComposeInvocation {
  /** argv prefix of the detected CLI: ['docker', 'compose'] or ['docker-compose']. */
  command: readonly string[];
  /** The compose project folder. */
  stackDir: string;
  /** The compose files in order (absolute, or relative to stackDir). */
  files: readonly string[];
  projectName: string;
}

export function terminalShellFor(platform: NodeJS.Platform): TerminalShell {
  return platform === 'win32' ? 'powershell' : 'posix';
}

// Characters the shell gives no meaning to in a bare word. PowerShell reads `,` as an array and
// a leading `@` as splatting; backslashes are plain there (Windows paths) but escapes in POSIX.
const SAFE_WORD: Record<TerminalShell, RegExp> = {
  posix: /^[A-Za-z0-9_@%+=:,./-]+$/,
  powershell: /^[A-Za-z0-9_+=:./\\-]+$/,
};

/** `arg` as one word of `shell`; left bare when nothing in it needs quoting. */
export function quoteShellArg(arg: string, shell: TerminalShell): string {
  if (SAFE_WORD[shell].test(arg)) return arg;
  // Single quotes are literal in both; only the quote itself needs care.
  if (shell === 'powershell') return `'${arg.replace(/['‘’‚‛]/g, (q) => q + q)}'`;
  return `'${arg.replace(/'/g, `'\\''`)}'`;
}

function pathApi(dir: string): path.PlatformPath {
  return /^[A-Za-z]:[\\/]/.test(dir) || dir.startsWith('\\\\') ? path.win32 : path.posix;
}

/** A compose file as it is named after `cd` into the stack folder. */
function fileArg(stackDir: string, file: string): string {
  const api = pathApi(stackDir);
  if (!api.isAbsolute(file)) return file;
  const rel = api.relative(stackDir, file);
  return rel !== '' && !rel.startsWith('..') && !api.isAbsolute(rel) ? rel : file;
}

/** The compose CLI with its `-f` files and `-p` project, without the `cd`. */
export function composeArgv(invocation: ComposeInvocation): string[] {
  const argv = [...invocation.command];
  for (const file of invocation.files) argv.push('-f', fileArg(invocation.stackDir, file));
  if (invocation.projectName !== COMPOSE_PROJECT_NAME) argv.push('-p', invocation.projectName);
  return argv;
}

/**
 * `cd '<stack dir>' && <compose> -f … [-p …] <args…>` for `shell`. PowerShell gets `;` instead of
 * `&&`, which Windows PowerShell 5.1 (still the default on Windows 10) does not know.
 */
export function composeTerminalCommand(
  invocation: ComposeInvocation,
  args: readonly string[],
  shell: TerminalShell,
): string {
  const words = [...composeArgv(invocation), ...args].map((a) => quoteShellArg(a, shell));
  const cd = `cd ${quoteShellArg(invocation.stackDir, shell)}`;
  return `${cd}${shell === 'powershell' ? '; ' : ' && '}${words.join(' ')}`;
}
