import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  fileSkippedVersionStore,
  patchUpdateRecord,
  readUpdateRecord,
  UPDATE_RECORD_FILE,
} from './update-record.js';

let dataDir: string;
beforeEach(async () => {
  dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'oc-updrec-'));
});
afterEach(async () => {
  await fs.rm(dataDir, { recursive: true, force: true });
});

describe('update record', () => {
  it('keeps the skipped version across starts and clears it', async () => {
    const store = await fileSkippedVersionStore(dataDir);
    expect(store.get()).toBeUndefined();
    await store.set('1.2.0');
    expect((await fileSkippedVersionStore(dataDir)).get()).toBe('1.2.0');
    await store.set(undefined);
    expect(await readUpdateRecord(dataDir)).toEqual({});
  });

  it('keeps the other key when one is written', async () => {
    await patchUpdateRecord(dataDir, () => ({
      gatewayRebuild: { stamp: 'abc', requestedAt: 5, appVersion: '1.0.0' },
    }));
    await (await fileSkippedVersionStore(dataDir)).set('2.0.0');
    expect(await readUpdateRecord(dataDir)).toEqual({
      skippedVersion: '2.0.0',
      gatewayRebuild: { stamp: 'abc', requestedAt: 5, appVersion: '1.0.0' },
    });
  });

  it('reads a broken or hand-edited file as empty (only well-formed keys survive)', async () => {
    const file = path.join(dataDir, UPDATE_RECORD_FILE);
    await fs.writeFile(file, '{ not json');
    expect(await readUpdateRecord(dataDir)).toEqual({});
    await fs.writeFile(file, JSON.stringify({ skippedVersion: 7, gatewayRebuild: { stamp: 1 } }));
    expect(await readUpdateRecord(dataDir)).toEqual({});
  });
});
