/**
 * The GitHub workflows and the installers' user-facing promises, checked as data: the YAML
 * parses, every npm script and file a `run:` step calls exists, the release builds on all three
 * OSes with checksums and passes every signing variable scripts/dist.mjs looks for, and the
 * installers neither start the app at login nor delete the user's ~/.openclaw.
 */
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseDocument } from 'yaml';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
const pkg = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as {
  scripts: Record<string, string>;
};

interface Step {
  name?: string;
  uses?: string;
  run?: string;
  env?: Record<string, string>;
  with?: Record<string, unknown>;
}
interface Job {
  'runs-on': string;
  steps: Step[];
  strategy?: { matrix: { include: Array<Record<string, string>> } };
}
interface Workflow {
  on: Record<string, unknown>;
  jobs: Record<string, Job>;
}

function workflow(name: string): Workflow {
  const doc = parseDocument(readFileSync(path.join(ROOT, '.github/workflows', name), 'utf8'), {
    uniqueKeys: true,
  });
  expect(doc.errors.map((e) => e.message)).toEqual([]);
  return doc.toJS() as Workflow;
}

const steps = (w: Workflow) => Object.values(w.jobs).flatMap((j) => j.steps);

/** npm scripts and repository files each `run:` calls. */
function callsOf(run: string): { scripts: string[]; files: string[] } {
  const scripts: string[] = [];
  const files: string[] = [];
  for (const m of run.matchAll(/\bnpm (?:run ([\w:-]+)|(test|start)\b)/g))
    scripts.push((m[1] ?? m[2]) as string);
  for (const m of run.matchAll(/\bbash ((?:\.|scripts)[\w./-]+)/g)) files.push(m[1] as string);
  return { scripts, files };
}

describe.each(['ci.yml', 'release.yml'])('%s', (name) => {
  it('parses, and every npm script and file it runs exists', () => {
    const runs = steps(workflow(name)).flatMap((s) => (s.run ? [s.run] : []));
    expect(runs.length).toBeGreaterThan(0);
    for (const run of runs) {
      const { scripts, files } = callsOf(run);
      for (const script of scripts) expect(pkg.scripts, `npm run ${script}`).toHaveProperty(script);
      for (const file of files) expect(existsSync(path.join(ROOT, file)), file).toBe(true);
      if (/\bnpm ci\b/.test(run))
        expect(existsSync(path.join(ROOT, 'package-lock.json'))).toBe(true);
    }
  });
});

describe('ci.yml', () => {
  it('runs the same npm test on Linux with Node 20 through .ci/run', () => {
    const ci = workflow('ci.yml');
    const [job] = Object.values(ci.jobs);
    expect(job?.['runs-on']).toBe('ubuntu-latest');
    expect(job?.steps.find((s) => s.uses?.startsWith('actions/setup-node'))?.with).toMatchObject({
      'node-version': 20,
    });
    expect(job?.steps.some((s) => s.run?.includes('bash .ci/run'))).toBe(true);
    expect(readFileSync(path.join(ROOT, '.ci/run'), 'utf8')).toMatch(/^npm test$/m);
    expect(Object.keys(ci.on).sort()).toEqual(['pull_request', 'push']);
  });
});

