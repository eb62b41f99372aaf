/**
 * The app's stack manager on the real engine, with only the locally made base images present (no
 * registry, no `node:22-bookworm-slim`):
 *   1. the first setup picks openclaw-base/node:22-bookworm-slim by itself and comes up healthy;
 *   2. a stopped gateway whose image was deleted (rebuilt under the tag, old id removed with
 *      force) makes compose v1 stop at its "image … has been removed … [yN]" question — `start`
 *      removes the stale container first and comes up, the named home volume's data kept;
 *   3. the same with the tag itself deleted: re-running setup rebuilds and comes up, data kept;
 *   4. two rebuilds keep the current and the previous image and prune the older build.
 * Everything is this file's own: project wtimg-<id>, tag wtimg-<id>/gateway:local, volume
 * wtimg-<id>-home, a port the OS says is free; removed in afterAll even when a step failed.
 */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StackSettings } from '../../contract/host-api.js';
import {
  buildImage,
  createDockerClient,
  detectCompose,
  findStaleContainers,
  imageExists,
  imageInfo,
  pingEngine,
  waitForHttp,
  type ComposeCommand,
} from '../../../docker/engine/index.js';
import { stageBuildContext } from '../../../docker/build-context.js';
import { LOCAL_NODE_IMAGE, STOCK_NODE_IMAGE } from '../../../docker/setup/base-image.js';
import { BUILT_AS_LABEL, BUNDLE_LABEL } from '../../../docker/setup/image-retention.js';
import { freePort } from '../../../gateway/testing/free-port.js';
import { StackManager } from './stack-manager.js';

const run = promisify(execFile);
const REPO = path.resolve(__dirname, '../../..');
const BUNDLE = path.join(REPO, 'dist/gateway');

async function prerequisites(): Promise<{ skip?: string; compose?: ComposeCommand }> {
  try {
    const docker = createDockerClient({ env: process.env });
    const ping = await pingEngine(docker);
    if (!ping.ok) return { skip: 'no Docker engine' };
    if (!(await imageExists(docker, LOCAL_NODE_IMAGE)))
      return { skip: `no ${LOCAL_NODE_IMAGE} (run scripts/make-base-images.sh)` };
    // The point is the fallback; the stock image is someone else's and is never removed here.
    if (await imageExists(docker, STOCK_NODE_IMAGE))
      return {
        skip: `${STOCK_NODE_IMAGE} is on this engine, so the local fallback is not exercised`,
      };
    if (!existsSync(path.join(BUNDLE, 'openclaw.mjs')))
      return { skip: 'no gateway bundle (node scripts/build.mjs --only gateway)' };
    const compose = await detectCompose({ env: process.env });
    return { compose };
  } catch (err) {
    return { skip: (err as Error).message.split('\n')[0] };
  }
}

const { skip, compose } = await prerequisites();
if (skip) console.warn(`SKIPPED stack manager integration: ${skip}`);

