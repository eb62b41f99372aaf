/**
 * (Test-only) A local stand-in for Anthropic's Messages API (`POST /v1/messages`, key in
 * `x-api-key`), speaking its SSE format: `message_start` (with input usage), per block
 * `content_block_start` / `content_block_delta` (`text_delta`, or `input_json_delta` pieces of a
 * `tool_use` block's input) / `content_block_stop`, a `ping`, `message_delta` (stop_reason
 * `end_turn` or `tool_use`, output usage) and `message_stop`. Errors use Anthropic's body
 * `{type: "error", error: {type, message}, request_id}`; 429 carries `retry-after` and the
 * `anthropic-ratelimit-*` headers.
 */
import { randomBytes } from 'node:crypto';
import { chunkJson, chunkText, roughTokens, sleep, type StandInTurn } from './stand-in-script.js';
import {
  startSse,
  startStandInServer,
  writeJson,
  type StandInHandlerContext,
  type StandInServer,
} from './stand-in-server.js';

export interface AnthropicStandIn extends StandInServer {
  /** The `baseUrl` for a provider config (the SDK appends `/v1/messages`). */
  readonly baseUrl: string;
}

const ERROR_TYPES: Record<number, { type: string; message: string }> = {
  400: { type: 'invalid_request_error', message: 'Invalid request.' },
  401: { type: 'authentication_error', message: 'invalid x-api-key' },
  403: {
    type: 'permission_error',
    message: 'Your API key does not have permission to use the specified resource.',
  },
  404: { type: 'not_found_error', message: 'model: not found' },
  429: {
    type: 'rate_limit_error',
    message: 'Number of request tokens has exceeded your per-minute rate limit.',
  },
  500: { type: 'api_error', message: 'Internal server error' },
  502: { type: 'api_error', message: 'Bad gateway' },
  503: { type: 'api_error', message: 'Service unavailable' },
  529: { type: 'overloaded_error', message: 'Overloaded' },
};

function requestId(): string {
  return `req_${randomBytes(12).toString('hex')}`;
}

function errorBody(status: number, message?: string) {
  const base = ERROR_TYPES[status] ?? ERROR_TYPES[500]!;
  return {
    type: 'error',
    error: { type: base.type, message: message ?? base.message },
    request_id: requestId(),
  };
}

export async function startAnthropicStandIn(options: {
  apiKey: string;
}): Promise<AnthropicStandIn> {
  const server = await startStandInServer(
    {
      matches: (method, path) => method === 'POST' && /\/v1\/messages$/.test(path),
      authorized: (req, apiKey) => {
        const auth = req.headers.authorization;
        return req.headers['x-api-key'] === apiKey || auth === `Bearer ${apiKey}`;
      },
      unauthorized: ({ res }) => writeJson(res, 401, errorBody(401), { 'request-id': requestId() }),
      handle: answer,
    },
    options,
  );
  return Object.assign(server, { baseUrl: server.origin });
}

async function answer(ctx: StandInHandlerContext, turn: StandInTurn | undefined): Promise<void> {
  const { res, body } = ctx;
  const model = typeof body.model === 'string' ? body.model : 'unknown';
  if (!turn) {
    writeJson(res, 500, errorBody(500, 'stand-in: no scripted turn left for this request'));
    return;
  }
  if (turn.reply === 'hang') return;
  if (turn.reply === 'error') {
    const headers: Record<string, string> = { 'request-id': requestId() };
    if (turn.retryAfterSeconds !== undefined)
      headers['retry-after'] = String(turn.retryAfterSeconds);
    if (turn.status === 429) {
      headers['anthropic-ratelimit-requests-limit'] = '50';
      headers['anthropic-ratelimit-requests-remaining'] = '0';
      headers['anthropic-ratelimit-requests-reset'] = new Date(
        Date.now() + (turn.retryAfterSeconds ?? 20) * 1000,
      ).toISOString();
    }
    writeJson(res, turn.status, errorBody(turn.status, turn.message), headers);
    return;
  }

  const send = (event: string, data: Record<string, unknown>) =>
    res.write(`event: ${event}\ndata: ${JSON.stringify({ type: event, ...data })}\n\n`);
  startSse(res, { 'request-id': requestId() });
  const inputTokens =
    (turn.reply !== 'drop' ? turn.usage?.input : undefined) ??
    roughTokens(JSON.stringify(body.messages ?? []) + JSON.stringify(body.system ?? ''));
  send('message_start', {
    message: {
      id: `msg_${randomBytes(12).toString('hex')}`,
      type: 'message',
      role: 'assistant',
      model,
      content: [],
      stop_reason: null,
      stop_sequence: null,
      usage: {
        input_tokens: inputTokens,
        cache_creation_input_tokens: 0,
        cache_read_input_tokens: 0,
        output_tokens: 1,
      },
    },
  });

  if (turn.reply === 'drop') {
    send('content_block_start', { index: 0, content_block: { type: 'text', text: '' } });
    for (const piece of chunkText(turn.text.slice(0, Math.ceil(turn.text.length / 2))))
      send('content_block_delta', { index: 0, delta: { type: 'text_delta', text: piece } });
    await sleep(20);
    res.socket?.destroy();
    return;
  }

  const delay = turn.delayMs ?? 0;
  const spoken = turn.reply === 'text' ? turn.text : (turn.text ?? '');
  let index = 0;
  let outputText = spoken;
  if (spoken) {
    send('content_block_start', { index, content_block: { type: 'text', text: '' } });
    send('ping', {});
    for (const piece of chunkText(spoken, turn.reply === 'text' ? turn.chunkSize : undefined)) {
      await sleep(delay);
      if (res.destroyed) return;
      send('content_block_delta', { index, delta: { type: 'text_delta', text: piece } });
    }
    send('content_block_stop', { index });
    index += 1;
  }
  if (turn.reply === 'tool') {
    for (const call of turn.calls) {
      const id = call.id ?? `toolu_${randomBytes(12).toString('hex')}`;
      send('content_block_start', {
        index,
        content_block: { type: 'tool_use', id, name: call.name, input: {} },
      });
      for (const piece of chunkJson(call.arguments)) {
        await sleep(delay);
        if (res.destroyed) return;
        outputText += piece;
        send('content_block_delta', {
          index,
          delta: { type: 'input_json_delta', partial_json: piece },
        });
      }
      send('content_block_stop', { index });
      index += 1;
    }
  }
  send('message_delta', {
    delta: { stop_reason: turn.reply === 'tool' ? 'tool_use' : 'end_turn', stop_sequence: null },
    usage: { output_tokens: turn.usage?.output ?? roughTokens(outputText) },
  });
  send('message_stop', {});
  res.end();
}
