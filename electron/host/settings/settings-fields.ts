/**
 * The app's settings type and the shape check of each field (types, absolute paths, a mount that
 * survives the `.env` list format). What the values mean for the stack is decided afterwards by
 * the setup parser, in settings-validation.ts.
 */
import path from 'node:path';
import type {
  AppSettings as UiSettings,
  ExtraMount,
  HomeVolume,
  StackSettings,
} from '../../contract/host-api.js';
import { isWindowsDrivePath } from '../../../docker/stack/host-paths.js';
import { checkImageReference } from '../../../docker/stack/index.js';

/** Everything the app stores about itself and its stack (not the gateway's own state). */
export type DesktopSettings = UiSettings &
  StackSettings & {
    /** The compose project folder (`docker-compose.yml`, `.env`, the extra file). */
    stackDir: string;
    /** Image the stack runs (`openclaw:local` is built by the app). */
    image: string;
    /** The image before the last upgrade, kept for rollback. */
    previousImage?: string;
  };

export type SettingsField = keyof DesktopSettings;

export const SETTINGS_FIELDS: readonly SettingsField[] = [
  'startAtLogin',
  'startInBackground',
  'closeToTray',
  'stopGatewayOnQuit',
  'checkForUpdates',
  'stackDir',
  'configDir',
  'workspaceDir',
  'gatewayPort',
  'exposeOnLan',
  'extraMounts',
  'aptPackages',
  'homeVolume',
  'image',
  'previousImage',
];

/** The fields that feed the stack (the rest only change how the app behaves). */
export const STACK_FIELDS: readonly SettingsField[] = [
  'configDir',
  'workspaceDir',
  'gatewayPort',
  'extraMounts',
  'aptPackages',
  'homeVolume',
  'image',
];

export interface SettingsProblem {
  field: SettingsField | '(settings)';
  /** For list fields: the offending entry. */
  index?: number;
  message: string;
}

export interface SettingsCheckContext {
  platform: NodeJS.Platform;
  homeDir: string;
}

const MAX_PATH = 4096;
// eslint-disable-next-line no-control-regex -- refusing control characters is the point.
const CONTROL = /[\u0000-\u001f\u007f]/;

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function pathApi(platform: NodeJS.Platform): path.PlatformPath {
  return platform === 'win32' ? path.win32 : path.posix;
}

/** `<configDir>/workspace` in the platform's own separators. */
export function defaultWorkspaceDir(configDir: string, platform: NodeJS.Platform): string {
  return pathApi(platform).join(configDir, 'workspace');
}

export type Checked<T> = { ok: true; value: T } | { ok: false; message: string; index?: number };
/** A refused entry of a list field. */
export interface EntryProblem {
  message: string;
  index?: number;
}
const ok = <T>(value: T): Checked<T> => ({ ok: true, value });
const bad = <T>(message: string, index?: number): Checked<T> => ({ ok: false, message, index });

function checkBoolean(value: unknown): Checked<boolean> {
  return typeof value === 'boolean' ? ok(value) : bad('must be true or false');
}

function checkPathString(value: unknown, context: SettingsCheckContext): Checked<string> {
  if (typeof value !== 'string' || value.trim() === '') return bad('must be a folder path');
  if (value.length > MAX_PATH) return bad(`is longer than ${MAX_PATH} characters`);
  if (CONTROL.test(value)) return bad('contains a control character or line break');
  const api = pathApi(context.platform);
  if (!api.isAbsolute(value) && !isWindowsDrivePath(value)) return bad('must be an absolute path');
  return ok(value);
}

function checkPort(value: unknown): Checked<number> {
  return typeof value === 'number' && Number.isInteger(value) && value >= 1 && value <= 65535
    ? ok(value)
    : bad('must be a port number between 1 and 65535, e.g. 18789');
}

