/**
 * The fallback chain (`agents.defaults.model: { primary, fallbacks }`): try each model in turn
 * until one answers. The next model is tried only when the failure is the provider's (missing or
 * refused key, 429, 5xx, timeout, unreachable, unknown model) and nothing of the failed answer has
 * reached the consumer yet: once text or a tool call has streamed out, switching models would
 * splice two answers, so that failure is final. `start` is held back until the first content
 * event for the same reason (a consumer such as pi-agent-core adds a message on `start`).
 */
import type { AssistantMessage, Context } from '@mariozechner/pi-ai';
import { ErrorCode, OpenClawError, errorMessage } from '../../infra/errors.js';
import { isFailoverWorthy } from './provider-errors.js';
import {
  streamModel,
  type ProviderErrorEvent,
  type ProviderStreamEvent,
  type ProviderStreamOptions,
  type ResolvedModel,
} from './provider-stream.js';

export interface FallbackAttempt {
  ref: string;
  code: string;
  message: string;
}

/** Emitted when a model failed and the next one is tried; `reason` is the failure in our words. */
export interface FallbackEvent {
  type: 'fallback';
  from: string;
  to: string;
  reason: FallbackAttempt;
}

export type ChainStreamEvent = ProviderStreamEvent | FallbackEvent;

export interface ChainResult {
  /** The final message: a success, or the error message of the last attempt. */
  message: AssistantMessage;
  /** The model that produced `message`. */
  ref: string;
  /** Models that failed before (and, on failure, including) the last one. */
  attempts: FallbackAttempt[];
}

function attemptOf(ref: string, err: OpenClawError): FallbackAttempt {
  return { ref, code: err.code, message: err.message };
}

function toOpenClawError(err: unknown): OpenClawError {
  return err instanceof OpenClawError
    ? err
    : new OpenClawError(ErrorCode.INTERNAL, `Model setup failed: ${errorMessage(err)}`, {
        cause: err,
      });
}

function emptyErrorMessage(ref: string, failure: OpenClawError): AssistantMessage {
  const slash = ref.indexOf('/');
  return {
    role: 'assistant',
    content: [],
    api: 'unknown',
    provider: ref.slice(0, slash),
    model: ref.slice(slash + 1),
    usage: {
      input: 0,
      output: 0,
      cacheRead: 0,
      cacheWrite: 0,
      totalTokens: 0,
      cost: { input: 0, output: 0, cacheRead: 0, cacheWrite: 0, total: 0 },
    },
    stopReason: failure.code === ErrorCode.CANCELLED ? 'aborted' : 'error',
    errorMessage: failure.message,
    timestamp: Date.now(),
  };
}

/** With several attempts the message names each, primary first; the code is the primary's. */
function chainFailure(attempts: FallbackAttempt[], last: OpenClawError): OpenClawError {
  if (attempts.length <= 1) return last;
  const first = attempts[0]!;
  return new OpenClawError(
    first.code as ErrorCode,
    `No model could answer. ${attempts.map((a) => `${a.ref}: ${a.message}`).join(' ')}`,
    { details: { ...(last.details ?? {}), attempts } },
  );
}

export interface FallbackHooks {
  /**
   * After a model refused its credential (PROVIDER_AUTH_FAILED) before answering: a renewed
   * credential to try the same model once more with, or undefined. May throw (the renewal
   * failed): that failure then stands for the attempt.
   */
  reauth?: (resolved: ResolvedModel) => Promise<ResolvedModel | undefined>;
}

/**
 * Stream through the chain. `resolve` turns a ref into a callable model and may throw
 * (unknown model, missing key): that counts as a failed attempt too.
 */
export async function* streamWithFallback(
  refs: readonly string[],
  resolve: (ref: string) => ResolvedModel | Promise<ResolvedModel>,
  context: Context,
  options: ProviderStreamOptions = {},
  hooks: FallbackHooks = {},
): AsyncGenerator<ChainStreamEvent, ChainResult> {
  if (refs.length === 0) {
    throw new OpenClawError(
      ErrorCode.MODEL_NOT_FOUND,
      'No model is configured. Set agents.defaults.model.primary (e.g. "anthropic/claude-sonnet-4-5") or pick one with `openclaw models set <provider/model>`.',
    );
  }
  const attempts: FallbackAttempt[] = [];
  for (let i = 0; i < refs.length; i += 1) {
    const ref = refs[i]!;
    const next = refs[i + 1];
    const last = next === undefined;
    let resolved: ResolvedModel;
    try {
      resolved = await resolve(ref);
    } catch (err) {
      const failure = toOpenClawError(err);
      attempts.push(attemptOf(ref, failure));
      if (!last && isFailoverWorthy(failure) && !options.signal?.aborted) {
        yield { type: 'fallback', from: ref, to: next, reason: attemptOf(ref, failure) };
        continue;
      }
      const final = chainFailure(attempts, failure);
      const message = emptyErrorMessage(ref, final);
      const event: ProviderErrorEvent = {
        type: 'error',
        reason: message.stopReason as 'aborted' | 'error',
        error: message,
        failure: final,
      };
      yield event;
      return { message, ref, attempts };
    }

    let reauthed = false;
    attempt: for (;;) {
      let pendingStart: ProviderStreamEvent | undefined;
      let emitted = false;
      const stream = streamModel(resolved, context, options);
      // A consumer that stops early (break, return) must end the HTTP request too.
      try {
        for (;;) {
          const step = await stream.next();
          if (step.done) return { message: step.value, ref, attempts };
          const event = step.value;
          if (event.type === 'start') {
            pendingStart = event;
            continue;
          }
          if (event.type === 'error') {
            let failure = event.failure;
            if (
              hooks.reauth &&
              !reauthed &&
              !emitted &&
              failure.code === ErrorCode.PROVIDER_AUTH_FAILED &&
              !options.signal?.aborted
            ) {
              // A login refused before its expiry (revoked): renew it once and ask again.
              reauthed = true;
              try {
                const renewed = await hooks.reauth(resolved);
                if (renewed) {
                  resolved = renewed;
                  continue attempt;
                }
              } catch (err) {
                failure = toOpenClawError(err);
              }
            }
            attempts.push(attemptOf(ref, failure));
            if (!last && !emitted && isFailoverWorthy(failure) && !options.signal?.aborted) {
              yield { type: 'fallback', from: ref, to: next, reason: attemptOf(ref, failure) };
              break attempt;
            }
            const final = chainFailure(attempts, failure);
            const message = { ...event.error, errorMessage: final.message };
            yield { ...event, error: message, failure: final };
            return { message, ref, attempts };
          }
          if (pendingStart) {
            yield pendingStart;
            pendingStart = undefined;
          }
          emitted = true;
          yield event;
        }
      } finally {
        await stream.return(undefined as never);
      }
    }
  }
  // Unreachable: the last ref always returns above.
  throw new OpenClawError(ErrorCode.INTERNAL, 'model fallback chain ended without a result');
}
