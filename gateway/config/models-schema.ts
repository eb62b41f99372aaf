/**
 * Validation of the model sections: `models` (custom providers, merge/replace) and model refs
 * (`agents.defaults.model`, `agents.list[].model`). Refs are `provider/model`; the model part may
 * contain more slashes (`openrouter/meta-llama/llama-3.1-8b`). Whether a ref names a model that
 * exists is decided at run time against the provider catalog (loaded lazily), not here.
 */
import {
  arrayOf,
  bool,
  byShape,
  type Check,
  describe,
  looseObject,
  num,
  obj,
  oneOf,
  str,
} from './config-checks.js';
import { joinConfigPath } from './config-path.js';
import {
  type AgentModelConfig,
  MODEL_APIS,
  MODEL_INPUTS,
  MODELS_MODES,
  type ModelDefinitionConfig,
  type ModelProviderConfig,
  type ModelsConfig,
  type SecretInput,
} from './config-types.js';
import { isPlainObject } from './json-value.js';

/** Provider ids name config keys and auth-profile entries: keep them plain. */
export const PROVIDER_ID_PATTERN = /^[a-z0-9][a-z0-9._-]{0,63}$/i;

/** Why a model ref is unusable, or undefined when it is `provider/model`. */
export function modelRefProblem(value: string): string | undefined {
  const slash = value.indexOf('/');
  const example = 'like "anthropic/claude-sonnet-4-5" or "my-llm/llama-3.1-8b"';
  if (slash === -1)
    return `must be a model ref "provider/model" ${example} (no provider in "${value}")`;
  const provider = value.slice(0, slash);
  const model = value.slice(slash + 1);
  if (!provider.trim()) return `must be a model ref "provider/model" ${example} (empty provider)`;
  if (!PROVIDER_ID_PATTERN.test(provider))
    return `provider "${provider}" must be letters, digits, ".", "-" or "_"`;
  if (!model.trim()) return `must be a model ref "provider/model" ${example} (empty model id)`;
  return undefined;
}

export const modelRefCheck: Check<string> = str({ nonEmpty: true, refine: modelRefProblem });

/** Refs in a fallback list are checked one by one; a repeated ref is reported (it would be tried twice). */
const fallbacksCheck: Check<string[]> = (value, path, issues) => {
  const out = arrayOf(modelRefCheck)(value, path, issues);
  if (!out || !Array.isArray(value)) return out;
  const seen = new Set<string>();
  value.forEach((ref, i) => {
    if (typeof ref !== 'string') return;
    if (seen.has(ref))
      issues.push({
        path: joinConfigPath(path, i),
        message: `duplicate fallback "${ref}"; list each model once`,
      });
    seen.add(ref);
  });
  return [...new Set(out)];
};

export const agentModelCheck: Check<AgentModelConfig> = byShape<AgentModelConfig>(
  (v) =>
    typeof v === 'string'
      ? modelRefCheck
      : isPlainObject(v)
        ? obj({ primary: modelRefCheck, fallbacks: fallbacksCheck })
        : undefined,
  'must be a model ref like "anthropic/claude-sonnet-4-5" or {primary, fallbacks: []}',
);

function baseUrlProblem(value: string): string | undefined {
  const hint =
    'must be an http(s) URL like "https://api.example.com/v1" or "http://127.0.0.1:11434/v1"';
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return hint;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return hint;
  if (url.username || url.password) return `${hint}; put credentials in apiKey, not in the URL`;
  if (url.search || url.hash) return `${hint} (no query or fragment)`;
  return undefined;
}

const headersCheck: Check<Record<string, string>> = (value, path, issues) => {
  const out = looseObject()(value, path, issues);
  if (!out) return undefined;
  const headers: Record<string, string> = {};
  for (const [name, v] of Object.entries(out)) {
    if (!/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(name)) {
      issues.push({ path: joinConfigPath(path, name), message: 'is not a valid HTTP header name' });
      continue;
    }
    const checked = str()(v, joinConfigPath(path, name), issues);
    if (checked !== undefined) headers[name] = checked;
  }
  return headers;
};

const positiveInt = num({ integer: true, min: 1 });
const nonNegative = num({ min: 0 });

const modelDefinitionFields = obj(
  {
    id: str({ nonEmpty: true }),
    name: str({ nonEmpty: true }),
    api: oneOf(MODEL_APIS),
    input: arrayOf(oneOf(MODEL_INPUTS)),
    contextWindow: positiveInt,
    maxTokens: positiveInt,
    reasoning: bool(),
    cost: obj({
      input: nonNegative,
      output: nonNegative,
      cacheRead: nonNegative,
      cacheWrite: nonNegative,
    }),
    headers: headersCheck,
    compat: looseObject(),
  },
  {
    required: ['id'],
    refine: (out, _raw, path, issues) => {
      if (
        out.contextWindow !== undefined &&
        out.maxTokens !== undefined &&
        out.maxTokens > out.contextWindow
      ) {
        issues.push({
          path: joinConfigPath(path, 'maxTokens'),
          message: `must not exceed contextWindow (${out.contextWindow})`,
        });
      }
    },
  },
);

