import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { APT_PACKAGE_PATTERN, checkImageReference, parseAptPackages } from './build-inputs.js';

const DOCKERFILE = readFileSync(
  fileURLToPath(new URL('../gateway.Dockerfile', import.meta.url)),
  'utf8',
);

/** The pattern the Dockerfile's RUN hands to `grep -Eqx`. */
function dockerfileAptPattern(): string {
  const m = /grep -Eqx '([^']+)'/.exec(DOCKERFILE);
  if (!m) throw new Error('no grep -Eqx pattern in gateway.Dockerfile');
  return m[1]!;
}

const SAMPLES = [
  'git',
  'ffmpeg',
  'python3',
  'libstdc++6',
  'g++',
  'python3=3.11.2-1+b1',
  'tzdata=2024a-0+deb12u1',
  'pkg=1:2.3~rc1',
  'g',
  'Git',
  '-y',
  'git;id',
  'git&&id',
  '$(id)',
  'a/b',
  'libc6:amd64',
  'python*',
  'git=',
  'git==1',
  'a b',
];

describe('apt package names', () => {
  it('uses the same pattern as the Dockerfile', () => {
    expect(APT_PACKAGE_PATTERN.source).toBe(`^${dockerfileAptPattern()}$`);
  });

  it.skipIf(process.platform === 'win32')(
    'gets the same verdicts from grep -Eqx as from the JS pattern',
    () => {
      const pattern = dockerfileAptPattern();
      for (const name of SAMPLES) {
        const grep = spawnSync('grep', ['-Eqx', pattern], { input: `${name}\n` });
        expect(grep.status === 0, name).toBe(APT_PACKAGE_PATTERN.test(name));
      }
    },
  );

  it('dedupes and keeps order', () => {
    expect(parseAptPackages(' git  jq git\tcurl ')).toEqual({
      packages: ['git', 'jq', 'curl'],
      problems: [],
    });
    expect(parseAptPackages(undefined)).toEqual({ packages: [], problems: [] });
  });

  it('reports each bad name separately', () => {
    const { packages, problems } = parseAptPackages('git a;b jq c&&d');
    expect(packages).toEqual(['git', 'jq']);
    expect(problems.map((p) => p.value)).toEqual(['a;b', 'c&&d']);
  });
});

describe('image references', () => {
  it.each([
    'openclaw:local',
    'node:22-bookworm-slim',
    'openclaw-base/node:22-bookworm-slim',
    'ghcr.io/openclaw/openclaw:2026.9.1',
    'localhost:5000/openclaw',
    `openclaw@sha256:${'a'.repeat(64)}`,
    `registry.example.com/a/b:c@sha256:${'0'.repeat(64)}`,
  ])('accepts %s', (ref) => {
    expect(checkImageReference(ref)).toBeUndefined();
  });

  it.each([
    '',
    'OpenClaw',
    'openclaw:',
    'openclaw:local extra',
    '-v/:/x',
    'a..b',
    'openclaw@sha256:xyz',
    `o:${'t'.repeat(200)}`,
  ])('refuses %j', (ref) => {
    expect(checkImageReference(ref)).toBeDefined();
  });
});
