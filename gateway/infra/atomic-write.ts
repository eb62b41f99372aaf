/**
 * Durable file replacement: temp file in the same directory (O_EXCL), write, fsync, rename over the
 * target, fsync the directory. Readers always see the old or the new content, never a torn file.
 */
import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { ErrorCode, OpenClawError, systemErrorCode } from './errors.js';

export interface AtomicWriteOptions {
  /** File mode for a new file; an existing file keeps its mode unless `forceMode` is set. */
  mode?: number;
  forceMode?: boolean;
  /** Directory mode when parents have to be created. */
  dirMode?: number;
}

const RENAME_RETRY_CODES = new Set(['EPERM', 'EACCES', 'EBUSY']);

async function renameWithRetry(from: string, to: string): Promise<void> {
  // Windows: antivirus or an indexer can hold the target briefly. Retry with backoff, never fall
  // back to truncate-and-write.
  let delay = 10;
  for (let attempt = 0; ; attempt += 1) {
    try {
      await fs.rename(from, to);
      return;
    } catch (err) {
      const code = systemErrorCode(err);
      if (process.platform !== 'win32' || !code || !RENAME_RETRY_CODES.has(code) || attempt >= 12)
        throw err;
      await new Promise((resolve) => setTimeout(resolve, delay));
      delay = Math.min(delay * 2, 1000);
    }
  }
}

async function fsyncDirectory(dir: string): Promise<void> {
  if (process.platform === 'win32') return;
  let handle: fs.FileHandle | undefined;
  try {
    handle = await fs.open(dir, 'r');
    await handle.sync();
  } catch {
    // Some filesystems (and some container mounts) refuse fsync on a directory; the rename stands.
  } finally {
    await handle?.close();
  }
}

export async function writeFileAtomic(
  target: string,
  data: string | Uint8Array,
  options: AtomicWriteOptions = {},
): Promise<void> {
  const dir = path.dirname(target);
  await fs.mkdir(dir, { recursive: true, mode: options.dirMode ?? 0o700 });

  let mode = options.mode ?? 0o600;
  if (!options.forceMode) {
    try {
      mode = (await fs.stat(target)).mode & 0o777;
    } catch {
      // new file: keep the requested mode
    }
  }

  const temp = path.join(
    dir,
    `.${path.basename(target)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`,
  );
  let handle: fs.FileHandle | undefined;
  try {
    handle = await fs.open(temp, 'wx', mode);
    await handle.writeFile(data);
    await handle.sync();
    await handle.close();
    handle = undefined;
    // open() applies the umask; chmod makes the mode exact (0600 for secrets).
    await fs.chmod(temp, mode).catch(() => {});
    await renameWithRetry(temp, target);
    await fsyncDirectory(dir);
  } catch (err) {
    await handle?.close().catch(() => {});
    await fs.rm(temp, { force: true }).catch(() => {});
    const code = systemErrorCode(err);
    const hint =
      code === 'EACCES' || code === 'EPERM'
        ? ` The directory is not writable by this user; fix its ownership (in Docker the gateway runs as uid 1000).`
        : code === 'ENOSPC'
          ? ' The disk is full; free some space and retry.'
          : '';
    throw new OpenClawError(
      ErrorCode.STATE_WRITE_FAILED,
      `Could not write ${target}: ${code ?? String(err)}.${hint}`,
      {
        cause: err,
      },
    );
  }
}

// `.<name>.<pid>.<12 hex>.tmp`: the temp files writeFileAtomic makes (see above).
const TEMP_NAME = /^\..+\.(\d+)\.[0-9a-f]{12}\.tmp$/;

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return systemErrorCode(err) === 'EPERM';
  }
}

/**
 * Removes the temp files of writers that died mid-write (`kill -9` between open and rename) from
 * `dirs`. A file counts as orphaned when its writer's pid is gone AND it is older than `minAgeMs`:
 * the age matters because the gateway, the CLI container and the app share these folders from
 * different pid namespaces, where a live writer's pid can look dead — and no atomic write lasts
 * anywhere near a minute. Returns the paths removed; unreadable folders are skipped.
 */
export async function removeOrphanTempFiles(
  dirs: readonly string[],
  options: { minAgeMs?: number; now?: number; isAlive?: (pid: number) => boolean } = {},
): Promise<string[]> {
  const minAgeMs = options.minAgeMs ?? 60_000;
  const now = options.now ?? Date.now();
  const isAlive = options.isAlive ?? processAlive;
  const removed: string[] = [];
  for (const dir of dirs) {
    const names = await fs.readdir(dir).catch(() => [] as string[]);
    for (const name of names) {
      const match = TEMP_NAME.exec(name);
      if (!match) continue;
      const pid = Number(match[1]);
      if (pid === process.pid || isAlive(pid)) continue;
      const file = path.join(dir, name);
      const info = await fs.lstat(file).catch(() => undefined);
      if (!info?.isFile() || now - info.mtimeMs < minAgeMs) continue;
      await fs.rm(file, { force: true }).then(
        () => removed.push(file),
        () => {},
      );
    }
  }
  return removed;
}
