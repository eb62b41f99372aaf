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
  return { docker, ping, ready, skipNote, runId: testRunId() };
}

/**
 * A unique id for the names of what one test file makes on the engine, carrying the pid of the
 * process that makes it (`t<pid36>p<6 hex>`). A run that is killed before its clean-up leaves
 * names whose owner is gone; `sweepDeadTestRuns` finds them by that, and never touches what a
 * live run (another test file, a parallel run) still uses.
 */
export function testRunId(): string {
  return `t${process.pid.toString(36)}p${crypto.randomBytes(3).toString('hex')}`;
}

// Only names the tests make: the run id must follow one of these prefixes.
const TEST_NAME =
  /^\/?(?:openclaw-(?:test|app|it|ui|setup-it|app-it|ui-it|ui-home|e2e)|oc-diag)[-/:_](?:[a-z0-9_.-]*[-/:_])?t([0-9a-z]{1,8})p[0-9a-f]{6}(?:$|[-/:_.])/;

/** The pid that made a test resource of this name, or undefined for names tests do not make. */
export function ownerPidOf(name: string): number | undefined {
  const match = TEST_NAME.exec(name);
  if (!match) return undefined;
  const pid = Number.parseInt(match[1]!, 36);
  return Number.isSafeInteger(pid) && pid > 0 ? pid : undefined;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Removes what killed test runs left on the engine (containers, networks, volumes, image tags
 * whose owner pid is gone). Returns the names removed. Best effort: a failure is skipped.
 */
export async function sweepDeadTestRuns(
  docker: Dockerode,
  isAlive: (pid: number) => boolean = alive,
): Promise<string[]> {
  const dead = (name: string | undefined): boolean => {
    const pid = name === undefined ? undefined : ownerPidOf(name);
    return pid !== undefined && !isAlive(pid);
  };
  const removed: string[] = [];
  const containers = await docker.listContainers({ all: true });
  await each(
    containers.filter(
      (c) => dead(c.Labels?.['com.docker.compose.project']) || (c.Names ?? []).some((n) => dead(n)),
    ),
    async (c) => {
      await docker.getContainer(c.Id).remove({ force: true, v: true });
      removed.push(c.Names?.[0] ?? c.Id);
    },
  );
  await each(
    (await docker.listNetworks()).filter((n) => dead(n.Name)),
    async (n) => {
      await docker.getNetwork(n.Id).remove();
      removed.push(n.Name);
    },
  );
  await each(
    ((await docker.listVolumes()).Volumes ?? []).filter((v) => dead(v.Name)),
    async (v) => {
      await docker.getVolume(v.Name).remove({ force: true });
      removed.push(v.Name);
    },
  );
  const tags = (await docker.listImages()).flatMap((i) => i.RepoTags ?? []);
  await each(
    tags.filter((t) => dead(t)),
    async (t) => {
      await docker.getImage(t).remove({ force: true });
      removed.push(t);
    },
  );
  return removed;
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
