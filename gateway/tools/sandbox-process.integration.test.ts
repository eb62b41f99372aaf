// Background commands in the sandbox through the whole path the agent's tools take: exec and
// process (the workspace tools with a sandbox) → SandboxTarget → SandboxClient over HTTP with the
// secret → sandboxd → the engine's runner → a REAL container. As locally: background: true and
// yieldMs hand the command to process, poll shows output while it runs, write feeds it, kill and
// the timeout end it inside the container, dispose kills what runs. Containers are named
// openclaw-it-sbx-<runId>-bg-… and removed in afterAll.
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { AgentTool } from '@mariozechner/pi-agent-core';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { freePort } from '../testing/free-port.js';
import type { SandboxPlan } from '../sandbox/contract.js';
import { sandboxEngineFixture, testPlan } from '../sandbox/engine/engine-test-support.js';
import { SandboxClient } from '../sandbox/service/sandbox-client.js';
import { runSandboxd, type RunningSandboxd } from '../sandbox/service/run-sandboxd.js';
import { createWorkspaceTools, ProcessRegistry, SandboxTarget } from './index.js';

const { docker, ready, skipNote, runId } = await sandboxEngineFixture();
const prefix = `openclaw-it-sbx-${runId}-bg`;
const SECRET = `secret-${runId}-0123456789`;
let root = '';
let ws = '';
let service: RunningSandboxd | undefined;
let client: SandboxClient;
let plan: SandboxPlan;
let processes: ProcessRegistry;
let tools: Map<string, AgentTool>;

const PROCS = `for d in /proc/[0-9]*; do tr '\\0' ' ' < $d/cmdline 2>/dev/null; echo; done`;

async function call(name: string, params: Record<string, unknown>) {
  const result = await tools.get(name)!.execute('call_1', params);
  return {
    text: result.content.map((c) => (c.type === 'text' ? c.text : '')).join(''),
    details: result.details as Record<string, unknown>,
  };
}

async function processesInContainer(): Promise<string> {
  return (await client.exec({ containerName: plan.containerName, command: PROCS })).stdout;
}

beforeAll(async () => {
  if (!ready) return;
  root = await fs.mkdtemp(path.join(os.tmpdir(), 'oc-sbx-bg-'));
  ws = path.join(root, 'ws');
  await fs.mkdir(ws);
  await fs.chmod(ws, 0o777);
  await fs.chmod(root, 0o755);
  service = await runSandboxd({
    port: await freePort(),
    host: '127.0.0.1',
    secret: SECRET,
    images: [testPlan('x', '/x').spec.image],
    pathMap: [],
    stateDir: path.join(root, 'state'),
    docker,
  });
  client = new SandboxClient({ url: service.url, secret: SECRET });
  plan = testPlan(`${prefix}-c`, ws);
  await client.ensure(plan);
});

beforeEach(() => {
  processes = new ProcessRegistry();
  tools = new Map(
    createWorkspaceTools({
      workspace: ws,
      config: {},
      agentId: 'main',
      processes,
      target: new SandboxTarget(client, plan),
      sandbox: { allowed: () => true },
    }).map((t) => [t.name, t]),
  );
});

afterEach(async () => {
  await processes.dispose();
});

afterAll(async () => {
  await service?.close();
  if (ready) {
    const mine = await docker.listContainers({ all: true, filters: { name: [prefix] } });
    await Promise.all(mine.map((c) => docker.getContainer(c.Id).remove({ force: true })));
  }
  if (root) await fs.rm(root, { recursive: true, force: true });
}, 30_000);

describe.skipIf(!ready)(`background commands in the sandbox${skipNote}`, () => {
  it('background: true, then poll while it runs, write with eof, and the exit code', async () => {
    expect(tools.has('process')).toBe(true);
    const started = await call('exec', {
      command: 'echo ready; while read line; do echo "got $line"; done; echo bye; exit 3',
      background: true,
    });
    const id = started.details.sessionId as string;
    expect(started.details.status).toBe('running');
    const first = await call('process', { action: 'poll', sessionId: id, timeout: 5000 });
    expect(first.text).toContain('ready');
    expect(first.details.status).toBe('running');
    await call('process', { action: 'write', sessionId: id, data: 'one\n' });
    const second = await call('process', { action: 'poll', sessionId: id, timeout: 5000 });
    expect(second.text).toContain('got one');
    expect(second.text).not.toContain('ready');
    await call('process', { action: 'write', sessionId: id, eof: true });
    await processes.get('main', id).done;
    const last = await call('process', { action: 'poll', sessionId: id });
    expect(last.text).toContain('bye');
    expect(last.details).toMatchObject({ status: 'exited', exitCode: 3 });
    expect((await call('process', { action: 'log', sessionId: id })).text).toMatch(
      /ready\ngot one\nbye/,
    );
  });

  it('past yieldMs a command goes to the background with its output so far; kill ends it inside', async () => {
    const started = await call('exec', {
      command: "echo early; sh -c 'sleep 1001 & setsid sleep 1002 & wait'",
      yieldMs: 400,
    });
    expect(started.text).toMatch(/still running after 400 ms/);
    expect(started.text).toContain('early');
    const id = started.details.sessionId as string;
    expect(await processesInContainer()).toContain('sleep 1001');
    const killed = await call('process', { action: 'kill', sessionId: id });
    expect(killed.text).toContain('Killed');
    expect(await processesInContainer()).not.toMatch(/sleep 100[12]/);
    // A quick command still answers at once, through the same path.
    const quick = await call('exec', { command: 'echo quick; echo warn >&2' });
    expect(quick.text).toMatch(/quick/);
    expect(quick.details).toMatchObject({ status: 'completed', exitCode: 0 });
  });

  it('where the runner cannot work, a command still runs to its end as one exec', async () => {
    const bare = testPlan(`${prefix}-bare`, ws, {
      spec: { tmpfs: ['/dev/shm:ro'], env: { HOME: '/' } },
    });
    await client.ensure(bare);
    const target = new SandboxTarget(client, bare);
    const handle = await target.spawn('echo plain; exit 2');
    let out = '';
    handle.stdout.on('data', (c: Buffer) => (out += c.toString()));
    expect(await handle.exit).toEqual({ code: 2, signal: null });
    expect(out).toBe('plain\n');
    await expect(handle.write('x')).rejects.toThrow(/not available in this sandbox/);
  });

  it('the timeout and dispose end background commands inside the container', async () => {
    const timed = await call('exec', { command: 'sleep 1003', background: true, timeout: 0.5 });
    const session = processes.get('main', timed.details.sessionId as string);
    await session.done;
    expect(session.status).toBe('timed-out');
    const left = await call('exec', { command: 'sleep 1004', background: true });
    await processes.dispose();
    expect(processes.get('main', left.details.sessionId as string).status).toBe('killed');
    const ps = await processesInContainer();
    expect(ps).not.toMatch(/sleep 100[34]/);
  });
});
