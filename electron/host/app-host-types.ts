/** What the Electron glue (and the headless entry) needs from the app's brain. */
import type { AppSettings, HostNotification, UpdateView } from '../contract/host-api.js';
import type { Disposable } from '../../gateway/infra/disposable.js';
import type { HostApiHandler } from './api/host-api-handler.js';

export interface TrayMenuItemModel {
  id: string;
  label: string;
  enabled: boolean;
  type?: 'normal' | 'separator' | 'checkbox';
  checked?: boolean;
}

export interface TrayMenuModel {
  tooltip: string;
  iconState: 'running' | 'stopped' | 'starting' | 'attention' | 'error';
  statusLine: string;
  items: TrayMenuItemModel[];
}

export interface AppHost {
  readonly handler: HostApiHandler;
  trayMenu(): TrayMenuModel;
  onTrayChange(listener: () => void): Disposable;
  /** Start / Stop / Restart / Start at login… from the tray; window actions are the glue's. */
  runTrayAction(id: string): Promise<void>;
  /** The Control UI URL with the token in the fragment (never logged). */
  controlUiUrl(): Promise<string>;
  /** Approve the app's own Control UI window by its exact public key when it asks to pair. */
  expectControlUiDevice(publicKeyB64Url: string): Disposable;
  appSettings(): AppSettings;
  updateAppSettings(patch: Partial<AppSettings>): Promise<AppSettings>;
  onNotification(listener: (notification: HostNotification) => void): Disposable;
  /** Stop watching (and, when asked, stop the gateway); the gateway otherwise keeps running. */
  shutdown(options: { stopGateway: boolean }): Promise<void>;
}

/** The app's updater as the host uses it (UpdateController in electron/host/update). */
export interface AppUpdatesPort {
  view(): UpdateView;
  onChange(listener: (view: UpdateView) => void): Disposable;
  checkNow(): Promise<UpdateView>;
  install(): boolean;
  /** The "check automatically" setting changed. */
  settingsChanged(): void;
}

export interface AppHostOptions {
  /** The app's own data dir (settings, stack dir, identity). */
  dataDir: string;
  platform: NodeJS.Platform;
  env: NodeJS.ProcessEnv;
  /** dist/gateway (to build the image) and the renderer bundle. */
  bundleDir: string;
  uiRoot: string;
  /** Folder holding docker-compose.yml and docker/gateway.Dockerfile (the repo root in development). */
  resourcesDir?: string;
  /** Electron's safeStorage, when running under Electron; files otherwise. */
  secretCipher?: import('./pairing/secret-store.js').SecretCipher;
  /** This app's version (package.json), shown with the update state. */
  appVersion?: string;
  /** The Electron app's updater; without it (headless) updates answer "not available here". */
  updates?: AppUpdatesPort;
  /**
   * Rebuild the gateway image once at start when it carries another gateway bundle than this app
   * (after an app update). Off in tests and from source, where bundles change all the time.
   */
  refreshGatewayOnStart?: boolean;
  /** Engine timing knobs for tests. */
  pollIntervalMs?: number;
  /**
   * Origins of this app's own UI pages that talk to the gateway directly (the headless host's
   * http://127.0.0.1:<port>); written into the gateway's allowed origins at setup.
   */
  uiOrigins?: () => readonly string[];
  /** Compose project and image tag (tests use their own so a real stack is never touched). */
  projectName?: string;
  imageTag?: string;
  /** Tags of the standard sandbox images (tests build under their own). */
  sandboxImages?: { default: string; common: string };
  /**
   * Opens a URL in the user's browser (Electron's shell; the headless host has none and lets the
   * page open it). Used for links the window itself must not open, like a sandbox's noVNC viewer
   * on http://127.0.0.1.
   */
  openExternal?: (url: string) => Promise<void>;
}
