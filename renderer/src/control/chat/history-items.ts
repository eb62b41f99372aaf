/**
 * `chat.history` messages → conversation items. An assistant turn that calls tools is several
 * transcript messages (assistant, tool results, assistant …); they read as one bubble with the
 * tool cards in place, the same shape a live run has while it streams.
 */
import { isRecord, optNumber, optString } from '../connection/hello.js';
import type { ChatItem, ItemPart, ToolCallView, Usage } from './chat-types.js';

/** The text of content blocks (`[{type:'text', text}]`) or a plain string. */
export function blocksText(content: unknown): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  return content
    .filter(isRecord)
    .map((b) => (b.type === 'text' && typeof b.text === 'string' ? b.text : ''))
    .filter((t) => t !== '')
    .join('\n');
}

/** A tool's output (`{content:[…], details}` as tools return it, or anything else) as text. */
export function toolOutputText(result: unknown): string {
  if (result === undefined || result === null) return '';
  if (typeof result === 'string') return result;
  if (isRecord(result) && Array.isArray(result.content)) return blocksText(result.content);
  try {
    return JSON.stringify(result, null, 2);
  } catch {
    return String(result);
  }
}

export function parseUsage(raw: unknown): Usage | undefined {
  if (!isRecord(raw)) return undefined;
  const input = optNumber(raw.input) ?? 0;
  const output = optNumber(raw.output) ?? 0;
  const total = optNumber(raw.totalTokens) ?? input + output;
  if (input === 0 && output === 0 && total === 0) return undefined;
  return { input, output, total };
}

function assistantParts(content: unknown): ItemPart[] {
  if (!Array.isArray(content)) return [];
  const parts: ItemPart[] = [];
  for (const block of content.filter(isRecord)) {
    if (block.type === 'text' && typeof block.text === 'string' && block.text !== '') {
      parts.push({ kind: 'text', text: block.text });
    } else if (block.type === 'thinking' && typeof block.thinking === 'string') {
      if (block.thinking.trim() !== '') parts.push({ kind: 'thinking', text: block.thinking });
    } else if (block.type === 'toolCall') {
      const tool: ToolCallView = {
        id: optString(block.id) ?? `call-${parts.length}`,
        name: optString(block.name) ?? 'tool',
        args: block.arguments ?? {},
        // Without a result further on, the call never finished (the run was stopped).
        status: 'running',
      };
      parts.push({ kind: 'tool', tool });
    }
  }
  return parts;
}

/**
 * Build the items. `durations` carries tool durations this page measured live (the transcript
 * does not record them).
 */
export function historyItems(
  messages: readonly unknown[],
  durations: Readonly<Record<string, number>> = {},
): ChatItem[] {
  const items: ChatItem[] = [];
  const tools = new Map<string, ToolCallView>();
  let turn: ChatItem | undefined;
  messages.forEach((raw, index) => {
    if (!isRecord(raw)) return;
    const timestamp = optNumber(raw.timestamp);
    if (raw.role === 'user') {
      turn = undefined;
      items.push({
        id: `m${index}`,
        role: 'user',
        parts: [{ kind: 'text', text: blocksText(raw.content) }],
        timestamp,
      });
      return;
    }
    if (raw.role === 'assistant') {
      if (!turn) {
        turn = { id: `m${index}`, role: 'assistant', parts: [], timestamp };
        items.push(turn);
      }
      for (const part of assistantParts(raw.content)) {
        if (part.kind === 'tool') {
          const duration = durations[part.tool.id];
          if (duration !== undefined) part.tool.durationMs = duration;
          tools.set(part.tool.id, part.tool);
        }
        turn.parts.push(part);
      }
      turn.model = optString(raw.model) ?? turn.model;
      turn.stopReason = optString(raw.stopReason);
      const usage = parseUsage(raw.usage);
      if (usage) {
        turn.usage = turn.usage
          ? {
              input: turn.usage.input + usage.input,
              output: turn.usage.output + usage.output,
              total: turn.usage.total + usage.total,
            }
          : usage;
      }
      const error = optString(raw.errorMessage);
      if (error) turn.error = error;
      return;
    }
    if (raw.role === 'toolResult') {
      const tool = tools.get(optString(raw.toolCallId) ?? '');
      if (!tool) return;
      tool.status = raw.isError === true ? 'error' : 'done';
      tool.output = blocksText(raw.content);
    }
  });
  // A call whose turn ended without its result was cut off (the gateway closes such orphans with
  // an error result; an older transcript may not have one).
  for (const item of items) {
    if (item.role !== 'assistant' || item === turn) continue;
    for (const part of item.parts) {
      if (part.kind === 'tool' && part.tool.status === 'running') part.tool.status = 'error';
    }
  }
  return items;
}
