// `openclaw sandboxd` as a real process: refuses without a secret, serves /healthz, refuses a call
// without the secret, and exits 0 on SIGTERM. Starting it needs no Docker engine (none is called).
import { spawn, type ChildProcess } from 'node:child_process';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { freePort } from '../../testing/free-port.js';
import { sandboxdPathMap } from './sandboxd.js';

const MAIN = fileURLToPath(new URL('../main.ts', import.meta.url));
const children: ChildProcess[] = [];
let dir: string | undefined;

function start(env: Record<string, string>, args: string[]) {
  const child = spawn(process.execPath, ['--import', 'tsx', MAIN, 'sandboxd', ...args], {
    env: { PATH: process.env.PATH ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  let stderr = '';
  child.stderr!.on('data', (c: Buffer) => (stderr += c.toString()));
  const exited = new Promise<number | null>((resolve) =>
    child.once('exit', (code) => resolve(code)),
  );
  return { child, exited, stderr: () => stderr };
}

async function waitHealthy(url: string): Promise<Response> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    try {
      return await fetch(`${url}/healthz`);
    } catch (err) {
      if (Date.now() > deadline) throw err;
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}

afterEach(async () => {
  for (const c of children.splice(0)) if (c.exitCode === null) c.kill('SIGKILL');
  if (dir) await fs.rm(dir, { recursive: true, force: true });
});

describe('openclaw sandboxd', () => {
  it('refuses to start without OPENCLAW_SANDBOXD_SECRET, saying what to set', async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'openclaw-sandboxd-'));
    const run = start({ OPENCLAW_STATE_DIR: dir }, ['--port', String(await freePort())]);
    expect(await run.exited).toBe(2);
    expect(run.stderr()).toContain('set OPENCLAW_SANDBOXD_SECRET');
  }, 30_000);

  it('serves /healthz, refuses calls without the secret, and stops cleanly on SIGTERM', async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'openclaw-sandboxd-'));
    const port = await freePort();
    const secret = 'a'.repeat(64);
    const run = start(
      {
        OPENCLAW_STATE_DIR: dir,
        OPENCLAW_SANDBOXD_SECRET: secret,
        DOCKER_HOST: 'tcp://127.0.0.1:1',
        // An explicit map, so it does not inspect its own container (no engine here).
        OPENCLAW_SANDBOXD_HOST_STATE_DIR: dir,
      },
      ['--port', String(port), '--host', '127.0.0.1'],
    );
    const url = `http://127.0.0.1:${port}`;
    expect((await waitHealthy(url)).status).toBe(200);
    const denied = await fetch(`${url}/v1/containers`);
    expect(denied.status).toBe(401);
    expect(run.stderr()).not.toContain(secret);
    run.child.kill('SIGTERM');
    expect(await run.exited).toBe(0);
  }, 30_000);
});

describe('sandboxdPathMap', () => {
  it('maps the stack folders to the host folders the overlay passes, else detects', () => {
    expect(sandboxdPathMap({})).toBe('auto');
    expect(
      sandboxdPathMap({
        OPENCLAW_SANDBOXD_HOST_STATE_DIR: '/srv/oc',
        OPENCLAW_SANDBOXD_HOST_WORKSPACE_DIR: '/srv/ws',
      }),
    ).toEqual([
      { containerPath: '/home/node/.openclaw', hostPath: '/srv/oc' },
      { containerPath: '/home/node/.openclaw/workspace', hostPath: '/srv/ws' },
    ]);
    expect(() => sandboxdPathMap({ OPENCLAW_SANDBOXD_HOST_STATE_DIR: 'rel' })).toThrow(
      /absolute host path/,
    );
  });
});