function checkImage(value: unknown): Checked<string> {
  if (typeof value !== 'string') return bad('must be an image name such as openclaw:local');
  const problem = checkImageReference(value);
  return problem ? bad(`${value} ${problem}`) : ok(value);
}

/**
 * One mount's shape. Commas and extra colons are refused here because the stack's `.env` stores
 * the list as comma-separated `source:target[:ro]`: such a path would come back as something else.
 */
function checkMount(value: unknown, index: number): Checked<ExtraMount> {
  if (!isPlainObject(value)) return bad('must be {source, target, readOnly}', index);
  const { source, target, readOnly } = value;
  if (typeof source !== 'string' || source === '')
    return bad('needs a host folder (source)', index);
  if (typeof target !== 'string' || target === '')
    return bad('needs a container path (target)', index);
  if (readOnly !== undefined && typeof readOnly !== 'boolean')
    return bad('readOnly must be true or false', index);
  if (source.length > MAX_PATH || target.length > MAX_PATH)
    return bad(`has a path longer than ${MAX_PATH} characters`, index);
  if (source.includes(','))
    return bad(`host path ${source} contains ",", which separates mounts in .env`, index);
  const sourceBody = isWindowsDrivePath(source) ? source.slice(2) : source;
  if (sourceBody.includes(':'))
    return bad(`host path ${source} contains ":", which separates source and target`, index);
  return ok({ source, target, readOnly: readOnly === true });
}

export function checkMounts(value: unknown): { mounts: ExtraMount[]; problems: EntryProblem[] } {
  if (!Array.isArray(value))
    return { mounts: [], problems: [{ message: 'must be a list of mounts' }] };
  const mounts: ExtraMount[] = [];
  const problems: EntryProblem[] = [];
  value.forEach((entry, i) => {
    const checked = checkMount(entry, i);
    if (checked.ok) mounts.push(checked.value);
    else problems.push({ message: checked.message, index: i });
  });
  return { mounts, problems };
}

export function checkPackages(value: unknown): { packages: string[]; problems: EntryProblem[] } {
  if (!Array.isArray(value))
    return { packages: [], problems: [{ message: 'must be a list of package names' }] };
  const packages: string[] = [];
  const problems: EntryProblem[] = [];
  value.forEach((entry, i) => {
    // Blanks would split one entry into two packages in the space-separated build argument.
    if (typeof entry !== 'string' || entry === '' || /\s/.test(entry))
      problems.push({ message: 'must be one package name without spaces', index: i });
    else packages.push(entry);
  });
  return { packages, problems };
}

function checkHomeVolume(value: unknown): Checked<HomeVolume> {
  if (value === null) return ok(null);
  if (!isPlainObject(value))
    return bad('must be null, {kind:"volume",name} or {kind:"bind",source}');
  if (value.kind === 'volume' && typeof value.name === 'string' && value.name !== '')
    return ok({ kind: 'volume', name: value.name });
  if (value.kind === 'bind' && typeof value.source === 'string' && value.source !== '')
    return ok({ kind: 'bind', source: value.source });
  return bad('must be null, {kind:"volume",name} or {kind:"bind",source}');
}

/** Shape of one scalar field; list fields go through checkMounts/checkPackages. */
export function checkScalarField(
  field: SettingsField,
  value: unknown,
  context: SettingsCheckContext,
): Checked<unknown> {
  switch (field) {
    case 'startAtLogin':
    case 'startInBackground':
    case 'closeToTray':
    case 'stopGatewayOnQuit':
    case 'checkForUpdates':
    case 'exposeOnLan':
      return checkBoolean(value);
    case 'stackDir':
    case 'configDir':
    case 'workspaceDir':
      return checkPathString(value, context);
    case 'gatewayPort':
      return checkPort(value);
    case 'image':
      return checkImage(value);
    case 'previousImage':
      return value === undefined || value === null ? ok(undefined) : checkImage(value);
    case 'homeVolume':
      return checkHomeVolume(value);
    default:
      return bad('is not a known setting');
  }
}
