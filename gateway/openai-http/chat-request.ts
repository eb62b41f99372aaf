/**
 * The body of `POST /v1/chat/completions`: read with a size cap, parsed, checked field by field
 * (each problem a 400 naming the field and what to send instead), and turned into the one message
 * the agent run gets. The agent keeps its own transcript, so only the latest user turn is new;
 * system messages and earlier turns are folded in as context when the session starts empty.
 */
import type { IncomingMessage } from 'node:http';
import { badRequest, OpenAiHttpError } from './openai-errors.js';

/** Request bodies larger than this are refused (as upstream's built-in limit). */
export const MAX_BODY_BYTES = 20 * 1024 * 1024;

export interface ChatMessage {
  role: 'system' | 'developer' | 'user' | 'assistant' | 'tool' | 'function';
  text: string;
  name?: string;
}

export interface ChatRequest {
  model?: string;
  stream: boolean;
  includeUsage: boolean;
  user?: string;
  messages: ChatMessage[];
}

/**
 * The body as JSON. Past the cap the rest is read and dropped rather than the socket cut, so the
 * client, still sending, gets to read the 413 instead of a reset connection.
 */
export async function readJsonBody(
  req: IncomingMessage,
  maxBytes = MAX_BODY_BYTES,
): Promise<unknown> {
  const tooLarge = () =>
    new OpenAiHttpError(
      413,
      `The request body is larger than ${Math.round(maxBytes / 1024 / 1024)} MB; send a shorter conversation.`,
      'invalid_request_error',
      'request_too_large',
    );
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > maxBytes) {
    req.resume();
    throw tooLarge();
  }
  const raw = await new Promise<Buffer>((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let over = false;
    req.on('data', (chunk: Buffer) => {
      if (over) return;
      size += chunk.length;
      if (size > maxBytes) {
        over = true;
        chunks.length = 0;
        reject(tooLarge());
        return;
      }
      chunks.push(chunk);
    });
    req.once('end', () => {
      if (!over) resolve(Buffer.concat(chunks));
    });
    req.once('error', reject);
  });
  const text = raw.toString('utf8');
  if (text.trim() === '') {
    throw badRequest('The request body is empty; send a JSON object with "model" and "messages".');
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    throw badRequest(
      `The request body is not valid JSON (${err instanceof Error ? err.message : String(err)}); send a JSON object with "model" and "messages".`,
    );
  }
}

const ROLES = new Set<ChatMessage['role']>([
  'system',
  'developer',
  'user',
  'assistant',
  'tool',
  'function',
]);

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Text of a message's `content`: a string, null, or an array of parts (text only here). */
function contentText(content: unknown, param: string): string {
  if (content === null || content === undefined) return '';
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) {
    throw badRequest(`${param} must be a string or an array of content parts.`, param);
  }
  const pieces: string[] = [];
  for (const [i, part] of content.entries()) {
    const partParam = `${param}[${i}]`;
    if (!isObject(part)) throw badRequest(`${partParam} must be an object.`, partParam);
    if (part.type === 'text' && typeof part.text === 'string') {
      pieces.push(part.text);
    } else if (part.type === 'image_url' || part.type === 'input_audio' || part.type === 'file') {
      throw badRequest(
        `${partParam} is a "${String(part.type)}" part; this gateway takes text only over this endpoint. Send the text, or put the file in the agent's workspace and refer to it.`,
        partParam,
        'unsupported_content',
      );
    } else {
      throw badRequest(`${partParam} must be {"type": "text", "text": "..."}.`, partParam);
    }
  }
  return pieces.join('\n');
}

function toolCallsNote(calls: unknown): string {
  if (!Array.isArray(calls)) return '';
  const names = calls
    .map((c) => (isObject(c) && isObject(c.function) ? String(c.function.name) : undefined))
    .filter((n): n is string => Boolean(n));
  return names.length > 0 ? `(called ${names.join(', ')})` : '';
}

