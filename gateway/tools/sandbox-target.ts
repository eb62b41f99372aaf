/**
 * The execution target inside a sandbox container: the same tools, acting through `SandboxApi`
 * (sandboxd over HTTP, or the engine in this process), so it works wherever the engine runs.
 *
 * Paths are container paths: relative ones are under the container's workdir (`/workspace`),
 * absolute ones must be under the workdir or, when mounted, `/agent`. `..` is refused before
 * anything runs; then a small POSIX sh script (coreutils only, so any image works) resolves the
 * path with `realpath` INSIDE the container and refuses it when a symlink leads outside.
 *
 * Writes follow the mounts: with `workspaceAccess: "rw"` they run in the container. With `none`
 * and `ro` the workdir is the sandbox folder, mounted read-only, so a write there goes to that
 * same folder on the gateway's side (a confined `LocalWorkspaceTarget`) and the container sees it
 * at once; `/agent` is writable only with `rw`, and a write there says so.
 *
 * Commands run through sandboxd's process API (sandbox-process.ts): output streams while they
 * run, so they can go to the background like local ones (`exec` with `background` or past
 * `yieldMs`, then `process`), and a kill, a timeout or an abort ends them inside the container.
 * An engine without that API runs each command to its end as one exec (no input, output at the
 * end).
 */
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { ErrorCode, OpenClawError } from '../infra/errors.js';
import {
  SANDBOX_DEFAULTS,
  type SandboxApi,
  type SandboxExecResult,
  type SandboxPlan,
} from '../sandbox/contract.js';
import type {
  DirEntry,
  ExecutionTarget,
  ProcessExit,
  ProcessHandle,
  ReadResult,
  SpawnOptions,
} from './execution-target.js';
import { LocalWorkspaceTarget } from './local-target.js';
import { hasProcessApi, startSandboxProcess } from './sandbox-process.js';

const FILE_OP_TIMEOUT_MS = 60_000;
/** Output kept per stream for a command; the exec tool cuts it further for the model. */
const COMMAND_OUTPUT_BYTES = 1024 * 1024;

/**
 * `$1` op, `$2` the absolute container path, then the allowed roots. Exit codes: 91 outside,
 * 92 missing, 93 a folder, 94 too big (size on stdout), 95 not a folder, 96 dangling link.
 */
const SCRIPT = String.raw`
op=$1; p=$2; max=$3; shift 3
inside() { for r in "$@"; do rr=$(realpath -m -- "$r"); case "$t" in "$rr"|"$rr"/*) return 0;; esac; done; return 1; }
if [ "$op" = remove ]; then
  t=$(realpath -m -- "$(dirname -- "$p")") || exit 91; inside "$@" || exit 91
  f="$t/$(basename -- "$p")"
  [ -e "$f" ] || [ -L "$f" ] || exit 92
  if [ -d "$f" ] && [ ! -L "$f" ]; then exit 93; fi
  exec rm -f -- "$f"
fi
if [ -L "$p" ] && [ ! -e "$p" ]; then exit 96; fi
t=$(realpath -m -- "$p") || exit 91; inside "$@" || exit 91
case "$op" in
  read)
    [ -e "$t" ] || exit 92; [ -d "$t" ] && exit 93
    s=$(stat -c %s -- "$t"); [ "$s" -gt "$max" ] && { echo "$s"; exit 94; }
    echo "$s"; exec cat -- "$t";;
  stat)
    [ -e "$t" ] || exit 92; exec stat -c '%F	%s	%n' -- "$t";;
  list)
    [ -e "$t" ] || exit 92; [ -d "$t" ] || exit 95
    exec find "$t" -mindepth 1 -maxdepth 1 -printf '%y\t%s\t%f\0';;
  write)
    d=$(dirname -- "$t"); mkdir -p -- "$d" || exit 97
    t2=$(realpath -m -- "$d") || exit 91; case "$t2" in "$d") ;; *) t="$t2/$(basename -- "$t")";; esac
    inside "$@" || exit 91
    [ -d "$t" ] && exit 93
    cat > "$t" || exit 97; exec wc -c < "$t";;
esac
exit 2
`;

