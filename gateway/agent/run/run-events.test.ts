import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ChatSequence, DELTA_INTERVAL_MS, RunEvents } from './run-events.js';

interface Sent {
  event: string;
  payload: Record<string, unknown>;
}

let sent: Sent[];
let events: RunEvents;

beforeEach(() => {
  vi.useFakeTimers();
  sent = [];
  events = new RunEvents(
    (event, payload) => sent.push({ event, payload: payload as Record<string, unknown> }),
    new ChatSequence(),
    'run-1',
    'agent:main:main',
    'main',
  );
});

afterEach(() => {
  vi.useRealTimers();
});

const chatDeltas = () =>
  sent.filter((s) => s.event === 'chat' && s.payload.state === 'delta').map((s) => s.payload);

describe('RunEvents deltas', () => {
  it('sends the first delta at once and coalesces the next ones per interval', () => {
    let text = '';
    const say = (piece: string) => {
      text += piece;
      events.assistantDelta(text, piece);
    };
    say('Hel');
    expect(chatDeltas()).toHaveLength(1);
    for (const piece of ['lo', ', ', 'wor', 'ld']) say(piece);
    expect(chatDeltas()).toHaveLength(1);
    vi.advanceTimersByTime(DELTA_INTERVAL_MS);
    const deltas = chatDeltas();
    expect(deltas).toHaveLength(2);
    expect(deltas[1]).toMatchObject({
      deltaText: 'lo, world',
      message: { content: [{ type: 'text', text: 'Hello, world' }] },
    });
    // The agent stream follows the same pace.
    const assistant = sent.filter((s) => s.event === 'agent' && s.payload.stream === 'assistant');
    expect(assistant.map((s) => (s.payload.data as { delta: string }).delta)).toEqual([
      'Hel',
      'lo, world',
    ]);
  });

  it('sends pending text before a tool event and before the final, never after it', () => {
    events.assistantDelta('a', 'a');
    events.assistantDelta('ab', 'b');
    events.tool('start', { toolCallId: 't1', name: 'exec' });
    events.assistantDelta('ab\n\nc', '\n\nc');
    events.final(undefined, undefined);
    vi.advanceTimersByTime(DELTA_INTERVAL_MS * 3);
    events.assistantDelta('ab\n\ncd', 'd');
    vi.advanceTimersByTime(DELTA_INTERVAL_MS * 3);
    const order = sent.map((s) =>
      s.event === 'chat' ? `chat:${String(s.payload.state)}` : `agent:${String(s.payload.stream)}`,
    );
    expect(order).toEqual([
      'agent:assistant',
      'chat:delta',
      'agent:assistant',
      'chat:delta',
      'agent:tool',
      'agent:assistant',
      'chat:delta',
      'chat:final',
    ]);
    expect(
      chatDeltas()
        .map((d) => d.deltaText)
        .join(''),
    ).toBe('ab\n\nc');
  });
});
