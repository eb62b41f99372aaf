#!/usr/bin/env node
// @ts-check
/**
 * `npm run dist`: the installers. Builds what is stale, stages the app (scripts/dist/stage-app.mjs),
 * checks the package against build/package-budget.json and the main bundle's requires, says
 * which signing steps will run, then hands over to electron-builder with
 * build/electron-builder.config.cjs. Arguments go to electron-builder:
 *
 *   npm run dist                        every target of this OS (Linux: AppImage + deb)
 *   npm run dist -- --linux deb         one target
 *   npm run dist -- --mac --arm64       macOS, Apple silicon only
 *   npm run dist -- --stage-only        stage and check, no electron-builder (what CI runs here)
 *
 * electron-builder downloads Electron (and NSIS, the AppImage tools) from GitHub. Where that is
 * not reachable and no mirror is set, this stops with one line saying so before anything else.
 */
import { spawnSync } from 'node:child_process';
import { promises as fs } from 'node:fs';
import { builtinModules, createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildStale } from './build.mjs';
import { checkPackage } from './dist/package-check.mjs';
import { stageApp } from './dist/stage-app.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(path.join(ROOT, 'package.json'));

/** Modules the main bundle may require besides Node's: Electron, and speed-ups in try/catch. */
const MAIN_EXTERNALS = new Set(['electron', 'bufferutil', 'utf-8-validate', 'supports-color']);

/** Bare `require("x")` calls in a bundle that are neither Node built-ins nor allowed. */
export function unexpectedRequires(source) {
  const builtins = new Set(builtinModules.flatMap((m) => [m, `node:${m}`]));
  const found = new Set();
  for (const match of source.matchAll(/require\("([^"./][^"]*)"\)/g)) {
    const name = /** @type {string} */ (match[1]);
    if (!builtins.has(name) && !MAIN_EXTERNALS.has(name)) found.add(name);
  }
  return [...found].sort();
}

/** Lines saying what will be signed, and how to sign what will not. */
export function signingLines(env) {
  const lines = [];
  const macId = env.CSC_LINK || env.CSC_NAME;
  const notary =
    (env.APPLE_API_KEY && env.APPLE_API_KEY_ID && env.APPLE_API_ISSUER) ||
    (env.APPLE_ID && env.APPLE_APP_SPECIFIC_PASSWORD && env.APPLE_TEAM_ID) ||
    env.APPLE_KEYCHAIN_PROFILE;
  lines.push(
    macId
      ? `macOS: signing with ${env.CSC_NAME ? `identity ${env.CSC_NAME}` : 'the certificate in CSC_LINK'}; ${notary ? 'notarizing' : 'NOT notarizing (set APPLE_API_KEY, APPLE_API_KEY_ID and APPLE_API_ISSUER, or APPLE_ID, APPLE_APP_SPECIFIC_PASSWORD and APPLE_TEAM_ID)'}`
      : 'macOS: signing and notarization skipped (set CSC_LINK or CSC_NAME, and Apple credentials, to sign)',
  );
  lines.push(
    env.OPENCLAW_WIN_SIGN_COMMAND
      ? 'Windows: signing with OPENCLAW_WIN_SIGN_COMMAND'
      : env.WIN_CSC_LINK || env.CSC_LINK
        ? 'Windows: signing with the certificate in WIN_CSC_LINK/CSC_LINK'
        : 'Windows: signing skipped (set WIN_CSC_LINK, or OPENCLAW_WIN_SIGN_COMMAND for a signing service)',
  );
  return lines;
}

/** Where electron-builder fetches Electron from, and whether it answers (5 s). */
export async function electronReachable(env, version) {
  const base = (
    env.ELECTRON_MIRROR || 'https://github.com/electron/electron/releases/download/'
  ).replace(/\/?$/, '/');
  const url = `${base}v${version}/SHASUMS256.txt`;
  try {
    const response = await fetch(url, {
      method: 'HEAD',
      redirect: 'manual',
      signal: AbortSignal.timeout(5000),
    });
    return { ok: response.status < 400, url, reason: `HTTP ${response.status}` };
  } catch (err) {
    const cause = /** @type {{ cause?: { code?: string } }} */ (err).cause;
    return {
      ok: false,
      url,
      reason: cause?.code ?? (err instanceof Error ? err.message : String(err)),
    };
  }
}

async function main() {
  const args = process.argv.slice(2);
  const stageOnly = args.includes('--stage-only');
  const builderArgs = args.filter((a) => a !== '--stage-only');
  await buildStale({ quiet: true });
  const distDir = path.join(ROOT, 'dist');
  const { app, stack } = await stageApp({
    root: ROOT,
    distDir,
    appDir: path.join(distDir, 'app'),
    stackDir: path.join(distDir, 'stack'),
  });
  const budget = JSON.parse(
    await fs.readFile(path.join(ROOT, 'build/package-budget.json'), 'utf8'),
  );
  const problems = [
    ...checkPackage(app, budget.app, 'app'),
    ...checkPackage(stack, budget.stack, 'stack'),
  ];
  const strays = unexpectedRequires(
    await fs.readFile(path.join(distDir, 'app/electron/main.cjs'), 'utf8'),
  );
  if (strays.length > 0)
    problems.push(
      `electron/main.cjs requires ${strays.join(', ')}, which the package does not carry: bundle them (scripts/build.mjs buildDesktop).`,
    );
  const mb = (files) => (files.reduce((s, f) => s + f.bytes, 0) / 1e6).toFixed(1);
  console.log(
    `staged dist/app (${app.length} files, ${mb(app)} MB) and dist/stack (${stack.length} files)`,
  );
  if (problems.length > 0) {
    for (const problem of problems) console.error(`✖ ${problem}`);
    process.exit(1);
  }
  if (stageOnly) return;
  for (const line of signingLines(process.env)) console.log(line);
  const electronVersion = require('electron/package.json').version;
  const reach = await electronReachable(process.env, electronVersion);
  if (!reach.ok) {
    console.error(
      `npm run dist: Electron ${electronVersion} cannot be downloaded here (${reach.url}: ${reach.reason}), so no installer can be built on this machine; on one with network access run \`npm ci && npm run dist\` (air-gapped: set ELECTRON_MIRROR and ELECTRON_BUILDER_BINARIES_DOWNLOAD_OVERRIDE_URL, see the README).`,
    );
    process.exit(1);
  }
  const cli = require.resolve('electron-builder/cli.js');
  const result = spawnSync(
    process.execPath,
    [cli, '--config', 'build/electron-builder.config.cjs', '--publish', 'never', ...builderArgs],
    { cwd: ROOT, stdio: 'inherit' },
  );
  process.exit(result.status ?? 1);
}

const invoked = process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url);
if (invoked) await main();
