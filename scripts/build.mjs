#!/usr/bin/env node
// @ts-check
/**
 * The build: bundles the gateway CLI into `dist/gateway/` (a few self-contained files the image
 * copies onto a bare Node base: no `npm install`, no node_modules at run time) and the renderer
 * into `dist/control-ui/` (served by the gateway).
 *
 *   node scripts/build.mjs                 build everything
 *   node scripts/build.mjs --if-stale      build only the targets whose sources are newer than dist
 *   node scripts/build.mjs --only gateway  one target (gateway | renderer)
 *   node scripts/build.mjs --outdir <dir>  write somewhere else than dist/ (tests)
 *   node scripts/build.mjs --entry <file>  bundle another CLI entry (experiments; tests of the checks)
 *
 * Importable too: `npm test`, `npm start` and the bench call `buildStale()` instead of spawning.
 */
import { builtinModules } from 'node:module';
import { promises as fs, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const DEFAULT_OUT_DIR = path.join(ROOT, 'dist');
export const GATEWAY_ENTRY = 'gateway/cli/main.ts';
export const GATEWAY_BUNDLE = 'gateway/openclaw.mjs';
export const RENDERER_DIR = 'renderer';
export const CONTROL_UI_DIR = 'control-ui';

/**
 * ws `require()`s these native speed-ups inside try/catch and falls back to JS. They must stay
 * external (they are native addons), and the bundle must not depend on them being installed.
 */
const OPTIONAL_NATIVE = [
  'bufferutil',
  'utf-8-validate',
  // Not native, but the same pattern: `debug` (under pi-ai's proxy-agent) require()s it in a
  // try/catch for colours and works without it.
  'supports-color',
  // node-fetch 2 (under grammy) require()s it in a try/catch for non-UTF-8 bodies; the Bot API
  // answers JSON in UTF-8.
  'encoding',
  // discord.js and @discordjs/ws load this native inflater in a try/catch and fall back to zlib.
  'zlib-sync',
];

/**
 * Packages the image ships beside the bundle in /app/node_modules instead of bundling them.
 * playwright-core carries its own CLI (`node /app/node_modules/playwright-core/cli.js install
 * chromium`) and resolves its browser registry from its own folder, so it must stay whole; it may
 * only be reached through `import()` (the browser tool's first use), never at start.
 */
export const SHIPPED_PACKAGES = ['playwright-core'];

/**
 * Inputs that must never load statically on the way to `gateway run`: the protocol package's
 * validator set builds ~1 MB of TypeBox schemas at import (150-250 ms bundled on a fast machine,
 * ~800 ms unbundled, +23 MB RSS), so `gateway/server/protocol.ts` loads it with `import()` after
 * `listen`. Were it pulled into the static graph (a plain `import { validateX } from
 * '@openclaw/gateway-protocol'` anywhere on that path), /healthz would wait for it; the build
 * fails instead.
 */
const LAZY_ONLY_INPUTS = [
  /node_modules\/@openclaw\/gateway-protocol\/dist\/index\.mjs$/,
  /node_modules\/typebox\//,
];

/**
 * Likewise the model providers (pi-ai, its ~550 KB model catalog, each provider's SDK): they load
 * on first use through `import()` of gateway/agent/providers/model-providers.ts.
 */
const PROVIDER_INPUTS = [
  /node_modules\/@mariozechner\//,
  /node_modules\/openai\//,
  /node_modules\/@anthropic-ai\//,
  /node_modules\/@google\/genai\//,
  /node_modules\/@mistralai\//,
];

/**
 * And the chat channel clients (grammy, discord.js, baileys with its ~2 MB inlined WebAssembly,
 * qrcode): gateway/channels/adapters.ts
 * loads each with `import()` only when a configured account starts, so a gateway without
 * `channels` never pays for them.
 */
const CHANNEL_INPUTS = [
  /node_modules\/grammy\//,
  /node_modules\/@grammyjs\//,
  /node_modules\/discord\.js\//,
  /node_modules\/@discordjs\//,
  /node_modules\/baileys\//,
  /node_modules\/whatsapp-rust-bridge\//,
  /node_modules\/qrcode\//,
];

/**
 * `@opentelemetry/api` is an optional peer of Mistral's SDK (reached through pi-ai) and is not
 * installed; a no-op stand-in keeps the bundle self-contained (see the stub's header).
 * @type {import('esbuild').Plugin}
 */
/** `ssh2` (dockerode's ssh:// transport, native addons) is replaced by scripts/lib/ssh2-stub.mjs. */
const SSH2_STUB = {
  name: 'ssh2-stub',
  setup(pluginBuild) {
    pluginBuild.onResolve({ filter: /^ssh2$/ }, () => ({
      path: path.join(ROOT, 'scripts/lib/ssh2-stub.mjs'),
    }));
  },
};

/**
 * Optional helpers Baileys (WhatsApp) loads with `import()` inside a catch and works without:
 * sharp and jimp (thumbnails of sent images), link-preview-js (link previews), audio-decode
 * (voice-note waveforms). sharp is even installed (a native addon that would need libvips in the
 * image), the others are not. Each resolves to a module that throws when loaded, so Baileys takes
 * its "not installed" path and the bundle stays self-contained.
 * @type {import('esbuild').Plugin}
 */
const ABSENT_OPTIONAL = /^(?:sharp|jimp|link-preview-js|audio-decode)$/;
const ABSENT_OPTIONAL_STUB = {
  name: 'absent-optional-stub',
  setup(pluginBuild) {
    pluginBuild.onResolve({ filter: ABSENT_OPTIONAL }, (args) => ({
      path: args.path,
      namespace: 'absent-optional',
    }));
    pluginBuild.onLoad({ filter: /.*/, namespace: 'absent-optional' }, (args) => ({
      contents: `throw new Error(${JSON.stringify(`${args.path} is not part of the OpenClaw gateway bundle`)});\n`,
      loader: 'js',
    }));
  },
};

const OPENTELEMETRY_STUB = {
  name: 'opentelemetry-api-stub',
  setup(pluginBuild) {
    pluginBuild.onResolve({ filter: /^@opentelemetry\/api$/ }, () => ({
      path: path.join(ROOT, 'scripts/lib/opentelemetry-api-stub.mjs'),
    }));
  },
};

/**
 * `createRequire` shim: CommonJS dependencies (ws) call `require('events')` etc., which ESM output
 * has no binding for. The alias keeps the import from clashing with bundled identifiers.
 */
const REQUIRE_SHIM =
  "import { createRequire as __openclawCreateRequire } from 'node:module';\n" +
  'const require = __openclawCreateRequire(import.meta.url);';

const TEST_FILE = /\.(?:test|spec)\.[cm]?[jt]sx?$/;

/** @param {string} message */
function log(message) {
  process.stdout.write(`[build] ${message}\n`);
}

/** @param {number} bytes */
export function formatBytes(bytes) {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} kB`;
  return `${(bytes / 1024 / 1024).toFixed(2)} MB`;
}

async function packageVersion() {
  const pkg = JSON.parse(await fs.readFile(path.join(ROOT, 'package.json'), 'utf8'));
  if (typeof pkg.version !== 'string' || !pkg.version)
    throw new Error('package.json has no version');
  return /** @type {string} */ (pkg.version);
}

// ---------------------------------------------------------------------------------------------
// Staleness (--if-stale): a target is stale when any of its sources is newer than its oldest output.

/**
 * Newest mtime (ms) of the source files under `entries` (files or folders), skipping tests,
 * node_modules and dot-folders: editing a test must not trigger a rebuild of the bundle.
 * @param {string[]} entries absolute paths
 * @returns {{ mtimeMs: number, file: string | undefined }}
 */
export function newestSource(entries) {
  let newest = { mtimeMs: 0, file: /** @type {string | undefined} */ (undefined) };
  /** @param {string} p */
  const visit = (p) => {
    let st;
    try {
      st = statSync(p);
    } catch {
      return; // optional input (lockfile, renderer config) absent
    }
    if (st.isDirectory()) {
      for (const name of readdirSync(p)) {
        if (name === 'node_modules' || name.startsWith('.')) continue;
        visit(path.join(p, name));
      }
      return;
    }
    if (TEST_FILE.test(p)) return;
    if (st.mtimeMs > newest.mtimeMs) newest = { mtimeMs: st.mtimeMs, file: p };
  };
  for (const entry of entries) visit(entry);
  return newest;
}

/**
 * Oldest mtime of every file under `dir`, or undefined when `marker` (a file that every
 * successful build writes) is missing.
 * @param {string} dir
 * @param {string} marker
 */
export function oldestOutput(dir, marker) {
  try {
    statSync(marker);
  } catch {
    return undefined;
  }
  let oldest = Infinity;
  /** @param {string} p */
  const visit = (p) => {
    const st = statSync(p);
    if (st.isDirectory()) for (const name of readdirSync(p)) visit(path.join(p, name));
    else oldest = Math.min(oldest, st.mtimeMs);
  };
  visit(dir);
  return Number.isFinite(oldest) ? oldest : undefined;
}

/** Sources every target depends on: the build itself, the toolchain and dependency versions. */
const COMMON_INPUTS = ['package.json', 'package-lock.json', 'tsconfig.json', 'scripts/build.mjs'];

/**
 * @param {{ outDir?: string }} [options]
 * @returns {{ stale: boolean, reason: string }}
 */
export function gatewayStaleness(options = {}) {
  const outDir = options.outDir ?? DEFAULT_OUT_DIR;
  const outputs = oldestOutput(path.join(outDir, 'gateway'), path.join(outDir, GATEWAY_BUNDLE));
  if (outputs === undefined)
    return { stale: true, reason: `${path.join(outDir, GATEWAY_BUNDLE)} does not exist` };
  const newest = newestSource(['gateway', ...COMMON_INPUTS].map((p) => path.join(ROOT, p)));
  if (newest.mtimeMs > outputs)
    return { stale: true, reason: `${path.relative(ROOT, newest.file ?? '')} changed` };
  return { stale: false, reason: 'up to date' };
}

/**
 * @param {{ outDir?: string }} [options]
 * @returns {{ stale: boolean, reason: string }}
 */
export function rendererStaleness(options = {}) {
  const outDir = options.outDir ?? DEFAULT_OUT_DIR;
  const uiDir = path.join(outDir, CONTROL_UI_DIR);
  const outputs = oldestOutput(uiDir, path.join(uiDir, 'index.html'));
  if (outputs === undefined)
    return { stale: true, reason: `${path.join(uiDir, 'index.html')} does not exist` };
  const newest = newestSource([RENDERER_DIR, ...COMMON_INPUTS].map((p) => path.join(ROOT, p)));
  if (newest.mtimeMs > outputs)
    return { stale: true, reason: `${path.relative(ROOT, newest.file ?? '')} changed` };
  return { stale: false, reason: 'up to date' };
}

// ---------------------------------------------------------------------------------------------
// Gateway bundle

/**
 * Walks the static-import graph of the output `start` (metafile paths) and returns every output
 * in it: what Node loads before the first line of the entry runs.
 * @param {import('esbuild').Metafile} metafile
 * @param {string} start
 */
function staticClosure(metafile, start) {
  const seen = new Set([start]);
  const queue = [start];
  while (queue.length > 0) {
    const file = /** @type {string} */ (queue.pop());
    for (const imp of metafile.outputs[file]?.imports ?? []) {
      if (imp.external || imp.kind !== 'import-statement' || seen.has(imp.path)) continue;
      seen.add(imp.path);
      queue.push(imp.path);
    }
  }
  return seen;
}

/** @param {string} spec */
function isBuiltin(spec) {
  return spec.startsWith('node:') || builtinModules.includes(spec.split('/')[0] ?? spec);
}

/**
 * The module `openclaw gateway run` loads lazily; what it pulls in statically is paid at every
 * gateway cold start.
 */
const GATEWAY_RUN_MODULE = 'gateway/cli/commands/gateway-run.ts';

/**
 * Outputs loaded at CLI start (the entry's static graph) and, on top, at gateway start (the
 * static graph of the `gateway run` chunk).
 * @param {import('esbuild').Metafile} metafile
 * @param {string} entryOutput
 */
function startupOutputs(metafile, entryOutput) {
  const cli = staticClosure(metafile, entryOutput);
  // Metafile paths are relative to ROOT; an entry elsewhere (tests, experiments) gets a ../ prefix.
  const isRunModule = (/** @type {string | undefined} */ p) =>
    p !== undefined && (p === GATEWAY_RUN_MODULE || p.endsWith(`/${GATEWAY_RUN_MODULE}`));
  const runChunk = Object.entries(metafile.outputs).find(([, out]) =>
    isRunModule(out.entryPoint),
  )?.[0];
  const gateway = new Set(cli);
  if (runChunk) for (const file of staticClosure(metafile, runChunk)) gateway.add(file);
  const located = [...gateway].some((file) =>
    Object.keys(metafile.outputs[file]?.inputs ?? {}).some(isRunModule),
  );
  return { cli, gateway, located };
}

/** @param {string[]} inputs */
function listed(inputs) {
  return (
    inputs.slice(0, 3).join(', ') + (inputs.length > 3 ? ` and ${inputs.length - 3} more` : '')
  );
}

/**
 * Fails the build on an output that would need node_modules at run time or that makes the
 * gateway load the protocol validators or the model providers eagerly.
 * @param {import('esbuild').Metafile} metafile
 * @param {string} entryOutput metafile path of the entry output
 */
function checkGatewayOutputs(metafile, entryOutput) {
  /** @type {string[]} */
  const problems = [];
  for (const [file, output] of Object.entries(metafile.outputs)) {
    for (const imp of output.imports) {
      if (imp.external && SHIPPED_PACKAGES.includes(imp.path)) {
        if (imp.kind !== 'dynamic-import')
          problems.push(
            `${file} imports "${imp.path}" statically: load it with import() on first use (it is shipped beside the bundle, not in it)`,
          );
        continue;
      }
      if (imp.external && !isBuiltin(imp.path) && !OPTIONAL_NATIVE.includes(imp.path)) {
        problems.push(
          `${file} imports "${imp.path}" at run time (not bundled): only node: builtins may stay external`,
        );
      }
    }
  }
  const startup = startupOutputs(metafile, entryOutput);
  if (!startup.located)
    log(
      `warning: ${GATEWAY_RUN_MODULE} not found in the bundle; the eager-import check covers the entry only`,
    );
  for (const file of startup.gateway) {
    const inputs = Object.keys(metafile.outputs[file]?.inputs ?? {});
    const eager = inputs
      .filter((input) => LAZY_ONLY_INPUTS.some((re) => re.test(input)))
      .sort((a, b) => Number(/gateway-protocol/.test(b)) - Number(/gateway-protocol/.test(a)));
    if (eager.length > 0) {
      problems.push(
        `${file} is loaded statically by \`gateway run\` and contains ${listed(eager)}: the protocol validators must load ` +
          'through import() only (see gateway/server/protocol.ts loadProtocolValidators), or /healthz waits for them',
      );
    }
    const providers = inputs.filter((input) => PROVIDER_INPUTS.some((re) => re.test(input)));
    if (providers.length > 0) {
      problems.push(
        `${file} is loaded statically by \`gateway run\` and contains ${listed(providers)}: the model providers must load ` +
          "through import() only (see gateway/runtime/methods.ts 'models.list'), or cold start pays for them",
      );
    }
    const channels = inputs.filter((input) => CHANNEL_INPUTS.some((re) => re.test(input)));
    if (channels.length > 0) {
      problems.push(
        `${file} is loaded statically by \`gateway run\` and contains ${listed(channels)}: channel clients must load ` +
          'through import() only (see gateway/channels/adapters.ts), or every gateway pays for them',
      );
    }
  }
  if (problems.length > 0)
    throw new Error(`gateway bundle check failed:\n  - ${problems.join('\n  - ')}`);
}