describe('release.yml', () => {
  const release = workflow('release.yml');
  const build = release.jobs.installers as Job;

  it('runs on v* tags and builds on macOS, Windows and Linux with npm ci and npm run dist', () => {
    expect(release.on).toEqual({ push: { tags: ['v*'] } });
    expect(build.strategy?.matrix.include.map((m) => [m.os, m.target])).toEqual([
      ['macos-latest', '--mac'],
      ['windows-latest', '--win'],
      ['ubuntu-latest', '--linux'],
    ]);
    const runs = build.steps.map((s) => s.run ?? '');
    expect(runs.findIndex((r) => r.trim() === 'npm ci')).toBeLessThan(
      runs.findIndex((r) => r.startsWith('npm run dist')),
    );
  });

  it('passes every signing variable scripts/dist.mjs and the builder config read', () => {
    const sources = ['scripts/dist.mjs', 'build/electron-builder.config.cjs'].map((f) =>
      readFileSync(path.join(ROOT, f), 'utf8'),
    );
    const read = new Set(
      sources.flatMap((s) =>
        [...s.matchAll(/\benv\.([A-Z][A-Z0-9_]+)/g)].map((m) => m[1] as string),
      ),
    );
    // A keychain identity or profile exists only on a developer's Mac, never on a runner; a
    // mirror is for air-gapped builders (runners reach GitHub).
    for (const local of ['CSC_NAME', 'APPLE_KEYCHAIN_PROFILE', 'ELECTRON_MIRROR'])
      read.delete(local);
    expect(read.size).toBeGreaterThan(5);
    const dist = build.steps.find((s) => s.run?.startsWith('npm run dist'));
    const given = new Set(Object.keys(dist?.env ?? {}));
    // The notarization key arrives as a file written by the step before.
    if (build.steps.some((s) => s.run?.includes('APPLE_API_KEY=$key'))) given.add('APPLE_API_KEY');
    expect([...read].filter((v) => !given.has(v))).toEqual([]);
    for (const value of Object.values(dist?.env ?? {}))
      expect(value).toMatch(/^\$\{\{ secrets\.[A-Z0-9_]+ \}\}$/);
  });

  it('uploads every installer and update file with SHA256SUMS.txt to the GitHub Release', () => {
    const upload = build.steps.find((s) => s.uses?.startsWith('actions/upload-artifact'));
    const paths = String(upload?.with?.path ?? '');
    for (const ext of ['dmg', 'zip', 'exe', 'AppImage', 'deb', 'blockmap', 'yml'])
      expect(paths).toContain(`dist/installers/*.${ext}`);
    // The directory electron-builder writes to.
    const config = require(path.join(ROOT, 'build/electron-builder.config.cjs')) as {
      directories: { output: string };
    };
    expect(config.directories.output).toBe('dist/installers');
    const publish = release.jobs.publish as Job;
    const sums = publish.steps.find((s) => s.run?.includes('SHA256SUMS.txt'));
    expect(sums?.run).toContain('sha256sum');
    const gh = publish.steps.find((s) => s.uses?.startsWith('softprops/action-gh-release'));
    expect(gh?.with).toMatchObject({ files: 'release/*', fail_on_unmatched_files: true });
  });
});

describe('installers and the user’s choices', () => {
  const config = require(path.join(ROOT, 'build/electron-builder.config.cjs')) as Record<
    string,
    unknown
  > & { nsis: Record<string, unknown>; deb: Record<string, unknown> };

  it('start at login is not set by any installer (the app’s setting, off by default)', () => {
    expect(JSON.stringify(config)).not.toMatch(/login|autostart/i);
    const nsh = readFileSync(path.join(ROOT, 'build/installer.nsh'), 'utf8');
    expect(nsh).not.toMatch(/CurrentVersion\\Run|WriteRegStr|Startup/i);
    const defaults = readFileSync(
      path.join(ROOT, 'electron/host/settings/app-settings.ts'),
      'utf8',
    );
    expect(defaults).toMatch(/startAtLogin: false,/);
  });

  it('uninstalling keeps ~/.openclaw unless the user asks, and says so', () => {
    expect(config.nsis.deleteAppDataOnUninstall).toBe(false);
    const nsh = readFileSync(path.join(ROOT, 'build/installer.nsh'), 'utf8');
    expect(nsh).toMatch(/MessageBox MB_YESNO[^\n]*\.openclaw/);
    expect(nsh).toMatch(/MB_DEFBUTTON2/); // "No" (keep) is the default
    const afterRemove = readFileSync(path.join(ROOT, String(config.deb.afterRemove)), 'utf8');
    expect(afterRemove).toMatch(/~\/\.openclaw[^\n]*kept/);
    expect(afterRemove).not.toMatch(/\brm\b/);
  });
});
