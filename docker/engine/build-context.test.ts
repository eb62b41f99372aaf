// Packs real directories and unpacks the tar again to see exactly what the engine would receive.
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import tar from 'tar-fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  contextRelativeDockerfile,
  dockerignoreMatcher,
  packBuildContext,
} from './build-context.js';

let root = '';

beforeEach(async () => {
  root = await fs.mkdtemp(path.join(os.tmpdir(), 'oc-build-context-'));
});

afterEach(async () => {
  await fs.rm(root, { recursive: true, force: true });
});

async function write(rel: string, content = rel, mode?: number): Promise<void> {
  const file = path.join(root, 'ctx', rel);
  await fs.mkdir(path.dirname(file), { recursive: true });
  await fs.writeFile(file, content, mode === undefined ? undefined : { mode });
}

async function unpack(stream: NodeJS.ReadableStream): Promise<string[]> {
  const out = path.join(root, 'out');
  await new Promise<void>((resolve, reject) => {
    const extract = tar.extract(out);
    extract.on('finish', resolve);
    extract.on('error', reject);
    stream.on('error', reject);
    stream.pipe(extract);
  });
  const files: string[] = [];
  const walk = async (dir: string): Promise<void> => {
    for (const entry of await fs.readdir(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) await walk(full);
      else files.push(path.relative(out, full).split(path.sep).join('/'));
    }
  };
  await walk(out);
  return files.sort();
}

describe('packBuildContext', () => {
  it('honours .dockerignore at every depth but always sends the Dockerfile and .dockerignore', async () => {
    await write('Dockerfile', 'FROM scratch\n');
    await write(
      '.dockerignore',
      '# secrets stay home\n.env\n**/.env\nnode_modules\n**/*.map\nDockerfile\n.dockerignore\n',
    );
    await write('.env', 'OPENCLAW_GATEWAY_TOKEN=secret');
    await write('app/.env', 'nested secret');
    await write('app/main.js');
    await write('app/main.js.map');
    await write('node_modules/x/index.js');
    await write('entrypoint.sh', '#!/bin/sh\n', 0o755);
    const files = await unpack(
      packBuildContext(path.join(root, 'ctx'), { dockerfile: 'Dockerfile' }),
    );
    expect(files).toEqual(['.dockerignore', 'Dockerfile', 'app/main.js', 'entrypoint.sh']);
    const mode = (await fs.stat(path.join(root, 'out', 'entrypoint.sh'))).mode & 0o777;
    expect(mode & 0o100).toBe(0o100);
  });

  it('walks excluded directories when an exception re-includes something inside', async () => {
    await write('docker/Dockerfile', 'FROM scratch\n');
    await write('.dockerignore', 'assets\n!assets/keep.txt\n');
    await write('assets/keep.txt');
    await write('assets/drop.txt');
    const files = await unpack(
      packBuildContext(path.join(root, 'ctx'), { dockerfile: 'docker/Dockerfile' }),
    );
    expect(files).toEqual(['.dockerignore', 'assets/keep.txt', 'docker/Dockerfile']);
  });

  it('marks every entry 0755 when packing on Windows, as the docker CLI does', async () => {
    await write('Dockerfile', 'FROM scratch\n', 0o644);
    const modes: number[] = [];
    const stream = packBuildContext(path.join(root, 'ctx'), {
      dockerfile: 'Dockerfile',
      platform: 'win32',
    });
    const out = path.join(root, 'out');
    await new Promise<void>((resolve, reject) => {
      const extract = tar.extract(out, {
        map: (header) => {
          modes.push(header.mode);
          return header;
        },
      });
      extract.on('finish', resolve);
      extract.on('error', reject);
      stream.pipe(extract);
    });
    expect(modes.length).toBeGreaterThan(0);
    expect(modes.every((m) => (m & 0o777) === 0o755)).toBe(true);
  });

  it('rejects a missing context, a missing Dockerfile and one outside the context', async () => {
    expect(() => packBuildContext(path.join(root, 'nope'), { dockerfile: 'Dockerfile' })).toThrow(
      /does not exist/,
    );
    await write('readme.txt');
    expect(() => packBuildContext(path.join(root, 'ctx'), { dockerfile: 'Dockerfile' })).toThrow(
      /missing/,
    );
    expect(() => contextRelativeDockerfile(path.join(root, 'ctx'), '../Dockerfile')).toThrow(
      /inside the build context/,
    );
    expect(
      contextRelativeDockerfile(path.join(root, 'ctx'), path.join(root, 'ctx', 'a', 'Dockerfile')),
    ).toBe('a/Dockerfile');
  });
});

describe('dockerignoreMatcher', () => {
  it('follows Docker semantics: root-anchored names, ** globs, last match wins', () => {
    const ignored = dockerignoreMatcher('*.log\n**/tmp\n!important.log\n', []);
    expect(ignored('a.log')).toBe(true);
    expect(ignored('dir/a.log')).toBe(false);
    expect(ignored('important.log')).toBe(false);
    expect(ignored('x/y/tmp')).toBe(true);
    expect(dockerignoreMatcher(undefined, [])('anything')).toBe(false);
  });
});
