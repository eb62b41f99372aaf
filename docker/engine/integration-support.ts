/**
 * Shared set-up for the integration tests that run against the real Docker engine: one client,
 * one "is there an engine" answer (a skip note for titles when not), a per-run id for labels and
 * names, and a clean-up that removes by label and compose project, so it works even when the test
 * (or compose itself) failed half-way. Test-only: nothing in the library imports this.
 */
import crypto from 'node:crypto';
import type Dockerode from 'dockerode';
import { createDockerClient, pingEngine, type PingResult } from './docker-client.js';
import { imageExists } from './images.js';

export const BASE_IMAGE = 'openclaw-base/debian:bookworm-slim';
export const TEST_LABEL = 'openclaw.test-run';

export interface EngineFixture {
  docker: Dockerode;
  ping: PingResult;
  /** An engine answers and the local base image exists. */
  ready: boolean;
  /** Appended to test titles: empty when ready, a loud SKIPPED note otherwise. */
  skipNote: string;
  runId: string;
}

export async function engineFixture(): Promise<EngineFixture> {
  const docker = createDockerClient();
  const ping = await pingEngine(docker);
  const ready = ping.ok && (await imageExists(docker, BASE_IMAGE).catch(() => false));
  const skipNote = ready
    ? ''
    : ping.ok
      ? ` [SKIPPED: no ${BASE_IMAGE} image: run scripts/make-base-images.sh]`
      : ' [SKIPPED: no Docker engine]';
  const runId = `${Date.now().toString(36)}${crypto.randomBytes(3).toString('hex')}`;
  return { docker, ping, ready, skipNote, runId };
}

async function each<T>(items: readonly T[], fn: (item: T) => Promise<unknown>): Promise<void> {
  await Promise.all(items.map((item) => fn(item).catch(() => undefined)));
}

/** Removes containers, networks and volumes of the compose projects, and everything labelled with the run id. */
export async function cleanupRun(
  docker: Dockerode,
  runId: string,
  projectNames: readonly string[],
  extraImageRefs: readonly string[] = [],
): Promise<void> {
  for (const name of projectNames) {
    const filters = { label: [`com.docker.compose.project=${name}`] };
    const containers = await docker.listContainers({ all: true, filters });
    await each(containers, (c) => docker.getContainer(c.Id).remove({ force: true }));
    await each(await docker.listNetworks({ filters }), (n) => docker.getNetwork(n.Id).remove());
    const volumes = await docker.listVolumes({ filters });
    await each(volumes.Volumes ?? [], (v) => docker.getVolume(v.Name).remove());
  }
  const labelled = { label: [`${TEST_LABEL}=${runId}`] };
  const containers = await docker.listContainers({ all: true, filters: labelled });
  await each(containers, (c) => docker.getContainer(c.Id).remove({ force: true }));
  await each(extraImageRefs, (ref) => docker.getImage(ref).remove());
  const images = await docker.listImages({ filters: labelled });
  await each(images, (i) => docker.getImage(i.Id).remove({ force: true }));
}
