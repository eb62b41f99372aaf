// Engine ping and image builds against the REAL Docker engine: step progress, build args, labels,
// .dockerignore, a failing step, and cancellation. Everything is labelled openclaw.test-run=<id>
// and removed in afterAll, even when a test failed.
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isOpenClawError } from '../../gateway/infra/errors.js';
import { buildImage, type BuildProgressEvent } from './image-build.js';
import { imageExists, imageInfo, removeImage, tagImage } from './images.js';
import { BASE_IMAGE, TEST_LABEL, cleanupRun, engineFixture } from './integration-support.js';

const { docker, ping, ready, skipNote, runId } = await engineFixture();
const IMAGE_TAG = `openclaw-test/build:${runId}`;
const IMAGE_ALIAS = `openclaw-test/build-alias:${runId}`;
let workDir = '';

beforeAll(async () => {
  workDir = await fs.mkdtemp(path.join(os.tmpdir(), 'oc-build-it-'));
});

afterAll(async () => {
  if (ready) await cleanupRun(docker, runId, [], [IMAGE_ALIAS]);
  await fs.rm(workDir, { recursive: true, force: true });
}, 60_000);

async function context(name: string, dockerfile: string): Promise<string> {
  const dir = path.join(workDir, name);
  await fs.mkdir(dir, { recursive: true });
  await fs.writeFile(path.join(dir, 'Dockerfile'), dockerfile);
  return dir;
}

describe(`engine and image builds${skipNote}`, () => {
  it.skipIf(!ping.ok)(`pings the engine${skipNote}`, () => {
    expect(ping.ok).toBe(true);
    if (!ping.ok) return;
    expect(ping.version).toMatch(/^\d+\.\d+/);
    expect(ping.apiVersion).toMatch(/^1\.\d+$/);
  });

  it.skipIf(!ready)(
    `builds with a build arg, labels, .dockerignore and step progress${skipNote}`,
    async () => {
      const contextDir = await context(
        'ok',
        [
          `FROM ${BASE_IMAGE}`,
          'ARG GREETING=unset',
          'COPY . /ctx/',
          // Fails the build if .dockerignore was not honoured.
          'RUN echo "greeting=$GREETING" > /greeting.txt && test -f /ctx/Dockerfile && test ! -e /ctx/secret.env',
          'CMD ["cat", "/greeting.txt"]',
          '',
        ].join('\n'),
      );
      await fs.writeFile(path.join(contextDir, '.dockerignore'), 'secret.env\n');
      await fs.writeFile(path.join(contextDir, 'secret.env'), 'never sent');
      const events: BuildProgressEvent[] = [];
      const result = await buildImage(docker, {
        contextDir,
        tag: IMAGE_TAG,
        buildArgs: { GREETING: `hello-${runId}` },
        labels: { [TEST_LABEL]: runId, 'org.opencontainers.image.title': 'engine test' },
        networkMode: 'host',
        onProgress: (e) => events.push(e),
      });
      const steps = events.flatMap((e) => (e.kind === 'step' ? [e] : []));
      // The engine appends one LABEL step per requested label after the Dockerfile's own five.
      expect(steps.map((s) => `${s.index}/${s.total}`)).toEqual(
        ['1', '2', '3', '4', '5', '6', '7'].map((i) => `${i}/7`),
      );
      expect(steps.map((s) => s.text.split(' ')[0])).toEqual([
        'FROM',
        'ARG',
        'COPY',
        'RUN',
        'CMD',
        'LABEL',
        'LABEL',
      ]);
      expect(events.some((e) => e.kind === 'error')).toBe(false);
      expect(result).toMatchObject({
        tag: IMAGE_TAG,
        steps: 7,
        imageId: expect.stringMatching(/^sha256:[0-9a-f]{64}$/),
      });

      const info = await imageInfo(docker, IMAGE_TAG);
      expect(info.id).toBe(result.imageId);
      expect(info.labels).toMatchObject({
        [TEST_LABEL]: runId,
        'org.opencontainers.image.title': 'engine test',
      });
      expect(info.size).toBeGreaterThan(0);
      await tagImage(docker, IMAGE_TAG, IMAGE_ALIAS);
      expect((await imageInfo(docker, IMAGE_ALIAS)).id).toBe(result.imageId);
      expect(await removeImage(docker, IMAGE_ALIAS)).toBe(true);
      expect(await removeImage(docker, IMAGE_ALIAS)).toBe(false);
      expect(await imageExists(docker, IMAGE_ALIAS)).toBe(false);
      await expect(imageInfo(docker, IMAGE_ALIAS)).rejects.toMatchObject({
        code: 'IMAGE_NOT_FOUND',
      });
    },
    60_000,
  );

  it.skipIf(!ready)(
    `fails a broken build with IMAGE_BUILD_FAILED naming the step${skipNote}`,
    async () => {
      const contextDir = await context(
        'broken',
        `FROM ${BASE_IMAGE}\nRUN echo "about to fail ${runId}" && exit 3\n`,
      );
      const tag = `openclaw-test/broken:${runId}`;
      const err = await buildImage(docker, {
        contextDir,
        tag,
        labels: { [TEST_LABEL]: runId },
      }).catch((e: unknown) => e);
      expect(isOpenClawError(err, 'IMAGE_BUILD_FAILED')).toBe(true);
      const message = (err as Error).message;
      expect(message).toContain('step 2/3'); // 3: the engine's LABEL step for the label
      expect(message).toContain('RUN echo');
      expect(message).toContain(`about to fail ${runId}`);
      expect(message).toContain('non-zero code: 3');
      expect(await imageExists(docker, tag)).toBe(false);
    },
    60_000,
  );

  it.skipIf(!ready)(
    `cancels a long build quickly and the engine stops it${skipNote}`,
    async () => {
      const marker = `cancel-me-${runId}`;
      const contextDir = await context(
        'slow',
        `FROM ${BASE_IMAGE}\nRUN echo ${marker} && sleep 30\n`,
      );
      const controller = new AbortController();
      let abortedAt = 0;
      const build = buildImage(docker, {
        contextDir,
        tag: `openclaw-test/slow:${runId}`,
        labels: { [TEST_LABEL]: runId },
        signal: controller.signal,
        onProgress: (e) => {
          // Abort once the RUN step's own output shows its container is running.
          if (e.kind === 'log' && e.text.includes(marker) && !abortedAt) {
            abortedAt = Date.now();
            controller.abort();
          }
        },
      });
      await expect(build).rejects.toMatchObject({ code: 'CANCELLED' });
      expect(abortedAt).toBeGreaterThan(0);
      expect(Date.now() - abortedAt).toBeLessThan(2_000);
      // The engine notices the closed connection and removes the RUN container.
      let leftovers: string[] = [];
      for (let i = 0; i < 40; i++) {
        const all = await docker.listContainers({ all: true });
        leftovers = all.filter((c) => c.Command.includes(marker)).map((c) => c.Id);
        if (leftovers.length === 0) break;
        await new Promise((r) => setTimeout(r, 250));
      }
      expect(leftovers).toEqual([]);
      expect(Date.now() - abortedAt).toBeLessThan(15_000);
    },
    40_000,
  );
});
