/**
 * The gateway image's build context, staged in a temp folder with only what the image needs:
 *
 *   Dockerfile            docker/gateway.Dockerfile
 *   app/gateway/          the bundle from `npm run build` (dist/gateway), source maps left out
 *   app/control-ui/       the Control UI (dist/control-ui), when it was built
 *   app/node_modules/     packages shipped whole beside the bundle (playwright-core: its CLI
 *                         installs the browser the agent's browser tool launches)
 *
 * It mirrors `dist/` so the gateway finds the UI next to its own folder. Sending the repository as
 * the context would upload node_modules and, worse, `.env` with the token; this stays a few MB.
 * Every staged file gets an explicit mode (0644, folders 0755, the entry 0755): COPY keeps modes,
 * and a restrictive umask on the host must not produce files the `node` user cannot read.
 */
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { ErrorCode, OpenClawError, systemErrorCode } from '../gateway/infra/errors.js';

export const GATEWAY_DOCKERFILE_PATH = fileURLToPath(
  new URL('./gateway.Dockerfile', import.meta.url),
);
export const BUNDLE_ENTRY = 'openclaw.mjs';

export interface StageBuildContextOptions {
  /** The gateway bundle folder (dist/gateway) holding openclaw.mjs. */
  bundleDir: string;
  /**
   * The Control UI folder. undefined: `<bundleDir>/../control-ui` when it has an index.html;
   * null: build without a UI; a path: must exist with an index.html.
   */
  controlUiDir?: string | null;
  /** Stage here (must be missing or empty; removed by dispose). Default: a new temp folder. */
  outDir?: string;
  /** Default: docker/gateway.Dockerfile next to this module. */
  dockerfilePath?: string;
  /** Copy `*.map` files too (bigger image, readable stack traces with --enable-source-maps). */
  includeSourceMaps?: boolean;
  /**
   * Packages copied whole to `app/node_modules/<name>` (the bundle leaves them external; see
   * SHIPPED_PACKAGES in scripts/build.mjs). Default: playwright-core from this checkout's
   * node_modules; null: none.
   */
  shippedPackages?: ReadonlyArray<{ name: string; dir: string }> | null;
}

/** Packages the image carries whole beside the bundle (SHIPPED_PACKAGES in scripts/build.mjs). */
export const SHIPPED_PACKAGE_NAMES = ['playwright-core'] as const;

/** The shipped packages from a `node_modules`-shaped folder (the packaged app's own copies). */
export function shippedPackagesFrom(nodeModulesDir: string): Array<{ name: string; dir: string }> {
  return SHIPPED_PACKAGE_NAMES.map((name) => ({ name, dir: path.join(nodeModulesDir, name) }));
}

/** The installed playwright-core the gateway image ships (same version as package.json pins). */
export function defaultShippedPackages(): Array<{ name: string; dir: string }> {
  const require = createRequire(import.meta.url);
  return [
    {
      name: 'playwright-core',
      dir: path.dirname(require.resolve('playwright-core/package.json')),
    },
  ];
}

/** Type declarations are for editors, not for the image. */
function runtimeFile(name: string): boolean {
  return !name.endsWith('.d.ts') && !name.endsWith('.map');
}

export interface StagedBuildContext {
  /** The context folder to send to the engine. */
  dir: string;
  /** The Dockerfile's name inside `dir`. */
  dockerfile: 'Dockerfile';
  hasControlUi: boolean;
  files: number;
  bytes: number;
  /** Remove the staged folder (idempotent). */
  dispose(): Promise<void>;
}

const DIR_MODE = 0o755;
const FILE_MODE = 0o644;

function bundleMissing(message: string, cause?: unknown): OpenClawError {
  return new OpenClawError(ErrorCode.BUNDLE_MISSING, message, cause === undefined ? {} : { cause });
}

async function isFile(p: string): Promise<boolean> {
  try {
    return (await fs.stat(p)).isFile();
  } catch {
    return false;
  }
}

interface CopyStats {
  files: number;
  bytes: number;
}

/**
 * Copy regular files and folders only. Symlinks are refused rather than followed or copied: a link
 * could pull an arbitrary host file into the image.
 */
async function copyTree(
  from: string,
  to: string,
  filter: (name: string) => boolean,
  stats: CopyStats,
): Promise<void> {
  await fs.mkdir(to, { recursive: true });
  await fs.chmod(to, DIR_MODE);
  for (const entry of await fs.readdir(from, { withFileTypes: true })) {
    const src = path.join(from, entry.name);
    const dest = path.join(to, entry.name);
    if (entry.isDirectory()) {
      await copyTree(src, dest, filter, stats);
    } else if (entry.isFile()) {
      if (!filter(entry.name)) continue;
      await fs.copyFile(src, dest);
      await fs.chmod(dest, FILE_MODE);
      stats.files += 1;
      stats.bytes += (await fs.stat(dest)).size;
    } else {
      throw new OpenClawError(
        ErrorCode.IMAGE_BUILD_FAILED,
        `${src} is not a regular file or folder (symlinks are not copied into the image); rebuild with npm run build.`,
      );
    }
  }
}

