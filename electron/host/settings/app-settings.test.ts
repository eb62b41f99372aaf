import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseSetupInputs } from '../../../docker/stack/index.js';
import { isOpenClawError } from '../../../gateway/infra/errors.js';
import {
  appSettingsFile,
  defaultAppSettings,
  loadAppSettings,
  onAppSettingsChange,
  publishAddress,
  toSetupEnv,
  updateAppSettings,
  type DesktopSettings,
  type SettingsProblem,
} from './app-settings.js';

let root: string;
let dataDir: string;
let homeDir: string;
const opts = () => ({ platform: 'linux' as const, homeDir, now: () => 1_700_000_000_000 });

beforeEach(async () => {
  root = await fs.mkdtemp(path.join(os.tmpdir(), 'oc-settings-'));
  dataDir = path.join(root, 'data dir');
  homeDir = path.join(root, 'home');
});

afterEach(async () => {
  await fs.rm(root, { recursive: true, force: true });
});

async function problemsOf(patch: unknown): Promise<SettingsProblem[]> {
  const err = await updateAppSettings(dataDir, patch, opts()).then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!isOpenClawError(err, 'INVALID_ARGUMENT'))
    throw new Error(`expected a refusal, got ${String(err)}`);
  return (err.details?.problems ?? []) as SettingsProblem[];
}

describe('defaults', () => {
  it('quits on close on Linux only and keeps the gateway running on quit', () => {
    const linux = defaultAppSettings(dataDir, { platform: 'linux', homeDir });
    expect(linux).toEqual({
      startAtLogin: false,
      startInBackground: false,
      closeToTray: false,
      stopGatewayOnQuit: false,
      checkForUpdates: true,
      stackDir: path.join(dataDir, 'stack'),
      configDir: path.join(homeDir, '.openclaw'),
      workspaceDir: path.join(homeDir, '.openclaw', 'workspace'),
      gatewayPort: 18789,
      exposeOnLan: false,
      extraMounts: [],
      aptPackages: [],
      homeVolume: null,
      image: 'openclaw:local',
    });
    expect(defaultAppSettings(dataDir, { platform: 'darwin', homeDir }).closeToTray).toBe(true);
    const win = defaultAppSettings('C:\\Users\\Jane Doe\\AppData\\Roaming\\OpenClaw', {
      platform: 'win32',
      homeDir: 'C:\\Users\\Jane Doe',
    });
    expect(win.closeToTray).toBe(true);
    expect(win.configDir).toBe('C:\\Users\\Jane Doe\\.openclaw');
    expect(win.workspaceDir).toBe('C:\\Users\\Jane Doe\\.openclaw\\workspace');
    expect(win.stackDir).toBe('C:\\Users\\Jane Doe\\AppData\\Roaming\\OpenClaw\\stack');
  });
});

