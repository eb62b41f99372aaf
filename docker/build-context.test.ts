import { promises as fs, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isOpenClawError } from '../gateway/infra/errors.js';
import { GATEWAY_DOCKERFILE_PATH, gatewayBuildArgs, stageBuildContext } from './build-context.js';

let root: string;
let bundleDir: string;

async function writeFiles(base: string, files: Record<string, string>): Promise<void> {
  for (const [rel, content] of Object.entries(files)) {
    await fs.mkdir(path.dirname(path.join(base, rel)), { recursive: true });
    await fs.writeFile(path.join(base, rel), content, { mode: 0o600 });
  }
}

async function listFiles(dir: string, prefix = ''): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await fs.readdir(dir, { withFileTypes: true })) {
    const rel = prefix ? `${prefix}/${entry.name}` : entry.name;
    if (entry.isDirectory()) out.push(...(await listFiles(path.join(dir, entry.name), rel)));
    else out.push(rel);
  }
  return out.sort();
}

beforeEach(async () => {
  root = await fs.mkdtemp(path.join(os.tmpdir(), 'openclaw build ctx '));
  bundleDir = path.join(root, 'dist', 'gateway');
  await writeFiles(bundleDir, {
    'openclaw.mjs': '#!/usr/bin/env node\nimport "./chunks/a.mjs";\n',
    'openclaw.mjs.map': '{}',
    'package.json': '{"type":"module"}',
    'chunks/a.mjs': 'export {};\n',
    'chunks/a.mjs.map': '{}',
  });
});
afterEach(async () => {
  await fs.rm(root, { recursive: true, force: true });
});

