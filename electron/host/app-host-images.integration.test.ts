/**
 * The images.* host calls of a real app host on the real engine, before any setup: which base
 * the next build uses, the kept-images view of a stack that has none yet, and "make local base
 * images" where this installation has no script to run — an explanation of the alternatives.
 * Own project name and image tag; nothing is built or started.
 */
import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDockerClient, imageExists, pingEngine } from '../../docker/engine/index.js';
import { LOCAL_NODE_IMAGE, STOCK_NODE_IMAGE } from '../../docker/setup/base-image.js';
import { createAppHost } from './app-host.js';
import type { AppHost } from './app-host-types.js';

async function prerequisites(): Promise<string | undefined> {
  const docker = createDockerClient({ env: process.env });
  if (!(await pingEngine(docker)).ok) return 'no Docker engine';
  if (!(await imageExists(docker, LOCAL_NODE_IMAGE))) return `no ${LOCAL_NODE_IMAGE}`;
  if (await imageExists(docker, STOCK_NODE_IMAGE)) return `${STOCK_NODE_IMAGE} is present`;
  return undefined;
}
const skip = await prerequisites();
if (skip) console.warn(`SKIPPED app host images calls: ${skip}`);

describe.skipIf(skip !== undefined)(
  `app host images.* calls${skip ? ` (SKIPPED: ${skip})` : ''}`,
  () => {
    const id = randomBytes(3).toString('hex');
    let root: string;
    let host: AppHost;

    beforeAll(async () => {
      root = await fs.mkdtemp(path.join(os.tmpdir(), 'wtimg-apphost-'));
      const env = { ...process.env };
      delete env.OPENCLAW_NODE_IMAGE;
      host = await createAppHost({
        dataDir: path.join(root, 'data'),
        platform: process.platform,
        env,
        bundleDir: path.join(root, 'no-bundle'),
        uiRoot: path.join(root, 'no-ui'),
        // An installation without scripts/make-base-images.sh.
        resourcesDir: path.join(root, 'resources'),
        projectName: `wtimg-${id}`,
        imageTag: `wtimg-${id}/gateway:local`,
        pollIntervalMs: 60_000,
      });
    }, 30_000);

    afterAll(async () => {
      await host?.shutdown({ stopGateway: false });
      await fs.rm(root, { recursive: true, force: true });
    });

    const call = async (name: 'images.base' | 'images.usage' | 'images.makeBase') =>
      host.handler.handle(name, {});

    it('images.base names the local base the next build uses', async () => {
      const outcome = await call('images.base');
      expect(outcome).toMatchObject({
        ok: true,
        value: {
          source: 'local',
          image: LOCAL_NODE_IMAGE,
          present: true,
          makeLocal: { possible: false },
        },
      });
    });

    it('images.usage of a stack that has built nothing is empty', async () => {
      expect(await call('images.usage')).toEqual({
        ok: true,
        value: { imageTag: `wtimg-${id}/gateway:local`, images: [], totalBytes: 0 },
      });
    });

    it('images.makeBase without the script explains how to get a base', async () => {
      const outcome = await call('images.makeBase');
      expect(outcome).toMatchObject({ ok: false, error: { code: 'BASE_IMAGE_UNAVAILABLE' } });
      const message = outcome.ok ? '' : outcome.error.message;
      expect(message).toMatch(/does not include scripts\/make-base-images\.sh/);
      expect(message).toMatch(/docker load -i/);
    });
  },
);
