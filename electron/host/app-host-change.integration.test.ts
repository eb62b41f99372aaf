/**
 * The app host's own wiring of a stack change, on the real engine but without building anything:
 * the gateway bundle is missing, so the apply fails inside the image step (like a failed build)
 * after the engine answered. What must hold: settings.json and the stack's `.env` keep the old
 * values, the change is reported as failed (and still is after the host restarts), Discard drops
 * it. No engine resources are created (the image inspect is the only engine call besides ping).
 */
import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StackSettings } from '../contract/host-api.js';
import { engineFixture } from '../../docker/engine/integration-support.js';
import { freePort } from '../../gateway/testing/free-port.js';
import { createAppHost } from './app-host.js';
import type { AppHost } from './app-host-types.js';
import { appSettingsFile, updateAppSettings } from './settings/app-settings.js';

const { ping } = await engineFixture();
const id = randomBytes(3).toString('hex');
const TOKEN = 'c'.repeat(48);

describe.skipIf(!ping.ok)(
  `app host: a stack change that fails${ping.ok ? '' : ' [SKIPPED: no Docker engine]'}`,
  () => {
    let root: string;
    let dataDir: string;
    let stackDir: string;
    let host: AppHost;
    let applied: StackSettings;
    const hosts: AppHost[] = [];

    const start = async () => {
      const h = await createAppHost({
        dataDir,
        platform: process.platform,
        env: { ...process.env },
        bundleDir: path.join(root, 'no-bundle'),
        uiRoot: path.join(root, 'no-ui'),
        projectName: `wtset-${id}`,
        imageTag: `wtset-img:${id}`,
        pollIntervalMs: 60_000,
      });
      hosts.push(h);
      return h;
    };
    const call = async (h: AppHost, name: string, params: unknown = {}) => {
      const outcome = await h.handler.handle(name, params);
      if (!outcome.ok) throw Object.assign(new Error(outcome.error.message), outcome.error);
      return outcome.value as Record<string, unknown>;
    };

    beforeAll(async () => {
      root = await fs.mkdtemp(path.join(os.tmpdir(), 'app-host-change-'));
      dataDir = path.join(root, 'data');
      stackDir = path.join(dataDir, 'stack');
      await fs.mkdir(path.join(root, 'no-bundle'), { recursive: true });
      applied = {
        configDir: path.join(root, 'config'),
        workspaceDir: path.join(root, 'config', 'workspace'),
        gatewayPort: await freePort(),
        exposeOnLan: false,
        extraMounts: [],
        aptPackages: ['jq'],
        homeVolume: null,
      };
      await updateAppSettings(dataDir, { ...applied, stackDir });
      await fs.mkdir(stackDir, { recursive: true });
      await fs.writeFile(
        path.join(stackDir, '.env'),
        [
          `COMPOSE_PROJECT_NAME=wtset-${id}`,
          `OPENCLAW_CONFIG_DIR=${applied.configDir}`,
          `OPENCLAW_WORKSPACE_DIR=${applied.workspaceDir}`,
          `OPENCLAW_GATEWAY_PORT=${applied.gatewayPort}`,
          'OPENCLAW_GATEWAY_BIND=lan',
          `OPENCLAW_GATEWAY_TOKEN=${TOKEN}`,
          `OPENCLAW_IMAGE=wtset-img:${id}`,
          'OPENCLAW_EXTRA_MOUNTS=',
          'OPENCLAW_HOME_VOLUME=',
          'OPENCLAW_DOCKER_APT_PACKAGES=jq',
          '',
        ].join('\n'),
        { mode: 0o600 },
      );
      host = await start();
    }, 60_000);

    afterAll(async () => {
      for (const h of hosts) await h.shutdown({ stopGateway: false }).catch(() => {});
      await fs.rm(root, { recursive: true, force: true });
    }, 60_000);

    it('keeps settings.json and .env, reports the change as failed, across a restart', async () => {
      const settingsBefore = await fs.readFile(appSettingsFile(dataDir), 'utf8');
      const envBefore = await fs.readFile(path.join(stackDir, '.env'), 'utf8');
      const desired = { ...applied, aptPackages: ['jq', 'ripgrep'] };

      await expect(call(host, 'stack.apply', desired)).rejects.toMatchObject({
        code: 'BUNDLE_MISSING',
      });

      expect(await fs.readFile(appSettingsFile(dataDir), 'utf8')).toBe(settingsBefore);
      expect(await fs.readFile(path.join(stackDir, '.env'), 'utf8')).toBe(envBefore);
      expect((await call(host, 'stack.getSettings')).settings).toEqual(applied);
      expect(await call(host, 'stack.change')).toMatchObject({
        state: 'failed',
        kind: 'apply',
        desired,
        error: { code: 'BUNDLE_MISSING' },
      });

      // The app restarts: the change is still there, still not applied.
      await host.shutdown({ stopGateway: false });
      host = await start();
      expect(await call(host, 'stack.change')).toMatchObject({ state: 'failed', desired });
      expect((await call(host, 'stack.getSettings')).settings).toEqual(applied);

      // Retry runs it again (and fails the same way, still not recording it as applied).
      await expect(call(host, 'stack.retry')).rejects.toMatchObject({ code: 'BUNDLE_MISSING' });
      expect(await fs.readFile(appSettingsFile(dataDir), 'utf8')).toBe(settingsBefore);

      expect(await call(host, 'stack.discard')).toEqual({ state: 'applied' });
      expect(await call(host, 'stack.change')).toEqual({ state: 'applied' });
      expect((await call(host, 'stack.getSettings')).settings).toEqual(applied);
      await expect(call(host, 'stack.retry')).rejects.toMatchObject({ code: 'NOT_FOUND' });
    }, 60_000);

    it('refuses bad input without recording a pending change', async () => {
      await expect(
        call(host, 'stack.apply', { ...applied, aptPackages: ['jq', 'Bad_Name'] }),
      ).rejects.toMatchObject({ code: 'STACK_INPUT_INVALID' });
      expect(await call(host, 'stack.change')).toEqual({ state: 'applied' });
    });

    it('refuses a home reset that is not for the configured volume', async () => {
      await expect(
        call(host, 'stack.resetHome', { volume: 'openclaw-home' }),
      ).rejects.toMatchObject({
        code: 'INVALID_ARGUMENT',
        message: expect.stringMatching(/not a Docker volume/),
      });
    });
  },
);
