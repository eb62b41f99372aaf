/**
 * Validation of the app's settings: the shape of every field (settings-fields.ts), then the stack
 * fields (folders, port, mounts, home volume, apt packages, image) through docker/stack's
 * `parseSetupInputs` — the very parser `./docker-setup.sh` runs — so the wizard can never accept a
 * value the script would refuse, or the other way round. Two modes: lenient for a file on disk
 * (bad values fall back to defaults with a warning) and strict for a patch from the UI (every
 * problem reported, nothing saved).
 */
import type { StackSettings } from '../../contract/host-api.js';
import {
  ALL_INTERFACES_PUBLISH_ADDRESS,
  DEFAULT_IMAGE,
  LOOPBACK_PUBLISH_ADDRESS,
  formatExtraMounts,
  formatHomeVolume,
  parseSetupInputs,
  type SetupInputProblem,
} from '../../../docker/stack/index.js';
import {
  checkMounts,
  checkPackages,
  checkScalarField,
  defaultWorkspaceDir,
  isPlainObject,
  SETTINGS_FIELDS,
  STACK_FIELDS,
  type DesktopSettings,
  type SettingsCheckContext,
  type SettingsField,
  type SettingsProblem,
} from './settings-fields.js';

export {
  defaultWorkspaceDir,
  SETTINGS_FIELDS,
  type DesktopSettings,
  type SettingsCheckContext,
  type SettingsField,
  type SettingsProblem,
} from './settings-fields.js';

/** Where the gateway port is published: every interface only when the user opened it to the LAN. */
export function publishAddressOf(
  settings: Pick<StackSettings, 'exposeOnLan'>,
): '127.0.0.1' | '0.0.0.0' {
  return settings.exposeOnLan ? ALL_INTERFACES_PUBLISH_ADDRESS : LOOPBACK_PUBLISH_ADDRESS;
}

/** The OPENCLAW_* variables `runSetup`/`docker-setup.sh` read, for the stack fields. */
export function stackSetupEnv(
  settings: StackSettings & { image?: string },
): Record<string, string> {
  return {
    OPENCLAW_CONFIG_DIR: settings.configDir,
    OPENCLAW_WORKSPACE_DIR: settings.workspaceDir,
    OPENCLAW_GATEWAY_PORT: String(settings.gatewayPort),
    // The gateway always binds all interfaces inside the container; exposure is decided by the
    // published address, not by --bind.
    OPENCLAW_GATEWAY_PUBLISH_ADDRESS: publishAddressOf(settings),
    OPENCLAW_GATEWAY_BIND: 'lan',
    OPENCLAW_IMAGE: settings.image ?? DEFAULT_IMAGE,
    OPENCLAW_EXTRA_MOUNTS: formatExtraMounts(settings.extraMounts),
    OPENCLAW_HOME_VOLUME: formatHomeVolume(settings.homeVolume ?? undefined),
    OPENCLAW_DOCKER_APT_PACKAGES: settings.aptPackages.join(' '),
  };
}

const INPUT_FIELDS: Record<string, SettingsField> = {
  OPENCLAW_CONFIG_DIR: 'configDir',
  OPENCLAW_WORKSPACE_DIR: 'workspaceDir',
  OPENCLAW_GATEWAY_PORT: 'gatewayPort',
  OPENCLAW_GATEWAY_PUBLISH_ADDRESS: 'exposeOnLan',
  OPENCLAW_IMAGE: 'image',
  OPENCLAW_EXTRA_MOUNTS: 'extraMounts',
  OPENCLAW_HOME_VOLUME: 'homeVolume',
  OPENCLAW_DOCKER_APT_PACKAGES: 'aptPackages',
};

function problemFor(settings: DesktopSettings, p: SetupInputProblem): SettingsProblem {
  const field = INPUT_FIELDS[p.input] ?? '(settings)';
  let index: number | undefined;
  if (field === 'extraMounts') {
    const i = settings.extraMounts.findIndex((m) => formatExtraMounts([m]) === p.value);
    index = i >= 0 ? i : undefined;
  } else if (field === 'aptPackages') {
    const i = settings.aptPackages.indexOf(p.value);
    index = i >= 0 ? i : undefined;
  }
  return { field, index, message: p.message };
}

export type StackAgreement =
  | { ok: true; settings: DesktopSettings; notes: string[] }
  | { ok: false; problems: SettingsProblem[] };

