/**
 * Which sessions run in the sandbox (`mode`), and where an agent's own workspace is. The main
 * session of an agent is the one its owner talks to directly; `non-main` sandboxes everything
 * else (group chats, channels, spawned sessions), so those are the keys compared here.
 */
import path from 'node:path';
import type { OpenClawConfig, SandboxMode } from '../../config/config-types.js';
import { expandUserPath, type StatePaths } from '../../config/paths.js';

const DEFAULT_MAIN_KEY = 'main';

/** `session.mainKey` (upstream's setting), else `main`. */
export function sessionMainKey(config: OpenClawConfig): string {
  const value = config.session?.mainKey;
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : DEFAULT_MAIN_KEY;
}

/** `agent:<id>:<mainKey>`, or `global` when `session.scope` is `global`. */
export function mainSessionKeyFor(config: OpenClawConfig, agentId: string): string {
  if (config.session?.scope === 'global') return 'global';
  return `agent:${agentId.toLowerCase()}:${sessionMainKey(config)}`;
}

/** The agent id a session key names (`agent:<id>:…`), lower-cased; undefined for other keys. */
export function agentIdFromSessionKey(sessionKey: string): string | undefined {
  const match = /^agent:([a-z0-9][a-z0-9_-]{0,63}):/i.exec(sessionKey.trim());
  return match ? match[1]!.toLowerCase() : undefined;
}

export function isSandboxedSession(
  mode: SandboxMode,
  config: OpenClawConfig,
  agentId: string,
  sessionKey: string,
): boolean {
  if (mode === 'off') return false;
  if (mode === 'all') return true;
  return sessionKey.trim().toLowerCase() !== mainSessionKeyFor(config, agentId).toLowerCase();
}

/** The default agent: the one marked `default`, else the first listed, else `main`. */
export function defaultAgentId(config: OpenClawConfig): string {
  const list = config.agents?.list ?? [];
  return (list.find((a) => a.default) ?? list[0])?.id.toLowerCase() ?? 'main';
}

/**
 * The agent's workspace folder, laid out as the gateway does: the agent's `workspace`, else
 * `agents.defaults.workspace`, else `<stateDir>/workspace` for the default agent and
 * `<stateDir>/workspace-<id>` for the other listed agents.
 */
export function agentWorkspaceDir(
  config: OpenClawConfig,
  paths: Pick<StatePaths, 'home' | 'stateDir' | 'workspaceDir'>,
  agentId: string,
): string {
  const id = agentId.toLowerCase();
  const entry = config.agents?.list?.find((a) => a.id.toLowerCase() === id);
  const configured = entry?.workspace ?? config.agents?.defaults?.workspace;
  if (configured) return expandUserPath(configured, paths);
  // An agent missing from the list is served like the default one (the gateway does the same).
  const otherAgent = entry !== undefined && id !== defaultAgentId(config);
  return otherAgent ? path.join(paths.stateDir, `workspace-${id}`) : paths.workspaceDir;
}
