/**
 * The workspace's bootstrap files (AGENTS.md, SOUL.md, TOOLS.md, IDENTITY.md, USER.md, and
 * BOOTSTRAP.md / MEMORY.md when present), read for each run's system prompt with a cap per file
 * and in total, so a runaway file cannot crowd the conversation out of the context window. A
 * brand-new workspace gets short starter files (never over files that exist), unless
 * `agents.defaults.skipBootstrap` says the user manages them.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import type { OpenClawConfig } from '../../config/config-types.js';
import { writeWorkspaceTemplates } from '../../config/workspace-templates.js';
import { systemErrorCode } from '../../infra/errors.js';

/** In prompt order: how to work first, then persona, local notes, identity, the user, memory. */
export const BOOTSTRAP_FILES = [
  'AGENTS.md',
  'SOUL.md',
  'TOOLS.md',
  'IDENTITY.md',
  'USER.md',
  'BOOTSTRAP.md',
  'MEMORY.md',
] as const;

export const DEFAULT_FILE_MAX_CHARS = 20_000;
export const DEFAULT_TOTAL_MAX_CHARS = 60_000;
/** USER.md is a profile, not a diary: it has a tighter cap of its own (as upstream). */
export const USER_FILE_MAX_CHARS = 4_000;

export interface WorkspaceFile {
  name: string;
  content: string;
  /** Characters in the file; more than `content` holds when it was cut. */
  rawChars: number;
  truncated: boolean;
}

export interface BootstrapLimits {
  perFile: number;
  total: number;
}

export function bootstrapLimits(config: OpenClawConfig): BootstrapLimits {
  const defaults = config.agents?.defaults;
  const perFile = defaults?.bootstrapMaxChars;
  const total = defaults?.bootstrapTotalMaxChars;
  return {
    perFile: typeof perFile === 'number' && perFile > 0 ? perFile : DEFAULT_FILE_MAX_CHARS,
    total: typeof total === 'number' && total > 0 ? total : DEFAULT_TOTAL_MAX_CHARS,
  };
}

/** Keep the head and the tail (instructions at the end of a file often matter most). */
function cut(text: string, max: number): string {
  if (text.length <= max) return text;
  const marker = `\n\n[… ${text.length - max} characters cut; read the file for the rest …]\n\n`;
  const room = Math.max(0, max - marker.length);
  const head = Math.ceil(room * 0.7);
  return `${text.slice(0, head)}${marker}${text.slice(text.length - (room - head))}`;
}

/** One `readdir` instead of a stat per name: most workspaces hold only a few of the files. */
async function presentFiles(workspace: string): Promise<Set<string>> {
  try {
    const entries = await fs.readdir(workspace, { withFileTypes: true });
    // Regular files only: a link could pull a file from outside the workspace into the prompt.
    return new Set(entries.filter((e) => e.isFile()).map((e) => e.name));
  } catch (err) {
    if (systemErrorCode(err) === 'ENOENT' || systemErrorCode(err) === 'ENOTDIR') return new Set();
    throw err;
  }
}

/** Past this size only the head and the tail are read (the prompt keeps only those anyway). */
const WHOLE_FILE_BYTES = 1024 * 1024;
const PART_BYTES = 256 * 1024;

async function readIfFile(file: string): Promise<string | undefined> {
  let handle: fs.FileHandle | undefined;
  try {
    handle = await fs.open(file, 'r');
    const { size } = await handle.stat();
    if (size <= WHOLE_FILE_BYTES) return await handle.readFile('utf8');
    const head = Buffer.alloc(PART_BYTES);
    const tail = Buffer.alloc(PART_BYTES);
    await handle.read(head, 0, PART_BYTES, 0);
    await handle.read(tail, 0, PART_BYTES, size - PART_BYTES);
    return `${head.toString('utf8')}\n[…]\n${tail.toString('utf8')}`;
  } catch (err) {
    // Gone since the listing: not a file to inject.
    const code = systemErrorCode(err);
    if (code === 'ENOENT' || code === 'ENOTDIR' || code === 'EISDIR') return undefined;
    throw err;
  } finally {
    await handle?.close();
  }
}

/** The bootstrap files present in `workspace`, capped; missing and empty files are left out. */
export async function readWorkspaceFiles(
  workspace: string,
  limits: BootstrapLimits,
): Promise<WorkspaceFile[]> {
  const present = await presentFiles(workspace);
  const raw = await Promise.all(
    BOOTSTRAP_FILES.filter((name) => present.has(name)).map(async (name) => ({
      name,
      text: await readIfFile(path.join(workspace, name)),
    })),
  );
  const out: WorkspaceFile[] = [];
  let left = limits.total;
  for (const { name, text } of raw) {
    const trimmed = text?.trim();
    if (!trimmed || left <= 0) continue;
    const cap = Math.min(
      name === 'USER.md' ? Math.min(USER_FILE_MAX_CHARS, limits.perFile) : limits.perFile,
      left,
    );
    const content = cut(trimmed, cap);
    left -= content.length;
    out.push({ name, content, rawChars: trimmed.length, truncated: content !== trimmed });
  }
  return out;
}

/** Workspaces seen to exist: each run would otherwise check again (seeding is only for new ones). */
const existing = new Set<string>();

/**
 * Create the workspace with starter files when it does not exist yet. Returns the files written
 * (none when the folder was already there: a user's own workspace is never touched).
 */
export async function seedWorkspace(workspace: string, config: OpenClawConfig): Promise<string[]> {
  if (config.agents?.defaults?.skipBootstrap === true || existing.has(workspace)) return [];
  try {
    await fs.access(workspace);
    existing.add(workspace);
    return [];
  } catch (err) {
    if (systemErrorCode(err) !== 'ENOENT') throw err;
  }
  const written = await writeWorkspaceTemplates(workspace);
  existing.add(workspace);
  return written;
}
