/**
 * (Test-only) A local stand-in for the ChatGPT/Codex backend (`POST <base>/codex/responses`, base
 * `https://chatgpt.com/backend-api`), speaking its wire format as pi-ai's `openai-codex-responses`
 * provider uses it: a Responses-API request body (`model`, `instructions`, `input` items, `tools`,
 * `store: false`, `stream: true`) with the login's access token as bearer and the account from its
 * JWT in `chatgpt-account-id`; the answer is SSE of Responses events (`response.created`, output
 * items for a message and for function calls with their text/argument deltas, then
 * `response.completed` with usage). A token the sign-in service did not issue, or one that has
 * expired, gets the backend's 401 `{detail}`; an account header that does not match the token, 403.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { randomBytes } from 'node:crypto';
import { chunkJson, chunkText, roughTokens, sleep, type StandInTurn } from './stand-in-script.js';
import {
  startSse,
  startStandInServer,
  writeJson,
  type StandInHandlerContext,
  type StandInServer,
} from './stand-in-server.js';

export interface CodexStandIn extends StandInServer {
  /** The `baseUrl` for `models.providers.openai-codex`: `<origin>/backend-api`. */
  readonly baseUrl: string;
}

const PATH = '/backend-api/codex/responses';

function bearer(req: IncomingMessage): string {
  const header = req.headers.authorization ?? '';
  return header.startsWith('Bearer ') ? header.slice(7) : '';
}

function id(prefix: string): string {
  return `${prefix}_${randomBytes(8).toString('hex')}`;
}

function bodyProblem(body: Record<string, unknown>): string | undefined {
  if (typeof body.model !== 'string' || body.model === '') return 'model is required';
  if (body.stream !== true) return 'Stream must be set to true';
  if (body.store !== false) return 'Store must be set to false';
  if (typeof body.instructions !== 'string') return 'Instructions are required';
  if (!Array.isArray(body.input)) return 'input must be a list';
  return undefined;
}

function headerProblem(req: IncomingMessage): string | undefined {
  if (req.headers['openai-beta'] !== 'responses=experimental') return 'missing OpenAI-Beta header';
  if (!String(req.headers.accept).includes('text/event-stream')) return 'accept must be SSE';
  if (typeof req.headers.originator !== 'string') return 'missing originator header';
  return undefined;
}

class Sse {
  private seq = 0;
  constructor(private readonly res: ServerResponse) {}
  send(type: string, data: Record<string, unknown>): void {
    this.res.write(
      `event: ${type}\ndata: ${JSON.stringify({ type, sequence_number: this.seq++, ...data })}\n\n`,
    );
  }
}

