/**
 * Which model a run (or a compaction) of a session uses: an explicit one for this call, the
 * session's `/model` override, else the agent's primary (whose fallbacks then apply).
 */
import { ErrorCode, OpenClawError } from '../../infra/errors.js';
import type { OpenSession } from '../../sessions/index.js';
import type { ModelProviders } from '../providers/model-providers.js';
import { formatModelRef, parseModelRef } from '../providers/model-ref.js';

/** The model a run uses: the explicit one, the session's override, else the agent's primary. */
export function pickModel(
  providers: ModelProviders,
  open: OpenSession,
  input: { model?: string },
): { ref: string; strict: boolean } {
  if (input.model) return { ref: input.model, strict: true };
  const { providerOverride, modelOverride } = open.entry;
  const primary = providers.modelChain(open.agentId)[0];
  if (modelOverride) {
    // A bare model id belongs to the override's provider, else to the primary's.
    const provider = providerOverride ?? (primary ? parseModelRef(primary).provider : 'openai');
    const ref = modelOverride.includes('/')
      ? modelOverride
      : formatModelRef({ provider, modelId: modelOverride });
    return { ref, strict: true };
  }
  const ref = primary;
  if (!ref) {
    throw new OpenClawError(
      ErrorCode.MODEL_NOT_FOUND,
      'No model is configured for this agent. Set agents.defaults.model (for example "openai/gpt-4.1-mini") or pick one with /model.',
    );
  }
  return { ref, strict: false };
}
