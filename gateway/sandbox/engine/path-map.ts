/**
 * Bind sources arrive as the gateway sees them. When sandboxd runs in a container, those are
 * paths inside that container, but the Docker engine resolves bind sources on the host, so each
 * one is translated through the service's own mounts (container destination → host source).
 * Upstream skipped this and its mounts came out empty when the gateway ran in Docker.
 */
import path from 'node:path';
import type Dockerode from 'dockerode';
import { ErrorCode, OpenClawError } from '../../infra/errors.js';

export interface PathMapping {
  /** Path inside the container that runs sandboxd (and the gateway). */
  containerPath: string;
  /** The same folder as the Docker engine's host sees it. */
  hostPath: string;
}

function isUnder(child: string, parent: string): boolean {
  if (parent === '/') return true;
  return child === parent || child.startsWith(`${parent}/`);
}

/** Longest container prefix wins, so a nested mount takes precedence over its parent's. */
export function normalizePathMap(mappings: readonly PathMapping[]): PathMapping[] {
  return mappings
    .map((m) => ({
      containerPath: path.posix.normalize(m.containerPath).replace(/(.)\/+$/, '$1'),
      hostPath: path.posix.normalize(m.hostPath).replace(/(.)\/+$/, '$1'),
    }))
    .sort((a, b) => b.containerPath.length - a.containerPath.length);
}

/**
 * The host path for `containerPath`. With no mappings (sandboxd on the host) paths are already
 * host paths. With mappings, a path outside every mount exists only in the container's own
 * layer, which the engine cannot mount: that is refused rather than silently mounting a
 * different host folder of the same name.
 */
export function toHostPath(containerPath: string, mappings: readonly PathMapping[]): string {
  if (mappings.length === 0) return containerPath;
  const normal = path.posix.normalize(containerPath);
  for (const m of mappings) {
    if (!isUnder(normal, m.containerPath)) continue;
    const rest = normal.slice(m.containerPath === '/' ? 1 : m.containerPath.length);
    return path.posix.join(m.hostPath, rest.replace(/^\/+/, ''));
  }
  throw new OpenClawError(
    ErrorCode.INVALID_ARGUMENT,
    `Sandbox refused: bind source "${containerPath}" is not on a volume or bind mount of the sandboxd container, so the Docker engine cannot mount it. Keep sandbox workspaces under the state folder (~/.openclaw), which is mounted.`,
    { details: { rule: 'bind-source-unmapped', source: containerPath } },
  );
}

interface MountLike {
  Type?: string;
  Source?: string;
  Destination?: string;
}

/** Mappings from a container's inspect `Mounts` (binds and volumes; the engine mounts both by Source). */
export function pathMapFromMounts(mounts: readonly MountLike[]): PathMapping[] {
  return normalizePathMap(
    mounts
      .filter((m) => (m.Type === 'bind' || m.Type === 'volume') && m.Source && m.Destination)
      .map((m) => ({ containerPath: m.Destination!, hostPath: m.Source! })),
  );
}

/**
 * The path map of the container this process runs in, found by inspecting the container whose id
 * or name is our hostname (Docker sets the hostname to the short id unless told otherwise).
 * Undefined when not in a container the engine knows (then paths are host paths).
 */
export async function detectOwnPathMap(
  docker: Dockerode,
  hostname: string,
): Promise<PathMapping[] | undefined> {
  try {
    const info = await docker.getContainer(hostname).inspect();
    return pathMapFromMounts(info.Mounts ?? []);
  } catch (err) {
    if ((err as { statusCode?: number }).statusCode === 404) return undefined;
    throw err;
  }
}
