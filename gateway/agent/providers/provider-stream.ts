/**
 * One model call, streamed: pi-ai's `streamSimple` with our key, our deadline and our errors.
 * Events are pi-ai's own (start, text/thinking/toolcall start/delta/end, done with usage and
 * stopReason); the terminal `error` event additionally carries `failure`, an OpenClawError with a
 * stable code, and its message replaces the SDK's text in the AssistantMessage, so a transcript or
 * chat event built from it never holds a provider body that echoes a key.
 */
import {
  streamSimple,
  type Api,
  type AssistantMessage,
  type AssistantMessageEvent,
  type Context,
  type Model,
  type ThinkingLevel,
} from '@mariozechner/pi-ai';
import type { OpenClawError } from '../../infra/errors.js';
import type { ResolvedApiKey } from './api-key.js';
import { translateProviderFailure } from './provider-errors.js';

export interface ResolvedModel {
  /** `provider/model`. */
  ref: string;
  provider: string;
  model: Model<Api>;
  apiKey: ResolvedApiKey;
  /** `models.providers.<id>.timeoutSeconds`, in ms. */
  timeoutMs?: number;
}

export interface ProviderStreamOptions {
  signal?: AbortSignal;
  reasoning?: ThinkingLevel;
  maxTokens?: number;
  temperature?: number;
  /** Lets providers with prompt caching keep one cache per session. */
  sessionId?: string;
  /**
   * No response, or no further event, within this long ends the call with PROVIDER_TIMEOUT.
   * Default: the provider's timeoutSeconds, else 120 s.
   */
  idleTimeoutMs?: number;
  /** Retries of the same model by the provider SDK (429 honouring retry-after, 5xx, connection). Default 1. */
  maxRetries?: number;
}

export type ProviderErrorEvent = Extract<AssistantMessageEvent, { type: 'error' }> & {
  failure: OpenClawError;
};

export type ProviderStreamEvent =
  Exclude<AssistantMessageEvent, { type: 'error' }> | ProviderErrorEvent;

export const DEFAULT_IDLE_TIMEOUT_MS = 120_000;

/**
 * The ChatGPT/Codex backend. pi-ai 0.73.1's provider for it tries a WebSocket first and falls back
 * to SSE; we ask for SSE alone so every Node version and proxy behaves the same. It also retries
 * every failed request three times (1 + 2 + 4 s), a refused token included: waiting cannot make a
 * refused token valid, so a 401/403 from it ends the call at once.
 */
const CODEX_API = 'openai-codex-responses';

/** An HTTP error whose SDK message lacks the status (Codex's) gets it in front, as others have. */
function withStatus(message: string | undefined, status: number | undefined): string | undefined {
  if (status === undefined || status < 400) return message;
  if (message && /^\d{3}\b/.test(message.trim())) return message;
  return `${status} ${message ?? ''}`.trim();
}

/**
 * Stream one model. Ends with a `done` or an `error` event (never throws for provider failures)
 * and returns the final AssistantMessage. Breaking out of the loop early aborts the request.
 */
export async function* streamModel(
  resolved: ResolvedModel,
  context: Context,
  options: ProviderStreamOptions = {},
): AsyncGenerator<ProviderStreamEvent, AssistantMessage> {
  const controller = new AbortController();
  const onAbort = () => controller.abort(options.signal?.reason);
  if (options.signal?.aborted) controller.abort(options.signal.reason);
  else options.signal?.addEventListener('abort', onAbort, { once: true });

  const idleMs = options.idleTimeoutMs ?? resolved.timeoutMs ?? DEFAULT_IDLE_TIMEOUT_MS;
  let timedOutAfterMs: number | undefined;
  let timer: NodeJS.Timeout | undefined;
  const arm = () => {
    clearTimeout(timer);
    timer = setTimeout(() => {
      timedOutAfterMs = idleMs;
      controller.abort(new Error('provider idle timeout'));
    }, idleMs);
  };
  arm();

  let started = false;
  let finished = false;
  let lastStatus: number | undefined;
  let refusedStatus: number | undefined;
  const codex = resolved.model.api === CODEX_API;
  try {
    const events = streamSimple(resolved.model, context, {
      signal: controller.signal,
      apiKey: resolved.apiKey.key,
      reasoning: options.reasoning,
      maxTokens: options.maxTokens,
      temperature: options.temperature,
      sessionId: options.sessionId,
      maxRetries: options.maxRetries ?? 1,
      ...(codex ? { transport: 'sse' as const } : {}),
      onResponse: ({ status }) => {
        lastStatus = status;
        if (codex && (status === 401 || status === 403)) {
          refusedStatus = status;
          controller.abort(new Error('provider refused the credential'));
        }
      },
    });
    for await (const event of events) {
      arm();
      if (event.type === 'error') {
        finished = true;
        const failure = translateProviderFailure({
          message: refusedStatus
            ? `${refusedStatus} refused`
            : withStatus(event.error.errorMessage, lastStatus),
          provider: resolved.provider,
          modelId: resolved.model.id,
          baseUrl: resolved.model.baseUrl || undefined,
          keySource: resolved.apiKey.source,
          aborted: options.signal?.aborted === true,
          timedOutAfterMs,
          started,
          secrets: [resolved.apiKey.key],
        });
        const message: AssistantMessage = {
          ...event.error,
          stopReason: failure.code === 'CANCELLED' ? 'aborted' : 'error',
          errorMessage: failure.message,
        };
        yield {
          type: 'error',
          reason: message.stopReason as 'aborted' | 'error',
          error: message,
          failure,
        };
        return message;
      }
      if (event.type === 'start') started = true;
      yield event;
      if (event.type === 'done') {
        finished = true;
        return event.message;
      }
    }
    // pi-ai always ends with done or error; a silent end is a broken stream.
    throw new Error('provider stream ended without a result');
  } finally {
    clearTimeout(timer);
    options.signal?.removeEventListener('abort', onAbort);
    if (!finished) controller.abort(new Error('stream consumer stopped'));
  }
}
