/**
 * Turns the config into a `SandboxPlan` for one agent run: whether the session is sandboxed at
 * all, which container serves it, how that container is built and what it mounts. No Docker is
 * involved; the engine receives the plan fully defaulted. Settings that cannot be honoured safely
 * (a bind over the workspace mounts without the override) are refused here with the config path.
 */
import { statSync } from 'node:fs';
import path from 'node:path';
import type { OpenClawConfig, SandboxUlimitConfig } from '../../config/config-types.js';
import type { StatePaths } from '../../config/paths.js';
import { parseBindSpec } from '../../config/sandbox-schema.js';
import { ErrorCode, OpenClawError } from '../../infra/errors.js';
import {
  SANDBOX_DEFAULTS,
  type SandboxBind,
  type SandboxContainerSpec,
  type SandboxPlan,
} from '../contract.js';
import { SANDBOX_MOUNT_FORMAT_VERSION, sandboxConfigHash } from './sandbox-config-hash.js';
import { sanitizeSandboxEnv } from './sandbox-env.js';
import { sandboxContainerName, sandboxScopeKey, sandboxSlug } from './sandbox-naming.js';
import { isSandboxedSession } from './sandbox-session.js';
import {
  type MergedDockerConfig,
  resolveSandboxSettings,
  type SandboxSettings,
} from './sandbox-settings.js';

export interface WorkspaceOwner {
  uid: number;
  gid: number;
}

export interface ResolveSandboxPlanOptions {
  config: OpenClawConfig;
  agentId: string;
  sessionKey: string;
  paths: Pick<StatePaths, 'home' | 'stateDir'>;
  /** The agent's own workspace folder (the gateway's `workspaceFor`). */
  workspaceFor: (agentId: string) => string;
  /** Owner of a folder, for `docker.user` left blank; default: `stat` (see `statWorkspaceOwner`). */
  statWorkspaceOwner?: (dir: string) => WorkspaceOwner | undefined;
  /** Non-fatal notes (dropped env keys, shared scope, ignored agent blocks); never values. */
  warn?: (message: string) => void;
}

/**
 * The owner of `dir`, or of its nearest existing parent. The sandbox folder may not exist yet on
 * the first run; answering from the parent (which the gateway also owns) keeps the user, and so
 * the config hash, the same before and after the folder is created.
 */
export function statWorkspaceOwner(dir: string): WorkspaceOwner | undefined {
  // Windows reports uid/gid 0 for every file; that would make the sandbox run as root.
  if (process.platform === 'win32') return undefined;
  let current = path.resolve(dir);
  for (;;) {
    try {
      const st = statSync(current);
      return { uid: st.uid, gid: st.gid };
    } catch {
      const parent = path.dirname(current);
      if (parent === current) return undefined;
      current = parent;
    }
  }
}

function sizeString(value: string | number | undefined): string | undefined {
  if (value === undefined) return undefined;
  const text = typeof value === 'number' ? String(value) : value.trim();
  return text === '' ? undefined : text;
}

function normalizeUlimit(value: SandboxUlimitConfig): { soft?: number; hard?: number } {
  if (typeof value === 'number') return { soft: value, hard: value };
  if (typeof value === 'string') {
    const [soft, hard] = value.split(':').map(Number);
    return { soft, hard: hard ?? soft };
  }
  return { ...value };
}

function nonBlank(list: string[] | undefined): string[] | undefined {
  const kept = list?.map((v) => v.trim()).filter((v) => v !== '');
  return kept && kept.length > 0 ? kept : undefined;
}

function isUnder(target: string, root: string): boolean {
  return target === root || target.startsWith(root.endsWith('/') ? root : `${root}/`);
}

function configBinds(docker: MergedDockerConfig, reserved: string[]): SandboxBind[] {
  return (docker.binds ?? []).map((spec) => {
    const parsed = parseBindSpec(spec);
    if (!parsed) {
      throw new OpenClawError(
        ErrorCode.INVALID_ARGUMENT,
        `Sandbox bind "${spec}" is not "/host/path:/container/path[:ro]"; fix docker.binds.`,
      );
    }
    const target = path.posix.normalize(parsed.target);
    const clash = reserved.find((r) => isUnder(target, r));
    if (clash && !docker.dangerouslyAllowReservedContainerTargets) {
      throw new OpenClawError(
        ErrorCode.INVALID_ARGUMENT,
        `Sandbox bind "${spec}" mounts over ${clash}, where the workspace is mounted; pick another target or set docker.dangerouslyAllowReservedContainerTargets: true.`,
      );
    }
    return {
      // Normalised so `..` cannot walk a source out of an allowed root unnoticed.
      source: path.posix.normalize(parsed.source),
      target,
      readOnly: parsed.options.includes('ro'),
    };
  });
}