describe.skipIf(skip !== undefined)(
  `stack manager on a real engine with only local base images${skip ? ` (SKIPPED: ${skip})` : ''}`,
  () => {
    const id = randomBytes(3).toString('hex');
    const project = `wtimg-${id}`;
    const imageTag = `wtimg-${id}/gateway:local`;
    const previousTag = `wtimg-${id}/gateway:previous`;
    const homeVolume = `wtimg-${id}-home`;
    const docker = createDockerClient({ env: process.env });
    const warnings: string[] = [];
    let root: string;
    let uiDir: string;
    let stack: StackManager;
    let settings: StackSettings;
    let env: NodeJS.ProcessEnv;

    const gatewayId = async () => (await stack.inspectGateway())?.id;
    const ready = (port: number) =>
      waitForHttp(`http://127.0.0.1:${port}/readyz`, { timeoutMs: 120_000 });
    const readMarker = async () => {
      const { stdout } = await run('docker', [
        'run',
        '--rm',
        '--label',
        `openclaw.test-run=${project}`,
        '-v',
        `${project}_${homeVolume}:/home/node`,
        LOCAL_NODE_IMAGE,
        'cat',
        '/home/node/marker.txt',
      ]);
      return stdout.trim();
    };

    beforeAll(async () => {
      root = await fs.mkdtemp(path.join(os.tmpdir(), 'wtimg-stack-'));
      uiDir = path.join(root, 'control-ui');
      await fs.mkdir(uiDir);
      await fs.writeFile(path.join(uiDir, 'index.html'), '<!doctype html><p>v1</p>\n');
      env = { ...process.env };
      delete env.OPENCLAW_NODE_IMAGE; // the resolver decides, as in a fresh install
      delete env.OPENCLAW_IMAGE;
      stack = new StackManager({
        stackDir: path.join(root, 'stack'),
        docker,
        env,
        bundleDir: BUNDLE,
        controlUiDir: uiDir,
        projectName: project,
        imageTag,
        onWarning: (text) => warnings.push(text),
      });
      settings = {
        configDir: path.join(root, 'config'),
        workspaceDir: path.join(root, 'workspace'),
        gatewayPort: await freePort(),
        exposeOnLan: false,
        extraMounts: [],
        aptPackages: [],
        homeVolume: { kind: 'volume', name: homeVolume },
      };
    });

    afterAll(async () => {
      const stackDir = path.join(root, 'stack');
      if (compose && existsSync(path.join(stackDir, 'docker-compose.yml'))) {
        await run(
          compose.command[0]!,
          [...compose.command.slice(1), '-p', project, '-f', 'docker-compose.yml', 'down', '-v'],
          { cwd: stackDir, env: { ...env, COMPOSE_PROJECT_NAME: project } },
        ).catch(() => {});
      }
      const leftovers = await docker.listContainers({
        all: true,
        filters: { label: [`com.docker.compose.project=${project}`] },
      });
      for (const c of leftovers)
        await docker
          .getContainer(c.Id)
          .remove({ force: true })
          .catch(() => {});
      for (const name of [homeVolume, `${project}_${homeVolume}`])
        await docker
          .getVolume(name)
          .remove()
          .catch(() => {});
      // Every image this file built carries the built-as label with its own tag.
      const images = await docker.listImages({
        all: true,
        filters: { label: [`${BUILT_AS_LABEL}=${imageTag}`] },
      });
      for (const tag of [imageTag, previousTag])
        await docker
          .getImage(tag)
          .remove({ force: true })
          .catch(() => {});
      for (const image of images)
        await docker
          .getImage(image.Id)
          .remove({ force: true })
          .catch(() => {});
      await fs.rm(root, { recursive: true, force: true });
    }, 120_000);

    it('first setup builds FROM the local base by itself and comes up healthy', async () => {
      const events: string[] = [];
      const result = await stack.setup(settings, {
        onEvent: (e) => {
          if (e.kind === 'log' || e.kind === 'warning') events.push(e.text);
        },
      });
      expect(result.imageRebuilt).toBe(true);
      expect(result.nodeBase).toMatchObject({ source: 'local', image: LOCAL_NODE_IMAGE });
      expect(events.some((t) => t.startsWith(`Base image: ${LOCAL_NODE_IMAGE}`))).toBe(true);
      expect((await stack.nodeBase()).source).toBe('local');
      // The image really sits on the local base: its history contains the base's id.
      const base = await imageInfo(docker, LOCAL_NODE_IMAGE);
      const history = (await docker.getImage(imageTag).history()) as { Id: string }[];
      expect(history.map((h) => h.Id)).toContain(base.id);
      await ready(settings.gatewayPort);
      const gw = await gatewayId();
      await run('docker', ['exec', gw!, 'sh', '-c', `echo kept-${id} > /home/node/marker.txt`]);
    }, 600_000);

    it('start() recovers a stopped gateway whose image was replaced and deleted (compose v1 would ask [yN])', async () => {
      await stack.stop();
      const old = await imageInfo(docker, imageTag);
      // A rebuild under the same tag (different label → new id), then the old id deleted with
      // force, as `docker image prune -a` after a rebuild or `docker rmi -f` leaves it.
      const staged = await stageBuildContext({ bundleDir: BUNDLE, controlUiDir: uiDir });
      try {
        await buildImage(docker, {
          contextDir: staged.dir,
          dockerfile: staged.dockerfile,
          tag: imageTag,
          buildArgs: { NODE_IMAGE: LOCAL_NODE_IMAGE, OPENCLAW_DOCKER_APT_PACKAGES: '' },
          labels: { [BUNDLE_LABEL]: `rebuilt-${id}`, [BUILT_AS_LABEL]: imageTag },
        });
      } finally {
        await staged.dispose();
      }
      await run('docker', ['rmi', '-f', old.id]);
      const stale = await findStaleContainers(docker, project);
      expect(stale.map((c) => c.service)).toEqual(['openclaw-gateway']);

      // The bug, on this engine's compose: without the fix `up` stops at the question.
      const project0 = await stack.project();
      if (project0.compose.kind === 'v1') {
        const raw = await project0.runSubcommand(['up', '-d', '--no-build', 'openclaw-gateway']);
        expect(raw.code).not.toBe(0);
        expect(`${raw.stdout}${raw.stderr}`).toMatch(/image for the service .* has been removed/i);
        console.info(`compose v1 without the fix (exit ${raw.code}):\n${raw.stderr.trim()}`);
      }

      warnings.length = 0;
      await stack.start();
      await ready(settings.gatewayPort);
      expect(await findStaleContainers(docker, project)).toEqual([]);
      expect(warnings).toHaveLength(1);
      expect(warnings[0]).toMatch(/Only the container was removed/);
      // compose names the declared volume <project>_<name>; it is reported as kept.
      expect(warnings[0]).toContain(`volume ${project}_${homeVolume}`);
      expect(await readMarker()).toBe(`kept-${id}`);
    }, 600_000);

    it('re-running setup after the image itself was deleted rebuilds, replaces the stale container and keeps the data', async () => {
      await stack.stop();
      await run('docker', ['rmi', '-f', imageTag]);
      expect((await findStaleContainers(docker, project)).length).toBe(1);
      const result = await stack.setup(settings);
      expect(result.imageRebuilt).toBe(true);
      expect(result.staleContainersRemoved).toHaveLength(1);
      await ready(settings.gatewayPort);
      expect(await readMarker()).toBe(`kept-${id}`);
    }, 600_000);

    it('rebuilds keep the current and the previous image and prune older builds of this stack', async () => {
      const ids: string[] = [(await imageInfo(docker, imageTag)).id];
      const pruned: number[] = [];
      for (const version of ['v2', 'v3']) {
        // A changed Control UI changes the image stamp: a real rebuild, as after an app update.
        await fs.writeFile(path.join(uiDir, 'index.html'), `<!doctype html><p>${version}</p>\n`);
        pruned.push((await stack.upgrade(settings)).imagesPruned);
        ids.push((await imageInfo(docker, imageTag)).id);
      }
      expect(new Set(ids).size).toBe(3);
      // First rebuild: the old image becomes :previous; second: the one before that goes.
      expect(pruned).toEqual([0, 1]);
      expect((await imageInfo(docker, previousTag)).id).toBe(ids[1]);
      expect(await imageExists(docker, ids[0]!)).toBe(false); // the oldest build was pruned
      const usage = await stack.imageUsage();
      expect(usage.images.map((i) => [i.role, i.id])).toEqual([
        ['current', ids[2]],
        ['previous', ids[1]],
      ]);
      expect(usage.totalBytes).toBeGreaterThan(0);
      // Shared layers (the base) are counted once: less than the two images' sizes added up.
      expect(usage.totalBytes).toBeLessThan(
        usage.images[0]!.sizeBytes + usage.images[1]!.sizeBytes,
      );
      console.info(
        `gateway images kept: ${usage.images.map((i) => `${i.role} ${(i.sizeBytes / 1e6).toFixed(1)} MB (unique ${(i.uniqueBytes / 1e6).toFixed(1)} MB)`).join(', ')}; disk used ${(usage.totalBytes / 1e6).toFixed(1)} MB`,
      );
      await ready(settings.gatewayPort);
    }, 900_000);
  },
);
