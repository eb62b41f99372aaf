/**
 * Evidence that a sandboxed agent run really runs its tools in a hardened container, on the REAL
 * engine (skipped without one or without the base image): a test gateway with sandbox mode "all"
 * and the OpenAI stand-in asking for `exec` (then `write`), seen through `chat.history` — non-root,
 * no capabilities, only `lo`, a read-only root, and an `rw` write that lands in the agent
 * workspace on this machine. First with the engine in the gateway process (development on the
 * host), then through a sandboxd started in-process with a secret (the stack's way), which
 * refuses a request without it, and where a background command keeps running for `process`;
 * last, a sandbox that cannot be reached fails the run instead of running it unsandboxed.
 * Containers are named openclaw-it-sbx-<runId>-… and removed at the end.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { GatewayClient } from '@openclaw/gateway-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  SANDBOX_TEST_IMAGE,
  sandboxEngineFixture,
} from '../../sandbox/engine/engine-test-support.js';
import { runSandboxd, type RunningSandboxd } from '../../sandbox/service/run-sandboxd.js';
import { freePort } from '../../testing/free-port.js';
import { startOpenAiStandIn, type OpenAiStandIn } from '../../testing/openai-stand-in.js';
import { startTestGateway, TEST_TOKEN, type TestGateway } from '../../testing/test-gateway.js';

const { docker, ready, skipNote, runId } = await sandboxEngineFixture();
const KEY = 'sk-standin-0123456789abcdef';
const PREFIX = `openclaw-it-sbx-${runId}-`;
const SECRET = `sandboxd-secret-${runId}-0123456789abcdef`;
const PROBE = 'id -u; grep CapEff /proc/self/status; ls /sys/class/net; touch /x 2>&1 || echo RO';

let standIn: OpenAiStandIn;
const gateways: TestGateway[] = [];
const clients: GatewayClient[] = [];
let sandboxd: RunningSandboxd | undefined;

function sandboxConfig(prefix: string) {
  return {
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
    agents: {
      defaults: {
        model: 'stand-in/echo-1',
        sandbox: {
          mode: 'all',
          scope: 'session',
          workspaceAccess: 'rw',
          docker: { image: SANDBOX_TEST_IMAGE, user: '1000:1000', containerPrefix: prefix },
        },
      },
    },
    tools: { profile: 'coding' },
  };
}

async function gatewayWith(prefix: string, env: Record<string, string> = {}) {
  const gw = await startTestGateway(sandboxConfig(prefix), { env });
  gateways.push(gw);
  // The sandbox user (1000) writes into a workspace this test (maybe root) owns.
  await fs.mkdir(gw.paths.workspaceDir, { recursive: true });
  await fs.chmod(gw.paths.workspaceDir, 0o777);
  const client = await new Promise<GatewayClient>((resolve, reject) => {
    const c: GatewayClient = new GatewayClient({
      url: gw.url,
      token: TEST_TOKEN,
      scopes: ['operator.read', 'operator.write'],
      requestTimeoutMs: 60_000,
      hostDeps: { logDebug: () => {}, logError: () => {} },
      onHelloOk: () => resolve(c),
      onConnectError: (err) => reject(err),
    });
    c.start();
  });
  clients.push(client);
  return { gw, client };
}

type HistoryMessage = { role: string; toolName?: string; isError?: boolean; content?: unknown };

/** Send one message and wait for the run to end; the session's messages after it. */
async function turn(client: GatewayClient, sessionKey: string, message: string) {
  const runId = `run-${Math.random().toString(36).slice(2)}`;
  await client.request('chat.send', { sessionKey, message, idempotencyKey: runId });
  const waited = await client.request<{ status: string; error?: string }>(
    'agent.wait',
    { runId, timeoutMs: 90_000 },
    { timeoutMs: 95_000 },
  );
  const history = await client.request<{ messages: HistoryMessage[] }>('chat.history', {
    sessionKey,
  });
  return { waited, messages: history.messages };
}

const text = (m: HistoryMessage | undefined) => JSON.stringify(m?.content ?? '');

beforeAll(async () => {
  standIn = await startOpenAiStandIn({ apiKey: KEY });
});

afterAll(async () => {
  for (const c of clients) c.stop();
  for (const gw of gateways) await gw.stop();
  await sandboxd?.close();
  await standIn?.close();
  if (ready) {
    const mine = await docker.listContainers({ all: true, filters: { name: [PREFIX] } });
    await Promise.all(mine.map((c) => docker.getContainer(c.Id).remove({ force: true })));
  }
}, 60_000);

