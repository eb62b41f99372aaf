import { WorkerTranscriptMessageSchema } from '@openclaw/gateway-protocol/schema';
import { Value } from 'typebox/value';
import { describe, expect, it } from 'vitest';
import { buildHistory, cleanAssistantText, OMITTED_MESSAGE_TEXT } from './chat-history.js';
import { emptyUsage, type AssistantMessage, type Message } from './messages.js';

const t0 = 1_760_000_000_000;

function assistant(text: string, extra: Partial<AssistantMessage> = {}): AssistantMessage {
  return {
    role: 'assistant',
    content: [{ type: 'text', text }],
    api: 'openai-completions',
    provider: 'my-llm',
    model: 'llama',
    usage: emptyUsage(),
    stopReason: 'stop',
    timestamp: t0,
    ...extra,
  };
}

function expectProtocolShaped(messages: Message[]): void {
  for (const message of messages) {
    const ok = Value.Check(WorkerTranscriptMessageSchema, message);
    if (!ok)
      throw new Error(
        JSON.stringify([...Value.Errors(WorkerTranscriptMessageSchema, message)].slice(0, 3)),
      );
  }
}

describe('chat.history display normalisation', () => {
  it('strips directive tags, printed tool-call markup and control tokens from assistant text', () => {
    expect(cleanAssistantText('[[reply_to_current]] Done.<|im_end|>')).toBe('Done.');
    expect(cleanAssistantText('Sure [[reply_to: 123]] [[audio_as_voice]]here')).toBe('Sure  here');
    expect(cleanAssistantText('Run:\n<tool_call>{"name":"exec"}</tool_call>\nok')).toBe(
      'Run:\n\nok',
    );
    expect(cleanAssistantText('cut <function_calls><invoke name="x">')).toBe('cut');
    expect(cleanAssistantText('a<｜end▁of▁sentence｜>b')).toBe('ab');
  });

  it('drops silent NO_REPLY turns, keeps tool calls and results, and shapes user text as blocks', () => {
    const history = buildHistory([
      { role: 'user', content: 'hi', timestamp: t0 },
      assistant('NO_REPLY'),
      assistant(' no_reply '),
      {
        ...assistant(''),
        content: [{ type: 'toolCall', id: 'c1', name: 'exec', arguments: { command: 'ls' } }],
        stopReason: 'toolUse',
      },
      {
        role: 'toolResult',
        toolCallId: 'c1',
        toolName: 'exec',
        content: [{ type: 'text', text: 'a.txt' }],
        isError: false,
        timestamp: t0,
      },
      assistant('[[reply_to_current]]Here you go'),
    ]);
    expect(history.messages.map((m) => m.role)).toEqual([
      'user',
      'assistant',
      'toolResult',
      'assistant',
    ]);
    expect(history.messages[0]!.content).toEqual([{ type: 'text', text: 'hi' }]);
    expect(history.messages[3]!.content).toEqual([{ type: 'text', text: 'Here you go' }]);
    expect(history.truncated).toBe(false);
    expectProtocolShaped(history.messages);
  });

  it('cuts long text with a visible marker and replaces a message still too large', () => {
    const history = buildHistory(
      [
        assistant('y'.repeat(5000)),
        {
          role: 'user',
          content: [{ type: 'image', data: 'A'.repeat(400_000), mimeType: 'image/png' }],
          timestamp: t0,
        },
      ],
      { maxChars: 1000 },
    );
    const text = (history.messages[0]!.content as Array<{ text: string }>)[0]!.text;
    expect(text.startsWith('y'.repeat(1000))).toBe(true);
    expect(text).toContain('[truncated: 4000 more characters not shown]');
    expect(history.messages[1]!.content).toEqual([{ type: 'text', text: OMITTED_MESSAGE_TEXT }]);
    expectProtocolShaped(history.messages);
  });

  it('keeps the newest messages within the limit and the byte budget and says so', () => {
    const many: Message[] = Array.from({ length: 30 }, (_, i) => ({
      role: 'user' as const,
      content: `m${i} ${'z'.repeat(1000)}`,
      timestamp: t0 + i,
    }));
    const limited = buildHistory(many, { limit: 5 });
    expect(
      limited.messages.map((m) => (m.content as Array<{ text: string }>)[0]!.text.split(' ')[0]),
    ).toEqual(['m25', 'm26', 'm27', 'm28', 'm29']);
    expect(limited).toMatchObject({ truncated: true, omitted: 25 });

    const budget = buildHistory(many, { maxTotalBytes: 10_500 });
    expect(budget.truncated).toBe(true);
    expect(budget.messages.length).toBeLessThan(30);
    expect(Buffer.byteLength(JSON.stringify(budget.messages))).toBeLessThanOrEqual(10_500);
    expect(
      (budget.messages.at(-1)!.content as Array<{ text: string }>)[0]!.text.startsWith('m29 '),
    ).toBe(true);
  });
});

describe('chat.history message positions', () => {
  const branch: Message[] = [
    { role: 'user', content: 'hello', timestamp: t0 },
    assistant('hi'),
    { role: 'user', content: 'write it', timestamp: t0, idempotencyKey: 'run-2' },
    assistant('', {
      content: [{ type: 'toolCall', id: 'c1', name: 'write', arguments: { path: 'a' } }],
      stopReason: 'toolUse',
    }),
    {
      role: 'toolResult',
      toolCallId: 'c1',
      toolName: 'write',
      content: [{ type: 'text', text: 'ok' }],
      isError: false,
      timestamp: t0,
    },
    assistant('NO_REPLY'),
    assistant('done'),
  ];
  const ids = branch.map((_, i) => `0000000${i}`);

  it('tags shown messages with entry id, branch position and the run that wrote them', () => {
    const view = buildHistory(branch, { messageIds: ids });
    expect(view.messages.map((m) => m.__openclaw)).toEqual([
      { id: '00000000', seq: 1 },
      { id: '00000001', seq: 2 },
      { id: '00000002', seq: 3 },
      { id: '00000003', seq: 4, runId: 'run-2' },
      { id: '00000004', seq: 5, runId: 'run-2' },
      // The silent turn (seq 6) is not shown; positions stay those of the transcript.
      { id: '00000006', seq: 7, runId: 'run-2' },
    ]);
    expect(view.messages[2]).toMatchObject({ role: 'user', idempotencyKey: 'run-2' });
  });

  it('keeps the position on a message replaced by the too-large placeholder', () => {
    const big: Message[] = [
      { role: 'user', content: 'x'.repeat(5_000), timestamp: t0, idempotencyKey: 'run-9' },
    ];
    const view = buildHistory(big, { messageIds: ['abcdef01'], maxMessageBytes: 1_000 });
    expect(view.messages[0]).toMatchObject({
      content: [{ type: 'text', text: OMITTED_MESSAGE_TEXT }],
      idempotencyKey: 'run-9',
      __openclaw: { id: 'abcdef01', seq: 1 },
    });
  });

  it('adds no positions without entry ids', () => {
    expect(buildHistory(branch).messages.some((m) => m.__openclaw)).toBe(false);
  });
});
