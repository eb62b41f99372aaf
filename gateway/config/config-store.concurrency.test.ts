import { spawn } from 'node:child_process';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import JSON5 from 'json5';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { loadConfigSnapshot, writeConfigRaw } from './config-store.js';

const WORKER = fileURLToPath(
  new URL('./test-fixtures/concurrent-patch-worker.ts', import.meta.url),
);
const WORKERS = 4;
const PER_WORKER = 25;

let dir: string;
beforeEach(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'oc-config-conc-'));
});
afterEach(async () => {
  await fs.rm(dir, { recursive: true, force: true });
});

function runWorker(
  configPath: string,
  id: number,
  startAt: number,
): Promise<{ workerId: string; conflicts: number }> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', WORKER, configPath, String(id), String(PER_WORKER), String(startAt)],
      {
        cwd: process.cwd(),
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      if (code === 0) resolve(JSON.parse(out) as { workerId: string; conflicts: number });
      else reject(new Error(`worker ${id} exited with ${code}: ${err}`));
    });
  });
}

it('serialises concurrent writers across processes: no lost update, no torn file', async () => {
  const paths = { configPath: path.join(dir, 'openclaw.json') };
  await writeConfigRaw(paths, '{ gateway: { mode: "local" }, meta: {} }', { env: {} });
  const startAt = Date.now() + 1500; // after every child has loaded tsx
  const results = await Promise.all(
    Array.from({ length: WORKERS }, (_, id) => runWorker(paths.configPath, id, startAt)),
  );
  expect(results).toHaveLength(WORKERS);

  const raw = await fs.readFile(paths.configPath, 'utf8');
  const doc = JSON5.parse(raw) as { meta: Record<string, number>; gateway: unknown };
  const keys = Object.keys(doc.meta).filter((k) => k !== 'counter');
  expect(keys).toHaveLength(WORKERS * PER_WORKER);
  for (let w = 0; w < WORKERS; w += 1) {
    for (let i = 0; i < PER_WORKER; i += 1) expect(doc.meta[`w${w}_${i}`]).toBe(i);
  }
  // Every optimistic increment landed exactly once despite the conflicts along the way.
  expect(doc.meta.counter).toBe(WORKERS * PER_WORKER);
  expect(doc.gateway).toEqual({ mode: 'local' });
  expect((await loadConfigSnapshot(paths, {})).valid).toBe(true);
  // No temp or lock files left behind.
  const leftovers = (await fs.readdir(dir)).filter(
    (n) => n.endsWith('.tmp') || n.endsWith('.lock'),
  );
  expect(leftovers).toEqual([]);
}, 90_000);
