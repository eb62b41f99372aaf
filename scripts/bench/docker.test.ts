/**
 * The docker bench section through the real runner: without an engine it reports itself skipped
 * (a visible SKIPPED row, exit 0); with one, a `--quick` run measures every metric and leaves no
 * image, container or volume behind. Timing verdicts are not asserted (machine-dependent).
 */
import { execFile } from 'node:child_process';
import { existsSync, promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createDockerClient,
  detectCompose,
  imageExists,
  pingEngine,
} from '../../docker/engine/index.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const BUNDLE = path.join(ROOT, 'dist/gateway/openclaw.mjs');

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function bench(args: string[], env: NodeJS.ProcessEnv, timeoutMs: number): Promise<Run> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [path.join(ROOT, 'scripts/bench.mjs'), '--only', 'docker', '--quick', ...args],
      { cwd: ROOT, env, timeout: timeoutMs, maxBuffer: 16 * 1024 * 1024 },
      (err, stdout, stderr) => {
        resolve({
          code: err ? (typeof err.code === 'number' ? err.code : null) : 0,
          stdout,
          stderr,
        });
      },
    );
  });
}

interface BenchJson {
  section: string;
  error?: string;
  metrics: { id: string; label: string; value: number | null; pass?: boolean }[];
  data: { runId?: string; image?: string; project?: string; skipped?: string };
}

async function readResult(dir: string): Promise<BenchJson> {
  return JSON.parse(await fs.readFile(path.join(dir, 'docker.json'), 'utf8')) as BenchJson;
}

async function engineSkipReason(): Promise<string | undefined> {
  try {
    const docker = createDockerClient({ env: process.env });
    const ping = await pingEngine(docker);
    if (!ping.ok) return ping.error.message.split('\n')[0];
    await detectCompose({ env: process.env });
    if (
      !(await imageExists(docker, 'node:22-bookworm-slim')) &&
      !(await imageExists(docker, 'openclaw-base/node:22-bookworm-slim'))
    )
      return 'no Node 22 base image (run scripts/make-base-images.sh)';
    if (!existsSync(BUNDLE)) return 'no gateway bundle (run npm run build)';
    return undefined;
  } catch (err) {
    return (err as Error).message.split('\n')[0];
  }
}

const skip = await engineSkipReason();
if (skip) console.warn(`SKIPPED docker bench on the real engine: ${skip}`);

let tmp: string;
beforeAll(async () => {
  tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'openclaw-bench-docker-test-'));
});
afterAll(async () => {
  if (tmp) await fs.rm(tmp, { recursive: true, force: true });
});

describe('bench section docker', () => {
  it('reports itself SKIPPED (not failed) when no engine answers', async () => {
    const out = path.join(tmp, 'skip');
    const result = await bench(
      ['--out', out, '--bundle', BUNDLE],
      { ...process.env, DOCKER_HOST: `unix://${path.join(tmp, 'no-such.sock')}` },
      60_000,
    );
    expect(result.code, result.stderr).toBe(0);
    const json = await readResult(out);
    expect(json.error).toBeUndefined();
    expect(json.data.skipped).toMatch(/^no Docker engine/);
    expect(json.metrics).toEqual([
      expect.objectContaining({
        id: 'skipped',
        value: null,
        label: expect.stringMatching(/^SKIPPED: /),
      }),
    ]);
    expect(result.stdout).toContain('SKIPPED: no Docker engine');
  });

  it.skipIf(skip !== undefined)(
    `--quick measures every metric on the real engine and removes what it made${skip ? ` (SKIPPED: ${skip})` : ''}`,
    async () => {
      const out = path.join(tmp, 'real');
      const result = await bench(['--out', out, '--bundle', BUNDLE], process.env, 400_000);
      expect(result.code, `${result.stdout}\n${result.stderr}`).toBe(0);
      const json = await readResult(out);
      expect(json.error, result.stderr).toBeUndefined();
      const byId = new Map(json.metrics.map((m) => [m.id, m]));
      for (const id of [
        'build_cold_ms',
        'build_cached_ms',
        'build_bundle_change_ms',
        'image_mb',
        'image_on_base_mb',
        'setup_first_ms',
        'compose_up_call_ms',
        'up_to_healthz_ms',
        'up_to_healthy_ms',
        'setup_rerun_ms',
      ]) {
        expect(byId.get(id)?.value, id).toBeGreaterThan(0);
      }
      expect(typeof byId.get('image_on_base_mb')?.pass).toBe('boolean');
      expect(byId.has('build_apt_cold_ms')).toBe(false); // --quick leaves the apt build out
      expect(result.stdout).toMatch(/image size on top of the Node base.*(PASS|MISS)/);

      // Nothing of the run is left on the engine.
      const docker = createDockerClient({ env: process.env });
      expect(json.data.image).toMatch(/^openclaw-bench:[0-9a-f]{8}$/);
      expect(await imageExists(docker, json.data.image!)).toBe(false);
      expect(await imageExists(docker, `${json.data.image!}-bundle`)).toBe(false);
      const label = `com.docker.compose.project=${json.data.project!}`;
      expect(await docker.listContainers({ all: true, filters: { label: [label] } })).toEqual([]);
      expect((await docker.listVolumes({ filters: { label: [label] } })).Volumes ?? []).toEqual([]);
    },
    420_000,
  );
});
