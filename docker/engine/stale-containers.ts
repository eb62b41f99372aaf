/**
 * Containers of a compose project whose image no longer exists on the engine. They appear when a
 * stopped stack's image is deleted (`docker rmi -f`, a prune after a rebuild): compose v1 then
 * stops at "The image for the service you're trying to recreate has been removed. … Continue with
 * the new image? [yN]" — a question on stdin that a script or the app cannot answer — and v2
 * recreates with a warning. Detecting them through the engine (not compose's output) gives one
 * answer for both; removing only the container keeps every named volume and bind mount, which is
 * where the data lives.
 */
import type Dockerode from 'dockerode';
import { ErrorCode } from '../../gateway/infra/errors.js';
import {
  COMPOSE_ONEOFF_LABEL,
  COMPOSE_PROJECT_LABEL,
  COMPOSE_SERVICE_LABEL,
} from './containers.js';
import { translateDockerError } from './docker-client.js';

export interface StaleContainer {
  id: string;
  name: string;
  service: string;
  /** The image name in the container's config (what it was created from). */
  image: string;
  /** The image id it was created from, which the engine no longer has. */
  imageId: string;
  state: string;
  /** Mounts the container had; they are kept (named volumes and host folders). */
  mounts: { type: string; name?: string; source: string; destination: string }[];
}

/** True when the engine has no image with this id any more. */
async function imageGone(
  docker: Dockerode,
  imageId: string,
  signal: AbortSignal | undefined,
): Promise<boolean> {
  try {
    await (
      docker.getImage(imageId) as unknown as {
        inspect(o: { abortSignal?: AbortSignal }): Promise<unknown>;
      }
    ).inspect({ abortSignal: signal });
    return false;
  } catch (err) {
    const translated = translateDockerError(err, { docker, kind: 'image', ref: imageId });
    if (translated.code === ErrorCode.IMAGE_NOT_FOUND) return true;
    throw translated;
  }
}

/** Containers (any state, one-off `run` ones included) of `projectName` whose image id is gone. */
export async function findStaleContainers(
  docker: Dockerode,
  projectName: string,
  options: { signal?: AbortSignal } = {},
): Promise<StaleContainer[]> {
  let list: Dockerode.ContainerInfo[];
  try {
    list = await docker.listContainers({
      all: true,
      filters: { label: [`${COMPOSE_PROJECT_LABEL}=${projectName}`] },
      abortSignal: options.signal,
    });
  } catch (err) {
    throw translateDockerError(err, { docker });
  }
  const gone = new Map<string, boolean>();
  const stale: StaleContainer[] = [];
  for (const info of list) {
    const imageId = info.ImageID;
    if (!imageId) continue;
    if (!gone.has(imageId)) gone.set(imageId, await imageGone(docker, imageId, options.signal));
    if (!gone.get(imageId)) continue;
    const labels = info.Labels ?? {};
    stale.push({
      id: info.Id,
      name: (info.Names?.[0] ?? '').replace(/^\//, ''),
      service:
        labels[COMPOSE_SERVICE_LABEL] ??
        ((labels[COMPOSE_ONEOFF_LABEL] ?? '').toLowerCase() === 'true' ? 'run' : ''),
      image: info.Image,
      imageId,
      state: info.State,
      mounts: (info.Mounts ?? []).map((m) => ({
        type: m.Type,
        ...(m.Name ? { name: m.Name } : {}),
        source: m.Source,
        destination: m.Destination,
      })),
    });
  }
  return stale;
}

/** One sentence per removed container for logs and warnings: what went, and what stayed. */
export function describeStaleRemoval(container: StaleContainer): string {
  const kept = container.mounts.map((m) =>
    m.type === 'volume' ? `volume ${m.name ?? m.source}` : `folder ${m.source}`,
  );
  return (
    `Removed the ${container.state} container ${container.name || container.id.slice(0, 12)} ` +
    `(service ${container.service || 'unknown'}): its image ${container.image} ` +
    `(${container.imageId.replace(/^sha256:/, '').slice(0, 12)}) was deleted from the engine, so ` +
    `compose could not recreate it. Only the container was removed; ` +
    (kept.length
      ? `its data stays in ${kept.join(', ')}.`
      : 'named volumes and bind-mounted folders are untouched.')
  );
}

/**
 * Removes the project's stale containers before `compose up`, so compose creates them afresh from
 * the current image instead of asking. Volumes are never removed (not even anonymous ones: `v`
 * is false), and a container that is running is left alone (the engine keeps a running
 * container's image, so it cannot be stale). Returns what was removed.
 */
export async function removeStaleContainers(
  docker: Dockerode,
  projectName: string,
  options: {
    signal?: AbortSignal;
    onRemoved?: (container: StaleContainer, text: string) => void;
  } = {},
): Promise<StaleContainer[]> {
  const stale = await findStaleContainers(docker, projectName, options);
  const removed: StaleContainer[] = [];
  for (const container of stale) {
    if (container.state === 'running' || container.state === 'restarting') continue;
    try {
      await docker.getContainer(container.id).remove({ v: false, force: false });
    } catch (err) {
      const translated = translateDockerError(err, {
        docker,
        kind: 'container',
        ref: container.id,
      });
      if (translated.code === ErrorCode.CONTAINER_NOT_FOUND) continue;
      throw translated;
    }
    removed.push(container);
    options.onRemoved?.(container, describeStaleRemoval(container));
  }
  return removed;
}
