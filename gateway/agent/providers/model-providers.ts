/**
 * The providers room's front door, what the agent loop and `models.list` use. Built from one
 * config snapshot (rebuild it when the config changes); everything behind it (pi-ai and each
 * provider's SDK) loads only through `import()` of this file, so the gateway starts without it.
 *
 *   const providers = await ModelProviders.create({ config, env, paths, agentId });
 *   for await (const event of providers.stream(context, { signal })) ...   // primary + fallbacks
 *   const agent = new Agent({ streamFn: providers.streamFn(), ... });       // pi-agent-core
 */
import {
  createAssistantMessageEventStream,
  getSupportedThinkingLevels,
  type Api,
  type AssistantMessage,
  type AssistantMessageEventStream,
  type Context,
  type Model,
  type SimpleStreamOptions,
} from '@mariozechner/pi-ai';
import type { ConfigSnapshot } from '../../config/config-store.js';
import { agentModelChain } from '../../config/agent-model.js';
import type { OpenClawConfig } from '../../config/config-types.js';
import { effectiveEnv } from '../../config/env-subst.js';
import type { Env, StatePaths } from '../../config/paths.js';
import { ErrorCode, OpenClawError } from '../../infra/errors.js';
import type { Logger } from '../../infra/logger.js';
import { resolveApiKey } from './api-key.js';
import { authProfilesPath, readAuthProfiles, type AuthProfilesFile } from './auth-profiles.js';
import { ModelCatalog, type CatalogModel } from './model-catalog.js';
import { streamWithFallback, type ChainResult, type ChainStreamEvent } from './model-fallback.js';
import { formatModelRef, parseModelRef } from './model-ref.js';
import { refreshOAuthProfile } from './oauth-refresh.js';
import { providerDisplayName } from './provider-errors.js';
import type { ProviderStreamOptions, ResolvedModel } from './provider-stream.js';

export interface ModelProvidersOptions {
  config: OpenClawConfig;
  env: Env;
  paths: Pick<StatePaths, 'agentsDir'>;
  /** Whose auth profiles to read; default `main`. */
  agentId?: string;
  /** Hears OAuth renewals (never a token). */
  log?: Logger;
}

export interface ChainStreamOptions extends ProviderStreamOptions {
  /**
   * An explicit model (a session's `/model` choice): used alone, no fallbacks, as upstream treats
   * a user's pick as strict. Default: the agent's primary and its fallbacks.
   */
  model?: string;
}

/** One row of `models.list` (the protocol's ModelChoice). */
export interface ModelChoice {
  id: string;
  name: string;
  provider: string;
  available: boolean;
  unavailableReason?: 'missing-auth';
  contextWindow?: number;
  reasoning?: boolean;
  thinkingLevels?: Array<{ id: string; label: string }>;
  supportsTools?: boolean;
  tags?: string[];
  input?: Array<'text' | 'image'>;
}

export type ModelsListView = 'default' | 'configured' | 'provider-config' | 'all';

export class ModelProviders {
  readonly catalog: ModelCatalog;
  private readonly keyCache = new Map<string, boolean>();
  /** Access tokens renewed during this instance's life, by profile id. */
  private readonly renewed = new Map<string, string>();

  private constructor(
    private readonly options: ModelProvidersOptions,
    private readonly profiles: AuthProfilesFile,
    catalog: ModelCatalog,
  ) {
    this.catalog = catalog;
  }

  static async create(options: ModelProvidersOptions): Promise<ModelProviders> {
    const profiles = await readAuthProfiles(options.paths, options.agentId ?? 'main');
    return new ModelProviders(options, profiles, ModelCatalog.fromConfig(options.config.models));
  }

  /**
   * From the running gateway's config snapshot: keys may also come from the config's own `env`
   * block (process env wins), as everywhere else in the config.
   */
  static fromSnapshot(
    snapshot: Pick<ConfigSnapshot, 'config' | 'parsed'>,
    env: Env,
    paths: Pick<StatePaths, 'agentsDir'>,
    agentId?: string,
    log?: Logger,
  ): Promise<ModelProviders> {
    return ModelProviders.create({
      config: snapshot.config,
      env: effectiveEnv(snapshot.parsed, env),
      paths,
      agentId,
      log,
    });
  }

  private get agentId(): string {
    return this.options.agentId ?? 'main';
  }

  /**
   * The refs to try, primary first. As upstream: an agent in `agents.list` with its own model is
   * strict (no fallbacks) unless its model object lists `fallbacks`; `{ fallbacks }` alone keeps
   * the default primary; an agent without a model uses `agents.defaults.model`.
   */
  modelChain(agentId = this.agentId): string[] {
    const { primary, fallbacks } = agentModelChain(this.options.config, agentId);
    if (!primary) return [];
    return [...new Set([primary, ...fallbacks])];
  }