describe('loadAppSettings', () => {
  it('gives the defaults for a first run without writing anything', async () => {
    const loaded = await loadAppSettings(dataDir, opts());
    expect(loaded).toMatchObject({ exists: false, warnings: [] });
    expect(loaded.settings).toEqual(defaultAppSettings(dataDir, opts()));
    await expect(fs.stat(dataDir)).rejects.toThrow();
  });

  it('keeps an unparsable file aside and repairs it in place', async () => {
    await fs.mkdir(dataDir, { recursive: true });
    await fs.writeFile(appSettingsFile(dataDir), '{ "startAtLogin": tru');
    const loaded = await loadAppSettings(dataDir, opts());
    expect(loaded.settings).toEqual(defaultAppSettings(dataDir, opts()));
    expect(loaded.warnings[0]).toMatch(/not valid JSON/);
    expect(loaded.keptAside).toBe(`${appSettingsFile(dataDir)}.bad-1700000000000`);
    expect(await fs.readFile(loaded.keptAside!, 'utf8')).toBe('{ "startAtLogin": tru');
    const again = await loadAppSettings(dataDir, opts());
    expect(again.warnings).toEqual([]);
    expect(again.settings).toEqual(loaded.settings);
  });

  it('replaces only the bad values, dropping bad list entries one by one', async () => {
    const goodMount = path.join(root, 'data');
    await fs.mkdir(dataDir, { recursive: true });
    const file = {
      startAtLogin: true,
      closeToTray: 'yes',
      gatewayPort: 70000,
      extraMounts: [
        { source: goodMount, target: '/data', readOnly: true },
        { source: '/etc', target: '/host-etc', readOnly: true },
        { source: goodMount, target: '/home/node', readOnly: false },
        'nonsense',
      ],
      aptPackages: ['git', 'git;id', 'jq', 'git'],
      homeVolume: { kind: 'volume', name: 'openclaw-home' },
      image: 'Not An Image',
      colour: 'blue',
    };
    await fs.writeFile(appSettingsFile(dataDir), JSON.stringify(file));
    const loaded = await loadAppSettings(dataDir, opts());
    const defaults = defaultAppSettings(dataDir, opts());
    expect(loaded.settings).toEqual({
      ...defaults,
      startAtLogin: true,
      extraMounts: [{ source: goodMount, target: '/data', readOnly: true }],
      aptPackages: ['git', 'jq'],
      homeVolume: { kind: 'volume', name: 'openclaw-home' },
    });
    const text = loaded.warnings.join('\n');
    for (const expected of [
      'unknown setting "colour"',
      'closeToTray',
      'gatewayPort',
      'image',
      'extraMounts[3]',
      'extraMounts[1]',
      'extraMounts[2]',
      'aptPackages[1]',
    ])
      expect(text).toContain(expected);
    expect(loaded.keptAside).toBeDefined();
    expect(JSON.parse(await fs.readFile(loaded.keptAside!, 'utf8'))).toEqual(file);
  });

  it('never throws for a value of the wrong shape', async () => {
    await fs.mkdir(dataDir, { recursive: true });
    for (const content of ['[]', 'null', '"x"', '{"extraMounts": 3, "homeVolume": [1]}']) {
      await fs.writeFile(appSettingsFile(dataDir), content);
      const loaded = await loadAppSettings(dataDir, opts());
      expect(loaded.settings.extraMounts).toEqual([]);
      expect(loaded.settings.homeVolume).toBeNull();
      expect(loaded.warnings.length).toBeGreaterThan(0);
    }
  });
});

describe('a default that setup refuses', () => {
  // Running as root: the default config folder /root/.openclaw is refused by setup (and by
  // docker-setup.sh). That is a note for the wizard, not a broken file to repair on every load.
  const rootOpts = () => ({ platform: 'linux' as const, homeDir: '/root', now: () => 1 });

  it('is a note, with no warnings, no file kept aside and unrelated updates still allowed', async () => {
    expect((await loadAppSettings(dataDir, rootOpts())).notes[0]).toMatch(/^configDir: .*\/root/);
    await updateAppSettings(dataDir, { startAtLogin: true }, rootOpts());
    const loaded = await loadAppSettings(dataDir, rootOpts());
    expect(loaded).toMatchObject({ warnings: [], settings: { startAtLogin: true } });
    expect(loaded.notes.map((n) => n.split(':')[0])).toEqual(['configDir', 'workspaceDir']);
    expect(await fs.readdir(dataDir)).toEqual(['settings.json']);
    // a new problem is still refused, and fixing the folder makes the note go away
    expect((await problemsOf({ gatewayPort: 0 }))[0]?.field).toBe('gatewayPort');
    const fixed = await updateAppSettings(
      dataDir,
      { configDir: path.join(root, 'cfg') },
      rootOpts(),
    );
    expect(fixed.notes).toEqual([]);
    expect((await loadAppSettings(dataDir, rootOpts())).notes).toEqual([]);
  });
});

