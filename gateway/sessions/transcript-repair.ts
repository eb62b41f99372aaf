/**
 * What a crash or an abort can leave in a transcript, found without touching the disk:
 * - a torn last line (the append in flight when the process died): cut back to the last newline;
 * - unreadable lines in the middle (hand edits, foreign tools): skipped, reported;
 * - an assistant tool call with no tool result (the run died or was aborted between the model's
 *   answer and the tool's result): providers refuse such a history with a 400 on every later
 *   turn, so it is closed with an error result.
 */
import {
  isMessageEntry,
  parseLine,
  type SessionHeader,
  type TranscriptEntry,
} from './transcript-format.js';
import { toolCallsOf, type ToolCall, type ToolResultMessage } from './messages.js';

export interface ParsedTranscript {
  header: SessionHeader | undefined;
  /** Entries in file order, each with the exact line it was read from. */
  entries: Array<{ entry: TranscriptEntry; raw: string }>;
  invalidLines: number;
}

/** Byte length of the whole lines at the start of `data` (everything up to the last newline). */
export function completeLength(data: Buffer): number {
  if (data.length === 0 || data[data.length - 1] === 0x0a) return data.length;
  return data.lastIndexOf(0x0a) + 1;
}

export function parseTranscript(text: string): ParsedTranscript {
  const result: ParsedTranscript = { header: undefined, entries: [], invalidLines: 0 };
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i += 1) {
    const raw = lines[i]!;
    if (raw.trim() === '') continue;
    const parsed = parseLine(raw);
    if (parsed.kind === 'header' && result.header === undefined && result.entries.length === 0) {
      result.header = parsed.header;
    } else if (parsed.kind === 'entry') {
      result.entries.push({ entry: parsed.entry, raw });
    } else {
      result.invalidLines += 1;
    }
  }
  return result;
}

/**
 * The active branch, root first: the path from the last entry back through `parentId`. A parent
 * that is missing (an unreadable line, a version-1 file without ids) continues from the entry
 * before it in the file, so a damaged line costs that line and not the history before it.
 */
export function activeBranch(entries: readonly TranscriptEntry[]): TranscriptEntry[] {
  if (entries.length === 0) return [];
  const position = new Map<string, number>();
  entries.forEach((entry, index) => position.set(entry.id, index));
  const path: TranscriptEntry[] = [];
  const seen = new Set<number>();
  let index: number | undefined = entries.length - 1;
  while (index !== undefined && index >= 0 && !seen.has(index)) {
    seen.add(index);
    const entry: TranscriptEntry = entries[index]!;
    path.push(entry);
    if (entry.parentId === null) break;
    const parent: number | undefined =
      typeof entry.parentId === 'string' ? position.get(entry.parentId) : undefined;
    index = parent !== undefined && parent < index ? parent : index - 1;
  }
  return path.reverse();
}

export interface OrphanToolCalls {
  /** The assistant entry whose calls lack results. */
  assistantId: string;
  /** The entry the closing results go after: the assistant or its last existing result. */
  anchorId: string;
  calls: ToolCall[];
}

/** Assistant tool calls on the branch that no tool result answers before the next assistant turn. */
export function findOrphanToolCalls(branch: readonly TranscriptEntry[]): OrphanToolCalls[] {
  const orphans: OrphanToolCalls[] = [];
  for (let i = 0; i < branch.length; i += 1) {
    const entry = branch[i]!;
    if (!isMessageEntry(entry) || entry.message.role !== 'assistant') continue;
    const calls = toolCallsOf(entry.message);
    if (calls.length === 0) continue;
    const answered = new Set<string>();
    let anchorId = entry.id;
    let contiguous = true;
    for (let j = i + 1; j < branch.length; j += 1) {
      const next = branch[j]!;
      if (isMessageEntry(next) && next.message.role === 'assistant') break;
      if (isMessageEntry(next) && next.message.role === 'toolResult') {
        answered.add(next.message.toolCallId);
        if (contiguous) anchorId = next.id;
      } else {
        contiguous = false;
      }
    }
    const missing = calls.filter((call) => !answered.has(call.id));
    if (missing.length > 0) orphans.push({ assistantId: entry.id, anchorId, calls: missing });
  }
  return orphans;
}

export const ORPHAN_RESULT_TEXT =
  'Tool call did not complete: the run was aborted or the gateway stopped before the tool returned. No result is available; run the tool again if it is still needed.';

/** The error result that closes an unanswered tool call. */
export function closingToolResult(call: ToolCall, timestamp: number): ToolResultMessage {
  return {
    role: 'toolResult',
    toolCallId: call.id,
    toolName: call.name,
    content: [{ type: 'text', text: ORPHAN_RESULT_TEXT }],
    isError: true,
    timestamp,
  };
}
