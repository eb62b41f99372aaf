/**
 * Image retention on the real engine with small images of this file's own (FROM the local Debian
 * base, labelled like setup labels the gateway image): older builds of the stack's tag go, the
 * current and previous stay, and nothing else is touched — not another stack's dangling build,
 * not a build the user tagged by hand, not one a stopped container still uses.
 */
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildImage, imageExists, imageInfo, tagImage } from '../engine/index.js';
import { BASE_IMAGE, TEST_LABEL, engineFixture } from '../engine/integration-support.js';
import {
  BUILT_AS_LABEL,
  BUNDLE_LABEL,
  gatewayImageUsage,
  pruneGatewayImages,
} from './image-retention.js';

const fixture = await engineFixture();
const { docker, ready, skipNote, runId } = fixture;

describe('gateway image retention on a real engine', () => {
  const repo = `wtimg-${runId}/gw`;
  const tag = `${repo}:local`;
  const ids: Record<string, string> = {};
  let dir: string;
  let containerId: string | undefined;

  const build = async (name: string, as: string) => {
    const result = await buildImage(docker, {
      contextDir: dir,
      tag: as,
      labels: { [BUNDLE_LABEL]: `${name}-${runId}`, [BUILT_AS_LABEL]: as, [TEST_LABEL]: runId },
    });
    ids[name] = result.imageId;
  };

  beforeAll(async () => {
    if (!ready) return;
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'wtimg-retention-'));
    await fs.writeFile(path.join(dir, 'Dockerfile'), `FROM ${BASE_IMAGE}\n`);
    // Another stack's build, replaced since: dangling, but not ours.
    await build('foreign1', `wtimg-${runId}/other:local`);
    await build('foreign2', `wtimg-${runId}/other:local`);
    // Our builds in order; each moves the tag and leaves the one before dangling.
    await build('b1', tag);
    await build('mine', tag);
    await tagImage(docker, ids.mine!, `${repo}:mine`); // the user keeps this one by name
    await build('b2', tag);
    await build('b3', tag);
    await build('b4', tag);
    await tagImage(docker, ids.b3!, `${repo}:previous`);
    // A stopped container still made from b2.
    const container = await docker.createContainer({
      Image: ids.b2!,
      Cmd: ['true'],
      Labels: { [TEST_LABEL]: runId },
    });
    containerId = container.id;
  }, 120_000);

  afterAll(async () => {
    if (!ready) return;
    if (containerId)
      await docker
        .getContainer(containerId)
        .remove({ force: true })
        .catch(() => {});
    for (const ref of [tag, `${repo}:previous`, `${repo}:mine`, `wtimg-${runId}/other:local`])
      await docker
        .getImage(ref)
        .remove({ force: true })
        .catch(() => {});
    for (const id of Object.values(ids))
      await docker
        .getImage(id)
        .remove({ force: true })
        .catch(() => {});
    if (dir) await fs.rm(dir, { recursive: true, force: true });
  }, 60_000);

  it.skipIf(!ready)(
    `lists current, previous and older builds with their disk use${skipNote}`,
    async () => {
      const usage = await gatewayImageUsage(docker, tag);
      expect(usage.previousTag).toBe(`${repo}:previous`);
      const roles = usage.images.map((i) => [i.role, i.id]);
      expect(roles.slice(0, 2)).toEqual([
        ['current', ids.b4],
        ['previous', ids.b3],
      ]);
      // Older builds follow (creation times have one-second steps: their order is not checked).
      expect(roles.slice(2)).toHaveLength(2);
      expect(roles.slice(2)).toEqual(
        expect.arrayContaining([
          ['old', ids.b2],
          ['old', ids.b1],
        ]),
      );
      const base = await imageInfo(docker, BASE_IMAGE);
      for (const image of usage.images) {
        expect(image.sizeBytes).toBe(base.size); // label-only images: the base's layers
        expect(image.uniqueBytes).toBe(0); // …all of them shared
      }
      expect(usage.totalBytes).toBe(base.size); // shared layers counted once
    },
  );

  it.skipIf(!ready)(`prunes only this stack's unused older builds${skipNote}`, async () => {
    const logs: string[] = [];
    const result = await pruneGatewayImages(docker, tag, { onLog: (t) => logs.push(t) });
    expect(result.removed.map((r) => r.id)).toEqual([ids.b1]);
    expect(result.skipped).toEqual([{ id: ids.b2, reason: 'a container still uses it' }]);
    expect(result.kept).toEqual(
      expect.arrayContaining([
        { id: ids.b4, role: 'current' },
        { id: ids.b3, role: 'previous' },
      ]),
    );
    expect(logs).toEqual([
      `Removed 1 older gateway image of ${tag} (kept the current and the previous one for rollback).`,
    ]);
    expect(await imageExists(docker, ids.b1!)).toBe(false);
    for (const kept of ['b2', 'b3', 'b4', 'mine', 'foreign1', 'foreign2'])
      expect(await imageExists(docker, ids[kept]!), kept).toBe(true);
    // A second run has nothing more to do.
    expect((await pruneGatewayImages(docker, tag)).removed).toEqual([]);
  });
});
