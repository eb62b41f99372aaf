/**
 * The workspace tools end to end, through the real `@openclaw/gateway-client` against a test
 * gateway whose model is the OpenAI stand-in: the model asks for `write`, then `exec` (which
 * reads the file back with `cat`), then answers. The file is in the workspace, the command's
 * output reached the model, the gateway's secrets did not reach the command, `chat` and `agent`
 * events arrive in order, and the JSONL transcript on disk matches `chat.history`. Last, a
 * background command the model left running is killed when the gateway stops.
 */
import { promises as fs, readFileSync } from 'node:fs';
import path from 'node:path';
import { GatewayClient } from '@openclaw/gateway-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startOpenAiStandIn, type OpenAiStandIn } from '../../testing/openai-stand-in.js';
import { startTestGateway, TEST_TOKEN, type TestGateway } from '../../testing/test-gateway.js';

const KEY = 'sk-standin-0123456789abcdef';
const PLANTED_SECRET = 'planted-gateway-secret-value-9f8e7d';

interface Frame {
  event: string;
  payload: Record<string, unknown>;
}

let standIn: OpenAiStandIn;
let gw: TestGateway;
let client: GatewayClient;
const events: Frame[] = [];
let waiters: Array<() => void> = [];
const savedEnv = process.env.OPENCLAW_GATEWAY_PASSWORD;

async function until(predicate: () => boolean, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    const left = deadline - Date.now();
    if (left <= 0) throw new Error('timed out waiting for events');
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, Math.min(left, 200));
      waiters.push(() => {
        clearTimeout(timer);
        resolve();
      });
    });
  }
}

const ofRun = (event: string, runId: string) =>
  events.filter((f) => f.event === event && f.payload.runId === runId).map((f) => f.payload);

const ended = (runId: string) =>
  ofRun('agent', runId).some((p) => {
    const data = p.data as { phase?: string };
    return p.stream === 'lifecycle' && (data.phase === 'end' || data.phase === 'error');
  }) && ofRun('chat', runId).some((p) => ['final', 'aborted', 'error'].includes(String(p.state)));

function alive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    return false;
  }
}

beforeAll(async () => {
  // What the gateway process holds must not reach a command the model runs.
  process.env.OPENCLAW_GATEWAY_PASSWORD = PLANTED_SECRET;
  standIn = await startOpenAiStandIn({ apiKey: KEY });
  gw = await startTestGateway({
    models: {
      providers: {
        'stand-in': {
          baseUrl: standIn.baseUrl,
          apiKey: KEY,
          api: 'openai-completions',
          models: [{ id: 'echo-1', name: 'Echo', input: ['text'] }],
        },
      },
    },
    agents: { defaults: { model: 'stand-in/echo-1' } },
    tools: { profile: 'coding' },
  });
  await new Promise<void>((resolve, reject) => {
    client = new GatewayClient({
      url: gw.url,
      token: TEST_TOKEN,
      scopes: ['operator.read', 'operator.write'],
      caps: ['tool-events'],
      requestTimeoutMs: 15_000,
      hostDeps: { logDebug: () => {}, logError: () => {} },
      onEvent: (evt) => {
        if (evt.event !== 'chat' && evt.event !== 'agent') return;
        events.push({ event: evt.event, payload: evt.payload as Record<string, unknown> });
        for (const w of waiters.splice(0)) w();
      },
      onHelloOk: () => resolve(),
      onConnectError: (err) => reject(err),
    });
    client.start();
  });
});

afterAll(async () => {
  client?.stop();
  await gw?.stop();
  await standIn?.close();
  if (savedEnv === undefined) delete process.env.OPENCLAW_GATEWAY_PASSWORD;
  else process.env.OPENCLAW_GATEWAY_PASSWORD = savedEnv;
  waiters = [];
});

