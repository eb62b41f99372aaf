import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isOpenClawError } from '../../gateway/infra/errors.js';
import { EXTRA_COMPOSE_FILE } from './extra-compose.js';
import { parseSetupInputs, type SetupInputs } from './inputs.js';
import {
  composeFileArgs,
  composeFiles,
  DEFAULT_COMPOSE_TEMPLATE_PATH,
  hostDirsToCreate,
  missingMountSources,
  prepareStackDir,
  seedHostDirs,
} from './stack-dir.js';

let dir: string;
beforeEach(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'openclaw stack dir '));
});
afterEach(async () => {
  await fs.rm(dir, { recursive: true, force: true });
});

function inputs(env: Record<string, string>): SetupInputs {
  const result = parseSetupInputs(env, { homeDir: '/home/me' });
  if (!result.ok) throw new Error(JSON.stringify(result.errors));
  return result.value;
}

describe('prepareStackDir', () => {
  it('copies the repository template into a new app-owned dir, then only when it changed', async () => {
    const stack = path.join(dir, 'app data', 'stack');
    const first = await prepareStackDir(stack);
    expect(first.changed).toBe(true);
    expect(first.composeFile).toBe(path.join(stack, 'docker-compose.yml'));
    expect(first.envFile).toBe(path.join(stack, '.env'));
    expect(await fs.readFile(first.composeFile, 'utf8')).toBe(
      await fs.readFile(DEFAULT_COMPOSE_TEMPLATE_PATH, 'utf8'),
    );
    if (process.platform !== 'win32') expect((await fs.stat(stack)).mode & 0o777).toBe(0o700);
    expect((await prepareStackDir(stack)).changed).toBe(false);
    await fs.writeFile(first.composeFile, 'services: {}\n');
    expect((await prepareStackDir(stack)).changed).toBe(true);
  });

  it('accepts a template path and refuses a file that is not the template', async () => {
    const template = path.join(dir, 'compose.yml');
    await fs.writeFile(template, 'services:\n  openclaw-gateway:\n    image: x\n');
    expect(
      (await prepareStackDir(path.join(dir, 's'), { composeTemplate: template })).changed,
    ).toBe(true);
    await fs.writeFile(template, 'services:\n  other: {}\n');
    await expect(
      prepareStackDir(path.join(dir, 's'), { composeTemplate: template }),
    ).rejects.toMatchObject({ code: 'CONFIG_INVALID' });
    const missing = await prepareStackDir(dir, {
      composeTemplate: path.join(dir, 'nope.yml'),
    }).catch((e: unknown) => e);
    expect(isOpenClawError(missing, 'NOT_FOUND')).toBe(true);
  });

  it('is a no-op on the template itself (docker-setup.sh uses the repository root)', async () => {
    const template = path.join(dir, 'docker-compose.yml');
    await fs.writeFile(template, 'services:\n  openclaw-gateway: {}\n');
    expect((await prepareStackDir(dir, { composeTemplate: template })).changed).toBe(false);
  });
});

describe('composeFiles', () => {
  it('lists the extra file only when it exists', async () => {
    expect(await composeFiles(dir)).toEqual([path.join(dir, 'docker-compose.yml')]);
    await fs.writeFile(path.join(dir, EXTRA_COMPOSE_FILE), '');
    const files = await composeFiles(dir);
    expect(files).toEqual([
      path.join(dir, 'docker-compose.yml'),
      path.join(dir, EXTRA_COMPOSE_FILE),
    ]);
    expect(composeFileArgs(files)).toEqual(['-f', files[0], '-f', files[1]]);
  });
});

describe('host dirs', () => {
  it('lists and creates the folders bind mounts need', async () => {
    const config = path.join(dir, 'my config');
    const home = path.join(dir, 'home dir');
    const value = inputs({ OPENCLAW_CONFIG_DIR: config, OPENCLAW_HOME_VOLUME: home });
    expect(hostDirsToCreate(value)).toEqual([
      config,
      path.join(config, 'identity'),
      path.join(config, 'agents', 'main', 'agent'),
      path.join(config, 'agents', 'main', 'sessions'),
      path.join(config, 'workspace'),
      home,
    ]);
    await seedHostDirs(value);
    for (const d of hostDirsToCreate(value)) expect((await fs.stat(d)).isDirectory()).toBe(true);
    // idempotent
    await seedHostDirs(value);
  });

  it('names extra mount sources that do not exist', async () => {
    const present = path.join(dir, 'present');
    await fs.mkdir(present);
    const value = inputs({ OPENCLAW_EXTRA_MOUNTS: `${present}:/a,${path.join(dir, 'absent')}:/b` });
    expect(await missingMountSources(value)).toEqual([path.join(dir, 'absent')]);
  });
});