/**
 * @param {import('esbuild').Metafile} metafile
 * @param {string} entryOutput
 * @param {string} outDir
 */
function printGatewaySizes(metafile, entryOutput, outDir) {
  const startup = startupOutputs(metafile, entryOutput);
  /** @param {string} file */
  const phase = (file) => (startup.cli.has(file) ? 0 : startup.gateway.has(file) ? 1 : 2);
  const PHASES = ['cli start', 'gateway run', 'lazy'];
  const rows = Object.entries(metafile.outputs)
    .filter(([file]) => !file.endsWith('.map'))
    .map(([file, out]) => ({
      name: path.relative(outDir, path.resolve(ROOT, file)),
      bytes: out.bytes,
      phase: phase(file),
    }))
    .sort((a, b) => a.phase - b.phase || b.bytes - a.bytes);
  const maps = Object.entries(metafile.outputs)
    .filter(([file]) => file.endsWith('.map'))
    .reduce((sum, [, out]) => sum + out.bytes, 0);
  const width = Math.max(...rows.map((r) => r.name.length));
  for (const row of rows)
    log(`  ${row.name.padEnd(width)}  ${formatBytes(row.bytes).padStart(9)}  ${PHASES[row.phase]}`);
  /** @param {(r: { phase: number }) => boolean} pick */
  const sum = (pick) => rows.filter(pick).reduce((total, r) => total + r.bytes, 0);
  log(
    `  total ${formatBytes(sum(() => true))} JS: ${formatBytes(sum((r) => r.phase === 0))} at CLI start, ` +
      `${formatBytes(sum((r) => r.phase <= 1))} at gateway start; ${formatBytes(maps)} source maps`,
  );
}

