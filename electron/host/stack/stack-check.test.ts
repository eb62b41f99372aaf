import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StackSettings } from '../../contract/host-api.js';
import { checkStackSettings, type StackCheckContext } from './stack-check.js';
import type { PortCheck } from './stack-manager.js';

let root: string;
let home: string;
let settings: StackSettings;

beforeAll(async () => {
  root = await fs.mkdtemp(path.join(os.tmpdir(), 'stack-check-'));
  home = path.join(root, 'home', 'me');
  await fs.mkdir(path.join(home, 'projects'), { recursive: true });
  await fs.writeFile(path.join(home, 'notes.txt'), 'a file\n');
  settings = {
    configDir: path.join(home, '.openclaw'),
    workspaceDir: path.join(home, '.openclaw', 'workspace'),
    gatewayPort: 18789,
    exposeOnLan: false,
    extraMounts: [],
    aptPackages: [],
    homeVolume: null,
  };
});
afterAll(async () => {
  await fs.rm(root, { recursive: true, force: true });
});

const free = async (): Promise<PortCheck> => ({ free: true });
const ctx = (over: Partial<StackCheckContext> = {}): StackCheckContext => ({
  homeDir: home,
  appPorts: [18790],
  checkPort: free,
  ...over,
});

describe('checkStackSettings', () => {
  it('accepts the defaults', async () => {
    expect(await checkStackSettings(settings, ctx())).toEqual([]);
  });

  it.each([
    ['/etc/passwd', /The config folder is inside \/etc/],
    ['/', /The config folder is too broad/],
    ['/var/run/docker.sock', /system location|socket/],
  ])('refuses %s as the config folder on the Folders step, in plain words', async (dir, re) => {
    const problems = await checkStackSettings({ ...settings, configDir: dir }, ctx());
    const p = problems.find((x) => x.field === 'configDir');
    expect(p).toMatchObject({ section: 'folders', severity: 'error', value: dir });
    expect(p!.message).toMatch(re);
    expect(p!.message).not.toMatch(/OPENCLAW_|configDir|extraMounts/);
  });

  it('refuses the whole home folder and a file where a folder belongs', async () => {
    const whole = await checkStackSettings({ ...settings, workspaceDir: home }, ctx());
    expect(whole[0]).toMatchObject({ field: 'workspaceDir', section: 'folders' });
    expect(whole[0]!.message).toMatch(/whole home folder/);
    const file = await checkStackSettings(
      { ...settings, workspaceDir: path.join(home, 'notes.txt') },
      ctx(),
    );
    expect(file[0]!.message).toMatch(/is a file, not a folder/);
  });

  it('puts mount problems on the mount row and part, with no internal names', async () => {
    const problems = await checkStackSettings(
      {
        ...settings,
        extraMounts: [
          { source: path.join(home, 'projects'), target: '/home/node/projects', readOnly: true },
          { source: '/etc/passwd', target: '/home/node/x', readOnly: true },
          { source: path.join(home, 'projects'), target: '/home/node', readOnly: false },
          { source: '/var/run/docker.sock', target: '/home/node/projects', readOnly: false },
        ],
      },
      ctx(),
    );
    const byRow = (i: number) => problems.filter((p) => p.index === i);
    expect(byRow(0)).toEqual([]);
    expect(byRow(1)).toEqual([
      expect.objectContaining({ section: 'mounts', part: 'source', severity: 'error' }),
    ]);
    expect(byRow(2)).toEqual([expect.objectContaining({ part: 'target' })]);
    expect(byRow(2)[0]!.message).toMatch(/Home volume step/);
    expect(
      byRow(3)
        .map((p) => p.part)
        .sort(),
    ).toEqual(['source', 'target']);
    expect(byRow(3).find((p) => p.part === 'target')!.message).toMatch(/mount 1 already uses/);
    for (const p of problems) expect(p.message).not.toMatch(/OPENCLAW_|extraMounts\[/);
  });

  it('warns (does not refuse) a container path outside /home/node and a missing source', async () => {
    const problems = await checkStackSettings(
      {
        ...settings,
        extraMounts: [{ source: path.join(home, 'not-yet'), target: '/data', readOnly: true }],
      },
      ctx(),
    );
    expect(problems.map((p) => [p.part, p.severity])).toEqual([
      ['source', 'warning'],
      ['target', 'warning'],
    ]);
  });

  it("refuses the app's own port and a port another program holds, naming a free one", async () => {
    const own = await checkStackSettings({ ...settings, gatewayPort: 18790 }, ctx());
    expect(own).toEqual([
      expect.objectContaining({ section: 'port', field: 'gatewayPort', severity: 'error' }),
    ]);
    expect(own[0]!.message).toMatch(/this app's own window/);
    const taken = await checkStackSettings(
      settings,
      ctx({
        checkPort: async () => ({
          free: false,
          holder: 'unknown',
          detail: 'another program on this computer (it listens on 127.0.0.1:18789)',
          suggestion: 18791,
        }),
      }),
    );
    expect(taken[0]!.message).toBe(
      'Port 18789 is already in use by another program on this computer (it listens on 127.0.0.1:18789). Choose another port, or stop that program. Port 18791 is free.',
    );
    const ours = await checkStackSettings(
      settings,
      ctx({
        checkPort: async () => ({
          free: false,
          holder: 'this-stack',
          detail: 'this app’s gateway',
          suggestion: 18789,
        }),
      }),
    );
    expect(ours).toEqual([]);
  });

  it('refuses bad package names and home volumes on their own steps', async () => {
    const problems = await checkStackSettings(
      {
        ...settings,
        aptPackages: ['jq', 'Bad_Name'],
        homeVolume: { kind: 'bind', source: path.join(home, '.openclaw') },
      },
      ctx(),
    );
    expect(problems.map((p) => [p.section, p.index])).toEqual([
      ['packages', 1],
      ['home', undefined],
    ]);
  });
});