describe('stageBuildContext', () => {
  it('stages the Dockerfile and the bundle only, without source maps, with readable modes', async () => {
    const ctx = await stageBuildContext({ bundleDir, shippedPackages: null });
    try {
      expect(ctx.dockerfile).toBe('Dockerfile');
      expect(ctx.hasControlUi).toBe(false);
      expect(await listFiles(ctx.dir)).toEqual([
        'Dockerfile',
        'app/gateway/chunks/a.mjs',
        'app/gateway/openclaw.mjs',
        'app/gateway/package.json',
      ]);
      expect(ctx.files).toBe(3);
      expect(await fs.readFile(path.join(ctx.dir, 'Dockerfile'), 'utf8')).toBe(
        readFileSync(GATEWAY_DOCKERFILE_PATH, 'utf8'),
      );
      if (process.platform !== 'win32') {
        // sources were 0600: the image's node user must still be able to read them
        expect((await fs.stat(path.join(ctx.dir, 'app/gateway/chunks/a.mjs'))).mode & 0o777).toBe(
          0o644,
        );
        expect((await fs.stat(path.join(ctx.dir, 'app/gateway/openclaw.mjs'))).mode & 0o777).toBe(
          0o755,
        );
        expect((await fs.stat(path.join(ctx.dir, 'app/gateway/chunks'))).mode & 0o777).toBe(0o755);
      }
    } finally {
      await ctx.dispose();
    }
    await expect(fs.access(ctx.dir)).rejects.toThrow();
    await ctx.dispose(); // idempotent
  });

  it('ships playwright-core whole beside the bundle, without type declarations', async () => {
    const ctx = await stageBuildContext({ bundleDir });
    try {
      const files = await listFiles(ctx.dir);
      const pkg = 'app/node_modules/playwright-core';
      expect(files).toContain(`${pkg}/cli.js`);
      expect(files).toContain(`${pkg}/browsers.json`);
      expect(files).toContain(`${pkg}/package.json`);
      expect(files.filter((f) => f.startsWith(pkg) && f.endsWith('.d.ts'))).toEqual([]);
      const shipped = JSON.parse(
        await fs.readFile(path.join(ctx.dir, pkg, 'package.json'), 'utf8'),
      ) as { version: string };
      const lock = JSON.parse(readFileSync(path.resolve('package-lock.json'), 'utf8')) as {
        packages: Record<string, { version: string; dev?: boolean }>;
      };
      // The version the lock file pins, as a run-time (not dev) dependency.
      expect(shipped.version).toBe(lock.packages['node_modules/playwright-core']!.version);
      expect(lock.packages['node_modules/playwright-core']!.dev).toBeUndefined();
    } finally {
      await ctx.dispose();
    }
    await expect(
      stageBuildContext({
        bundleDir,
        shippedPackages: [{ name: 'x', dir: path.join(root, 'no') }],
      }),
    ).rejects.toThrow(/x is not installed/);
  });

  it('includes the Control UI found next to the bundle, and source maps on request', async () => {
    await writeFiles(path.join(root, 'dist', 'control-ui'), {
      'index.html': '<!doctype html>',
      'assets/app.js': '',
      'assets/app.js.map': '',
    });
    const ctx = await stageBuildContext({ bundleDir, includeSourceMaps: true });
    try {
      expect(ctx.hasControlUi).toBe(true);
      const files = await listFiles(ctx.dir);
      expect(files).toContain('app/control-ui/index.html');
      expect(files).toContain('app/control-ui/assets/app.js.map');
      expect(files).toContain('app/gateway/openclaw.mjs.map');
    } finally {
      await ctx.dispose();
    }
  });

  it('skips the UI when told to, and ignores a UI folder without index.html', async () => {
    await writeFiles(path.join(root, 'dist', 'control-ui'), { 'assets/app.js': '' });
    const guessed = await stageBuildContext({ bundleDir });
    expect(guessed.hasControlUi).toBe(false);
    await guessed.dispose();
    await writeFiles(path.join(root, 'dist', 'control-ui'), { 'index.html': '' });
    const none = await stageBuildContext({ bundleDir, controlUiDir: null });
    expect(none.hasControlUi).toBe(false);
    await none.dispose();
  });

  it('tells the user to run npm run build when the bundle or an explicit UI is missing', async () => {
    const noBundle = await stageBuildContext({ bundleDir: path.join(root, 'nope') }).catch(
      (e: unknown) => e,
    );
    expect(isOpenClawError(noBundle, 'BUNDLE_MISSING')).toBe(true);
    expect((noBundle as Error).message).toMatch(/npm run build/);
    const noUi = await stageBuildContext({ bundleDir, controlUiDir: path.join(root, 'ui') }).catch(
      (e: unknown) => e,
    );
    expect(isOpenClawError(noUi, 'BUNDLE_MISSING')).toBe(true);
    expect((noUi as Error).message).toMatch(/npm run build/);
  });

  it('stages into a given empty or missing folder, never a used one', async () => {
    const out = path.join(root, 'out dir');
    const ctx = await stageBuildContext({ bundleDir, outDir: out });
    expect(ctx.dir).toBe(out);
    await expect(stageBuildContext({ bundleDir, outDir: out })).rejects.toMatchObject({
      code: 'INVALID_ARGUMENT',
    });
    await ctx.dispose();
    await expect(fs.access(out)).rejects.toThrow();
  });

  it.skipIf(process.platform === 'win32')(
    'refuses symlinks in the bundle and leaves nothing behind',
    async () => {
      await fs.symlink('/etc/passwd', path.join(bundleDir, 'chunks', 'leak.mjs'));
      const out = path.join(root, 'out');
      const err = await stageBuildContext({ bundleDir, outDir: out }).catch((e: unknown) => e);
      expect(isOpenClawError(err, 'IMAGE_BUILD_FAILED')).toBe(true);
      await expect(fs.access(out)).rejects.toThrow();
    },
  );
});

