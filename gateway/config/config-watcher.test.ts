import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Disposable } from '../infra/disposable.js';
import { type ConfigSnapshot, loadConfigSnapshot, writeConfigRaw } from './config-store.js';
import { diffConfigPaths, watchConfig } from './config-watcher.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function waitFor(predicate: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error('timed out waiting for the watcher');
    await sleep(20);
  }
}

describe('diffConfigPaths', () => {
  it('lists changed leaves, treating arrays as values and a bad root as empty', () => {
    const a = {
      gateway: { port: 1, auth: { token: 'a' } },
      tools: { allow: ['x'] },
      keep: { same: true },
    };
    const b = {
      gateway: { port: 2, auth: { token: 'a' }, bind: 'lan' },
      tools: { allow: ['x', 'y'] },
      keep: { same: true },
    };
    expect(diffConfigPaths(a, b)).toEqual(['gateway.bind', 'gateway.port', 'tools.allow']);
    expect(diffConfigPaths(a, a)).toEqual([]);
    expect(diffConfigPaths(undefined, { gateway: {}, logging: {} })).toEqual([
      'gateway',
      'logging',
    ]);
    expect(diffConfigPaths({ a: { b: { c: 1 } } }, { a: { b: { c: 2 } } }, 1)).toEqual(['a']);
  });
});

describe('watchConfig', () => {
  let dir: string;
  let watcher: Disposable | undefined;
  beforeEach(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'oc-config-watch-'));
  });
  afterEach(async () => {
    watcher?.dispose();
    await fs.rm(dir, { recursive: true, force: true });
  });

  it.each([
    ['directory watch', { fsWatch: true, pollIntervalMs: 60_000 }],
    ['stat poll fallback', { fsWatch: false, pollIntervalMs: 100 }],
  ])('fires once per real change and not for an identical rewrite (%s)', async (_name, mode) => {
    const paths = { configPath: path.join(dir, 'openclaw.json') };
    const env = {};
    await writeConfigRaw(paths, '{ gateway: { port: 1000 } }', { env });
    const initial = await loadConfigSnapshot(paths, env);
    const events: { snap: ConfigSnapshot; changed: string[] }[] = [];
    watcher = watchConfig(paths, env, (snap, changed) => events.push({ snap, changed }), {
      debounceMs: 50,
      ...mode,
      initial,
    });

    await writeConfigRaw(paths, '{ gateway: { port: 2000 }, tools: { profile: "coding" } }', {
      env,
    });
    await waitFor(() => events.length >= 1);
    await sleep(400); // directory events and polls for the same write must not fire again
    expect(events).toHaveLength(1);
    expect(events[0]?.changed).toEqual(['gateway.port', 'tools']);
    expect(events[0]?.snap.config.gateway?.port).toBe(2000);

    // Same bytes written again (new inode, new mtime): nothing to report.
    const raw = await fs.readFile(paths.configPath, 'utf8');
    await fs.writeFile(`${paths.configPath}.tmp-copy`, raw);
    await fs.rename(`${paths.configPath}.tmp-copy`, paths.configPath);
    await sleep(400);
    expect(events).toHaveLength(1);

    // A plain in-place edit (what an editor on a bind mount does) is noticed too.
    await fs.writeFile(
      paths.configPath,
      '{ gateway: { port: 3000 }, tools: { profile: "coding" } }',
    );
    await waitFor(() => events.length >= 2);
    await sleep(300);
    expect(events).toHaveLength(2);
    expect(events[1]?.changed).toEqual(['gateway.port']);
  });

  it('reports a broken file (invalid snapshot) and its repair', async () => {
    const paths = { configPath: path.join(dir, 'openclaw.json') };
    const events: ConfigSnapshot[] = [];
    watcher = watchConfig(paths, {}, (snap) => events.push(snap), {
      debounceMs: 20,
      pollIntervalMs: 100,
    });
    await sleep(150); // let the watcher take its own baseline (no file yet)
    await fs.writeFile(paths.configPath, '{ oops');
    await waitFor(() => events.length >= 1);
    expect(events[0]?.valid).toBe(false);
    await fs.writeFile(paths.configPath, '{}');
    await waitFor(() => events.length >= 2);
    expect(events[1]?.valid).toBe(true);
  });

  it('stops after dispose', async () => {
    const paths = { configPath: path.join(dir, 'openclaw.json') };
    const initial = await loadConfigSnapshot(paths, {});
    let calls = 0;
    watcher = watchConfig(paths, {}, () => (calls += 1), {
      debounceMs: 10,
      pollIntervalMs: 50,
      initial,
    });
    watcher.dispose();
    await fs.writeFile(paths.configPath, '{ gateway: { port: 5 } }');
    await sleep(300);
    expect(calls).toBe(0);
  });
});
