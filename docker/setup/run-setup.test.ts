/**
 * What a failed setup leaves in the stack folder, with a scripted engine (the happy path runs
 * against a real one in setup.integration.test.ts). A terminal `docker compose` reads `.env` and
 * the extra file, so after a failure they must still describe the stack that runs.
 */
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import type Dockerode from 'dockerode';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ComposeCommand } from '../engine/index.js';
import { parseEnvText } from '../stack/env-file.js';
import { runSetup, type SetupEvent } from './run-setup.js';

const TOKEN = 'a'.repeat(48);
let root: string;

beforeEach(async () => {
  root = await fs.mkdtemp(path.join(os.tmpdir(), 'run-setup-'));
});
afterEach(async () => {
  await fs.rm(root, { recursive: true, force: true });
});

function notFound(): Error {
  return Object.assign(new Error('(HTTP code 404) no such image'), { statusCode: 404 });
}

/** An engine where the image is missing (or present, for `existingImage`) and every build fails. */
function fakeEngine(options: { existingImage?: string } = {}) {
  const calls: string[] = [];
  const docker = {
    modem: { socketPath: '/var/run/docker.sock' },
    ping: async () => 'OK',
    version: async () => ({ Version: '27.0.0', ApiVersion: '1.46', Os: 'linux', Arch: 'amd64' }),
    getImage: (ref: string) => ({
      inspect: async () => {
        calls.push(`inspect ${ref}`);
        if (ref !== options.existingImage) throw notFound();
        return { Id: 'sha256:existing', RepoTags: [ref], Size: 1, Created: '', Config: {} };
      },
    }),
    buildImage: async (context: NodeJS.ReadableStream) => {
      calls.push('build');
      (context as Readable).destroy?.();
      const lines = [
        { stream: 'Step 1/2 : FROM node:22-bookworm-slim\n' },
        { stream: 'Step 2/2 : RUN apt-get install -y jq ripgrepp\n' },
        { stream: 'E: Unable to locate package ripgrepp\n' },
        { error: "The command '/bin/sh -c apt-get install' returned a non-zero code: 100" },
      ];
      return Readable.from(lines.map((l) => `${JSON.stringify(l)}\r\n`));
    },
    createContainer: async () => {
      calls.push('createContainer');
      throw new Error('no containers in this test');
    },
  };
  return { docker: docker as unknown as Dockerode, calls };
}

// `false` fails every compose call: the point is what happens to the files when one fails.
const failingCompose: ComposeCommand = { kind: 'v2', command: ['false'], version: '2.0.0' };

async function setUpStackDir(): Promise<{ stackDir: string; bundleDir: string; env: string }> {
  const stackDir = path.join(root, 'stack');
  const bundleDir = path.join(root, 'dist', 'gateway');
  await fs.mkdir(stackDir, { recursive: true });
  await fs.mkdir(bundleDir, { recursive: true });
  await fs.writeFile(path.join(bundleDir, 'openclaw.mjs'), 'export {};\n');
  // What the previous, working setup wrote (jq only, no extra file).
  const env = [
    '# my own comment',
    'COMPOSE_PROJECT_NAME=openclaw',
    `OPENCLAW_CONFIG_DIR=${path.join(root, 'config')}`,
    `OPENCLAW_WORKSPACE_DIR=${path.join(root, 'config', 'workspace')}`,
    'OPENCLAW_GATEWAY_PORT=45123',
    'OPENCLAW_GATEWAY_BIND=lan',
    `OPENCLAW_GATEWAY_TOKEN=${TOKEN}`,
    'OPENCLAW_IMAGE=openclaw:local',
    'OPENCLAW_EXTRA_MOUNTS=',
    'OPENCLAW_HOME_VOLUME=',
    'OPENCLAW_DOCKER_APT_PACKAGES=jq',
    '',
  ].join('\n');
  await fs.writeFile(path.join(stackDir, '.env'), env, { mode: 0o600 });
  return { stackDir, bundleDir, env };
}

