/**
 * The UI bench section: which chunks count as "initial" (entry, modulepreloads, their static
 * imports — never a lazy `import()`), from Vite's manifest when there is one; a clean skip without
 * a build; and, with Chromium and a build, one real dashboard load in the headless host.
 */
import { existsSync, promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const REAL_UI = path.join(ROOT, 'dist/control-ui');

interface Metric {
  id: string;
  value: number | null;
  target?: { op: string; value: number };
  pass?: boolean;
}
interface UiBench {
  staticImports(code: string): string[];
  startupScripts(html: string): string[];
  initialChunks(
    uiRoot: string,
  ): Promise<{ files: string[]; css: string[]; source: 'manifest' | 'parsed' }>;
  measureBundle(uiRoot: string): Promise<{ metrics: Metric[] }>;
  measureDashboardTti(options: {
    uiRoot: string;
    runs: number;
    log: (line: string) => void;
  }): Promise<{ metrics: Metric[]; data: { hostCalls: Record<string, number> } }>;
  runUiBench(options: {
    uiRoot?: string;
    log?: (line: string) => void;
  }): Promise<{ metrics: Metric[]; error?: string; data: Record<string, unknown> }>;
  CHROMIUM: string;
}

let ui: UiBench;
let tmp: string;

async function write(file: string, text: string): Promise<void> {
  await fs.mkdir(path.dirname(file), { recursive: true });
  await fs.writeFile(file, text);
}

/** A small build shaped like Vite's: entry + preload + static and lazy imports. */
async function fakeBuild(dir: string): Promise<void> {
  await write(
    path.join(dir, 'index.html'),
    [
      '<script type="module" crossorigin src="/assets/entry-a1.js"></script>',
      '<link rel="modulepreload" crossorigin href="/assets/shared-b2.js">',
      '<link rel="stylesheet" crossorigin href="/assets/entry-c3.css">',
    ].join('\n'),
  );
  await write(
    path.join(dir, 'assets/entry-a1.js'),
    'import{a as e}from"./shared-b2.js";import"./side-d4.js";' +
      `const t=()=>import("./lazy-e5.js");const s='import x from "./missing.js"';` +
      'console.log(import.meta.url,e,t,s);' +
      'x'.repeat(5000),
  );
  await write(path.join(dir, 'assets/shared-b2.js'), 'export*from"./deep-f6.js";export const a=1;');
  await write(path.join(dir, 'assets/deep-f6.js'), 'export const d=2;');
  await write(path.join(dir, 'assets/side-d4.js'), 'globalThis.side=1;');
  await write(path.join(dir, 'assets/lazy-e5.js'), 'import{d}from"./lazy-dep-g7.js";export{d};');
  await write(path.join(dir, 'assets/lazy-dep-g7.js'), 'y'.repeat(20000));
  await write(path.join(dir, 'assets/entry-c3.css'), 'body{margin:0}');
}

beforeAll(async () => {
  ui = (await import(pathToFileURL(path.join(ROOT, 'scripts/bench/ui.mjs')).href)) as UiBench;
  tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'openclaw-ui-bench-test-'));
});

afterAll(async () => {
  if (tmp) await fs.rm(tmp, { recursive: true, force: true });
});