describe('the agent uses write and exec', () => {
  it('writes a file, reads it back with exec, answers; events in order; disk matches chat.history', async () => {
    standIn.script.enqueue(
      {
        reply: 'tool',
        calls: [
          { name: 'write', arguments: { path: 'notes/plan.txt', content: 'step one\nstep two\n' } },
        ],
      },
      {
        reply: 'tool',
        calls: [
          {
            name: 'exec',
            arguments: {
              command: 'cat plan.txt; echo "secret=${OPENCLAW_GATEWAY_PASSWORD:-none}"',
              workdir: 'notes',
            },
          },
        ],
      },
      { reply: 'text', text: 'The plan has two steps.', chunkSize: 6 },
    );
    const sessionKey = 'agent:main:tools-e2e';
    const runId = 'run-write-exec';
    const ack = await client.request('chat.send', {
      sessionKey,
      message: 'write the plan, then show it',
      idempotencyKey: runId,
    });
    expect(ack).toEqual({ runId, status: 'started' });
    await until(() => ended(runId));

    // The file is in the workspace, and exec's output went back to the model.
    expect(await fs.readFile(path.join(gw.paths.workspaceDir, 'notes/plan.txt'), 'utf8')).toBe(
      'step one\nstep two\n',
    );
    const third = JSON.stringify(standIn.requests.at(-1)!.body.messages);
    expect(third).toContain('step one\\nstep two');
    expect(third).toContain('secret=none');
    expect(third).not.toContain(PLANTED_SECRET);

    // chat: deltas then one final, seq strictly increasing.
    const chat = ofRun('chat', runId);
    const final = chat.at(-1)!;
    expect(final.state).toBe('final');
    expect(chat.slice(0, -1).every((p) => p.state === 'delta')).toBe(true);
    const chatSeqs = chat.map((p) => p.seq as number);
    expect(chatSeqs).toEqual([...new Set(chatSeqs)].sort((a, b) => a - b));

    // agent: lifecycle start, write start/result, exec start/result, the answer, lifecycle end.
    const agent = ofRun('agent', runId);
    const agentSeqs = agent.map((p) => p.seq as number);
    expect(agentSeqs).toEqual([...new Set(agentSeqs)].sort((a, b) => a - b));
    expect(agent[0]).toMatchObject({ stream: 'lifecycle', data: { phase: 'start' } });
    expect(agent.at(-1)).toMatchObject({ stream: 'lifecycle', data: { phase: 'end' } });
    const tools = agent
      .filter((p) => p.stream === 'tool')
      .map((p) => p.data as { phase: string; name: string; isError?: boolean });
    expect(tools.map((t) => `${t.name}:${t.phase}`)).toEqual([
      'write:start',
      'write:result',
      'exec:start',
      'exec:result',
    ]);
    expect(tools.filter((t) => t.phase === 'result').map((t) => t.isError)).toEqual([false, false]);
    const lastToolIndex = agent.findLastIndex((p) => p.stream === 'tool');
    const firstAnswer = agent.findIndex((p, i) => i > lastToolIndex && p.stream === 'assistant');
    expect(firstAnswer).toBeGreaterThan(lastToolIndex);

    // The transcript on disk and chat.history tell the same story.
    const { entry } = await gw.gateway.sessions.get(sessionKey);
    const lines = (await fs.readFile(gw.gateway.sessions.transcriptPath('main', entry!), 'utf8'))
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { type: string; message?: Record<string, unknown> });
    expect(lines[0]).toMatchObject({ type: 'session', version: 3 });
    const onDisk = lines.filter((e) => e.type === 'message').map((e) => e.message!);
    expect(onDisk.map((m) => m.role)).toEqual([
      'user',
      'assistant',
      'toolResult',
      'assistant',
      'toolResult',
      'assistant',
    ]);
    const execResult = onDisk[4]!;
    expect(execResult).toMatchObject({ toolName: 'exec', isError: false });
    expect(JSON.stringify(execResult.content)).toContain('step two');
    const history = await client.request<{ messages: Array<Record<string, unknown>> }>(
      'chat.history',
      { sessionKey },
    );
    const normal = (m: Record<string, unknown>) => [
      m.role,
      typeof m.content === 'string' ? [{ type: 'text', text: m.content }] : m.content,
    ];
    expect(history.messages.map(normal)).toEqual(onDisk.map(normal));
  });

  it('a background command the model left running is killed when the gateway stops', async () => {
    standIn.script.enqueue(
      {
        reply: 'tool',
        calls: [
          {
            name: 'exec',
            arguments: {
              command: "sh -c 'sleep 300 & echo $! > server.pid; wait'",
              background: true,
            },
          },
        ],
      },
      { reply: 'text', text: 'Started it.' },
    );
    const runId = 'run-background';
    await client.request('chat.send', {
      sessionKey: 'agent:main:tools-bg',
      message: 'start a server',
      idempotencyKey: runId,
    });
    await until(() => ended(runId));
    const pidFile = path.join(gw.paths.workspaceDir, 'server.pid');
    await until(() => /^\d+\s*$/.test(readFileSync(pidFile, { encoding: 'utf8', flag: 'a+' })));
    const pid = Number(readFileSync(pidFile, 'utf8'));
    expect(alive(pid)).toBe(true);
    client.stop();
    await gw.stop();
    expect(alive(pid)).toBe(false);
  });
});
