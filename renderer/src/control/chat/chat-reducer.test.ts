/**
 * The Chat page's state transitions over the event orders the network produces: deltas to a final
 * (and the history read that replaces the live copy), repeated and late frames, aborts, errors
 * with their kind, tool cards from `agent` events (before any text, out of order, with durations),
 * reconnects (sequence reset, a run that ended while away, one still running), and the view that
 * merges history and live runs without showing a message twice.
 */
import { describe, expect, it } from 'vitest';
import {
  activeRun,
  applyAgentEvent,
  applyChatEvent,
  EMPTY_CHAT,
  historyLoaded,
  reconnected,
  runSent,
  runSettledElsewhere,
  sendFailed,
  type ChatData,
} from './chat-reducer.js';
import { conversation, liveParts } from './conversation-view.js';
import { historyItems } from './history-items.js';

const KEY = 'agent:main:main';

function chat(seq: number, runId: string, state: string, extra: Record<string, unknown> = {}) {
  return { runId, sessionKey: KEY, seq, state, ...extra };
}

function delta(seq: number, runId: string, text: string, piece = '') {
  return chat(seq, runId, 'delta', {
    deltaText: piece,
    message: { role: 'assistant', content: [{ type: 'text', text }], timestamp: 1 },
  });
}

function agent(runId: string, seq: number, stream: string, data: Record<string, unknown>, ts = 0) {
  return { runId, seq, stream, ts, data };
}

function apply(state: ChatData, ...events: Array<['chat' | 'agent', unknown]>): ChatData {
  return events.reduce(
    (s, [kind, payload]) =>
      kind === 'chat' ? applyChatEvent(s, payload) : applyAgentEvent(s, payload),
    state,
  );
}

describe('chat events', () => {
  it('streams deltas into a run that ends final with usage', () => {
    let s = runSent(EMPTY_CHAT, 'r1', KEY, 'hi');
    s = apply(
      s,
      ['chat', delta(1, 'r1', 'Hel', 'Hel')],
      ['chat', delta(2, 'r1', 'Hello wor', 'lo wor')],
    );
    expect(s.runs.r1).toMatchObject({ state: 'running', text: 'Hello wor', userText: 'hi' });
    expect(activeRun(s, KEY)?.runId).toBe('r1');
    s = applyChatEvent(
      s,
      chat(3, 'r1', 'final', {
        message: { role: 'assistant', content: [{ type: 'text', text: 'Hello world' }] },
        usage: { input: 10, output: 5, totalTokens: 15 },
        stopReason: 'stop',
      }),
    );
    expect(s.runs.r1).toMatchObject({
      state: 'final',
      text: 'Hello world',
      usage: { input: 10, output: 5, total: 15 },
    });
    expect(activeRun(s, KEY)).toBeUndefined();
  });

  it('ignores repeated and late frames by the per-session seq, and deltas after the end', () => {
    let s = apply(
      EMPTY_CHAT,
      ['chat', delta(1, 'r1', 'A', 'A')],
      ['chat', delta(3, 'r1', 'ABC', 'C')],
      // seq 2 arrives after 3: stale, must not shorten the answer.
      ['chat', delta(2, 'r1', 'AB', 'B')],
      ['chat', delta(3, 'r1', 'ABC', 'C')],
    );
    expect(s.runs.r1!.text).toBe('ABC');
    s = apply(s, ['chat', chat(4, 'r1', 'aborted', { stopReason: 'aborted' })]);
    s = apply(s, ['chat', delta(5, 'r1', 'ABCD', 'D')]);
    expect(s.runs.r1).toMatchObject({ state: 'aborted', text: 'ABC' });
    // A second terminal event for the same run changes nothing.
    s = apply(s, ['chat', chat(6, 'r1', 'error', { errorMessage: 'late' })]);
    expect(s.runs.r1!.state).toBe('aborted');
    expect(s.runs.r1!.error).toBeUndefined();
  });

  it('keeps a delta gap harmless: every delta carries the whole answer so far', () => {
    const s = apply(
      EMPTY_CHAT,
      ['chat', delta(1, 'r1', 'One', 'One')],
      ['chat', delta(7, 'r1', 'One two three', ' three')],
    );
    expect(s.runs.r1!.text).toBe('One two three');
  });

  it('records an error with its kind and provider, and closes open tool calls as failed', () => {
    let s = apply(
      EMPTY_CHAT,
      ['agent', agent('r1', 1, 'lifecycle', { phase: 'start', sessionKey: KEY })],
      ['agent', agent('r1', 2, 'tool', { phase: 'start', toolCallId: 't1', name: 'ls', args: {} })],
    );
    s = applyChatEvent(
      s,
      chat(1, 'r1', 'error', {
        errorMessage: 'Rate limited by the provider (HTTP 429). Wait and retry.',
        errorKind: 'rate_limit',
        errorDetail: { provider: 'openai', model: 'gpt-4o' },
      }),
    );
    expect(s.runs.r1).toMatchObject({
      state: 'error',
      error: { kind: 'rate_limit', provider: 'openai', model: 'gpt-4o' },
    });
    expect(s.runs.r1!.error!.message).toContain('429');
    expect(s.runs.r1!.tools[0]!.status).toBe('error');
  });

  it('ignores payloads without a run, a session or a state', () => {
    expect(applyChatEvent(EMPTY_CHAT, { sessionKey: KEY, state: 'delta' })).toBe(EMPTY_CHAT);
    expect(applyChatEvent(EMPTY_CHAT, 'nonsense')).toBe(EMPTY_CHAT);
    expect(applyAgentEvent(EMPTY_CHAT, { runId: 'r', stream: 'assistant', data: {} })).toBe(
      EMPTY_CHAT,
    );
  });
});

