/**
 * Packs a build context directory into the tar stream the Engine API's /build expects, honouring
 * `.dockerignore` the way `docker build` does. dockerode's own `{ context, src }` packing applies
 * the ignore file only to top-level entries (nested paths reach its filter as absolute paths),
 * which would silently send files the user excluded — secrets in `.env` among them.
 */
import fs from 'node:fs';
import path from 'node:path';
import dockerIgnore from '@balena/dockerignore';
import tar from 'tar-fs';
import { ErrorCode, OpenClawError } from '../../gateway/infra/errors.js';

export interface PackContextOptions {
  /** Dockerfile path relative to the context; always sent, even if .dockerignore names it. */
  dockerfile: string;
  /** Injected for tests; defaults to process.platform. */
  platform?: NodeJS.Platform;
}

/** Context-relative POSIX path of a Dockerfile, or INVALID_ARGUMENT if it escapes the context. */
export function contextRelativeDockerfile(contextDir: string, dockerfile: string): string {
  const absolute = path.resolve(contextDir, dockerfile);
  const relative = path.relative(path.resolve(contextDir), absolute);
  if (!relative || relative.startsWith('..') || path.isAbsolute(relative)) {
    throw new OpenClawError(
      ErrorCode.INVALID_ARGUMENT,
      `The Dockerfile ${dockerfile} must be inside the build context ${contextDir}.`,
    );
  }
  return relative.split(path.sep).join('/');
}

/** A predicate "is this context-relative POSIX path excluded", from the .dockerignore text. */
export function dockerignoreMatcher(
  ignoreText: string | undefined,
  alwaysInclude: readonly string[],
): (relPath: string) => boolean {
  if (!ignoreText) return () => false;
  const rules = ignoreText
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line.length > 0 && !line.startsWith('#'));
  // The package's typings describe the ESM shape; at runtime `.default` is the factory itself.
  const matcher = dockerIgnore.default({ ignorecase: false }).add(rules);
  const keep = new Set(alwaysInclude);
  return (relPath) => !keep.has(relPath) && matcher.ignores(relPath);
}

/**
 * A tar stream of `contextDir`. Ownership is zeroed (COPY resets it anyway, and host uids should
 * not leak into images); on Windows every entry gets 0755, as the docker CLI does, because NTFS has no
 * executable bit and scripts would otherwise lose it.
 */
export function packBuildContext(
  contextDir: string,
  options: PackContextOptions,
): NodeJS.ReadableStream {
  const root = path.resolve(contextDir);
  let stat: fs.Stats;
  try {
    stat = fs.statSync(root);
  } catch {
    throw new OpenClawError(
      ErrorCode.INVALID_ARGUMENT,
      `The build context ${root} does not exist.`,
    );
  }
  if (!stat.isDirectory())
    throw new OpenClawError(
      ErrorCode.INVALID_ARGUMENT,
      `The build context ${root} is not a directory.`,
    );
  const dockerfile = contextRelativeDockerfile(root, options.dockerfile);
  if (!fs.existsSync(path.join(root, dockerfile))) {
    throw new OpenClawError(
      ErrorCode.INVALID_ARGUMENT,
      `The Dockerfile ${dockerfile} is missing from the build context ${root}.`,
    );
  }

  let ignoreText: string | undefined;
  try {
    ignoreText = fs.readFileSync(path.join(root, '.dockerignore'), 'utf8');
  } catch {
    ignoreText = undefined;
  }
  const isIgnored = dockerignoreMatcher(ignoreText, [dockerfile, '.dockerignore']);
  // With "!" exceptions an excluded directory may still hold included files, so it must be walked.
  const hasExceptions = (ignoreText ?? '')
    .split(/\r?\n/)
    .some((line) => line.trim().startsWith('!'));
  const windows = (options.platform ?? process.platform) === 'win32';

  return tar.pack(root, {
    ignore: (absolute: string) => {
      const rel = path.relative(root, absolute).split(path.sep).join('/');
      if (!rel || !isIgnored(rel)) return false;
      if (!hasExceptions) return true;
      try {
        // Keep excluded directories in the walk; their excluded files are dropped one by one.
        return !fs.lstatSync(absolute).isDirectory();
      } catch {
        return true;
      }
    },
    map: (header) => {
      header.uid = 0;
      header.gid = 0;
      if (windows && (header.type === 'file' || header.type === 'directory')) header.mode = 0o755;
      return header;
    },
  });
}
