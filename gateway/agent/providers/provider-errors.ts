/**
 * Provider failures in our terms. pi-ai reports a failed call as an `error` event whose message is
 * the SDK's text (`401 {"type":"error",...}`, `Connection error.`, `Request timed out.`); this
 * adapter turns it into one of our codes with a plain sentence and the next step. The key in use,
 * and anything shaped like a key, never reaches the message: providers echo partial keys in their
 * 401 bodies.
 */
import { ErrorCode, OpenClawError } from '../../infra/errors.js';
import { redactText } from '../../infra/logger.js';
import { signInAgainHint } from './sign-in-hint.js';

/** Codes after which trying the next model of the fallback chain makes sense. */
const FAILOVER_CODES: ReadonlySet<string> = new Set([
  ErrorCode.PROVIDER_KEY_MISSING,
  ErrorCode.PROVIDER_AUTH_FAILED,
  ErrorCode.PROVIDER_RATE_LIMITED,
  ErrorCode.PROVIDER_UNAVAILABLE,
  ErrorCode.PROVIDER_UNREACHABLE,
  ErrorCode.PROVIDER_TIMEOUT,
  ErrorCode.PROVIDER_STREAM_INTERRUPTED,
  ErrorCode.MODEL_NOT_FOUND,
]);

export function isFailoverWorthy(err: unknown): boolean {
  return err instanceof OpenClawError && FAILOVER_CODES.has(err.code);
}

const DISPLAY_NAMES: Record<string, string> = {
  openai: 'OpenAI',
  'openai-codex': 'ChatGPT (Codex)',
  anthropic: 'Anthropic',
  google: 'Google Gemini',
  groq: 'Groq',
  xai: 'xAI',
  mistral: 'Mistral',
  openrouter: 'OpenRouter',
  deepseek: 'DeepSeek',
  cerebras: 'Cerebras',
};

export function providerDisplayName(provider: string): string {
  return DISPLAY_NAMES[provider] ?? `provider "${provider}"`;
}

const KEY_SHAPED = [
  /\b(?:sk|rk|pk)-[A-Za-z0-9_*.-]{6,}/g,
  /\bAIza[0-9A-Za-z_-]{10,}/g,
  /\b(?:gsk|xai)-[A-Za-z0-9_*-]{6,}/g,
  /\b[A-Za-z0-9_-]{40,}\b/g,
];

/** A provider's own words, cut short and scrubbed of the key and key-shaped strings. */
export function scrubProviderText(text: string, secrets: readonly string[]): string {
  let out = redactText(text, secrets);
  for (const secret of secrets) if (secret) out = out.split(secret).join('[redacted]');
  for (const pattern of KEY_SHAPED) out = out.replace(pattern, '[redacted]');
  out = out.replace(/\s+/g, ' ').trim();
  return out.length > 240 ? `${out.slice(0, 240)}…` : out;
}

/** `401 {...json...}` / `429 Rate limit ...` → status and the provider's message. */
function splitStatus(message: string): { status?: number; detail: string } {
  const match = /^(\d{3})\b\s*(.*)$/s.exec(message.trim());
  if (!match) return { detail: message.trim() };
  const status = Number(match[1]);
  let detail = match[2] ?? '';
  try {
    const body = JSON.parse(detail) as { error?: { message?: unknown }; message?: unknown };
    const inner = body.error?.message ?? body.message;
    if (typeof inner === 'string') detail = inner;
  } catch {
    // Not JSON: the SDK already extracted the provider's message.
  }
  return { status, detail };
}

function retryAfterFrom(detail: string): number | undefined {
  const match =
    /(?:try again in|retry after|retry in)\s+(\d+(?:\.\d+)?)\s*(ms|s|sec|seconds?)?/i.exec(detail);
  if (!match) return undefined;
  const value = Number(match[1]);
  return Math.round(match[2]?.toLowerCase() === 'ms' ? value : value * 1000);
}

export interface FailureContext {
  /** pi-ai's errorMessage (or a thrown error's message). */
  message: string | undefined;
  provider: string;
  modelId: string;
  baseUrl?: string;
  /** Where the key came from, e.g. `env OPENAI_API_KEY` (never the key). */
  keySource?: string;
  /** The caller aborted. */
  aborted: boolean;
  /** Our own deadline fired (no answer / no progress in time). */
  timedOutAfterMs?: number;
  /** The response had started streaming when it failed. */
  started: boolean;
  secrets: readonly string[];
}

