/**
 * The desktop app's own settings (`settings.json` in the app's data folder) — how the app behaves
 * and what its stack should look like. Separate from the gateway's state (`~/.openclaw`), which
 * the gateway owns. Loading never fails: a broken or hand-edited file gives defaults plus warnings
 * and is kept aside for the user; updates are validated (through the same parser as
 * `./docker-setup.sh`), written atomically under the cross-process lock, and announced to
 * listeners.
 */
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { StackSettings } from '../../contract/host-api.js';
import { DEFAULT_GATEWAY_PORT, DEFAULT_IMAGE } from '../../../docker/stack/index.js';
import { writeFileAtomic } from '../../../gateway/infra/atomic-write.js';
import { toDisposable, type Disposable } from '../../../gateway/infra/disposable.js';
import {
  ErrorCode,
  OpenClawError,
  errorMessage,
  systemErrorCode,
} from '../../../gateway/infra/errors.js';
import { withFileLock } from '../../../gateway/infra/file-lock.js';
import {
  applySettingsPatch,
  defaultWorkspaceDir,
  formatSettingsProblems,
  publishAddressOf,
  sanitiseSettings,
  stackSetupEnv,
  type DesktopSettings,
  type SettingsCheckContext,
} from './settings-validation.js';

export {
  SETTINGS_FIELDS,
  type DesktopSettings,
  type SettingsField,
  type SettingsProblem,
} from './settings-validation.js';

export const SETTINGS_FILE = 'settings.json';

export interface AppSettingsOptions {
  platform?: NodeJS.Platform;
  /** Base of the default config folder (`<home>/.openclaw`); default os.homedir(). */
  homeDir?: string;
  /** Clock for the name of a file kept aside (tests). */
  now?: () => number;
}

export interface LoadedAppSettings {
  settings: DesktopSettings;
  file: string;
  /** False when there was no file yet (first run): the settings are the defaults. */
  exists: boolean;
  /** What was wrong with the file and what was used instead. */
  warnings: string[];
  /** Values setup will refuse that could not be repaired (e.g. a refused default folder). */
  notes: string[];
  /** Where the original file was copied when it had problems. */
  keptAside?: string;
}

export interface UpdateAppSettingsResult {
  settings: DesktopSettings;
  previous: DesktopSettings;
  changed: boolean;
  /** Advice from the setup parser (e.g. a writable mount), not errors. */
  notes: string[];
}

export type AppSettingsListener = (next: DesktopSettings, previous: DesktopSettings) => void;

function context(options: AppSettingsOptions): SettingsCheckContext {
  return {
    platform: options.platform ?? process.platform,
    homeDir: options.homeDir ?? os.homedir(),
  };
}

/**
 * Defaults: quit on close on Linux (trays are unreliable there), keep the gateway running when the
 * app quits, the stack in `<dataDir>/stack`, the upstream config folder `~/.openclaw`.
 */
export function defaultAppSettings(
  dataDir: string,
  options: AppSettingsOptions = {},
): DesktopSettings {
  const { platform, homeDir } = context(options);
  const api = platform === 'win32' ? path.win32 : path.posix;
  const configDir = api.join(homeDir, '.openclaw');
  return {
    startAtLogin: false,
    startInBackground: false,
    closeToTray: platform !== 'linux',
    stopGatewayOnQuit: false,
    checkForUpdates: true,
    stackDir: api.join(dataDir, 'stack'),
    configDir,
    workspaceDir: defaultWorkspaceDir(configDir, platform),
    gatewayPort: DEFAULT_GATEWAY_PORT,
    exposeOnLan: false,
    extraMounts: [],
    aptPackages: [],
    homeVolume: null,
    image: DEFAULT_IMAGE,
  };
}

export function appSettingsFile(dataDir: string): string {
  return path.join(dataDir, SETTINGS_FILE);
}

function serialise(settings: DesktopSettings): string {
  return `${JSON.stringify(settings, null, 2)}\n`;
}

