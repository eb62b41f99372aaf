import { describe, expect, it } from 'vitest';
import { FakeClock, settle } from '../supervisor/testing/fake-clock.js';
import { debInstallRoute } from './deb-install.js';
import type { UpdateSupport } from './package-kind.js';
import {
  CHECK_INTERVAL_MS,
  FIRST_CHECK_DELAY_MS,
  UpdateController,
  type DownloadProgress,
  type OfferAnswer,
  type UpdateOffer,
  type UpdateState,
} from './update-controller.js';
import { updateChannelOf } from './update-channel.js';

const HOUR = 60 * 60 * 1000;

/** The port as electron-updater would answer it: a scripted release feed and download. */
class ScriptedUpdater {
  latest: UpdateOffer | null = null;
  failCheck: Error | undefined;
  progress: DownloadProgress[] = [];
  failDownload: Error | undefined;
  checks = 0;
  downloads = 0;
  installs = 0;
  configured: unknown[] = [];
  configure(channel: unknown): void {
    this.configured.push(channel);
  }
  async check(): Promise<UpdateOffer | null> {
    this.checks += 1;
    if (this.failCheck) throw this.failCheck;
    return this.latest;
  }
  async download(onProgress: (p: DownloadProgress) => void): Promise<void> {
    this.downloads += 1;
    for (const p of this.progress) onProgress(p);
    if (this.failDownload) throw this.failDownload;
  }
  install(): void {
    this.installs += 1;
  }
}

class RecordingPrompts {
  answer: OfferAnswer = 'later';
  restart: 'restart' | 'later' = 'later';
  offers: Array<{ version: string; current: string; manual?: { command: string; url: string } }> =
    [];
  readies: string[] = [];
  opened: string[] = [];
  informed: Array<{ title: string; body: string }> = [];
  async offer(o: {
    version: string;
    current: string;
    manual?: { command: string; url: string };
  }): Promise<OfferAnswer> {
    this.offers.push(o);
    return this.answer;
  }
  async ready(version: string): Promise<'restart' | 'later'> {
    this.readies.push(version);
    return this.restart;
  }
  openDownload(url: string): void {
    this.opened.push(url);
  }
  inform(title: string, body: string): void {
    this.informed.push({ title, body });
  }
}

const supported: UpdateSupport = { supported: true, kind: 'appimage', how: 'replaces itself' };

function setup(
  options: {
    support?: UpdateSupport;
    version?: string;
    autoCheck?: () => boolean;
    skipped?: string;
    debFacts?: { adminPrompt?: string; hasDisplay: boolean };
  } = {},
) {
  const clock = new FakeClock();
  const updater = new ScriptedUpdater();
  const prompts = new RecordingPrompts();
  let skipped = options.skipped;
  const states: UpdateState[] = [];
  const version = options.version ?? '1.0.0';
  const controller = new UpdateController({
    currentVersion: version,
    channel: updateChannelOf(version),
    support: options.support ?? supported,
    updater,
    prompts,
    clock,
    skipped: {
      get: () => skipped,
      set: async (v) => {
        skipped = v;
      },
    },
    autoCheck: options.autoCheck ?? (() => true),
    debRoute: options.debFacts
      ? async (offer) =>
          debInstallRoute(options.debFacts!, {
            version: offer.version,
            files: offer.files,
            repoUrl: 'https://github.com/o/r',
            arch: 'amd64',
          })
      : undefined,
  });
  controller.onChange((v) => states.push(v.status));
  return { clock, updater, prompts, controller, states, skipped: () => skipped };
}

