#!/usr/bin/env node
// `npm test`: the whole suite — type check, lint (incl. import boundaries), then vitest.
// Each step prints its own output; the first failure stops the run with its exit code.
import { spawnSync } from 'node:child_process';

const steps = [
  ['type check', 'npx', ['tsc', '-p', 'tsconfig.json', '--noEmit']],
  ['type check (renderer)', 'npx', ['tsc', '-p', 'renderer/tsconfig.json', '--noEmit']],
  [
    'type check (renderer harness)',
    'npx',
    ['tsc', '-p', 'renderer/testing/tsconfig.json', '--noEmit'],
  ],
  ['lint', 'npx', ['eslint', '.', '--max-warnings=0']],
  ['build', 'node', ['scripts/build.mjs', '--if-stale']],
  ['tests', 'npx', ['vitest', 'run', ...process.argv.slice(2)]],
];

for (const [name, cmd, args] of steps) {
  console.log(`\n▶ ${name}: ${cmd} ${args.join(' ')}`);
  const result = spawnSync(cmd, args, { stdio: 'inherit', env: process.env });
  if (result.status !== 0) {
    console.error(`\n✖ ${name} failed (exit ${result.status ?? result.signal})`);
    process.exit(result.status ?? 1);
  }
}
