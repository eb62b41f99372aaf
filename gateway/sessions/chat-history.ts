/**
 * `chat.history`: transcript messages as chat UIs render them. Display-only noise is removed
 * (delivery directive tags, tool-call markup a model printed as text, leaked control tokens,
 * silent `NO_REPLY` turns) and the answer is bounded: long text fields are cut with a visible
 * marker, a message still too large is replaced by a placeholder, and when the whole answer
 * would pass the byte budget the oldest messages are left out and `truncated` says so.
 */
import type {
  AssistantMessage,
  ImageContent,
  Message,
  TextContent,
  ThinkingContent,
  ToolCall,
  ToolResultMessage,
  UserMessage,
} from './messages.js';

export const DEFAULT_HISTORY_LIMIT = 200;
export const MAX_HISTORY_LIMIT = 1000;
/** Per text field, unless the request or `gateway.webchat.chatHistoryMaxChars` says otherwise. */
export const DEFAULT_HISTORY_MAX_CHARS = 12_000;
/** One message larger than this (serialised) is replaced by a placeholder. */
export const MAX_HISTORY_MESSAGE_BYTES = 256 * 1024;
/** The whole messages array stays under this. */
export const MAX_HISTORY_BYTES = 6 * 1024 * 1024;
export const OMITTED_MESSAGE_TEXT = '[chat.history omitted: message too large]';

export interface HistoryOptions {
  /** Transcript entry ids parallel to the messages, to tag each shown message with its own. */
  messageIds?: readonly string[];
  limit?: number;
  maxChars?: number;
  maxMessageBytes?: number;
  maxTotalBytes?: number;
}

/**
 * Where a shown message sits in the transcript: its entry id and 1-based position on the branch.
 * OpenClaw clients key messages by these (to merge live and loaded ones, and to know that a sent
 * message was stored).
 */
export interface HistoryPosition {
  id: string;
  seq: number;
  /** The run that wrote an assistant or tool result message (its user message's key). */
  runId?: string;
}

export type HistoryMessage = Message & { __openclaw?: HistoryPosition };

export interface HistoryView {
  messages: HistoryMessage[];
  /** True when older messages were left out to stay under the byte budget or the limit. */
  truncated: boolean;
  /** Messages on the branch that the limit or budget left out (silent turns are not counted). */
  omitted: number;
}

const DIRECTIVE_TAGS =
  /\[\[\s*(?:reply_to_current|reply_to\s*:[^\]]*|reply_to_[a-z0-9_]+|audio_as_voice)\s*\]\]/gi;
const TOOL_CALL_BLOCK =
  /<(tool_call|tool_calls|function_call|function_calls)\b[^>]*>[\s\S]*?(?:<\/\1\s*>|$)/gi;
// Chat-template control tokens: <|im_end|>, <|eot_id|>, and the full-width <｜…｜> variants.
const CONTROL_TOKENS = /<\|[a-z0-9_:.-]{1,40}\|>|<｜[^｜>\n]{1,40}｜>/gi;
const SILENT_TOKEN = /^\s*no_reply\s*$/i;

/** Visible assistant text without the display-only markup. */
export function cleanAssistantText(text: string): string {
  return text
    .replace(TOOL_CALL_BLOCK, '')
    .replace(DIRECTIVE_TAGS, '')
    .replace(CONTROL_TOKENS, '')
    .trim();
}

export function cutText(text: string, maxChars: number): string {
  if (text.length <= maxChars) return text;
  const omitted = text.length - maxChars;
  return `${text.slice(0, maxChars)}\n…[truncated: ${omitted} more characters not shown]`;
}

