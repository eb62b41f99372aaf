/**
 * The model part of `openclaw onboard --non-interactive --auth-choice <choice>`, with upstream's
 * flag names: a built-in provider's API key (`--openai-api-key`, … or its env variable), any
 * OpenAI/Anthropic-compatible URL (`custom-api-key`), a local Ollama or LM Studio. Keys go to the
 * agent's auth profile (mode 0600), never into openclaw.json; with `--secret-input-mode ref` the
 * config names the env variable instead and no key is stored. The chosen model becomes
 * `agents.defaults.model.primary` (fallbacks kept).
 */
import { saveAuthProfileKey } from '../agent/providers/auth-profiles.js';
import { updateConfigDocument } from '../config/config-store.js';
import type { SecretRef } from '../config/config-types.js';
import { isPlainObject } from '../config/json-value.js';
import { PROVIDER_ID_PATTERN } from '../config/models-schema.js';
import type { Env, StatePaths } from '../config/paths.js';
import { ErrorCode, OpenClawError } from '../infra/errors.js';

interface BuiltInChoice {
  provider: string;
  flag: string;
  envVar: string;
  model: string;
}

/** Built-in providers: the key flag, the variable read when the flag is left out, a default model. */
const BUILT_IN: Readonly<Record<string, BuiltInChoice>> = {
  'openai-api-key': {
    provider: 'openai',
    flag: 'openai-api-key',
    envVar: 'OPENAI_API_KEY',
    model: 'gpt-5',
  },
  'anthropic-api-key': {
    provider: 'anthropic',
    flag: 'anthropic-api-key',
    envVar: 'ANTHROPIC_API_KEY',
    model: 'claude-sonnet-4-5',
  },
  'gemini-api-key': {
    provider: 'google',
    flag: 'gemini-api-key',
    envVar: 'GEMINI_API_KEY',
    model: 'gemini-2.5-pro',
  },
  'openrouter-api-key': {
    provider: 'openrouter',
    flag: 'openrouter-api-key',
    envVar: 'OPENROUTER_API_KEY',
    model: 'auto',
  },
  'mistral-api-key': {
    provider: 'mistral',
    flag: 'mistral-api-key',
    envVar: 'MISTRAL_API_KEY',
    model: 'mistral-large-latest',
  },
  'xai-api-key': { provider: 'xai', flag: 'xai-api-key', envVar: 'XAI_API_KEY', model: 'grok-4' },
  'groq-api-key': {
    provider: 'groq',
    flag: 'groq-api-key',
    envVar: 'GROQ_API_KEY',
    model: 'llama-3.3-70b-versatile',
  },
};

export const AUTH_CHOICES = [
  ...Object.keys(BUILT_IN),
  'custom-api-key',
  'ollama',
  'lmstudio',
  'skip',
] as const;

/** Flags `onboard` accepts for the model step (parseArgs option specs). */
export const AUTH_OPTIONS = {
  'auth-choice': { type: 'string' },
  'secret-input-mode': { type: 'string' },
  'custom-base-url': { type: 'string' },
  'custom-model-id': { type: 'string' },
  'custom-api-key': { type: 'string' },
  'custom-provider-id': { type: 'string' },
  'custom-compatibility': { type: 'string' },
  'lmstudio-api-key': { type: 'string' },
  ...Object.fromEntries(
    Object.values(BUILT_IN).map((c) => [c.flag, { type: 'string' as const }] as const),
  ),
} as const;

export type AuthFlags = Partial<Record<string, string | boolean | string[] | undefined>>;

export interface AuthChoiceResult {
  choice: string;
  provider?: string;
  model?: string;
  /** Where the key lives, safe to print (never the key). */
  keySource?: string;
  changes: string[];
}

const COMPAT_APIS = {
  openai: 'openai-completions',
  'openai-responses': 'openai-responses',
  anthropic: 'anthropic-messages',
} as const;

