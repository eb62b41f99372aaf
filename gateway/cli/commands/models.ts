/**
 * `openclaw models list|set|auth`. `list` asks the running gateway (`models.list`) and, when no
 * gateway answers, reads the same catalog locally from the config and the stored keys. `set`
 * writes `agents.defaults.model.primary` through the config store, guarded by the hash of the
 * file it read, after checking the provider exists.
 */
import { loadConfigSnapshot, updateConfigDocument } from '../../config/config-store.js';
import { isPlainObject } from '../../config/json-value.js';
import type { Env, StatePaths } from '../../config/paths.js';
import { ErrorCode, OpenClawError, isOpenClawError } from '../../infra/errors.js';
import { createOutput, parseCommandArgs, parseDurationMs } from '../args.js';
import { GatewayConnectError, REMOTE_OPTIONS, withGateway } from '../remote.js';

const USAGE =
  'openclaw models list [--all] [--provider <id>] [--local] [--json] | set <provider/model> | auth login --provider openai-codex';

export interface ModelRow {
  id: string;
  name: string;
  provider: string;
  available?: boolean;
  unavailableReason?: string;
  contextWindow?: number;
  reasoning?: boolean;
  tags?: string[];
}

function usageError(message: string): OpenClawError {
  return new OpenClawError(ErrorCode.INVALID_ARGUMENT, `${message}\nUsage: ${USAGE}`, {
    exitCode: 2,
  });
}

export async function models(argv: string[], env: Env, paths: StatePaths): Promise<number> {
  const [sub, ...rest] = argv;
  switch (sub) {
    case 'list':
      return modelsList(rest, env, paths);
    case 'set':
      return modelsSet(rest, env, paths);
    case 'auth':
      return (await import('./models-auth.js')).modelsAuth(rest, env, paths);
    case undefined:
      throw usageError('models needs a command');
    default:
      throw usageError(`unknown models command "${sub}"`);
  }
}

async function listLocally(env: Env, paths: StatePaths, view: 'default' | 'all') {
  const snapshot = await loadConfigSnapshot(paths, env);
  const { ModelProviders } = await import('../../agent/providers/model-providers.js');
  const providers = await ModelProviders.fromSnapshot(snapshot, env, paths);
  return providers.listModels(view) as ModelRow[];
}

export async function modelsList(argv: string[], env: Env, paths: StatePaths): Promise<number> {
  const { values, positionals } = parseCommandArgs(
    argv,
    {
      ...REMOTE_OPTIONS,
      all: { type: 'boolean' },
      provider: { type: 'string' },
      local: { type: 'boolean' },
      agent: { type: 'string' },
      plain: { type: 'boolean' },
    },
    USAGE,
  );
  if (positionals.length > 0) throw usageError(`unexpected argument "${positionals[0]}"`);
  const out = createOutput(values.json === true);
  // A provider filter needs every model of that provider, not only the usable ones.
  const view = values.all || values.provider ? 'all' : 'default';
  let rows: ModelRow[];
  let source: 'gateway' | 'local';
  if (values.local) {
    rows = await listLocally(env, paths, view);
    source = 'local';
  } else {
    try {
      const timeoutMs = parseDurationMs(values.timeout, '--timeout', 5000);
      const result = await withGateway(paths, env, { ...values, timeoutMs }, (session) =>
        session.request<{ models: ModelRow[] }>('models.list', {
          view,
          ...(values.agent ? { agentId: values.agent } : {}),
        }),
      );
      rows = result.models;
      source = 'gateway';
    } catch (err) {
      // Only "nothing answers" falls back: a gateway that refused us must not be papered over.
      if (!(err instanceof GatewayConnectError) || !err.unreachable || values.url) throw err;
      rows = await listLocally(env, paths, view);
      source = 'local';
    }
  }
  if (values.provider) rows = rows.filter((r) => r.provider === values.provider);
  out.result({ source, count: rows.length, models: rows }, () => formatTable(rows, source));
  return 0;
}