  /** A catalog entry for a ref, or MODEL_NOT_FOUND naming what exists. */
  findModel(ref: string): CatalogModel {
    const parsed = parseModelRef(ref);
    const found = this.catalog.find(parsed);
    if (found) return found;
    const provider = parsed.provider;
    if (!this.catalog.hasProvider(provider)) {
      const mode = this.options.config.models?.mode ?? 'merge';
      throw new OpenClawError(
        ErrorCode.MODEL_NOT_FOUND,
        `Unknown provider "${provider}" in model "${ref}". Use a built-in provider (openai, anthropic, google, openrouter, groq, xai, mistral, …) or add models.providers.${provider} with baseUrl, api and models${mode === 'replace' ? ' (models.mode is "replace": only configured providers exist)' : ''}.`,
        { details: { ref, provider } },
      );
    }
    const sample = this.catalog.sampleIds(provider);
    throw new OpenClawError(
      ErrorCode.MODEL_NOT_FOUND,
      `Unknown model "${parsed.modelId}" for ${providerDisplayName(provider)}. Known models include ${sample.join(', ')}; \`openclaw models list\` shows them all, or add it to models.providers.${provider}.models.`,
      { details: { ref, provider } },
    );
  }

  /**
   * Model + key as stored. Throws MODEL_NOT_FOUND, PROVIDER_KEY_MISSING or INVALID_ARGUMENT. An
   * OAuth login close to expiry comes back as it is, with `apiKey.refreshProfile` set: to call
   * the model use resolveFresh, which renews it first.
   */
  resolve(ref: string): ResolvedModel {
    const entry = this.findModel(ref);
    const providerConfig = this.options.config.models?.providers?.[entry.provider];
    const apiKey = resolveApiKey({
      provider: entry.provider,
      providerConfig,
      env: this.options.env,
      profiles: this.profiles,
      profilesFile: authProfilesPath(this.options.paths, this.agentId),
      agentId: this.agentId,
    });
    const timeoutSeconds = providerConfig?.timeoutSeconds;
    return {
      ref: entry.ref,
      provider: entry.provider,
      model: entry.model,
      apiKey,
      ...(timeoutSeconds ? { timeoutMs: timeoutSeconds * 1000 } : {}),
    };
  }

  /**
   * Model + a key ready to call with: an OAuth login close to expiry is renewed first, once per
   * profile however many runs ask at the same moment. A login that cannot be renewed throws
   * PROVIDER_AUTH_FAILED saying how to sign in again.
   */
  async resolveFresh(ref: string): Promise<ResolvedModel> {
    const resolved = this.resolve(ref);
    const profileId = resolved.apiKey.profileId;
    if (profileId === undefined) return resolved;
    const renewed = this.renewed.get(profileId);
    if (renewed === undefined && resolved.apiKey.refreshProfile === undefined) return resolved;
    const key =
      renewed ??
      (await refreshOAuthProfile({
        paths: this.options.paths,
        agentId: this.agentId,
        profileId,
        provider: resolved.provider,
        log: this.options.log,
      }));
    this.renewed.set(profileId, key);
    return { ...resolved, apiKey: { key, source: resolved.apiKey.source, profileId } };
  }

  /**
   * The provider refused an OAuth login's token before its expiry (revoked, or renewed by another
   * client): renew it once. Undefined when the key is not such a login or nothing changed.
   */
  private async reauth(resolved: ResolvedModel): Promise<ResolvedModel | undefined> {
    const profileId = resolved.apiKey.profileId;
    const credential = profileId ? this.profiles.profiles[profileId] : undefined;
    if (!profileId || credential?.type !== 'oauth' || !credential.refresh) return undefined;
    const key = await refreshOAuthProfile({
      paths: this.options.paths,
      agentId: this.agentId,
      profileId,
      provider: resolved.provider,
      log: this.options.log,
      refused: resolved.apiKey.key,
    });
    if (key === resolved.apiKey.key) return undefined;
    this.renewed.set(profileId, key);
    return { ...resolved, apiKey: { key, source: resolved.apiKey.source, profileId } };
  }

  private readonly hooks = { reauth: (resolved: ResolvedModel) => this.reauth(resolved) };

  /**
   * Stream an answer: the explicit `model` alone, or the agent's chain with fallback. Yields
   * pi-ai's events plus `fallback` events; ends with `done` or `error` (whose `failure` has our
   * code) and returns which model answered and what failed before it.
   */
  stream(
    context: Context,
    options: ChainStreamOptions = {},
  ): AsyncGenerator<ChainStreamEvent, ChainResult> {
    const refs = options.model ? [options.model] : this.modelChain();
    return streamWithFallback(refs, (ref) => this.resolveFresh(ref), context, options, this.hooks);
  }