async function answer(
  ctx: StandInHandlerContext,
  turn: Extract<StandInTurn, { reply: 'text' | 'tool' }>,
): Promise<void> {
  const model = String(ctx.body.model);
  const responseId = id('resp');
  const base = {
    id: responseId,
    object: 'response',
    model,
    created_at: Math.floor(Date.now() / 1000),
  };
  startSse(ctx.res);
  const sse = new Sse(ctx.res);
  const delay = turn.delayMs ?? 0;
  const output: Array<Record<string, unknown>> = [];
  sse.send('response.created', { response: { ...base, status: 'in_progress', output: [] } });
  sse.send('response.in_progress', { response: { ...base, status: 'in_progress', output: [] } });

  const text = turn.reply === 'text' ? turn.text : (turn.text ?? '');
  if (text) {
    const itemId = id('msg');
    const index = output.length;
    const item = { id: itemId, type: 'message', role: 'assistant', status: 'in_progress' };
    sse.send('response.output_item.added', { output_index: index, item: { ...item, content: [] } });
    const part = { type: 'output_text', text: '', annotations: [] };
    sse.send('response.content_part.added', {
      item_id: itemId,
      output_index: index,
      content_index: 0,
      part,
    });
    const size = turn.reply === 'text' ? (turn.chunkSize ?? 4) : 4;
    for (const delta of chunkText(text, size)) {
      await sleep(delay);
      sse.send('response.output_text.delta', {
        item_id: itemId,
        output_index: index,
        content_index: 0,
        delta,
      });
    }
    sse.send('response.output_text.done', {
      item_id: itemId,
      output_index: index,
      content_index: 0,
      text,
    });
    const done = { ...part, text };
    sse.send('response.content_part.done', {
      item_id: itemId,
      output_index: index,
      content_index: 0,
      part: done,
    });
    const finished = { ...item, status: 'completed', content: [done] };
    sse.send('response.output_item.done', { output_index: index, item: finished });
    output.push(finished);
  }

  for (const call of turn.reply === 'tool' ? turn.calls : []) {
    const itemId = id('fc');
    const index = output.length;
    const item = {
      id: itemId,
      type: 'function_call',
      status: 'in_progress',
      call_id: call.id ?? id('call'),
      name: call.name,
      arguments: '',
    };
    sse.send('response.output_item.added', { output_index: index, item });
    for (const delta of chunkJson(call.arguments)) {
      await sleep(delay);
      sse.send('response.function_call_arguments.delta', {
        item_id: itemId,
        output_index: index,
        delta,
      });
    }
    const args = JSON.stringify(call.arguments);
    sse.send('response.function_call_arguments.done', {
      item_id: itemId,
      output_index: index,
      arguments: args,
    });
    const finished = { ...item, status: 'completed', arguments: args };
    sse.send('response.output_item.done', { output_index: index, item: finished });
    output.push(finished);
  }

  const input = turn.usage?.input ?? roughTokens(JSON.stringify(ctx.body.input));
  const out = turn.usage?.output ?? roughTokens(JSON.stringify(output));
  sse.send('response.completed', {
    response: {
      ...base,
      status: 'completed',
      output,
      usage: {
        input_tokens: input,
        input_tokens_details: { cached_tokens: 0 },
        output_tokens: out,
        output_tokens_details: { reasoning_tokens: 0 },
        total_tokens: input + out,
      },
    },
  });
  ctx.res.end();
}

/**
 * `accountOf(token)`: the account a live access token belongs to (the OAuth stand-in's), else
 * undefined for a token that was never issued or has expired.
 */
export async function startCodexStandIn(options: {
  accountOf: (access: string) => string | undefined;
}): Promise<CodexStandIn> {
  const server = await startStandInServer(
    {
      matches: (method, path) => method === 'POST' && path === PATH,
      authorized: (req) => options.accountOf(bearer(req)) !== undefined,
      unauthorized: (ctx) =>
        writeJson(ctx.res, 401, {
          detail: 'Could not parse your authentication token. Please try signing in again.',
        }),
      async handle(ctx, turn) {
        const account = options.accountOf(bearer(ctx.req));
        if (ctx.req.headers['chatgpt-account-id'] !== account) {
          writeJson(ctx.res, 403, { detail: 'The account header does not match the token.' });
          return;
        }
        const problem = headerProblem(ctx.req) ?? bodyProblem(ctx.body);
        if (problem) {
          writeJson(ctx.res, 400, { detail: problem });
          return;
        }
        if (!turn) {
          writeJson(ctx.res, 500, { detail: 'stand-in script is empty' });
          return;
        }
        switch (turn.reply) {
          case 'text':
          case 'tool':
            await answer(ctx, turn);
            return;
          case 'error':
            writeJson(ctx.res, turn.status, {
              error: { message: turn.message ?? `stand-in error ${turn.status}`, type: 'error' },
            });
            return;
          case 'hang':
            await new Promise<void>((resolve) => ctx.res.on('close', () => resolve()));
            return;
          case 'drop': {
            startSse(ctx.res);
            new Sse(ctx.res).send('response.created', {
              response: { id: id('resp'), status: 'in_progress', output: [] },
            });
            ctx.res.destroy();
            return;
          }
        }
      },
    },
    { apiKey: '' },
  );
  return Object.assign(server, { baseUrl: `${server.origin}/backend-api` });
}