describe('gatewayBuildArgs', () => {
  it('maps the inputs onto the ARGs the Dockerfile declares', () => {
    const text = readFileSync(GATEWAY_DOCKERFILE_PATH, 'utf8');
    const args = gatewayBuildArgs({
      nodeImage: 'openclaw-base/node:22-bookworm-slim',
      aptPackages: ['git', 'jq'],
      version: '0.1.0',
    });
    expect(args).toEqual({
      NODE_IMAGE: 'openclaw-base/node:22-bookworm-slim',
      OPENCLAW_DOCKER_APT_PACKAGES: 'git jq',
      OPENCLAW_VERSION: '0.1.0',
    });
    for (const key of Object.keys(args)) expect(text).toMatch(new RegExp(`^ARG ${key}=`, 'm'));
    expect(gatewayBuildArgs({})).toEqual({ OPENCLAW_DOCKER_APT_PACKAGES: '' });
  });
});

describe('gateway.Dockerfile', () => {
  const text = readFileSync(GATEWAY_DOCKERFILE_PATH, 'utf8');
  const instructions = text
    .replace(/\\\n/g, ' ')
    .split('\n')
    .filter((l) => l.trim() !== '' && !l.trimStart().startsWith('#'));

  it('builds on the legacy builder (no BuildKit-only syntax)', () => {
    expect(text).not.toMatch(/^# syntax=/m);
    expect(instructions.join('\n')).not.toMatch(/--chmod|--chown|--mount|--link|<<\s*-?['"]?[A-Z]/);
  });

  it('takes the base image as a build arg and installs nothing from npm', () => {
    expect(instructions[0]).toBe('ARG NODE_IMAGE=node:22-bookworm-slim');
    expect(instructions[1]).toBe('FROM ${NODE_IMAGE}');
    // The browser folder may be prepared and named (PLAYWRIGHT_BROWSERS_PATH); nothing is installed.
    const text = instructions
      .join('\n')
      .replaceAll('PLAYWRIGHT_BROWSERS_PATH=/home/node/.cache/ms-playwright', '')
      .replaceAll('/home/node/.cache/ms-playwright', '');
    expect(text).not.toMatch(/\bnpm\b|brew|playwright|chromium|docker-ce/i);
  });

  it('runs as node with the expected entrypoint, command, healthcheck and labels', () => {
    const users = instructions.filter((l) => l.startsWith('USER '));
    expect(users.at(-1)).toBe('USER node');
    expect(instructions).toContain(
      'ENTRYPOINT ["node", "--max-semi-space-size=1", "/app/gateway/openclaw.mjs"]',
    );
    expect(instructions).toContain(
      'CMD ["gateway", "run", "--allow-unconfigured", "--bind", "lan", "--port", "18789"]',
    );
    expect(text).toMatch(
      /HEALTHCHECK --interval=\d+s --timeout=\d+s --start-period=\d+s --retries=\d+/,
    );
    expect(text).toContain('http://127.0.0.1:18789/healthz');
    expect(text).toMatch(
      /ENV HOME=\/home\/node\s+\\\n\s+OPENCLAW_STATE_DIR=\/home\/node\/\.openclaw\s+\\\n\s+PLAYWRIGHT_BROWSERS_PATH=\/home\/node\/\.cache\/ms-playwright\s+\\\n\s+NODE_ENV=production/,
    );
    expect(text).toContain('org.openclaw.desktop.image="gateway"');
    expect(text).toContain('ln -sfn /app/gateway/openclaw.mjs /usr/local/bin/openclaw');
  });

  it('installs apt packages as root, re-validated, without recommends, cleaning the lists', () => {
    const run = instructions.find(
      (l) => l.startsWith('RUN ') && l.includes('OPENCLAW_DOCKER_APT_PACKAGES'),
    )!;
    expect(run).toBeDefined();
    const before = instructions.slice(0, instructions.indexOf(run));
    expect(before.filter((l) => l.startsWith('USER ')).at(-1)).toBe('USER root');
    expect(run).toContain('set -f');
    expect(run).toContain('grep -Eqx');
    expect(run).toContain(
      'apt-get install -y --no-install-recommends -- $OPENCLAW_DOCKER_APT_PACKAGES',
    );
    // globbing must be back on for the cleanup to match anything
    expect(run).toMatch(/set \+f;\s+rm -rf \/var\/lib\/apt\/lists\/\*/);
  });
});
