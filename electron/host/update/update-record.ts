/**
 * `updates.json` in the app's data folder: the version the user chose to skip, and the gateway
 * bundle a rebuild was last requested for (so a rebuild that failed is not retried at every
 * start). Read-modify-write under the cross-process lock; a missing or broken file reads as empty.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { writeFileAtomic } from '../../../gateway/infra/atomic-write.js';
import { withFileLock } from '../../../gateway/infra/file-lock.js';
import type { SkippedVersionStore } from './update-controller.js';

export const UPDATE_RECORD_FILE = 'updates.json';

export interface UpdateRecord {
  skippedVersion?: string;
  /** The bundle stamp an image rebuild was started for, and when. */
  gatewayRebuild?: { stamp: string; requestedAt: number; appVersion: string };
}

function sanitise(value: unknown): UpdateRecord {
  if (!value || typeof value !== 'object') return {};
  const v = value as Record<string, unknown>;
  const out: UpdateRecord = {};
  if (typeof v.skippedVersion === 'string' && v.skippedVersion.length <= 64)
    out.skippedVersion = v.skippedVersion;
  const g = v.gatewayRebuild as Record<string, unknown> | undefined;
  if (
    g &&
    typeof g === 'object' &&
    typeof g.stamp === 'string' &&
    typeof g.requestedAt === 'number' &&
    typeof g.appVersion === 'string'
  )
    out.gatewayRebuild = { stamp: g.stamp, requestedAt: g.requestedAt, appVersion: g.appVersion };
  return out;
}

export async function readUpdateRecord(dataDir: string): Promise<UpdateRecord> {
  try {
    return sanitise(JSON.parse(await fs.readFile(path.join(dataDir, UPDATE_RECORD_FILE), 'utf8')));
  } catch {
    return {};
  }
}

export async function patchUpdateRecord(
  dataDir: string,
  patch: (current: UpdateRecord) => UpdateRecord,
): Promise<UpdateRecord> {
  const file = path.join(dataDir, UPDATE_RECORD_FILE);
  return withFileLock(file, async () => {
    const next = patch(await readUpdateRecord(dataDir));
    await writeFileAtomic(file, `${JSON.stringify(next, null, 2)}\n`, {
      mode: 0o600,
      dirMode: 0o700,
    });
    return next;
  });
}

/** The skipped version, cached after the first read (this process is its only writer). */
export async function fileSkippedVersionStore(dataDir: string): Promise<SkippedVersionStore> {
  let current = (await readUpdateRecord(dataDir)).skippedVersion;
  return {
    get: () => current,
    set: async (version) => {
      current = version;
      await patchUpdateRecord(dataDir, (r) => {
        const { skippedVersion: _old, ...rest } = r;
        return version === undefined ? rest : { ...rest, skippedVersion: version };
      });
    },
  };
}
