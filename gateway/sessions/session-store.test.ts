import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { resolveStatePaths } from '../config/paths.js';
import { emptyUsage } from './messages.js';
import { SessionStore } from './session-store.js';

let dir: string;
let store: SessionStore;

beforeEach(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'openclaw-store-'));
  store = new SessionStore({
    paths: resolveStatePaths({ OPENCLAW_STATE_DIR: dir }),
    defaultAgentId: () => 'main',
    workspaceFor: () => path.join(dir, 'workspace'),
    idleCloseMs: 20,
  });
});

afterEach(async () => {
  await store.close();
  await fs.rm(dir, { recursive: true, force: true });
});

const usage = (input: number, output: number) => ({
  ...emptyUsage(),
  input,
  output,
  totalTokens: input + output,
});

describe('session store', () => {
  it('creates the entry and a transcript headed with the workspace on first open; concurrent opens share it', async () => {
    const [a, b] = await Promise.all([
      store.openSession('main'),
      store.openSession('agent:main:main'),
    ]);
    expect(a.transcript).toBe(b.transcript);
    expect(a.sessionId).toBe(b.sessionId);
    const file = path.join(dir, 'agents', 'main', 'sessions', `${a.sessionId}.jsonl`);
    expect(JSON.parse((await fs.readFile(file, 'utf8')).split('\n')[0]!)).toMatchObject({
      type: 'session',
      version: 3,
      id: a.sessionId,
      cwd: path.join(dir, 'workspace'),
    });
    const { entries } = await store.list('main');
    expect(Object.keys(entries)).toEqual(['agent:main:main']);
    expect(entries['agent:main:main']).toMatchObject({ sessionId: a.sessionId });
    a.release();
    b.release();
  });

  it('closes a transcript nobody holds after the idle delay and reloads it from disk later', async () => {
    const run = await store.openSession('main');
    await run.transcript.appendMessage({ role: 'user', content: 'remember me', timestamp: 1 });
    run.release();
    run.release(); // idempotent
    await expect.poll(() => store.isOpen('main', run.entry)).toBe(false);
    await expect(
      run.transcript.appendMessage({ role: 'user', content: 'x', timestamp: 2 }),
    ).rejects.toThrow(/closed/);

    const history = await store.readSession('main');
    expect(history.messages.map((m) => m.content)).toEqual(['remember me']);
    const next = await store.openSession('main');
    expect(next.transcript).not.toBe(run.transcript);
    expect(next.transcript.messages()).toHaveLength(1);
    next.release();
  });

  it('keeps a held transcript open past the idle delay', async () => {
    const run = await store.openSession('main');
    const reader = await store.readSession('main');
    expect(reader.messages).toEqual([]);
    await new Promise((resolve) => setTimeout(resolve, 60));
    expect(store.isOpen('main', run.entry)).toBe(true);
    await run.transcript.appendMessage({ role: 'user', content: 'still writable', timestamp: 1 });
    run.release();
  });

  it('accumulates token counters per session id and records the model and abort state', async () => {
    const run = await store.openSession('main');
    await store.recordRun('main', {
      usage: usage(100, 20),
      provider: 'openai',
      model: 'gpt-4o',
      aborted: false,
    });
    const entry = await store.recordRun('main', {
      usage: usage(150, 30),
      aborted: true,
      interaction: true,
    });
    expect(entry).toMatchObject({
      inputTokens: 250,
      outputTokens: 50,
      totalTokens: 300,
      contextTokens: 180,
      modelProvider: 'openai',
      model: 'gpt-4o',
      abortedLastRun: true,
    });
    expect(entry!.lastInteractionAt).toBeGreaterThan(0);
    run.release();
    const reset = await store.reset('main');
    expect(reset.entry.inputTokens).toBeUndefined();
    expect(reset.entry.abortedLastRun).toBeUndefined();
    expect(reset.previousSessionId).toBe(run.sessionId);
    expect(await fs.readFile(reset.archivedFile!, 'utf8')).toContain(run.sessionId);
  });

  it('refuses to delete the main session and deletes other keys with their transcript on request', async () => {
    await expect(store.delete('main')).rejects.toThrow(/sessions.reset/);
    const side = await store.openSession('agent:main:side');
    side.release();
    const result = await store.delete('agent:main:side', { deleteTranscript: true });
    expect(result).toEqual({ key: 'agent:main:side', deleted: true, archived: [] });
    await expect(fs.access(side.transcript.file)).rejects.toThrow();
  });

  it('ignores a sessionFile that points outside the sessions folder', () => {
    const inside = store.transcriptPath('main', {
      sessionId: 'abc',
      sessionFile: 'abc-topic-7.jsonl',
    });
    expect(inside).toBe(path.join(dir, 'agents', 'main', 'sessions', 'abc-topic-7.jsonl'));
    const outside = store.transcriptPath('main', {
      sessionId: 'abc',
      sessionFile: '../../../../etc/passwd',
    });
    expect(outside).toBe(path.join(dir, 'agents', 'main', 'sessions', 'abc.jsonl'));
  });
});