/**
 * Bundles the `openclaw` CLI (gateway included) into `<outDir>/gateway/`.
 * @param {{ outDir?: string, entry?: string, quiet?: boolean }} [options]
 * @returns {Promise<{ bundle: string, files: string[], bytes: number, durationMs: number }>}
 */
export async function buildGateway(options = {}) {
  const { build } = await import('esbuild');
  const started = performance.now();
  const outDir = path.resolve(options.outDir ?? DEFAULT_OUT_DIR);
  const gatewayOut = path.join(outDir, 'gateway');
  const entry = path.resolve(ROOT, options.entry ?? GATEWAY_ENTRY);
  const entrySource = await fs.readFile(entry, 'utf8').catch(() => {
    throw new Error(`gateway entry ${path.relative(ROOT, entry)} does not exist`);
  });
  // esbuild keeps an entry's own hashbang on top; a second one from the banner would not parse.
  const hashbang = entrySource.startsWith('#!') ? '' : '#!/usr/bin/env node\n';

  // Old chunks have content hashes in their names: start clean so none linger in the image.
  await fs.rm(gatewayOut, { recursive: true, force: true });
  const result = await build({
    absWorkingDir: ROOT,
    entryPoints: { openclaw: entry },
    // An entry outside the repo (--entry, tests) still resolves the repo's dependencies.
    nodePaths: [path.join(ROOT, 'node_modules')],
    outdir: gatewayOut,
    bundle: true,
    packages: 'bundle',
    platform: 'node',
    target: 'node20',
    format: 'esm',
    // Splitting keeps each `import()` target (the protocol validators) in its own chunk.
    splitting: true,
    chunkNames: 'chunks/[name]-[hash]',
    outExtension: { '.js': '.mjs' },
    // The banner lands in every output (chunks too); a hashbang is valid syntax in any module.
    banner: { js: `${hashbang}${REQUIRE_SHIM}` },
    define: { __OPENCLAW_VERSION__: JSON.stringify(await packageVersion()) },
    external: [...OPTIONAL_NATIVE, ...SHIPPED_PACKAGES],
    plugins: [OPENTELEMETRY_STUB, SSH2_STUB, ABSENT_OPTIONAL_STUB],
    sourcemap: 'linked',
    sourcesContent: true,
    // Readable names and line numbers in stack traces. Syntax minification trims a little; a
    // whitespace-minified build measured no faster cold start (same median within noise).
    minifyIdentifiers: false,
    minifySyntax: true,
    minifyWhitespace: false,
    legalComments: 'eof',
    metafile: true,
    logLevel: 'warning',
  });

  const entryOutput = path
    .relative(ROOT, path.join(gatewayOut, 'openclaw.mjs'))
    .split(path.sep)
    .join('/');
  try {
    if (!result.metafile.outputs[entryOutput])
      throw new Error(`esbuild did not write ${entryOutput}`);
    checkGatewayOutputs(result.metafile, entryOutput);
  } catch (err) {
    // A rejected bundle must not look built to the next --if-stale.
    await fs.rm(gatewayOut, { recursive: true, force: true });
    throw err;
  }

  const bundle = path.join(gatewayOut, 'openclaw.mjs');
  await fs.chmod(bundle, 0o755);
  // Lets the folder be copied anywhere (the image) and still load as ESM, whatever is above it.
  await fs.writeFile(
    path.join(gatewayOut, 'package.json'),
    `${JSON.stringify({ type: 'module' }, null, 2)}\n`,
  );

  const files = Object.keys(result.metafile.outputs).map((f) => path.resolve(ROOT, f));
  const bytes = Object.entries(result.metafile.outputs)
    .filter(([f]) => !f.endsWith('.map'))
    .reduce((sum, [, out]) => sum + out.bytes, 0);
  const durationMs = performance.now() - started;
  if (!options.quiet) {
    log(`gateway: ${path.relative(ROOT, bundle)} in ${durationMs.toFixed(0)} ms`);
    printGatewaySizes(result.metafile, entryOutput, outDir);
  }
  return { bundle, files, bytes, durationMs };
}