  /**
   * A pi-agent-core `streamFn`: the Agent's current model is the primary, followed by the
   * configured fallbacks (unless `strict`). Errors arrive as pi `error` events whose message is
   * ours; `onFallback` hears each switch (for the `agent` lifecycle events and the log).
   */
  streamFn(
    config: {
      strict?: boolean;
      defaults?: ProviderStreamOptions;
      onFallback?: (event: Extract<ChainStreamEvent, { type: 'fallback' }>) => void;
      onResult?: (result: ChainResult) => void;
    } = {},
  ): (
    model: Model<Api>,
    context: Context,
    options?: SimpleStreamOptions,
  ) => AssistantMessageEventStream {
    return (model, context, options) => {
      const out = createAssistantMessageEventStream();
      const primary = formatModelRef({ provider: model.provider, modelId: model.id });
      const refs = config.strict
        ? [primary]
        : [primary, ...this.modelChain().filter((r) => r !== primary)];
      const events = streamWithFallback(
        refs,
        (ref) => this.resolveFresh(ref),
        context,
        {
          ...config.defaults,
          signal: options?.signal,
          reasoning: options?.reasoning,
          maxTokens: options?.maxTokens ?? config.defaults?.maxTokens,
          temperature: options?.temperature ?? config.defaults?.temperature,
          sessionId: options?.sessionId,
        },
        this.hooks,
      );
      void (async () => {
        let final: AssistantMessage | undefined;
        try {
          for (;;) {
            const step = await events.next();
            if (step.done) {
              final = step.value.message;
              config.onResult?.(step.value);
              break;
            }
            const event = step.value;
            if (event.type === 'fallback') {
              config.onFallback?.(event);
              continue;
            }
            if (event.type === 'error') {
              out.push({ type: 'error', reason: event.reason, error: event.error });
              continue;
            }
            out.push(event);
          }
        } catch (err) {
          const failure = err instanceof OpenClawError ? err : undefined;
          final = {
            role: 'assistant',
            content: [],
            api: model.api,
            provider: model.provider,
            model: model.id,
            usage: {
              input: 0,
              output: 0,
              cacheRead: 0,
              cacheWrite: 0,
              totalTokens: 0,
              cost: { input: 0, output: 0, cacheRead: 0, cacheWrite: 0, total: 0 },
            },
            stopReason: 'error',
            errorMessage: failure?.message ?? 'The model call failed unexpectedly.',
            timestamp: Date.now(),
          };
          out.push({ type: 'error', reason: 'error', error: final });
        }
        out.end(final);
      })();
      return out;
    };
  }

  /** Whether a provider has a key from any source (config, auth profile, env). */
  hasKey(provider: string): boolean {
    const cached = this.keyCache.get(provider);
    if (cached !== undefined) return cached;
    let ok: boolean;
    try {
      resolveApiKey({
        provider,
        providerConfig: this.options.config.models?.providers?.[provider],
        env: this.options.env,
        profiles: this.profiles,
        profilesFile: '',
      });
      ok = true;
    } catch {
      ok = false;
    }
    this.keyCache.set(provider, ok);
    return ok;
  }

  /**
   * Rows for `models.list`. `all`: the whole catalog. `configured` / `provider-config`: models
   * from `models.providers` and the agent's chain. `default`: those plus every built-in model of a
   * provider that has a key, so the picker shows what can actually be used.
   */
  listModels(view: ModelsListView = 'default'): ModelChoice[] {
    const chain = new Set(this.modelChain());
    const rows: ModelChoice[] = [];
    for (const entry of this.catalog.list()) {
      const configured = entry.source === 'config' || chain.has(entry.ref);
      const available = this.hasKey(entry.provider);
      const include = view === 'all' || configured || (view === 'default' && available);
      if (!include) continue;
      rows.push(
        toChoice(entry, available, chain.has(entry.ref) ? this.chainTag(entry.ref) : undefined),
      );
    }
    return rows;
  }

  private chainTag(ref: string): string {
    return this.modelChain()[0] === ref ? 'primary' : 'fallback';
  }
}

function toChoice(entry: CatalogModel, available: boolean, tag: string | undefined): ModelChoice {
  const model = entry.model;
  const levels = getSupportedThinkingLevels(model);
  return {
    id: model.id,
    name: model.name || model.id,
    provider: entry.provider,
    available,
    ...(available ? {} : { unavailableReason: 'missing-auth' as const }),
    ...(model.contextWindow > 0 ? { contextWindow: Math.floor(model.contextWindow) } : {}),
    reasoning: model.reasoning,
    ...(model.reasoning
      ? { thinkingLevels: levels.map((id) => ({ id, label: id[0]!.toUpperCase() + id.slice(1) })) }
      : {}),
    supportsTools: true,
    input: [...model.input],
    ...(tag ? { tags: [tag] } : {}),
  };
}