describe('tool cards from agent events', () => {
  it('places each card where it was called, with arguments, result and duration', () => {
    let s = runSent(EMPTY_CHAT, 'r1', KEY, 'list files');
    s = apply(
      s,
      ['agent', agent('r1', 1, 'lifecycle', { phase: 'start', sessionKey: KEY })],
      ['chat', delta(1, 'r1', 'Let me look.', 'Let me look.')],
      [
        'agent',
        agent(
          'r1',
          2,
          'tool',
          { phase: 'start', toolCallId: 't1', name: 'ls', args: { path: '.' } },
          1000,
        ),
      ],
      [
        'agent',
        agent(
          'r1',
          3,
          'tool',
          {
            phase: 'update',
            toolCallId: 't1',
            partialResult: { content: [{ type: 'text', text: 'a' }] },
          },
          1100,
        ),
      ],
      [
        'agent',
        agent(
          'r1',
          4,
          'tool',
          {
            phase: 'result',
            toolCallId: 't1',
            name: 'ls',
            result: { content: [{ type: 'text', text: 'a.txt\nb.txt' }], details: {} },
            isError: false,
          },
          1250,
        ),
      ],
      ['chat', delta(2, 'r1', 'Let me look.\n\nTwo files.', '\n\nTwo files.')],
    );
    const run = s.runs.r1!;
    expect(run.tools).toEqual([
      expect.objectContaining({
        id: 't1',
        name: 'ls',
        args: { path: '.' },
        status: 'done',
        output: 'a.txt\nb.txt',
        durationMs: 250,
        offset: 'Let me look.'.length,
      }),
    ]);
    expect(s.toolDurations).toEqual({ t1: 250 });
    expect(liveParts(run).map((p) => p.kind)).toEqual(['text', 'tool', 'text']);
  });

  it('marks a failing tool as an error and ignores repeated agent frames', () => {
    const start = agent('r1', 2, 'tool', {
      phase: 'start',
      toolCallId: 't1',
      name: 'write',
      args: { path: '../x' },
    });
    let s = apply(
      EMPTY_CHAT,
      ['agent', agent('r1', 1, 'lifecycle', { phase: 'start', sessionKey: KEY })],
      ['agent', start],
      [
        'agent',
        agent('r1', 3, 'tool', {
          phase: 'result',
          toolCallId: 't1',
          result: { content: [{ type: 'text', text: 'Path escapes the workspace' }] },
          isError: true,
        }),
      ],
    );
    s = applyAgentEvent(s, start);
    expect(s.runs.r1!.tools).toHaveLength(1);
    expect(s.runs.r1!.tools[0]).toMatchObject({
      status: 'error',
      output: 'Path escapes the workspace',
    });
  });

  it('binds tool events that arrived before any session-naming event to the run', () => {
    let s = applyAgentEvent(
      EMPTY_CHAT,
      agent('r9', 4, 'tool', { phase: 'start', toolCallId: 't1', name: 'read', args: {} }),
    );
    expect(s.runs.r9!.sessionKey).toBeNull();
    s = applyChatEvent(s, delta(1, 'r9', 'Reading', 'Reading'));
    expect(s.runs.r9).toMatchObject({ sessionKey: KEY, text: 'Reading' });
    expect(s.runs.r9!.tools).toHaveLength(1);
  });

  it('does not resurrect a forgotten run from its lifecycle end', () => {
    const s = applyAgentEvent(
      EMPTY_CHAT,
      agent('gone', 9, 'lifecycle', { phase: 'end', sessionKey: KEY }),
    );
    expect(s.runs).toEqual({});
  });
});