const modelListCheck: Check<ModelDefinitionConfig[]> = (value, path, issues) => {
  if (!Array.isArray(value))
    return (
      issues.push({
        path,
        message: `must be an array of models like [{id: "llama-3.1-8b"}] (got ${describe(value)})`,
      }),
      undefined
    );
  const seen = new Map<string, number>();
  const out: ModelDefinitionConfig[] = [];
  value.forEach((entry, i) => {
    const entryPath = joinConfigPath(path, i);
    const checked = modelDefinitionFields(entry, entryPath, issues);
    if (!checked || checked.id === undefined) return;
    const first = seen.get(checked.id);
    if (first !== undefined) {
      issues.push({
        path: joinConfigPath(entryPath, 'id'),
        message: `duplicate model id "${checked.id}" (already used by ${joinConfigPath(path, first)}); model ids must be unique per provider`,
      });
      return;
    }
    seen.set(checked.id, i);
    out.push({ ...checked, id: checked.id });
  });
  return out;
};

function providerCheck(secretInput: Check<SecretInput>): Check<ModelProviderConfig> {
  return obj({
    baseUrl: str({ nonEmpty: true, refine: baseUrlProblem }),
    apiKey: secretInput,
    api: oneOf(MODEL_APIS),
    headers: headersCheck,
    models: modelListCheck,
    auth: str({ nonEmpty: true }),
    authHeader: bool(),
    timeoutSeconds: positiveInt,
    compat: looseObject(),
    request: looseObject(),
  });
}

/**
 * `models`. Provider ids are compared case-insensitively for duplicates (they become directory
 * and profile names); the secret check is passed in so SecretRefs are validated the same way as
 * everywhere else in the config.
 */
export function modelsCheck(secretInput: Check<SecretInput>): Check<ModelsConfig> {
  const provider = providerCheck(secretInput);
  const providersCheck: Check<Record<string, ModelProviderConfig>> = (value, path, issues) => {
    const raw = looseObject()(value, path, issues);
    if (!raw) return undefined;
    const out: Record<string, ModelProviderConfig> = {};
    const seen = new Map<string, string>();
    for (const [id, entry] of Object.entries(raw)) {
      const at = joinConfigPath(path, id);
      if (!PROVIDER_ID_PATTERN.test(id)) {
        issues.push({
          path: at,
          message: `provider id "${id}" must be 1-64 letters, digits, ".", "-" or "_" (it is the first part of model refs "${id}/<model>")`,
        });
        continue;
      }
      const lower = id.toLowerCase();
      const first = seen.get(lower);
      if (first !== undefined) {
        issues.push({
          path: at,
          message: `duplicate provider id "${id}" (same as "${first}" ignoring case); provider ids must be unique`,
        });
        continue;
      }
      seen.set(lower, id);
      const checked = provider(entry, at, issues);
      if (checked) out[id] = checked;
    }
    return out;
  };
  return obj(
    { mode: oneOf(MODELS_MODES), providers: providersCheck },
    {
      refine: (out, raw, path, issues) => {
        // A provider that is not built in must say where it lives and how to talk to it. Checked
        // on the raw entry so an invalid value is reported once (as invalid), not also as missing.
        if (!out.providers || !isPlainObject(raw.providers)) return;
        for (const [id, entry] of Object.entries(out.providers)) {
          const rawEntry = raw.providers[id];
          if (!isPlainObject(rawEntry) || BUILT_IN_BASE_PROVIDERS.has(id)) continue;
          const at = joinConfigPath(joinConfigPath(path, 'providers'), id);
          if ((entry.models?.length ?? 0) === 0) continue;
          if (rawEntry.baseUrl === undefined)
            issues.push({
              path: joinConfigPath(at, 'baseUrl'),
              message: 'is required for a custom provider with models',
            });
          if (rawEntry.api === undefined && entry.models!.some((m) => m.api === undefined))
            issues.push({
              path: joinConfigPath(at, 'api'),
              message: `is required for a custom provider (one of ${MODEL_APIS.map((a) => `"${a}"`).join(', ')}), here or on each model`,
            });
        }
      },
    },
  );
}

/**
 * Built-in providers whose endpoint and wire format are known without config, so
 * `models.providers.openai: { models: [...] }` may add models without baseUrl/api. Kept here (not
 * read from pi-ai's catalog) so validation never loads the provider library.
 */
export const BUILT_IN_BASE_PROVIDERS: ReadonlySet<string> = new Set([
  'openai',
  'anthropic',
  'google',
  'groq',
  'xai',
  'mistral',
  'openrouter',
  'cerebras',
  'deepseek',
]);
