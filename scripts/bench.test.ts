/**
 * The bench, as a smoke run (`--quick`) against a bundle built into a temp dir: every metric is
 * measured (none n/a), the table prints a verdict per target and the JSON lands where asked.
 * Timing verdicts are not asserted (machine-dependent); the bench's own exit code is.
 */
import { execFile } from 'node:child_process';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function node(args: string[], timeoutMs = 90_000): Promise<Run> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      args,
      { cwd: ROOT, timeout: timeoutMs, maxBuffer: 16 * 1024 * 1024 },
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
  metrics: { id: string; value: number | null; target?: unknown; pass?: boolean }[];
  data: Record<string, unknown>;
}

let tmp: string;
let bundle: string;

beforeAll(async () => {
  tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'openclaw-bench-test-'));
  const build = await node([
    path.join(ROOT, 'scripts/build.mjs'),
    '--only',
    'gateway',
    '--outdir',
    path.join(tmp, 'dist'),
  ]);
  if (build.code !== 0) throw new Error(`build failed: ${build.stderr}`);
  bundle = path.join(tmp, 'dist', 'gateway', 'openclaw.mjs');
}, 120_000);

afterAll(async () => {
  if (tmp) await fs.rm(tmp, { recursive: true, force: true });
});

describe('scripts/bench.mjs', () => {
  it('--quick measures every gateway metric and writes bench-results JSON', async () => {
    const out = path.join(tmp, 'results');
    const result = await node([
      path.join(ROOT, 'scripts/bench.mjs'),
      '--quick',
      '--only',
      'gateway',
      '--bundle',
      bundle,
      '--out',
      out,
    ]);
    expect(result.code, result.stderr).toBe(0);
    const json = JSON.parse(await fs.readFile(path.join(out, 'gateway.json'), 'utf8')) as BenchJson;
    expect(json.section).toBe('gateway');
    expect(json.error).toBeUndefined();
    const byId = new Map(json.metrics.map((m) => [m.id, m]));
    for (const id of [
      'cold_start_healthz_ms',
      'cold_start_readyz_ms',
      'idle_rss_mb',
      'connect_health_p50_ms',
      'connect_health_p99_ms',
      'health_request_p50_ms',
      'health_request_p99_ms',
      'connections_authenticated',
      'rss_50_connections_mb',
      'preauth_flood_health_p99_ms',
    ]) {
      const m = byId.get(id);
      expect(m, id).toBeDefined();
      expect(typeof m?.value, id).toBe('number');
      expect(m!.value!, id).toBeGreaterThan(0);
    }
    expect(byId.get('connections_authenticated')?.value).toBe(50);
    // A growth can be ~0 (that is the point); it must be measured, not n/a.
    expect(typeof byId.get('preauth_flood_rss_growth_mb')?.value).toBe('number');
    // Plausibility, generous enough for a loaded CI machine: RSS of a Node process is tens of MB.
    expect(byId.get('idle_rss_mb')!.value!).toBeGreaterThan(20);
    expect(byId.get('idle_rss_mb')!.value!).toBeLessThan(1000);
    const cold = byId.get('cold_start_healthz_ms')!;
    expect(cold.target).toEqual({ op: '<', value: 300 });
    expect(typeof cold.pass).toBe('boolean');
    expect(result.stdout).toMatch(/cold start to \/healthz 200.*(PASS|MISS)/);
  }, 120_000);

  it('--quick --only agent measures chat runs through the gateway with the instant stand-in', async () => {
    const out = path.join(tmp, 'results-agent');
    const result = await node([
      path.join(ROOT, 'scripts/bench.mjs'),
      '--quick',
      '--only',
      'agent',
      '--bundle',
      bundle,
      '--out',
      out,
    ]);
    expect(result.code, result.stderr).toBe(0);
    const json = JSON.parse(await fs.readFile(path.join(out, 'agent.json'), 'utf8')) as BenchJson;
    expect(json.error).toBeUndefined();
    const byId = new Map(json.metrics.map((m) => [m.id, m]));
    for (const id of [
      'agent_cold_start_readyz_ms',
      'agent_idle_rss_mb',
      'agent_warm_rss_mb',
      'agent_chat_ack_p50_ms',
      'agent_first_delta_p50_ms',
      'agent_final_p50_ms',
      'agent_final_p90_ms',
      'agent_rss_streams_mb',
    ]) {
      const m = byId.get(id);
      expect(typeof m?.value, id).toBe('number');
      expect(m!.value!, id).toBeGreaterThan(0);
    }
    // A final comes after the first delta, which comes after the ack.
    const value = (id: string) => byId.get(id)!.value!;
    expect(value('agent_final_p50_ms')).toBeGreaterThanOrEqual(value('agent_first_delta_p50_ms'));
    expect(value('agent_first_delta_p50_ms')).toBeGreaterThan(value('agent_chat_ack_p50_ms'));
    expect(byId.get('agent_first_delta_p50_ms')!.target).toEqual({ op: '<', value: 20 });
  }, 120_000);

  it('rejects an unknown section', async () => {
    const result = await node([path.join(ROOT, 'scripts/bench.mjs'), '--only', 'nope']);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('unknown section "nope"');
  });

  it('percentiles are nearest-rank and the median interpolates', async () => {
    const script = [
      "import { percentile, median, summarize } from './scripts/bench/stats.mjs';",
      'const xs = Array.from({ length: 100 }, (_, i) => 100 - i);',
      'console.log(JSON.stringify([percentile(xs, 50), percentile(xs, 99), percentile(xs, 100), percentile([5], 99), median([4, 1, 3, 2]), summarize([]).n, Number.isNaN(percentile([], 50))]));',
    ].join('\n');
    const result = await node(['--input-type=module', '-e', script]);
    expect(result.code, result.stderr).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual([50, 99, 100, 5, 2.5, 0, true]);
  });
});

describe('the gateway the bench starts', () => {
  it('runs with the node flags of the image entrypoint', async () => {
    const processModule = path.join(ROOT, 'scripts/bench/gateway-process.mjs');
    const { GATEWAY_NODE_FLAGS } = (await import(pathToFileURL(processModule).href)) as {
      GATEWAY_NODE_FLAGS: string[];
    };
    const dockerfile = await fs.readFile(path.join(ROOT, 'docker/gateway.Dockerfile'), 'utf8');
    const entrypoint = /^ENTRYPOINT (\[.*\])$/m.exec(dockerfile)?.[1];
    expect(entrypoint).toBeDefined();
    const argv = JSON.parse(entrypoint!) as string[];
    expect(argv.slice(1, -1)).toEqual(GATEWAY_NODE_FLAGS);
  });
});