// ---------------------------------------------------------------------------------------------
// Renderer (Control UI)

/**
 * Builds the renderer (a Vite app) into `<outDir>/control-ui/`, which the gateway serves. Skips,
 * with a message, while the renderer does not exist yet.
 * @param {{ outDir?: string, quiet?: boolean }} [options]
 * @returns {Promise<{ skipped: boolean, outDir: string }>}
 */
export async function buildRenderer(options = {}) {
  const outDir = path.join(path.resolve(options.outDir ?? DEFAULT_OUT_DIR), CONTROL_UI_DIR);
  const root = path.join(ROOT, RENDERER_DIR);
  try {
    await fs.access(path.join(root, 'index.html'));
  } catch {
    if (!options.quiet) log(`renderer: skipped (${RENDERER_DIR}/index.html does not exist yet)`);
    return { skipped: true, outDir };
  }
  /** @type {{ build: (config: Record<string, unknown>) => Promise<unknown> }} */
  let vite;
  try {
    vite = await import(/* @vite-ignore */ 'vite');
  } catch {
    throw new Error(
      'renderer: the `vite` package is not installed; run `npm i -D vite` and build again',
    );
  }
  const started = performance.now();
  // renderer/vite.config.* (found through `root`) owns plugins and base; the output place is ours.
  await vite.build({ root, logLevel: 'warn', build: { outDir, emptyOutDir: true } });
  if (!options.quiet)
    log(
      `renderer: ${path.relative(ROOT, outDir)} in ${(performance.now() - started).toFixed(0)} ms`,
    );
  return { skipped: false, outDir };
}

