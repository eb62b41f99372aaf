/**
 * The `openclaw.json` edit of the Model step, on the un-substituted document (what the config
 * store writes back): the provider entry for Ollama or a custom URL, and the agent's primary
 * model. Everything else in the document, including the provider's other fields and the
 * fallback list, is kept.
 */
import { isPlainObject } from '../../../gateway/config/json-value.js';
import type { ModelPlan } from './model-input.js';
import { NO_KEY_PLACEHOLDER, OLLAMA_PLACEHOLDER_KEY } from './provider-kinds.js';

function child(parent: Record<string, unknown>, key: string): Record<string, unknown> {
  const current = parent[key];
  if (isPlainObject(current)) return current;
  const created: Record<string, unknown> = {};
  parent[key] = created;
  return created;
}

export interface ApplyOptions {
  /** `container` for the file, `host` for the test call made from this computer. */
  view: 'container' | 'host';
  /** The provider has a key in its auth profile (stored or about to be). */
  hasProfileKey: boolean;
  /** For the test only: the new key, held in memory. Never passed when writing. */
  keyInMemory?: string;
}

/** Apply the plan to `doc` in place. */
export function applyModelPlan(
  doc: Record<string, unknown>,
  plan: ModelPlan,
  options: ApplyOptions,
): void {
  const models = child(doc, 'models');
  const providers = child(models, 'providers');
  if (plan.views) {
    const entry = child(providers, plan.providerId);
    entry.baseUrl = options.view === 'container' ? plan.views.container : plan.views.host;
    // Ollama's /v1 route and every "OpenAI-compatible" server speak Chat Completions.
    entry.api = 'openai-completions';
    const list = Array.isArray(entry.models) ? [...(entry.models as unknown[])] : [];
    if (!list.some((m) => isPlainObject(m) && m.id === plan.modelId))
      list.push({ id: plan.modelId });
    entry.models = list;
    // A config apiKey wins over the auth profile: a newly stored key must not be shadowed.
    if (plan.key !== undefined) delete entry.apiKey;
    else if (entry.apiKey === undefined && !options.hasProfileKey)
      entry.apiKey = plan.kind === 'ollama' ? OLLAMA_PLACEHOLDER_KEY : NO_KEY_PLACEHOLDER;
  } else if (plan.key !== undefined) {
    // A built-in provider: drop a config key that would shadow the new one in the auth profile.
    const entry = providers[plan.providerId];
    if (isPlainObject(entry) && entry.apiKey !== undefined) delete entry.apiKey;
  }
  if (options.keyInMemory !== undefined)
    child(providers, plan.providerId).apiKey = options.keyInMemory;
  if (Object.keys(providers).length === 0) delete models.providers;
  if (Object.keys(models).length === 0) delete doc.models;

  const agents = child(doc, 'agents');
  const defaults = child(agents, 'defaults');
  const current = defaults.model;
  if (isPlainObject(current)) {
    current.primary = plan.ref;
    if (Array.isArray(current.fallbacks))
      current.fallbacks = current.fallbacks.filter((r) => r !== plan.ref);
  } else defaults.model = { primary: plan.ref };
}
