/**
 * One `POST /v1/chat/completions` as an agent run: started through the runtime's `agent` path
 * (the same as `openclaw agent`, so tools, transcripts and `chat` events behave as in the app),
 * followed through its `chat` events, and answered as one `chat.completion` or as SSE
 * `chat.completion.chunk`s ending in `data: [DONE]`. A client that goes away aborts the run.
 */
import { randomUUID } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import { ErrorCode, OpenClawError } from '../infra/errors.js';
import type { Logger } from '../infra/logger.js';
import { SECURITY_HEADERS } from '../server/http-routes.js';
import { OpenAiHttpError, sendJson } from './openai-errors.js';
import type { ChatRunEvent, RunEventTap } from './run-tap.js';

/** The two calls of the agent runtime this endpoint uses (loaded lazily by the gateway). */
export interface AgentRunPort {
  agent(raw: unknown): { ack: Record<string, unknown>; final: Promise<Record<string, unknown>> };
  chatAbort(raw: unknown): unknown;
}

export interface CompletionInput {
  runtime: AgentRunPort;
  tap: RunEventTap;
  logger: Logger;
  agentId: string;
  sessionKey: string;
  message: string;
  /** `x-openclaw-model`: a `provider/model` for this run only. */
  modelOverride?: string;
  /** Echoed as `model` in the answer (what the client asked for). */
  responseModel: string;
  stream: boolean;
  includeUsage: boolean;
}

/** SSE comment lines keep proxies from closing a stream while tools run with nothing to say. */
const KEEPALIVE_MS = 15_000;

/**
 * A failed run is not retried by OpenAI's client libraries (which retry 429 and 5xx by default):
 * the agent may already have used its tools, and a retry would do it all again.
 */
const NO_RETRY = { 'x-should-retry': 'false' };

interface OpenAiUsage {
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
}

function usageOf(usage: ChatRunEvent['usage']): OpenAiUsage {
  const prompt = (usage?.input ?? 0) + (usage?.cacheRead ?? 0) + (usage?.cacheWrite ?? 0);
  const completion = usage?.output ?? 0;
  return {
    prompt_tokens: prompt,
    completion_tokens: completion,
    total_tokens: prompt + completion,
  };
}

function textOfMessage(message: ChatRunEvent['message']): string {
  const content = message?.content;
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  return content
    .filter((b): b is { type: 'text'; text: string } => {
      const block = b as { type?: unknown; text?: unknown };
      return block.type === 'text' && typeof block.text === 'string';
    })
    .map((b) => b.text)
    .join('');
}

function finishReasonOf(event: ChatRunEvent): 'stop' | 'length' {
  const reason = event.stopReason ?? event.message?.stopReason;
  return reason === 'length' ? 'length' : 'stop';
}

/** A run that did not end well, as the OpenAI error the client sees. */
function runFailure(event: ChatRunEvent): OpenAiHttpError {
  if (event.state === 'aborted') {
    return new OpenAiHttpError(
      500,
      'The run was stopped before it finished (chat.abort, /stop, or the gateway stopping). Send the message again to retry.',
      'api_error',
      'run_aborted',
      null,
      NO_RETRY,
    );
  }
  const kind = event.errorKind ?? 'unknown';
  return new OpenAiHttpError(
    kind === 'rate_limit' ? 429 : 500,
    event.errorMessage ?? 'The agent run failed; the gateway log has the details.',
    kind === 'rate_limit' ? 'rate_limit_error' : 'api_error',
    kind,
    null,
    NO_RETRY,
  );
}

/** What the runtime throws before a run starts (message too long, gateway stopping). */
function startFailure(err: unknown): OpenAiHttpError {
  if (err instanceof OpenClawError) {
    if (err.code === ErrorCode.INVALID_ARGUMENT) return new OpenAiHttpError(400, err.message);
    if (err.code === ErrorCode.CANCELLED) {
      return new OpenAiHttpError(503, err.message, 'api_error', 'gateway_stopping');
    }
    return new OpenAiHttpError(500, err.message, 'api_error', err.code, null, NO_RETRY);
  }
  return new OpenAiHttpError(
    500,
    'The agent run could not start; the gateway log has the details.',
    'api_error',
    null,
    null,
    NO_RETRY,
  );
}

/** A run this request started and follows through its `chat` events. */
interface FollowedRun {
  readonly id: string;
  readonly created: number;
  /** Everything the run has streamed so far (several assistant messages read as one). */
  text: string;
  /** Each new piece of text as it arrives (a stream writes it out). */
  onDelta: (delta: string) => void;
  /** The run's terminal `chat` event: final, aborted or error. */
  readonly ended: Promise<ChatRunEvent>;
}