// ---------------------------------------------------------------------------------------------
// Entry point

/** @typedef {'gateway' | 'renderer' | 'desktop'} Target */
// ---------------------------------------------------------------------------------------------
// Desktop shell (Electron main + preload)

/**
 * @param {{ outDir?: string }} [options]
 * @returns {{ stale: boolean, reason: string }}
 */
export function desktopStaleness(options = {}) {
  const outDir = options.outDir ?? DEFAULT_OUT_DIR;
  const marker = path.join(outDir, 'electron', 'main.cjs');
  const outputs = oldestOutput(path.join(outDir, 'electron'), marker);
  if (outputs === undefined) return { stale: true, reason: `${marker} does not exist` };
  const newest = newestSource(
    ['electron', 'docker', 'gateway', ...COMMON_INPUTS].map((p) => path.join(ROOT, p)),
  );
  if (newest.mtimeMs > outputs)
    return { stale: true, reason: `${path.relative(ROOT, newest.file ?? '')} changed` };
  return { stale: false, reason: 'up to date' };
}

/**
 * The Electron main process and preload, as CommonJS (what Electron loads), self-contained: the
 * packaged app carries no node_modules, so dockerode is bundled (its ssh:// transport stubbed as
 * in the gateway bundle) and only `electron` and the optional speed-ups loaded in try/catch stay
 * external (scripts/dist checks the bundle requires nothing else).
 * @param {{ outDir?: string, quiet?: boolean }} [options]
 */