export function parseChatRequest(body: unknown): ChatRequest {
  if (!isObject(body)) {
    throw badRequest('The request body must be a JSON object with "model" and "messages".');
  }
  const { model, stream, user, messages } = body;
  if (model !== undefined && (typeof model !== 'string' || model.trim() === '')) {
    throw badRequest('"model" must be a string such as "openclaw/default".', 'model');
  }
  if (stream !== undefined && stream !== null && typeof stream !== 'boolean') {
    throw badRequest('"stream" must be true or false.', 'stream');
  }
  if (user !== undefined && user !== null && typeof user !== 'string') {
    throw badRequest('"user" must be a string (it picks the conversation to continue).', 'user');
  }
  if (typeof user === 'string' && user.length > 256) {
    throw badRequest(
      '"user" is longer than 256 characters; use a shorter conversation id.',
      'user',
    );
  }
  const n = body.n;
  if (n !== undefined && n !== null && n !== 1) {
    throw badRequest('"n" must be 1: the agent gives one answer per request.', 'n');
  }
  if (Array.isArray(body.tools) && body.tools.length > 0) {
    throw badRequest(
      'Client-side "tools" are not supported by this gateway yet; the agent uses its own tools in its workspace. Leave "tools" out.',
      'tools',
      'unsupported_parameter',
    );
  }
  const streamOptions = body.stream_options;
  const includeUsage = isObject(streamOptions) && streamOptions.include_usage === true;
  if (!Array.isArray(messages) || messages.length === 0) {
    throw badRequest(
      '"messages" is missing or empty; send at least one message like {"role": "user", "content": "hello"}.',
      'messages',
    );
  }
  const parsed = messages.map((m: unknown, i): ChatMessage => {
    const param = `messages[${i}]`;
    if (!isObject(m))
      throw badRequest(`${param} must be an object with "role" and "content".`, param);
    const role = m.role as ChatMessage['role'];
    if (typeof role !== 'string' || !ROLES.has(role)) {
      throw badRequest(
        `${param}.role must be one of system, developer, user, assistant, tool (got ${JSON.stringify(m.role)}).`,
        `${param}.role`,
      );
    }
    let text = contentText(m.content, `${param}.content`);
    if (role === 'assistant' && text === '') text = toolCallsNote(m.tool_calls);
    return { role, text, ...(typeof m.name === 'string' ? { name: m.name } : {}) };
  });
  const last = parsed.at(-1)!;
  if (last.role !== 'user') {
    throw badRequest(
      `The last message must come from the user (got "${last.role}"): the agent answers the latest user message and runs its own tools.`,
      `messages[${parsed.length - 1}].role`,
    );
  }
  if (last.text.trim() === '') {
    throw badRequest(
      'The last user message is empty; send some text.',
      `messages[${parsed.length - 1}].content`,
    );
  }
  return {
    ...(typeof model === 'string' ? { model: model.trim() } : {}),
    stream: stream === true,
    includeUsage,
    ...(typeof user === 'string' ? { user } : {}),
    messages: parsed,
  };
}

const LABELS: Record<ChatMessage['role'], string> = {
  system: 'System',
  developer: 'System',
  user: 'User',
  assistant: 'Assistant',
  tool: 'Tool result',
  function: 'Tool result',
};

/**
 * The message the agent run gets. A session that already has a transcript remembers the
 * conversation itself, so it gets the latest user turn alone; a new one also gets the client's
 * instructions and the turns before, labelled, so a stateless client keeps its context.
 */
export function agentMessage(messages: readonly ChatMessage[], sessionIsNew: boolean): string {
  const latest = messages.at(-1)!.text;
  if (!sessionIsNew || messages.length === 1) return latest;
  const instructions = messages
    .filter((m) => m.role === 'system' || m.role === 'developer')
    .map((m) => m.text)
    .filter((t) => t.trim() !== '');
  const earlier = messages
    .slice(0, -1)
    .filter((m) => m.role !== 'system' && m.role !== 'developer' && m.text.trim() !== '')
    .map((m) => `${LABELS[m.role]}: ${m.text}`);
  if (instructions.length === 0 && earlier.length === 0) return latest;
  const sections: string[] = [];
  if (instructions.length > 0)
    sections.push(`Instructions from the client:\n${instructions.join('\n\n')}`);
  if (earlier.length > 0) sections.push(`Conversation so far:\n${earlier.join('\n\n')}`);
  sections.push(`Current message:\n${latest}`);
  return sections.join('\n\n');
}