describe.skipIf(!ready)(`a sandboxed agent run on the real engine${skipNote}`, () => {
  it('engine in the gateway process: hardened container, rw write reaches the workspace', async () => {
    const { gw, client } = await gatewayWith(`${PREFIX}local-`);
    standIn.script.enqueue(
      { reply: 'tool', calls: [{ name: 'exec', arguments: { command: PROBE } }] },
      {
        reply: 'tool',
        calls: [
          { name: 'write', arguments: { path: 'from-sandbox.txt', content: 'made inside\n' } },
        ],
      },
      { reply: 'text', text: 'Checked the sandbox.' },
    );
    const { waited, messages } = await turn(client, 'agent:main:sbx-local', 'check the sandbox');
    expect(waited.status).toBe('ok');
    const exec = messages.find((m) => m.role === 'toolResult' && m.toolName === 'exec');
    expect(exec?.isError).toBe(false);
    const out = text(exec);
    expect(out).toContain('"text":"1000\\nCapEff');
    expect(out).toMatch(/CapEff:\\t0{16}\\n/);
    expect(out).toContain('\\nlo\\n');
    expect(out).not.toMatch(/eth0/);
    expect(out).toContain('Read-only file system');
    expect(out).toContain('RO');
    // The system prompt named the container's workspace, not the host folder.
    expect(JSON.stringify(standIn.requests.at(-3)!.body.messages)).toContain(
      'Your workspace folder is /workspace',
    );
    const write = messages.find((m) => m.role === 'toolResult' && m.toolName === 'write');
    expect(write?.isError).toBe(false);
    const made = path.join(gw.paths.workspaceDir, 'from-sandbox.txt');
    expect(await fs.readFile(made, 'utf8')).toBe('made inside\n');
    expect((await fs.stat(made)).uid).toBe(1000);
    const containers = await docker.listContainers({
      filters: { name: [`${PREFIX}local-`] },
    });
    expect(containers).toHaveLength(1);
  }, 120_000);

  it('through sandboxd with the secret; a request without it is refused', async () => {
    const port = await freePort();
    const stateDir = path.join(gateways[0]!.dir, 'sandboxd-state');
    sandboxd = await runSandboxd({
      port,
      host: '127.0.0.1',
      secret: SECRET,
      images: [SANDBOX_TEST_IMAGE],
      pathMap: [],
      stateDir,
      docker,
    });
    expect((await fetch(`${sandboxd.url}/v1/containers`)).status).toBe(401);
    const { client } = await gatewayWith(`${PREFIX}svc-`, {
      OPENCLAW_SANDBOXD_URL: sandboxd.url,
      OPENCLAW_SANDBOXD_SECRET: SECRET,
    });
    standIn.script.enqueue(
      { reply: 'tool', calls: [{ name: 'exec', arguments: { command: PROBE } }] },
      { reply: 'text', text: 'Checked through sandboxd.' },
    );
    const { waited, messages } = await turn(client, 'agent:main:sbx-svc', 'check again');
    expect(waited.status).toBe('ok');
    const out = text(messages.find((m) => m.role === 'toolResult' && m.toolName === 'exec'));
    expect(out).toContain('"text":"1000\\nCapEff');
    expect(out).toMatch(/CapEff:\\t0{16}\\n/);
    expect(out).toContain('\\nlo\\n');
    expect(out).toContain('RO');
    // The model was offered the sandbox's tools: exec, and `process` for background commands.
    const offered = (standIn.requests.at(-1)!.body.tools as Array<{ function: { name: string } }>)
      .map((t) => t.function.name)
      .sort();
    expect(offered).toContain('exec');
    expect(offered).toContain('write');
    expect(offered).toContain('process');

    // A command past its timeout is killed inside the container, through sandboxd; a background
    // command keeps running there, and `process` lists it.
    standIn.script.enqueue(
      {
        reply: 'tool',
        calls: [{ name: 'exec', arguments: { command: 'sleep 1000', timeout: 2 } }],
      },
      {
        reply: 'tool',
        calls: [{ name: 'exec', arguments: { command: 'sleep 1005', background: true } }],
      },
      { reply: 'tool', calls: [{ name: 'process', arguments: { action: 'list' } }] },
      { reply: 'text', text: 'Done.' },
    );
    const second = await turn(client, 'agent:main:sbx-svc', 'run the long one');
    expect(second.waited.status).toBe('ok');
    const results = second.messages.filter((m) => m.role === 'toolResult').slice(-3);
    expect(results.map((m) => m.isError)).toEqual([true, false, false]);
    expect(text(results[0])).toMatch(/timed out|timeout/i);
    expect(text(results[1])).toContain('Started in the background');
    expect(text(results[2])).toContain('sleep 1005');
    const name = (await sandboxd.engine.list()).find((c) =>
      c.containerName.startsWith(`${PREFIX}svc-`),
    )!.containerName;
    const ps = await sandboxd.engine.exec({
      containerName: name,
      command: `for d in /proc/[0-9]*; do tr '\\0' ' ' < $d/cmdline 2>/dev/null; echo; done`,
    });
    expect(ps.exitCode).toBe(0);
    expect(ps.stdout).not.toContain('sleep 1000');

    // sandboxd made the container: it is in its registry.
    const listed = await sandboxd.engine.list();
    expect(listed.map((c) => c.containerName).some((n) => n.startsWith(`${PREFIX}svc-`))).toBe(
      true,
    );
  }, 120_000);

  it('an unreachable sandboxd fails the run; nothing runs unsandboxed', async () => {
    const closed = await freePort();
    const { client } = await gatewayWith(`${PREFIX}down-`, {
      OPENCLAW_SANDBOXD_URL: `http://127.0.0.1:${closed}`,
      OPENCLAW_SANDBOXD_SECRET: SECRET,
    });
    const before = standIn.requests.length;
    const { waited } = await turn(client, 'agent:main:sbx-down', 'run something');
    expect(waited.status).toBe('error');
    expect(waited.error).toMatch(/never runs unsandboxed/);
    expect(waited.error).not.toContain(SECRET);
    // The model was never asked, so no tool could have run on the gateway.
    expect(standIn.requests.length).toBe(before);
  }, 60_000);
});
