/**
 * The agent sandbox images and how they are built: `openclaw-sandbox` (the default image of
 * `agents.*.sandbox.docker.image`), `openclaw-sandbox-common` (FROM it, with build tools) and
 * `openclaw-sandbox-browser` (Chromium with CDP and noVNC). One library for the terminal scripts,
 * `OPENCLAW_SANDBOX=1 ./docker-setup.sh` and the app, with the gateway image's base resolution
 * (an explicit override, else the stock image, else the locally made base) and its build-failure
 * messages (docker/engine).
 *
 * An image is rebuilt only when its recipe changed: the Dockerfile, the files copied in and the
 * ids of the bases it is built FROM are hashed into a label, so a re-run of setup costs one
 * inspect, and a new local base (or a rebuilt sandbox image under common) rebuilds what uses it.
 */
import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type Dockerode from 'dockerode';
import { ErrorCode, OpenClawError } from '../../gateway/infra/errors.js';
import { SANDBOX_DEFAULTS } from '../../gateway/sandbox/contract.js';
import { buildImage, imageInfo, type BuildProgressEvent } from '../engine/index.js';
import { resolveDebianBase, resolveNodeBase, type NodeBaseChoice } from '../setup/base-image.js';

export type SandboxImageKind = 'sandbox' | 'common' | 'browser';

export const SANDBOX_IMAGE_KINDS: readonly SandboxImageKind[] = ['sandbox', 'common', 'browser'];

/** Label holding the recipe hash an image was built from. */
export const SANDBOX_RECIPE_LABEL = 'org.openclaw.desktop.sandbox.recipe';

interface SandboxImageRecipe {
  tag: string;
  /** File name next to this module. */
  dockerfile: string;
  /** Other files of the context, next to this module. */
  files: readonly string[];
  title: string;
}

export const SANDBOX_IMAGES: Readonly<Record<SandboxImageKind, SandboxImageRecipe>> = {
  sandbox: {
    tag: SANDBOX_DEFAULTS.image,
    dockerfile: 'sandbox.Dockerfile',
    files: [],
    title: 'the agent sandbox image',
  },
  common: {
    tag: 'openclaw-sandbox-common:bookworm-slim',
    dockerfile: 'sandbox-common.Dockerfile',
    files: [],
    title: 'the sandbox image with build tools',
  },
  browser: {
    tag: 'openclaw-sandbox-browser:bookworm-slim',
    dockerfile: 'sandbox-browser.Dockerfile',
    files: ['browser-entrypoint.sh', 'browser-novnc-link.sh', 'openclaw_novnc_tokens.py'],
    title: 'the browser sandbox image',
  },
};

const HERE = path.dirname(fileURLToPath(import.meta.url));

export type SandboxBuildEvent =
  | { kind: 'build'; image: SandboxImageKind; event: BuildProgressEvent }
  | { kind: 'log'; text: string }
  | { kind: 'warning'; text: string };

export interface BuildSandboxImageOptions {
  kind: SandboxImageKind;
  /** OPENCLAW_BASE_IMAGE / OPENCLAW_NODE_IMAGE overrides (usually process.env). */
  env: Readonly<Record<string, string | undefined>>;
  /** Build under this tag instead of the standard one (tests, side-by-side trials). */
  tag?: string;
  /** `common` only: the sandbox image it is built FROM (default the standard tag; built if missing). */
  sandboxTag?: string;
  /** Rebuild even when the image's recipe label matches. */
  force?: boolean;
  /** `docker build --network host` (default true: reaches the apt mirror on engines without bridge egress). */
  networkHost?: boolean;
  /** Added to the image (and, for `common`, to a sandbox image built on the way). */
  labels?: Record<string, string>;
  /** Folder holding the Dockerfiles (default: this module's folder). */
  recipeDir?: string;
  signal?: AbortSignal;
  onEvent?: (event: SandboxBuildEvent) => void;
}

export interface BuildSandboxImageResult {
  kind: SandboxImageKind;
  tag: string;
  imageId: string;
  rebuilt: boolean;
  /** Bases resolved for this build (the Debian base; for `common` the Node base). */
  bases: NodeBaseChoice[];
  durationMs: number;
}

/** Hash of what makes the image: the context files and the ids of its bases. */
export async function sandboxRecipeHash(
  kind: SandboxImageKind,
  baseIds: readonly string[],
  recipeDir = HERE,
): Promise<string> {
  const recipe = SANDBOX_IMAGES[kind];
  const hash = createHash('sha256').update(`${kind}\0`);
  for (const name of [recipe.dockerfile, ...recipe.files]) {
    hash
      .update(name)
      .update('\0')
      .update(await fs.readFile(path.join(recipeDir, name)))
      .update('\0');
  }
  for (const id of baseIds) hash.update(id).update('\0');
  return hash.digest('hex').slice(0, 16);
}