describe('updateAppSettings', () => {
  it('saves atomically with mode 0600 and loads back exactly', async () => {
    const result = await updateAppSettings(
      dataDir,
      { startAtLogin: true, gatewayPort: 19000, aptPackages: ['git', 'jq', 'git'] },
      opts(),
    );
    expect(result.changed).toBe(true);
    expect(result.settings.aptPackages).toEqual(['git', 'jq']);
    const loaded = await loadAppSettings(dataDir, opts());
    expect(loaded).toMatchObject({ exists: true, warnings: [] });
    expect(loaded.settings).toEqual(result.settings);
    expect((await fs.stat(appSettingsFile(dataDir))).mode & 0o777).toBe(0o600);
    expect(await fs.readdir(dataDir)).toEqual(['settings.json']);
  });

  it('refuses what docker-setup.sh would refuse, listing every problem and saving nothing', async () => {
    const problems = await problemsOf({
      gatewayPort: 0,
      extraMounts: [
        { source: '/var/run/docker.sock', target: '/var/run/docker.sock', readOnly: false },
        { source: path.join(root, 'a,b'), target: '/x', readOnly: true },
      ],
      aptPackages: ['git;id'],
      homeVolume: { kind: 'volume', name: 'a/b' },
      mystery: 1,
    });
    expect([...new Set(problems.map((p) => p.field))].sort()).toEqual(
      ['(settings)', 'aptPackages', 'extraMounts', 'gatewayPort', 'homeVolume'].sort(),
    );
    const mountProblems = problems.filter((p) => p.field === 'extraMounts');
    expect(mountProblems.map((p) => p.index)).toEqual([1, 0]);
    expect(mountProblems[1]?.message).toMatch(/\/var\/run/);
    await expect(fs.stat(appSettingsFile(dataDir))).rejects.toThrow();
  });

  it('uses the setup parser for mounts, packages and folders (same verdicts as the script)', async () => {
    const cases: Array<{ patch: Partial<DesktopSettings>; env: Record<string, string> }> = [
      {
        patch: { extraMounts: [{ source: '/etc', target: '/x', readOnly: true }] },
        env: { OPENCLAW_EXTRA_MOUNTS: '/etc:/x:ro' },
      },
      {
        patch: {
          extraMounts: [{ source: path.join(root, 'd'), target: '/app/x', readOnly: true }],
        },
        env: { OPENCLAW_EXTRA_MOUNTS: `${path.join(root, 'd')}:/app/x:ro` },
      },
      {
        patch: {
          extraMounts: [{ source: path.join(homeDir, '.ssh'), target: '/k', readOnly: true }],
        },
        env: { OPENCLAW_EXTRA_MOUNTS: `${path.join(homeDir, '.ssh')}:/k:ro` },
      },
      { patch: { aptPackages: ['Git'] }, env: { OPENCLAW_DOCKER_APT_PACKAGES: 'Git' } },
      { patch: { configDir: homeDir }, env: { OPENCLAW_CONFIG_DIR: homeDir } },
      {
        patch: { homeVolume: { kind: 'bind', source: '/proc' } },
        env: { OPENCLAW_HOME_VOLUME: '/proc' },
      },
    ];
    for (const { patch, env } of cases) {
      const script = parseSetupInputs(
        { OPENCLAW_CONFIG_DIR: path.join(homeDir, '.openclaw'), ...env },
        { homeDir },
      );
      expect(script.ok, JSON.stringify(env)).toBe(false);
      const scriptMessages = script.ok ? [] : script.errors.map((e) => e.message);
      const problems = await problemsOf(patch);
      expect(problems.map((p) => p.message)).toEqual(scriptMessages);
    }
  });

  it('normalises like setup (trailing separators) and moves a default workspace with the config', async () => {
    const newConfig = path.join(root, 'other config');
    const { settings } = await updateAppSettings(dataDir, { configDir: `${newConfig}/` }, opts());
    expect(settings.configDir).toBe(newConfig);
    expect(settings.workspaceDir).toBe(path.join(newConfig, 'workspace'));
    const ws = path.join(root, 'ws');
    const second = await updateAppSettings(
      dataDir,
      { workspaceDir: ws, configDir: path.join(root, 'third') },
      opts(),
    );
    expect(second.settings.workspaceDir).toBe(ws);
    const third = await updateAppSettings(
      dataDir,
      { configDir: path.join(root, 'fourth') },
      opts(),
    );
    expect(third.settings.workspaceDir).toBe(ws);
  });

  it('clears previousImage with null and refuses a bad one', async () => {
    await updateAppSettings(dataDir, { previousImage: 'openclaw:previous' }, opts());
    expect((await loadAppSettings(dataDir, opts())).settings.previousImage).toBe(
      'openclaw:previous',
    );
    await updateAppSettings(dataDir, { previousImage: null }, opts());
    expect('previousImage' in (await loadAppSettings(dataDir, opts())).settings).toBe(false);
    expect((await problemsOf({ previousImage: 'BAD IMAGE' }))[0]?.field).toBe('previousImage');
  });

  it('keeps a broken file aside before replacing it', async () => {
    await fs.mkdir(dataDir, { recursive: true });
    await fs.writeFile(appSettingsFile(dataDir), 'garbage');
    await updateAppSettings(dataDir, { startAtLogin: true }, opts());
    expect(await fs.readFile(`${appSettingsFile(dataDir)}.bad-1700000000000`, 'utf8')).toBe(
      'garbage',
    );
  });

  it('serialises concurrent updates (neither is lost)', async () => {
    await Promise.all([
      updateAppSettings(dataDir, { startAtLogin: true }, opts()),
      updateAppSettings(dataDir, { gatewayPort: 19001 }, opts()),
      updateAppSettings(dataDir, { stopGatewayOnQuit: true }, opts()),
    ]);
    expect((await loadAppSettings(dataDir, opts())).settings).toMatchObject({
      startAtLogin: true,
      gatewayPort: 19001,
      stopGatewayOnQuit: true,
    });
  });

  it('tells listeners about real changes only, until disposed', async () => {
    const seen: Array<[boolean, boolean]> = [];
    const sub = onAppSettingsChange(dataDir, (next, previous) =>
      seen.push([next.startAtLogin, previous.startAtLogin]),
    );
    await updateAppSettings(dataDir, { startAtLogin: true }, opts());
    await updateAppSettings(dataDir, { startAtLogin: true }, opts());
    sub.dispose();
    await updateAppSettings(dataDir, { startAtLogin: false }, opts());
    expect(seen).toEqual([[true, false]]);
  });
});

