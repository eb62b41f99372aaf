/**
 * The extra tool gate for sandboxed sessions (`tools.sandbox.tools`, per agent
 * `agents.list[].tools.sandbox.tools`). It can only take tools away: the runtime combines it with
 * the general policy (gateway/tools/tool-policy.ts) as `general(name) && sandbox(name)`. By
 * default a sandboxed session keeps the workspace, exec and session tools and loses those that
 * reach outside the container (browser, nodes, cron, gateway, channels); deny always wins.
 */
import type { OpenClawConfig, SandboxToolPolicyConfig } from '../../config/config-types.js';
import type { WorkspaceAccess } from '../contract.js';
import { TOOL_ALIASES, TOOL_GROUPS } from '../../tools/tool-policy.js';
import { findAgentEntry } from './sandbox-settings.js';

export const SANDBOX_DEFAULT_TOOL_ALLOW: readonly string[] = [
  'exec',
  'process',
  ...TOOL_GROUPS['group:fs']!,
  'image',
  'sessions_list',
  'sessions_history',
  'sessions_send',
  'sessions_spawn',
  'sessions_yield',
  'subagents',
  'session_status',
];

/** Channel tools send messages out of the sandbox, so they are denied unless allowed by name. */
export const SANDBOX_CHANNEL_TOOL_IDS: readonly string[] = [
  'telegram',
  'whatsapp',
  'discord',
  'slack',
  'signal',
  'imessage',
  'bluebubbles',
  'irc',
  'googlechat',
  'msteams',
  'matrix',
  'mattermost',
  'line',
  'nostr',
  'feishu',
  'zalo',
  'zalouser',
  'nextcloud-talk',
  'synology-chat',
  'tlon',
  'twitch',
  'wechat',
  'wecom',
  'qqbot',
  'sms',
];

export const SANDBOX_DEFAULT_TOOL_DENY: readonly string[] = [
  'browser',
  'canvas',
  'nodes',
  'cron',
  'gateway',
  ...SANDBOX_CHANNEL_TOOL_IDS,
];

const GROUPS: Record<string, readonly string[]> = {
  // The general policy's groups, plus the names upstream's configs may list that we lack.
  'group:runtime': [...TOOL_GROUPS['group:runtime']!, 'code_execution'],
  'group:fs': TOOL_GROUPS['group:fs']!,
  'group:sessions': [
    'sessions',
    'sessions_list',
    'sessions_history',
    'sessions_search',
    'sessions_send',
    'sessions_spawn',
    'sessions_yield',
    'subagents',
    'session_status',
  ],
  'group:memory': ['memory_search', 'memory_get'],
  'group:web': ['web_search', 'x_search', 'web_fetch'],
  'group:ui': ['browser', 'canvas'],
  'group:automation': ['cron', 'gateway'],
  'group:messaging': ['message'],
  'group:nodes': ['nodes', 'computer'],
  'group:agents': ['agents_list'],
  'group:media': ['image', 'view_image', 'image_generate', 'tts', 'pdf'],
};
/** `ro` mounts the workspace read-only, so tools that write there are taken away. */
const WRITE_TOOLS = ['write', 'edit', 'apply_patch'];

export function normalizeToolName(name: string): string {
  const key = name.trim().toLowerCase();
  return TOOL_ALIASES[key] ?? key;
}

/** Patterns with groups expanded and names normalised; globs stay patterns. */
function expandPatterns(patterns: readonly string[]): string[] {
  const out = new Set<string>();
  for (const raw of patterns) {
    const key = raw.trim().toLowerCase();
    const group = key === 'group:openclaw' ? openclawGroup() : GROUPS[key];
    for (const tool of group ?? [normalizeToolName(key)]) out.add(tool);
  }
  return [...out];
}

