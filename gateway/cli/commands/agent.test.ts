/**
 * `openclaw agent` and `openclaw models list` against a real test gateway whose model is a custom
 * provider pointing at the OpenAI stand-in: the printed answer, streamed deltas and tool notes on
 * a terminal, JSON output, a provider failure's words and exit code, a gateway that is down.
 */
import net, { type AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { resolveStatePaths, type StatePaths } from '../../config/paths.js';
import { startOpenAiStandIn, type OpenAiStandIn } from '../../testing/openai-stand-in.js';
import { closedTestPort } from '../../testing/stand-in-server.js';
import { startTestGateway, type TestGateway } from '../../testing/test-gateway.js';
import { agent, type AgentIo } from './agent.js';
import { gatewayCall } from './gateway-call.js';
import { modelsList } from './models.js';

const KEY = 'sk-standin-0123456789abcdef';

let standIn: OpenAiStandIn;
let gw: TestGateway;
let env: Record<string, string>;
let paths: StatePaths;

function recordingIo(streaming: boolean) {
  const out: string[] = [];
  const err: string[] = [];
  const io: AgentIo = {
    stdout: (t) => void out.push(t),
    stderr: (t) => void err.push(t),
    streaming,
  };
  return { io, out, err, stdout: () => out.join(''), stderr: () => err.join('') };
}

beforeAll(async () => {
  standIn = await startOpenAiStandIn({ apiKey: KEY });
  gw = await startTestGateway({
    models: {
      providers: {
        'stand-in': {
          baseUrl: standIn.baseUrl,
          apiKey: KEY,
          api: 'openai-completions',
          models: [{ id: 'echo-1', name: 'Echo', input: ['text'], contextWindow: 32000 }],
        },
      },
    },
    agents: { defaults: { model: 'stand-in/echo-1' } },
  });
  env = { ...gw.env, OPENCLAW_GATEWAY_URL: gw.url };
  paths = resolveStatePaths(env);
});

afterAll(async () => {
  await gw?.stop();
  await standIn?.close();
});

beforeEach(() => {
  standIn.script.clear();
  vi.restoreAllMocks();
});

describe('openclaw agent', () => {
  it('prints the final answer once when not on a terminal', async () => {
    standIn.script.enqueue({ reply: 'text', text: 'Hello from the stand-in.', chunkSize: 4 });
    const rec = recordingIo(false);
    const code = await agent(['--message', 'hi there'], env, paths, rec.io);
    expect(code).toBe(0);
    expect(rec.stdout()).toBe('Hello from the stand-in.\n');
    expect(rec.out).toHaveLength(1);
    const history = await gw.gateway.sessions.get('agent:main:main');
    expect(history.entry).toBeDefined();
  });

  it('streams deltas on a terminal and notes tool calls on stderr', async () => {
    standIn.script.enqueue(
      { reply: 'tool', calls: [{ name: 'write', arguments: { path: 'note.txt', content: 'x' } }] },
      { reply: 'text', text: 'Wrote the note for you.', chunkSize: 3, delayMs: 70 },
    );
    const rec = recordingIo(true);
    const code = await agent(
      ['--message', 'write a note', '--session-key', 'agent:main:stream'],
      env,
      paths,
      rec.io,
    );
    expect(code).toBe(0);
    expect(rec.stdout()).toBe('Wrote the note for you.\n');
    // Several writes: the answer arrived in pieces (the gateway sends one per 150 ms), not at the end.
    expect(rec.out.length).toBeGreaterThan(3);
    expect(rec.stderr()).toContain('· write …');
  });

  it('--json prints the gateway answer', async () => {
    standIn.script.enqueue({ reply: 'text', text: 'JSON answer.' });
    const rec = recordingIo(true);
    const code = await agent(['-m', 'hi', '--json', '--agent', 'main'], env, paths, rec.io);
    expect(code).toBe(0);
    const parsed = JSON.parse(rec.stdout()) as {
      status: string;
      result: { payloads: Array<{ text: string }> };
    };
    expect(parsed.status).toBe('ok');
    expect(parsed.result.payloads[0]!.text).toBe('JSON answer.');
  });

  it("a provider failure exits 1 with the provider's words, no key", async () => {
    standIn.script.enqueue({ reply: 'error', status: 401 });
    const rec = recordingIo(false);
    const code = await agent(['--message', 'hi', '--session-key', 'agent:main:err'], env, paths, {
      ...rec.io,
    });
    expect(code).toBe(1);
    expect(rec.stderr()).toMatch(/the agent run failed: .*(key|401)/i);
    expect(rec.stderr()).not.toContain(KEY);
    expect(rec.stdout()).toBe('');
  });

  it('a connection that drops after the run was accepted: agent.wait on a new one, answer from history', async () => {
    standIn.script.enqueue({
      reply: 'text',
      text: 'Survived the drop.',
      chunkSize: 2,
      delayMs: 80,
    });
    // A TCP hop between the CLI and the gateway that the test can cut.
    const sockets = new Set<net.Socket>();
    const proxy = net.createServer((client) => {
      const upstream = net.connect(gw.port, '127.0.0.1');
      for (const s of [client, upstream]) {
        s.on('error', () => {});
        sockets.add(s);
      }
      client.pipe(upstream).pipe(client);
    });
    await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
    const proxyEnv = {
      ...env,
      OPENCLAW_GATEWAY_URL: `ws://127.0.0.1:${(proxy.address() as AddressInfo).port}`,
    };
    const before = standIn.requests.length;
    // Cut every connection once the model is being asked (the run is accepted by then).
    const cut = setInterval(() => {
      if (standIn.requests.length > before) {
        clearInterval(cut);
        for (const s of sockets) s.destroy();
        sockets.clear();
      }
    }, 10);
    try {
      const rec = recordingIo(false);
      const code = await agent(
        ['--message', 'drop me', '--session-key', 'agent:main:drop'],
        proxyEnv,
        paths,
        rec.io,
      );
      expect(rec.stderr()).toMatch(/connection dropped; waiting for run/);
      expect(code).toBe(0);
      expect(rec.stdout()).toBe('Survived the drop.\n');
    } finally {
      clearInterval(cut);
      await new Promise<void>((resolve) => proxy.close(() => resolve()));
    }
  });

  it('a gateway that is down says how to start it', async () => {
    const downEnv = { ...env, OPENCLAW_GATEWAY_URL: `ws://127.0.0.1:${await closedTestPort()}` };
    const rec = recordingIo(false);
    await expect(agent(['--message', 'hi'], downEnv, paths, rec.io)).rejects.toThrow(
      /cannot reach the gateway .*openclaw gateway run/,
    );
  });

  it('refuses a missing message, blank selectors and a bad timeout before connecting', async () => {
    const rec = recordingIo(false);
    await expect(agent([], env, paths, rec.io)).rejects.toMatchObject({ exitCode: 2 });
    await expect(
      agent(['--message', 'hi', '--session-key', ' '], env, paths, rec.io),
    ).rejects.toThrow(/--session-key is empty/);
    await expect(agent(['--message', 'hi', '--timeout', '5m'], env, paths, rec.io)).rejects.toThrow(
      /whole seconds/,
    );
  });
});

describe('openclaw models list', () => {
  it('asks the gateway, and reads the config locally when no gateway answers', async () => {
    const writes: string[] = [];
    vi.spyOn(process.stdout, 'write').mockImplementation((t) => {
      writes.push(String(t));
      return true;
    });
    expect(await modelsList(['--json'], env, paths)).toBe(0);
    const remote = JSON.parse(writes.join('')) as { source: string; models: Array<{ id: string }> };
    expect(remote.source).toBe('gateway');
    expect(remote.models.map((m) => m.id)).toContain('echo-1');

    writes.length = 0;
    const downEnv = { ...env, OPENCLAW_GATEWAY_URL: `ws://127.0.0.1:${await closedTestPort()}` };
    expect(await modelsList(['--json', '--provider', 'stand-in'], downEnv, paths)).toBe(0);
    const local = JSON.parse(writes.join('')) as { source: string; models: Array<{ id: string }> };
    expect(local.source).toBe('local');
    expect(local.models.map((m) => m.id)).toEqual(['echo-1']);
  });
});

describe('openclaw gateway call', () => {
  it("prints a method's answer as JSON; bad --params is a usage error", async () => {
    standIn.script.enqueue({ reply: 'text', text: 'Kept in history.' });
    expect(
      await agent(['-m', 'remember', '--session-key', 'agent:main:calls'], env, paths, {
        ...recordingIo(false).io,
      }),
    ).toBe(0);
    const writes: string[] = [];
    vi.spyOn(process.stdout, 'write').mockImplementation((t) => {
      writes.push(String(t));
      return true;
    });
    const params = JSON.stringify({ sessionKey: 'agent:main:calls' });
    expect(await gatewayCall(['chat.history', '--params', params], env, paths)).toBe(0);
    const history = JSON.parse(writes.join('')) as {
      messages: Array<{ role: string; content: Array<{ text?: string }> }>;
    };
    expect(history.messages.map((m) => m.role)).toEqual(['user', 'assistant']);
    expect(history.messages[1]!.content[0]!.text).toBe('Kept in history.');
    await expect(gatewayCall(['chat.history', '--params', '{nope'], env, paths)).rejects.toThrow(
      /--params must be JSON/,
    );
  });
});
