/**
 * Electron glue for app updates: electron-updater's autoUpdater behind the UpdaterPort, native
 * dialogs behind UpdatePrompts, and the facts of this installation (packaged? AppImage? deb?).
 * Every decision — when to check, what to ask, per package type — is in electron/host/update.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { app, dialog, shell, type BrowserWindow } from 'electron';
import { autoUpdater } from 'electron-updater';
import { systemClock } from '../host/supervisor/supervisor-ports.js';
import { debArch, debInstallRoute, probeDebInstall } from '../host/update/deb-install.js';
import { updateSupportOf } from '../host/update/package-kind.js';
import { releasesRepoUrl } from '../host/update/update-config.js';
import { updateChannelOf } from '../host/update/update-channel.js';
import {
  UpdateController,
  type UpdatePrompts,
  type UpdaterPort,
} from '../host/update/update-controller.js';
import { fileSkippedVersionStore } from '../host/update/update-record.js';

function readResource(name: string): string | undefined {
  if (!app.isPackaged) return undefined;
  const file = path.join(process.resourcesPath, name);
  try {
    return existsSync(file) ? readFileSync(file, 'utf8') : undefined;
  } catch {
    return undefined;
  }
}

function electronUpdaterPort(beforeInstall: () => void): UpdaterPort {
  // Nothing happens unasked: no download before "Download", no install before "Restart".
  autoUpdater.autoDownload = false;
  autoUpdater.autoInstallOnAppQuit = false;
  autoUpdater.logger = {
    info: (m?: unknown) => console.log('[updater]', m),
    warn: (m?: unknown) => console.warn('[updater]', m),
    error: (m?: unknown) => console.error('[updater]', m),
  };
  return {
    configure({ channel, allowPrerelease }) {
      if (channel !== 'latest') autoUpdater.channel = channel;
      autoUpdater.allowPrerelease = allowPrerelease;
      // Setting a channel allows downgrades; a beta build must not step back to an older stable.
      autoUpdater.allowDowngrade = false;
    },
    async check() {
      const result = await autoUpdater.checkForUpdates();
      if (!result || !result.isUpdateAvailable) return null;
      return {
        version: result.updateInfo.version,
        files: result.updateInfo.files.map((f) => f.url),
      };
    },
    async download(onProgress) {
      const listener = (p: {
        percent: number;
        bytesPerSecond: number;
        transferred: number;
        total: number;
      }) => onProgress(p);
      autoUpdater.on('download-progress', listener);
      try {
        await autoUpdater.downloadUpdate();
      } finally {
        autoUpdater.off('download-progress', listener);
      }
    },
    install() {
      // After the current click handler returns: quitAndInstall quits the app.
      setImmediate(() => {
        beforeInstall();
        autoUpdater.quitAndInstall(false, true);
      });
    },
  };
}

function dialogPrompts(window: () => BrowserWindow | undefined): UpdatePrompts {
  const box = async (options: Electron.MessageBoxOptions) => {
    const parent = window();
    return parent && !parent.isDestroyed()
      ? dialog.showMessageBox(parent, options)
      : dialog.showMessageBox(options);
  };
  return {
    async offer({ version, current, manual }) {
      const { response } = await box({
        type: 'info',
        title: 'Update available',
        message: `Version ${version} is available`,
        detail: manual
          ? `You have ${current}. The app cannot install it itself here (${manual.why}).\n\nDownload:\n${manual.url}\n\nThen run in a terminal, in the download folder:\n${manual.command}`
          : `You have ${current}. Nothing is downloaded until you choose Download.`,
        buttons: [manual ? 'Open download link' : 'Download', 'Later', 'Skip this version'],
        defaultId: 0,
        cancelId: 1,
        noLink: true,
      });
      return response === 0 ? 'download' : response === 2 ? 'skip' : 'later';
    },
    async ready(version) {
      const { response } = await box({
        type: 'info',
        title: 'Update ready',
        message: `Version ${version} is downloaded`,
        detail:
          'Restart OpenClaw Desktop to use it. The gateway keeps running in Docker meanwhile.',
        buttons: ['Restart to update', 'Later'],
        defaultId: 0,
        cancelId: 1,
        noLink: true,
      });
      return response === 0 ? 'restart' : 'later';
    },
    openDownload(url) {
      if (url.startsWith('https://github.com/')) void shell.openExternal(url);
    },
    inform(title, body) {
      void box({ type: 'info', title, message: title, detail: body, buttons: ['OK'] });
    },
  };
}

export async function createAppUpdates(options: {
  dataDir: string;
  autoCheck: () => boolean;
  window: () => BrowserWindow | undefined;
  beforeInstall: () => void;
}): Promise<UpdateController> {
  const version = app.getVersion();
  const updateYml = readResource('app-update.yml');
  const support = updateSupportOf({
    platform: process.platform,
    packaged: app.isPackaged,
    hasUpdateConfig: updateYml !== undefined,
    appImage: process.env.APPIMAGE,
    packageType: readResource('package-type'),
  });
  return new UpdateController({
    currentVersion: version,
    channel: updateChannelOf(version),
    support,
    // electron-updater picks its updater class on first use: only touch it when it can work.
    // Unsupported: the controller never calls the updater (it says why instead).
    updater: support.supported
      ? electronUpdaterPort(options.beforeInstall)
      : {
          configure: () => {},
          check: async () => null,
          download: async () => {},
          install: () => {},
        },
    prompts: dialogPrompts(options.window),
    clock: systemClock,
    skipped: await fileSkippedVersionStore(options.dataDir),
    autoCheck: options.autoCheck,
    debRoute: async (offer) =>
      debInstallRoute(await probeDebInstall(process.env), {
        version: offer.version,
        files: offer.files,
        repoUrl: releasesRepoUrl(updateYml),
        arch: debArch(process.arch),
      }),
  });
}
