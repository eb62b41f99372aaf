/**
 * The models the gateway can talk to: pi-ai's built-in catalog (providers by name) combined with
 * `models.providers` from the config.
 * - `models.mode: "merge"` (default): configured providers add to the built-in catalog; a
 *   configured provider named like a built-in one (e.g. `openai`) overrides its baseUrl/headers
 *   and adds or replaces models by id.
 * - `models.mode: "replace"`: only providers named in the config; a built-in provider named there
 *   without a `models` list keeps its built-in models, so `providers: { anthropic: {} }` narrows
 *   the catalog to Anthropic.
 * This file loads pi-ai's catalog (~550 KB): it is only reached through `import()`.
 */
import { getModels, getProviders, type Api, type Model } from '@mariozechner/pi-ai';
import type {
  ModelDefinitionConfig,
  ModelProviderConfig,
  ModelsConfig,
} from '../../config/config-types.js';
import { formatModelRef, type ModelRef } from './model-ref.js';

export interface CatalogModel {
  /** `provider/model`. */
  ref: string;
  provider: string;
  model: Model<Api>;
  source: 'built-in' | 'config';
}

/**
 * Built-in providers left out: they need cloud SDK credentials (Bedrock, Vertex, Azure) or an
 * OAuth login this gateway does not run yet (Copilot). `openai-codex` is in: its login is
 * `openclaw models auth login --provider openai-codex`, renewed by oauth-refresh.ts.
 */
const UNSUPPORTED_BUILT_INS = new Set([
  'amazon-bedrock',
  'google-vertex',
  'azure-openai-responses',
  'github-copilot',
]);

const DEFAULT_CONTEXT_WINDOW = 200_000;
const DEFAULT_MAX_TOKENS = 32_000;

function builtInProviders(): string[] {
  return getProviders().filter((p) => !UNSUPPORTED_BUILT_INS.has(p));
}

function isOpenAiHost(baseUrl: string): boolean {
  try {
    return new URL(baseUrl).hostname === 'api.openai.com';
  } catch {
    return false;
  }
}

function customModel(
  provider: string,
  providerConfig: ModelProviderConfig,
  definition: ModelDefinitionConfig,
  base: Model<Api> | undefined,
): Model<Api> {
  const api = definition.api ?? providerConfig.api ?? base?.api ?? 'openai-completions';
  const baseUrl = providerConfig.baseUrl ?? base?.baseUrl ?? '';
  const contextWindow = definition.contextWindow ?? base?.contextWindow ?? DEFAULT_CONTEXT_WINDOW;
  const headers = { ...base?.headers, ...providerConfig.headers, ...definition.headers };
  const compat: Record<string, unknown> = {
    ...(base?.compat as Record<string, unknown> | undefined),
    ...providerConfig.compat,
    ...definition.compat,
  };
  // OpenAI-compatible servers other than OpenAI itself reject the `developer` role with a 400.
  if (api === 'openai-completions' && !isOpenAiHost(baseUrl)) compat.supportsDeveloperRole = false;
  return {
    id: definition.id,
    name: definition.name ?? base?.name ?? definition.id,
    api,
    provider,
    baseUrl,
    reasoning: definition.reasoning ?? base?.reasoning ?? false,
    input: definition.input ?? base?.input ?? ['text'],
    cost: {
      input: definition.cost?.input ?? base?.cost.input ?? 0,
      output: definition.cost?.output ?? base?.cost.output ?? 0,
      cacheRead: definition.cost?.cacheRead ?? base?.cost.cacheRead ?? 0,
      cacheWrite: definition.cost?.cacheWrite ?? base?.cost.cacheWrite ?? 0,
    },
    contextWindow,
    maxTokens:
      definition.maxTokens ?? base?.maxTokens ?? Math.min(DEFAULT_MAX_TOKENS, contextWindow),
    ...(Object.keys(headers).length > 0 ? { headers } : {}),
    ...(Object.keys(compat).length > 0 ? { compat: compat as Model<Api>['compat'] } : {}),
  };
}

/** A built-in model with the provider-level overrides (endpoint, headers) of the config applied. */
function overriddenBuiltIn(model: Model<Api>, providerConfig: ModelProviderConfig): Model<Api> {
  if (!providerConfig.baseUrl && !providerConfig.headers && !providerConfig.api) return model;
  return customModel(model.provider, providerConfig, { id: model.id }, model);
}

export class ModelCatalog {
  private readonly byRef = new Map<string, CatalogModel>();
  private readonly byLowerRef = new Map<string, CatalogModel>();

  constructor(entries: readonly CatalogModel[]) {
    for (const entry of entries) {
      this.byRef.set(entry.ref, entry);
      if (!this.byLowerRef.has(entry.ref.toLowerCase()))
        this.byLowerRef.set(entry.ref.toLowerCase(), entry);
    }
  }

  static fromConfig(config: ModelsConfig | undefined): ModelCatalog {
    const mode = config?.mode ?? 'merge';
    const configured = config?.providers ?? {};
    const builtIns = new Set(builtInProviders());
    const entries: CatalogModel[] = [];
    const providers =
      mode === 'merge'
        ? [...new Set([...builtIns, ...Object.keys(configured)])]
        : Object.keys(configured);
    for (const provider of providers) {
      const providerConfig = configured[provider];
      const builtInModels = builtIns.has(provider) ? getModels(provider as never) : [];
      const byId = new Map<string, CatalogModel>();
      const keepBuiltIns =
        providerConfig === undefined || mode === 'merge' || !providerConfig.models;
      if (keepBuiltIns) {
        for (const model of builtInModels) {
          const m = providerConfig ? overriddenBuiltIn(model, providerConfig) : model;
          byId.set(m.id, {
            ref: formatModelRef({ provider, modelId: m.id }),
            provider,
            model: m,
            source: 'built-in',
          });
        }
      }
      for (const definition of providerConfig?.models ?? []) {
        const base = builtInModels.find((m) => m.id === definition.id);
        const model = customModel(provider, providerConfig!, definition, base);
        byId.set(model.id, {
          ref: formatModelRef({ provider, modelId: model.id }),
          provider,
          model,
          source: 'config',
        });
      }
      entries.push(...byId.values());
    }
    return new ModelCatalog(entries);
  }

  /** Exact id first, then case-insensitive (people type `GPT-4.1`). */
  find(ref: ModelRef): CatalogModel | undefined {
    const text = formatModelRef(ref);
    return this.byRef.get(text) ?? this.byLowerRef.get(text.toLowerCase());
  }

  list(): CatalogModel[] {
    return [...this.byRef.values()];
  }

  hasProvider(provider: string): boolean {
    for (const entry of this.byRef.values()) if (entry.provider === provider) return true;
    return false;
  }

  /** A few model ids of a provider, for "did you mean" in errors. */
  sampleIds(provider: string, limit = 5): string[] {
    const out: string[] = [];
    for (const entry of this.byRef.values()) {
      if (entry.provider === provider) out.push(entry.model.id);
      if (out.length >= limit) break;
    }
    return out;
  }
}
