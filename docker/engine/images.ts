/**
 * Small image queries and edits on the engine (exists / info / tag / remove), with engine errors
 * translated at this boundary. Builds live in image-build.ts.
 */
import type Dockerode from 'dockerode';
import { ErrorCode, OpenClawError } from '../../gateway/infra/errors.js';
import { translateDockerError } from './docker-client.js';

export interface ImageInfo {
  /** Full id ("sha256:…"). */
  id: string;
  repoTags: string[];
  /** Bytes. */
  size: number;
  /** ISO-8601 creation time. */
  created: string;
  labels: Record<string, string>;
}

interface SignalOption {
  signal?: AbortSignal;
}

/** Image.inspect takes an abortSignal at runtime; @types/dockerode omits it. */
type AbortableImage = {
  inspect(opts: { abortSignal?: AbortSignal }): Promise<Dockerode.ImageInspectInfo>;
};

function stringRecord(value: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (value && typeof value === 'object') {
    for (const [key, v] of Object.entries(value)) if (typeof v === 'string') out[key] = v;
  }
  return out;
}

export async function imageInfo(
  docker: Dockerode,
  ref: string,
  options: SignalOption = {},
): Promise<ImageInfo> {
  try {
    const info = await (docker.getImage(ref) as unknown as AbortableImage).inspect({
      abortSignal: options.signal,
    });
    return {
      id: info.Id,
      repoTags: Array.isArray(info.RepoTags)
        ? info.RepoTags.filter((t): t is string => typeof t === 'string')
        : [],
      size: typeof info.Size === 'number' ? info.Size : 0,
      created: typeof info.Created === 'string' ? info.Created : '',
      labels: stringRecord(info.Config?.Labels),
    };
  } catch (err) {
    throw translateDockerError(err, { docker, kind: 'image', ref });
  }
}

export async function imageExists(
  docker: Dockerode,
  ref: string,
  options: SignalOption = {},
): Promise<boolean> {
  try {
    await imageInfo(docker, ref, options);
    return true;
  } catch (err) {
    if (err instanceof OpenClawError && err.code === ErrorCode.IMAGE_NOT_FOUND) return false;
    throw err;
  }
}

/** Splits "repo[:tag]" where the repo may contain a registry port ("host:5000/x:1"). */
export function splitImageRef(ref: string): { repo: string; tag: string } {
  const at = ref.indexOf('@');
  if (at >= 0)
    throw new OpenClawError(
      ErrorCode.INVALID_ARGUMENT,
      `Cannot tag to a digest reference "${ref}".`,
    );
  const colon = ref.lastIndexOf(':');
  if (colon > ref.lastIndexOf('/') && colon > 0)
    return { repo: ref.slice(0, colon), tag: ref.slice(colon + 1) };
  return { repo: ref, tag: 'latest' };
}

/** Gives `source` the additional name `target` ("repo:tag"). */
export async function tagImage(docker: Dockerode, source: string, target: string): Promise<void> {
  const { repo, tag } = splitImageRef(target);
  try {
    await docker.getImage(source).tag({ repo, tag });
  } catch (err) {
    throw translateDockerError(err, { docker, kind: 'image', ref: source });
  }
}

export interface RemoveImageOptions {
  /** Remove even if containers (stopped ones included) use it. */
  force?: boolean;
  /** Keep untagged parent layers. */
  noPrune?: boolean;
}

/** Removes an image (or one of its tags); resolves false when it was already gone. */
export async function removeImage(
  docker: Dockerode,
  ref: string,
  options: RemoveImageOptions = {},
): Promise<boolean> {
  try {
    await docker
      .getImage(ref)
      .remove({ force: options.force ?? false, noprune: options.noPrune ?? false });
    return true;
  } catch (err) {
    const translated = translateDockerError(err, { docker, kind: 'image', ref });
    if (translated.code === ErrorCode.IMAGE_NOT_FOUND) return false;
    if (translated.details?.status === 409) {
      throw new OpenClawError(
        ErrorCode.REQUEST_FAILED,
        `Image ${ref} is still used by a container. Stop and remove the stack first (\`docker compose down\`), then retry.`,
        { cause: err, details: translated.details },
      );
    }
    throw translated;
  }
}
