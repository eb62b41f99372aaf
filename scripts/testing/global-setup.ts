/**
 * Once per `vitest run`, before any test file: remove what killed earlier runs left on the
 * Docker engine (containers, volumes, networks and image tags whose owning test process is gone;
 * see docker/engine/integration-support.ts). Each file still removes its own resources in
 * afterAll; this catches the runs that never got there (Ctrl+C, a killed CI job). It never fails
 * the run: without an engine there is nothing to sweep.
 */
import { createDockerClient, pingEngine } from '../../docker/engine/index.js';
import { sweepDeadTestRuns } from '../../docker/engine/integration-support.js';

export default async function setup(): Promise<void> {
  try {
    const docker = createDockerClient({ env: process.env });
    if (!(await pingEngine(docker, AbortSignal.timeout(5_000))).ok) return;
    const removed = await sweepDeadTestRuns(docker);
    if (removed.length > 0)
      console.log(`[test setup] removed ${removed.length} leftovers of killed test runs`);
  } catch (err) {
    console.warn(`[test setup] could not sweep the engine: ${(err as Error).message}`);
  }
}
