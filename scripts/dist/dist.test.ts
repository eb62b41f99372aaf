/**
 * The installers up to where this machine can go: electron-builder's own validator accepts the
 * configuration (and rejects the forms 26.18 dropped), every fuse is set as intended, names carry
 * no spaces, the icons are the committed drawing in every size, the staged app holds only the
 * bundles (budget and require checks), and `npm run dist` without a reachable Electron download
 * stops with one line saying what to do.
 */
import { spawnSync } from 'node:child_process';
import { promises as fs } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { unexpectedRequires } from '../dist.mjs';
import { ICNS_SIZES, ICO_SIZES, ICON_DIR, LINUX_SIZES } from '../make-icons.mjs';
import { checkPackage, globToRegExp } from './package-check.mjs';
import { stageApp } from './stage-app.mjs';
import { closedTestPort } from '../../gateway/testing/stand-in-server.js';

const ROOT = path.resolve(__dirname, '../..');
const require = createRequire(path.join(ROOT, 'package.json'));

interface BuilderConfig {
  [key: string]: unknown;
  electronFuses: Record<string, boolean>;
  mac: Record<string, unknown>;
  win: Record<string, unknown>;
  nsis: Record<string, unknown>;
  linux: Record<string, unknown>;
  deb: { depends: string[] };
  protocols: Array<{ schemes: string[] }>;
}

function loadConfig(env: Record<string, string> = {}): BuilderConfig {
  const file = path.join(ROOT, 'build/electron-builder.config.cjs');
  const saved = { ...process.env };
  Object.assign(process.env, env);
  try {
    delete require.cache[require.resolve(file)];
    return require(file) as BuilderConfig;
  } finally {
    for (const key of Object.keys(env)) {
      if (saved[key] === undefined) delete process.env[key];
      else process.env[key] = saved[key];
    }
  }
}

async function validate(config: unknown): Promise<void> {
  const { validateConfiguration } = require('app-builder-lib/out/util/config/config') as {
    validateConfiguration(config: unknown, logger: unknown): Promise<void>;
  };
  const { DebugLogger } = require('builder-util') as { DebugLogger: new (on: boolean) => unknown };
  await validateConfiguration(config, new DebugLogger(false));
}

describe('electron-builder configuration', () => {
  it("passes electron-builder's own validator, signed or not", async () => {
    await validate(loadConfig());
    await validate(
      loadConfig({
        CSC_LINK: '/tmp/cert.p12',
        APPLE_API_KEY: '/tmp/key.p8',
        APPLE_API_KEY_ID: 'ABC',
        APPLE_API_ISSUER: 'issuer',
        OPENCLAW_WIN_SIGN_COMMAND: 'signtool sign /a',
      }),
    );
    expect(loadConfig({ CSC_LINK: '/tmp/c.p12', APPLE_ID: 'a', APPLE_APP_SPECIFIC_PASSWORD: 'b', APPLE_TEAM_ID: 'c' }).mac.notarize).toBe(true);
    expect(loadConfig().mac).toMatchObject({ identity: null, notarize: false });
  });

  it('is rejected by the validator in the forms 26.18 dropped (so the validation is real)', async () => {
    const config = loadConfig();
    await expect(validate({ ...config, mac: { ...config.mac, notarize: { teamId: 'X' } } })).rejects.toThrow(
      /notarize should be a boolean/,
    );
    await expect(validate({ ...config, win: { ...config.win, sign: './x.js' } })).rejects.toThrow(
      /configuration\.win should be one of these/,
    );
  });

  it('sets every fuse explicitly, locked down', () => {
    expect(loadConfig().electronFuses).toEqual({
      runAsNode: false,
      enableCookieEncryption: true,
      enableNodeOptionsEnvironmentVariable: false,
      enableNodeCliInspectArguments: false,
      enableEmbeddedAsarIntegrityValidation: true,
      onlyLoadAppFromAsar: true,
      loadBrowserProcessSpecificV8Snapshot: false,
      grantFileProtocolExtraPrivileges: false,
    });
  });

  it('installs per user, keeps user data, registers the URL scheme, names nothing with a space', () => {
    const config = loadConfig();
    expect(config.nsis).toMatchObject({ oneClick: false, perMachine: false, allowElevation: false, deleteAppDataOnUninstall: false });
    expect(config.protocols[0]!.schemes).toEqual(['openclaw-desktop']);
    expect((config.linux as { mimeTypes: string[] }).mimeTypes).toContain('x-scheme-handler/openclaw-desktop');
    expect(config.mac).toMatchObject({ hardenedRuntime: true });
    expect(config.deb.depends.join(' ')).not.toMatch(/docker|containerd|nodejs/);
    const names = [config.executableName, config.artifactName, config.nsis.artifactName, (config.appImage as { artifactName: string }).artifactName];
    for (const name of names) expect(String(name)).not.toMatch(/\s/);
  });
});

function pngSize(bytes: Buffer): number {
  expect(bytes.subarray(1, 4).toString('ascii')).toBe('PNG');
  const width = bytes.readUInt32BE(16);
  expect(bytes.readUInt32BE(20)).toBe(width);
  return width;
}