async function writeSettings(file: string, settings: DesktopSettings): Promise<void> {
  await writeFileAtomic(file, serialise(settings), { mode: 0o600, dirMode: 0o700 });
}

type ReadOutcome =
  | { kind: 'missing' }
  | { kind: 'unreadable'; message: string }
  | { kind: 'unparsable'; message: string }
  | { kind: 'parsed'; value: unknown; raw: string };

async function readSettingsFile(file: string): Promise<ReadOutcome> {
  let raw: string;
  try {
    raw = await fs.readFile(file, 'utf8');
  } catch (err) {
    if (systemErrorCode(err) === 'ENOENT') return { kind: 'missing' };
    return { kind: 'unreadable', message: systemErrorCode(err) ?? errorMessage(err) };
  }
  try {
    return { kind: 'parsed', value: JSON.parse(raw) as unknown, raw };
  } catch (err) {
    return { kind: 'unparsable', message: errorMessage(err) };
  }
}

/** Copy the problem file next to itself, for the user to look at; best effort. */
async function keepAside(file: string, now: number): Promise<string | undefined> {
  const aside = `${file}.bad-${now}`;
  try {
    await fs.copyFile(file, aside);
    return aside;
  } catch {
    return undefined;
  }
}

/**
 * Read the settings. Never throws for the file's content: a missing file gives the defaults; an
 * unparsable one or bad values give defaults for what is bad, warnings, a copy of the original
 * (`settings.json.bad-<ms>`) and a repaired file in its place.
 */
export async function loadAppSettings(
  dataDir: string,
  options: AppSettingsOptions = {},
): Promise<LoadedAppSettings> {
  const file = appSettingsFile(dataDir);
  const defaults = defaultAppSettings(dataDir, options);
  const ctx = context(options);
  const outcome = await readSettingsFile(file);
  // The defaults' own notes (a default folder setup refuses), for the cases that use them as is.
  const defaultNotes = (): string[] => sanitiseSettings({}, defaults, ctx).notes;
  if (outcome.kind === 'missing')
    return { settings: defaults, file, exists: false, warnings: [], notes: defaultNotes() };
  if (outcome.kind === 'unreadable') {
    return {
      settings: defaults,
      file,
      exists: true,
      warnings: [
        `could not read ${file} (${outcome.message}); using defaults until it is readable`,
      ],
      notes: defaultNotes(),
    };
  }
  const sanitised =
    outcome.kind === 'parsed'
      ? sanitiseSettings(outcome.value, defaults, ctx)
      : {
          settings: defaults,
          warnings: [`${file} is not valid JSON (${outcome.message}); using defaults`],
          notes: defaultNotes(),
        };
  const { settings, notes } = sanitised;
  if (sanitised.warnings.length === 0) return { settings, file, exists: true, warnings: [], notes };
  return withFileLock(file, async () => {
    const keptAside = await keepAside(file, (options.now ?? Date.now)());
    const warnings = [...sanitised.warnings];
    if (keptAside) warnings.push(`the original file was kept as ${keptAside}`);
    try {
      await writeSettings(file, settings);
    } catch (err) {
      warnings.push(`could not write the repaired settings: ${errorMessage(err)}`);
    }
    return { settings, file, exists: true, warnings, notes, keptAside };
  });
}

const listeners = new Map<string, Set<AppSettingsListener>>();

/** Called after every update of the settings in `dataDir` made by this process. */
export function onAppSettingsChange(dataDir: string, listener: AppSettingsListener): Disposable {
  const key = path.resolve(dataDir);
  let set = listeners.get(key);
  if (!set) {
    set = new Set();
    listeners.set(key, set);
  }
  set.add(listener);
  return toDisposable(() => {
    set.delete(listener);
    if (set.size === 0) listeners.delete(key);
  });
}

