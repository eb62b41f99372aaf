#!/usr/bin/env node
// `npm start`: OpenClaw Desktop. With a display and an Electron runtime it opens the app (tray +
// window); otherwise (a server, CI, or --headless) it runs the same app host headless on
// 127.0.0.1 and prints a URL with a one-time token. `npm start -- --gateway` runs only the gateway.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const cli = path.join(root, 'dist/gateway/openclaw.mjs');

const build = spawnSync(process.execPath, [path.join(root, 'scripts/build.mjs'), '--if-stale'], {
  stdio: 'inherit',
});
if (build.status !== 0) process.exit(build.status ?? 1);

function hasDisplay() {
  if (process.platform === 'darwin' || process.platform === 'win32') return true;
  return Boolean(process.env.DISPLAY || process.env.WAYLAND_DISPLAY);
}

/** Path of the Electron binary, fetching it once if the package is there without it. */
function electronBinary() {
  const pkg = path.join(root, 'node_modules/electron');
  if (!existsSync(pkg)) return undefined;
  const pathFile = path.join(pkg, 'path.txt');
  if (!existsSync(pathFile) && process.env.CI !== 'true') {
    // npm here skips install scripts (.npmrc), so the binary is fetched on first start instead.
    console.log('Fetching the Electron runtime (first start)…');
    spawnSync(process.execPath, [path.join(pkg, 'install.js')], {
      stdio: 'inherit',
      timeout: 120_000,
    });
  }
  if (!existsSync(pathFile)) return undefined;
  const binary = path.join(pkg, 'dist', readFileSync(pathFile, 'utf8').trim());
  return existsSync(binary) ? binary : undefined;
}

function forward(child) {
  for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
  child.on('exit', (code) => process.exit(code ?? 0));
}

if (args.includes('--gateway')) {
  // Just the gateway on this machine (no Docker): first run writes a local config.
  const stateDir =
    process.env.OPENCLAW_STATE_DIR ??
    path.join(process.env.OPENCLAW_HOME ?? os.homedir(), '.openclaw');
  const configPath = process.env.OPENCLAW_CONFIG_PATH ?? path.join(stateDir, 'openclaw.json');
  if (!existsSync(configPath)) {
    const onboard = spawnSync(
      process.execPath,
      [cli, 'onboard', '--non-interactive', '--accept-risk', '--mode', 'local'],
      { stdio: 'inherit' },
    );
    if (onboard.status !== 0) process.exit(onboard.status ?? 1);
  }
  const gateway = spawn(process.execPath, [cli, 'gateway', 'run'], {
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  setTimeout(() => {
    if (gateway.exitCode === null)
      spawnSync(process.execPath, [cli, 'dashboard', '--no-open'], { stdio: 'inherit' });
  }, 1500);
  forward(gateway);
} else {
  const binary = !args.includes('--headless') && hasDisplay() ? electronBinary() : undefined;
  if (binary) {
    forward(spawn(binary, [root, ...args], { stdio: 'inherit' }));
  } else {
    const headless = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        path.join(root, 'electron/host/headless-main.ts'),
        ...args.filter((a) => a !== '--headless'),
      ],
      { stdio: 'inherit', cwd: root },
    );
    forward(headless);
  }
}