describe('history and live runs together', () => {
  const historyWithAnswer = [
    { role: 'user', content: [{ type: 'text', text: 'hi' }], timestamp: 1 },
    {
      role: 'assistant',
      content: [
        { type: 'text', text: 'Checking.' },
        { type: 'toolCall', id: 't1', name: 'ls', arguments: { path: '.' } },
      ],
      model: 'echo-1',
      usage: { input: 5, output: 2, totalTokens: 7 },
      stopReason: 'toolUse',
      timestamp: 2,
    },
    {
      role: 'toolResult',
      toolCallId: 't1',
      toolName: 'ls',
      content: [{ type: 'text', text: 'a.txt' }],
      isError: false,
      timestamp: 3,
    },
    {
      role: 'assistant',
      content: [{ type: 'text', text: 'One file.' }],
      model: 'echo-1',
      usage: { input: 9, output: 3, totalTokens: 12 },
      stopReason: 'stop',
      timestamp: 4,
    },
  ];

  it('reads a tool turn as one bubble with the result on its card', () => {
    const items = historyItems(historyWithAnswer, { t1: 42 });
    expect(items.map((i) => i.role)).toEqual(['user', 'assistant']);
    expect(items[1]!.parts).toEqual([
      { kind: 'text', text: 'Checking.' },
      {
        kind: 'tool',
        tool: {
          id: 't1',
          name: 'ls',
          args: { path: '.' },
          status: 'done',
          output: 'a.txt',
          durationMs: 42,
        },
      },
      { kind: 'text', text: 'One file.' },
    ]);
    expect(items[1]).toMatchObject({ model: 'echo-1', usage: { total: 19 }, stopReason: 'stop' });
  });

  it('marks a call without a result in an earlier turn as failed', () => {
    const items = historyItems([
      { role: 'user', content: 'go' },
      { role: 'assistant', content: [{ type: 'toolCall', id: 'x', name: 'exec', arguments: {} }] },
      { role: 'user', content: 'again' },
    ]);
    expect(items[1]!.parts[0]).toMatchObject({ kind: 'tool', tool: { status: 'error' } });
  });

  it('replaces the live copy once a history read that began after the end answers', () => {
    let s = runSent(EMPTY_CHAT, 'r1', KEY, 'hi');
    s = apply(s, ['chat', delta(1, 'r1', 'Checking.', 'Checking.')]);
    const readBeforeEnd = s.tick;
    s = apply(s, ['chat', chat(2, 'r1', 'final', {})]);
    const readAfterEnd = s.tick;
    // A read that began before the final may lack the answer: the live copy stays.
    let early = historyLoaded(
      s,
      KEY,
      historyItems(historyWithAnswer.slice(0, 1)),
      false,
      readBeforeEnd,
    );
    expect(early.runs.r1).toBeDefined();
    early = historyLoaded(early, KEY, historyItems(historyWithAnswer), false, readAfterEnd);
    expect(early.runs.r1).toBeUndefined();
    expect(conversation(early.sessions[KEY]!, []).map((e) => e.item.role)).toEqual([
      'user',
      'assistant',
    ]);
  });

  it('shows the sent message until the history has it, and never twice', () => {
    let s = historyLoaded(EMPTY_CHAT, KEY, [], false, 0);
    s = runSent(s, 'r1', KEY, 'hi');
    let view = conversation(s.sessions[KEY]!, Object.values(s.runs));
    expect(view.map((e) => [e.item.role, Boolean(e.run)])).toEqual([
      ['user', false],
      ['assistant', true],
    ]);
    // A read begun after the send, mid-run: it has the user message and the first tool turn.
    s = apply(
      s,
      ['chat', delta(1, 'r1', 'Checking.', 'Checking.')],
      ['agent', agent('r1', 2, 'tool', { phase: 'start', toolCallId: 't1', name: 'ls', args: {} })],
    );
    s = historyLoaded(s, KEY, historyItems(historyWithAnswer.slice(0, 3)), false, s.tick);
    view = conversation(s.sessions[KEY]!, Object.values(s.runs));
    expect(view.map((e) => e.item.role)).toEqual(['user', 'assistant']);
    expect(view[1]!.run?.runId).toBe('r1');
    expect(view[1]!.item.parts.filter((p) => p.kind === 'tool')).toHaveLength(1);
  });

  it('keeps an earlier identical message and its answer when the new one is not read yet', () => {
    const earlier = historyItems(historyWithAnswer);
    let s = historyLoaded(EMPTY_CHAT, KEY, earlier, false, 0);
    s = runSent(s, 'r2', KEY, 'hi');
    const view = conversation(s.sessions[KEY]!, Object.values(s.runs));
    expect(view.map((e) => e.item.role)).toEqual(['user', 'assistant', 'user', 'assistant']);
  });

  it('keeps a send the gateway refused, with its reason', () => {
    let s = runSent(EMPTY_CHAT, 'r1', KEY, 'hi');
    s = sendFailed(s, 'r1', 'Not connected to the gateway.');
    s = historyLoaded(s, KEY, [], false, s.tick + 5);
    expect(s.runs.r1).toMatchObject({ state: 'error', error: { kind: 'not-sent' } });
  });
});

