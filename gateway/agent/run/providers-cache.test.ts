import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ConfigSnapshot } from '../../config/config-store.js';
import { resolveStatePaths, type StatePaths } from '../../config/paths.js';
import { authProfilesPath } from '../providers/auth-profiles.js';
import { ProvidersCache } from './providers-cache.js';

let dir: string;
let paths: StatePaths;
beforeEach(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'oc-providers-cache-'));
  paths = resolveStatePaths({ OPENCLAW_STATE_DIR: dir });
});
afterEach(() => fs.rm(dir, { recursive: true, force: true }));

function snapshot(): ConfigSnapshot {
  const config = { agents: { defaults: { model: 'openai/gpt-4.1-mini' } } };
  return {
    path: path.join(dir, 'openclaw.json'),
    exists: true,
    raw: '{}',
    parsed: config,
    resolved: config,
    config,
    valid: true,
    issues: [],
  } as unknown as ConfigSnapshot;
}

describe('ProvidersCache', () => {
  it('reuses the providers until the config snapshot or the auth profiles change', async () => {
    const cache = new ProvidersCache({}, paths);
    const first = snapshot();
    const a = await cache.get(first, 'main');
    expect(await cache.get(first, 'main')).toBe(a);
    expect(await cache.get(snapshot(), 'main')).not.toBe(a);
    expect(await cache.get(first, 'other')).not.toBe(a);

    const file = authProfilesPath(paths, 'main');
    await fs.mkdir(path.dirname(file), { recursive: true });
    await fs.writeFile(file, JSON.stringify({ version: 1, profiles: {} }), { mode: 0o600 });
    const b = await cache.get(first, 'main');
    expect(b).not.toBe(a);
    expect(await cache.get(first, 'main')).toBe(b);
  });
});
