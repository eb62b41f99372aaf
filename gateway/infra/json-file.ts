/**
 * JSON state files (devices/pending.json, paired.json, ...): read tolerant of absence, written
 * atomically under the cross-process lock. A file that cannot be parsed is moved aside (never
 * overwritten blindly) so no data is lost.
 */
import { promises as fs } from 'node:fs';
import { writeFileAtomic } from './atomic-write.js';
import { systemErrorCode } from './errors.js';
import { withFileLock } from './file-lock.js';

export async function readJsonFile<T>(file: string, fallback: T): Promise<T> {
  let raw: string;
  try {
    raw = await fs.readFile(file, 'utf8');
  } catch (err) {
    if (systemErrorCode(err) === 'ENOENT') return fallback;
    throw err;
  }
  if (raw.trim() === '') return fallback;
  try {
    return JSON.parse(raw) as T;
  } catch {
    const aside = `${file}.corrupt-${Date.now()}`;
    await fs.rename(file, aside).catch(() => {});
    return fallback;
  }
}

export async function writeJsonFile(file: string, value: unknown): Promise<void> {
  await writeFileAtomic(file, `${JSON.stringify(value, null, 2)}\n`, { mode: 0o600 });
}

/** Read-modify-write under the lock. The updater returns the new value (or the same object). */
export async function updateJsonFile<T, R = void>(
  file: string,
  fallback: T,
  updater: (
    current: T,
  ) =>
    | Promise<{ value: T; result: R; changed?: boolean }>
    | { value: T; result: R; changed?: boolean },
): Promise<R> {
  return withFileLock(file, async () => {
    const current = await readJsonFile<T>(file, fallback);
    const { value, result, changed = true } = await updater(current);
    if (changed) await writeJsonFile(file, value);
    return result;
  });
}
