import { spawnSync } from 'node:child_process';
import { promises as fs } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  acquireInstanceLock,
  desktopAppPid,
  instanceFile,
  parseInstanceRecord,
  requestLaunchUrl,
  runningHeadlessInstance,
  type InstanceRecord,
} from './instance-lock.js';

let dir: string;
beforeEach(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'openclaw-instance-'));
});
afterEach(async () => {
  await fs.rm(dir, { recursive: true, force: true });
});

/** A pid that certainly belonged to a process that has exited. */
function deadPid(): number {
  const child = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']);
  return Number(child.stdout.toString());
}

describe('headless instance lock', () => {
  it('the first start claims the data folder; a second sees it with its port and secret', async () => {
    const first = await acquireInstanceLock(dir);
    if (!first.acquired) throw new Error('expected the lock');
    expect((await fs.stat(first.instance.file)).mode & 0o777).toBe(0o600);
    await first.instance.setPort(43123);

    // Another process (simulated pid) on the same folder while this one lives.
    const second = await acquireInstanceLock(dir, { pid: process.pid + 100_000 });
    expect(second).toMatchObject({
      acquired: false,
      file: instanceFile(dir),
      running: { pid: process.pid, port: 43123, secret: first.instance.secret },
    });

    first.instance.release();
    await expect(fs.stat(instanceFile(dir))).rejects.toThrow(/ENOENT/);
    const third = await acquireInstanceLock(dir, { pid: process.pid + 100_000 });
    expect(third.acquired).toBe(true);
  });

  it('a file left by a dead process is stale and taken over', async () => {
    const stale: InstanceRecord = {
      pid: deadPid(),
      hostname: os.hostname(),
      port: 43124,
      secret: 'x'.repeat(32),
      startedAt: 1,
    };
    await fs.writeFile(instanceFile(dir), JSON.stringify(stale));
    const result = await acquireInstanceLock(dir);
    expect(result.acquired).toBe(true);
    const now = parseInstanceRecord(await fs.readFile(instanceFile(dir), 'utf8'));
    expect(now).toMatchObject({ pid: process.pid, port: null });
    expect(now?.secret).not.toBe(stale.secret);
  });

  it('a half-written or foreign file does not block a start', async () => {
    await fs.writeFile(instanceFile(dir), '{"pid": 12');
    expect((await acquireInstanceLock(dir)).acquired).toBe(true);
  });

  it('a record from another machine (shared data folder) is respected, not guessed at', async () => {
    await fs.writeFile(
      instanceFile(dir),
      JSON.stringify({ pid: deadPid(), hostname: 'elsewhere', port: 1, secret: 'y'.repeat(32) }),
    );
    expect((await acquireInstanceLock(dir)).acquired).toBe(false);
  });

  it('release leaves a record that is no longer ours alone', async () => {
    const first = await acquireInstanceLock(dir);
    if (!first.acquired) throw new Error('expected the lock');
    const other = { pid: 1, hostname: os.hostname(), port: 2, secret: 'z'.repeat(32) };
    await fs.writeFile(instanceFile(dir), JSON.stringify(other));
    first.instance.release();
    expect(JSON.parse(await fs.readFile(instanceFile(dir), 'utf8'))).toEqual(other);
  });

  it('asks the running instance for a link with its secret, bounded in time', async () => {
    const seen: Array<string | undefined> = [];
    const server = http.createServer((req, res) => {
      seen.push(req.headers.authorization);
      if (req.url === '/instance/launch-url' && req.method === 'POST') {
        res.writeHead(200, { 'Content-Type': 'application/json' });
        res.end(JSON.stringify({ launchUrl: 'http://127.0.0.1:1/#hostToken=abc' }));
      } else res.writeHead(404).end();
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const { port } = server.address() as AddressInfo;
    const record = { pid: 1, hostname: 'h', port, secret: 's'.repeat(32), startedAt: 0 };
    try {
      expect(await requestLaunchUrl(record)).toEqual({
        ok: true,
        launchUrl: 'http://127.0.0.1:1/#hostToken=abc',
      });
      expect(seen).toEqual([`Bearer ${'s'.repeat(32)}`]);
      expect(await requestLaunchUrl({ ...record, port: null })).toEqual({
        ok: false,
        reason: 'starting',
      });
    } finally {
      server.close();
    }
    // Nothing listens any more: a bounded failure, not a hang.
    const started = Date.now();
    expect(await requestLaunchUrl(record, 1000)).toEqual({ ok: false, reason: 'unreachable' });
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it("sees the desktop app's Chromium lock on the same folder only while its pid lives", async () => {
    expect(await desktopAppPid(dir)).toBeUndefined();
    await fs.symlink(`${os.hostname()}-${process.pid}`, path.join(dir, 'SingletonLock'));
    expect(await desktopAppPid(dir)).toBe(process.pid);
    await fs.rm(path.join(dir, 'SingletonLock'));
    await fs.symlink(`${os.hostname()}-${deadPid()}`, path.join(dir, 'SingletonLock'));
    expect(await desktopAppPid(dir)).toBeUndefined();
  });

  it('tells the desktop app about a live headless host on its folder, not a stale one', async () => {
    expect(await runningHeadlessInstance(dir)).toBeUndefined();
    const claim = await acquireInstanceLock(dir);
    if (!claim.acquired) throw new Error('expected the lock');
    await claim.instance.setPort(43125);
    expect(await runningHeadlessInstance(dir)).toMatchObject({ pid: process.pid, port: 43125 });
    expect(await runningHeadlessInstance(dir, { isAlive: () => false })).toBeUndefined();
    claim.instance.release();
    expect(await runningHeadlessInstance(dir)).toBeUndefined();
  });
});
