import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  emptyUsage,
  type AssistantMessage,
  type Message,
  type ToolResultMessage,
} from './messages.js';
import { Transcript } from './transcript.js';
import { ORPHAN_RESULT_TEXT } from './transcript-repair.js';

let dir: string;
let file: string;
const open: Transcript[] = [];

beforeEach(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'openclaw-transcript-'));
  file = path.join(dir, 'sessions', 'sess-1.jsonl');
});

afterEach(async () => {
  await Promise.all(open.splice(0).map((t) => t.close().catch(() => {})));
  await fs.rm(dir, { recursive: true, force: true });
});

async function create(): Promise<Transcript> {
  const t = await Transcript.create(file, {
    sessionId: 'sess-1',
    cwd: '/home/node/.openclaw/workspace',
  });
  open.push(t);
  return t;
}

async function load(): Promise<Transcript> {
  const t = await Transcript.load(file);
  open.push(t);
  return t;
}

async function lines(): Promise<Array<Record<string, unknown>>> {
  const text = await fs.readFile(file, 'utf8');
  expect(text.endsWith('\n')).toBe(true);
  return text
    .trimEnd()
    .split('\n')
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}

const user = (text: string): Message => ({ role: 'user', content: text, timestamp: Date.now() });

function assistant(
  content: AssistantMessage['content'],
  stopReason: AssistantMessage['stopReason'] = 'stop',
): AssistantMessage {
  return {
    role: 'assistant',
    content,
    api: 'openai-completions',
    provider: 'my-llm',
    model: 'llama-3.1-8b',
    usage: { ...emptyUsage(), input: 12, output: 5, totalTokens: 17 },
    stopReason,
    timestamp: Date.now(),
  };
}

function toolResult(toolCallId: string, text: string): ToolResultMessage {
  return {
    role: 'toolResult',
    toolCallId,
    toolName: 'exec',
    content: [{ type: 'text', text }],
    isError: false,
    timestamp: Date.now(),
  };
}

const callExec = (id: string) => ({
  type: 'toolCall' as const,
  id,
  name: 'exec',
  arguments: { command: 'ls' },
});

describe('transcript format', () => {
  it('writes pi v3: a session header, then message entries with 8-hex ids chained by parentId', async () => {
    const t = await create();
    const a = await t.appendMessage(user('hello'));
    const b = await t.appendMessage(assistant([{ type: 'text', text: 'hi' }]));
    const rows = await lines();
    expect(Object.keys(rows[0]!)).toEqual(['type', 'version', 'id', 'timestamp', 'cwd']);
    expect(rows[0]).toMatchObject({
      type: 'session',
      version: 3,
      id: 'sess-1',
      cwd: '/home/node/.openclaw/workspace',
    });
    expect(new Date(String(rows[0]!.timestamp)).toISOString()).toBe(rows[0]!.timestamp);
    expect(Object.keys(rows[1]!)).toEqual(['type', 'id', 'parentId', 'timestamp', 'message']);
    expect(rows[1]).toMatchObject({ type: 'message', id: a.id, parentId: null });
    expect(rows[2]).toMatchObject({ type: 'message', id: b.id, parentId: a.id });
    expect(a.id).toMatch(/^[0-9a-f]{8}$/);
    expect((await fs.stat(file)).mode & 0o777).toBe(0o600);
  });

  it('keeps order for appends fired without awaiting, and loads back the same branch', async () => {
    const t = await create();
    await Promise.all(Array.from({ length: 25 }, (_, i) => t.appendMessage(user(`m${i}`))));
    await t.appendModelChange('anthropic', 'claude-sonnet-4-5');
    await t.appendThinkingLevelChange('high');
    await t.close();
    const loaded = await load();
    expect(loaded.messages().map((m) => m.content)).toEqual(
      Array.from({ length: 25 }, (_, i) => `m${i}`),
    );
    expect(loaded.context()).toMatchObject({
      model: { provider: 'anthropic', modelId: 'claude-sonnet-4-5' },
      thinkingLevel: 'high',
    });
    expect(loaded.repairs).toMatchObject({ tornBytes: 0, invalidLines: 0, closedToolCalls: [] });
  });

  it('context starts at the last compaction and carries its summary', async () => {
    const t = await create();
    await t.appendMessage(user('old 1'));
    const kept = await t.appendMessage(user('old 2 (kept)'));
    await t.appendCompaction({
      summary: 'User said old things.',
      firstKeptEntryId: kept.id,
      tokensBefore: 5000,
    });
    await t.appendMessage(user('new'));
    const context = t.context();
    expect(context.compactionSummary).toBe('User said old things.');
    expect(context.messages.map((m) => m.content)).toEqual(['old 2 (kept)', 'new']);
    // The display history still shows the whole branch.
    expect(t.messages()).toHaveLength(3);
  });

  it('refuses to append after close with a clear error', async () => {
    const t = await create();
    await t.close();
    await expect(t.appendMessage(user('late'))).rejects.toThrow(/closed/);
  });

  it('refuses a value that is not a message', async () => {
    const t = await create();
    await expect(
      t.appendMessage({ role: 'system', content: 'x' } as unknown as Message),
    ).rejects.toThrow(/role must be/);
  });
});