describe('toSetupEnv', () => {
  it('gives every setup variable, round-tripping through parseSetupInputs', () => {
    const settings: DesktopSettings = {
      ...defaultAppSettings('/srv/app', { platform: 'linux', homeDir: '/home/me' }),
      configDir: '/srv/my config',
      workspaceDir: '/srv/my config/workspace',
      gatewayPort: 19000,
      extraMounts: [
        { source: 'C:\\data x', target: '/data', readOnly: true },
        { source: '/srv/b', target: '/b', readOnly: false },
      ],
      homeVolume: { kind: 'volume', name: 'home-vol' },
      aptPackages: ['git', 'jq'],
    };
    const env = toSetupEnv(settings);
    expect(env).toEqual({
      OPENCLAW_CONFIG_DIR: '/srv/my config',
      OPENCLAW_WORKSPACE_DIR: '/srv/my config/workspace',
      OPENCLAW_GATEWAY_PORT: '19000',
      OPENCLAW_GATEWAY_PUBLISH_ADDRESS: '127.0.0.1',
      OPENCLAW_GATEWAY_BIND: 'lan',
      OPENCLAW_IMAGE: 'openclaw:local',
      OPENCLAW_EXTRA_MOUNTS: 'C:\\data x:/data:ro,/srv/b:/b',
      OPENCLAW_HOME_VOLUME: 'home-vol',
      OPENCLAW_DOCKER_APT_PACKAGES: 'git jq',
    });
    const parsed = parseSetupInputs(env, { homeDir: '/home/me' });
    expect(parsed.ok && parsed.value).toMatchObject({
      configDir: settings.configDir,
      workspaceDir: settings.workspaceDir,
      gatewayPort: 19000,
      extraMounts: settings.extraMounts,
      homeVolume: settings.homeVolume,
      aptPackages: settings.aptPackages,
      gatewayToken: undefined,
    });
    expect(toSetupEnv(settings, 'f'.repeat(32)).OPENCLAW_GATEWAY_TOKEN).toBe('f'.repeat(32));
    expect(toSetupEnv({ ...settings, extraMounts: [], homeVolume: null })).toMatchObject({
      OPENCLAW_EXTRA_MOUNTS: '',
      OPENCLAW_HOME_VOLUME: '',
    });
  });

  it('maps exposeOnLan to the published address, in .env for compose and setup alike', () => {
    expect(publishAddress({ exposeOnLan: false })).toBe('127.0.0.1');
    expect(publishAddress({ exposeOnLan: true })).toBe('0.0.0.0');
    const settings = defaultAppSettings('/srv/app', { platform: 'linux', homeDir: '/home/me' });
    const env = toSetupEnv({ ...settings, exposeOnLan: true });
    expect(env.OPENCLAW_GATEWAY_PUBLISH_ADDRESS).toBe('0.0.0.0');
    const parsed = parseSetupInputs(env, { homeDir: '/home/me' });
    expect(parsed.ok && parsed.value.publishAddress).toBe('0.0.0.0');
  });
});
