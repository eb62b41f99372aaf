/**
 * `sessions.patch` semantics on one entry: a field given sets it, `null` clears it, absent leaves
 * it. Values are checked here so a bad level or a duplicate label is refused with the next step,
 * not stored for the agent loop to trip over.
 */
import { ErrorCode, OpenClawError } from '../infra/errors.js';
import type { SessionEntries, SessionEntry } from './session-index.js';

/** pi-agent-core's thinking levels (what the providers understand). */
export const THINKING_LEVELS = ['off', 'minimal', 'low', 'medium', 'high', 'xhigh'] as const;
export type ThinkingLevel = (typeof THINKING_LEVELS)[number];

export interface SessionPatch {
  label?: string | null;
  thinkingLevel?: string | null;
  /** `provider/model` (or a bare model id the agent resolves); null returns to the default. */
  model?: string | null;
  verboseLevel?: string | null;
  reasoningLevel?: string | null;
  elevatedLevel?: string | null;
  fastMode?: boolean | 'auto' | null;
  responseUsage?: string | null;
  sendPolicy?: string | null;
}

export interface PatchChanges {
  /** Set when the model override changed to a concrete model. */
  model?: { provider: string; modelId: string };
  /** Set when the thinking level changed. */
  thinkingLevel?: string;
}

const PASS_THROUGH = [
  'verboseLevel',
  'reasoningLevel',
  'elevatedLevel',
  'fastMode',
  'responseUsage',
  'sendPolicy',
] as const;

export function applySessionPatch(
  key: string,
  current: SessionEntry,
  patch: SessionPatch,
  all: SessionEntries,
): { entry: SessionEntry; changes: PatchChanges } {
  const entry: SessionEntry = { ...current };
  const changes: PatchChanges = {};

  if (patch.label !== undefined) {
    if (patch.label === null) delete entry.label;
    else {
      const label = patch.label.trim();
      if (label === '') throw invalid('label must not be blank; send null to remove it');
      const owner = Object.entries(all).find(([k, e]) => k !== key && e?.label === label)?.[0];
      if (owner) throw invalid(`label "${label}" is already used by ${owner}; pick another`);
      entry.label = label;
    }
  }

  if (patch.thinkingLevel !== undefined) {
    if (patch.thinkingLevel === null) delete entry.thinkingLevel;
    else {
      const level = patch.thinkingLevel.trim().toLowerCase();
      if (!(THINKING_LEVELS as readonly string[]).includes(level)) {
        throw invalid(
          `thinkingLevel "${patch.thinkingLevel}" is not one of ${THINKING_LEVELS.join(', ')}`,
        );
      }
      if (entry.thinkingLevel !== level) changes.thinkingLevel = level;
      entry.thinkingLevel = level;
    }
  }

  if (patch.model !== undefined) {
    if (patch.model === null) {
      delete entry.modelOverride;
      delete entry.providerOverride;
    } else {
      const ref = patch.model.trim();
      const slash = ref.indexOf('/');
      if (ref === '' || slash === 0 || slash === ref.length - 1 || /\s/.test(ref)) {
        throw invalid(
          `model "${patch.model}" is not a model reference; use provider/model, e.g. openai/gpt-4o`,
        );
      }
      const provider = slash > 0 ? ref.slice(0, slash) : undefined;
      const modelId = slash > 0 ? ref.slice(slash + 1) : ref;
      if (entry.modelOverride !== modelId || entry.providerOverride !== provider) {
        if (provider) changes.model = { provider, modelId };
      }
      entry.modelOverride = modelId;
      if (provider) entry.providerOverride = provider;
      else delete entry.providerOverride;
    }
  }

  for (const field of PASS_THROUGH) {
    const value = patch[field];
    if (value === undefined) continue;
    const fields = entry as Record<string, unknown>;
    if (value === null) delete fields[field];
    else fields[field] = value;
  }

  entry.updatedAt = Date.now();
  return { entry, changes };
}

function invalid(message: string): OpenClawError {
  return new OpenClawError(ErrorCode.INVALID_ARGUMENT, `sessions.patch: ${message}.`);
}
