/**
 * The Model step's Test: one real call through the gateway's own provider code (pi-ai behind
 * gateway/agent/providers), with the config the user is about to save. Provider failures come
 * back in plain words with the next step and the field to fix; the key never appears in them.
 * The provider library is loaded with `import()` on the first test, so the app starts without it.
 */
import type { OpenClawConfig } from '../../../gateway/config/config-types.js';
import type { Env } from '../../../gateway/config/paths.js';
import { scrubProviderText } from '../../../gateway/agent/providers/provider-errors.js';
import { OpenClawError, errorMessage } from '../../../gateway/infra/errors.js';
import type { ModelField, ModelPlan } from './model-input.js';
import { KIND_INFO } from './provider-kinds.js';

export interface CallProblem {
  field?: ModelField;
  code: string;
  message: string;
  nextStep: string;
}

export type CallOutcome =
  { ok: true; answer: string; durationMs: number } | { ok: false; problem: CallProblem };

export interface ModelCallOptions {
  config: OpenClawConfig;
  env: Env;
  agentsDir: string;
  agentId?: string;
  plan: ModelPlan;
  /** No answer (or no progress) within this long is a timeout. Default 45 s; 120 s for a local server, which may first load the model from disk. */
  timeoutMs?: number;
}

const PROMPT =
  'This is a connection test from OpenClaw Desktop. Reply with one short friendly sentence.';
const ANSWER_CAP = 600;

export async function callModelOnce(options: ModelCallOptions): Promise<CallOutcome> {
  const { plan } = options;
  const started = Date.now();
  const [{ ModelProviders }, { streamModel }] = await Promise.all([
    import('../../../gateway/agent/providers/model-providers.js'),
    import('../../../gateway/agent/providers/provider-stream.js'),
  ]);
  let text = '';
  try {
    const providers = await ModelProviders.create({
      config: options.config,
      env: options.env,
      paths: { agentsDir: options.agentsDir },
      agentId: options.agentId,
    });
    const resolved = await providers.resolveFresh(plan.ref);
    const events = streamModel(
      resolved,
      { messages: [{ role: 'user', content: PROMPT, timestamp: Date.now() }] },
      {
        maxRetries: 0,
        idleTimeoutMs: options.timeoutMs ?? (local(plan) ? 120_000 : 45_000),
        maxTokens: 400,
      },
    );
    for await (const event of events) {
      if (event.type === 'error') return { ok: false, problem: explain(event.failure, plan) };
      if (event.type === 'done') {
        for (const block of event.message.content) if (block.type === 'text') text += block.text;
      }
    }
  } catch (err) {
    return { ok: false, problem: explain(err, plan) };
  }
  const answer = text.trim();
  return {
    ok: true,
    answer:
      answer === ''
        ? '(The model answered without text.)'
        : answer.length > ANSWER_CAP
          ? `${answer.slice(0, ANSWER_CAP)}…`
          : answer,
    durationMs: Date.now() - started,
  };
}

function local(plan: ModelPlan): boolean {
  return plan.kind === 'ollama' || plan.kind === 'custom';
}

/** Our provider codes in the Model step's words. */
export function explain(err: unknown, plan: ModelPlan): CallProblem {
  const code = err instanceof OpenClawError ? err.code : 'INTERNAL';
  const label = KIND_INFO[plan.kind].label;
  const where = plan.views?.host;
  const status =
    err instanceof OpenClawError ? (err.details?.status as number | undefined) : undefined;
  switch (code) {
    case 'PROVIDER_AUTH_FAILED':
      return {
        field: 'apiKey',
        code,
        message: `${label} refused the key${status ? ` (HTTP ${status})` : ''}.`,
        nextStep: `Check the key: copy it again${KIND_INFO[plan.kind].keyPage ? ` from ${KIND_INFO[plan.kind].keyPage}` : ''}, make sure it is active and allowed to use this model, and paste it here.`,
      };
    case 'PROVIDER_KEY_MISSING':
      return {
        field: 'apiKey',
        code,
        message: `There is no key for ${label} yet.`,
        nextStep: 'Paste the API key, then test again.',
      };
    case 'MODEL_NOT_FOUND':
      return {
        field: 'model',
        code,
        message: `${label} does not know the model “${plan.modelId}”.`,
        nextStep:
          plan.kind === 'ollama'
            ? `Pick one of the models Ollama has, or download this one first with \`ollama pull ${plan.modelId}\`.`
            : 'Pick another model from the list, or check the spelling of the model id.',
      };
    case 'PROVIDER_UNREACHABLE':
      return local(plan)
        ? {
            field: 'baseUrl',
            code,
            message: `Nothing answered at ${where}.`,
            nextStep:
              plan.kind === 'ollama'
                ? 'Is Ollama running? Start the Ollama app (or `ollama serve`), then test again.'
                : 'Is the server running, and is the address right? Start it, then test again.',
          }
        : {
            code,
            message: `${label} could not be reached from this computer.`,
            nextStep:
              'Check the internet connection (and proxy) of this computer, then test again.',
          };
    case 'PROVIDER_TIMEOUT':
      return {
        code,
        message: `${label} did not answer in time.`,
        nextStep: local(plan)
          ? 'A local model can take a while to load the first time: test again in a moment.'
          : 'Test again in a moment.',
      };
    case 'PROVIDER_RATE_LIMITED':
      return {
        code,
        message: err instanceof Error ? err.message : `${label} is limiting requests.`,
        nextStep:
          'Wait a minute and test again; if it says the quota is used up, check the plan and billing on the provider’s site.',
      };
    case 'PROVIDER_REQUEST_REJECTED':
      return {
        field: 'model',
        code,
        message: errorMessage(err),
        nextStep: 'Pick another model; some models need a different kind of access.',
      };
    default:
      return {
        code,
        // Not one of ours: it may be a library's text, so no key and nothing key-shaped in it.
        message: scrubProviderText(errorMessage(err), plan.key ? [plan.key] : []),
        nextStep: 'Check the address and the model, then test again.',
      };
  }
}
