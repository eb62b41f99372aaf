/**
 * The execution target for a workspace folder on this machine (the gateway's container). Every
 * path is confined to the workspace at use: no `..` segments, no absolute path outside it, and
 * symlinks are resolved before each access, so a link planted to point outside is refused even
 * if it was created after an earlier check passed. The final component is opened with
 * O_NOFOLLOW, so a link swapped in between the check and the open is refused by the kernel.
 *
 * `@openclaw/fs-safe` (what upstream uses) declares Node ≥ 22 and is not among our dependencies;
 * this covers the same rules for the four file tools with Node's own fs.
 */
import { constants, promises as fs } from 'node:fs';
import path from 'node:path';
import { ErrorCode, OpenClawError } from '../infra/errors.js';
import type { DirEntry, ExecutionTarget, ReadResult } from './execution-target.js';

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

  constructor(readonly root: string) {}

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
    content: string,
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
    const handle = await fs
      .open(
        path.join(parent, path.basename(file)),
        constants.O_WRONLY | constants.O_CREAT | constants.O_TRUNC | constants.O_NOFOLLOW,
        0o644,
      )
      .catch((err: unknown) => {
        throw fsError(input, err);
      });
    try {
      const data = Buffer.from(content, 'utf8');
      await handle.writeFile(data);
      return { bytes: data.length };
    } finally {
      await handle.close();
    }
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