describe('ui bench: bundle size', () => {
  it('parses static imports and ignores lazy ones', () => {
    expect(
      ui.staticImports(
        'import{a as b}from"./x.js";import"./y.js";import * as z from "./z.js";export*from"./w.js";' +
          'export{q}from"./v.js";import d,{e}from"./u.js";const l=()=>import("./lazy.js");import.meta.url',
      ),
    ).toEqual(['./x.js', './y.js', './z.js', './w.js', './v.js', './u.js']);
    expect(
      ui.startupScripts(
        '<script type="module" src="/assets/i.js"></script><script src="/legacy.js"></script>' +
          '<link rel="modulepreload" href="/assets/p.js"><link rel="stylesheet" href="/assets/s.css">',
      ),
    ).toEqual(['/assets/i.js', '/assets/p.js']);
  });

  it('counts the entry, its preloads and static imports — not the lazy chunks', async () => {
    const dir = path.join(tmp, 'parsed');
    await fakeBuild(dir);
    const initial = await ui.initialChunks(dir);
    expect(initial.source).toBe('parsed');
    expect(initial.files.map((f) => path.relative(dir, f)).sort()).toEqual(
      [
        'assets/deep-f6.js',
        'assets/entry-a1.js',
        'assets/shared-b2.js',
        'assets/side-d4.js',
      ].sort(),
    );
    expect(initial.css.map((f) => path.relative(dir, f))).toEqual(['assets/entry-c3.css']);

    const { metrics } = await ui.measureBundle(dir);
    const byId = new Map(metrics.map((m) => [m.id, m]));
    const initialJs = byId.get('initial_js_gzip_kb')!;
    expect(initialJs.target).toEqual({ op: '<', value: 250 });
    expect(initialJs.pass).toBe(true);
    expect(initialJs.value!).toBeGreaterThan(0);
    // The lazy chunks count in the total only.
    expect(byId.get('total_js_gzip_kb')!.value!).toBeGreaterThan(initialJs.value!);
  });

  it("prefers Vite's manifest when the build wrote one", async () => {
    const dir = path.join(tmp, 'manifest');
    await fakeBuild(dir);
    await write(
      path.join(dir, '.vite/manifest.json'),
      JSON.stringify({
        'index.html': {
          file: 'assets/entry-a1.js',
          isEntry: true,
          imports: ['_shared'],
          dynamicImports: ['lazy.tsx'],
          css: ['assets/entry-c3.css'],
        },
        _shared: { file: 'assets/shared-b2.js' },
        'lazy.tsx': { file: 'assets/lazy-e5.js', isDynamicEntry: true },
      }),
    );
    const initial = await ui.initialChunks(dir);
    expect(initial.source).toBe('manifest');
    expect(initial.files.map((f) => path.relative(dir, f))).toEqual([
      'assets/entry-a1.js',
      'assets/shared-b2.js',
    ]);
  });

  it.skipIf(!existsSync(path.join(REAL_UI, 'index.html')))(
    'reads the real build: the startup scripts exist and no lazy page chunk is initial',
    async () => {
      const html = await fs.readFile(path.join(REAL_UI, 'index.html'), 'utf8');
      const initial = await ui.initialChunks(REAL_UI);
      const names = initial.files.map((f) => path.relative(REAL_UI, f));
      for (const url of ui.startupScripts(html)) expect(names).toContain(url.replace(/^\//, ''));
      expect(names.filter((n) => /-page-/.test(n))).toEqual([]);
    },
  );

  it('skips cleanly without a build', async () => {
    const result = await ui.runUiBench({ uiRoot: path.join(tmp, 'nothing-here') });
    expect(result.error).toBeUndefined();
    expect(result.metrics).toEqual([expect.objectContaining({ id: 'skipped', value: null })]);
    expect(String(result.data.skipped)).toContain('no renderer build');
  });
});

describe('ui bench: dashboard time to interactive', () => {
  it.skipIf(!existsSync('/usr/bin/chromium') || !existsSync(path.join(REAL_UI, 'index.html')))(
    'loads the dashboard in the headless host with canned host data',
    async () => {
      const { metrics, data } = await ui.measureDashboardTti({
        uiRoot: REAL_UI,
        runs: 1,
        log: () => {},
      });
      const tti = metrics.find((m) => m.id === 'dashboard_tti_ms');
      expect(tti?.value).toBeGreaterThan(0);
      expect(tti!.value!).toBeLessThan(30_000);
      expect(data.hostCalls['status.get']).toBeGreaterThan(0);
    },
    60_000,
  );
});
