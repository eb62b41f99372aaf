/**
 * The bug this guards: Settings → add ripgrep → the build fails → settings.json and the stack's
 * `.env` already said `jq ripgrep`. Here the app's own pieces (the settings store, the stack
 * manager running the real setup flow, the change state machine) are composed the way the app
 * host composes them, over a scripted engine whose build fails.
 */
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import type Dockerode from 'dockerode';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { StackSettings } from '../../contract/host-api.js';
import { StackManager } from '../stack/stack-manager.js';
import { appSettingsFile, updateAppSettings } from './app-settings.js';
import { runStackChange, StackChangeStore } from './stack-change.js';

const TOKEN = 'b'.repeat(48);
let root: string;
beforeEach(async () => {
  root = await fs.mkdtemp(path.join(os.tmpdir(), 'stack-change-apply-'));
});
afterEach(async () => {
  await fs.rm(root, { recursive: true, force: true });
});

/** An engine without the image whose every build fails at the apt step. */
function failingBuildEngine(): Dockerode {
  const missing = () =>
    Object.assign(new Error('(HTTP code 404) no such image'), { statusCode: 404 });
  return {
    modem: { socketPath: '/var/run/docker.sock' },
    ping: async () => 'OK',
    version: async () => ({ Version: '27.0.0', ApiVersion: '1.46', Os: 'linux', Arch: 'amd64' }),
    getImage: () => ({
      inspect: async () => {
        throw missing();
      },
    }),
    buildImage: async (context: Readable) => {
      context.destroy();
      return Readable.from(
        [
          { stream: 'Step 2/9 : RUN apt-get install -y jq ripgrep\n' },
          { stream: 'E: Unable to locate package ripgrep\n' },
          { error: "The command '/bin/sh -c apt-get install' returned a non-zero code: 100" },
        ].map((m) => `${JSON.stringify(m)}\r\n`),
      );
    },
  } as unknown as Dockerode;
}

describe('a stack change whose build fails', () => {
  it('leaves settings.json and .env at the old values and keeps the change pending across a restart', async () => {
    const dataDir = path.join(root, 'data');
    const stackDir = path.join(dataDir, 'stack');
    const bundleDir = path.join(root, 'dist', 'gateway');
    await fs.mkdir(bundleDir, { recursive: true });
    await fs.writeFile(path.join(bundleDir, 'openclaw.mjs'), 'export {};\n');
    const applied: StackSettings = {
      configDir: path.join(root, 'config'),
      workspaceDir: path.join(root, 'config', 'workspace'),
      gatewayPort: 45231,
      exposeOnLan: false,
      extraMounts: [],
      aptPackages: ['jq'],
      homeVolume: null,
    };
    await updateAppSettings(
      dataDir,
      { ...applied, stackDir },
      { platform: 'linux', homeDir: root },
    );
    await fs.mkdir(stackDir, { recursive: true });
    const envBefore = [
      'COMPOSE_PROJECT_NAME=openclaw',
      `OPENCLAW_CONFIG_DIR=${applied.configDir}`,
      `OPENCLAW_WORKSPACE_DIR=${applied.workspaceDir}`,
      'OPENCLAW_GATEWAY_PORT=45231',
      'OPENCLAW_GATEWAY_BIND=lan',
      `OPENCLAW_GATEWAY_TOKEN=${TOKEN}`,
      'OPENCLAW_IMAGE=openclaw:local',
      'OPENCLAW_EXTRA_MOUNTS=',
      'OPENCLAW_HOME_VOLUME=',
      'OPENCLAW_DOCKER_APT_PACKAGES=jq',
      '',
    ].join('\n');
    await fs.writeFile(path.join(stackDir, '.env'), envBefore, { mode: 0o600 });
    const settingsBefore = await fs.readFile(appSettingsFile(dataDir), 'utf8');

    const stack = new StackManager({
      stackDir,
      docker: failingBuildEngine(),
      env: { HOME: root, PATH: process.env.PATH },
      bundleDir,
      controlUiDir: null,
    });
    const { store } = await StackChangeStore.open(dataDir);
    const desired = { ...applied, aptPackages: ['jq', 'ripgrep'] };
    await expect(
      runStackChange(store, 'apply', desired, {
        apply: (d) => stack.setup(d),
        commit: (d) =>
          updateAppSettings(dataDir, d, { platform: 'linux', homeDir: root }).then(() => {}),
      }),
    ).rejects.toMatchObject({ code: 'APT_PACKAGE_NOT_FOUND' });

    expect(await fs.readFile(appSettingsFile(dataDir), 'utf8')).toBe(settingsBefore);
    expect(JSON.parse(settingsBefore).aptPackages).toEqual(['jq']);
    expect(await fs.readFile(path.join(stackDir, '.env'), 'utf8')).toBe(envBefore);
    expect(store.current).toMatchObject({
      state: 'failed',
      desired,
      error: { code: 'APT_PACKAGE_NOT_FOUND' },
    });
    const restarted = await StackChangeStore.open(dataDir);
    expect(restarted.store.current).toMatchObject({ state: 'failed', desired });
  });
});
