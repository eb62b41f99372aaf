/**
 * What `sandbox list` / `sandboxes.list` show and what `recreate` removes. Each container's config
 * match is recomputed from the current config (the plan its scope key would get now), so it stays
 * truthful even for containers no run has touched since the config changed.
 */
import type { OpenClawConfig } from '../../config/config-types.js';
import type { StatePaths } from '../../config/paths.js';
import { ErrorCode, OpenClawError, errorMessage } from '../../infra/errors.js';
import { resolveSandboxBrowserPlan } from '../config/resolve-browser-plan.js';
import { buildSandboxPlan } from '../config/resolve-sandbox-plan.js';
import { agentIdFromSessionKey, agentWorkspaceDir } from '../config/sandbox-session.js';
import { resolveSandboxSettings } from '../config/sandbox-settings.js';
import type { SandboxApi, SandboxContainerInfo } from '../contract.js';

/** `yes`: built as the config asks now; `no`: a recreate would change it; `unknown`: cannot tell. */
export type ConfigMatch = 'yes' | 'no' | 'unknown';

export interface SandboxRow {
  containerName: string;
  scopeKey: string;
  agentId?: string;
  state: 'running' | 'stopped';
  image: string;
  createdAtMs: number;
  lastUsedAtMs: number;
  configMatch: ConfigMatch;
  /** Why `no` or `unknown` (image differs, hash differs, sandboxing off for the agent…). */
  configNote?: string;
}

export interface SandboxListing {
  containers: SandboxRow[];
  /** Browser sandboxes (`agents.*.sandbox.browser`), one per sandbox scope. */
  browsers: SandboxRow[];
}

export type RecreateTarget = { all: true } | { agentId: string } | { sessionKey: string };

type Paths = Pick<StatePaths, 'home' | 'stateDir' | 'workspaceDir'>;

function agentOf(c: SandboxContainerInfo): string | undefined {
  if (c.agentId) return c.agentId;
  const agentScope = /^agent:([^:]+)$/i.exec(c.scopeKey.trim());
  return agentScope ? agentScope[1]!.toLowerCase() : agentIdFromSessionKey(c.scopeKey);
}

/** The plan the current config gives this container's scope key, compared with the container. */
export function configMatchOf(
  c: SandboxContainerInfo,
  config: OpenClawConfig,
  paths: Paths,
): { match: ConfigMatch; note?: string } {
  const agentId = agentOf(c);
  if (!agentId || !c.scopeKey)
    return { match: 'unknown', note: 'no agent recorded on the container' };
  try {
    const settings = resolveSandboxSettings(config, agentId.toLowerCase(), paths);
    if (settings.mode === 'off')
      return { match: 'unknown', note: `sandboxing is off for agent ${agentId}` };
    // For agent and shared scope the session does not change the plan; the scope key stands in.
    const plan = buildSandboxPlan(settings, {
      sessionKey: c.scopeKey,
      workspaceFor: (id) => agentWorkspaceDir(config, paths, id),
    });
    if (plan.scopeKey !== c.scopeKey)
      return {
        match: 'no',
        note: `the config now gives agent ${agentId} ${plan.scope} scope, container ${plan.containerName}`,
      };
    if (plan.containerName !== c.containerName)
      return {
        match: 'no',
        note: `the config now names this scope's container ${plan.containerName}`,
      };
    if (plan.spec.image !== c.image)
      return { match: 'no', note: `image ${c.image}, config asks for ${plan.spec.image}` };
    if (plan.configHash !== c.configHash)
      return { match: 'no', note: 'config changed since creation' };
    return { match: 'yes' };
  } catch (err) {
    return { match: 'unknown', note: `the config cannot be resolved: ${errorMessage(err)}` };
  }
}

