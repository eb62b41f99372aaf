/**
 * The model chain an agent runs with: its own `agents.list[].model` when set (its fallbacks
 * replace the defaults'), else `agents.defaults.model`. Pure config reading, so the server can
 * report an agent's model without loading the provider library.
 */
import type { AgentModelConfig, OpenClawConfig } from './config-types.js';

export interface AgentModelChain {
  primary?: string;
  fallbacks: string[];
}

function selectionOf(model: AgentModelConfig | undefined): {
  primary?: string;
  fallbacks?: string[];
} {
  if (model === undefined) return {};
  return typeof model === 'string' ? { primary: model, fallbacks: [] } : model;
}

export function agentModelChain(config: OpenClawConfig, agentId: string): AgentModelChain {
  const defaults = selectionOf(config.agents?.defaults?.model);
  const entry = config.agents?.list?.find((a) => a.id === agentId);
  const own = entry?.model === undefined ? undefined : selectionOf(entry.model);
  const primary = own?.primary ?? defaults.primary;
  const fallbacks = own ? (own.fallbacks ?? []) : (defaults.fallbacks ?? []);
  return primary
    ? { primary, fallbacks: fallbacks.filter((f) => f !== primary) }
    : { fallbacks: [] };
}