function emitChange(dataDir: string, next: DesktopSettings, previous: DesktopSettings): void {
  for (const listener of [...(listeners.get(path.resolve(dataDir)) ?? [])]) {
    try {
      listener(next, previous);
    } catch {
      // one faulty listener must not keep the others (or the caller) from seeing the change
    }
  }
}

function checkedPatch(
  current: DesktopSettings,
  patch: unknown,
  options: AppSettingsOptions,
): { settings: DesktopSettings; notes: string[] } {
  const applied = applySettingsPatch(current, patch, context(options));
  if (!applied.ok) {
    throw new OpenClawError(
      ErrorCode.INVALID_ARGUMENT,
      `Settings not saved:\n${formatSettingsProblems(applied.problems)}`,
      { details: { problems: applied.problems } },
    );
  }
  return applied;
}

/**
 * What `updateAppSettings` would save for `patch`, without saving it: a stack change is checked
 * before anything runs, but only recorded once the stack really has it. Throws INVALID_ARGUMENT
 * like the update.
 */
export function checkAppSettingsPatch(
  current: DesktopSettings,
  patch: unknown,
  options: AppSettingsOptions = {},
): DesktopSettings {
  return checkedPatch(current, patch, options).settings;
}

/**
 * Validate `patch` (untrusted: from IPC or the headless API) against the current settings, then
 * save. Throws INVALID_ARGUMENT listing every problem, and saves nothing, when any value is
 * refused.
 */
export async function updateAppSettings(
  dataDir: string,
  patch: unknown,
  options: AppSettingsOptions = {},
): Promise<UpdateAppSettingsResult> {
  const file = appSettingsFile(dataDir);
  const result = await withFileLock(file, async () => {
    const outcome = await readSettingsFile(file);
    if (outcome.kind === 'unreadable') {
      throw new OpenClawError(
        ErrorCode.STATE_WRITE_FAILED,
        `Could not read ${file} (${outcome.message}); fix its permissions and try again.`,
      );
    }
    const defaults = defaultAppSettings(dataDir, options);
    const sanitised =
      outcome.kind === 'parsed'
        ? sanitiseSettings(outcome.value, defaults, context(options))
        : undefined;
    const previous = sanitised?.settings ?? defaults;
    const fileHasProblems =
      outcome.kind === 'unparsable' || (sanitised !== undefined && sanitised.warnings.length > 0);
    const applied = checkedPatch(previous, patch, options);
    const changed = serialise(applied.settings) !== serialise(previous);
    const onDiskDiffers = outcome.kind !== 'parsed' || outcome.raw !== serialise(applied.settings);
    if (onDiskDiffers) {
      // A file that had to be repaired is the user's to inspect: never overwrite it unseen.
      if (fileHasProblems) await keepAside(file, (options.now ?? Date.now)());
      await writeSettings(file, applied.settings);
    }
    return { settings: applied.settings, previous, changed, notes: applied.notes };
  });
  if (result.changed) emitChange(dataDir, result.settings, result.previous);
  return result;
}

/**
 * The OPENCLAW_* variables `runSetup` (and `./docker-setup.sh`) take for these settings. Every
 * managed variable is present (empty for "none") so a merged process environment cannot smuggle
 * in a stale value; the token only when given (otherwise setup reuses the existing one).
 */
export function toSetupEnv(
  settings: StackSettings & { image?: string },
  token?: string,
): Record<string, string> {
  const env = stackSetupEnv(settings);
  return token === undefined ? env : { ...env, OPENCLAW_GATEWAY_TOKEN: token };
}

/**
 * Host address the gateway port is published on (OPENCLAW_GATEWAY_PUBLISH_ADDRESS in the stack's
 * `.env`, read by the compose template): every interface when the user opened it to the network.
 */
export function publishAddress(
  settings: Pick<StackSettings, 'exposeOnLan'>,
): '127.0.0.1' | '0.0.0.0' {
  return publishAddressOf(settings);
}