const quote = (value: string): string => `'${value.replace(/'/g, `'\\''`)}'`;

function refused(input: string, why: string): OpenClawError {
  return new OpenClawError(
    ErrorCode.TOOL_PATH_REFUSED,
    `Path "${input}" is refused: ${why}. Use a path inside the sandbox workspace, relative to it (for example "notes/todo.md").`,
    { details: { path: input } },
  );
}

function under(root: string, candidate: string): boolean {
  return candidate === root || candidate.startsWith(`${root}/`);
}

function kindOf(code: string): DirEntry['kind'] {
  if (code === 'f' || code.startsWith('regular')) return 'file';
  if (code === 'd' || code === 'directory') return 'dir';
  if (code === 'l' || code === 'symbolic link') return 'symlink';
  return 'other';
}

export class SandboxTarget implements ExecutionTarget {
  readonly description = 'the sandbox workspace';
  private readonly workdir: string;
  private readonly roots: string[];
  private readonly workdirWritable: boolean;
  private readonly hostSide: LocalWorkspaceTarget;

  constructor(
    private readonly api: SandboxApi,
    private readonly plan: SandboxPlan,
  ) {
    this.workdir = path.posix.normalize(plan.spec.workdir);
    const agentMount = plan.spec.binds.find((b) => b.target === SANDBOX_DEFAULTS.agentMount);
    this.roots = agentMount ? [this.workdir, SANDBOX_DEFAULTS.agentMount] : [this.workdir];
    this.workdirWritable = plan.spec.binds.some((b) => b.target === this.workdir && !b.readOnly);
    this.hostSide = new LocalWorkspaceTarget(plan.workspaceDir);
  }

  /** The absolute container path for a model-given path, after the lexical rules. */
  containerPath(input: string): string {
    if (typeof input !== 'string' || input.trim() === '')
      throw refused(String(input), 'it is empty');
    if (input.includes('\0')) throw refused(input, 'it contains a NUL character');
    if (input.split(/[\\/]+/).includes('..')) throw refused(input, 'it contains ".."');
    const abs = path.posix.normalize(
      input.startsWith('/') ? input : path.posix.join(this.workdir, input),
    );
    if (!this.roots.some((root) => under(root, abs)))
      throw refused(input, `it is outside ${this.roots.join(' and ')}`);
    return abs.length > 1 ? abs.replace(/\/+$/, '') : abs;
  }

  private async run(
    op: 'read' | 'stat' | 'list' | 'write' | 'remove',
    abs: string,
    extra: { max?: number; stdin?: string; signal?: AbortSignal } = {},
  ): Promise<SandboxExecResult> {
    if (extra.signal?.aborted)
      throw new OpenClawError(ErrorCode.CANCELLED, 'The tool call was cancelled.');
    const args = [op, abs, String(extra.max ?? 0), ...this.roots].map(quote).join(' ');
    return this.api.exec(
      {
        containerName: this.plan.containerName,
        command: `sh -c ${quote(SCRIPT)} sh ${args}`,
        workdir: this.workdir,
        timeoutMs: FILE_OP_TIMEOUT_MS,
        maxOutputBytes: (extra.max ?? 1024 * 1024) + 64,
        ...(extra.stdin !== undefined ? { stdin: extra.stdin } : {}),
      },
      extra.signal,
    );
  }

  private failure(input: string, result: SandboxExecResult): OpenClawError {
    switch (result.exitCode) {
      case 91:
        return refused(input, 'it leads outside the sandbox workspace through a symlink');
      case 92:
        return new OpenClawError(
          ErrorCode.NOT_FOUND,
          `"${input}" does not exist in the sandbox workspace; ls shows what is there.`,
        );
      case 93:
        return new OpenClawError(ErrorCode.INVALID_ARGUMENT, `"${input}" is a folder.`);
      case 95:
        return new OpenClawError(ErrorCode.INVALID_ARGUMENT, `"${input}" is not a folder.`);
      case 96:
        return refused(input, 'it is a symlink to something that does not exist');
      default:
        return new OpenClawError(
          result.timedOut ? ErrorCode.TIMEOUT : ErrorCode.INVALID_ARGUMENT,
          `"${input}" could not be accessed in the sandbox${result.timedOut ? ' (timed out)' : ''}: ${result.stderr.trim() || `exit code ${result.exitCode}`}.`,
        );
    }
  }

  /** A write to a read-only mount: the workdir's folder on the gateway side, else refused. */
  private hostPathFor(input: string, abs: string): string {
    if (under(this.workdir, abs)) {
      const rel = path.posix.relative(this.workdir, abs);
      return rel === '' ? '.' : rel;
    }
    throw new OpenClawError(
      ErrorCode.TOOL_PATH_REFUSED,
      `"${input}" is in ${SANDBOX_DEFAULTS.agentMount}, the agent workspace mounted read-only; writing there needs sandbox workspaceAccess "rw". Write under ${this.workdir} instead.`,
      { details: { path: input } },
    );
  }

  async readFile(
    input: string,
    options: { maxBytes: number; signal?: AbortSignal },
  ): Promise<ReadResult> {
    const result = await this.run('read', this.containerPath(input), {
      max: options.maxBytes,
      signal: options.signal,
    });
    if (result.exitCode === 94)
      throw new OpenClawError(
        ErrorCode.INVALID_ARGUMENT,
        `"${input}" is ${result.stdout.trim()} bytes, more than the ${options.maxBytes} bytes a read may return.`,
      );
    if (result.exitCode !== 0) throw this.failure(input, result);
    const newline = result.stdout.indexOf('\n');
    return {
      size: Number(result.stdout.slice(0, newline)),
      text: result.stdout.slice(newline + 1),
    };
  }

  async writeFile(
    input: string,
    content: string,
    options: { signal?: AbortSignal } = {},
  ): Promise<{ bytes: number }> {
    const abs = this.containerPath(input);
    if (abs === this.workdir) throw refused(input, 'it is the workspace folder itself');
    if (!this.writable(abs))
      return this.hostSide.writeFile(this.hostPathFor(input, abs), content, options);
    const result = await this.run('write', abs, { stdin: content, signal: options.signal });
    if (result.exitCode !== 0) throw this.failure(input, result);
    return { bytes: Number(result.stdout.trim()) };
  }

  async list(input: string, options: { signal?: AbortSignal } = {}): Promise<DirEntry[]> {
    const result = await this.run('list', this.containerPath(input), { signal: options.signal });
    if (result.exitCode !== 0) throw this.failure(input, result);
    return result.stdout
      .split('\0')
      .filter((line) => line !== '')
      .map((line) => {
        const [type = '', size = '', ...name] = line.split('\t');
        const kind = kindOf(type);
        return { name: name.join('\t'), kind, ...(kind === 'file' ? { size: Number(size) } : {}) };
      })
      .sort((a, b) => a.name.localeCompare(b.name));
  }

  async stat(input: string): Promise<DirEntry | undefined> {
    const result = await this.run('stat', this.containerPath(input));
    if (result.exitCode === 92) return undefined;
    if (result.exitCode !== 0) throw this.failure(input, result);
    const [type = '', size = '', ...name] = result.stdout.replace(/\n$/, '').split('\t');
    const kind = kindOf(type);
    return {
      name: path.posix.basename(name.join('\t')),
      kind,
      ...(kind === 'file' ? { size: Number(size) } : {}),
    };
  }

  async removeFile(input: string): Promise<void> {
    const abs = this.containerPath(input);
    if (this.roots.includes(abs)) throw refused(input, 'it is the workspace folder');
    if (!this.writable(abs)) return this.hostSide.removeFile(this.hostPathFor(input, abs));
    const result = await this.run('remove', abs);
    if (result.exitCode !== 0) throw this.failure(input, result);
  }

  private writable(abs: string): boolean {
    if (under(this.workdir, abs)) return this.workdirWritable;
    return this.plan.spec.binds.some(
      (b) => b.target === SANDBOX_DEFAULTS.agentMount && !b.readOnly,
    );
  }

  async spawn(command: string, options: SpawnOptions = {}): Promise<ProcessHandle> {
    // The working folder is checked lexically: the command runs in the sandbox either way.
    const workdir = this.containerPath(
      options.cwd && options.cwd.trim() !== '' ? options.cwd : '.',
    );
    const request = {
      containerName: this.plan.containerName,
      command,
      workdir,
      ...(options.env ? { env: options.env } : {}),
    };
    if (hasProcessApi(this.api)) {
      try {
        return await startSandboxProcess(this.api, request, options.signal);
      } catch (err) {
        // An image the runner cannot use: the command still runs, to its end, as one exec.
        const rule = (err as OpenClawError).details?.rule;
        if (rule !== 'runner-unavailable') throw err;
      }
    }
    return new SandboxCommand(this.api, { ...request, signal: options.signal });
  }
}

/** One exec as a process handle: output arrives when the command ends (no input). */
class SandboxCommand implements ProcessHandle {
  readonly pid = undefined;
  readonly stdout = new PassThrough();
  readonly stderr = new PassThrough();
  readonly exit: Promise<ProcessExit>;
  private readonly controller = new AbortController();

  constructor(
    api: SandboxApi,
    request: {
      containerName: string;
      command: string;
      workdir: string;
      env?: Record<string, string>;
      signal?: AbortSignal;
    },
  ) {
    const signal = request.signal
      ? AbortSignal.any([request.signal, this.controller.signal])
      : this.controller.signal;
    this.exit = api
      .exec(
        {
          containerName: request.containerName,
          command: request.command,
          workdir: request.workdir,
          ...(request.env ? { env: request.env } : {}),
          maxOutputBytes: COMMAND_OUTPUT_BYTES,
        },
        signal,
      )
      .then(
        (result) => {
          this.stdout.end(result.stdout);
          const note =
            result.truncatedBytes > 0
              ? `\n[${result.truncatedBytes} bytes of output left out in the middle]\n`
              : '';
          this.stderr.end(`${result.stderr}${note}`);
          return result.exitCode === null
            ? { code: null, signal: 'SIGKILL' }
            : { code: result.exitCode, signal: null };
        },
        (err: unknown) => {
          // Killed (abort or timeout): the engine has ended it inside the container.
          const message = signal.aborted ? '' : `${(err as Error).message}\n`;
          this.stdout.end();
          this.stderr.end(message);
          return signal.aborted ? { code: null, signal: 'SIGKILL' } : { code: 127, signal: null };
        },
      );
  }

  write(): Promise<void> {
    return Promise.reject(
      new OpenClawError(
        ErrorCode.INVALID_ARGUMENT,
        "Input to a running command is not available in this sandbox (its image cannot run sandboxd's command runner); pass the input in the command itself (a here-document or a pipe).",
      ),
    );
  }

  endInput(): void {}

  async kill(): Promise<void> {
    this.controller.abort();
    await this.exit;
  }
}