export function translateProviderFailure(ctx: FailureContext): OpenClawError {
  const name = providerDisplayName(ctx.provider);
  const Name = name.charAt(0).toUpperCase() + name.slice(1);
  const ref = `${ctx.provider}/${ctx.modelId}`;
  const raw = ctx.message ?? '';
  const { status, detail: rawDetail } = splitStatus(raw);
  const detail = scrubProviderText(rawDetail, ctx.secrets);
  const details: Record<string, unknown> = { provider: ctx.provider, model: ctx.modelId, ref };
  if (status !== undefined) details.status = status;
  const make = (code: ErrorCode, message: string, extra: Record<string, unknown> = {}) =>
    new OpenClawError(code, message, { details: { ...details, ...extra } });

  if (ctx.aborted) return make(ErrorCode.CANCELLED, `The answer from ${ref} was stopped.`);
  if (ctx.timedOutAfterMs !== undefined || /timed? ?out/i.test(raw)) {
    const seconds =
      ctx.timedOutAfterMs !== undefined ? Math.round(ctx.timedOutAfterMs / 100) / 10 : undefined;
    return make(
      ErrorCode.PROVIDER_TIMEOUT,
      `${Name} did not answer${seconds !== undefined ? ` within ${seconds} s` : ' in time'} for ${ref}. Try again; for a slow local model raise models.providers.${ctx.provider}.timeoutSeconds, or add a fallback model.`,
    );
  }
  if ((status === 401 || status === 403) && ctx.provider === 'openai-codex') {
    // Its key is a login's access token: the fix is signing in again, not replacing a key.
    return make(
      ErrorCode.PROVIDER_AUTH_FAILED,
      `ChatGPT refused the sign-in${ctx.keySource ? ` from ${ctx.keySource}` : ''} for ${ref} (HTTP ${status}). ${signInAgainHint(ctx.provider)}.`,
    );
  }
  if (status === 401 || status === 403) {
    return make(
      ErrorCode.PROVIDER_AUTH_FAILED,
      `${Name} refused the API key${ctx.keySource ? ` from ${ctx.keySource}` : ''} for ${ref} (HTTP ${status}). Check that the key is correct, active and allowed to use this model, then replace it (Settings → Model, or the same place it came from).`,
    );
  }
  if (status === 402 || (status === 429 && /quota|billing|credit/i.test(detail))) {
    return make(
      ErrorCode.PROVIDER_RATE_LIMITED,
      `${Name} says the account has no quota left for ${ref} (HTTP ${status}). Check the plan and billing on the provider's site, or add a fallback model in agents.defaults.model.fallbacks.`,
    );
  }
  if (status === 429) {
    const retryAfterMs = retryAfterFrom(detail);
    return make(
      ErrorCode.PROVIDER_RATE_LIMITED,
      `${Name} is rate limiting requests for ${ref} (HTTP 429)${retryAfterMs !== undefined && retryAfterMs >= 1000 ? `; it asks to wait ${Math.ceil(retryAfterMs / 1000)} s` : ''}. Wait a moment and send again, or add a fallback model in agents.defaults.model.fallbacks.`,
      retryAfterMs !== undefined ? { retryAfterMs } : {},
    );
  }
  if (status === 404) {
    return make(
      ErrorCode.MODEL_NOT_FOUND,
      `${Name} does not know model "${ctx.modelId}" (HTTP 404). Check the model id (\`openclaw models list\`)${ctx.baseUrl ? ` and the base URL ${ctx.baseUrl}` : ''}.`,
    );
  }
  if (status !== undefined && status >= 500) {
    return make(
      ErrorCode.PROVIDER_UNAVAILABLE,
      `${Name} had a server error for ${ref} (HTTP ${status}${detail ? `: ${detail}` : ''}). The problem is on the provider's side: try again in a moment, or add a fallback model.`,
    );
  }
  if (status !== undefined && status >= 400) {
    return make(
      ErrorCode.PROVIDER_REQUEST_REJECTED,
      `${Name} rejected the request for ${ref} (HTTP ${status}${detail ? `: ${detail}` : ''}). Check the model's settings in models.providers.${ctx.provider} (api, input types, maxTokens).`,
    );
  }
  if (
    /connection error|ECONNREFUSED|ENOTFOUND|EAI_AGAIN|EHOSTUNREACH|getaddrinfo|fetch failed/i.test(
      raw,
    ) &&
    !ctx.started
  ) {
    return make(
      ErrorCode.PROVIDER_UNREACHABLE,
      `Cannot reach ${name}${ctx.baseUrl ? ` at ${ctx.baseUrl}` : ''} for ${ref}. Check the address and that the server is running (from the gateway's container, a service on your computer is host.docker.internal).`,
    );
  }
  if (ctx.started) {
    return make(
      ErrorCode.PROVIDER_STREAM_INTERRUPTED,
      `The connection to ${name} broke in the middle of the answer from ${ref}${detail ? ` (${detail})` : ''}. Send the message again to get a full answer.`,
    );
  }
  return make(
    ErrorCode.PROVIDER_UNAVAILABLE,
    `${Name} failed for ${ref}${detail ? `: ${detail}` : ''}. Try again, or add a fallback model in agents.defaults.model.fallbacks.`,
  );
}
