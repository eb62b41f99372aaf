// @ts-check
/* global window, document, MutationObserver, requestAnimationFrame -- in page.evaluate code */
/**
 * UI bench: what the first paint of the renderer costs.
 * - Bundle size: the initial JS (the entry chunk of dist/control-ui/index.html, its modulepreloads
 *   and every chunk they import statically, transitively), gzipped — the budget is
 *   < 250 KB — plus the initial CSS and the totals of every chunk (lazy pages included).
 * - Time to interactive of the dashboard in the headless host: the real headless server (loaded
 *   through tsx) with a fake host API answering canned data, a fresh Chromium context per run (cold
 *   cache), from navigation start until the dashboard's status phase is on screen; median of 5.
 * Each part skips cleanly when what it needs (the build, Chromium) is missing.
 */
import { existsSync, promises as fs } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { environmentInfo, metric } from './report.mjs';
import { median } from './stats.mjs';

/** @typedef {import('./report.mjs').Metric} Metric */
/** @typedef {import('./report.mjs').SectionResult} SectionResult */

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const TARGETS = { initialJsGzipKb: 250 };
export const CHROMIUM = '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
const KB = 1024;
/** The element whose text is the gateway phase once the dashboard has its data. */
const STATUS_SELECTOR = '.dash-status__phase';

/** @param {string} html @param {string} attr the attribute holding the URL */
function attrOf(html, attr) {
  const m = new RegExp(`\\b${attr}\\s*=\\s*["']([^"']+)["']`).exec(html);
  return m?.[1];
}

/**
 * The URLs the page loads as JS at startup: the module script(s) and the modulepreloads.
 * @param {string} html
 * @returns {string[]}
 */
