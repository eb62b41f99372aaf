/**
 * Merges `agents.defaults.sandbox` with the agent's own `agents.list[].sandbox` into one set of
 * effective settings, remembering which config path decided each top-level value so that
 * `openclaw sandbox explain` can say why. Merge rules follow upstream so existing configs behave
 * the same: the agent wins for scalars, env and ulimits merge, binds concatenate, and in `shared`
 * scope the agent's docker/browser/prune blocks are ignored (one container cannot honour two).
 */
import path from 'node:path';
import type {
  AgentEntryConfig,
  OpenClawConfig,
  SandboxBrowserConfig,
  SandboxConfig,
  SandboxDockerConfig,
  SandboxMode,
  SandboxUlimitConfig,
} from '../../config/config-types.js';
import { expandUserPath, type StatePaths } from '../../config/paths.js';
import { SANDBOX_DEFAULTS, type SandboxScope, type WorkspaceAccess } from '../contract.js';

export const SANDBOX_BROWSER_DEFAULTS = {
  image: 'openclaw-sandbox-browser:bookworm-slim',
  containerPrefix: 'openclaw-sbx-browser-',
  network: 'openclaw-sandbox-browser',
  cdpPort: 9222,
  vncPort: 5900,
  noVncPort: 6080,
  autoStartTimeoutMs: 12_000,
} as const;

/** A config path, or `default` when no config key was set. */
export type SettingSource = string;

export interface MergedDockerConfig {
  image: string;
  containerPrefix: string;
  workdir: string;
  readOnlyRoot: boolean;
  tmpfs: string[];
  network: string;
  user?: string;
  capDrop: string[];
  env: Record<string, string>;
  setupCommand?: string | string[];
  pidsLimit?: number;
  memory?: string | number;
  memorySwap?: string | number;
  cpus?: number;
  gpus?: string;
  ulimits?: Record<string, SandboxUlimitConfig>;
  seccompProfile?: string;
  apparmorProfile?: string;
  dns?: string[];
  extraHosts?: string[];
  binds?: string[];
  dangerouslyAllowReservedContainerTargets: boolean;
  dangerouslyAllowExternalBindSources: boolean;
  dangerouslyAllowContainerNamespaceJoin: boolean;
}

export interface MergedBrowserConfig {
  enabled: boolean;
  image: string;
  containerPrefix: string;
  network: string;
  cdpPort: number;
  cdpSourceRange?: string;
  vncPort: number;
  noVncPort: number;
  headless: boolean;
  noVncEnabled: boolean;
  allowHostControl: boolean;
  autoStart: boolean;
  autoStartTimeoutMs: number;
  /** Browser binds replace docker binds when either level defines them (even as []). */
  binds?: string[];
}

export interface SandboxSettings {
  agentId: string;
  mode: SandboxMode;
  scope: SandboxScope;
  workspaceAccess: WorkspaceAccess;
  /** Absolute; `~` expanded. */
  workspaceRoot: string;
  docker: MergedDockerConfig;
  browser: MergedBrowserConfig;
  prune: { idleHours: number; maxAgeDays: number };
  sources: {
    mode: SettingSource;
    scope: SettingSource;
    workspaceAccess: SettingSource;
    workspaceRoot: SettingSource;
  };
  /** The agent's docker/browser/prune blocks were set but ignored because the scope is shared. */
  agentOverridesIgnored: boolean;
}

/** The agent's entry and its config path (`agents.list[i]`), ids compared case-insensitively. */
export function findAgentEntry(
  config: OpenClawConfig,
  agentId: string,
): { index: number; path: string; entry: AgentEntryConfig } | undefined {
  const list = config.agents?.list ?? [];
  const wanted = agentId.toLowerCase();
  const index = list.findIndex((a) => a.id.toLowerCase() === wanted);
  if (index < 0) return undefined;
  return { index, path: `agents.list[${index}]`, entry: list[index]! };
}

function pick<T>(
  agent: T | undefined,
  global: T | undefined,
  fallback: T,
  key: string,
  agentPath: string | undefined,
): { value: T; source: SettingSource } {
  if (agent !== undefined && agentPath)
    return { value: agent, source: `${agentPath}.sandbox.${key}` };
  if (global !== undefined) return { value: global, source: `agents.defaults.sandbox.${key}` };
  return { value: fallback, source: 'default' };
}

function resolveScope(
  agent: SandboxConfig | undefined,
  global: SandboxConfig | undefined,
  agentPath: string | undefined,
): { value: SandboxScope; source: SettingSource } {
  const fromLegacy = (v: boolean): SandboxScope => (v ? 'session' : 'shared');
  if (agent?.scope && agentPath)
    return { value: agent.scope, source: `${agentPath}.sandbox.scope` };
  if (agent?.perSession !== undefined && agentPath)
    return { value: fromLegacy(agent.perSession), source: `${agentPath}.sandbox.perSession` };
  if (global?.scope) return { value: global.scope, source: 'agents.defaults.sandbox.scope' };
  if (global?.perSession !== undefined)
    return { value: fromLegacy(global.perSession), source: 'agents.defaults.sandbox.perSession' };
  return { value: 'agent', source: 'default' };
}

