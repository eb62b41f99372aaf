/**
 * The stack directory: the folder compose runs in (`docker-compose.yml`, optional
 * `docker-compose.extra.yml`, `.env`). `docker-setup.sh` uses the repository root itself; the
 * desktop app keeps its own copy of the template in an app-owned folder so an app update, not a
 * user's checkout, decides what runs. Either way a terminal `docker compose` in that folder sees
 * exactly what the app sees.
 */
import { existsSync, promises as fs } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeFileAtomic } from '../../gateway/infra/atomic-write.js';
import { ErrorCode, OpenClawError, systemErrorCode } from '../../gateway/infra/errors.js';
import { EXTRA_COMPOSE_FILE } from './extra-compose.js';
import type { SetupInputs } from './inputs.js';
import { SANDBOX_COMPOSE_FILE } from './sandbox-compose.js';

export const COMPOSE_FILE = 'docker-compose.yml';
export const ENV_FILE = '.env';

/** The template in this repository (`<repo>/docker-compose.yml`); packaged apps pass their own path. */
export const DEFAULT_COMPOSE_TEMPLATE_PATH = fileURLToPath(
  new URL('../../docker-compose.yml', import.meta.url),
);

export interface StackFiles {
  dir: string;
  composeFile: string;
  envFile: string;
  extraComposeFile: string;
  /** The agent sandbox overlay (sandboxd), present only while sandboxing is on. */
  sandboxComposeFile: string;
}

export function stackFiles(dir: string): StackFiles {
  return {
    dir,
    composeFile: path.join(dir, COMPOSE_FILE),
    envFile: path.join(dir, ENV_FILE),
    extraComposeFile: path.join(dir, EXTRA_COMPOSE_FILE),
    sandboxComposeFile: path.join(dir, SANDBOX_COMPOSE_FILE),
  };
}

export interface PrepareStackDirOptions {
  /** Path of the compose template to copy (default: the repository's docker-compose.yml). */
  composeTemplate?: string;
}

/**
 * Create the app-owned stack dir (0700: `.env` holds the token) and copy the template in as
 * `docker-compose.yml`, replacing an older copy. No-op for the file when the dir already holds the
 * template itself (the script's case).
 */
export async function prepareStackDir(
  dir: string,
  options: PrepareStackDirOptions = {},
): Promise<StackFiles & { changed: boolean }> {
  const files = stackFiles(path.resolve(dir));
  const template = path.resolve(options.composeTemplate ?? DEFAULT_COMPOSE_TEMPLATE_PATH);
  let text: string;
  try {
    text = await fs.readFile(template, 'utf8');
  } catch (err) {
    throw new OpenClawError(
      ErrorCode.NOT_FOUND,
      `The compose template ${template} could not be read (${systemErrorCode(err) ?? String(err)}). Reinstall the app or run setup from a complete checkout.`,
      { cause: err },
    );
  }
  if (!/^services:/m.test(text) || !text.includes('openclaw-gateway:')) {
    throw new OpenClawError(
      ErrorCode.CONFIG_INVALID,
      `${template} does not look like the OpenClaw compose template (no openclaw-gateway service).`,
    );
  }
  await fs.mkdir(files.dir, { recursive: true, mode: 0o700 });
  if (path.resolve(files.composeFile) === template) return { ...files, changed: false };
  let current: string | undefined;
  try {
    current = await fs.readFile(files.composeFile, 'utf8');
  } catch (err) {
    if (systemErrorCode(err) !== 'ENOENT') throw err;
  }
  if (current === text) return { ...files, changed: false };
  await writeFileAtomic(files.composeFile, text, { mode: 0o644, forceMode: true });
  return { ...files, changed: true };
}

/**
 * The compose files of the stack, in `-f` order: the template, then the extra file and the
 * sandbox overlay when present. The ONE list every compose command uses (setup, the app's stack
 * manager, diagnostics, the commands shown to the user), so none of them recreates the gateway
 * without the extras or sandboxd.
 */
export async function composeFiles(dir: string): Promise<string[]> {
  const files = stackFiles(path.resolve(dir));
  const list = [files.composeFile];
  for (const optional of [files.extraComposeFile, files.sandboxComposeFile]) {
    try {
      await fs.access(optional);
      list.push(optional);
    } catch {
      // not generated for this stack
    }
  }
  return list;
}

/**
 * `composeFiles` for callers that cannot wait (the text of a suggested command). The folder is
 * kept as given: the command is shown for the user's OS, which may not be this one.
 */
export function composeFilesSync(dir: string): string[] {
  const files = stackFiles(dir);
  return [
    files.composeFile,
    ...[files.extraComposeFile, files.sandboxComposeFile].filter((f) => existsSync(f)),
  ];
}

/** `['-f', a, '-f', b]` for the compose CLI. */
export function composeFileArgs(files: readonly string[]): string[] {
  return files.flatMap((f) => ['-f', f]);
}

/**
 * Host folders that must exist before `up`: long-form bind mounts fail on a missing source, and
 * Docker Desktop cannot create sub-folders of a bind mount from inside the container (upstream's
 * EACCES on `agents/main/agent`), so the usual ones are made here, by the host user.
 */
export function hostDirsToCreate(inputs: SetupInputs): string[] {
  const dirs = [
    inputs.configDir,
    path.join(inputs.configDir, 'identity'),
    path.join(inputs.configDir, 'agents', 'main', 'agent'),
    path.join(inputs.configDir, 'agents', 'main', 'sessions'),
    inputs.workspaceDir,
  ];
  if (inputs.homeVolume?.kind === 'bind') dirs.push(inputs.homeVolume.source);
  return dirs;
}

/** mkdir -p each of `hostDirsToCreate(inputs)` (new folders 0700); returns the list. */
export async function seedHostDirs(inputs: SetupInputs): Promise<string[]> {
  const dirs = hostDirsToCreate(inputs);
  for (const dir of dirs) {
    try {
      await fs.mkdir(dir, { recursive: true, mode: 0o700 });
    } catch (err) {
      throw new OpenClawError(
        ErrorCode.STATE_WRITE_FAILED,
        `Could not create ${dir}: ${systemErrorCode(err) ?? String(err)}. Create it yourself (owned by your user) and run setup again.`,
        { cause: err },
      );
    }
  }
  return dirs;
}

/** Sources of extra mounts that do not exist on this machine (compose would fail at `up`). */
export async function missingMountSources(inputs: SetupInputs): Promise<string[]> {
  const missing: string[] = [];
  for (const m of inputs.extraMounts) {
    try {
      await fs.stat(m.source);
    } catch {
      missing.push(m.source);
    }
  }
  return missing;
}
