/**
 * The build, end to end: bundle into a temp dir, then run the bundle from a copy with no
 * node_modules anywhere above it (as in the image), and check --if-stale and the lazy-protocol
 * guard.
 */
import { execFile, spawn } from 'node:child_process';
import { promises as fs } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const BUILD = path.join(ROOT, 'scripts', 'build.mjs');

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function run(
  args: string[],
  options: { cwd?: string; env?: NodeJS.ProcessEnv; timeoutMs?: number } = {},
): Promise<Run> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      args,
      {
        cwd: options.cwd ?? ROOT,
        env: options.env ?? process.env,
        timeout: options.timeoutMs ?? 60_000,
      },
      (err, stdout, stderr) => {
        const code = err ? (typeof err.code === 'number' ? err.code : null) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address
          ? resolve(address.port)
          : reject(new Error('no port')),
      );
    });
  });
}

function httpStatus(port: number, pathname: string): Promise<number | undefined> {
  return new Promise((resolve) => {
    const req = http.get(
      { host: '127.0.0.1', port, path: pathname, agent: false, timeout: 1000 },
      (res) => {
        res.resume();
        resolve(res.statusCode);
      },
    );
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(undefined));
  });
}

let tmp: string;
let outDir: string;
let firstBuild: Run;

beforeAll(async () => {
  tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'openclaw-build-test-'));
  outDir = path.join(tmp, 'dist');
  firstBuild = await run([BUILD, '--only', 'gateway', '--outdir', outDir]);
}, 120_000);

afterAll(async () => {
  if (tmp) await fs.rm(tmp, { recursive: true, force: true });
});

