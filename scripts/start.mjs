#!/usr/bin/env node
// `npm start`: OpenClaw Desktop. With a display and an Electron runtime it opens the app (tray +
// window); otherwise (a server, CI, or --headless) it runs the same app host headless on
// 127.0.0.1 and prints a URL with a one-time token (a second start prints a fresh one from the
// running app). `npm start -- --gateway` runs only the gateway. Ctrl+C, SIGTERM and SIGHUP stop
// the whole tree: see supervise().
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

/** Longest we wait for a child after passing a stop on; its own deadline is shorter (60 s max). */
const CHILD_STOP_GRACE_MS = 75_000;

/**
 * Stop signals reach the child, the wrapper waits for it and leaves with its status. The child
 * runs in its own process group (POSIX), so a Ctrl+C reaches it once, through here, instead of
 * twice (terminal + forward), which would read as "stop at once". When this wrapper loses its own
 * parent under `npm start` (npm passes SIGTERM to `sh -c`, which dies without passing it on), it
 * stops the child too rather than leaving both holding the port.
 */
function supervise(child) {
  let exited = false;
  let stopping = false;
  const stopChild = (signal) => {
    if (exited) return;
    stopping = true;
    // Windows has no signals between processes: the console delivers Ctrl+C to the child itself,
    // and a headless child also ends when its IPC channel to this process closes.
    if (process.platform !== 'win32') child.kill(signal);
    setTimeout(() => {
      if (exited) return;
      console.error(`The app did not stop within ${CHILD_STOP_GRACE_MS / 1000} s; ending it.`);
      child.kill('SIGKILL');
    }, CHILD_STOP_GRACE_MS).unref();
  };
  // SIGHUP (closed terminal) becomes SIGTERM: every child stops cleanly on it.
  process.on('SIGINT', () => stopChild('SIGINT'));
  process.on('SIGTERM', () => stopChild('SIGTERM'));
  process.on('SIGHUP', () => stopChild('SIGTERM'));
  // Only under npm: run directly (or double-forked on purpose) the parent's exit means nothing.
  if (process.env.npm_lifecycle_event) {
    const parent = process.ppid;
    const orphanWatch = setInterval(() => {
      if (process.ppid !== parent) {
        clearInterval(orphanWatch);
        // After a Ctrl+C npm and its shell may go first; a second request would mean "at once".
        if (!stopping) stopChild('SIGTERM');
      }
    }, 500);
    orphanWatch.unref();
  }
  child.on('exit', (code, signal) => {
    exited = true;
    process.exitCode = code ?? 128 + (os.constants.signals[signal] ?? 0);
    // Nothing else to wait for: leave even if a timer or the orphan watch is still pending.
    process.exit();
  });
  child.on('error', (err) => {
    console.error(`Could not start ${child.spawnfile}: ${err.message}`);
    process.exit(1);
  });
}

/** Child options: its own process group on POSIX (see supervise). */
function childOptions(extra = {}) {
  return { detached: process.platform !== 'win32', ...extra };
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
  const gateway = spawn(
    process.execPath,
    [cli, 'gateway', 'run'],
    childOptions({ stdio: ['ignore', 'inherit', 'inherit'] }),
  );
  setTimeout(() => {
    if (gateway.exitCode === null)
      spawnSync(process.execPath, [cli, 'dashboard', '--no-open'], { stdio: 'inherit' });
  }, 1500);
  supervise(gateway);
} else {
  const binary = !args.includes('--headless') && hasDisplay() ? electronBinary() : undefined;
  if (binary) {
    supervise(spawn(binary, [root, ...args], childOptions({ stdio: 'inherit' })));
  } else {
    const headless = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        path.join(root, 'electron/host/headless-main.ts'),
        ...args.filter((a) => a !== '--headless'),
      ],
      // The IPC channel lets the host notice when this wrapper is gone, even after a SIGKILL.
      childOptions({ stdio: ['inherit', 'inherit', 'inherit', 'ipc'], cwd: root }),
    );
    supervise(headless);
  }
}
