import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { debArch, debFileOf, debInstallRoute, probeDebInstall } from './deb-install.js';

const release = {
  version: '1.3.0',
  files: [
    'openclaw-desktop-1.3.0-linux-arm64.deb',
    'openclaw-desktop-1.3.0-linux-amd64.deb',
    'openclaw-desktop-1.3.0-x86_64.AppImage',
  ],
  repoUrl: 'https://github.com/openclaw-desktop/openclaw-desktop',
  arch: 'amd64',
};

describe('debInstallRoute', () => {
  it('uses the graphical admin prompt when one exists and there is a display', () => {
    expect(debInstallRoute({ adminPrompt: 'pkexec', hasDisplay: true }, release)).toEqual({
      kind: 'admin-prompt',
      program: 'pkexec',
    });
  });

  it('without pkexec: the download link and the apt command for this arch', () => {
    const route = debInstallRoute({ hasDisplay: true }, release);
    expect(route).toEqual({
      kind: 'manual',
      why: 'no graphical admin prompt (pkexec) is installed',
      url: 'https://github.com/openclaw-desktop/openclaw-desktop/releases/download/v1.3.0/openclaw-desktop-1.3.0-linux-amd64.deb',
      file: 'openclaw-desktop-1.3.0-linux-amd64.deb',
      command: 'sudo apt install ./openclaw-desktop-1.3.0-linux-amd64.deb',
    });
  });

  it('without a display the prompt cannot appear either', () => {
    const route = debInstallRoute({ adminPrompt: 'pkexec', hasDisplay: false }, release);
    expect(route).toMatchObject({
      kind: 'manual',
      why: 'there is no display for the admin prompt',
    });
  });

  it('names the file by our pattern when the update info lists no .deb', () => {
    expect(debFileOf({ ...release, files: [], arch: 'arm64' })).toBe(
      'openclaw-desktop-1.3.0-linux-arm64.deb',
    );
    expect(debArch('x64')).toBe('amd64');
    expect(debArch('arm64')).toBe('arm64');
  });
});

describe('probeDebInstall', () => {
  const dirs: string[] = [];
  afterEach(async () => {
    for (const d of dirs.splice(0)) await fs.rm(d, { recursive: true, force: true });
  });

  async function binDir(programs: Record<string, number>): Promise<string> {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'oc-debprobe-'));
    dirs.push(dir);
    for (const [name, mode] of Object.entries(programs)) {
      await fs.writeFile(path.join(dir, name), '#!/bin/sh\n', { mode });
    }
    return dir;
  }

  it('finds an executable pkexec on PATH and a display', async () => {
    const a = await binDir({ pkexec: 0o644 });
    const b = await binDir({ pkexec: 0o755 });
    const facts = await probeDebInstall({ PATH: [a, b].join(path.delimiter), DISPLAY: ':0' });
    expect(facts).toEqual({ adminPrompt: 'pkexec', hasDisplay: true });
  });

  it('reports none without an executable prompt or a display', async () => {
    const a = await binDir({ sudo: 0o755, pkexec: 0o600 });
    expect(await probeDebInstall({ PATH: `${a}${path.delimiter}relative/bin` })).toEqual({
      adminPrompt: undefined,
      hasDisplay: false,
    });
    expect((await probeDebInstall({ PATH: a, WAYLAND_DISPLAY: 'wayland-0' })).hasDisplay).toBe(
      true,
    );
  });
});
