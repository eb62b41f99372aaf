#!/usr/bin/env node
// @ts-check
/**
 * Benchmarks. Runs every registered section (or `--only a,b`), prints one table and writes
 * `bench-results/<section>.json`. A missed target is reported, not fatal: exit 0 unless
 * `--strict` (a section that errors exits 1 either way).
 *
 *   node scripts/bench.mjs [--only gateway] [--strict] [--quick] [--out <dir>] [--bundle <file>]
 *
 * Adding a section: one entry in SECTIONS whose `run` resolves to a SectionResult
 * (see scripts/bench/report.mjs); it is loaded only when selected.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { DEFAULT_OUT_DIR, GATEWAY_BUNDLE, ROOT, buildStale } from './build.mjs';
import { misses, renderTable, writeSectionResult } from './bench/report.mjs';

/** @typedef {import('./bench/report.mjs').SectionResult} SectionResult */
/** @typedef {{ quick: boolean, bundle?: string, log: (line: string) => void }} BenchContext */

/**
 * @type {Record<string, { describe: string, run: (ctx: BenchContext) => Promise<SectionResult> }>}
 */
export const SECTIONS = {
  gateway: {
    describe: 'cold start, idle RSS, client round trips, RSS with 500 connections (built bundle)',
    run: async (ctx) => {
      // --bundle compares another build (an experiment, an older dist) as is: no rebuild.
      if (!ctx.bundle) await buildStale({ only: ['gateway'] });
      const { runGatewayBench } = await import('./bench/gateway.mjs');
      const bundle = ctx.bundle ?? path.join(DEFAULT_OUT_DIR, GATEWAY_BUNDLE);
      return runGatewayBench({ bundle, quick: ctx.quick, log: ctx.log });
    },
  },
  agent: {
    describe:
      'chat.send ack, first delta and final through the gateway with an instant stand-in model, idle RSS with the agent loaded, RSS with 20 streaming sessions, cold start (built bundle)',
    run: async (ctx) => {
      if (!ctx.bundle) await buildStale({ only: ['gateway'] });
      const { runAgentBench } = await import('./bench/agent.mjs');
      const bundle = ctx.bundle ?? path.join(DEFAULT_OUT_DIR, GATEWAY_BUNDLE);
      return runAgentBench({ bundle, quick: ctx.quick, log: ctx.log });
    },
  },
  docker: {
    describe:
      'image build (no cache, cached, jq), image size on the Node base, compose up to healthy, setup re-run (real engine; skipped without one)',
    run: async (ctx) => {
      if (!ctx.bundle) await buildStale({ only: ['gateway'] });
      const { runDockerBench } = await import('./bench/docker.mjs');
      const bundleDir = ctx.bundle ? path.dirname(ctx.bundle) : undefined;
      return runDockerBench({ quick: ctx.quick, log: ctx.log, bundleDir });
    },
  },
  sandbox: {
    describe:
      'sandboxed exec through the tool side, sandboxd and the engine: warm round trip, cold create+start+first exec, 20 sessions at once, docker CLI for scale (real engine; skipped without one or without a sandbox image)',
    run: async (ctx) => {
      const { runSandboxBench } = await import('./bench/sandbox.mjs');
      return runSandboxBench({ quick: ctx.quick, log: ctx.log });
    },
  },
  ui: {
    describe:
      'renderer bundle size (initial JS gzipped, budget 250 KB) and dashboard time to interactive in the headless host (Chromium; skipped without it)',
    run: async (ctx) => {
      await buildStale({ only: ['renderer'] });
      const { runUiBench } = await import('./bench/ui.mjs');
      return runUiBench({ quick: ctx.quick, log: ctx.log });
    },
  },
};

/** @param {string[]} argv */
function parseArgs(argv) {
  /** @type {{ only: string[], strict: boolean, quick: boolean, out: string, bundle?: string }} */
  const options = {
    only: Object.keys(SECTIONS),
    strict: false,
    quick: false,
    out: path.join(ROOT, 'bench-results'),
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const value = () => {
      const next = argv[++i];
      if (next === undefined || next.startsWith('--')) throw new Error(`${arg} needs a value`);
      return next;
    };
    if (arg === '--only') {
      options.only = value().split(',');
      for (const name of options.only) {
        if (!(name in SECTIONS))
          throw new Error(
            `--only: unknown section "${name}" (${Object.keys(SECTIONS).join(', ')})`,
          );
      }
    } else if (arg === '--strict') options.strict = true;
    else if (arg === '--quick') options.quick = true;
    else if (arg === '--out') options.out = path.resolve(value());
    else if (arg === '--bundle') options.bundle = path.resolve(value());
    else if (arg === '--help' || arg === '-h') {
      const list = Object.entries(SECTIONS)
        .map(([name, s]) => `  ${name.padEnd(10)} ${s.describe}`)
        .join('\n');
      process.stdout.write(
        `usage: node scripts/bench.mjs [--only <section,...>] [--strict] [--quick] [--out <dir>] [--bundle <openclaw.mjs>]\n\nsections:\n${list}\n\n` +
          '--strict   exit 1 when a target is missed\n' +
          '--quick    fewer iterations (smoke run; numbers are not comparable)\n' +
          '--out      where the JSON goes (default bench-results/)\n' +
          '--bundle   bench this gateway bundle as is instead of (re)building dist/\n',
      );
      process.exit(0);
    } else throw new Error(`unknown argument "${arg}" (try --help)`);
  }
  return options;
}

/** @param {string[]} argv */
export async function main(argv) {
  const options = parseArgs(argv);
  /** @param {string} line */
  const log = (line) => process.stderr.write(`[bench] ${line}\n`);
  /** @type {SectionResult[]} */
  const results = [];
  for (const name of options.only) {
    const section = /** @type {(typeof SECTIONS)[string]} */ (SECTIONS[name]);
    /** @type {SectionResult} */
    let result;
    try {
      result = await section.run({ quick: options.quick, bundle: options.bundle, log });
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      result = {
        section: name,
        startedAt: new Date().toISOString(),
        durationMs: 0,
        environment: {},
        metrics: [],
        data: {},
        error: message,
      };
    }
    const file = await writeSectionResult(options.out, result);
    log(
      `${name}: ${(result.durationMs / 1000).toFixed(1)} s, wrote ${path.relative(process.cwd(), file) || file}`,
    );
    if (result.error) {
      const details = Array.isArray(result.data.errors)
        ? result.data.errors.join('\n')
        : result.error;
      log(`${name}: ERROR ${details}`);
    }
    results.push(result);
  }
  process.stdout.write(`\n${renderTable(results)}\n`);
  if (options.quick)
    process.stdout.write('(--quick: fewer iterations, numbers are indicative only)\n');
  const missed = misses(results);
  const errored = results.some((r) => r.error);
  if (missed.length > 0)
    process.stdout.write(
      `\n${missed.length} target(s) missed or failed:\n  ${missed.join('\n  ')}\n`,
    );
  return errored || (options.strict && missed.length > 0) ? 1 : 0;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (err) => {
      process.stderr.write(`[bench] ${err instanceof Error ? err.message : String(err)}\n`);
      process.exitCode = 1;
    },
  );
}