describe('transcript repair on load', () => {
  it('cuts a torn last line back to the last whole line and keeps appending cleanly', async () => {
    const t = await create();
    await t.appendMessage(user('one'));
    await t.appendMessage(user('two'));
    await t.close();
    const whole = (await fs.stat(file)).size;
    await fs.appendFile(file, '{"type":"message","id":"deadbeef","parentId":');
    const loaded = await load();
    expect(loaded.repairs.tornBytes).toBeGreaterThan(0);
    expect((await fs.stat(file)).size).toBe(whole);
    expect(loaded.messages().map((m) => m.content)).toEqual(['one', 'two']);
    await loaded.appendMessage(user('three'));
    expect(
      (await lines()).map((l) => (l.message as { content?: unknown } | undefined)?.content),
    ).toEqual([undefined, 'one', 'two', 'three']);
  });

  it('skips an unreadable line in the middle without losing the history before it', async () => {
    const t = await create();
    await t.appendMessage(user('one'));
    await t.close();
    await fs.appendFile(file, 'garbage that is not json\n');
    const again = await load();
    await again.appendMessage(user('two'));
    await again.close();
    const loaded = await load();
    expect(loaded.repairs.invalidLines).toBe(1);
    expect(loaded.messages().map((m) => m.content)).toEqual(['one', 'two']);
  });

  it('closes a tool call left without result at the end (crash mid-turn) and writes the repair back', async () => {
    const t = await create();
    await t.appendMessage(user('list files'));
    await t.appendMessage(
      assistant(
        [{ type: 'text', text: 'Let me look.' }, callExec('call_1'), callExec('call_2')],
        'toolUse',
      ),
    );
    await t.appendMessage(toolResult('call_1', 'a.txt'));
    await t.close();

    const loaded = await load();
    expect(loaded.repairs.closedToolCalls).toEqual(['call_2']);
    expect(loaded.repairs.backupFile).toBeUndefined();
    const last = loaded.messages().at(-1) as ToolResultMessage;
    expect(last).toMatchObject({
      role: 'toolResult',
      toolCallId: 'call_2',
      toolName: 'exec',
      isError: true,
    });
    expect(last.content[0]).toEqual({ type: 'text', text: ORPHAN_RESULT_TEXT });
    await loaded.close();

    // On disk now: a second load finds nothing to repair.
    const rows = await lines();
    expect(rows.at(-1)).toMatchObject({
      type: 'message',
      message: { role: 'toolResult', toolCallId: 'call_2' },
    });
    expect(rows.at(-1)!.parentId).toBe(rows.at(-2)!.id);
    const reloaded = await load();
    expect(reloaded.repairs.closedToolCalls).toEqual([]);
  });

  it('inserts the closing result right after the call when the conversation went on (abort, then a new message)', async () => {
    const t = await create();
    await t.appendMessage(user('run it'));
    const call = await t.appendMessage(assistant([callExec('call_9')], 'aborted'));
    const next = await t.appendMessage(user('never mind, say hi'));
    await t.appendMessage(assistant([{ type: 'text', text: 'hi' }]));
    await t.close();
    const original = await fs.readFile(file, 'utf8');

    const loaded = await load();
    expect(loaded.repairs.closedToolCalls).toEqual(['call_9']);
    expect(loaded.messages().map((m) => m.role)).toEqual([
      'user',
      'assistant',
      'toolResult',
      'user',
      'assistant',
    ]);
    expect(await fs.readFile(loaded.repairs.backupFile!, 'utf8')).toBe(original);
    await loaded.close();

    const rows = await lines();
    const closing = rows[3]!;
    expect(closing).toMatchObject({
      parentId: call.id,
      message: { role: 'toolResult', toolCallId: 'call_9', isError: true },
    });
    expect(rows[4]).toMatchObject({ id: next.id, parentId: closing.id });
    expect((await load()).repairs.closedToolCalls).toEqual([]);
  });

  it('restores a header torn during creation', async () => {
    await fs.mkdir(path.dirname(file), { recursive: true });
    await fs.writeFile(file, '{"type":"session","vers');
    const loaded = await load();
    expect(loaded.repairs.headerRestored).toBe(true);
    expect(loaded.sessionId).toBe('sess-1');
    await loaded.appendMessage(user('works'));
    expect((await lines())[0]).toMatchObject({ type: 'session', version: 3, id: 'sess-1' });
  });
});
