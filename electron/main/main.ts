/**
 * Electron glue only: single instance, the app window (UI over the typed IPC transport), the
 * Control UI window (the gateway's own UI with the token in place), the tray, login item and
 * notifications. All decisions live in electron/host.
 */
import path from 'node:path';
import {
  app,
  BrowserWindow,
  dialog,
  ipcMain,
  Menu,
  Notification,
  protocol,
  net,
  session,
  shell,
  Tray,
  type IpcMainInvokeEvent,
} from 'electron';
import { pathToFileURL } from 'node:url';
import { HOST_IPC } from '../contract/transport.js';
import { createAppHost } from '../host/app-host.js';
import type { AppHost, TrayMenuModel } from '../host/app-host-types.js';
import { runningHeadlessInstance } from '../host/instance-lock.js';
import {
  DEEP_LINK_SCHEME,
  deepLinkFromArgv,
  parseDeepLink,
  type DeepLinkTarget,
} from '../host/deep-link/deep-link.js';
import type { UpdateController } from '../host/update/update-controller.js';
import { createAppUpdates } from './app-updates.js';
import { safeStorageCipher } from './safe-storage-cipher.js';
import { denyPermissions, hardenedWebPreferences, lockNavigation } from './secure-web.js';
import { trayIcon } from './tray-icons.js';

const APP_SCHEME = 'openclaw-app';
const APP_ORIGIN = `${APP_SCHEME}://app`;
const ROOT = path.resolve(__dirname, '..');

protocol.registerSchemesAsPrivileged([
  { scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true } },
]);

let host: AppHost | undefined;
let mainWindow: BrowserWindow | undefined;
let controlUiWindow: BrowserWindow | undefined;
let tray: Tray | undefined;
let updates: UpdateController | undefined;
let quitting = false;
/** A link that arrived before the window existed: the window opens on its page. */
let pendingLink: DeepLinkTarget | undefined = linkFromArgv(process.argv);

// The same data folder as the headless host (settings, stack, identity): `productName` in
// package.json names it; OPENCLAW_DESKTOP_DATA_DIR moves it for both. Set before the
// single-instance lock, which lives in this folder.
if (process.env.OPENCLAW_DESKTOP_DATA_DIR)
  app.setPath('userData', path.resolve(process.env.OPENCLAW_DESKTOP_DATA_DIR));

// macOS hands links to the running app (also the one that launches it) as `open-url`; it must be
// listened to before `ready`.
app.on('open-url', (event, url) => {
  event.preventDefault();
  openLink(parseDeepLink(url));
});

if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  // Windows and Linux start a second instance with the link in its argv; it ends at once.
  app.on('second-instance', (_event, argv) => {
    const link = linkFromArgv(argv);
    if (link) openLink(link);
    else showMainWindow();
  });
  app.whenReady().then(start, (err: unknown) => {
    console.error('OpenClaw Desktop failed to start:', err);
    app.exit(1);
  });
}

async function start(): Promise<void> {
  // The headless host on the same data folder supervises the same stack: one of them at a time.
  const headless = await runningHeadlessInstance(app.getPath('userData'));
  if (headless) {
    const where = headless.port ? ` at http://127.0.0.1:${headless.port}/` : '';
    dialog.showErrorBox(
      'OpenClaw Desktop is already running',
      `It runs headless (pid ${headless.pid})${where}. Stop it first (Ctrl+C in its terminal, or kill ${headless.pid}), then open the app again.`,
    );
    app.exit(1);
    return;
  }
  const uiRoot = path.join(ROOT, 'control-ui');
  protocol.handle(APP_SCHEME, (request) => {
    const url = new URL(request.url);
    const relative = path.posix.normalize(decodeURIComponent(url.pathname)).replace(/^\/+/, '');
    const file = path.resolve(uiRoot, relative || 'index.html');
    const inside = file.startsWith(`${uiRoot}${path.sep}`);
    return net.fetch(
      pathToFileURL(
        inside && path.extname(file) ? file : path.join(uiRoot, 'index.html'),
      ).toString(),
    );
  });
  denyPermissions(session.defaultSession);
  // Registered by the installers too; this keeps the registration pointing at this copy. A
  // development run would register the bare Electron binary, so it does not.
  if (app.isPackaged) app.setAsDefaultProtocolClient(DEEP_LINK_SCHEME);

  const appUpdates = await createAppUpdates({
    dataDir: app.getPath('userData'),
    autoCheck: () => host?.appSettings().checkForUpdates ?? false,
    window: () => mainWindow,
    // The installer closes every window first: they must close, not hide to the tray.
    beforeInstall: () => {
      quitting = true;
    },
  });
  updates = appUpdates;
  appUpdates.onChange((view) => {
    const s = view.status;
    mainWindow?.setProgressBar(s.state === 'downloading' ? s.percent / 100 : -1);
  });

  const appHost = await createAppHost({
    dataDir: app.getPath('userData'),
    platform: process.platform,
    env: process.env,
    bundleDir: path.join(ROOT, 'gateway'),
    uiRoot,
    resourcesDir: app.isPackaged
      ? path.join(process.resourcesPath, 'stack')
      : path.resolve(ROOT, '..'),
    secretCipher: safeStorageCipher(),
    // Only links the host built itself come here (a sandbox's noVNC viewer on loopback http).
    openExternal: (url) => shell.openExternal(url),
    appVersion: app.getVersion(),
    updates: appUpdates,
    // After an app update the image is rebuilt when its gateway bundle changed (not from source,
    // where every build changes it).
    refreshGatewayOnStart: app.isPackaged,
  });
  host = appHost;
  appUpdates.start();

  ipcMain.handle(HOST_IPC.call, (event: IpcMainInvokeEvent, name: unknown, params: unknown) => {
    // Only our own app page may call the host API (not the Control UI window, not a frame).
    if (
      !event.senderFrame ||
      new URL(event.senderFrame.url).origin !== APP_ORIGIN ||
      event.senderFrame.parent
    ) {
      return {
        ok: false,
        error: { code: 'FORBIDDEN', message: 'host API is only available to the app window' },
      };
    }
    return appHost.handler.handle(name, params);
  });
  appHost.handler.subscribe((name, payload) =>
    mainWindow?.webContents.send(HOST_IPC.event, name, payload),
  );
  appHost.onNotification((n) => {
    if (Notification.isSupported()) new Notification({ title: n.title, body: n.body }).show();
  });

  tray = new Tray(trayIcon('stopped'));
  const renderTray = () => applyTray(appHost.trayMenu());
  appHost.onTrayChange(renderTray);
  renderTray();

  const settings = appHost.appSettings();
  app.setLoginItemSettings({
    openAtLogin: settings.startAtLogin,
    openAsHidden: settings.startInBackground,
  });
  // A link that launched the app shows its page even when the app starts in the background.
  if (!settings.startInBackground || pendingLink) showMainWindow();

  app.on('activate', () => showMainWindow());
  app.on('before-quit', () => {
    quitting = true;
  });
  app.on('window-all-closed', () => {
    if (!appHost.appSettings().closeToTray) app.quit();
  });
  app.on('will-quit', (event) => {
    if (!host) return;
    event.preventDefault();
    const current = host;
    host = undefined;
    updates?.dispose();
    void current
      .shutdown({ stopGateway: current.appSettings().stopGatewayOnQuit })
      .finally(() => app.exit(0));
  });
}

