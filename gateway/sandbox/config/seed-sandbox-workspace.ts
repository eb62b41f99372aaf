/**
 * Prepares the sandbox's own workspace folder (used for `none` and `ro` access): the agent's
 * bootstrap files are copied in where missing so the sandboxed agent starts with the same
 * instructions. Nothing is ever overwritten (the sandbox may have edited its copy), and a file in
 * the agent workspace that is a symlink, or not a regular file, is skipped so a link cannot pull
 * a file from elsewhere on the host into the sandbox.
 */
import { constants } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import { WORKSPACE_TEMPLATES } from '../../config/workspace-templates.js';

export const SANDBOX_SEED_FILES: readonly string[] = [
  'AGENTS.md',
  'SOUL.md',
  'TOOLS.md',
  'IDENTITY.md',
  'USER.md',
  'BOOTSTRAP.md',
  'HEARTBEAT.md',
];

export interface SeedSandboxWorkspaceOptions {
  sandboxDir: string;
  agentWorkspaceDir: string;
  /** `agents.defaults.skipBootstrap`: when false, starter files fill what the agent lacks. */
  skipBootstrap?: boolean;
}

export interface SeedResult {
  /** File names created in the sandbox folder. */
  copied: string[];
  templated: string[];
  /** Names left out of the copy, with why (a symlink, not a file). */
  skipped: { name: string; reason: string }[];
}

function errorCode(err: unknown): string | undefined {
  return (err as NodeJS.ErrnoException | undefined)?.code;
}

/** Exclusive create: false when the file is already there. */
async function createOnce(file: string, data: string | Buffer): Promise<boolean> {
  try {
    await fs.writeFile(file, data, { flag: 'wx', mode: 0o644 });
    return true;
  } catch (err) {
    if (errorCode(err) === 'EEXIST') return false;
    throw err;
  }
}

async function readSeedSource(
  root: string,
  name: string,
): Promise<{ data?: Buffer; skip?: string }> {
  const file = path.join(root, name);
  let handle: fs.FileHandle;
  try {
    // O_NOFOLLOW refuses a symlink at open time, so a swap between a check and the read is moot.
    handle = await fs.open(file, constants.O_RDONLY | (constants.O_NOFOLLOW ?? 0));
  } catch (err) {
    const code = errorCode(err);
    if (code === 'ENOENT') return {};
    if (code === 'ELOOP' || code === 'EMLINK') return { skip: 'is a symlink' };
    throw err;
  }
  try {
    const st = await handle.stat();
    if (!st.isFile()) return { skip: 'is not a regular file' };
    return { data: await handle.readFile() };
  } finally {
    await handle.close();
  }
}

export async function seedSandboxWorkspace(
  options: SeedSandboxWorkspaceOptions,
): Promise<SeedResult> {
  const { sandboxDir, agentWorkspaceDir } = options;
  const result: SeedResult = { copied: [], templated: [], skipped: [] };
  await fs.mkdir(sandboxDir, { recursive: true });
  if (path.resolve(sandboxDir) === path.resolve(agentWorkspaceDir)) return result;
  for (const name of SANDBOX_SEED_FILES) {
    const source = await readSeedSource(agentWorkspaceDir, name);
    if (source.skip) result.skipped.push({ name, reason: source.skip });
    if (source.data && (await createOnce(path.join(sandboxDir, name), source.data)))
      result.copied.push(name);
  }
  if (options.skipBootstrap) return result;
  // BOOTSTRAP.md is a first-run ritual; only a copy from the agent brings it into the sandbox.
  for (const template of WORKSPACE_TEMPLATES) {
    if (template.firstRunOnly) continue;
    if (await createOnce(path.join(sandboxDir, template.name), template.text))
      result.templated.push(template.name);
  }
  return result;
}