function buildSpec(
  settings: SandboxSettings,
  workspaceDir: string,
  agentWorkspaceDir: string,
  user: string | undefined,
  warn: (message: string) => void,
): SandboxContainerSpec {
  const d = settings.docker;
  const access = settings.workspaceAccess;
  const mounts: SandboxBind[] = [
    { source: workspaceDir, target: d.workdir, readOnly: access !== 'rw' },
  ];
  if (access !== 'none' && workspaceDir !== agentWorkspaceDir) {
    mounts.push({
      source: agentWorkspaceDir,
      target: SANDBOX_DEFAULTS.agentMount,
      readOnly: access === 'ro',
    });
  }
  if (
    d.network.trim().toLowerCase().startsWith('container:') &&
    !d.dangerouslyAllowContainerNamespaceJoin
  ) {
    throw new OpenClawError(
      ErrorCode.INVALID_ARGUMENT,
      `Sandbox network "${d.network}" joins another container's namespace; set docker.dangerouslyAllowContainerNamespaceJoin: true for agent ${settings.agentId} or use "none".`,
    );
  }
  const reserved = [...new Set([d.workdir, '/workspace', SANDBOX_DEFAULTS.agentMount])];
  const sanitized = sanitizeSandboxEnv(d.env);
  for (const { name, reason } of sanitized.dropped) warn(`sandbox env ${name} left out: ${reason}`);
  sanitized.warnings.forEach(warn);
  const setup = Array.isArray(d.setupCommand) ? d.setupCommand.join('\n') : d.setupCommand;
  return {
    image: d.image,
    workdir: d.workdir,
    readOnlyRoot: d.readOnlyRoot,
    tmpfs: [...d.tmpfs],
    network: d.network,
    user,
    capDrop: [...d.capDrop],
    env: { ...sanitized.env, OPENCLAW_CLI: '1' },
    setupCommand: setup?.trim() ? setup : undefined,
    pidsLimit: d.pidsLimit,
    memory: sizeString(d.memory),
    memorySwap: sizeString(d.memorySwap),
    cpus: d.cpus,
    ulimits: d.ulimits
      ? Object.fromEntries(Object.entries(d.ulimits).map(([k, v]) => [k, normalizeUlimit(v)]))
      : undefined,
    seccompProfile: d.seccompProfile,
    apparmorProfile: d.apparmorProfile,
    dns: nonBlank(d.dns),
    extraHosts: nonBlank(d.extraHosts),
    binds: [...mounts, ...configBinds(d, reserved)],
  };
}

/** The folder mounted at /workspace: the agent's own for `rw`, else the sandbox's. */
export function sandboxWorkspaceDirs(
  settings: Pick<SandboxSettings, 'scope' | 'workspaceRoot' | 'workspaceAccess'>,
  scopeKey: string,
  agentWorkspaceDir: string,
): { sandboxDir: string; workspaceDir: string } {
  const sandboxDir =
    settings.scope === 'shared'
      ? settings.workspaceRoot
      : path.join(settings.workspaceRoot, sandboxSlug(scopeKey));
  return {
    sandboxDir,
    workspaceDir: settings.workspaceAccess === 'rw' ? agentWorkspaceDir : sandboxDir,
  };
}

/** Build the plan from resolved settings, whatever the mode says (explain uses this too). */
export function buildSandboxPlan(
  settings: SandboxSettings,
  options: Omit<ResolveSandboxPlanOptions, 'config' | 'agentId' | 'paths'>,
): SandboxPlan {
  const warn = options.warn ?? (() => {});
  const agentId = settings.agentId;
  const scopeKey = sandboxScopeKey(settings.scope, options.sessionKey, agentId);
  const agentWorkspaceDir = path.resolve(options.workspaceFor(agentId));
  const { workspaceDir } = sandboxWorkspaceDirs(settings, scopeKey, agentWorkspaceDir);
  let user = settings.docker.user?.trim() || undefined;
  if (!user) {
    const owner = (options.statWorkspaceOwner ?? statWorkspaceOwner)(workspaceDir);
    if (owner) user = `${owner.uid}:${owner.gid}`;
  }
  if (settings.scope === 'shared')
    warn(
      `sandbox scope "shared": every session of every agent uses one container and can see the others' files`,
    );
  if (settings.agentOverridesIgnored)
    warn(`agent ${agentId}: its sandbox docker/browser/prune settings are ignored in shared scope`);
  if (settings.docker.gpus)
    warn(
      `sandbox docker.gpus "${settings.docker.gpus}" is not applied: GPUs are not passed to sandboxes yet`,
    );
  const spec = buildSpec(settings, workspaceDir, agentWorkspaceDir, user, warn);
  const configHash = sandboxConfigHash({
    spec,
    workspaceAccess: settings.workspaceAccess,
    workspaceDir,
    agentWorkspaceDir,
    mountFormatVersion: SANDBOX_MOUNT_FORMAT_VERSION,
  });
  return {
    agentId,
    sessionKey: options.sessionKey,
    scope: settings.scope,
    scopeKey,
    containerName: sandboxContainerName(settings.docker.containerPrefix, settings.scope, scopeKey),
    workspaceAccess: settings.workspaceAccess,
    workspaceDir,
    agentWorkspaceDir,
    configHash,
    spec,
    allowedBindRoots: [...new Set([workspaceDir, agentWorkspaceDir])],
    allowExternalBindSources: settings.docker.dangerouslyAllowExternalBindSources,
    prune: { ...settings.prune },
  };
}

/**
 * The sandbox plan for one run of `agentId` in `sessionKey`, or undefined when that session runs
 * directly on the gateway (mode `off`, or `non-main` and this is the agent's main session).
 * Throws an OpenClawError when the config asks for something unsafe that only shows once merged.
 */
export function resolveSandboxPlan(options: ResolveSandboxPlanOptions): SandboxPlan | undefined {
  const agentId = options.agentId.toLowerCase();
  const settings = resolveSandboxSettings(options.config, agentId, options.paths);
  if (!isSandboxedSession(settings.mode, options.config, agentId, options.sessionKey))
    return undefined;
  // The caller's own spelling of the id finds its workspace; names and keys use the lower case.
  return buildSandboxPlan(settings, {
    ...options,
    workspaceFor: () => options.workspaceFor(options.agentId),
  });
}
