/**
 * The wizard's editable copy of the stack settings. Text stays text while typed (a port is "1878"
 * on the way to 18789), so the draft is its own shape; `draftToSettings` turns a valid draft into
 * what the host takes. One small store per wizard instance, outside React, so it is testable.
 */
import { createStore, type StoreApi } from 'zustand';
import type {
  ExtraMount,
  StackProblem,
  StackSection,
  StackSettings,
} from '../../../../electron/contract/host-api.js';
import {
  checkAptPackage,
  checkHostFolder,
  checkMounts,
  checkPort,
  checkVolumeName,
  type MountProblems,
} from './validation.js';

export type HomeKind = 'off' | 'volume' | 'bind';

export interface MountRow extends ExtraMount {
  /** Stable row identity for React and focus (not sent to the host). */
  key: string;
  /**
   * Fields of a just-added row nobody has typed in yet: no error for them even when problems are
   * already shown (a new empty row must not start red). Cleared by input, or by the next "Next".
   */
  pristine?: ReadonlyArray<'source' | 'target'>;
}

export interface StackDraft {
  configDir: string;
  workspaceDir: string;
  mounts: MountRow[];
  packages: string[];
  homeKind: HomeKind;
  homeName: string;
  homeSource: string;
  port: string;
  exposeOnLan: boolean;
}

export interface DraftProblems {
  configDir?: string;
  workspaceDir?: string;
  mounts: MountProblems[];
  packages: Record<string, string>;
  home?: string;
  port?: string;
  /** The host's warnings that still apply to the draft (shown, but they let the user go on). */
  warnings: StackProblem[];
}

export const DEFAULT_HOME_VOLUME = 'openclaw-home';

/**
 * The app's compose project (docker/setup/run-setup.ts PROJECT_NAME; the renderer may not import
 * docker/). Compose prefixes the volumes it creates with it: the home volume `uxtest-home` is
 * `openclaw_uxtest-home` in `docker volume ls`, and the user should know to look for that.
 */
export const COMPOSE_PROJECT = 'openclaw';

export function dockerVolumeName(name: string): string {
  return `${COMPOSE_PROJECT}_${name}`;
}

let rowCounter = 0;
const rowKey = () => `m${++rowCounter}`;

export function draftFromSettings(s: StackSettings): StackDraft {
  return {
    configDir: s.configDir,
    workspaceDir: s.workspaceDir,
    mounts: s.extraMounts.map((m) => ({ ...m, key: rowKey() })),
    packages: [...s.aptPackages],
    homeKind: s.homeVolume === null ? 'off' : s.homeVolume.kind,
    homeName: s.homeVolume?.kind === 'volume' ? s.homeVolume.name : DEFAULT_HOME_VOLUME,
    homeSource: s.homeVolume?.kind === 'bind' ? s.homeVolume.source : '',
    port: String(s.gatewayPort),
    exposeOnLan: s.exposeOnLan,
  };
}

export function draftToSettings(d: StackDraft): StackSettings {
  return {
    configDir: d.configDir.trim(),
    workspaceDir: d.workspaceDir.trim(),
    gatewayPort: Number(d.port.trim()),
    exposeOnLan: d.exposeOnLan,
    extraMounts: d.mounts.map((m) => ({
      source: m.source.trim(),
      target: m.target.trim(),
      readOnly: m.readOnly,
    })),
    aptPackages: [...d.packages],
    homeVolume:
      d.homeKind === 'off'
        ? null
        : d.homeKind === 'volume'
          ? { kind: 'volume', name: d.homeName.trim() }
          : { kind: 'bind', source: d.homeSource.trim() },
  };
}

function comparable(p: string): string {
  return p.trim().replace(/\\/g, '/').replace(/\/+$/, '').toLowerCase();
}

/** The draft's current value for what a host problem is about (to tell a stale problem). */
function currentValue(d: StackDraft, p: StackProblem): string | undefined {
  switch (p.field) {
    case 'configDir':
      return d.configDir.trim();
    case 'workspaceDir':
      return d.workspaceDir.trim();
    case 'gatewayPort':
      return d.port.trim();
    case 'aptPackages':
      return p.index === undefined ? undefined : d.packages[p.index];
    case 'homeVolume':
      return d.homeKind === 'volume'
        ? d.homeName.trim()
        : d.homeKind === 'bind'
          ? d.homeSource.trim()
          : undefined;
    case 'extraMounts': {
      const row = p.index === undefined ? undefined : d.mounts[p.index];
      if (!row) return undefined;
      return p.part === 'target' ? row.target.trim() : row.source.trim();
    }
  }
}

/** Host problems that still describe the draft: editing the value makes its problem go away. */
export function liveHostProblems(d: StackDraft, host: readonly StackProblem[]): StackProblem[] {
  return host.filter((p) => currentValue(d, p) === p.value);
}