export async function runChatCompletion(
  res: ServerResponse,
  input: CompletionInput,
): Promise<void> {
  // Gone while the request was read and checked: start nothing.
  if (res.destroyed || res.socket?.destroyed !== false) return;
  const uuid = randomUUID().replace(/-/g, '');
  const runId = `openai-http-${uuid}`;
  const log = input.logger.child({ runId, sessionKey: input.sessionKey });
  let terminal!: (event: ChatRunEvent) => void;
  const run: FollowedRun = {
    id: `chatcmpl-${uuid}`,
    created: Math.floor(Date.now() / 1000),
    text: '',
    onDelta: () => {},
    ended: new Promise<ChatRunEvent>((resolve) => (terminal = resolve)),
  };
  const unfollow = input.tap.follow(runId, (event) => {
    if (event.state !== 'delta') {
      terminal(event);
    } else if (event.deltaText) {
      run.text += event.deltaText;
      run.onDelta(event.deltaText);
    }
  });

  try {
    input.runtime.agent({
      message: input.message,
      agentId: input.agentId,
      sessionKey: input.sessionKey,
      idempotencyKey: runId,
      ...(input.modelOverride ? { model: input.modelOverride } : {}),
    });
  } catch (err) {
    unfollow();
    throw startFailure(err);
  }
  log.debug('openai http run started', { agentId: input.agentId, stream: input.stream });

  let answered = false;
  // The response closing before we ended it is the client going away: stop the agent too.
  res.once('close', () => {
    if (answered || res.writableEnded) return;
    log.info('openai http client disconnected; aborting the run');
    input.runtime.chatAbort({ sessionKey: input.sessionKey, runId });
  });

  try {
    if (input.stream) await streamAnswer(res, input, run);
    else await wholeAnswer(res, input, run);
  } finally {
    answered = true;
    unfollow();
  }
  log.debug('openai http run ended', { state: (await run.ended).state });
}

async function wholeAnswer(
  res: ServerResponse,
  input: CompletionInput,
  run: FollowedRun,
): Promise<void> {
  const event = await run.ended;
  if (res.destroyed) return;
  if (event.state !== 'final') {
    const failure = runFailure(event);
    sendJson(res, failure.status, failure.body(), failure.headers);
    return;
  }
  // The streamed text is the run's whole answer (commentary around tool calls included), as a
  // stream shows it; a run that never streamed text still has its final message.
  const content = run.text || textOfMessage(event.message);
  sendJson(res, 200, {
    id: run.id,
    object: 'chat.completion',
    created: run.created,
    model: input.responseModel,
    choices: [
      {
        index: 0,
        message: { role: 'assistant', content, refusal: null },
        logprobs: null,
        finish_reason: finishReasonOf(event),
      },
    ],
    usage: usageOf(event.usage),
  });
}

async function streamAnswer(
  res: ServerResponse,
  input: CompletionInput,
  run: FollowedRun,
): Promise<void> {
  res.writeHead(200, {
    ...SECURITY_HEADERS,
    'Content-Type': 'text/event-stream; charset=utf-8',
    'Cache-Control': 'no-cache, no-transform',
    Connection: 'keep-alive',
    'X-Accel-Buffering': 'no',
  });
  const open = () => !res.destroyed && !res.writableEnded;
  const write = (value: unknown) => {
    if (open()) res.write(`data: ${JSON.stringify(value)}\n\n`);
  };
  const chunk = (fields: Record<string, unknown>) => ({
    id: run.id,
    object: 'chat.completion.chunk',
    created: run.created,
    model: input.responseModel,
    ...fields,
  });
  const choice = (delta: Record<string, unknown>, finish: string | null = null) =>
    chunk({ choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }] });
  write(choice({ role: 'assistant', content: '' }));
  run.onDelta = (delta) => write(choice({ content: delta }));
  const keepalive = setInterval(() => {
    if (open()) res.write(': keep-alive\n\n');
  }, KEEPALIVE_MS);
  keepalive.unref();
  let event: ChatRunEvent;
  try {
    event = await run.ended;
  } finally {
    clearInterval(keepalive);
  }
  if (!open()) return;
  if (event.state === 'final') {
    if (run.text === '') {
      const whole = textOfMessage(event.message);
      if (whole) write(choice({ content: whole }));
    }
    write(choice({}, finishReasonOf(event)));
    if (input.includeUsage) write(chunk({ choices: [], usage: usageOf(event.usage) }));
  } else {
    // The 200 is gone: the failure travels as an error event, which OpenAI clients raise.
    write(runFailure(event).body());
  }
  res.end('data: [DONE]\n\n');
}