/** A browser container against the browser plan its scope key gets now. */
export function browserConfigMatchOf(
  c: SandboxContainerInfo,
  config: OpenClawConfig,
  paths: Paths,
): { match: ConfigMatch; note?: string } {
  const agentId = agentOf(c);
  if (!agentId || !c.scopeKey)
    return { match: 'unknown', note: 'no agent recorded on the container' };
  try {
    const settings = resolveSandboxSettings(config, agentId.toLowerCase(), paths);
    const plan = resolveSandboxBrowserPlan({
      config,
      plan: { agentId: agentId.toLowerCase(), scope: settings.scope, scopeKey: c.scopeKey },
      paths,
    });
    if (settings.mode === 'off' || !plan)
      return { match: 'no', note: `the browser sandbox is off for agent ${agentId}` };
    if (plan.containerName !== c.containerName)
      return { match: 'no', note: `the config now names it ${plan.containerName}` };
    if (plan.image !== c.image)
      return { match: 'no', note: `image ${c.image}, config asks for ${plan.image}` };
    // The label adds how CDP is reached to the plan's hash (see browser-engine.ts).
    if (!c.configHash.startsWith(`${plan.configHash}:`))
      return { match: 'no', note: 'config changed since creation' };
    return { match: 'yes' };
  } catch (err) {
    return { match: 'unknown', note: `the config cannot be resolved: ${errorMessage(err)}` };
  }
}

export function toSandboxRow(
  c: SandboxContainerInfo,
  config: OpenClawConfig,
  paths: Paths,
): SandboxRow {
  const { match, note } = c.browser
    ? browserConfigMatchOf(c, config, paths)
    : configMatchOf(c, config, paths);
  const agentId = agentOf(c);
  return {
    containerName: c.containerName,
    scopeKey: c.scopeKey,
    ...(agentId ? { agentId } : {}),
    state: c.running ? 'running' : 'stopped',
    image: c.image,
    createdAtMs: c.createdAtMs,
    lastUsedAtMs: c.lastUsedAtMs,
    configMatch: match,
    ...(note ? { configNote: note } : {}),
  };
}

export async function listSandboxes(
  api: SandboxApi,
  config: OpenClawConfig,
  paths: Paths,
): Promise<SandboxListing> {
  const all = await api.list();
  const rows = (browser: boolean) =>
    all
      .filter((c) => (c.browser === true) === browser)
      .map((c) => toSandboxRow(c, config, paths))
      .sort((a, b) => a.containerName.localeCompare(b.containerName));
  return { containers: rows(false), browsers: rows(true) };
}

/** `--session` matches the scope key exactly; `--agent x` its `agent:x` and `agent:x:…` keys. */
export function matchesTarget(
  row: Pick<SandboxRow, 'scopeKey' | 'agentId'>,
  target: RecreateTarget,
): boolean {
  if ('all' in target) return true;
  if ('sessionKey' in target) return row.scopeKey === target.sessionKey;
  const id = target.agentId.toLowerCase();
  const key = row.scopeKey.toLowerCase();
  return (
    key === `agent:${id}` || key.startsWith(`agent:${id}:`) || row.agentId?.toLowerCase() === id
  );
}

export interface RecreateResult {
  removed: string[];
  failed: Array<{ containerName: string; error: string }>;
}

/** Removes the matching containers; the next run of each scope creates its container fresh. */
export async function removeSandboxes(
  api: SandboxApi,
  rows: readonly SandboxRow[],
): Promise<RecreateResult> {
  const result: RecreateResult = { removed: [], failed: [] };
  for (const row of rows) {
    try {
      await api.remove(row.containerName);
      result.removed.push(row.containerName);
    } catch (err) {
      result.failed.push({ containerName: row.containerName, error: errorMessage(err) });
    }
  }
  return result;
}

/** Throws when no container matches, so a typo in a key is not mistaken for success. */
export function selectForRecreate(
  listing: SandboxListing,
  target: RecreateTarget,
  browser = false,
): SandboxRow[] {
  return (browser ? listing.browsers : listing.containers).filter((row) =>
    matchesTarget(row, target),
  );
}

export function describeTarget(target: RecreateTarget): string {
  if ('all' in target) return 'all sandbox containers';
  if ('sessionKey' in target) return `the sandbox of session/scope key "${target.sessionKey}"`;
  return `the sandboxes of agent "${target.agentId}"`;
}

export function nothingMatched(target: RecreateTarget): OpenClawError {
  return new OpenClawError(
    ErrorCode.NOT_FOUND,
    `No sandbox container matches ${describeTarget(target)}. openclaw sandbox list shows the containers and their scope keys.`,
  );
}
