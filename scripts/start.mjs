#!/usr/bin/env node
// `npm start`. Until the desktop app lands (issue 4) this runs the gateway itself, headless:
// build if needed, onboard a local config on first run (generated token), start the gateway on
// 127.0.0.1 and print the Control UI URL with the token in place.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const cli = path.join(root, 'dist/gateway/openclaw.mjs');
const run = (args, opts = {}) => spawnSync(process.execPath, [cli, ...args], { stdio: 'inherit', ...opts });

const build = spawnSync(process.execPath, [path.join(root, 'scripts/build.mjs'), '--if-stale'], { stdio: 'inherit' });
if (build.status !== 0) process.exit(build.status ?? 1);

const stateDir = process.env.OPENCLAW_STATE_DIR ?? path.join(process.env.OPENCLAW_HOME ?? os.homedir(), '.openclaw');
const configPath = process.env.OPENCLAW_CONFIG_PATH ?? path.join(stateDir, 'openclaw.json');
if (!existsSync(configPath)) {
  console.log(`First run: writing a local config to ${configPath}`);
  const onboard = run(['onboard', '--non-interactive', '--accept-risk', '--mode', 'local', '--skip-channels']);
  if (onboard.status !== 0) process.exit(onboard.status ?? 1);
}

const gateway = spawn(process.execPath, [cli, 'gateway', 'run', ...process.argv.slice(2)], { stdio: ['ignore', 'inherit', 'inherit'] });
setTimeout(() => {
  if (gateway.exitCode === null) {
    console.log('\nOpenClaw gateway is running (headless). Open the Control UI:');
    run(['dashboard', '--no-open']);
    console.log('Stop with Ctrl+C.');
  }
}, 1500);
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => gateway.kill(signal));
gateway.on('exit', (code) => process.exit(code ?? 0));