async function resolveControlUi(
  option: string | null | undefined,
  bundleDir: string,
): Promise<string | undefined> {
  if (option === null) return undefined;
  if (option === undefined) {
    const guess = path.resolve(bundleDir, '..', 'control-ui');
    return (await isFile(path.join(guess, 'index.html'))) ? guess : undefined;
  }
  const dir = path.resolve(option);
  if (!(await isFile(path.join(dir, 'index.html')))) {
    throw bundleMissing(
      `The Control UI was not found at ${dir} (no index.html). Run \`npm run build\` first.`,
    );
  }
  return dir;
}

async function prepareOutDir(outDir: string | undefined): Promise<string> {
  if (outDir === undefined) return fs.mkdtemp(path.join(os.tmpdir(), 'openclaw-build-'));
  const dir = path.resolve(outDir);
  let entries: string[] | undefined;
  try {
    entries = await fs.readdir(dir);
  } catch (err) {
    if (systemErrorCode(err) !== 'ENOENT') throw err;
  }
  if (entries === undefined) await fs.mkdir(dir, { recursive: true });
  else if (entries.length > 0) {
    // dispose() removes the folder: never take over one that holds something.
    throw new OpenClawError(
      ErrorCode.INVALID_ARGUMENT,
      `${dir} is not empty; stage the build context into a new folder.`,
    );
  }
  return dir;
}

export interface GatewayBuildArgsOptions {
  /** Base image (OPENCLAW_NODE_IMAGE); omitted = the Dockerfile's default. */
  nodeImage?: string;
  /** Validated Debian package names (SetupInputs.aptPackages). */
  aptPackages?: readonly string[];
  /** Image label org.openclaw.desktop.version (the app/package version). */
  version?: string;
}

/** The `--build-arg`s of the gateway image, keyed as the Dockerfile declares them. */
export function gatewayBuildArgs(options: GatewayBuildArgsOptions): Record<string, string> {
  const args: Record<string, string> = {
    OPENCLAW_DOCKER_APT_PACKAGES: (options.aptPackages ?? []).join(' '),
  };
  if (options.nodeImage) args.NODE_IMAGE = options.nodeImage;
  if (options.version) args.OPENCLAW_VERSION = options.version;
  return args;
}

export async function stageBuildContext(
  options: StageBuildContextOptions,
): Promise<StagedBuildContext> {
  const bundleDir = path.resolve(options.bundleDir);
  if (!(await isFile(path.join(bundleDir, BUNDLE_ENTRY)))) {
    throw bundleMissing(
      `The gateway bundle is missing (${path.join(bundleDir, BUNDLE_ENTRY)} not found). Run \`npm run build\` first, then build the image again.`,
    );
  }
  const dockerfilePath = path.resolve(options.dockerfilePath ?? GATEWAY_DOCKERFILE_PATH);
  if (!(await isFile(dockerfilePath))) {
    throw new OpenClawError(
      ErrorCode.IMAGE_BUILD_FAILED,
      `The gateway Dockerfile ${dockerfilePath} is missing; reinstall or use a complete checkout.`,
    );
  }
  const controlUiDir = await resolveControlUi(options.controlUiDir, bundleDir);

  const dir = await prepareOutDir(options.outDir);
  let disposed = false;
  const dispose = async (): Promise<void> => {
    if (disposed) return;
    disposed = true;
    await fs.rm(dir, { recursive: true, force: true });
  };
  try {
    await fs.chmod(dir, DIR_MODE);
    const stats: CopyStats = { files: 0, bytes: 0 };
    const keep = (name: string): boolean =>
      options.includeSourceMaps === true || !name.endsWith('.map');
    await fs.copyFile(dockerfilePath, path.join(dir, 'Dockerfile'));
    await fs.chmod(path.join(dir, 'Dockerfile'), FILE_MODE);
    await fs.mkdir(path.join(dir, 'app'), { mode: DIR_MODE });
    await fs.chmod(path.join(dir, 'app'), DIR_MODE);
    await copyTree(bundleDir, path.join(dir, 'app', 'gateway'), keep, stats);
    await fs.chmod(path.join(dir, 'app', 'gateway', BUNDLE_ENTRY), 0o755);
    if (controlUiDir)
      await copyTree(controlUiDir, path.join(dir, 'app', 'control-ui'), keep, stats);
    const shipped =
      options.shippedPackages === null ? [] : (options.shippedPackages ?? defaultShippedPackages());
    if (shipped.length > 0) {
      await fs.mkdir(path.join(dir, 'app', 'node_modules'), { mode: DIR_MODE });
      await fs.chmod(path.join(dir, 'app', 'node_modules'), DIR_MODE);
    }
    for (const pkg of shipped) {
      if (!(await isFile(path.join(pkg.dir, 'package.json'))))
        throw bundleMissing(
          `${pkg.name} is not installed at ${pkg.dir}; run \`npm install\` and build the image again.`,
        );
      await copyTree(pkg.dir, path.join(dir, 'app', 'node_modules', pkg.name), runtimeFile, stats);
    }
    return {
      dir,
      dockerfile: 'Dockerfile',
      hasControlUi: controlUiDir !== undefined,
      ...stats,
      dispose,
    };
  } catch (err) {
    await dispose();
    throw err;
  }
}
