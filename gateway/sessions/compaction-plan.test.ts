import { describe, expect, it } from 'vitest';
import { emptyUsage, type Message } from './messages.js';
import { planCompaction, planTruncation } from './compaction-plan.js';
import type { MessageEntry } from './transcript-format.js';

let n = 0;
function entry(message: Message): MessageEntry {
  n += 1;
  const id = n.toString(16).padStart(8, '0');
  return { type: 'message', id, parentId: null, timestamp: '', message };
}
const user = (text: string) => entry({ role: 'user', content: text, timestamp: 0 });
const assistant = (text: string, call = false) =>
  entry({
    role: 'assistant',
    content: call
      ? [{ type: 'toolCall', id: 'c1', name: 'read', arguments: { path: text } }]
      : [{ type: 'text', text }],
    api: 'x',
    provider: 'x',
    model: 'x',
    usage: emptyUsage(),
    stopReason: call ? 'toolUse' : 'stop',
    timestamp: 0,
  });
const result = (text: string) =>
  entry({
    role: 'toolResult',
    toolCallId: 'c1',
    toolName: 'read',
    content: [{ type: 'text', text }],
    isError: false,
    timestamp: 0,
  });

describe('planCompaction', () => {
  it('keeps the longest recent tail within the budget, starting at a user message', () => {
    const big = 'x'.repeat(400); // ~100 tokens
    const entries = [
      user(big),
      assistant(big),
      user(big),
      assistant(big, true),
      result(big),
      user('hi'),
      assistant('ok'),
    ];
    const plan = planCompaction(entries, 350);
    expect(plan.kind).toBe('cut');
    if (plan.kind !== 'cut') return;
    // Turn two (user, tool call, result) plus turn three fit 350 tokens; the cut is at its user.
    expect(plan.firstKeptEntryId).toBe(entries[2]!.id);
    expect(plan.summarize).toHaveLength(2);
  });

  it('never separates a tool call from its result, even when the last turn alone is too big', () => {
    const big = 'y'.repeat(4000);
    const entries = [user('a'), assistant('b'), user('c'), assistant(big, true), result(big)];
    const plan = planCompaction(entries, 10);
    expect(plan.kind === 'cut' && plan.firstKeptEntryId).toBe(entries[2]!.id);
  });

  it('keeps only the last turn when everything fits, and refuses a single turn', () => {
    const entries = [user('a'), assistant('b'), user('c'), assistant('d'), user('e')];
    const plan = planCompaction(entries);
    expect(plan.kind === 'cut' && plan.firstKeptEntryId).toBe(entries[4]!.id);
    expect(planCompaction([user('a'), assistant('b', true), result('r')]).kind).toBe('nothing');
  });
});

describe('planTruncation', () => {
  it('widens the kept part back to a user message', () => {
    const entries = [user('a'), assistant('b'), user('c'), assistant('d', true), result('e')];
    const plan = planTruncation(entries, 2);
    expect(plan.kind === 'cut' && plan.kept.map((e) => e.id)).toEqual(
      entries.slice(2).map((e) => e.id),
    );
    expect(planTruncation(entries, 5).kind).toBe('nothing');
  });
});