function usage(message: string): OpenClawError {
  return new OpenClawError(ErrorCode.INVALID_ARGUMENT, message, { exitCode: 2 });
}

function flag(values: AuthFlags, name: string): string | undefined {
  const value = values[name];
  if (typeof value !== 'string') return undefined;
  const trimmed = value.trim();
  if (!trimmed) throw usage(`--${name} is empty; leave it out instead`);
  return trimmed;
}

function envRef(id: string): SecretRef {
  return { source: 'env', provider: 'default', id };
}

function normalizeBaseUrl(raw: string, flagName: string): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw usage(`--${flagName} must be a URL such as http://127.0.0.1:11434 (got "${raw}")`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw usage(`--${flagName} must start with http:// or https:// (got "${raw}")`);
  if (url.username || url.password)
    throw usage(`--${flagName} must not contain credentials; pass the key with its own flag`);
  return url.toString().replace(/\/+$/, '');
}

/** A key from its flag or env variable; `ref` mode stores the variable's name instead. */
function resolveKey(
  values: AuthFlags,
  env: Env,
  flagName: string,
  envVar: string,
  mode: 'plaintext' | 'ref',
  required: boolean,
): { key?: string; ref?: SecretRef } {
  const given = flag(values, flagName);
  const fromEnv = env[envVar]?.trim() || undefined;
  if (mode === 'ref') {
    if (!fromEnv)
      throw usage(
        `--secret-input-mode ref stores a reference to $${envVar}, which is not set; export it first`,
      );
    if (given && given !== fromEnv)
      throw usage(`--${flagName} differs from $${envVar}; with ref mode pass the key only in env`);
    return { ref: envRef(envVar) };
  }
  const key = given ?? fromEnv;
  if (!key && required) throw usage(`--auth-choice needs --${flagName} (or $${envVar} set)`);
  return key ? { key } : {};
}

async function fetchJson(url: string, what: string): Promise<unknown> {
  let response: Response;
  try {
    response = await fetch(url, { signal: AbortSignal.timeout(5000) });
  } catch (err) {
    throw new OpenClawError(
      ErrorCode.PROVIDER_UNREACHABLE,
      `cannot reach ${what} at ${url} (${(err as Error).message}); is it running? Pass --custom-model-id to skip the lookup.`,
    );
  }
  if (!response.ok)
    throw new OpenClawError(
      ErrorCode.PROVIDER_UNAVAILABLE,
      `${what} answered ${url} with HTTP ${response.status}; pass --custom-model-id to skip the lookup.`,
    );
  return response.json() as Promise<unknown>;
}

/** The first model a local server has, for when --custom-model-id is left out. */
async function firstLocalModel(kind: 'ollama' | 'lmstudio', baseUrl: string): Promise<string> {
  const what = kind === 'ollama' ? 'Ollama' : 'LM Studio';
  const body =
    kind === 'ollama'
      ? await fetchJson(`${baseUrl.replace(/\/v1$/, '')}/api/tags`, what)
      : await fetchJson(`${baseUrl}/models`, what);
  const list =
    kind === 'ollama'
      ? (body as { models?: Array<{ name?: unknown }> }).models?.map((m) => m.name)
      : (body as { data?: Array<{ id?: unknown }> }).data?.map((m) => m.id);
  const first = list?.find((id): id is string => typeof id === 'string' && id.length > 0);
  if (!first)
    throw new OpenClawError(
      ErrorCode.MODEL_NOT_FOUND,
      kind === 'ollama'
        ? `Ollama at ${baseUrl} has no models yet; run "ollama pull llama3.1" (or pass --custom-model-id)`
        : `LM Studio at ${baseUrl} has no model loaded; load one or pass --custom-model-id`,
    );
  return first;
}

