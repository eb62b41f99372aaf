/**
 * Where a compaction cuts a session's context: older messages go into a summary, a recent tail
 * stays verbatim. The cut always lands on a user message, so an assistant tool call and its
 * results are never split (a provider refuses a tool result whose call it cannot see).
 */
import type { Message } from './messages.js';
import type { MessageEntry } from './transcript-format.js';

/** Recent context kept verbatim by default (upstream's `keepRecentTokens` default). */
export const DEFAULT_KEEP_RECENT_TOKENS = 20_000;

/** Rough token estimate: about four characters per token, images at a flat rate. */
export function estimateTokens(message: Message): number {
  if (typeof message.content === 'string') return Math.ceil(message.content.length / 4);
  let chars = 0;
  let images = 0;
  for (const block of message.content) {
    switch (block.type) {
      case 'text':
        chars += block.text.length;
        break;
      case 'thinking':
        chars += block.thinking.length;
        break;
      case 'toolCall':
        chars += block.name.length + JSON.stringify(block.arguments ?? {}).length;
        break;
      case 'image':
        images += 1;
        break;
      default:
        break;
    }
  }
  // Providers bill an image at roughly a thousand tokens, whatever its byte size.
  return Math.ceil(chars / 4) + images * 1000;
}

export function estimateContextTokens(messages: Message[], summary?: string): number {
  let total = summary ? Math.ceil(summary.length / 4) : 0;
  for (const message of messages) total += estimateTokens(message);
  return total;
}

export type CompactionPlan =
  | { kind: 'cut'; summarize: MessageEntry[]; kept: MessageEntry[]; firstKeptEntryId: string }
  | { kind: 'nothing'; reason: string };

/**
 * Keep the longest recent tail that starts at a user message and fits `keepRecentTokens`. A
 * manual compaction always folds something away when it can: if everything would fit, only the
 * last turn is kept; if even the last turn is larger than the budget, it is kept whole.
 */
export function planCompaction(
  entries: MessageEntry[],
  keepRecentTokens = DEFAULT_KEEP_RECENT_TOKENS,
): CompactionPlan {
  const userStarts = entries
    .map((entry, index) => (entry.message.role === 'user' ? index : -1))
    .filter((index) => index > 0);
  if (userStarts.length === 0) {
    return {
      kind: 'nothing',
      reason: 'The session has a single turn; there is nothing older to summarise yet.',
    };
  }
  const suffix: number[] = new Array<number>(entries.length + 1).fill(0);
  for (let i = entries.length - 1; i >= 0; i -= 1) {
    suffix[i] = suffix[i + 1]! + estimateTokens(entries[i]!.message);
  }
  const lastTurn = userStarts.at(-1)!;
  let cut = lastTurn;
  if (suffix[0]! > keepRecentTokens) {
    for (const start of userStarts) {
      if (suffix[start]! <= keepRecentTokens) {
        cut = start;
        break;
      }
    }
  }
  return {
    kind: 'cut',
    summarize: entries.slice(0, cut),
    kept: entries.slice(cut),
    firstKeptEntryId: entries[cut]!.id,
  };
}

/** The last `maxLines` messages, widened back to a user message so tool pairs stay whole. */
export function planTruncation(entries: MessageEntry[], maxLines: number): CompactionPlan {
  if (entries.length <= maxLines) {
    return {
      kind: 'nothing',
      reason: `The session's context has ${entries.length} messages, within the ${maxLines} asked to keep.`,
    };
  }
  let cut = entries.length - maxLines;
  while (cut > 0 && entries[cut]!.message.role !== 'user') cut -= 1;
  if (cut === 0) {
    return {
      kind: 'nothing',
      reason: 'The kept messages would begin inside the first turn; nothing can be dropped.',
    };
  }
  return {
    kind: 'cut',
    summarize: entries.slice(0, cut),
    kept: entries.slice(cut),
    firstKeptEntryId: entries[cut]!.id,
  };
}