describe('UpdateController timing', () => {
  it('checks once shortly after start, then every 12 hours', async () => {
    const { clock, updater, controller } = setup();
    controller.start();
    await clock.advance(FIRST_CHECK_DELAY_MS - 1);
    expect(updater.checks).toBe(0);
    await clock.advance(1);
    expect(updater.checks).toBe(1);
    await clock.advance(CHECK_INTERVAL_MS - 1);
    expect(updater.checks).toBe(1);
    await clock.advance(1);
    expect(updater.checks).toBe(2);
    await clock.advance(36 * HOUR);
    expect(updater.checks).toBe(5);
    expect(clock.pending()).toHaveLength(1);
    controller.dispose();
    expect(clock.pending()).toHaveLength(0);
  });

  it('with automatic checks off: no check at all, until the setting is on again', async () => {
    let on = false;
    const { clock, updater, controller } = setup({ autoCheck: () => on });
    controller.start();
    await clock.advance(48 * HOUR);
    expect(updater.checks).toBe(0);
    on = true;
    controller.settingsChanged();
    await clock.advance(CHECK_INTERVAL_MS);
    expect(updater.checks).toBe(1);
  });

  it('a manual check works with automatic checks off and says when up to date', async () => {
    const { updater, prompts, controller } = setup({ autoCheck: () => false });
    const view = await controller.checkNow();
    expect(updater.checks).toBe(1);
    expect(view.status.state).toBe('up-to-date');
    expect(view.autoCheck).toBe(false);
    expect(prompts.informed[0]?.title).toBe('OpenClaw Desktop is up to date');
  });

  it('configures the channel from the version: beta follows beta with pre-releases', () => {
    const beta = setup({ version: '1.2.0-beta.3' });
    beta.controller.start();
    expect(beta.updater.configured).toEqual([{ channel: 'beta', allowPrerelease: true }]);
    const stable = setup({ version: '1.2.0' });
    stable.controller.start();
    expect(stable.updater.configured).toEqual([{ channel: 'latest', allowPrerelease: false }]);
    expect(stable.controller.view().channel).toBe('latest');
  });
});

describe('UpdateController asks before downloading', () => {
  it('Later: nothing is downloaded, and the next check asks again', async () => {
    const { clock, updater, prompts, controller } = setup();
    updater.latest = { version: '1.1.0', files: [] };
    controller.start();
    await clock.advance(FIRST_CHECK_DELAY_MS);
    expect(prompts.offers).toEqual([{ version: '1.1.0', current: '1.0.0' }]);
    expect(updater.downloads).toBe(0);
    expect(controller.view().status).toEqual({ state: 'available', version: '1.1.0' });
    await clock.advance(CHECK_INTERVAL_MS);
    expect(prompts.offers).toHaveLength(2);
    expect(updater.downloads).toBe(0);
  });

  it('Skip this version: automatic checks stay quiet about it, a newer one is offered', async () => {
    const { clock, updater, prompts, controller, skipped } = setup();
    updater.latest = { version: '1.1.0', files: [] };
    prompts.answer = 'skip';
    controller.start();
    await clock.advance(FIRST_CHECK_DELAY_MS);
    expect(skipped()).toBe('1.1.0');
    await clock.advance(CHECK_INTERVAL_MS);
    expect(prompts.offers).toHaveLength(1);
    expect(controller.view().status).toEqual({ state: 'skipped', version: '1.1.0' });
    updater.latest = { version: '1.2.0', files: [] };
    prompts.answer = 'later';
    await clock.advance(CHECK_INTERVAL_MS);
    expect(prompts.offers.map((o) => o.version)).toEqual(['1.1.0', '1.2.0']);
  });

  it('a manual check offers even a skipped version; Download clears the skip', async () => {
    const { updater, prompts, controller, skipped } = setup({ skipped: '1.1.0' });
    updater.latest = { version: '1.1.0', files: [] };
    prompts.answer = 'download';
    await controller.checkNow();
    expect(prompts.offers).toHaveLength(1);
    expect(updater.downloads).toBe(1);
    expect(skipped()).toBeUndefined();
  });

  it('Download: progress reaches the UI, then "Restart to update" installs', async () => {
    const { updater, prompts, controller, states } = setup();
    updater.latest = { version: '1.1.0', files: [] };
    updater.progress = [
      { percent: 10, bytesPerSecond: 1_000_000, transferred: 10, total: 100 },
      { percent: 100, bytesPerSecond: 2_000_000, transferred: 100, total: 100 },
    ];
    prompts.answer = 'download';
    await controller.checkNow();
    const downloading = states.filter((s) => s.state === 'downloading');
    expect(downloading.map((s) => (s.state === 'downloading' ? s.percent : -1))).toEqual([
      0, 10, 100,
    ]);
    expect(downloading[1]).toMatchObject({ bytesPerSecond: 1_000_000, transferred: 10 });
    expect(controller.view().status).toEqual({ state: 'downloaded', version: '1.1.0' });
    expect(prompts.readies).toEqual(['1.1.0']);
    expect(updater.installs).toBe(0);
    // Later from the dialog; the tray's "Restart to update" installs.
    expect(controller.install()).toBe(true);
    expect(updater.installs).toBe(1);
  });

  it('does not check again once downloaded: a manual check asks to restart', async () => {
    const { updater, prompts, controller } = setup();
    updater.latest = { version: '1.1.0', files: [] };
    prompts.answer = 'download';
    await controller.checkNow();
    prompts.restart = 'restart';
    await controller.checkNow();
    expect(updater.checks).toBe(1);
    expect(updater.installs).toBe(1);
  });

  it('install is refused before a download finished', () => {
    const { updater, controller } = setup();
    expect(controller.install()).toBe(false);
    expect(updater.installs).toBe(0);
  });

  it('a failed automatic check is quiet; a failed manual one is said; a failed download is said', async () => {
    const { clock, updater, prompts, controller } = setup();
    updater.failCheck = new Error('getaddrinfo ENOTFOUND github.com');
    controller.start();
    await clock.advance(FIRST_CHECK_DELAY_MS);
    expect(prompts.informed).toHaveLength(0);
    expect(controller.view().status).toMatchObject({ state: 'error' });
    await controller.checkNow();
    expect(prompts.informed[0]).toEqual({
      title: 'Could not check for updates',
      body: 'getaddrinfo ENOTFOUND github.com',
    });
    updater.failCheck = undefined;
    updater.failDownload = new Error('sha512 checksum mismatch');
    updater.latest = { version: '1.1.0', files: [] };
    prompts.answer = 'download';
    await controller.checkNow();
    expect(controller.view().status).toEqual({
      state: 'error',
      message: 'Downloading 1.1.0 failed: sha512 checksum mismatch',
    });
    expect(prompts.readies).toHaveLength(0);
  });

  it('one check at a time', async () => {
    const { updater, controller } = setup();
    let release: (() => void) | undefined;
    updater.check = async () => {
      updater.checks += 1;
      await new Promise<void>((r) => (release = r));
      return null;
    };
    const first = controller.checkNow();
    await settle();
    await controller.checkNow();
    release?.();
    await first;
    expect(updater.checks).toBe(1);
  });
});