describe('reconnect', () => {
  it('accepts a restarted gateway counting seq from 1 again', () => {
    let s = apply(EMPTY_CHAT, ['chat', delta(40, 'r1', 'old', 'old')]);
    s = apply(s, ['chat', chat(41, 'r1', 'final', {})]);
    s = reconnected(s);
    s = apply(s, ['chat', delta(1, 'r2', 'new', 'new')]);
    expect(s.runs.r2!.text).toBe('new');
  });

  it('resumes a running answer from the next delta (it carries the whole text)', () => {
    let s = runSent(EMPTY_CHAT, 'r1', KEY, 'write a poem');
    s = apply(s, ['chat', delta(1, 'r1', 'Roses', 'Roses')]);
    s = reconnected(s);
    // Deltas sent while we were away are lost; the next one still has everything.
    s = apply(s, ['chat', delta(9, 'r1', 'Roses are red, violets', ' violets')]);
    expect(s.runs.r1).toMatchObject({ state: 'running', text: 'Roses are red, violets' });
  });

  it('settles a run that ended while away, so the reloaded history replaces it', () => {
    let s = runSent(EMPTY_CHAT, 'r1', KEY, 'hi');
    s = reconnected(s);
    s = runSettledElsewhere(s, 'r1');
    expect(activeRun(s, KEY)).toBeUndefined();
    s = historyLoaded(s, KEY, historyItems(historyWithAnswerFor('hi')), false, s.tick);
    expect(s.runs.r1).toBeUndefined();
  });
});

function historyWithAnswerFor(text: string) {
  return [
    { role: 'user', content: [{ type: 'text', text }] },
    { role: 'assistant', content: [{ type: 'text', text: 'Hello!' }], stopReason: 'stop' },
  ];
}
