/**
 * (Test-only) A local stand-in for OpenAI's Chat Completions API (`POST /v1/chat/completions`,
 * also what Ollama, vLLM and LM Studio serve), speaking its wire format: SSE `data:` chunks of
 * `chat.completion.chunk` objects with content deltas, tool-call deltas (id and name first, then
 * the arguments in pieces, keyed by `index`), a finish_reason, the usage chunk when the request
 * asked for `stream_options.include_usage`, then `data: [DONE]`. Errors use OpenAI's JSON body
 * `{error: {message, type, param, code}}`, 429 with `retry-after` and `x-ratelimit-*` headers,
 * and a 401 that echoes a masked key as OpenAI does.
 */
import type { IncomingMessage } from 'node:http';
import { randomBytes } from 'node:crypto';
import { chunkJson, chunkText, roughTokens, sleep, type StandInTurn } from './stand-in-script.js';
import {
  startSse,
  startStandInServer,
  writeJson,
  type StandInHandlerContext,
  type StandInOptions,
  type StandInServer,
} from './stand-in-server.js';

export interface OpenAiStandIn extends StandInServer {
  /** The `baseUrl` for a provider config: `<origin>/v1`. */
  readonly baseUrl: string;
}

function maskKey(key: string): string {
  return key.length <= 12 ? '***' : `${key.slice(0, 8)}${'*'.repeat(12)}${key.slice(-4)}`;
}

function bearer(req: IncomingMessage): string {
  const header = req.headers.authorization ?? '';
  return header.startsWith('Bearer ') ? header.slice(7) : '';
}

const ERROR_BODIES: Record<number, { type: string; code: string | null; message: string }> = {
  400: { type: 'invalid_request_error', code: null, message: 'Invalid request.' },
  401: {
    type: 'invalid_request_error',
    code: 'invalid_api_key',
    message: 'Incorrect API key provided.',
  },
  403: {
    type: 'invalid_request_error',
    code: 'unsupported_country_region_territory',
    message: 'Country, region, or territory not supported.',
  },
  404: {
    type: 'invalid_request_error',
    code: 'model_not_found',
    message: 'The model does not exist or you do not have access to it.',
  },
  429: {
    type: 'requests',
    code: 'rate_limit_exceeded',
    message: 'Rate limit reached for requests per min (RPM): Limit 3, Used 3, Requested 1.',
  },
  500: {
    type: 'server_error',
    code: null,
    message: 'The server had an error while processing your request. Sorry about that!',
  },
  502: { type: 'server_error', code: null, message: 'Bad gateway.' },
  503: {
    type: 'server_error',
    code: null,
    message: 'The engine is currently overloaded, please try again later.',
  },
  529: { type: 'server_error', code: null, message: 'Overloaded.' },
};

/**
 * `openai`: tool calls streamed as OpenAI does (name first, arguments in pieces, keyed by index).
 * `ollama`: as Ollama's `/v1` route does with tools: each tool call whole in one chunk (no
 * `index`, arguments complete) and the finish_reason on that same chunk (ollama/ollama#5915);
 * `ollama-stop`: the same but ending with finish_reason "stop", as some Ollama versions and
 * proxies in front of it do.
 */
export type OpenAiStandInStyle = 'openai' | 'ollama' | 'ollama-stop';

export async function startOpenAiStandIn(
  options: StandInOptions & { style?: OpenAiStandInStyle },
): Promise<OpenAiStandIn> {
  const style = options.style ?? 'openai';
  const created = Math.floor(Date.now() / 1000);
  const server = await startStandInServer(
    {
      matches: (method, path) => method === 'POST' && /\/chat\/completions$/.test(path),
      authorized: (req, apiKey) => bearer(req) === apiKey,
      unauthorized: ({ req, res }) => {
        writeJson(res, 401, {
          error: {
            message: `Incorrect API key provided: ${maskKey(bearer(req))}. You can find your API key at https://platform.openai.com/account/api-keys.`,
            type: 'invalid_request_error',
            param: null,
            code: 'invalid_api_key',
          },
        });
      },
      handle: (ctx, turn) => answerChatCompletion(ctx, turn, created, style),
    },
    options,
  );
  return Object.assign(server, { baseUrl: `${server.origin}/v1` });
}