async function presentImage(docker: Dockerode, ref: string, signal?: AbortSignal) {
  try {
    return await imageInfo(docker, ref, { signal });
  } catch (err) {
    if (err instanceof OpenClawError && err.code === ErrorCode.IMAGE_NOT_FOUND) return undefined;
    throw err;
  }
}

/** Copies the recipe's files into a temp context (Dockerfile as `Dockerfile`, modes explicit). */
async function stageContext(kind: SandboxImageKind, recipeDir: string): Promise<string> {
  const recipe = SANDBOX_IMAGES[kind];
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), `openclaw-${kind}-ctx-`));
  await fs.copyFile(path.join(recipeDir, recipe.dockerfile), path.join(dir, 'Dockerfile'));
  await fs.chmod(path.join(dir, 'Dockerfile'), 0o644);
  for (const name of recipe.files) {
    await fs.copyFile(path.join(recipeDir, name), path.join(dir, name));
    await fs.chmod(path.join(dir, name), 0o755);
  }
  return dir;
}

/**
 * Builds (or keeps, when its recipe is unchanged) one sandbox image. `common` first makes sure
 * the sandbox image exists (building it the same way). Build failures are the engine library's
 * IMAGE_BUILD_FAILED / BASE_IMAGE_* errors, with the failing step and what to do next.
 */
export async function buildSandboxImage(
  docker: Dockerode,
  options: BuildSandboxImageOptions,
): Promise<BuildSandboxImageResult> {
  const started = Date.now();
  const emit = options.onEvent ?? (() => {});
  const { kind, signal } = options;
  const recipeDir = options.recipeDir ?? HERE;
  const tag = options.tag ?? SANDBOX_IMAGES[kind].tag;
  const bases: NodeBaseChoice[] = [];
  const buildArgs: Record<string, string> = {};
  const baseIds: string[] = [];

  if (kind === 'common') {
    const sandboxTag = options.sandboxTag ?? SANDBOX_IMAGES.sandbox.tag;
    // Make sure the sandbox image is current first: common must not sit on an outdated one.
    const sandbox = await buildSandboxImage(docker, {
      ...options,
      kind: 'sandbox',
      tag: sandboxTag,
      force: false,
    });
    bases.push(...sandbox.bases);
    buildArgs.BASE_IMAGE = sandboxTag;
    baseIds.push(sandbox.imageId);
    const node = await resolveNodeBase(
      docker,
      { OPENCLAW_NODE_IMAGE: options.env.OPENCLAW_NODE_IMAGE },
      { signal },
    );
    bases.push(node);
    buildArgs.NODE_IMAGE = node.image;
    baseIds.push(node.id ?? node.image);
  } else {
    const base = await resolveDebianBase(
      docker,
      { OPENCLAW_BASE_IMAGE: options.env.OPENCLAW_BASE_IMAGE },
      { signal },
    );
    bases.push(base);
    buildArgs.BASE_IMAGE = base.image;
    baseIds.push(base.id ?? base.image);
  }

  const recipe = await sandboxRecipeHash(kind, baseIds, recipeDir);
  const existing = await presentImage(docker, tag, signal);
  if (!options.force && existing?.labels[SANDBOX_RECIPE_LABEL] === recipe) {
    emit({ kind: 'log', text: `Image ${tag} is up to date` });
    return {
      kind,
      tag,
      imageId: existing.id,
      rebuilt: false,
      bases,
      durationMs: Date.now() - started,
    };
  }
  const newBases = kind === 'common' ? bases.slice(-1) : bases;
  for (const base of newBases) {
    emit({ kind: 'log', text: `Base image: ${base.summary}` });
    if (base.nextStep) emit({ kind: 'warning', text: `${base.summary} ${base.nextStep}` });
  }
  emit({ kind: 'log', text: `Building ${SANDBOX_IMAGES[kind].title} (${tag})` });
  const contextDir = await stageContext(kind, recipeDir);
  try {
    const result = await buildImage(docker, {
      contextDir,
      tag,
      buildArgs,
      labels: { ...options.labels, [SANDBOX_RECIPE_LABEL]: recipe },
      networkMode: options.networkHost === false ? undefined : 'host',
      signal,
      onProgress: (event) => emit({ kind: 'build', image: kind, event }),
    });
    return {
      kind,
      tag,
      imageId: result.imageId,
      rebuilt: true,
      bases,
      durationMs: Date.now() - started,
    };
  } finally {
    await fs.rm(contextDir, { recursive: true, force: true });
  }
}