async function writeModelConfig(
  paths: StatePaths,
  env: Env,
  ref: string,
  provider?: { id: string; entry: Record<string, unknown> },
): Promise<void> {
  await updateConfigDocument(
    paths,
    (doc) => {
      if (provider) {
        const models = isPlainObject(doc.models) ? doc.models : (doc.models = {});
        const providers = isPlainObject(models.providers)
          ? models.providers
          : (models.providers = {});
        const existing = isPlainObject(providers[provider.id])
          ? (providers[provider.id] as Record<string, unknown>)
          : {};
        // Models already listed for this provider stay; the chosen one is added or replaced.
        const added = (provider.entry.models ?? []) as Array<{ id: string }>;
        const kept = Array.isArray(existing.models)
          ? existing.models.filter((m) => !(isPlainObject(m) && added.some((a) => a.id === m.id)))
          : [];
        providers[provider.id] = {
          ...existing,
          ...provider.entry,
          models: [...kept, ...added],
        };
      }
      const agents = isPlainObject(doc.agents) ? doc.agents : (doc.agents = {});
      const defaults = isPlainObject(agents.defaults) ? agents.defaults : (agents.defaults = {});
      defaults.model = isPlainObject(defaults.model)
        ? { ...defaults.model, primary: ref }
        : { primary: ref };
    },
    { env },
  );
}

/**
 * Every check that needs no I/O (choice, modes, URL, a key where one is required), so a wrong or
 * missing flag fails before onboarding writes anything.
 */
export function checkAuthFlags(values: AuthFlags, env: Env): void {
  const choice = flag(values, 'auth-choice');
  if (!choice || choice === 'skip') return;
  if (!(AUTH_CHOICES as readonly string[]).includes(choice))
    throw usage(`--auth-choice must be one of ${AUTH_CHOICES.join(', ')} (got "${choice}")`);
  const mode = flag(values, 'secret-input-mode') ?? 'plaintext';
  if (mode !== 'plaintext' && mode !== 'ref')
    throw usage(`--secret-input-mode must be plaintext or ref (got "${mode}")`);
  const compat = flag(values, 'custom-compatibility');
  if (compat && !(compat in COMPAT_APIS))
    throw usage(
      `--custom-compatibility must be openai, openai-responses or anthropic (got "${compat}")`,
    );
  const url = flag(values, 'custom-base-url');
  if (url) normalizeBaseUrl(url, 'custom-base-url');
  const builtIn = BUILT_IN[choice];
  if (builtIn) {
    resolveKey(values, env, builtIn.flag, builtIn.envVar, mode, true);
  } else if (choice === 'custom-api-key') {
    if (!url) throw usage('--auth-choice custom-api-key needs --custom-base-url');
    if (!flag(values, 'custom-model-id'))
      throw usage('--auth-choice custom-api-key needs --custom-model-id');
    resolveKey(values, env, 'custom-api-key', 'CUSTOM_API_KEY', mode, true);
  } else if (choice === 'lmstudio') {
    resolveKey(values, env, 'lmstudio-api-key', 'LM_API_TOKEN', mode, false);
  }
}