/**
 * Runs the stack fields through `parseSetupInputs` and adopts its normalised values (trailing
 * separators dropped, duplicate packages removed), so what is saved is exactly what setup uses.
 */
export function checkStackAgreement(
  settings: DesktopSettings,
  context: SettingsCheckContext,
): StackAgreement {
  const parsed = parseSetupInputs(stackSetupEnv(settings), { homeDir: context.homeDir });
  if (!parsed.ok) return { ok: false, problems: parsed.errors.map((p) => problemFor(settings, p)) };
  const v = parsed.value;
  const problems: SettingsProblem[] = [];
  // A volume name must come back as a volume (a name with "/" would silently become a bind).
  if ((v.homeVolume?.kind ?? null) !== (settings.homeVolume?.kind ?? null)) {
    problems.push({
      field: 'homeVolume',
      message:
        settings.homeVolume?.kind === 'volume'
          ? 'volume name must be letters, digits, "_", "." and "-" (no slashes)'
          : 'bind source must be an absolute host path',
    });
  }
  if (v.extraMounts.length !== settings.extraMounts.length) {
    problems.push({ field: 'extraMounts', message: 'mounts did not survive the .env round trip' });
  }
  if (problems.length > 0) return { ok: false, problems };
  return {
    ok: true,
    notes: parsed.warnings,
    settings: {
      ...settings,
      configDir: v.configDir,
      workspaceDir: v.workspaceDir,
      gatewayPort: v.gatewayPort,
      image: v.image,
      extraMounts: v.extraMounts.map((m) => ({ ...m })),
      homeVolume: v.homeVolume ? { ...v.homeVolume } : null,
      aptPackages: [...v.aptPackages],
    },
  };
}

export interface SanitisedSettings {
  settings: DesktopSettings;
  warnings: string[];
  notes: string[];
}

function describe(problem: SettingsProblem): string {
  const at = problem.index !== undefined ? `${problem.field}[${problem.index}]` : problem.field;
  return `${at}: ${problem.message}`;
}

/**
 * Lenient: a settings document from disk. Unknown keys are ignored, a bad value falls back to its
 * default, a bad mount or package is dropped on its own — each with a warning — so a hand edit or
 * an older app version can never keep the app from starting.
 */
export function sanitiseSettings(
  raw: unknown,
  defaults: DesktopSettings,
  context: SettingsCheckContext,
): SanitisedSettings {
  const warnings: string[] = [];
  if (!isPlainObject(raw)) {
    return {
      settings: defaults,
      warnings: ['the settings file is not a JSON object; using defaults'],
      notes: [],
    };
  }
  const out: Record<string, unknown> = { ...defaults };
  for (const key of Object.keys(raw)) {
    if (!(SETTINGS_FIELDS as readonly string[]).includes(key))
      warnings.push(`unknown setting "${key}" ignored`);
  }
  for (const field of SETTINGS_FIELDS) {
    if (!Object.hasOwn(raw, field)) continue;
    const value = raw[field];
    if (field === 'extraMounts') {
      const { mounts, problems } = checkMounts(value);
      out.extraMounts = mounts;
      for (const p of problems) warnings.push(describe({ field, ...p }) + '; dropped');
    } else if (field === 'aptPackages') {
      const { packages, problems } = checkPackages(value);
      out.aptPackages = packages;
      for (const p of problems) warnings.push(describe({ field, ...p }) + '; dropped');
    } else {
      const checked = checkScalarField(field, value, context);
      if (checked.ok) out[field] = checked.value;
      else warnings.push(`${field}: ${checked.message}; using the default`);
    }
  }
  if (out.previousImage === undefined) delete out.previousImage;
  let current = out as DesktopSettings;
  // Each round drops or resets what parseSetupInputs refused; a few rounds always converge. A
  // default that setup itself refuses (a config folder under /root when running as root) cannot
  // be repaired here: it is a note for the wizard, not a problem of the file.
  for (let round = 0; round < 4; round += 1) {
    const agreement = checkStackAgreement(current, context);
    if (agreement.ok) return { settings: agreement.settings, warnings, notes: agreement.notes };
    const isDefault = (p: SettingsProblem): boolean =>
      p.field === '(settings)' ||
      (p.index === undefined &&
        JSON.stringify(current[p.field]) === JSON.stringify(defaults[p.field]));
    const unfixable = agreement.problems.filter(isDefault);
    const fixable = agreement.problems.filter((p) => !isDefault(p));
    if (fixable.length === 0) {
      return {
        settings: current,
        warnings,
        notes: unfixable.map((p) => `${describe(p)} (setup will refuse this until it is changed)`),
      };
    }
    const next = { ...current };
    for (const problem of fixable) {
      warnings.push(
        `${describe(problem)}; ${problem.index !== undefined ? 'dropped' : 'using the default'}`,
      );
      if (problem.field === '(settings)') continue;
      if (problem.field === 'extraMounts' && problem.index !== undefined)
        next.extraMounts = next.extraMounts.filter(
          (m) => m !== current.extraMounts[problem.index!],
        );
      else if (problem.field === 'aptPackages' && problem.index !== undefined)
        next.aptPackages = next.aptPackages.filter(
          (p) => p !== current.aptPackages[problem.index!],
        );
      else Object.assign(next, { [problem.field]: defaults[problem.field] });
    }
    current = next;
  }
  const reset = { ...current };
  for (const field of STACK_FIELDS) Object.assign(reset, { [field]: defaults[field] });
  warnings.push('the stack settings could not be repaired; using the defaults');
  return { settings: reset, warnings, notes: [] };
}