function showMainWindow(): void {
  if (mainWindow && !mainWindow.isDestroyed()) {
    mainWindow.show();
    mainWindow.focus();
    return;
  }
  mainWindow = new BrowserWindow({
    width: 1180,
    height: 780,
    minWidth: 860,
    minHeight: 560,
    title: 'OpenClaw Desktop',
    show: false,
    webPreferences: hardenedWebPreferences(path.join(ROOT, 'electron', 'preload.cjs')),
  });
  lockNavigation(mainWindow.webContents, APP_ORIGIN);
  mainWindow.once('ready-to-show', () => mainWindow?.show());
  mainWindow.on('close', (event) => {
    if (!quitting && host?.appSettings().closeToTray) {
      event.preventDefault();
      mainWindow?.hide();
    }
  });
  // A link that started the app opens the window on its page (the renderer reads the path).
  const link = pendingLink;
  pendingLink = undefined;
  void mainWindow.loadURL(`${APP_ORIGIN}/${link ? pagePath(link) : ''}`);
}

function linkFromArgv(argv: readonly string[]): DeepLinkTarget | undefined {
  const raw = deepLinkFromArgv(argv);
  return raw === undefined ? undefined : parseDeepLink(raw);
}

/** `approvals?focus=approval-<id>`: the page, and what to scroll to once it shows. */
function pagePath(link: DeepLinkTarget): string {
  const page = link.page === 'dashboard' ? '' : link.page;
  return link.focus ? `${page}?focus=${encodeURIComponent(link.focus)}` : page;
}

function openLink(link: DeepLinkTarget): void {
  if (link.ignored) console.log(`openclaw-desktop link: ${link.ignored}; opening ${link.page}`);
  if (!app.isReady() || !mainWindow || mainWindow.isDestroyed()) {
    // Before the window exists (cold start, or closed to the tray) it opens on the page.
    pendingLink = link;
    if (app.isReady() && host) showMainWindow();
    return;
  }
  showMainWindow();
  const { page, focus } = link;
  mainWindow.webContents.send(HOST_IPC.event, 'navigate', focus ? { page, focus } : { page });
}

async function openControlUi(): Promise<void> {
  if (!host) return;
  const url = await host.controlUiUrl();
  const origin = new URL(url).origin;
  if (controlUiWindow && !controlUiWindow.isDestroyed()) {
    controlUiWindow.show();
    return;
  }
  controlUiWindow = new BrowserWindow({
    width: 1200,
    height: 800,
    title: 'OpenClaw Control UI',
    webPreferences: { ...hardenedWebPreferences(), partition: 'persist:control-ui' },
  });
  denyPermissions(controlUiWindow.webContents.session);
  lockNavigation(controlUiWindow.webContents, origin);
  void controlUiWindow.loadURL(url);
}

function applyTray(model: TrayMenuModel): void {
  if (!tray) return;
  tray.setToolTip(model.tooltip);
  tray.setImage(trayIcon(model.iconState));
  const template = model.items.map((item) =>
    item.type === 'separator'
      ? { type: 'separator' as const }
      : {
          id: item.id,
          label: item.label,
          enabled: item.enabled,
          type: item.type === 'checkbox' ? ('checkbox' as const) : ('normal' as const),
          checked: item.checked,
          click: () => void onTrayItem(item.id, item.checked),
        },
  );
  tray.setContextMenu(Menu.buildFromTemplate(template));
}

async function onTrayItem(id: string, checked?: boolean): Promise<void> {
  switch (id) {
    case 'open-control-ui':
      await openControlUi();
      return;
    case 'approvals':
    case 'logs':
    case 'diagnostics':
    case 'settings':
      showMainWindow();
      mainWindow?.webContents.send(HOST_IPC.event, 'navigate', { page: id });
      return;
    case 'start-at-login': {
      const next = !checked;
      app.setLoginItemSettings({ openAtLogin: next });
      await host?.updateAppSettings({ startAtLogin: next });
      return;
    }
    case 'quit':
      app.quit();
      return;
    default:
      await host?.runTrayAction(id);
  }
}