describe('icons', () => {
  it('are the committed drawing (scripts/make-icons.mjs --check)', () => {
    const result = spawnSync(process.execPath, ['scripts/make-icons.mjs', '--check'], { cwd: ROOT, encoding: 'utf8' });
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
  }, 60_000);

  it('exist in every size each target needs', async () => {
    for (const size of LINUX_SIZES) {
      expect(pngSize(await fs.readFile(path.join(ICON_DIR, 'png', `${size}x${size}.png`)))).toBe(size);
    }
    expect(pngSize(await fs.readFile(path.join(ICON_DIR, 'icon.png')))).toBe(1024);
    const ico = await fs.readFile(path.join(ICON_DIR, 'icon.ico'));
    expect(ico.readUInt16LE(2)).toBe(1);
    const count = ico.readUInt16LE(4);
    const icoSizes = Array.from({ length: count }, (_, i) => {
      const entry = 6 + i * 16;
      const size = ico[entry] === 0 ? 256 : ico[entry]!;
      const offset = ico.readUInt32LE(entry + 12);
      expect(pngSize(ico.subarray(offset, offset + ico.readUInt32LE(entry + 8)))).toBe(size);
      return size;
    });
    expect(icoSizes).toEqual(ICO_SIZES);
    const icns = await fs.readFile(path.join(ICON_DIR, 'icon.icns'));
    expect(icns.subarray(0, 4).toString('ascii')).toBe('icns');
    expect(icns.readUInt32BE(4)).toBe(icns.length);
    const icnsSizes: number[] = [];
    for (let at = 8; at < icns.length; at += icns.readUInt32BE(at + 4)) {
      icnsSizes.push(pngSize(icns.subarray(at + 8, at + icns.readUInt32BE(at + 4))));
    }
    expect(icnsSizes).toEqual(ICNS_SIZES);
  });
});

describe('the staged app', () => {
  let dir: string;
  let staged: Awaited<ReturnType<typeof stageApp>>;
  const budget = JSON.parse(
    require('node:fs').readFileSync(path.join(ROOT, 'build/package-budget.json'), 'utf8'),
  ) as Record<'app' | 'stack', { allowed: string[]; maxFiles: number; maxBytes: number }>;

  beforeAll(async () => {
    const build = spawnSync(process.execPath, ['scripts/build.mjs', '--if-stale'], { cwd: ROOT, encoding: 'utf8' });
    expect(build.status, build.stderr).toBe(0);
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'oc-stage-'));
    staged = await stageApp({ root: ROOT, distDir: path.join(ROOT, 'dist'), appDir: path.join(dir, 'app'), stackDir: path.join(dir, 'stack') });
  }, 300_000);

  afterAll(async () => {
    await fs.rm(dir, { recursive: true, force: true });
  });

  it('holds the bundles and nothing else, within budget', async () => {
    expect(checkPackage(staged.app, budget.app, 'app')).toEqual([]);
    expect(checkPackage(staged.stack, budget.stack, 'stack')).toEqual([]);
    const paths = staged.app.map((f) => f.path);
    expect(paths).toContain('electron/main.cjs');
    expect(paths).toContain('gateway/openclaw.mjs');
    expect(paths).toContain('control-ui/index.html');
    expect(paths.filter((p) => /\.map$|\.ts$|node_modules|\.test\./.test(p))).toEqual([]);
    const manifest = JSON.parse(await fs.readFile(path.join(dir, 'app/package.json'), 'utf8'));
    expect(manifest.main).toBe('electron/main.cjs');
    expect(manifest.dependencies).toBeUndefined();
    const stackPaths = staged.stack.map((f) => f.path);
    expect(stackPaths).toContain('docker/gateway.Dockerfile');
    // What the image carries beside the bundle, so the app builds it without this repository.
    expect(stackPaths).toContain('node_modules/playwright-core/cli.js');
    expect(stackPaths.filter((p) => p.endsWith('.d.ts') || p.endsWith('.map'))).toEqual([]);
    expect((await fs.stat(path.join(dir, 'stack/scripts/make-base-images.sh'))).mode & 0o777).toBe(0o755);
  });

  it('has a main bundle that requires only Electron and Node built-ins', async () => {
    const main = await fs.readFile(path.join(dir, 'app/electron/main.cjs'), 'utf8');
    expect(unexpectedRequires(main)).toEqual([]);
    expect(unexpectedRequires('require("dockerode"); require("node:fs"); require("electron")')).toEqual(['dockerode']);
  });

  it('fails the budget for a stray file and for growth, saying what to do', () => {
    const grown = [...staged.app, { path: 'node_modules/left-pad/index.js', bytes: 10 }];
    expect(checkPackage(grown, budget.app, 'app').join('\n')).toMatch(/1 file\(s\) no pattern .* allows \(node_modules\/left-pad\/index\.js\)/);
    const heavy = staged.app.map((f) => (f.path === 'electron/main.cjs' ? { ...f, bytes: f.bytes + budget.app.maxBytes } : f));
    expect(checkPackage(heavy, budget.app, 'app').join('\n')).toMatch(/over the budget of .* MB\. Find what grew/);
    expect(globToRegExp('gateway/chunks/*.mjs').test('gateway/chunks/a/b.mjs')).toBe(false);
  });
});

describe('npm run dist here', () => {
  it('stops with one line saying why and what to run where Electron cannot be downloaded', async () => {
    const port = await closedTestPort();
    const result = spawnSync(process.execPath, ['scripts/dist.mjs'], {
      cwd: ROOT,
      encoding: 'utf8',
      env: { ...process.env, ELECTRON_MIRROR: `http://127.0.0.1:${port}/electron/` },
      timeout: 300_000,
    });
    expect(result.status).toBe(1);
    const lines = result.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^npm run dist: Electron \d+\.\d+\.\d+ cannot be downloaded here \(http:\/\/127\.0\.0\.1:\d+\/electron\/v[\d.]+\/SHASUMS256\.txt: ECONNREFUSED\).*run `npm ci && npm run dist`/);
    expect(result.stdout).toMatch(/macOS: signing and notarization skipped/);
  }, 300_000);
});
