import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { refreshGatewayAfterUpdate, type GatewayRefreshDeps } from './gateway-refresh-run.js';
import { readUpdateRecord } from './update-record.js';

let dataDir: string;
beforeEach(async () => {
  dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'oc-refresh-'));
});
afterEach(async () => {
  await fs.rm(dataDir, { recursive: true, force: true });
});

function deps(overrides: Partial<GatewayRefreshDeps> = {}) {
  const calls = { rebuilds: 0, notes: [] as Array<[string, string]> };
  const d: GatewayRefreshDeps = {
    dataDir,
    appVersion: '1.1.0',
    explicitImage: false,
    isSetUp: async () => true,
    bundleStamp: async () => 'bundle-new',
    imageStamp: async () => 'bundle-old',
    rebuild: async () => {
      calls.rebuilds += 1;
    },
    notify: (kind, title) => calls.notes.push([kind, title]),
    now: () => 1_700_000_000_000,
    ...overrides,
  };
  return { d, calls };
}

describe('refreshGatewayAfterUpdate', () => {
  it('rebuilds once when the bundle changed, records it and tells the user', async () => {
    const { d, calls } = deps();
    expect(await refreshGatewayAfterUpdate(d)).toEqual({
      action: 'rebuild',
      stamp: 'bundle-new',
      ok: true,
    });
    expect(calls.rebuilds).toBe(1);
    expect(calls.notes).toEqual([
      ['info', 'Updating the gateway'],
      ['info', 'The gateway was updated'],
    ]);
    expect((await readUpdateRecord(dataDir)).gatewayRebuild).toEqual({
      stamp: 'bundle-new',
      requestedAt: 1_700_000_000_000,
      appVersion: '1.1.0',
    });
  });

  it('a failed rebuild (previous image restored) is said, and the next start only reminds', async () => {
    const { d, calls } = deps({
      rebuild: async () => {
        calls.rebuilds += 1;
        throw new Error('The new gateway image did not come up, so the previous one was restored.');
      },
    });
    expect(await refreshGatewayAfterUpdate(d)).toMatchObject({ action: 'rebuild', ok: false });
    expect(calls.notes.at(-1)).toEqual(['error', 'The gateway image could not be updated']);
    const again = await refreshGatewayAfterUpdate(d);
    expect(again.action).toBe('remind');
    expect(calls.rebuilds).toBe(1);
    expect(calls.notes.at(-1)).toEqual(['warning', 'The gateway image is out of date']);
  });

  it('leaves a matching image, an unset-up stack and the user’s own image alone', async () => {
    const same = deps({ imageStamp: async () => 'bundle-new' });
    expect((await refreshGatewayAfterUpdate(same.d)).action).toBe('none');
    const notSetUp = deps({ isSetUp: async () => false });
    expect((await refreshGatewayAfterUpdate(notSetUp.d)).action).toBe('none');
    const own = deps({ explicitImage: true });
    expect((await refreshGatewayAfterUpdate(own.d)).action).toBe('none');
    expect(same.calls.rebuilds + notSetUp.calls.rebuilds + own.calls.rebuilds).toBe(0);
    expect(await readUpdateRecord(dataDir)).toEqual({});
  });
});
