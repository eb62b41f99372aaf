/**
 * executeAgentRun on its own (no server): an abort that lands while the run is being set up
 * (after the early check, before the loop listens) still ends the run as aborted, with its
 * terminal events and a consistent transcript, instead of leaving it waiting on the model; and an
 * answer the transcript fails to keep ends the run in an error that says so, never "ok".
 */
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { loadConfigSnapshot } from '../../config/config-store.js';
import { resolveStatePaths } from '../../config/paths.js';
import { createLogger } from '../../infra/logger.js';
import { writeLocalConfig } from '../../runtime/start-gateway.js';
import { SessionStore, Transcript } from '../../sessions/index.js';
import type { Message } from '../../sessions/messages.js';
import { startOpenAiStandIn, type OpenAiStandIn } from '../../testing/openai-stand-in.js';
import { executeAgentRun } from './agent-run.js';
import { ChatSequence, RunEvents } from './run-events.js';
import { RunRegistry } from './run-registry.js';

process.env.OPENCLAW_TEST_PORT_RANGE ??= '41000-41999';

let dir: string | undefined;
let standIn: OpenAiStandIn | undefined;
let sessions: SessionStore | undefined;

afterEach(async () => {
  vi.restoreAllMocks();
  await sessions?.close();
  await standIn?.close();
  if (dir) await fs.rm(dir, { recursive: true, force: true });
});

type Sent = Array<{ event: string; payload: Record<string, unknown> }>;

/** A run registry executing real runs against the OpenAI stand-in; `onTools` runs at set-up. */
async function harness(onTools: (registry: RunRegistry<string>, key: string, id: string) => void) {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'openclaw-agent-run-'));
  standIn = await startOpenAiStandIn({ apiKey: 'sk-unit-0123456789abcdef' });
  const env = { OPENCLAW_STATE_DIR: path.join(dir, 'state') };
  const paths = resolveStatePaths(env);
  await writeLocalConfig(paths, {
    gateway: { mode: 'local' },
    models: {
      providers: {
        s: {
          baseUrl: standIn.baseUrl,
          apiKey: 'sk-unit-0123456789abcdef',
          api: 'openai-completions',
          models: [{ id: 'm', name: 'm', input: ['text'] }],
        },
      },
    },
    agents: { defaults: { model: 's/m' } },
  });
  const snapshot = await loadConfigSnapshot(paths, env);
  const workspace = path.join(dir, 'workspace');
  sessions = new SessionStore({
    paths,
    defaultAgentId: () => 'main',
    workspaceFor: () => workspace,
  });
  const store = sessions;
  const sent: Sent = [];
  const seq = new ChatSequence();
  const registry: RunRegistry<string> = new RunRegistry<string>({
    execute: (run, message) =>
      executeAgentRun(
        {
          sessions: store,
          config: () => snapshot,
          env,
          paths,
          logger: createLogger({ sink: () => {} }),
          workspaceFor: () => workspace,
          sessionsChanged: () => {},
          toolsFor: async () => {
            onTools(registry, run.sessionKey, run.runId);
            return { tools: [] };
          },
        },
        run,
        { message },
        new RunEvents(
          (event, payload) => sent.push({ event, payload: payload as Record<string, unknown> }),
          seq,
          run.runId,
          run.sessionKey,
          'main',
        ),
      ),
  });
  return { registry, sent, store, standIn };
}

describe('executeAgentRun', () => {
  it('ends as aborted when the abort lands during set-up, without waiting on the model', async () => {
    // Called during set-up, after the early abort check: the abort lands right here.
    const { registry, sent, store, standIn } = await harness((reg, key, id) => reg.abort(key, id));
    standIn.script.enqueue({ reply: 'hang' });
    registry.submit('r', 'agent:main:main', 'hello');
    const outcome = await registry.wait('r', 8000);
    expect(outcome?.status).toBe('aborted');
    const chat = sent.filter((s) => s.event === 'chat').map((s) => s.payload.state);
    expect(chat.at(-1)).toBe('aborted');
    const lifecycle = sent.filter((s) => s.event === 'agent').map((s) => s.payload.data);
    expect(lifecycle.at(-1)).toMatchObject({ phase: 'end', status: 'aborted' });
    const { entry } = await store.get('agent:main:main');
    expect(entry?.abortedLastRun).toBe(true);
    const messages = (await store.readSession('agent:main:main')).messages;
    expect(messages[0]).toMatchObject({ role: 'user', content: 'hello' });
  });

  it('ends in an error naming the lost history when the answer cannot be saved', async () => {
    const { registry, sent, standIn } = await harness(() => {});
    standIn.script.enqueue({ reply: 'text', text: 'An answer the disk will not keep.' });
    // The disk fills up between the question and the answer.
    const original = Transcript.prototype.appendMessage;
    vi.spyOn(Transcript.prototype, 'appendMessage').mockImplementation(function (
      this: Transcript,
      message: Message,
    ) {
      if (message.role === 'assistant')
        return Promise.reject(
          Object.assign(new Error('ENOSPC: no space left on device'), { code: 'ENOSPC' }),
        );
      return original.call(this, message);
    });
    registry.submit('r2', 'agent:main:full-disk', 'hello');
    const outcome = await registry.wait('r2', 8000);
    expect(outcome?.status).toBe('error');
    const terminal = sent.filter((s) => s.event === 'chat').at(-1)!.payload;
    expect(terminal.state).toBe('error');
    expect(String(terminal.errorMessage)).toMatch(
      /could not be saved to this conversation's history \(ENOSPC: no space left on device\)/,
    );
    // The answer still reaches the client with the error, so nothing shown is lost.
    expect(JSON.stringify(terminal.message)).toContain('An answer the disk will not keep.');
  });
});
