/**
 * The execution target for a workspace folder on this machine (the gateway's container). Every
 * path is confined to the workspace at use: no `..` segments, no absolute path outside it, and
 * symlinks are resolved before each access, so a link planted to point outside is refused even
 * if it was created after an earlier check passed. The final component is opened with
 * O_NOFOLLOW, so a link swapped in between the check and the open is refused by the kernel.
 *
 * Commands run in a process group of their own with a working folder confined the same way and
 * an environment without the gateway's secrets (see local-process.ts and process-env.ts).
 * Why this and not `@openclaw/fs-safe`: see ARCHITECTURE.md, "Key decisions".
 */
import { constants, promises as fs, type Stats } from 'node:fs';
import path from 'node:path';
import { writeFileAtomic } from '../infra/atomic-write.js';
import { ErrorCode, OpenClawError } from '../infra/errors.js';
import type {
  DirEntry,
  ExecutionTarget,
  ProcessHandle,
  ReadResult,
  SpawnOptions,
} from './execution-target.js';
import { spawnLocal } from './local-process.js';
import { childEnv } from './process-env.js';

function outside(input: string, why: string): OpenClawError {
  return new OpenClawError(
    ErrorCode.TOOL_PATH_REFUSED,
    `Path "${input}" is refused: ${why}. Use a path inside the workspace, relative to it (for example "notes/todo.md").`,
    { details: { path: input } },
  );
}

function within(root: string, candidate: string): boolean {
  return candidate === root || candidate.startsWith(`${root}${path.sep}`);
}

function checkSignal(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new OpenClawError(ErrorCode.CANCELLED, 'The tool call was cancelled.');
}

export class LocalWorkspaceTarget implements ExecutionTarget {
  readonly description = 'the workspace';
  private realRoot?: Promise<string>;

  /**
   * @param root the workspace folder
   * @param baseEnv the environment commands start from, before secrets are removed (default: the
   *   gateway's own)
   */
  constructor(
    readonly root: string,
    private readonly baseEnv: NodeJS.ProcessEnv = process.env,
  ) {}

  /** The workspace's real path (created on first use, as upstream creates it on start). */
  private async rootReal(): Promise<string> {
    this.realRoot ??= fs
      .mkdir(this.root, { recursive: true })
      .then(() => fs.realpath(this.root))
      .catch((err: unknown) => {
        this.realRoot = undefined;
        throw err;
      });
    return this.realRoot;
  }

  /**
   * The absolute path for a model-given path, after the lexical rules (no NUL, no `..`, absolute
   * only inside the workspace) and the symlink rule (the deepest existing ancestor, resolved,
   * is inside the workspace).
   */
  async resolve(input: string): Promise<string> {
    if (typeof input !== 'string' || input.trim() === '')
      throw outside(String(input), 'it is empty');
    if (input.includes('\0')) throw outside(input, 'it contains a NUL character');
    const root = await this.rootReal();
    const lexicalRoot = path.resolve(this.root);
    let relative: string;
    if (path.isAbsolute(input)) {
      const abs = path.resolve(input);
      const base = within(root, abs) ? root : within(lexicalRoot, abs) ? lexicalRoot : undefined;
      if (!base) throw outside(input, 'it is an absolute path outside the workspace');
      relative = path.relative(base, abs);
    } else {
      if (input.split(/[\\/]+/).includes('..')) throw outside(input, 'it contains ".."');
      relative = path.normalize(input);
    }
    const target = path.join(root, relative);
    // Resolve the deepest part that exists: any symlink on the way must stay inside.
    let existing = target;
    let rest = '';
    for (;;) {
      try {
        const real = await fs.realpath(existing);
        if (!within(root, real))
          throw outside(input, 'it leads outside the workspace through a symlink');
        return rest ? path.join(real, rest) : real;
      } catch (err) {
        if (err instanceof OpenClawError) throw err;
        if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
        // A dangling symlink is an ENOENT from realpath too: refuse it rather than write through it.
        const link = await fs.lstat(existing).catch(() => undefined);
        if (link?.isSymbolicLink())
          throw outside(input, 'it is a symlink to something that does not exist');
        const parent = path.dirname(existing);
        if (parent === existing) throw outside(input, 'its folder does not exist');
        rest = rest ? path.join(path.basename(existing), rest) : path.basename(existing);
        existing = parent;
      }
    }
  }

  async readFile(
    input: string,
    options: { maxBytes: number; signal?: AbortSignal },
  ): Promise<ReadResult> {
    checkSignal(options.signal);
    const file = await this.resolve(input);
    const handle = await fs
      .open(file, constants.O_RDONLY | constants.O_NOFOLLOW)
      .catch((err: unknown) => {
        throw fsError(input, err);
      });
    try {
      const stat = await handle.stat();
      if (stat.isDirectory())
        throw new OpenClawError(
          ErrorCode.INVALID_ARGUMENT,
          `"${input}" is a folder; use ls to list it.`,
        );
      if (stat.size > options.maxBytes) {
        throw new OpenClawError(
          ErrorCode.INVALID_ARGUMENT,
          `"${input}" is ${stat.size} bytes, more than the ${options.maxBytes} bytes a read may return.`,
        );
      }
      const text = await handle.readFile({ encoding: 'utf8' });
      return { text, size: stat.size };
    } finally {
      await handle.close();
    }
  }

