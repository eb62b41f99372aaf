/**
 * Serialises writers of one file across processes (gateway, CLI container, desktop app) with an
 * O_EXCL lock file next to it, and within this process with a promise queue. A lock left by a dead
 * process is taken over: at once when its pid is gone on this host, otherwise once it is older than
 * `staleMs` (holders keep locks for milliseconds, and pids mean nothing across containers).
 */
import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ErrorCode, OpenClawError, systemErrorCode } from './errors.js';

export interface FileLockOptions {
  /** Give up after this long (default 10 s). */
  timeoutMs?: number;
  /** A lock older than this is considered abandoned (default 10 s). */
  staleMs?: number;
}

interface LockOwner {
  pid: number;
  host: string;
  nonce: string;
  createdAt: number;
}

const queues = new Map<string, Promise<unknown>>();

function lockPathFor(target: string): string {
  return `${target}.lock`;
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return systemErrorCode(err) === 'EPERM';
  }
}

async function readOwner(
  lockPath: string,
): Promise<{ owner: LockOwner | undefined; mtimeMs: number } | undefined> {
  try {
    const [raw, stat] = await Promise.all([fs.readFile(lockPath, 'utf8'), fs.stat(lockPath)]);
    let owner: LockOwner | undefined;
    try {
      owner = JSON.parse(raw) as LockOwner;
    } catch {
      owner = undefined; // half-written by a process that died between open and write
    }
    return { owner, mtimeMs: stat.mtimeMs };
  } catch (err) {
    if (systemErrorCode(err) === 'ENOENT') return undefined;
    throw err;
  }
}

function isStale(
  info: { owner: LockOwner | undefined; mtimeMs: number },
  staleMs: number,
): boolean {
  const age = Date.now() - info.mtimeMs;
  if (
    info.owner &&
    info.owner.host === os.hostname() &&
    info.owner.pid !== process.pid &&
    !pidAlive(info.owner.pid)
  ) {
    return true;
  }
  return age > staleMs;
}

async function acquire(target: string, options: Required<FileLockOptions>): Promise<LockOwner> {
  const lockPath = lockPathFor(target);
  await fs.mkdir(path.dirname(lockPath), { recursive: true, mode: 0o700 });
  const owner: LockOwner = {
    pid: process.pid,
    host: os.hostname(),
    nonce: randomBytes(8).toString('hex'),
    createdAt: Date.now(),
  };
  const deadline = Date.now() + options.timeoutMs;
  let delay = 5;
  for (;;) {
    try {
      const handle = await fs.open(lockPath, 'wx', 0o600);
      try {
        await handle.writeFile(JSON.stringify(owner));
      } finally {
        await handle.close();
      }
      return owner;
    } catch (err) {
      if (systemErrorCode(err) !== 'EEXIST') throw err;
    }
    const info = await readOwner(lockPath);
    if (info && isStale(info, options.staleMs)) {
      // Take over by renaming the stale lock away first: two processes racing here cannot both win,
      // because only one rename of the same source succeeds.
      const grave = `${lockPath}.stale.${randomBytes(4).toString('hex')}`;
      try {
        await fs.rename(lockPath, grave);
        await fs.rm(grave, { force: true });
      } catch {
        // someone else took it over first
      }
      continue;
    }
    if (Date.now() > deadline) {
      throw new OpenClawError(
        ErrorCode.LOCK_TIMEOUT,
        `Timed out waiting for the lock on ${target}. Another OpenClaw process is writing it; if none is running, delete ${lockPath}.`,
        { details: { lockPath, owner: info?.owner } },
      );
    }
    await new Promise((resolve) => setTimeout(resolve, delay));
    delay = Math.min(delay * 2, 100);
  }
}

async function release(target: string, owner: LockOwner): Promise<void> {
  const lockPath = lockPathFor(target);
  const info = await readOwner(lockPath).catch(() => undefined);
  // Only remove our own lock: if it was taken over as stale, the file now belongs to someone else.
  if (info?.owner?.nonce === owner.nonce) await fs.rm(lockPath, { force: true });
}

/** Run `fn` while holding the lock for `target` (in-process queue + cross-process lock file). */
export async function withFileLock<T>(
  target: string,
  fn: () => Promise<T>,
  options: FileLockOptions = {},
): Promise<T> {
  const resolved = path.resolve(target);
  const opts = { timeoutMs: options.timeoutMs ?? 10_000, staleMs: options.staleMs ?? 10_000 };
  const previous = queues.get(resolved) ?? Promise.resolve();
  const run = previous
    .catch(() => {})
    .then(async () => {
      const owner = await acquire(resolved, opts);
      try {
        return await fn();
      } finally {
        await release(resolved, owner);
      }
    });
  const tail = run.catch(() => {});
  queues.set(resolved, tail);
  void tail.then(() => {
    if (queues.get(resolved) === tail) queues.delete(resolved);
  });
  return run;
}
