/**
 * The conversation as shown: the loaded history, then each live run of the session (its user
 * message while the history does not have it yet, and the streaming answer with its tool cards in
 * the places they were called).
 */
import type { ChatItem, ItemPart, LiveRun, SessionChat } from './chat-types.js';

export interface ConversationEntry {
  item: ChatItem;
  /** Set on the assistant entry of a live run. */
  run?: LiveRun;
}

/** The run's text cut at the offsets where its tool calls started, cards in between. */
export function liveParts(run: LiveRun): ItemPart[] {
  const parts: ItemPart[] = [];
  let pos = 0;
  const tools = [...run.tools].sort((a, b) => a.offset - b.offset);
  for (const tool of tools) {
    const end = Math.min(tool.offset, run.text.length);
    if (end > pos && run.text.slice(pos, end).trim() !== '') {
      parts.push({ kind: 'text', text: run.text.slice(pos, end) });
    }
    pos = Math.max(pos, end);
    parts.push({ kind: 'tool', tool });
  }
  if (pos < run.text.length && run.text.slice(pos).trim() !== '') {
    parts.push({ kind: 'text', text: run.text.slice(pos) });
  }
  return parts;
}

function userText(item: ChatItem): string {
  return item.parts.map((p) => (p.kind === 'text' ? p.text : '')).join('');
}

export function conversation(chat: SessionChat, runs: readonly LiveRun[]): ConversationEntry[] {
  const out: ConversationEntry[] = chat.items.map((item) => ({ item }));
  for (const run of runs) {
    let lastUser = -1;
    for (let i = out.length - 1; i >= 0; i -= 1) {
      if (out[i]!.item.role === 'user') {
        lastUser = i;
        break;
      }
    }
    const fromHere = run.userText !== undefined;
    // The history has this run's message when it was read after the run began and ends with it
    // (for a run sent from here: with the very text sent).
    const inHistory =
      lastUser >= 0 &&
      out.slice(lastUser).every((e) => !e.run) &&
      chat.loadedTick > run.seenTick &&
      (!fromHere || userText(out[lastUser]!.item).trim() === run.userText!.trim());
    const carried: ItemPart[] = [];
    if (inHistory) {
      // What the history already has of this answer (tool turns written mid-run) is replaced by
      // the live view; calls the live view missed (made before a reconnect) are kept.
      const known = new Set(run.tools.map((t) => t.id));
      for (const entry of out.splice(lastUser + 1)) {
        for (const part of entry.item.parts) {
          if (part.kind === 'tool' && !known.has(part.tool.id)) carried.push(part);
        }
      }
    } else if (fromHere) {
      out.push({
        item: {
          id: `${run.runId}:user`,
          role: 'user',
          parts: [{ kind: 'text', text: run.userText! }],
        },
      });
    }
    out.push({
      item: {
        id: `${run.runId}:answer`,
        role: 'assistant',
        parts: [...carried, ...liveParts(run)],
        ...(run.usage ? { usage: run.usage } : {}),
        ...(run.error ? { error: run.error.message } : {}),
        stopReason: run.state === 'running' ? undefined : run.state,
      },
      run,
    });
  }
  return out;
}
