import { describe, expect, it } from 'vitest';
import type { UpdateView } from '../../../electron/contract/host-api.js';
import { updateBannerOf } from './update-banner-model.js';

const view = (status: UpdateView['status']): UpdateView => ({
  currentVersion: '1.0.0',
  channel: 'latest',
  autoCheck: true,
  status,
});

describe('updateBannerOf', () => {
  it('shows percent, speed and amount while downloading', () => {
    expect(
      updateBannerOf(
        view({
          state: 'downloading',
          version: '1.1.0',
          percent: 42.9,
          bytesPerSecond: 1_572_864,
          transferred: 52_428_800,
          total: 125_829_120,
        }),
      ),
    ).toEqual({
      tone: 'info',
      title: 'Downloading version 1.1.0 — 42%',
      body: '1.5 MB/s · 50.0 MB of 120 MB',
    });
  });

  it('offers the restart once downloaded, and the command for a deb it cannot install', () => {
    expect(updateBannerOf(view({ state: 'downloaded', version: '1.1.0' }))).toMatchObject({
      tone: 'success',
      canRestart: true,
    });
    expect(
      updateBannerOf(
        view({
          state: 'manual',
          version: '1.1.0',
          url: 'https://github.com/o/r/releases/download/v1.1.0/a.deb',
          command: 'sudo apt install ./a.deb',
          why: 'no graphical admin prompt (pkexec) is installed',
        }),
      ),
    ).toMatchObject({
      link: 'https://github.com/o/r/releases/download/v1.1.0/a.deb',
      command: 'sudo apt install ./a.deb',
    });
  });

  it('shows nothing otherwise', () => {
    expect(updateBannerOf(null)).toBeNull();
    expect(updateBannerOf(view({ state: 'idle' }))).toBeNull();
    expect(updateBannerOf(view({ state: 'available', version: '1.1.0' }))).toBeNull();
    expect(updateBannerOf(view({ state: 'unsupported', reason: 'source' }))).toBeNull();
  });
});
