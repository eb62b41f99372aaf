/**
 * Gateway images the setup flow built, and how many of them stay. Every rebuild (new bundle, new
 * apt packages, an app update) moves the tag to a new image and leaves the old one dangling at
 * ~200 MB each. Kept: the current image and the one tagged `<repo>:previous` (what
 * StackManager.upgrade rolls back to). Removed: only images this flow built for the same tag
 * (they carry the bundle label and the tag they were built as), never a tag someone set by hand,
 * never an image a container still uses, never anything of another stack on the same engine.
 */
import type Dockerode from 'dockerode';
import { splitImageRef, translateDockerError } from '../engine/index.js';
import { ErrorCode } from '../../gateway/infra/errors.js';

/** Labels the setup flow puts on every image it builds. */
export const APT_LABEL = 'org.openclaw.desktop.apt-packages';
export const BUNDLE_LABEL = 'org.openclaw.desktop.bundle';
/** The tag an image was built as: what tells our dangling images from another stack's. */
export const BUILT_AS_LABEL = 'org.openclaw.desktop.built-as';

export type GatewayImageRole = 'current' | 'previous' | 'old';

export interface GatewayImage {
  id: string;
  tags: string[];
  role: GatewayImageRole;
  created: number;
  /** Whole image, base layers included (what `docker images` shows). */
  sizeBytes: number;
  /** Layers no other image shares (what removing it frees); -1 when the engine did not say. */
  uniqueBytes: number;
  /** Containers (running or stopped) using it; -1 when unknown. */
  containers: number;
}

export interface GatewayImageUsage {
  imageTag: string;
  previousTag: string;
  images: GatewayImage[];
  /**
   * Disk used by these images together: unique layers of each plus the largest shared part once
   * (the Node base and cached apt layer are shared between current and previous).
   */
  totalBytes: number;
}

/** `openclaw:local` → `openclaw:previous` (registry ports in the name are kept intact). */
export function previousTagOf(imageTag: string): string {
  return `${splitImageRef(imageTag).repo}:previous`;
}

function realTags(tags: readonly string[] | null | undefined): string[] {
  return (tags ?? []).filter((t) => t && t !== '<none>:<none>');
}

interface ImageSummary {
  Id: string;
  RepoTags?: string[] | null;
  Labels?: Record<string, string> | null;
  Created: number;
  Size: number;
  SharedSize?: number;
  Containers?: number;
}

function classify(
  images: readonly ImageSummary[],
  imageTag: string,
): { image: ImageSummary; role: GatewayImageRole }[] {
  const previousTag = previousTagOf(imageTag);
  const out: { image: ImageSummary; role: GatewayImageRole }[] = [];
  for (const image of images) {
    const labels = image.Labels ?? {};
    if (labels[BUNDLE_LABEL] === undefined) continue; // not built by the setup flow
    const tags = realTags(image.RepoTags);
    if (tags.includes(imageTag)) out.push({ image, role: 'current' });
    else if (tags.includes(previousTag)) out.push({ image, role: 'previous' });
    // Dangling and built as our tag: an earlier build of this stack's image.
    else if (tags.length === 0 && labels[BUILT_AS_LABEL] === imageTag)
      out.push({ image, role: 'old' });
  }
  return out;
}

const ROLE_ORDER: Record<GatewayImageRole, number> = { current: 0, previous: 1, old: 2 };

/** The gateway images of `imageTag` with their disk use (one `docker system df` call). */
export async function gatewayImageUsage(
  docker: Dockerode,
  imageTag: string,
  options: { signal?: AbortSignal } = {},
): Promise<GatewayImageUsage> {
  let images: ImageSummary[];
  try {
    // df takes options (abortSignal) at runtime; @types/dockerode omits them.
    const df = (await (
      docker as unknown as { df(o: { abortSignal?: AbortSignal }): Promise<unknown> }
    ).df({ abortSignal: options.signal })) as { Images?: ImageSummary[] | null };
    images = df.Images ?? [];
  } catch (err) {
    throw translateDockerError(err, { docker });
  }
  const ours = classify(images, imageTag)
    .map(({ image, role }) => {
      const shared = typeof image.SharedSize === 'number' ? image.SharedSize : -1;
      return {
        id: image.Id,
        tags: realTags(image.RepoTags),
        role,
        created: image.Created * 1000,
        sizeBytes: image.Size,
        uniqueBytes: shared >= 0 ? Math.max(0, image.Size - shared) : -1,
        containers: typeof image.Containers === 'number' ? image.Containers : -1,
      } satisfies GatewayImage;
    })
    .sort((a, b) => ROLE_ORDER[a.role] - ROLE_ORDER[b.role] || b.created - a.created);
  const sharedMax = Math.max(
    0,
    ...ours.map((i) => (i.uniqueBytes >= 0 ? i.sizeBytes - i.uniqueBytes : 0)),
  );
  const totalBytes =
    ours.length === 0
      ? 0
      : ours.every((i) => i.uniqueBytes >= 0)
        ? ours.reduce((sum, i) => sum + i.uniqueBytes, 0) + sharedMax
        : Math.max(...ours.map((i) => i.sizeBytes));
  return { imageTag, previousTag: previousTagOf(imageTag), images: ours, totalBytes };
}

export interface PruneResult {
  removed: { id: string; sizeBytes: number }[];
  /** Old images left in place, with why (a stopped container still uses it, …). */
  skipped: { id: string; reason: string }[];
  kept: { id: string; role: GatewayImageRole }[];
}

/**
 * Removes this stack's older gateway builds, keeping the current and the previous image. Never
 * forced: an image a container still uses (even a stopped one) stays and is reported.
 */
export async function pruneGatewayImages(
  docker: Dockerode,
  imageTag: string,
  options: { signal?: AbortSignal; onLog?: (text: string) => void } = {},
): Promise<PruneResult> {
  let images: ImageSummary[];
  try {
    images = (await docker.listImages({
      filters: { label: [BUNDLE_LABEL] },
      abortSignal: options.signal,
    } as Dockerode.ListImagesOptions)) as unknown as ImageSummary[];
  } catch (err) {
    throw translateDockerError(err, { docker });
  }
  const result: PruneResult = { removed: [], skipped: [], kept: [] };
  for (const { image, role } of classify(images, imageTag)) {
    if (role !== 'old') {
      result.kept.push({ id: image.Id, role });
      continue;
    }
    try {
      await docker.getImage(image.Id).remove({ force: false, noprune: false });
      result.removed.push({ id: image.Id, sizeBytes: image.Size });
    } catch (err) {
      const translated = translateDockerError(err, { docker, kind: 'image', ref: image.Id });
      if (translated.code === ErrorCode.IMAGE_NOT_FOUND) continue;
      const status = translated.details?.status;
      if (status !== 409) throw translated;
      result.skipped.push({ id: image.Id, reason: 'a container still uses it' });
    }
  }
  if (result.removed.length > 0) {
    options.onLog?.(
      `Removed ${result.removed.length} older gateway image${result.removed.length === 1 ? '' : 's'} of ${imageTag} (kept the current and the previous one for rollback).`,
    );
  }
  return result;
}