function inputs(extra: Record<string, string>): Record<string, string> {
  return {
    HOME: root,
    OPENCLAW_CONFIG_DIR: path.join(root, 'config'),
    OPENCLAW_WORKSPACE_DIR: path.join(root, 'config', 'workspace'),
    OPENCLAW_GATEWAY_PORT: '45123',
    OPENCLAW_GATEWAY_TOKEN: TOKEN,
    ...extra,
  };
}

describe('runSetup after a failure', () => {
  it('leaves .env and the extra file untouched when the image build fails', async () => {
    const { stackDir, bundleDir, env } = await setUpStackDir();
    const { docker, calls } = fakeEngine();
    const events: SetupEvent[] = [];
    await expect(
      runSetup({
        stackDir,
        bundleDir,
        controlUiDir: null,
        docker,
        compose: failingCompose,
        env: inputs({
          OPENCLAW_DOCKER_APT_PACKAGES: 'jq ripgrepp',
          OPENCLAW_HOME_VOLUME: 'wtset-home',
        }),
        onEvent: (e) => events.push(e),
      }),
    ).rejects.toMatchObject({ code: 'APT_PACKAGE_NOT_FOUND' });
    expect(calls).toContain('build');
    expect(await fs.readFile(path.join(stackDir, '.env'), 'utf8')).toBe(env);
    await expect(fs.stat(path.join(stackDir, 'docker-compose.extra.yml'))).rejects.toMatchObject({
      code: 'ENOENT',
    });
    // The files phase never started: nothing claimed the new packages.
    expect(events.some((e) => e.kind === 'phase' && e.phase === 'files')).toBe(false);
  });

  it('puts the previous .env and extra file back when a later step fails', async () => {
    const { stackDir, bundleDir, env } = await setUpStackDir();
    const { docker } = fakeEngine({ existingImage: 'wtset-prebuilt:1' });
    const events: SetupEvent[] = [];
    await expect(
      runSetup({
        stackDir,
        bundleDir,
        controlUiDir: null,
        docker,
        compose: failingCompose,
        env: inputs({ OPENCLAW_IMAGE: 'wtset-prebuilt:1', OPENCLAW_HOME_VOLUME: 'wtset-home' }),
        onEvent: (e) => events.push(e),
      }),
    ).rejects.toThrow();
    // The new files were written (the failure came after them) and then undone.
    expect(events.some((e) => e.kind === 'phase' && e.phase === 'files')).toBe(true);
    expect(await fs.readFile(path.join(stackDir, '.env'), 'utf8')).toBe(env);
    expect(parseEnvText(env).get('OPENCLAW_IMAGE')).toBe('openclaw:local');
    await expect(fs.stat(path.join(stackDir, 'docker-compose.extra.yml'))).rejects.toMatchObject({
      code: 'ENOENT',
    });
    expect(events).toContainEqual({
      kind: 'log',
      text: 'Setup failed: .env and the compose files were put back as they were',
    });
  });

  it('refuses a hand-written extra file before building', async () => {
    const { stackDir, bundleDir, env } = await setUpStackDir();
    const mine = 'services: {}\n';
    await fs.writeFile(path.join(stackDir, 'docker-compose.extra.yml'), mine);
    const { docker, calls } = fakeEngine();
    await expect(
      runSetup({
        stackDir,
        bundleDir,
        controlUiDir: null,
        docker,
        compose: failingCompose,
        env: inputs({ OPENCLAW_HOME_VOLUME: 'wtset-home' }),
      }),
    ).rejects.toMatchObject({ code: 'STACK_FILE_CONFLICT' });
    expect(calls).not.toContain('build');
    expect(await fs.readFile(path.join(stackDir, '.env'), 'utf8')).toBe(env);
    expect(await fs.readFile(path.join(stackDir, 'docker-compose.extra.yml'), 'utf8')).toBe(mine);
  });
});