export async function applyAuthChoice(
  paths: StatePaths,
  env: Env,
  values: AuthFlags,
  agentId = 'main',
): Promise<AuthChoiceResult> {
  const choice = flag(values, 'auth-choice');
  if (!choice || choice === 'skip') return { choice: choice ?? 'skip', changes: [] };
  if (!(AUTH_CHOICES as readonly string[]).includes(choice))
    throw usage(`--auth-choice must be one of ${AUTH_CHOICES.join(', ')} (got "${choice}")`);
  const modeRaw = flag(values, 'secret-input-mode') ?? 'plaintext';
  if (modeRaw !== 'plaintext' && modeRaw !== 'ref')
    throw usage(`--secret-input-mode must be plaintext or ref (got "${modeRaw}")`);
  const mode = modeRaw;
  const changes: string[] = [];

  const builtIn = BUILT_IN[choice];
  if (builtIn) {
    const { key } = resolveKey(values, env, builtIn.flag, builtIn.envVar, mode, true);
    let keySource = `env ${builtIn.envVar} (read by the gateway at run time)`;
    if (key) {
      const profileId = await saveAuthProfileKey(paths, agentId, {
        provider: builtIn.provider,
        key,
      });
      keySource = `auth profile ${profileId}`;
      changes.push(`+ API key for ${builtIn.provider} in auth profile ${profileId}`);
    }
    const ref = `${builtIn.provider}/${flag(values, 'custom-model-id') ?? builtIn.model}`;
    await writeModelConfig(paths, env, ref);
    changes.push(`~ agents.defaults.model.primary = ${ref}`);
    return { choice, provider: builtIn.provider, model: ref, keySource, changes };
  }

  const kind = choice as 'custom-api-key' | 'ollama' | 'lmstudio';
  const providerId =
    flag(values, 'custom-provider-id') ?? (kind === 'custom-api-key' ? 'custom' : kind);
  if (!PROVIDER_ID_PATTERN.test(providerId))
    throw usage(
      `--custom-provider-id must be letters, digits, ".", "-" or "_" (got "${providerId}")`,
    );
  const rawUrl =
    flag(values, 'custom-base-url') ??
    (kind === 'ollama'
      ? 'http://127.0.0.1:11434'
      : kind === 'lmstudio'
        ? 'http://127.0.0.1:1234/v1'
        : undefined);
  if (!rawUrl) throw usage('--auth-choice custom-api-key needs --custom-base-url');
  let baseUrl = normalizeBaseUrl(rawUrl, 'custom-base-url');
  // Ollama's OpenAI-compatible routes live under /v1; people give the server's root.
  if (kind === 'ollama' && !/\/v1$/.test(baseUrl)) baseUrl = `${baseUrl}/v1`;
  const compat = flag(values, 'custom-compatibility') ?? 'openai';
  if (!(compat in COMPAT_APIS))
    throw usage(
      `--custom-compatibility must be openai, openai-responses or anthropic (got "${compat}")`,
    );
  const api =
    kind === 'custom-api-key'
      ? COMPAT_APIS[compat as keyof typeof COMPAT_APIS]
      : 'openai-completions';

  const entry: Record<string, unknown> = { baseUrl, api };
  let keySource: string | undefined;
  if (kind === 'ollama') {
    // Ollama ignores the key, but every provider call carries one.
    entry.apiKey = 'ollama-local';
    keySource = 'none needed (Ollama)';
  } else {
    const keyFlag = kind === 'lmstudio' ? 'lmstudio-api-key' : 'custom-api-key';
    const envVar = kind === 'lmstudio' ? 'LM_API_TOKEN' : 'CUSTOM_API_KEY';
    const { key, ref } = resolveKey(values, env, keyFlag, envVar, mode, kind === 'custom-api-key');
    if (ref) {
      entry.apiKey = ref;
      keySource = `env ${envVar} (SecretRef in models.providers.${providerId}.apiKey)`;
    } else if (key) {
      const profileId = await saveAuthProfileKey(paths, agentId, { provider: providerId, key });
      keySource = `auth profile ${profileId}`;
      changes.push(`+ API key for ${providerId} in auth profile ${profileId}`);
    } else {
      // LM Studio without auth: a placeholder, as for Ollama.
      entry.apiKey = 'lmstudio-local';
      keySource = 'none needed (LM Studio)';
    }
  }
  const modelId =
    flag(values, 'custom-model-id') ??
    (kind === 'custom-api-key' ? undefined : await firstLocalModel(kind, baseUrl));
  if (!modelId) throw usage('--auth-choice custom-api-key needs --custom-model-id');
  entry.models = [{ id: modelId, name: modelId }];
  const ref = `${providerId}/${modelId}`;
  await writeModelConfig(paths, env, ref, { id: providerId, entry });
  changes.push(`~ models.providers.${providerId} (${baseUrl}, ${api})`);
  changes.push(`~ agents.defaults.model.primary = ${ref}`);
  return { choice, provider: providerId, model: ref, keySource, changes };
}
