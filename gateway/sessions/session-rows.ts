/**
 * Rows of `sessions.list`: the index entry plus what the sidebar shows — a title derived from the
 * first user message and a preview of the last message. Titles and previews read only the head
 * and the tail of a transcript, so listing stays cheap however long the conversations are.
 */
import { promises as fs } from 'node:fs';
import { isMessage, textOf, type Message } from './messages.js';
import type { SessionEntry } from './session-index.js';
import { sessionKindOf } from './session-key.js';
import { cleanAssistantText } from './chat-history.js';
import { isMessageEntry, parseLine } from './transcript-format.js';

const PEEK_BYTES = 64 * 1024;
const TITLE_CHARS = 60;
const PREVIEW_CHARS = 120;

export interface SessionRowOptions {
  includeDerivedTitles?: boolean;
  includeLastMessage?: boolean;
}

export interface SessionRow {
  key: string;
  kind: 'direct' | 'group' | 'global' | 'unknown';
  agentId: string;
  sessionId: string;
  updatedAt: number | null;
  label?: string;
  displayName?: string;
  derivedTitle?: string;
  lastMessagePreview?: string;
  chatType?: 'direct' | 'group' | 'channel';
  channel?: string;
  lastChannel?: string;
  subject?: string;
  thinkingLevel?: string;
  verboseLevel?: string;
  reasoningLevel?: string;
  elevatedLevel?: string;
  fastMode?: boolean | 'auto';
  sendPolicy?: string;
  inputTokens?: number;
  outputTokens?: number;
  totalTokens?: number;
  contextTokens?: number;
  estimatedCostUsd?: number;
  model?: string;
  modelProvider?: string;
  abortedLastRun?: boolean;
  createdAt?: number;
}

function oneLine(text: string, max: number): string | undefined {
  const flat = text.replace(/\s+/g, ' ').trim();
  if (flat === '') return undefined;
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

/** Messages in the complete lines of a chunk (a partial first or last line is skipped). */
function messagesIn(chunk: string): Message[] {
  const out: Message[] = [];
  for (const line of chunk.split('\n')) {
    if (!line.startsWith('{')) continue;
    const parsed = parseLine(line);
    if (
      parsed.kind === 'entry' &&
      isMessageEntry(parsed.entry) &&
      isMessage(parsed.entry.message)
    ) {
      out.push(parsed.entry.message);
    }
  }
  return out;
}

async function peek(
  file: string,
  options: SessionRowOptions,
): Promise<{ title?: string; preview?: string }> {
  let handle: fs.FileHandle | undefined;
  try {
    handle = await fs.open(file, 'r');
    const { size } = await handle.stat();
    const result: { title?: string; preview?: string } = {};
    if (options.includeDerivedTitles) {
      const head = Buffer.alloc(Math.min(size, PEEK_BYTES));
      await handle.read(head, 0, head.length, 0);
      const firstUser = messagesIn(head.toString('utf8')).find((m) => m.role === 'user');
      if (firstUser) result.title = oneLine(textOf(firstUser), TITLE_CHARS);
    }
    if (options.includeLastMessage) {
      const length = Math.min(size, PEEK_BYTES);
      const tail = Buffer.alloc(length);
      await handle.read(tail, 0, length, size - length);
      const last = messagesIn(tail.toString('utf8'))
        .reverse()
        .find((m) => m.role !== 'toolResult' && oneLine(visible(m), PREVIEW_CHARS));
      if (last) result.preview = oneLine(visible(last), PREVIEW_CHARS);
    }
    return result;
  } catch {
    return {};
  } finally {
    await handle?.close();
  }
}

function visible(message: Message): string {
  const text = textOf(message);
  return message.role === 'assistant' ? cleanAssistantText(text) : text;
}

function chatTypeOf(value: unknown): SessionRow['chatType'] {
  if (value === 'direct' || value === 'group' || value === 'channel') return value;
  if (value === 'room') return 'channel';
  return undefined;
}

function str(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

function num(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

export async function buildSessionRow(
  key: string,
  agentId: string,
  entry: SessionEntry,
  transcriptFile: string,
  options: SessionRowOptions = {},
): Promise<SessionRow> {
  const peeked =
    options.includeDerivedTitles || options.includeLastMessage
      ? await peek(transcriptFile, options)
      : {};
  const label = str(entry.label);
  const row: SessionRow = {
    key,
    kind: sessionKindOf(key, entry.chatType),
    agentId,
    sessionId: entry.sessionId,
    updatedAt: num(entry.updatedAt) ?? null,
  };
  const optional: Partial<SessionRow> = {
    label,
    displayName: label ?? str(entry.displayName) ?? str(entry.subject) ?? peeked.title,
    derivedTitle: peeked.title,
    lastMessagePreview: peeked.preview,
    chatType: chatTypeOf(entry.chatType),
    channel: str(entry.channel) ?? str(entry.lastChannel) ?? str(entry.provider),
    lastChannel: str(entry.lastChannel),
    subject: str(entry.subject),
    thinkingLevel: str(entry.thinkingLevel),
    verboseLevel: str(entry.verboseLevel),
    reasoningLevel: str(entry.reasoningLevel),
    elevatedLevel: str(entry.elevatedLevel),
    fastMode:
      typeof entry.fastMode === 'boolean' || entry.fastMode === 'auto' ? entry.fastMode : undefined,
    sendPolicy: str(entry.sendPolicy),
    inputTokens: num(entry.inputTokens),
    outputTokens: num(entry.outputTokens),
    totalTokens: num(entry.totalTokens),
    contextTokens: num(entry.contextTokens),
    estimatedCostUsd: num(entry.estimatedCostUsd),
    // The override is what the next run uses; otherwise the model the last run used.
    model: str(entry.modelOverride) ?? str(entry.model),
    modelProvider: str(entry.modelOverride)
      ? str(entry.providerOverride)
      : str(entry.modelProvider),
    abortedLastRun: typeof entry.abortedLastRun === 'boolean' ? entry.abortedLastRun : undefined,
    createdAt: num(entry.sessionStartedAt),
  };
  for (const [field, value] of Object.entries(optional)) {
    if (value !== undefined) (row as unknown as Record<string, unknown>)[field] = value;
  }
  return row;
}