export function formatTable(rows: ModelRow[], source: 'gateway' | 'local'): string {
  const header =
    source === 'local'
      ? 'Models (from the local config; no gateway answered):'
      : 'Models (from the gateway):';
  if (rows.length === 0) {
    return `${header}\n  none usable yet: add a key (openclaw onboard --auth-choice …) or list everything with --all`;
  }
  const refs = rows.map((r) => `${r.provider}/${r.id}`);
  const width = Math.min(60, Math.max(...refs.map((r) => r.length)));
  const lines = rows.map((r, i) => {
    const ctx = r.contextWindow ? `${Math.round(r.contextWindow / 1000)}k` : '-';
    const auth = r.available === false ? 'no key' : 'ready';
    const tags = r.tags?.length ? `  [${r.tags.join(', ')}]` : '';
    return `  ${refs[i]!.padEnd(width)}  ${ctx.padStart(5)}  ${auth.padEnd(6)}${tags}`;
  });
  return [header, ...lines].join('\n');
}

export async function modelsSet(argv: string[], env: Env, paths: StatePaths): Promise<number> {
  const { values, positionals } = parseCommandArgs(argv, { json: { type: 'boolean' } }, USAGE);
  const out = createOutput(values.json === true);
  const [raw, extra] = positionals;
  if (!raw) throw usageError('models set needs a model such as openai/gpt-4.1');
  if (extra !== undefined) throw usageError(`unexpected argument "${extra}"`);
  const { parseModelRef, formatModelRef } = await import('../../agent/providers/model-ref.js');
  const { ModelCatalog } = await import('../../agent/providers/model-catalog.js');
  let ref;
  try {
    ref = parseModelRef(raw);
  } catch (err) {
    throw new OpenClawError(
      ErrorCode.INVALID_ARGUMENT,
      `${(err as Error).message} Write it as provider/model, e.g. openai/gpt-4.1 or ollama/llama3.1.`,
      { exitCode: 2 },
    );
  }
  const snapshot = await loadConfigSnapshot(paths, env);
  if (snapshot.exists && snapshot.parsed === undefined) {
    throw new OpenClawError(
      ErrorCode.CONFIG_INVALID,
      `${paths.configPath} cannot be parsed; fix it first (openclaw config get shows what is wrong).`,
    );
  }
  const catalog = ModelCatalog.fromConfig(snapshot.config.models);
  if (!catalog.hasProvider(ref.provider)) {
    const mode = snapshot.config.models?.mode ?? 'merge';
    throw new OpenClawError(
      ErrorCode.MODEL_NOT_FOUND,
      `unknown provider "${ref.provider}": use a built-in one (openai, anthropic, google, openrouter, groq, xai, mistral, …) or add models.providers.${ref.provider} with baseUrl, api and models first${mode === 'replace' ? ' (models.mode is "replace": only configured providers exist)' : ''}. Nothing was changed.`,
    );
  }
  const found = catalog.find(ref);
  const canonical = found?.ref ?? formatModelRef(ref);
  let written;
  try {
    written = await updateConfigDocument(
      paths,
      (doc) => {
        const agents = isPlainObject(doc.agents) ? doc.agents : (doc.agents = {});
        const defaults = isPlainObject(agents.defaults) ? agents.defaults : (agents.defaults = {});
        const current = defaults.model;
        defaults.model = isPlainObject(current)
          ? { ...current, primary: canonical }
          : { primary: canonical };
      },
      { env, baseHash: snapshot.hash },
    );
  } catch (err) {
    if (isOpenClawError(err) && err.code === ErrorCode.CONFIG_CONFLICT) {
      throw new OpenClawError(
        ErrorCode.CONFIG_CONFLICT,
        `${paths.configPath} changed while the model was being set; nothing was written. Run the command again.`,
        { cause: err },
      );
    }
    throw err;
  }
  const warning = found
    ? undefined
    : `"${ref.modelId}" is not in the catalog of ${ref.provider}; saved anyway (new or self-hosted models may not be listed). If it is a custom endpoint, add it to models.providers.${ref.provider}.models.`;
  if (warning && !out.json) process.stderr.write(`warning: ${warning}\n`);
  out.result(
    { ok: true, model: canonical, known: Boolean(found), hash: written.hash, warning },
    () => `Default model: ${canonical} (agents.defaults.model.primary in ${paths.configPath})`,
  );
  return 0;
}