export async function buildDesktop(options = {}) {
  const esbuild = await import('esbuild');
  const outDir = path.join(options.outDir ?? DEFAULT_OUT_DIR, 'electron');
  /** @type {import('esbuild').BuildOptions} */
  const common = {
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    sourcemap: true,
    logLevel: 'warning',
    external: ['electron', ...OPTIONAL_NATIVE],
    // The Model step's test call reaches pi-ai (and Mistral's SDK behind it) from electron/host.
    plugins: [OPENTELEMETRY_STUB, SSH2_STUB],
    // Shared modules compute default paths from import.meta.url; in CommonJS point it at this
    // file (the app passes its real resource paths explicitly).
    banner: { js: "const __importMetaUrl = require('node:url').pathToFileURL(__filename).href;" },
    define: {
      __OPENCLAW_VERSION__: JSON.stringify(await packageVersion()),
      'import.meta.url': '__importMetaUrl',
    },
  };
  await esbuild.build({
    ...common,
    entryPoints: [path.join(ROOT, 'electron/main/main.ts')],
    outfile: path.join(outDir, 'main.cjs'),
  });
  await esbuild.build({
    ...common,
    entryPoints: [path.join(ROOT, 'electron/preload/preload.ts')],
    outfile: path.join(outDir, 'preload.cjs'),
  });
  if (!options.quiet) log(`desktop: ${path.relative(ROOT, outDir)}/main.cjs and preload.cjs`);
}

