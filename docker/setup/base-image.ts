/**
 * Which Node 22 base the gateway image is built FROM. One answer for `./docker-setup.sh` and the
 * desktop app, so both build the same thing on the same engine: an explicit OPENCLAW_NODE_IMAGE
 * wins; else the stock `node:22-bookworm-slim` when the engine has it; else the locally made
 * `openclaw-base/node:22-bookworm-slim` (scripts/make-base-images.sh); else nothing is on the
 * engine and the build can only work if the engine reaches a registry — said plainly, with how
 * to get a base without one.
 */
import type Dockerode from 'dockerode';
import { imageInfo } from '../engine/index.js';
import { ErrorCode, OpenClawError } from '../../gateway/infra/errors.js';

export const STOCK_NODE_IMAGE = 'node:22-bookworm-slim';
export const LOCAL_NODE_IMAGE = 'openclaw-base/node:22-bookworm-slim';

export type NodeBaseSource = 'explicit' | 'stock' | 'local' | 'none';

export interface NodeBaseChoice {
  source: NodeBaseSource;
  /** What `FROM ${NODE_IMAGE}` becomes; for "none" the stock name the engine will try to pull. */
  image: string;
  /** The image is on this engine now (a build needs no registry for it). */
  present: boolean;
  /** Image id when present. */
  id?: string;
  /** Plain words for the review step, Settings and the terminal plan. */
  summary: string;
  /** Set when the build may fail for want of a base: what to do about it. */
  nextStep?: string;
}

export const NO_BASE_NEXT_STEP =
  'Without access to Docker Hub (or a registry mirror configured for the engine) the build ' +
  'fails at its first step. Make local base images (Settings → Gateway image → “Make local base ' +
  'images”, or `sudo scripts/make-base-images.sh` in a terminal), or load a Node 22 image made ' +
  `elsewhere with \`docker load -i <file>\` and set OPENCLAW_NODE_IMAGE to its name.`;

async function idOf(
  docker: Dockerode,
  ref: string,
  signal: AbortSignal | undefined,
): Promise<string | undefined> {
  try {
    return (await imageInfo(docker, ref, { signal })).id;
  } catch (err) {
    if (err instanceof OpenClawError && err.code === ErrorCode.IMAGE_NOT_FOUND) return undefined;
    throw err;
  }
}

/**
 * Resolves the base for a build on `docker`. Engine errors (not running, no permission) are
 * thrown as they are: a status badge elsewhere reports those.
 */
export async function resolveNodeBase(
  docker: Dockerode,
  env: Readonly<Record<string, string | undefined>>,
  options: { signal?: AbortSignal } = {},
): Promise<NodeBaseChoice> {
  const explicit = env.OPENCLAW_NODE_IMAGE?.trim();
  if (explicit) {
    const id = await idOf(docker, explicit, options.signal);
    return id
      ? {
          source: 'explicit',
          image: explicit,
          present: true,
          id,
          summary: `${explicit} (set by OPENCLAW_NODE_IMAGE)`,
        }
      : {
          source: 'explicit',
          image: explicit,
          present: false,
          summary: `${explicit} (set by OPENCLAW_NODE_IMAGE; not on this engine yet — the build will try to download it)`,
          nextStep: `Load ${explicit} onto the engine (\`docker load -i <file>\` or \`docker pull ${explicit}\`), or unset OPENCLAW_NODE_IMAGE to use ${STOCK_NODE_IMAGE} or the local ${LOCAL_NODE_IMAGE}.`,
        };
  }
  const stock = await idOf(docker, STOCK_NODE_IMAGE, options.signal);
  if (stock) {
    return {
      source: 'stock',
      image: STOCK_NODE_IMAGE,
      present: true,
      id: stock,
      summary: `${STOCK_NODE_IMAGE} (the official Node image, already on this engine)`,
    };
  }
  const local = await idOf(docker, LOCAL_NODE_IMAGE, options.signal);
  if (local) {
    return {
      source: 'local',
      image: LOCAL_NODE_IMAGE,
      present: true,
      id: local,
      summary: `${LOCAL_NODE_IMAGE} (made on this computer from Debian packages; no registry needed)`,
    };
  }
  return {
    source: 'none',
    image: STOCK_NODE_IMAGE,
    present: false,
    summary: `No Node 22 base image on this engine: the build will try to download ${STOCK_NODE_IMAGE} from Docker Hub.`,
    nextStep: NO_BASE_NEXT_STEP,
  };
}
