/**
 * Reset of the home volume: the named volume mounted at /home/node holds tool caches, shell
 * history and tools the agent installed itself; resetting it deletes exactly that. The config
 * folder and the workspace are bind mounts of host folders and are not in the volume.
 *
 * Docker refuses to remove a volume any container still references (running or stopped), so the
 * stack's containers are removed first (`compose down`, never `--volumes`: other named volumes
 * stay), then the volume, then compose recreates both — started again only if the gateway was
 * running. A fresh named volume is seeded from the image's /home/node by Docker on first mount.
 */
import type Dockerode from 'dockerode';
import { ErrorCode, OpenClawError, errorMessage } from '../../../gateway/infra/errors.js';
import type { ComposeProject } from '../../../docker/engine/index.js';
import { GATEWAY_SERVICE } from '../../../docker/setup/run-setup.js';

export interface HomeResetDeps {
  docker: Pick<Dockerode, 'listVolumes' | 'getVolume'>;
  project: () => Promise<Pick<ComposeProject, 'down' | 'up' | 'runSubcommand'>>;
  projectName: string;
}

export interface HomeResetResult {
  /** False when the volume did not exist yet (never started with it): nothing to delete. */
  removed: boolean;
  restarted: boolean;
}

/**
 * Compose creates a declared volume as `<project>_<name>` and labels it with both parts; finding
 * it by those labels (not by guessing the name) also finds it under compose v1's naming.
 */
async function findHomeVolumes(deps: HomeResetDeps, volume: string): Promise<string[]> {
  const list = await deps.docker.listVolumes({
    filters: {
      label: [
        `com.docker.compose.project=${deps.projectName}`,
        `com.docker.compose.volume=${volume}`,
      ],
    },
  });
  return (list.Volumes ?? []).map((v) => v.Name);
}

export async function resetHomeVolume(
  deps: HomeResetDeps,
  options: { volume: string; wasRunning: boolean; signal?: AbortSignal },
): Promise<HomeResetResult> {
  const { volume, wasRunning, signal } = options;
  const project = await deps.project();
  await project.down({ removeOrphans: true, signal });
  let removed = false;
  for (const name of await findHomeVolumes(deps, volume)) {
    try {
      await deps.docker.getVolume(name).remove();
      removed = true;
    } catch (err) {
      throw new OpenClawError(
        ErrorCode.COMPOSE_FAILED,
        `Could not remove the home volume ${name} (${errorMessage(err)}). A container outside this stack may still use it: see \`docker ps -a --filter volume=${name}\`, remove that container, then reset again.`,
        { cause: err },
      );
    }
  }
  if (wasRunning) {
    await project.up({ services: [GATEWAY_SERVICE], detach: true, noBuild: true, signal });
  } else {
    // Recreate the container and the (empty) volume without starting the gateway.
    const created = await project.runSubcommand(
      ['up', '--no-start', '--no-build', GATEWAY_SERVICE],
      {
        signal,
      },
    );
    if (created.code !== 0) {
      throw new OpenClawError(
        ErrorCode.COMPOSE_FAILED,
        `The home volume was emptied, but recreating the container failed: ${created.stderr.trim().split('\n').slice(-3).join(' ')}. Start the gateway to create it.`,
      );
    }
  }
  return { removed, restarted: wasRunning };
}