export type PatchResult =
  | { ok: true; settings: DesktopSettings; notes: string[] }
  | { ok: false; problems: SettingsProblem[] };

/**
 * Strict: a patch from the UI or the headless API. Every problem is reported (one round of fixes
 * for the user), nothing is applied when there is any. A config folder change moves a workspace
 * that was at its default place (`<config>/workspace`) along with it.
 */
export function applySettingsPatch(
  current: DesktopSettings,
  patch: unknown,
  context: SettingsCheckContext,
): PatchResult {
  if (!isPlainObject(patch))
    return { ok: false, problems: [{ field: '(settings)', message: 'must be an object' }] };
  const problems: SettingsProblem[] = [];
  const next: Record<string, unknown> = { ...current };
  for (const [key, value] of Object.entries(patch)) {
    if (!(SETTINGS_FIELDS as readonly string[]).includes(key)) {
      problems.push({ field: '(settings)', message: `unknown setting "${key}"` });
      continue;
    }
    const field = key as SettingsField;
    if (field === 'extraMounts') {
      const checked = checkMounts(value);
      for (const p of checked.problems)
        problems.push({ field, index: p.index, message: p.message });
      next.extraMounts = checked.mounts;
    } else if (field === 'aptPackages') {
      const checked = checkPackages(value);
      for (const p of checked.problems)
        problems.push({ field, index: p.index, message: p.message });
      next.aptPackages = checked.packages;
    } else {
      const checked = checkScalarField(field, value, context);
      if (checked.ok) next[field] = checked.value;
      else problems.push({ field, message: checked.message });
    }
  }
  if (next.previousImage === undefined) delete next.previousImage;
  const merged = next as DesktopSettings;
  if (
    Object.hasOwn(patch, 'configDir') &&
    !Object.hasOwn(patch, 'workspaceDir') &&
    current.workspaceDir === defaultWorkspaceDir(current.configDir, context.platform)
  ) {
    merged.workspaceDir = defaultWorkspaceDir(merged.configDir, context.platform);
  }
  // Run the setup parser even after shape problems (on the values that passed), so the user sees
  // every problem in one round.
  const agreement = checkStackAgreement(merged, context);
  if (agreement.ok) {
    if (problems.length > 0) return { ok: false, problems };
    return { ok: true, settings: agreement.settings, notes: agreement.notes };
  }
  // Only what this patch introduces blocks it: a problem the saved settings already had (a
  // refused default) must not keep the user from changing an unrelated setting.
  const before = checkStackAgreement(current, context);
  const existing = new Set(before.ok ? [] : before.problems.map(describe));
  problems.push(...agreement.problems.filter((p) => !existing.has(describe(p))));
  if (problems.length > 0) return { ok: false, problems };
  return {
    ok: true,
    settings: merged,
    notes: agreement.problems.map(
      (p) => `${describe(p)} (setup will refuse this until it is changed)`,
    ),
  };
}

export function formatSettingsProblems(problems: readonly SettingsProblem[]): string {
  return problems.map((p) => `- ${describe(p)}`).join('\n');
}