/** @type {readonly Target[]} */
export const TARGETS = ['gateway', 'renderer', 'desktop'];

/**
 * Builds the targets (all by default); with `ifStale`, only those whose sources changed.
 * @param {{ outDir?: string, entry?: string, ifStale?: boolean, only?: Target[], quiet?: boolean }} [options]
 * @returns {Promise<{ built: Target[], skipped: Target[] }>}
 */
export async function buildAll(options = {}) {
  const targets = options.only ?? TARGETS;
  /** @type {Target[]} */
  const built = [];
  /** @type {Target[]} */
  const skipped = [];
  for (const target of targets) {
    const staleness =
      target === 'gateway'
        ? gatewayStaleness
        : target === 'desktop'
          ? desktopStaleness
          : rendererStaleness;
    if (options.ifStale) {
      const { stale, reason } = staleness(options);
      if (!stale) {
        if (!options.quiet) log(`${target}: ${reason}`);
        skipped.push(target);
        continue;
      }
      if (!options.quiet) log(`${target}: rebuilding (${reason})`);
    }
    if (target === 'gateway') {
      await buildGateway(options);
      built.push(target);
    } else if (target === 'desktop') {
      await buildDesktop(options);
      built.push(target);
    } else {
      const result = await buildRenderer(options);
      (result.skipped ? skipped : built).push(target);
    }
  }
  return { built, skipped };
}

/** `buildAll({ ifStale: true })`: what `npm test`, `npm start` and the bench call first. */
export function buildStale(options = {}) {
  return buildAll({ ...options, ifStale: true });
}

/** @param {string[]} argv */
function parseArgs(argv) {
  /** @type {{ outDir?: string, entry?: string, ifStale?: boolean, only?: Target[] }} */
  const options = {};
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const value = () => {
      const next = argv[++i];
      if (next === undefined || next.startsWith('--')) throw new Error(`${arg} needs a value`);
      return next;
    };
    if (arg === '--if-stale') options.ifStale = true;
    else if (arg === '--outdir') options.outDir = path.resolve(value());
    else if (arg === '--entry') options.entry = path.resolve(value());
    else if (arg === '--only') {
      const only = value().split(',');
      for (const t of only) {
        if (!TARGETS.includes(/** @type {Target} */ (t)))
          throw new Error(`--only: unknown target "${t}" (${TARGETS.join(', ')})`);
      }
      options.only = /** @type {Target[]} */ (only);
    } else if (arg === '--help' || arg === '-h') {
      process.stdout.write(
        'usage: node scripts/build.mjs [--if-stale] [--only gateway|renderer] [--outdir <dir>] [--entry <file.ts>]\n',
      );
      process.exit(0);
    } else throw new Error(`unknown argument "${arg}" (try --help)`);
  }
  return options;
}

const invokedDirectly =
  process.argv[1] !== undefined &&
  pathToFileURL(path.resolve(process.argv[1])).href === import.meta.url;
if (invokedDirectly) {
  try {
    await buildAll(parseArgs(process.argv.slice(2)));
  } catch (err) {
    process.stderr.write(`[build] ${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 1;
  }
}