function cutValue(value: unknown, maxChars: number, depth = 0): unknown {
  if (typeof value === 'string') return cutText(value, maxChars);
  if (depth > 6 || !value || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map((v) => cutValue(v, maxChars, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[k] = cutValue(v, maxChars, depth + 1);
  return out;
}

function displayText(block: TextContent, maxChars: number, assistant: boolean): TextContent {
  const text = assistant ? cleanAssistantText(block.text) : block.text;
  return { type: 'text', text: cutText(text, maxChars) };
}

/** One message as a UI shows it, or undefined when it shows nothing (silent turns). */
export function displayMessage(message: Message, maxChars: number): Message | undefined {
  if (message.role === 'user') {
    const blocks =
      typeof message.content === 'string'
        ? [{ type: 'text', text: message.content } as TextContent]
        : message.content;
    const content = blocks
      .filter((b) => b?.type === 'text' || b?.type === 'image')
      .map((b) =>
        b.type === 'text' ? displayText(b, maxChars, false) : ({ ...b } as ImageContent),
      );
    if (content.length === 0) return undefined;
    const out: UserMessage = { role: 'user', content, timestamp: message.timestamp };
    if (message.idempotencyKey) out.idempotencyKey = message.idempotencyKey;
    return out;
  }
  if (message.role === 'assistant') {
    const content: AssistantMessage['content'] = [];
    for (const block of message.content) {
      if (block?.type === 'text') {
        const shown = displayText(block, maxChars, true);
        if (shown.text !== '') content.push(shown);
      } else if (block?.type === 'thinking') {
        const thinking: ThinkingContent = {
          type: 'thinking',
          thinking: cutText(block.thinking, maxChars),
        };
        if (block.redacted) thinking.redacted = true;
        content.push(thinking);
      } else if (block?.type === 'toolCall') {
        const call: ToolCall = {
          type: 'toolCall',
          id: block.id,
          name: block.name,
          arguments: cutValue(block.arguments ?? {}, maxChars) as Record<string, unknown>,
        };
        content.push(call);
      }
    }
    const visibleText = content
      .filter((b): b is TextContent => b.type === 'text')
      .map((b) => b.text)
      .join('');
    const hasCalls = content.some((b) => b.type === 'toolCall');
    const original = message.content
      .filter((b): b is TextContent => b?.type === 'text')
      .map((b) => b.text)
      .join('');
    if (!hasCalls && SILENT_TOKEN.test(original)) return undefined;
    if (
      !hasCalls &&
      visibleText === '' &&
      !content.some((b) => b.type === 'thinking') &&
      !message.errorMessage
    ) {
      return undefined;
    }
    const out: AssistantMessage = {
      role: 'assistant',
      content,
      api: message.api,
      provider: message.provider,
      model: message.model,
      usage: message.usage,
      stopReason: message.stopReason,
      timestamp: message.timestamp,
    };
    if (message.errorMessage) out.errorMessage = cutText(message.errorMessage, maxChars);
    return out;
  }
  const content = message.content
    .filter((b) => b?.type === 'text' || b?.type === 'image')
    .map((b) => (b.type === 'text' ? displayText(b, maxChars, false) : ({ ...b } as ImageContent)));
  const out: ToolResultMessage = {
    role: 'toolResult',
    toolCallId: message.toolCallId,
    toolName: message.toolName,
    content: content.length > 0 ? content : [{ type: 'text', text: '' }],
    isError: message.isError,
    timestamp: message.timestamp,
  };
  return out;
}

/** A stand-in for a message too large to send, keeping its role and place in the conversation. */
function placeholder(message: Message): Message {
  const content: TextContent[] = [{ type: 'text', text: OMITTED_MESSAGE_TEXT }];
  if (message.role === 'assistant') {
    return { ...message, content, errorMessage: undefined };
  }
  if (message.role === 'toolResult') return { ...message, content, details: undefined };
  const out: UserMessage = { role: 'user', content, timestamp: message.timestamp };
  if (message.idempotencyKey) out.idempotencyKey = message.idempotencyKey;
  return out;
}

/**
 * A message's place on the branch. A run's replies follow the user message that started it, so
 * an assistant or tool result message belongs to the nearest earlier user message's run.
 */
function positionOf(messages: readonly Message[], index: number, id: string): HistoryPosition {
  const position: HistoryPosition = { id, seq: index + 1 };
  if (messages[index]!.role === 'user') return position;
  for (let j = index - 1; j >= 0; j -= 1) {
    const earlier = messages[j]!;
    if (earlier.role !== 'user') continue;
    if (earlier.idempotencyKey) position.runId = earlier.idempotencyKey;
    break;
  }
  return position;
}

/** Build the history view of a branch's messages (oldest first). */
export function buildHistory(
  messages: readonly Message[],
  options: HistoryOptions = {},
): HistoryView {
  const limit = Math.min(Math.max(options.limit ?? DEFAULT_HISTORY_LIMIT, 1), MAX_HISTORY_LIMIT);
  const maxChars = Math.max(options.maxChars ?? DEFAULT_HISTORY_MAX_CHARS, 1);
  const maxMessageBytes = options.maxMessageBytes ?? MAX_HISTORY_MESSAGE_BYTES;
  const maxTotalBytes = options.maxTotalBytes ?? MAX_HISTORY_BYTES;

  const shown: HistoryMessage[] = [];
  let bytes = 2;
  let truncated = false;
  let visibleSeen = 0;
  let full = false;
  // Newest first, so the budget keeps the end of the conversation.
  for (let i = messages.length - 1; i >= 0; i -= 1) {
    const display = displayMessage(messages[i]!, maxChars);
    if (!display) continue;
    visibleSeen += 1;
    if (full || shown.length >= limit) {
      truncated = true;
      continue;
    }
    const id = options.messageIds?.[i];
    const position = id ? positionOf(messages, i, id) : undefined;
    let row: HistoryMessage = position ? { ...display, __openclaw: position } : display;
    let size = Buffer.byteLength(JSON.stringify(row));
    if (size > maxMessageBytes) {
      row = position ? { ...placeholder(display), __openclaw: position } : placeholder(display);
      size = Buffer.byteLength(JSON.stringify(row));
    }
    if (bytes + size + 1 > maxTotalBytes) {
      // Stop here: older messages after a gap would read as if they came right before.
      full = true;
      truncated = true;
      continue;
    }
    bytes += size + 1;
    shown.push(row);
  }
  shown.reverse();
  return { messages: shown, truncated, omitted: visibleSeen - shown.length };
}
