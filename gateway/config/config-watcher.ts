/**
 * Notices changes to `openclaw.json` made by anyone (CLI container, desktop app, an editor). The
 * directory is watched rather than the file because atomic writes rename a new inode over the old
 * one, and a file watch stays attached to the old inode. A cheap stat poll runs as well: bind
 * mounts from macOS/Windows hosts into Docker often deliver no inotify events at all. Either
 * signal only schedules a re-read; listeners hear about it only when the content hash changed.
 */
import { type FSWatcher, promises as fs, watch } from 'node:fs';
import path from 'node:path';
import { type Disposable, toDisposable } from '../infra/disposable.js';
import { errorMessage } from '../infra/errors.js';
import { type Logger, silentLogger } from '../infra/logger.js';
import type { Env } from './paths.js';
import { joinConfigPath } from './config-path.js';
import { type ConfigPaths, type ConfigSnapshot, loadConfigSnapshot } from './config-store.js';
import { isPlainObject, jsonEqual } from './json-value.js';

export interface WatchConfigOptions {
  /** Quiet time after the last signal before re-reading (default 500 ms, like gateway.reload). */
  debounceMs?: number;
  /** Stat poll interval (default 2000 ms). */
  pollIntervalMs?: number;
  /** Set false to rely on polling alone (filesystems where watching is known to misbehave). */
  fsWatch?: boolean;
  /** The snapshot the caller already acts on; without it the watcher loads its own baseline. */
  initial?: ConfigSnapshot;
  logger?: Logger;
}

export type ConfigChangeListener = (next: ConfigSnapshot, changedPaths: string[]) => void;

const DEFAULT_DIFF_DEPTH = 6;
const HASH_EVERY_N_POLLS = 5;

/**
 * Dotted paths whose values differ. Objects are descended up to `maxDepth` levels; arrays and
 * anything deeper are compared whole and reported at their own path. A non-object root counts as
 * an empty object, so an unparsable file compared to a good one lists the good one's sections.
 */
export function diffConfigPaths(a: unknown, b: unknown, maxDepth = DEFAULT_DIFF_DEPTH): string[] {
  const out: string[] = [];
  const visit = (x: unknown, y: unknown, at: string, depth: number) => {
    if (jsonEqual(x, y)) return;
    if (isPlainObject(x) && isPlainObject(y) && depth < maxDepth) {
      const keys = new Set([...Object.keys(x), ...Object.keys(y)]);
      for (const key of [...keys].sort()) visit(x[key], y[key], joinConfigPath(at, key), depth + 1);
      return;
    }
    out.push(at);
  };
  visit(isPlainObject(a) ? a : {}, isPlainObject(b) ? b : {}, '', 0);
  return out;
}

async function statKey(file: string): Promise<string> {
  try {
    const st = await fs.stat(file);
    return `${st.ino}:${st.size}:${st.mtimeMs}:${st.ctimeMs}`;
  } catch {
    return 'missing';
  }
}

export function watchConfig(
  paths: ConfigPaths,
  env: Env,
  onChange: ConfigChangeListener,
  options: WatchConfigOptions = {},
): Disposable {
  const debounceMs = options.debounceMs ?? 500;
  const pollIntervalMs = options.pollIntervalMs ?? 2000;
  const logger = options.logger ?? silentLogger;
  const file = paths.configPath;
  const dir = path.dirname(file);
  const base = path.basename(file);

  let disposed = false;
  let current: ConfigSnapshot | undefined = options.initial;
  let lastStat: string | undefined;
  let dirWatcher: FSWatcher | undefined;
  let debounceTimer: NodeJS.Timeout | undefined;
  let checking = false;
  let recheck = false;

  const check = async (): Promise<void> => {
    if (checking) {
      recheck = true; // a signal arrived mid-read: read once more afterwards
      return;
    }
    checking = true;
    try {
      do {
        recheck = false;
        // Stat before reading: a write landing after our read then shows up on the next poll.
        lastStat = await statKey(file);
        const next = await loadConfigSnapshot(paths, env);
        if (disposed) return;
        if (current === undefined) {
          current = next; // first baseline, nothing to report
          continue;
        }
        if (next.hash === current.hash) continue;
        const changed = diffConfigPaths(current.resolved, next.resolved);
        current = next;
        try {
          onChange(next, changed);
        } catch (err) {
          logger.error('config change listener failed', { error: errorMessage(err) });
        }
      } while (recheck && !disposed);
    } finally {
      checking = false;
    }
  };

  const schedule = () => {
    if (disposed) return;
    if (debounceTimer) clearTimeout(debounceTimer);
    debounceTimer = setTimeout(() => {
      debounceTimer = undefined;
      check().catch((err: unknown) =>
        logger.warn('config re-read failed', { error: errorMessage(err) }),
      );
    }, debounceMs);
    debounceTimer.unref();
  };

  const ensureDirWatcher = () => {
    if (dirWatcher || disposed || options.fsWatch === false) return;
    try {
      dirWatcher = watch(dir, { persistent: false }, (_event, filename) => {
        // Some platforms omit the name; then any event in the directory is worth a stat.
        if (!filename || filename.toString() === base) schedule();
      });
      dirWatcher.on('error', (err) => {
        logger.debug('config directory watch failed; relying on polling', {
          error: errorMessage(err),
        });
        dirWatcher?.close();
        dirWatcher = undefined;
      });
    } catch (err) {
      // Directory missing (first run) or watch unsupported: polling covers it and retries.
      logger.debug('config directory not watchable yet', { dir, error: errorMessage(err) });
    }
  };

  // Filesystems with coarse timestamps (FAT, some network and VM mounts) can hide a same-size edit
  // from the stat key, so every few polls the content is re-read and hashed regardless.
  let pollsSinceRead = 0;
  const poll = setInterval(() => {
    ensureDirWatcher();
    pollsSinceRead += 1;
    statKey(file)
      .then((key) => {
        if (disposed) return;
        if (key !== lastStat || pollsSinceRead >= HASH_EVERY_N_POLLS) {
          pollsSinceRead = 0;
          schedule();
        }
      })
      .catch(() => {});
  }, pollIntervalMs);
  poll.unref();

  ensureDirWatcher();
  // With an `initial` snapshot `lastStat` stays unknown, so the first poll re-reads once and
  // reports anything written between the caller's load and this call.
  if (current === undefined) {
    check().catch((err: unknown) =>
      logger.warn('config baseline read failed', { error: errorMessage(err) }),
    );
  }

  return toDisposable(() => {
    disposed = true;
    clearInterval(poll);
    if (debounceTimer) clearTimeout(debounceTimer);
    dirWatcher?.close();
    dirWatcher = undefined;
  });
}
