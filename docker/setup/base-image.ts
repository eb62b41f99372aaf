/**
 * Which base an image is built FROM: Node 22 for the gateway, Debian bookworm for the sandbox
 * images. One answer for `./docker-setup.sh`, the sandbox scripts and the desktop app, so all
 * build the same thing on the same engine: an explicit OPENCLAW_NODE_IMAGE (OPENCLAW_BASE_IMAGE)
 * wins; else the stock `node:22-bookworm-slim` (`debian:bookworm-slim`) when the engine has it;
 * else the locally made `openclaw-base/...` image (scripts/make-base-images.sh); else nothing is
 * on the engine and the build can only work if the engine reaches a registry — said plainly,
 * with how to get a base without one.
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

interface BaseFamily {
  /** The variable that names an explicit base. */
  variable: 'OPENCLAW_NODE_IMAGE' | 'OPENCLAW_BASE_IMAGE';
  stock: string;
  local: string;
  /** "Node 22" / "Debian bookworm": what the base is, for the messages. */
  what: string;
  stockSummary: string;
  noBaseNextStep: string;
}

const NODE_FAMILY: BaseFamily = {
  variable: 'OPENCLAW_NODE_IMAGE',
  stock: STOCK_NODE_IMAGE,
  local: LOCAL_NODE_IMAGE,
  what: 'Node 22',
  stockSummary: 'the official Node image',
  noBaseNextStep: NO_BASE_NEXT_STEP,
};

export const STOCK_DEBIAN_IMAGE = 'debian:bookworm-slim';
export const LOCAL_DEBIAN_IMAGE = 'openclaw-base/debian:bookworm-slim';

export const NO_DEBIAN_BASE_NEXT_STEP =
  'Without access to Docker Hub (or a registry mirror configured for the engine) the build ' +
  'fails at its first step. Make local base images (`sudo scripts/make-base-images.sh` in a ' +
  'terminal, or Settings → Gateway image → “Make local base images”), or load a Debian bookworm ' +
  'image made elsewhere with `docker load -i <file>` and set OPENCLAW_BASE_IMAGE to its name.';

const DEBIAN_FAMILY: BaseFamily = {
  variable: 'OPENCLAW_BASE_IMAGE',
  stock: STOCK_DEBIAN_IMAGE,
  local: LOCAL_DEBIAN_IMAGE,
  what: 'Debian bookworm',
  stockSummary: 'the official Debian image',
  noBaseNextStep: NO_DEBIAN_BASE_NEXT_STEP,
};

async function resolveBase(
  family: BaseFamily,
  docker: Dockerode,
  env: Readonly<Record<string, string | undefined>>,
  signal: AbortSignal | undefined,
): Promise<NodeBaseChoice> {
  const explicit = env[family.variable]?.trim();
  if (explicit) {
    const id = await idOf(docker, explicit, signal);
    return id
      ? {
          source: 'explicit',
          image: explicit,
          present: true,
          id,
          summary: `${explicit} (set by ${family.variable})`,
        }
      : {
          source: 'explicit',
          image: explicit,
          present: false,
          summary: `${explicit} (set by ${family.variable}; not on this engine yet — the build will try to download it)`,
          nextStep: `Load ${explicit} onto the engine (\`docker load -i <file>\` or \`docker pull ${explicit}\`), or unset ${family.variable} to use ${family.stock} or the local ${family.local}.`,
        };
  }
  const stock = await idOf(docker, family.stock, signal);
  if (stock) {
    return {
      source: 'stock',
      image: family.stock,
      present: true,
      id: stock,
      summary: `${family.stock} (${family.stockSummary}, already on this engine)`,
    };
  }
  const local = await idOf(docker, family.local, signal);
  if (local) {
    return {
      source: 'local',
      image: family.local,
      present: true,
      id: local,
      summary: `${family.local} (made on this computer from Debian packages; no registry needed)`,
    };
  }
  return {
    source: 'none',
    image: family.stock,
    present: false,
    summary: `No ${family.what} base image on this engine: the build will try to download ${family.stock} from Docker Hub.`,
    nextStep: family.noBaseNextStep,
  };
}

/**
 * Resolves the Node base for a build on `docker`. Engine errors (not running, no permission) are
 * thrown as they are: a status badge elsewhere reports those.
 */
export async function resolveNodeBase(
  docker: Dockerode,
  env: Readonly<Record<string, string | undefined>>,
  options: { signal?: AbortSignal } = {},
): Promise<NodeBaseChoice> {
  return resolveBase(NODE_FAMILY, docker, env, options.signal);
}

/**
 * The Debian base the sandbox images build FROM, by the same rules: OPENCLAW_BASE_IMAGE, else
 * the stock `debian:bookworm-slim`, else the local `openclaw-base/debian:bookworm-slim`.
 */
export async function resolveDebianBase(
  docker: Dockerode,
  env: Readonly<Record<string, string | undefined>>,
  options: { signal?: AbortSignal } = {},
): Promise<NodeBaseChoice> {
  return resolveBase(DEBIAN_FAMILY, docker, env, options.signal);
}
