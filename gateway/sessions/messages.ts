/**
 * Message shapes stored in transcripts and carried by `chat` events. They mirror
 * `@mariozechner/pi-ai` 0.73.1 (`UserMessage`, `AssistantMessage`, `ToolResultMessage` and their
 * content blocks) field for field, so the agent loop can hand pi's messages to the transcript
 * writer and read them back without conversion; defined here so sessions do not depend on pi.
 */

export interface TextContent {
  type: 'text';
  text: string;
  textSignature?: string;
}

export interface ThinkingContent {
  type: 'thinking';
  thinking: string;
  thinkingSignature?: string;
  redacted?: boolean;
}

export interface ImageContent {
  type: 'image';
  /** Base64 without the data: prefix. */
  data: string;
  mimeType: string;
}

export interface ToolCall {
  type: 'toolCall';
  id: string;
  name: string;
  arguments: Record<string, unknown>;
  thoughtSignature?: string;
}

export interface UsageCost {
  input: number;
  output: number;
  cacheRead: number;
  cacheWrite: number;
  total: number;
}

export interface Usage {
  input: number;
  output: number;
  cacheRead: number;
  cacheWrite: number;
  totalTokens: number;
  cost: UsageCost;
}

export interface AssistantMessageDiagnostic {
  type: string;
  timestamp: number;
  error?: { name?: string; message: string; stack?: string; code?: string | number };
  details?: Record<string, unknown>;
}

export type StopReason = 'stop' | 'length' | 'toolUse' | 'error' | 'aborted';

export interface UserMessage {
  role: 'user';
  content: string | Array<TextContent | ImageContent>;
  /** Unix ms. */
  timestamp: number;
  /**
   * The idempotency key of the `chat.send`/`agent` call that sent it (as OpenClaw transcripts
   * record it): clients match their sent message to the history by it.
   */
  idempotencyKey?: string;
}

export interface AssistantMessage {
  role: 'assistant';
  content: Array<TextContent | ThinkingContent | ToolCall>;
  api: string;
  provider: string;
  model: string;
  /** The model id the provider reported, when it differs from the one asked for. */
  responseModel?: string;
  responseId?: string;
  /** Provider diagnostics pi attaches (retries, recovered errors); stored as given. */
  diagnostics?: AssistantMessageDiagnostic[];
  usage: Usage;
  stopReason: StopReason;
  errorMessage?: string;
  timestamp: number;
}

export interface ToolResultMessage {
  role: 'toolResult';
  toolCallId: string;
  toolName: string;
  content: Array<TextContent | ImageContent>;
  details?: unknown;
  isError: boolean;
  timestamp: number;
}

export type Message = UserMessage | AssistantMessage | ToolResultMessage;

export function emptyUsage(): Usage {
  return {
    input: 0,
    output: 0,
    cacheRead: 0,
    cacheWrite: 0,
    totalTokens: 0,
    cost: { input: 0, output: 0, cacheRead: 0, cacheWrite: 0, total: 0 },
  };
}

export function isMessage(value: unknown): value is Message {
  if (!value || typeof value !== 'object') return false;
  const m = value as { role?: unknown; content?: unknown };
  if (m.role === 'user') return typeof m.content === 'string' || Array.isArray(m.content);
  if (m.role === 'assistant' || m.role === 'toolResult') return Array.isArray(m.content);
  return false;
}

/** Tool calls an assistant message asked for, in order. */
export function toolCallsOf(message: Message): ToolCall[] {
  if (message.role !== 'assistant') return [];
  return message.content.filter((block): block is ToolCall => block?.type === 'toolCall');
}

/** The visible text of a message (text blocks joined), for titles and previews. */
export function textOf(message: Message): string {
  if (typeof message.content === 'string') return message.content;
  return message.content
    .filter(
      (block): block is TextContent => block?.type === 'text' && typeof block.text === 'string',
    )
    .map((block) => block.text)
    .join('\n');
}