export function startupScripts(html) {
  /** @type {string[]} */
  const urls = [];
  for (const tag of html.match(/<script\b[^>]*>/g) ?? []) {
    const src = attrOf(tag, 'src');
    if (src && /\btype\s*=\s*["']module["']/.test(tag)) urls.push(src);
  }
  for (const tag of html.match(/<link\b[^>]*>/g) ?? []) {
    const href = attrOf(tag, 'href');
    if (href && /\brel\s*=\s*["']modulepreload["']/.test(tag)) urls.push(href);
  }
  return urls;
}

/**
 * Specifiers a chunk imports statically (`import … from "x"`, `import "x"`, `export … from "x"`).
 * `import("x")` (lazy) and `import.meta` do not match. Only specifiers that resolve to a file of
 * the build are used by the caller, so a lookalike inside a string cannot add anything.
 * @param {string} code
 * @returns {string[]}
 */
export function staticImports(code) {
  const re =
    /\b(?:import|export)\s*(?:[\w$]+\s*,?\s*)?(?:\{[^}]*\}|\*(?:\s*as\s*[\w$]+)?)?\s*from\s*["']([^"']+)["']|\bimport\s*["']([^"']+)["']/g;
  /** @type {string[]} */
  const found = [];
  for (const m of code.matchAll(re)) {
    const spec = m[1] ?? m[2];
    if (spec) found.push(spec);
  }
  return found;
}

/**
 * @param {string} uiRoot
 * @param {string} url an absolute-path (`/assets/x.js`) or relative URL from index.html
 */
function fileOfUrl(uiRoot, url) {
  const clean = url.split(/[?#]/)[0] ?? '';
  return path.join(uiRoot, clean.startsWith('/') ? clean.slice(1) : clean);
}

/**
 * The chunks loaded before the first page can render: from Vite's manifest when the build wrote
 * one (`.vite/manifest.json`, `isEntry` + `imports`), else from index.html and the chunks' own
 * static imports.
 * @param {string} uiRoot dist/control-ui
 * @returns {Promise<{ files: string[], css: string[], source: 'manifest' | 'parsed' }>}
 */
export async function initialChunks(uiRoot) {
  const manifestFile = path.join(uiRoot, '.vite', 'manifest.json');
  if (existsSync(manifestFile)) {
    /** @type {Record<string, { file: string, isEntry?: boolean, imports?: string[], css?: string[] }>} */
    const manifest = JSON.parse(await fs.readFile(manifestFile, 'utf8'));
    const files = new Set();
    const css = new Set();
    const visit = (/** @type {string} */ key) => {
      const chunk = manifest[key];
      if (!chunk || files.has(path.join(uiRoot, chunk.file))) return;
      files.add(path.join(uiRoot, chunk.file));
      for (const c of chunk.css ?? []) css.add(path.join(uiRoot, c));
      for (const dep of chunk.imports ?? []) visit(dep);
    };
    for (const [key, chunk] of Object.entries(manifest)) if (chunk.isEntry) visit(key);
    return { files: [...files], css: [...css], source: 'manifest' };
  }
  const html = await fs.readFile(path.join(uiRoot, 'index.html'), 'utf8');
  const css = (html.match(/<link\b[^>]*>/g) ?? [])
    .filter((tag) => /\brel\s*=\s*["']stylesheet["']/.test(tag))
    .map((tag) => attrOf(tag, 'href'))
    .filter((href) => href !== undefined && !/^[a-z]+:/i.test(href))
    .map((href) => fileOfUrl(uiRoot, /** @type {string} */ (href)));
  const queue = startupScripts(html)
    .filter((u) => !/^[a-z]+:/i.test(u))
    .map((u) => fileOfUrl(uiRoot, u));
  if (queue.length === 0) throw new Error(`${uiRoot}/index.html has no module script`);
  const files = new Set();
  while (queue.length > 0) {
    const file = /** @type {string} */ (queue.shift());
    if (files.has(file) || !existsSync(file)) continue;
    files.add(file);
    const code = await fs.readFile(file, 'utf8');
    for (const spec of staticImports(code)) {
      if (!spec.startsWith('.') && !spec.startsWith('/')) continue;
      const dep = spec.startsWith('/')
        ? fileOfUrl(uiRoot, spec)
        : path.resolve(path.dirname(file), spec);
      if (dep.startsWith(path.resolve(uiRoot) + path.sep) && existsSync(dep)) queue.push(dep);
    }
  }
  return { files: [...files], css, source: 'parsed' };
}

/** @param {readonly string[]} files */
async function sizes(files) {
  let raw = 0;
  let gzip = 0;
  for (const file of files) {
    const bytes = await fs.readFile(file);
    raw += bytes.length;
    gzip += gzipSync(bytes, { level: 9 }).length;
  }
  return { raw, gzip };
}

/** @param {string} dir @returns {Promise<string[]>} */
async function filesUnder(dir) {
  /** @type {string[]} */
  const out = [];
  for (const entry of await fs.readdir(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...(await filesUnder(full)));
    else out.push(full);
  }
  return out;
}

/**
 * Bundle size metrics of a built renderer.
 * @param {string} uiRoot
 */
export async function measureBundle(uiRoot) {
  const initial = await initialChunks(uiRoot);
  const all = await filesUnder(uiRoot);
  const js = await sizes(all.filter((f) => f.endsWith('.js')));
  const css = await sizes(all.filter((f) => f.endsWith('.css')));
  const initialJs = await sizes(initial.files);
  const initialCss = await sizes(initial.css);
  /** @type {Metric[]} */
  const metrics = [
    metric('initial_js_gzip_kb', 'initial JS, gzipped', initialJs.gzip / KB, 'KB', {
      target: { op: '<', value: TARGETS.initialJsGzipKb },
      detail: `${initial.files.length} chunk(s), ${Math.round(initialJs.raw / KB)} KB raw`,
    }),
    metric('initial_css_gzip_kb', 'initial CSS, gzipped', initialCss.gzip / KB, 'KB'),
    metric('total_js_gzip_kb', 'all JS chunks (lazy pages too), gzipped', js.gzip / KB, 'KB', {
      detail: `${all.filter((f) => f.endsWith('.js')).length} chunks`,
    }),
    metric('total_gzip_kb', 'all JS + CSS, gzipped', (js.gzip + css.gzip) / KB, 'KB'),
  ];
  return {
    metrics,
    data: {
      initialChunks: initial.files.map((f) => path.relative(uiRoot, f)),
      initialCss: initial.css.map((f) => path.relative(uiRoot, f)),
      initialFrom: initial.source,
      bytes: { initialJs, initialCss, js, css },
    },
  };
}

/** Canned answers for what the dashboard asks; the rest fails (shown as the page's error states). */
function fakeHost() {
  const status = {
    phase: 'running',
    summary: 'Gateway: running',
    canStart: false,
    canStop: true,
    canRestart: true,
    canRebuild: true,
    uptimeMs: 3_600_000,
    pendingApprovals: 0,
    port: 18789,
    operator: 'connected',
  };
  /** @type {Record<string, () => unknown>} */
  const answers = {
    'status.get': () => status,
    'controlUi.url': () => ({ url: 'http://127.0.0.1:18789/#token=bench-token-not-a-secret' }),
    'approvals.list': () => ({ pending: [], paired: [] }),
    'gateway.stats': () => null,
  };
  /** @type {Record<string, number>} */
  const calls = {};
  const impl = new Proxy(
    {},
    {
      get: (_t, name) => async () => {
        const key = String(name);
        calls[key] = (calls[key] ?? 0) + 1;
        const answer = answers[key];
        if (!answer) throw new Error(`${key} is not part of the UI bench`);
        return answer();
      },
    },
  );
  return { impl, calls };
}

/**
 * Median time from navigation start to the dashboard's status on screen, in the headless host.
 * @param {{ uiRoot: string, runs: number, log: (line: string) => void }} options
 */
export async function measureDashboardTti({ uiRoot, runs, log }) {
  const { tsImport } = await import('tsx/esm/api');
  const from = import.meta.url;
  const [{ startHeadlessServer }, { HostApiHandler }] = await Promise.all([
    tsImport('../../electron/host/api/headless-server.ts', from),
    tsImport('../../electron/host/api/host-api-handler.ts', from),
  ]);
  const { chromium } = await import('playwright-core');
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
  const fake = fakeHost();
  /** @type {number[]} */
  const samples = [];
  /** @type {number[]} */
  const paints = [];
  try {
    for (let i = 0; i < runs; i++) {
      // A new server per run: the launch URL's token works once.
      const server = await startHeadlessServer({ handler: new HostApiHandler(fake.impl), uiRoot });
      const context = await browser.newContext({ viewport: { width: 1280, height: 860 } });
      try {
        // Timestamp the first frame where the status phase has text, on the page's own clock.
        await context.addInitScript((selector) => {
          const w = /** @type {Window & { __openclawStatusAt?: number }} */ (window);
          const observer = new MutationObserver(() => {
            const el = document.querySelector(selector);
            if (el && el.textContent && el.textContent.trim() !== '') {
              observer.disconnect();
              requestAnimationFrame(() => (w.__openclawStatusAt = performance.now()));
            }
          });
          observer.observe(document, { childList: true, subtree: true, characterData: true });
        }, STATUS_SELECTOR);
        const page = await context.newPage();
        await page.goto(server.launchUrl);
        await page.locator(STATUS_SELECTOR).filter({ hasText: 'Running' }).waitFor({
          timeout: 30_000,
        });
        const at = await page.waitForFunction(
          () => /** @type {Window & { __openclawStatusAt?: number }} */ (window).__openclawStatusAt,
        );
        const ms = /** @type {number} */ (await at.jsonValue());
        const fcp = await page.evaluate(
          () => performance.getEntriesByName('first-contentful-paint')[0]?.startTime ?? Number.NaN,
        );
        samples.push(ms);
        if (!Number.isNaN(fcp)) paints.push(fcp);
        log(`ui: dashboard run ${i + 1}/${runs}: status on screen at ${ms.toFixed(0)} ms`);
      } finally {
        await context.close().catch(() => {});
        await server.close().catch(() => {});
      }
    }
  } finally {
    await browser.close().catch(() => {});
  }
  /** @type {Metric[]} */
  const metrics = [
    metric(
      'dashboard_tti_ms',
      'dashboard time to interactive, headless host',
      median(samples),
      'ms',
      {
        detail: `median of ${samples.length}, navigation start → status on screen`,
      },
    ),
    metric('dashboard_fcp_ms', 'dashboard first contentful paint', median(paints), 'ms', {
      detail: `median of ${paints.length}`,
    }),
  ];
  return { metrics, data: { ttiSamplesMs: samples, fcpSamplesMs: paints, hostCalls: fake.calls } };
}

/**
 * @param {{ quick?: boolean, log?: (line: string) => void, uiRoot?: string }} options
 * @returns {Promise<SectionResult>}
 */
export async function runUiBench(options) {
  const log = options.log ?? (() => {});
  const uiRoot = path.resolve(options.uiRoot ?? path.join(ROOT, 'dist/control-ui'));
  const startedAt = new Date();
  const t0 = performance.now();
  /** @type {Metric[]} */
  const metrics = [];
  /** @type {Record<string, unknown>} */
  const data = { targets: TARGETS, uiRoot };
  /** @type {string[]} */
  const errors = [];
  const result = () =>
    /** @type {SectionResult} */ ({
      section: 'ui',
      startedAt: startedAt.toISOString(),
      durationMs: Math.round(performance.now() - t0),
      environment: { ...environmentInfo(), chromium: existsSync(CHROMIUM) ? CHROMIUM : null },
      metrics,
      data,
      ...(errors.length > 0 ? { error: errors.join('\n') } : {}),
    });

  if (!existsSync(path.join(uiRoot, 'index.html'))) {
    const reason = `no renderer build in ${path.relative(ROOT, uiRoot) || uiRoot} (npm run build)`;
    log(`ui: SKIPPED: ${reason}`);
    data.skipped = reason;
    metrics.push(metric('skipped', `SKIPPED: ${reason}`, null, ''));
    return result();
  }

  log('ui: bundle size...');
  try {
    const bundle = await measureBundle(uiRoot);
    metrics.push(...bundle.metrics);
    data.bundle = bundle.data;
  } catch (err) {
    errors.push(`bundle size: ${err instanceof Error ? err.message : String(err)}`);
  }

  if (!existsSync(CHROMIUM)) {
    const reason = `no Chromium at ${CHROMIUM} (apt-get install -y chromium)`;
    log(`ui: time to interactive SKIPPED: ${reason}`);
    data.ttiSkipped = reason;
    metrics.push(metric('tti_skipped', `time to interactive SKIPPED: ${reason}`, null, ''));
    return result();
  }
  log('ui: dashboard time to interactive...');
  try {
    const tti = await measureDashboardTti({ uiRoot, runs: options.quick ? 2 : 5, log });
    metrics.push(...tti.metrics);
    data.tti = tti.data;
  } catch (err) {
    errors.push(`time to interactive: ${err instanceof Error ? err.message : String(err)}`);
    metrics.push(
      metric('dashboard_tti_ms', 'dashboard time to interactive, headless host', null, 'ms'),
    );
  }
  return result();
}