/** Upstream's "every built-in tool but the workspace/exec ones". */
function openclawGroup(): string[] {
  const core = new Set([...GROUPS['group:fs']!, 'exec', 'process', 'canvas']);
  return [...new Set(Object.values(GROUPS).flat())].filter((t) => !core.has(t));
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** `*` matches all; a name without `*` matches exactly; otherwise `*` is a wildcard. */
export function toolPatternMatches(pattern: string, tool: string): boolean {
  if (pattern === '*') return true;
  if (!pattern.includes('*')) return pattern === tool;
  const source = pattern.split('*').map(escapeRegExp).join('.*');
  return new RegExp(`^${source}$`).test(tool);
}

function matchesAny(patterns: readonly string[], tool: string): boolean {
  return patterns.some((p) => toolPatternMatches(p, tool));
}

export type ToolPolicySource = string;

export interface SandboxToolPolicy {
  /** Empty = every tool not denied. */
  allow: string[];
  deny: string[];
  /** The config path each list came from, or `default`. */
  sources: { allow: ToolPolicySource; deny: ToolPolicySource };
}

function lists(config: OpenClawConfig, agentId: string) {
  const found = findAgentEntry(config, agentId);
  const agent: SandboxToolPolicyConfig | undefined = found?.entry.tools?.sandbox?.tools;
  const global: SandboxToolPolicyConfig | undefined = config.tools?.sandbox?.tools;
  const agentPath = found ? `${found.path}.tools.sandbox.tools` : undefined;
  const choose = (key: keyof SandboxToolPolicyConfig) => {
    if (agent?.[key] !== undefined && agentPath)
      return { value: agent[key], source: `${agentPath}.${key}` };
    if (global?.[key] !== undefined)
      return { value: global[key], source: `tools.sandbox.tools.${key}` };
    return { value: undefined, source: 'default' };
  };
  return { allow: choose('allow'), alsoAllow: choose('alsoAllow'), deny: choose('deny') };
}

/** The effective allow and deny lists for a sandboxed session of `agentId`. */
export function resolveSandboxToolPolicy(
  config: OpenClawConfig,
  agentId: string,
): SandboxToolPolicy {
  const { allow, alsoAllow, deny } = lists(config, agentId);
  const extra = expandPatterns(alsoAllow.value ?? []);
  let allowList: string[];
  if (allow.value !== undefined && allow.value.length === 0) allowList = [];
  else if (allow.value !== undefined)
    allowList = [...new Set([...expandPatterns(allow.value), ...extra])];
  else allowList = [...new Set([...SANDBOX_DEFAULT_TOOL_ALLOW, ...extra])];
  const explicit = [...expandPatterns(allow.value ?? []), ...extra];
  // Allowing a default-denied tool by name (alsoAllow: ["browser"]) is how it is re-enabled.
  const denyList =
    deny.value !== undefined
      ? expandPatterns(deny.value)
      : SANDBOX_DEFAULT_TOOL_DENY.filter((t) => !matchesAny(explicit, t));
  if (allowList.length > 0 && !allowList.includes('image') && !matchesAny(denyList, 'image'))
    allowList.push('image');
  const allowSource =
    allow.value !== undefined
      ? allow.source
      : alsoAllow.value !== undefined
        ? alsoAllow.source
        : 'default';
  return { allow: allowList, deny: denyList, sources: { allow: allowSource, deny: deny.source } };
}

export type SandboxToolDecision =
  { allowed: true } | { allowed: false; reason: 'denied' | 'not-allowed'; pattern?: string };

export function sandboxToolDecision(policy: SandboxToolPolicy, name: string): SandboxToolDecision {
  const tool = normalizeToolName(name);
  const denied = policy.deny.find((p) => toolPatternMatches(p, tool));
  if (denied !== undefined) return { allowed: false, reason: 'denied', pattern: denied };
  if (policy.allow.length > 0 && !matchesAny(policy.allow, tool))
    return { allowed: false, reason: 'not-allowed' };
  return { allowed: true };
}

/**
 * The filter the runtime applies to a sandboxed session's tools, on top of the general policy.
 * With `ro` access the writing tools are removed as well.
 */
export function sandboxToolFilter(
  config: OpenClawConfig,
  agentId: string,
  workspaceAccess?: WorkspaceAccess,
): (name: string) => boolean {
  const policy = resolveSandboxToolPolicy(config, agentId);
  const readOnly = workspaceAccess === 'ro';
  return (name) => {
    if (readOnly && WRITE_TOOLS.includes(normalizeToolName(name))) return false;
    return sandboxToolDecision(policy, name).allowed;
  };
}

/** What to tell the model and the user when a sandboxed session asks for a blocked tool. */
export function sandboxToolBlockedMessage(
  policy: SandboxToolPolicy,
  name: string,
  agentId: string,
): string | undefined {
  const decision = sandboxToolDecision(policy, name);
  if (decision.allowed) return undefined;
  const tool = normalizeToolName(name);
  const denyKey =
    policy.sources.deny === 'default' ? 'tools.sandbox.tools.deny' : policy.sources.deny;
  const allowKey =
    policy.sources.allow === 'default' ? 'tools.sandbox.tools.alsoAllow' : policy.sources.allow;
  const why =
    decision.reason === 'denied'
      ? `it matches "${decision.pattern}" in the sandbox deny list (${policy.sources.deny})`
      : `it is not in the sandbox allow list (${policy.sources.allow})`;
  const fix =
    decision.reason === 'denied'
      ? policy.sources.deny === 'default'
        ? `add "${tool}" to ${allowKey} (a default-denied tool allowed by name is re-enabled)`
        : `remove it from ${denyKey}`
      : `add "${tool}" to ${allowKey} (or set the allow list to [] to allow all)`;
  return `Tool "${tool}" is not available in this sandboxed session: ${why}. To use it, ${fix}, or turn the sandbox off for this agent (agents.*.sandbox.mode "off"). Details: openclaw sandbox explain --agent ${agentId}`;
}
