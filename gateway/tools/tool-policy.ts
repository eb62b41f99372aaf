/**
 * Which tools an agent may use: `tools.profile`, `tools.allow` and `tools.deny` (global, then the
 * agent's own entry in `agents.list`), with groups such as `group:fs`. Deny wins over allow; an
 * empty or missing allow means every tool the profile gives.
 */
import type { OpenClawConfig, ToolProfile } from '../config/config-types.js';

export const TOOL_GROUPS: Record<string, readonly string[]> = {
  'group:fs': ['read', 'write', 'edit', 'apply_patch', 'ls'],
  'group:runtime': ['exec', 'process'],
  'group:ui': ['browser'],
};

/** Tools each profile starts from (before allow/deny). */
const PROFILE_TOOLS: Record<ToolProfile, readonly string[] | 'all'> = {
  minimal: [],
  messaging: [],
  coding: [...TOOL_GROUPS['group:fs']!, ...TOOL_GROUPS['group:runtime']!],
  full: 'all',
};

/** Older names upstream still accepts in policies. */
/** Other names configs use for a tool (upstream's spellings). */
export const TOOL_ALIASES: Record<string, string> = { bash: 'exec', 'apply-patch': 'apply_patch' };

function expand(names: readonly unknown[] | undefined): Set<string> {
  const out = new Set<string>();
  for (const name of names ?? []) {
    if (typeof name !== 'string') continue;
    const key = name.trim().toLowerCase();
    for (const tool of TOOL_GROUPS[key] ?? [TOOL_ALIASES[key] ?? key]) out.add(tool);
  }
  return out;
}

function listOf(value: unknown): string[] | undefined {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : undefined;
}

export type ToolFilter = (name: string) => boolean;

export function resolveToolPolicy(
  config: Pick<OpenClawConfig, 'tools' | 'agents'>,
  agentId: string,
): ToolFilter {
  const own = config.agents?.list?.find((a) => a.id === agentId)?.tools as
    Record<string, unknown> | undefined;
  const profile = (own?.profile as ToolProfile | undefined) ?? config.tools?.profile;
  const base = profile ? (PROFILE_TOOLS[profile] ?? 'all') : 'all';
  const allow = expand([...(config.tools?.allow ?? []), ...(listOf(own?.allow) ?? [])]);
  // As upstream: allowing `write` also allows `apply_patch`; denying `write` does not deny it.
  if (allow.has('write')) allow.add('apply_patch');
  const deny = expand([...(config.tools?.deny ?? []), ...(listOf(own?.deny) ?? [])]);
  return (name) => {
    const tool = name.toLowerCase();
    if (deny.has(tool)) return false;
    if (allow.size > 0) return allow.has(tool);
    return base === 'all' || base.includes(tool);
  };
}