/** One Chat Completions answer for a scripted turn (the Ollama stand-in reuses it). */
export async function answerChatCompletion(
  ctx: StandInHandlerContext,
  turn: StandInTurn | undefined,
  created: number,
  style: OpenAiStandInStyle,
) {
  const { res, body } = ctx;
  const model = typeof body.model === 'string' ? body.model : 'unknown';
  if (!turn) {
    writeJson(res, 500, {
      error: {
        message: 'stand-in: no scripted turn left for this request',
        type: 'server_error',
        param: null,
        code: null,
      },
    });
    return;
  }
  if (turn.reply === 'hang') return; // never answer; close() or the client ends it
  if (turn.reply === 'error') {
    const base = ERROR_BODIES[turn.status] ?? ERROR_BODIES[500]!;
    const retry = turn.retryAfterSeconds;
    const message =
      turn.message ??
      (turn.status === 429 && retry !== undefined
        ? `${base.message} Please try again in ${retry}s.`
        : base.message);
    const headers: Record<string, string> = {};
    if (retry !== undefined) headers['retry-after'] = String(retry);
    if (turn.status === 429) {
      headers['x-ratelimit-limit-requests'] = '3';
      headers['x-ratelimit-remaining-requests'] = '0';
      headers['x-ratelimit-reset-requests'] = `${retry ?? 20}s`;
    }
    writeJson(
      res,
      turn.status,
      { error: { message, type: base.type, param: null, code: base.code } },
      headers,
    );
    return;
  }

  const id = `chatcmpl-${randomBytes(6).toString('hex')}`;
  const chunk = (delta: Record<string, unknown>, finish: string | null = null) => ({
    id,
    object: 'chat.completion.chunk',
    created,
    model,
    system_fingerprint: style === 'openai' ? 'fp_standin' : 'fp_ollama',
    choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }],
  });
  const send = (value: unknown) => res.write(`data: ${JSON.stringify(value)}\n\n`);
  startSse(res, { 'x-request-id': `req_${randomBytes(6).toString('hex')}` });

  if (turn.reply === 'drop') {
    send(chunk({ role: 'assistant', content: '' }));
    for (const piece of chunkText(turn.text.slice(0, Math.ceil(turn.text.length / 2))))
      send(chunk({ content: piece }));
    await sleep(20);
    res.socket?.destroy();
    return;
  }

  const delay = turn.delayMs ?? 0;
  const spoken = turn.reply === 'text' ? turn.text : (turn.text ?? '');
  send(chunk({ role: 'assistant', content: '', refusal: null }));
  for (const piece of chunkText(spoken, turn.reply === 'text' ? turn.chunkSize : undefined)) {
    await sleep(delay);
    if (res.destroyed) return;
    send(chunk({ content: piece }));
  }
  let argumentText = '';
  if (turn.reply === 'tool' && style !== 'openai') {
    const calls = turn.calls.map((call) => {
      argumentText += JSON.stringify(call.arguments);
      return {
        id: call.id ?? `call_${randomBytes(4).toString('hex')}`,
        type: 'function',
        function: { name: call.name, arguments: JSON.stringify(call.arguments) },
      };
    });
    await sleep(delay);
    send(
      chunk(
        { role: 'assistant', content: '', tool_calls: calls },
        style === 'ollama' ? 'tool_calls' : null,
      ),
    );
    if (style === 'ollama-stop') send(chunk({ role: 'assistant', content: '' }, 'stop'));
  } else {
    if (turn.reply === 'tool') {
      for (const [index, call] of turn.calls.entries()) {
        const callId = call.id ?? `call_${randomBytes(8).toString('hex')}`;
        send(
          chunk({
            tool_calls: [
              { index, id: callId, type: 'function', function: { name: call.name, arguments: '' } },
            ],
          }),
        );
        for (const piece of chunkJson(call.arguments)) {
          await sleep(delay);
          if (res.destroyed) return;
          argumentText += piece;
          send(chunk({ tool_calls: [{ index, function: { arguments: piece } }] }));
        }
      }
    }
    send(chunk({}, turn.reply === 'tool' ? 'tool_calls' : 'stop'));
  }
  const streamOptions = body.stream_options as { include_usage?: boolean } | undefined;
  if (streamOptions?.include_usage) {
    const prompt = turn.usage?.input ?? roughTokens(JSON.stringify(body.messages ?? []));
    const completion = turn.usage?.output ?? roughTokens(spoken + argumentText);
    send({
      id,
      object: 'chat.completion.chunk',
      created,
      model,
      choices: [],
      usage: {
        prompt_tokens: prompt,
        completion_tokens: completion,
        total_tokens: prompt + completion,
      },
    });
  }
  res.write('data: [DONE]\n\n');
  res.end();
}