export function draftProblems(d: StackDraft, host: readonly StackProblem[] = []): DraftProblems {
  const problems: DraftProblems = { mounts: checkMounts(d.mounts), packages: {}, warnings: [] };
  const configDir = checkHostFolder(d.configDir);
  if (configDir) problems.configDir = configDir;
  const workspaceDir = checkHostFolder(d.workspaceDir);
  if (workspaceDir) problems.workspaceDir = workspaceDir;
  for (const p of d.packages) {
    const problem = checkAptPackage(p);
    if (problem) problems.packages[p] = problem;
  }
  if (d.homeKind === 'volume') {
    const home = checkVolumeName(d.homeName);
    if (home) problems.home = home;
  } else if (d.homeKind === 'bind') {
    const home = checkHostFolder(d.homeSource);
    if (home) problems.home = home;
    else if ([d.configDir, d.workspaceDir].some((x) => comparable(x) === comparable(d.homeSource)))
      problems.home =
        'This is the config or workspace folder; give the home folder a place of its own.';
  }
  const port = checkPort(d.port);
  if (port) problems.port = port;
  // The host's checks (the same rules Install applies) fill in where the quick local checks
  // found nothing; a local problem is about the current text and always wins.
  for (const p of liveHostProblems(d, host)) {
    if (p.severity === 'warning') {
      problems.warnings.push(p);
      continue;
    }
    if (p.field === 'configDir') problems.configDir ??= p.message;
    else if (p.field === 'workspaceDir') problems.workspaceDir ??= p.message;
    else if (p.field === 'gatewayPort') problems.port ??= p.message;
    else if (p.field === 'homeVolume') problems.home ??= p.message;
    else if (p.field === 'aptPackages') {
      const name = d.packages[p.index ?? -1];
      if (name !== undefined) problems.packages[name] ??= p.message;
    } else if (p.index !== undefined) {
      const row = (problems.mounts[p.index] ??= {});
      if (p.part === 'target') row.target ??= p.message;
      else row.source ??= p.message;
    }
  }
  return problems;
}

export type DraftSection = StackSection;

/** Whether a section (or the whole draft) has problems. */
export function sectionHasProblems(p: DraftProblems, section?: DraftSection): boolean {
  const sections: Record<DraftSection, boolean> = {
    folders: Boolean(p.configDir || p.workspaceDir),
    mounts: p.mounts.some((m) => m.source || m.target),
    packages: Object.keys(p.packages).length > 0,
    home: Boolean(p.home),
    port: Boolean(p.port),
  };
  return section ? sections[section] : Object.values(sections).some(Boolean);
}

/** Equal as far as the host is concerned (order of mounts and packages matters to the host too). */
export function sameSettings(a: StackSettings, b: StackSettings): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/**
 * The wizard section a failed setup or apply is about, by the host's error code: a missing base
 * image or an unreachable apt mirror is the machine's problem, not a choice to change (the failing
 * build step's text mentions apt packages all the same); an unknown package is Packages; a refused
 * input is guessed from its words only when no structured problems came with it. Anything else
 * (a compose or health failure) is about no step: the user goes back to the review.
 */
export function sectionForFailure(
  code: string | undefined,
  message: string,
): DraftSection | undefined {
  if (code === 'APT_PACKAGE_NOT_FOUND') return 'packages';
  if (
    code === 'STACK_INPUT_INVALID' ||
    code === 'GATEWAY_PORT_IN_USE' ||
    code === 'INVALID_ARGUMENT'
  )
    return sectionForHostError(message);
  return undefined;
}

/**
 * Which section a host error message is about, guessed from its words. Only for messages that
 * come without structured problems; the wizard asks the host (`stack.check`) instead.
 */
export function sectionForHostError(message: string): DraftSection | undefined {
  const m = message.toLowerCase();
  if (/extra_mounts|extramounts|mount/.test(m)) return 'mounts';
  if (/apt|package/.test(m)) return 'packages';
  if (/home_volume|homevolume|home volume|home folder/.test(m)) return 'home';
  if (/port/.test(m)) return 'port';
  if (/config_dir|workspace_dir|configdir|workspacedir|config folder|workspace/.test(m))
    return 'folders';
  return undefined;
}

export interface DraftState {
  draft: StackDraft;
  /** The draft as loaded (to tell what changed). */
  initial: StackSettings;
  /** Show problems of untouched fields too (after "Next" or "Review" was pressed). */
  showAll: boolean;
  /** The host's last check of the draft (stale entries are ignored, see liveHostProblems). */
  hostProblems: StackProblem[];
  setHostProblems(problems: StackProblem[]): void;
  update(patch: Partial<Omit<StackDraft, 'mounts'>>): void;
  addMount(): void;
  updateMount(key: string, patch: Partial<ExtraMount>): void;
  removeMount(key: string): void;
  setShowAll(showAll: boolean): void;
  reset(settings: StackSettings): void;
}

export type DraftStore = StoreApi<DraftState>;

export function createDraftStore(initial: StackSettings): DraftStore {
  return createStore<DraftState>()((set, get) => ({
    draft: draftFromSettings(initial),
    initial,
    showAll: false,
    hostProblems: [],
    setHostProblems: (hostProblems) => set({ hostProblems }),
    update: (patch) => set({ draft: { ...get().draft, ...patch } }),
    addMount: () =>
      set({
        draft: {
          ...get().draft,
          mounts: [
            ...get().draft.mounts,
            {
              key: rowKey(),
              source: '',
              target: '',
              readOnly: true,
              pristine: ['source', 'target'],
            },
          ],
        },
      }),
    updateMount: (key, patch) =>
      set({
        draft: {
          ...get().draft,
          mounts: get().draft.mounts.map((m) =>
            m.key === key
              ? {
                  ...m,
                  ...patch,
                  pristine: m.pristine?.filter((field) => !(field in patch)),
                }
              : m,
          ),
        },
      }),
    removeMount: (key) =>
      set({ draft: { ...get().draft, mounts: get().draft.mounts.filter((m) => m.key !== key) } }),
    // Asking to see every problem (Next, Review) counts the new rows in too.
    setShowAll: (showAll) =>
      set({
        showAll,
        ...(showAll
          ? {
              draft: {
                ...get().draft,
                mounts: get().draft.mounts.map(({ pristine: _, ...m }) => m),
              },
            }
          : {}),
      }),
    reset: (settings) =>
      set({
        draft: draftFromSettings(settings),
        initial: settings,
        showAll: false,
        hostProblems: [],
      }),
  }));
}