function mergeDocker(
  global: SandboxDockerConfig | undefined,
  agent: SandboxDockerConfig | undefined,
): MergedDockerConfig {
  const g = global ?? {};
  const a = agent ?? {};
  // LANG keeps tools that print UTF-8 from failing in a bare image; an explicit global env is
  // taken as the user's whole intent, so it does not get LANG added.
  const baseEnv = g.env ?? { LANG: 'C.UTF-8' };
  const binds = [...(g.binds ?? []), ...(a.binds ?? [])];
  const ulimits = g.ulimits || a.ulimits ? { ...g.ulimits, ...a.ulimits } : undefined;
  return {
    image: a.image ?? g.image ?? SANDBOX_DEFAULTS.image,
    containerPrefix: a.containerPrefix ?? g.containerPrefix ?? SANDBOX_DEFAULTS.containerPrefix,
    workdir: a.workdir ?? g.workdir ?? SANDBOX_DEFAULTS.workdir,
    readOnlyRoot: a.readOnlyRoot ?? g.readOnlyRoot ?? true,
    tmpfs: [...(a.tmpfs ?? g.tmpfs ?? SANDBOX_DEFAULTS.tmpfs)],
    network: a.network ?? g.network ?? SANDBOX_DEFAULTS.network,
    user: a.user ?? g.user,
    capDrop: [...(a.capDrop ?? g.capDrop ?? SANDBOX_DEFAULTS.capDrop)],
    env: a.env ? { ...baseEnv, ...a.env } : { ...baseEnv },
    setupCommand: a.setupCommand ?? g.setupCommand,
    pidsLimit: a.pidsLimit ?? g.pidsLimit,
    memory: a.memory ?? g.memory,
    memorySwap: a.memorySwap ?? g.memorySwap,
    cpus: a.cpus ?? g.cpus,
    gpus: a.gpus ?? g.gpus,
    ulimits,
    seccompProfile: a.seccompProfile ?? g.seccompProfile,
    apparmorProfile: a.apparmorProfile ?? g.apparmorProfile,
    dns: a.dns ?? g.dns,
    extraHosts: a.extraHosts ?? g.extraHosts,
    binds: binds.length > 0 ? binds : undefined,
    dangerouslyAllowReservedContainerTargets:
      a.dangerouslyAllowReservedContainerTargets ??
      g.dangerouslyAllowReservedContainerTargets ??
      false,
    dangerouslyAllowExternalBindSources:
      a.dangerouslyAllowExternalBindSources ?? g.dangerouslyAllowExternalBindSources ?? false,
    dangerouslyAllowContainerNamespaceJoin:
      a.dangerouslyAllowContainerNamespaceJoin ?? g.dangerouslyAllowContainerNamespaceJoin ?? false,
  };
}

function mergeBrowser(
  global: SandboxBrowserConfig | undefined,
  agent: SandboxBrowserConfig | undefined,
): MergedBrowserConfig {
  const g = global ?? {};
  const a = agent ?? {};
  const D = SANDBOX_BROWSER_DEFAULTS;
  const definesBinds = g.binds !== undefined || a.binds !== undefined;
  return {
    enabled: a.enabled ?? g.enabled ?? false,
    image: a.image ?? g.image ?? D.image,
    containerPrefix: a.containerPrefix ?? g.containerPrefix ?? D.containerPrefix,
    network: a.network ?? g.network ?? D.network,
    cdpPort: a.cdpPort ?? g.cdpPort ?? D.cdpPort,
    cdpSourceRange: a.cdpSourceRange ?? g.cdpSourceRange,
    vncPort: a.vncPort ?? g.vncPort ?? D.vncPort,
    noVncPort: a.noVncPort ?? g.noVncPort ?? D.noVncPort,
    headless: a.headless ?? g.headless ?? false,
    noVncEnabled: a.noVncEnabled ?? a.enableNoVnc ?? g.noVncEnabled ?? g.enableNoVnc ?? true,
    allowHostControl: a.allowHostControl ?? g.allowHostControl ?? false,
    autoStart: a.autoStart ?? g.autoStart ?? true,
    autoStartTimeoutMs: a.autoStartTimeoutMs ?? g.autoStartTimeoutMs ?? D.autoStartTimeoutMs,
    binds: definesBinds ? [...(g.binds ?? []), ...(a.binds ?? [])] : undefined,
  };
}

export function resolveSandboxSettings(
  config: OpenClawConfig,
  agentId: string,
  paths: Pick<StatePaths, 'home' | 'stateDir'>,
): SandboxSettings {
  const global = config.agents?.defaults?.sandbox;
  const found = findAgentEntry(config, agentId);
  const agent = found?.entry.sandbox;
  const agentPath = found?.path;
  const mode = pick(agent?.mode, global?.mode, 'off' as SandboxMode, 'mode', agentPath);
  const scope = resolveScope(agent, global, agentPath);
  const access = pick(
    agent?.workspaceAccess,
    global?.workspaceAccess,
    'none' as WorkspaceAccess,
    'workspaceAccess',
    agentPath,
  );
  const root = pick(
    agent?.workspaceRoot,
    global?.workspaceRoot,
    path.join(paths.stateDir, 'sandboxes'),
    'workspaceRoot',
    agentPath,
  );
  const shared = scope.value === 'shared';
  const agentOverridesIgnored =
    shared &&
    (agent?.docker !== undefined || agent?.browser !== undefined || agent?.prune !== undefined);
  const own = shared ? undefined : agent;
  return {
    agentId,
    mode: mode.value,
    scope: scope.value,
    workspaceAccess: access.value,
    workspaceRoot: expandUserPath(root.value, paths),
    docker: mergeDocker(global?.docker, own?.docker),
    browser: mergeBrowser(global?.browser, own?.browser),
    prune: {
      idleHours: own?.prune?.idleHours ?? global?.prune?.idleHours ?? SANDBOX_DEFAULTS.idleHours,
      maxAgeDays:
        own?.prune?.maxAgeDays ?? global?.prune?.maxAgeDays ?? SANDBOX_DEFAULTS.maxAgeDays,
    },
    sources: {
      mode: mode.source,
      scope: scope.source,
      workspaceAccess: access.source,
      workspaceRoot: root.source,
    },
    agentOverridesIgnored,
  };
}