  async writeFile(
    input: string,
    content: string | Uint8Array,
    options: { signal?: AbortSignal } = {},
  ): Promise<{ bytes: number }> {
    checkSignal(options.signal);
    const file = await this.resolve(input);
    const root = await this.rootReal();
    if (file === root) throw outside(input, 'it is the workspace folder itself');
    await fs.mkdir(path.dirname(file), { recursive: true });
    // The folders just made may race with a planted link: check the parent again before opening.
    const parent = await fs.realpath(path.dirname(file));
    if (!within(root, parent))
      throw outside(input, 'it leads outside the workspace through a symlink');
    // Temp file and rename: a write that fails halfway (disk full, I/O error) leaves the old
    // file whole, so apply_patch's roll-back and the edit tool never see a truncated file.
    const data = typeof content === 'string' ? Buffer.from(content, 'utf8') : Buffer.from(content);
    await writeFileAtomic(path.join(parent, path.basename(file)), data, { mode: 0o644 }).catch(
      (err: unknown) => {
        throw fsError(input, err instanceof OpenClawError && err.cause ? err.cause : err);
      },
    );
    return { bytes: data.length };
  }

  async list(input: string, options: { signal?: AbortSignal } = {}): Promise<DirEntry[]> {
    checkSignal(options.signal);
    const dir = await this.resolve(input);
    const entries = await fs.readdir(dir, { withFileTypes: true }).catch((err: unknown) => {
      throw fsError(input, err);
    });
    const out: DirEntry[] = [];
    for (const entry of entries.sort((a, b) => a.name.localeCompare(b.name))) {
      const kind = entry.isDirectory()
        ? 'dir'
        : entry.isFile()
          ? 'file'
          : entry.isSymbolicLink()
            ? 'symlink'
            : 'other';
      const size =
        kind === 'file'
          ? (await fs.lstat(path.join(dir, entry.name)).catch(() => undefined))?.size
          : undefined;
      out.push({ name: entry.name, kind, ...(size !== undefined ? { size } : {}) });
    }
    return out;
  }

  async stat(input: string): Promise<DirEntry | undefined> {
    // A final symlink that dangles or leads outside is refused by resolve(); one that stays
    // inside is reported as what it points to.
    const file = await this.resolve(input);
    const stat = await fs.stat(file).catch((err: unknown) => {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw fsError(input, err);
    });
    if (!stat) return undefined;
    const kind = kindOf(stat);
    return { name: path.basename(file), kind, ...(kind === 'file' ? { size: stat.size } : {}) };
  }

  async removeFile(input: string): Promise<void> {
    const root = await this.rootReal();
    // The parent is resolved (and confined); the last component is removed as it is, so a link
    // is unlinked and never followed.
    if (!input || input.trim() === '') throw outside(String(input), 'it is empty');
    const lexical = path.normalize(input.replace(/[\\/]+$/, ''));
    const parent = await this.resolve(path.dirname(lexical) === '.' ? '.' : path.dirname(lexical));
    const file = path.join(parent, path.basename(lexical));
    if (!within(root, file) || file === root) throw outside(input, 'it is the workspace folder');
    const stat = await fs.lstat(file).catch((err: unknown) => {
      throw fsError(input, err);
    });
    if (stat.isDirectory())
      throw new OpenClawError(
        ErrorCode.INVALID_ARGUMENT,
        `"${input}" is a folder; only files can be deleted this way.`,
      );
    await fs.unlink(file).catch((err: unknown) => {
      throw fsError(input, err);
    });
  }

  async spawn(command: string, options: SpawnOptions = {}): Promise<ProcessHandle> {
    const cwd = await this.resolve(options.cwd && options.cwd.trim() !== '' ? options.cwd : '.');
    const stat = await fs.stat(cwd).catch((err: unknown) => {
      throw fsError(options.cwd ?? '.', err);
    });
    if (!stat.isDirectory())
      throw new OpenClawError(
        ErrorCode.INVALID_ARGUMENT,
        `workdir "${options.cwd}" is not a folder; use a folder inside the workspace.`,
      );
    return spawnLocal(command, {
      cwd,
      env: childEnv(this.baseEnv, options.env),
      ...(options.signal ? { signal: options.signal } : {}),
    });
  }
}

function kindOf(stat: Stats): DirEntry['kind'] {
  if (stat.isSymbolicLink()) return 'symlink';
  if (stat.isDirectory()) return 'dir';
  if (stat.isFile()) return 'file';
  return 'other';
}

function fsError(input: string, err: unknown): OpenClawError {
  const code = (err as NodeJS.ErrnoException).code;
  if (code === 'ENOENT')
    return new OpenClawError(
      ErrorCode.NOT_FOUND,
      `"${input}" does not exist in the workspace; ls shows what is there.`,
    );
  if (code === 'ELOOP') return outside(input, 'it is a symlink');
  if (code === 'ENOTDIR')
    return new OpenClawError(ErrorCode.INVALID_ARGUMENT, `"${input}" is not a folder.`);
  if (code === 'EISDIR')
    return new OpenClawError(ErrorCode.INVALID_ARGUMENT, `"${input}" is a folder.`);
  if (code === 'EACCES' || code === 'EPERM')
    return new OpenClawError(
      ErrorCode.INVALID_ARGUMENT,
      `"${input}" is not accessible (permission denied).`,
    );
  return new OpenClawError(
    ErrorCode.INVALID_ARGUMENT,
    `"${input}" could not be accessed (${code ?? 'error'}).`,
    { cause: err },
  );
}
