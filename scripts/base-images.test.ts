// Integration test for scripts/make-base-images.sh against the real Docker engine.
// The images are the script's product and are kept afterwards (other builds use them); every
// container started here is `--rm`.
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';

const scriptsDir = path.dirname(fileURLToPath(import.meta.url));
const BASE_IMAGE = 'openclaw-base/debian:bookworm-slim';
const NODE_IMAGE = 'openclaw-base/node:22-bookworm-slim';
// A cold run debootstraps Debian (about a minute here, more on a slow mirror); warm runs take seconds.
const SCRIPT_TIMEOUT_MS = 15 * 60_000;

function run(command: string, args: string[], timeoutMs = 60_000): SpawnSyncReturns<string> {
  return spawnSync(command, args, {
    encoding: 'utf8',
    timeout: timeoutMs,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

function docker(args: string[]): string {
  const result = run('docker', args);
  if (result.status !== 0) {
    throw new Error(`docker ${args.join(' ')} failed (${String(result.status)}): ${result.stderr}`);
  }
  return result.stdout.trim();
}

const engineReachable = run('docker', ['info'], 15_000).status === 0;
const skipNote = engineReachable
  ? ''
  : ' [SKIPPED: no Docker engine reachable; run scripts/provision-engine.sh]';

describe(`make-base-images.sh${skipNote}`, () => {
  let scriptOutput = '';

  beforeAll(() => {
    if (!engineReachable) return;
    const result = run('bash', [path.join(scriptsDir, 'make-base-images.sh')], SCRIPT_TIMEOUT_MS);
    if (result.status !== 0) {
      throw new Error(`make-base-images.sh exited ${String(result.status)}:\n${result.stderr}`);
    }
    scriptOutput = result.stdout;
  }, SCRIPT_TIMEOUT_MS);

  it.skipIf(!engineReachable)('prints exactly the build-arg flags on stdout', () => {
    expect(scriptOutput.trim()).toBe(
      `--build-arg NODE_IMAGE=${NODE_IMAGE} --build-arg BASE_IMAGE=${BASE_IMAGE}`,
    );
  });

  it.skipIf(!engineReachable)('leaves both images present and labelled', () => {
    for (const image of [BASE_IMAGE, NODE_IMAGE]) {
      const labels = JSON.parse(
        docker(['image', 'inspect', '--format', '{{json .Config.Labels}}', image]),
      ) as unknown;
      expect(labels).toMatchObject({ 'org.openclaw.desktop.base': '1' });
    }
  });

  it.skipIf(!engineReachable)('runs node 22 matching the NODE_VERSION env', () => {
    const version = docker([
      'run',
      '--rm',
      NODE_IMAGE,
      'node',
      '-e',
      'console.log(process.versions.node)',
    ]);
    expect(version).toMatch(/^22\.\d+\.\d+$/);
    const env = docker([
      'image',
      'inspect',
      '--format',
      '{{range .Config.Env}}{{println .}}{{end}}',
      NODE_IMAGE,
    ]);
    expect(env.split('\n')).toContain(`NODE_VERSION=${version}`);
  });

  it.skipIf(!engineReachable)('runs as uid 1000 with /home/node as home', () => {
    const out = docker([
      'run',
      '--rm',
      '--user',
      '1000',
      NODE_IMAGE,
      'node',
      '-e',
      'const os = require("node:os"); console.log(JSON.stringify([process.getuid(), process.getgid(), os.homedir()]))',
    ]);
    expect(JSON.parse(out)).toEqual([1000, 1000, '/home/node']);
  });

  it.skipIf(!engineReachable)('has a node user and group with id 1000', () => {
    expect(docker(['run', '--rm', NODE_IMAGE, 'id', 'node'])).toBe(
      'uid=1000(node) gid=1000(node) groups=1000(node)',
    );
  });

  it.skipIf(!engineReachable)(
    'points apt at a bookworm mirror and carries no package lists',
    () => {
      const out = docker([
        'run',
        '--rm',
        BASE_IMAGE,
        'sh',
        '-c',
        'cat /etc/apt/sources.list; echo "lists=$(ls /var/lib/apt/lists | grep -vc -e ^partial$ -e ^lock$)"',
      ]);
      expect(out).toMatch(/^deb https?:\/\/\S+ bookworm main$/m);
      expect(out).toMatch(/^lists=0$/m);
    },
  );

  it.skipIf(!engineReachable)(
    'is idempotent: a second run keeps both image ids',
    () => {
      const before = [BASE_IMAGE, NODE_IMAGE].map((image) =>
        docker(['image', 'inspect', '--format', '{{.Id}}', image]),
      );
      const result = run('bash', [path.join(scriptsDir, 'make-base-images.sh')], 120_000);
      expect(result.status).toBe(0);
      const after = [BASE_IMAGE, NODE_IMAGE].map((image) =>
        docker(['image', 'inspect', '--format', '{{.Id}}', image]),
      );
      expect(after).toEqual(before);
    },
    120_000,
  );
});
