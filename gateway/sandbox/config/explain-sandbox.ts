/**
 * `openclaw sandbox explain`: what the sandbox config means for one agent and session, and which
 * config key decided each part, computed from the config alone (no Docker). The plan shown is the
 * one the runtime would hand to the engine.
 */
import type { OpenClawConfig } from '../../config/config-types.js';
import type { StatePaths } from '../../config/paths.js';
import { ErrorCode, OpenClawError } from '../../infra/errors.js';
import type { SandboxPlan } from '../contract.js';
import { buildSandboxPlan, type WorkspaceOwner } from './resolve-sandbox-plan.js';
import {
  agentIdFromSessionKey,
  agentWorkspaceDir,
  defaultAgentId,
  isSandboxedSession,
  mainSessionKeyFor,
} from './sandbox-session.js';
import { resolveSandboxSettings, type SandboxSettings } from './sandbox-settings.js';
import { resolveSandboxToolPolicy, type SandboxToolPolicy } from './sandbox-tool-policy.js';

export interface SandboxExplanation {
  agentId: string;
  sessionKey: string;
  mainSessionKey: string;
  runtime: 'sandboxed' | 'direct';
  /** One sentence: why this session is (or is not) sandboxed. */
  reason: string;
  mode: SandboxSettings['mode'];
  scope: SandboxSettings['scope'];
  workspaceAccess: SandboxSettings['workspaceAccess'];
  workspaceRoot: string;
  sources: SandboxSettings['sources'];
  /** Present when sandboxed. */
  plan?: SandboxPlan;
  browser: { enabled: boolean; image: string };
  tools: SandboxToolPolicy;
  warnings: string[];
  /** Config keys that change the outcome. */
  fixIt: string[];
}

export interface ExplainSandboxOptions {
  config: OpenClawConfig;
  paths: Pick<StatePaths, 'home' | 'stateDir' | 'workspaceDir'>;
  agentId?: string;
  sessionKey?: string;
  workspaceFor?: (agentId: string) => string;
  statWorkspaceOwner?: (dir: string) => WorkspaceOwner | undefined;
}

function runtimeReason(settings: SandboxSettings, sandboxed: boolean): string {
  const from = settings.sources.mode === 'default' ? 'the default' : settings.sources.mode;
  if (settings.mode === 'off') return `mode is "off" (${from}), so every session runs directly`;
  if (settings.mode === 'all') return `mode is "all" (${from}), so every session is sandboxed`;
  return sandboxed
    ? `mode is "non-main" (${from}) and this is not the agent's main session`
    : `mode is "non-main" (${from}) and this is the agent's main session, which runs directly`;
}

/** Env values may be credentials the secret filter did not recognise; explain shows names only. */
const SHOWN_ENV = new Set(['LANG', 'LC_ALL', 'TZ', 'OPENCLAW_CLI']);

function redactPlanEnv(plan: SandboxPlan): SandboxPlan {
  const env = Object.fromEntries(
    Object.entries(plan.spec.env).map(([k, v]) => [k, SHOWN_ENV.has(k) ? v : '(set)']),
  );
  return { ...plan, spec: { ...plan.spec, env } };
}

export function explainSandbox(options: ExplainSandboxOptions): SandboxExplanation {
  const { config, paths } = options;
  const fromSession = options.sessionKey ? agentIdFromSessionKey(options.sessionKey) : undefined;
  const agentId = (options.agentId ?? fromSession ?? defaultAgentId(config)).trim().toLowerCase();
  if (!/^[a-z0-9][a-z0-9_-]{0,63}$/.test(agentId)) {
    throw new OpenClawError(
      ErrorCode.INVALID_ARGUMENT,
      `Invalid agent id "${agentId}": use 1-64 letters, digits, "-" or "_" (e.g. "main").`,
      { exitCode: 2 },
    );
  }
  if (fromSession && fromSession !== agentId) {
    throw new OpenClawError(
      ErrorCode.INVALID_ARGUMENT,
      `--session ${options.sessionKey} belongs to agent "${fromSession}", not "${agentId}"; drop --agent or pick a session of that agent.`,
      { exitCode: 2 },
    );
  }
  const mainSessionKey = mainSessionKeyFor(config, agentId);
  const requested = options.sessionKey?.trim();
  // A bare word is a main-key alias, as elsewhere in the CLI (`--session main`).
  const sessionKey = requested && requested.includes(':') ? requested : mainSessionKey;
  const settings = resolveSandboxSettings(config, agentId, paths);
  const sandboxed = isSandboxedSession(settings.mode, config, agentId, sessionKey);
  const warnings: string[] = [];
  const listed = config.agents?.list ?? [];
  if (listed.length > 0 && !listed.some((a) => a.id.toLowerCase() === agentId))
    warnings.push(`agent "${agentId}" is not in agents.list; showing what the defaults give it`);
  const plan = sandboxed
    ? buildSandboxPlan(settings, {
        sessionKey,
        workspaceFor: options.workspaceFor ?? ((id) => agentWorkspaceDir(config, paths, id)),
        statWorkspaceOwner: options.statWorkspaceOwner,
        warn: (m) => warnings.push(m),
      })
    : undefined;
  const agentPrefix = config.agents?.list?.some((a) => a.id.toLowerCase() === agentId)
    ? `agents.list[${config.agents.list.findIndex((a) => a.id.toLowerCase() === agentId)}]`
    : 'agents.defaults';
  const fixIt = [
    `${agentPrefix}.sandbox.mode`,
    `${agentPrefix}.sandbox.scope`,
    `${agentPrefix}.sandbox.workspaceAccess`,
    agentPrefix === 'agents.defaults'
      ? 'tools.sandbox.tools.allow / deny'
      : `${agentPrefix}.tools.sandbox.tools.allow / deny`,
  ];
  return {
    agentId,
    sessionKey,
    mainSessionKey,
    runtime: sandboxed ? 'sandboxed' : 'direct',
    reason: runtimeReason(settings, sandboxed),
    mode: settings.mode,
    scope: settings.scope,
    workspaceAccess: settings.workspaceAccess,
    workspaceRoot: settings.workspaceRoot,
    sources: settings.sources,
    plan: plan && redactPlanEnv(plan),
    browser: { enabled: settings.browser.enabled, image: settings.browser.image },
    tools: resolveSandboxToolPolicy(config, agentId),
    warnings,
    fixIt,
  };
}
