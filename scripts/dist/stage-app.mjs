// @ts-check
/**
 * Stages what the installers package, from a built `dist/` (scripts/build.mjs):
 *
 *   dist/app/    becomes app.asar: package.json (no dependencies: everything is bundled),
 *                electron/main.cjs + preload.cjs, control-ui/, gateway/ (the image's bundle)
 *   dist/stack/  becomes resources/stack: the compose template, the gateway and sandbox
 *                Dockerfiles, the base-image script, and node_modules/ with the packages the
 *                image carries beside the bundle (playwright-core), which the app builds the
 *                image from
 *
 * Source maps, tests, TypeScript sources and node_modules never enter either folder.
 */
import { promises as fs } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

const require = createRequire(import.meta.url);

/** Files of the repository that the app builds images from, copied as they are. */
export const STACK_FILES = [
  'docker-compose.yml',
  'docker/gateway.Dockerfile',
  'docker/sandbox/sandbox.Dockerfile',
  'docker/sandbox/sandbox-common.Dockerfile',
  'docker/sandbox/sandbox-browser.Dockerfile',
  'docker/sandbox/browser-entrypoint.sh',
  'scripts/make-base-images.sh',
];

/** Parts of the built `dist/` that go into the app, each a folder or a file. */
export const APP_PARTS = [
  'electron/main.cjs',
  'electron/preload.cjs',
  'control-ui',
  'gateway',
];

/** Packages the gateway image carries whole (SHIPPED_PACKAGES in scripts/build.mjs). */
export const STACK_PACKAGES = ['playwright-core'];

const EXECUTABLE = /\.sh$/;

/** True for what must never ship. */
export function excluded(relative) {
  return (
    relative.endsWith('.map') ||
    /(^|\/)node_modules(\/|$)/.test(relative) ||
    /\.test\.[cm]?[jt]sx?$/.test(relative) ||
    /\.tsx?$/.test(relative)
  );
}

async function copyTree(from, to, relative, files, skip = excluded) {
  const stat = await fs.stat(from);
  if (stat.isDirectory()) {
    await fs.mkdir(to, { recursive: true });
    for (const name of (await fs.readdir(from)).sort()) {
      await copyTree(
        path.join(from, name),
        path.join(to, name),
        path.posix.join(relative, name),
        files,
        skip,
      );
    }
    return;
  }
  if (skip(relative)) return;
  await fs.mkdir(path.dirname(to), { recursive: true });
  await fs.copyFile(from, to);
  await fs.chmod(to, EXECUTABLE.test(relative) ? 0o755 : 0o644);
  files.push({ path: relative, bytes: stat.size });
}

/**
 * @param {{ root: string, distDir: string, appDir: string, stackDir: string }} options
 * @returns {Promise<{ app: {path: string, bytes: number}[], stack: {path: string, bytes: number}[] }>}
 */
export async function stageApp({ root, distDir, appDir, stackDir }) {
  const pkg = JSON.parse(await fs.readFile(path.join(root, 'package.json'), 'utf8'));
  await fs.rm(appDir, { recursive: true, force: true });
  await fs.rm(stackDir, { recursive: true, force: true });
  /** @type {{path: string, bytes: number}[]} */
  const app = [];
  for (const part of APP_PARTS) {
    const from = path.join(distDir, part);
    try {
      await fs.access(from);
    } catch {
      throw new Error(`${path.relative(root, from)} is missing: run npm run build first.`);
    }
    await copyTree(from, path.join(appDir, part), part, app);
  }
  const manifest = {
    name: pkg.name,
    productName: pkg.productName,
    version: pkg.version,
    description: pkg.description,
    license: pkg.license,
    author: 'OpenClaw Desktop contributors',
    homepage: 'https://github.com/openclaw-desktop/openclaw-desktop',
    main: 'electron/main.cjs',
  };
  const manifestText = `${JSON.stringify(manifest, null, 2)}\n`;
  await fs.writeFile(path.join(appDir, 'package.json'), manifestText, { mode: 0o644 });
  app.push({ path: 'package.json', bytes: Buffer.byteLength(manifestText) });
  /** @type {{path: string, bytes: number}[]} */
  const stack = [];
  for (const file of STACK_FILES)
    await copyTree(path.join(root, file), path.join(stackDir, file), file, stack);
  // Runtime files only: type declarations and maps are for editors.
  const notRuntime = (relative) => relative.endsWith('.d.ts') || relative.endsWith('.map');
  for (const name of STACK_PACKAGES) {
    const from = path.dirname(require.resolve(`${name}/package.json`));
    const relative = `node_modules/${name}`;
    await copyTree(from, path.join(stackDir, relative), relative, stack, notRuntime);
  }
  stack.sort((a, b) => a.path.localeCompare(b.path));
  app.sort((a, b) => a.path.localeCompare(b.path));
  return { app, stack };
}