describe('UpdateController per package type', () => {
  it('a build from source never checks and says why when asked', async () => {
    const { clock, updater, prompts, controller } = setup({
      support: { supported: false, kind: 'source', reason: 'This copy runs from source.' },
    });
    controller.start();
    await clock.advance(48 * HOUR);
    await controller.checkNow();
    expect(updater.checks).toBe(0);
    expect(updater.configured).toHaveLength(0);
    expect(clock.pending()).toHaveLength(0);
    expect(prompts.informed).toEqual([
      { title: 'Updates are not available', body: 'This copy runs from source.' },
    ]);
    expect(controller.view().status).toEqual({
      state: 'unsupported',
      reason: 'This copy runs from source.',
    });
  });

  it('deb with pkexec and a display: downloads and installs through the prompt', async () => {
    const { updater, prompts, controller } = setup({
      support: { supported: true, kind: 'deb', how: 'admin prompt' },
      debFacts: { adminPrompt: 'pkexec', hasDisplay: true },
    });
    updater.latest = { version: '1.1.0', files: ['openclaw-desktop-1.1.0-linux-amd64.deb'] };
    prompts.answer = 'download';
    prompts.restart = 'restart';
    await controller.checkNow();
    expect(prompts.offers[0]?.manual).toBeUndefined();
    expect(updater.downloads).toBe(1);
    expect(updater.installs).toBe(1);
  });

  it('deb without pkexec: tells where to download and the apt command, downloads nothing', async () => {
    const { updater, prompts, controller } = setup({
      support: { supported: true, kind: 'deb', how: 'admin prompt' },
      debFacts: { hasDisplay: true },
    });
    updater.latest = { version: '1.1.0', files: ['openclaw-desktop-1.1.0-linux-amd64.deb'] };
    prompts.answer = 'download';
    await controller.checkNow();
    expect(prompts.offers[0]?.manual).toMatchObject({
      command: 'sudo apt install ./openclaw-desktop-1.1.0-linux-amd64.deb',
      url: 'https://github.com/o/r/releases/download/v1.1.0/openclaw-desktop-1.1.0-linux-amd64.deb',
    });
    expect(prompts.opened).toEqual([
      'https://github.com/o/r/releases/download/v1.1.0/openclaw-desktop-1.1.0-linux-amd64.deb',
    ]);
    expect(updater.downloads).toBe(0);
    expect(controller.view().status).toMatchObject({ state: 'manual', version: '1.1.0' });
  });
});