describe('scripts/build.mjs', () => {
  it('writes an executable ESM bundle with chunks, source maps and a module package.json', async () => {
    expect(firstBuild.code, firstBuild.stderr).toBe(0);
    const bundle = path.join(outDir, 'gateway', 'openclaw.mjs');
    const text = await fs.readFile(bundle, 'utf8');
    expect(text.startsWith('#!/usr/bin/env node\n')).toBe(true);
    expect(text.match(/^#!/gm)).toHaveLength(1);
    expect(text).toContain('createRequire');
    expect(text).toMatch(/\/\/# sourceMappingURL=openclaw\.mjs\.map\s*$/);
    expect((await fs.stat(bundle)).mode & 0o111).toBe(0o111);
    expect(
      JSON.parse(await fs.readFile(path.join(outDir, 'gateway', 'package.json'), 'utf8')),
    ).toEqual({ type: 'module' });
    const chunks = await fs.readdir(path.join(outDir, 'gateway', 'chunks'));
    expect(chunks.some((f) => f.endsWith('.mjs'))).toBe(true);
    expect(chunks.filter((f) => f.endsWith('.mjs')).every((f) => chunks.includes(`${f}.map`))).toBe(
      true,
    );
    expect(firstBuild.stdout).toMatch(/at gateway start/);
  });

  it('runs with no node_modules: --version, --help, gateway run to ready, health, SIGTERM', async () => {
    const app = path.join(tmp, 'isolated');
    await fs.cp(outDir, path.join(app, 'dist'), { recursive: true });
    const bundle = path.join(app, 'dist', 'gateway', 'openclaw.mjs');
    const pkg = JSON.parse(await fs.readFile(path.join(ROOT, 'package.json'), 'utf8')) as {
      version: string;
    };

    const version = await run([bundle, '--version'], { cwd: app });
    expect(version.code).toBe(0);
    expect(version.stdout.trim()).toBe(pkg.version); // the build's define, not the dev fallback
    const help = await run([bundle, '--help'], { cwd: app });
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('gateway run');

    const stateDir = path.join(tmp, 'state');
    await fs.mkdir(stateDir);
    const token = 'build-test-token-0123456789';
    await fs.writeFile(
      path.join(stateDir, 'openclaw.json'),
      JSON.stringify({
        gateway: { mode: 'local', auth: { mode: 'token', token } },
        logging: { file: path.join(stateDir, 'gw.log') },
      }),
    );
    const env: NodeJS.ProcessEnv = { ...process.env, OPENCLAW_STATE_DIR: stateDir };
    delete env.OPENCLAW_GATEWAY_TOKEN;
    delete env.OPENCLAW_CONFIG_PATH;
    const port = await freePort();
    const child = spawn(
      process.execPath,
      [bundle, 'gateway', 'run', '--port', String(port), '--bind', 'loopback'],
      {
        cwd: app,
        env,
        stdio: ['ignore', 'ignore', 'pipe'],
      },
    );
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const exited = new Promise<number | null>((resolve) =>
      child.once('exit', (code) => resolve(code)),
    );
    try {
      let ready = false;
      for (let i = 0; i < 300 && !ready && child.exitCode === null; i++) {
        ready = (await httpStatus(port, '/readyz')) === 200;
        if (!ready) await sleep(50);
      }
      expect(ready, stderr).toBe(true);
      // The CLI's client path (lazy chunks: the reference client, ws) works from the copy too.
      const health = await run(
        [bundle, 'health', '--json', '--url', `ws://127.0.0.1:${port}`, '--token', token],
        { cwd: app, env },
      );
      expect(health.code, health.stderr).toBe(0);
      expect(JSON.parse(health.stdout)).toMatchObject({ ok: true });
    } finally {
      child.kill('SIGTERM');
    }
    expect(await exited).toBe(0);
  }, 60_000);

  it('--if-stale skips an up-to-date build and rebuilds when an output is older than the sources', async () => {
    const bundle = path.join(outDir, 'gateway', 'openclaw.mjs');
    const before = (await fs.stat(bundle)).mtimeMs;
    const skip = await run([BUILD, '--if-stale', '--only', 'gateway', '--outdir', outDir]);
    expect(skip.code).toBe(0);
    expect(skip.stdout).toContain('gateway: up to date');
    expect((await fs.stat(bundle)).mtimeMs).toBe(before);

    // An output from before any source edit (mtime 1970) makes the target stale.
    await fs.utimes(path.join(outDir, 'gateway', 'package.json'), 0, 0);
    const rebuild = await run([BUILD, '--if-stale', '--only', 'gateway', '--outdir', outDir]);
    expect(rebuild.code).toBe(0);
    expect(rebuild.stdout).toMatch(/gateway: rebuilding \(.+ changed\)/);
    expect((await fs.stat(path.join(outDir, 'gateway', 'package.json'))).mtimeMs).toBeGreaterThan(
      0,
    );
  }, 60_000);

  it('fails, leaving nothing behind, when the protocol validators would load at gateway start', async () => {
    const entry = path.join(tmp, 'eager-entry.ts');
    await fs.writeFile(
      entry,
      "import { validateConnectParams } from '@openclaw/gateway-protocol';\nconsole.log(typeof validateConnectParams);\n",
    );
    const badOut = path.join(tmp, 'bad-dist');
    const result = await run([BUILD, '--only', 'gateway', '--entry', entry, '--outdir', badOut]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('the protocol validators must load through import() only');
    await expect(fs.access(path.join(badOut, 'gateway', 'openclaw.mjs'))).rejects.toThrow();
  }, 60_000);

  it('fails when the model providers (pi-ai) would load at gateway start', async () => {
    const entry = path.join(tmp, 'eager-providers.ts');
    await fs.writeFile(
      entry,
      "import { getProviders } from '@mariozechner/pi-ai';\nconsole.log(getProviders().length);\n",
    );
    const badOut = path.join(tmp, 'bad-providers-dist');
    const result = await run([BUILD, '--only', 'gateway', '--entry', entry, '--outdir', badOut]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('the model providers must load through import() only');
    await expect(fs.access(path.join(badOut, 'gateway', 'openclaw.mjs'))).rejects.toThrow();
  }, 60_000);

  it('rejects unknown arguments', async () => {
    const result = await run([BUILD, '--only', 'everything']);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('unknown target "everything"');
  });
});
