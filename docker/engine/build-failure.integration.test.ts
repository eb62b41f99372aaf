/**
 * buildImage on the real engine reports the cause of a failed build with its own code: a FROM
 * image that is not on the engine (and no registry to pull it from) and apt without a reachable
 * mirror (build network "none") — neither is blamed on the package list.
 */
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { isOpenClawError } from '../../gateway/infra/errors.js';
import { imageExists } from './images.js';
import { buildImage } from './image-build.js';
import { BASE_IMAGE, TEST_LABEL, cleanupRun, engineFixture } from './integration-support.js';

const { docker, ready, skipNote, runId } = await engineFixture();
const dirs: string[] = [];

async function context(dockerfile: string): Promise<string> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'wtimg-buildfail-'));
  dirs.push(dir);
  await fs.writeFile(path.join(dir, 'Dockerfile'), dockerfile);
  return dir;
}

afterAll(async () => {
  if (ready) await cleanupRun(docker, runId, []);
  for (const dir of dirs) await fs.rm(dir, { recursive: true, force: true });
}, 60_000);

describe('classified build failures on a real engine', () => {
  it.skipIf(!ready)(
    `a FROM image the engine lacks is BASE_IMAGE_UNAVAILABLE with how to get one${skipNote}`,
    async () => {
      const missing = `wtimg-${runId}/no-such-base:22`;
      const err = await buildImage(docker, {
        contextDir: await context(`ARG NODE_IMAGE=${missing}\nFROM \${NODE_IMAGE}\n`),
        tag: `wtimg-${runId}/fail:base`,
        labels: { [TEST_LABEL]: runId },
      }).catch((e: unknown) => e);
      expect(isOpenClawError(err, 'BASE_IMAGE_UNAVAILABLE')).toBe(true);
      const message = (err as Error).message;
      expect(message).toContain(missing); // ${NODE_IMAGE} resolved from the ARG default
      expect(message).toMatch(/make-base-images\.sh/);
      expect(message).not.toMatch(/spelling|apt package/i);
    },
    120_000,
  );

  it.skipIf(!ready)(
    `apt with no route to its mirror is APT_MIRROR_UNREACHABLE, not an unknown package${skipNote}`,
    async () => {
      const tag = `wtimg-${runId}/fail:apt`;
      const err = await buildImage(docker, {
        contextDir: await context(
          `FROM ${BASE_IMAGE}\nRUN apt-get update; apt-get install -y --no-install-recommends jq\n`,
        ),
        tag,
        networkMode: 'none',
        labels: { [TEST_LABEL]: runId },
      }).catch((e: unknown) => e);
      expect(isOpenClawError(err, 'APT_MIRROR_UNREACHABLE')).toBe(true);
      expect((err as Error).message).toContain('Unable to locate package jq'); // apt's own words, in the tail
      expect((err as Error).message).toMatch(/names were not checked/);
      expect(await imageExists(docker, tag)).toBe(false);
    },
    180_000,
  );
});
