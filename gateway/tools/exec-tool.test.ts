/**
 * `exec` and `process` with real shells in a temp workspace: output and exit codes, the timeout
 * and abort killing the whole tree (a grandchild included), secrets kept out of the child's
 * environment, the output cap, background runs with poll/write/kill, and workdir confinement.
 */
import { promises as fs, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { AgentTool } from '@mariozechner/pi-agent-core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createWorkspaceTools, LocalWorkspaceTarget, ProcessRegistry } from './index.js';

let dir: string;
let workspace: string;
let processes: ProcessRegistry;
let tools: Map<string, AgentTool>;

const gatewayEnv = {
  ...process.env,
  OPENCLAW_GATEWAY_TOKEN: 'gw-token-should-not-leak',
  OPENCLAW_GATEWAY_PASSWORD: 'gw-password-should-not-leak',
  OPENAI_API_KEY: 'sk-should-not-leak',
  GH_TOKEN: 'ghp-should-not-leak',
  AWS_SECRET_ACCESS_KEY: 'aws-should-not-leak',
  HARMLESS_SETTING: 'visible',
};

function makeTools(config: Parameters<typeof createWorkspaceTools>[0]['config'] = {}): void {
  tools = new Map(
    createWorkspaceTools({
      workspace,
      config,
      agentId: 'main',
      processes,
      target: new LocalWorkspaceTarget(workspace, gatewayEnv),
    }).map((t) => [t.name, t]),
  );
}

beforeEach(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'openclaw-exec-'));
  workspace = path.join(dir, 'workspace');
  await fs.mkdir(path.join(workspace, 'sub'), { recursive: true });
  await fs.mkdir(path.join(dir, 'outside'));
  processes = new ProcessRegistry();
  makeTools();
});

afterEach(async () => {
  await processes.dispose();
  await fs.rm(dir, { recursive: true, force: true });
});

interface Outcome {
  text: string;
  details: Record<string, unknown>;
}

async function call(
  name: string,
  params: Record<string, unknown>,
  signal?: AbortSignal,
): Promise<Outcome> {
  const result = await tools.get(name)!.execute('call_1', params, signal);
  return {
    text: result.content.map((c) => (c.type === 'text' ? c.text : '')).join(''),
    details: result.details as Record<string, unknown>,
  };
}

/** Alive and not a zombie waiting for a parent that does not reap it. */
function alive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    return false;
  }
}

async function readPid(file: string): Promise<number> {
  for (let i = 0; i < 100; i++) {
    const text = await fs.readFile(path.join(workspace, file), 'utf8').catch(() => '');
    if (/^\d+\s*$/.test(text)) return Number(text);
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`${file} never got a pid`);
}

describe('exec', () => {
  it('returns output (stdout and stderr) and the exit code; a failing command is an error', async () => {
    const ok = await call('exec', { command: 'echo hello; echo oops >&2; pwd' });
    expect(ok.text).toContain('hello');
    expect(ok.text).toContain('oops');
    expect(ok.text).toContain(await fs.realpath(workspace));
    expect(ok.text).toContain('[exit code 0]');
    expect(ok.details).toMatchObject({ status: 'completed', exitCode: 0 });
    await expect(call('exec', { command: 'echo partial; exit 3' })).rejects.toThrow(
      /partial[\s\S]*\[exit code 3\]/,
    );
    expect(processes.list('main')).toEqual([]);
  });

  it('runs in a workdir inside the workspace and refuses ones outside', async () => {
    const sub = await call('exec', { command: 'pwd', workdir: 'sub' });
    expect(sub.text).toContain(path.join(await fs.realpath(workspace), 'sub'));
    await fs.symlink(path.join(dir, 'outside'), path.join(workspace, 'escape'));
    for (const workdir of ['..', '../outside', path.join(dir, 'outside'), 'escape', '/'])
      await expect(call('exec', { command: 'touch pwned', workdir })).rejects.toMatchObject({
        code: 'TOOL_PATH_REFUSED',
      });
    await expect(fs.readdir(path.join(dir, 'outside'))).resolves.toEqual([]);
    await expect(call('exec', { command: 'true', workdir: 'missing' })).rejects.toThrow(
      /does not exist/,
    );
  });

  it('gives the command no secrets of the gateway, but the rest and its own env', async () => {
    const out = await call('exec', { command: 'env', env: { MY_FLAG: 'on' } });
    for (const secret of Object.values(gatewayEnv).filter((v) => v?.includes('should-not-leak')))
      expect(out.text).not.toContain(secret);
    expect(out.text).not.toMatch(/OPENCLAW_GATEWAY_/);
    expect(out.text).toContain('HARMLESS_SETTING=visible');
    expect(out.text).toContain('MY_FLAG=on');
    expect(out.text).toContain('OPENCLAW_SHELL=exec');
    await expect(call('exec', { command: 'true', env: { PATH: '/tmp' } })).rejects.toThrow(
      /may not set PATH/,
    );
    await expect(call('exec', { command: 'true', env: { LD_PRELOAD: 'x.so' } })).rejects.toThrow(
      /may not set LD_PRELOAD/,
    );
  });

  it('a timeout kills the whole tree, grandchildren included', async () => {
    const started = Date.now();
    const run = call('exec', {
      command: "sh -c 'sleep 300 & echo $! > grandchild.pid; wait' & echo $! > child.pid; wait",
      timeout: 1,
    });
    await expect(run).rejects.toThrow(/timeout; it and everything it started were killed/);
    await expect(run).rejects.toMatchObject({ code: 'TIMEOUT' });
    expect(Date.now() - started).toBeLessThan(10_000);
    const child = await readPid('child.pid');
    const grandchild = await readPid('grandchild.pid');
    expect(alive(child)).toBe(false);
    expect(alive(grandchild)).toBe(false);
  });

  it('stopping the run kills the command and its tree', async () => {
    const controller = new AbortController();
    const run = call(
      'exec',
      { command: "sh -c 'sleep 300 & echo $! > gc.pid; wait'; echo never" },
      controller.signal,
    );
    const grandchild = await readPid('gc.pid');
    expect(alive(grandchild)).toBe(true);
    controller.abort();
    await expect(run).rejects.toMatchObject({ code: 'CANCELLED' });
    expect(alive(grandchild)).toBe(false);
    expect(processes.list('main')).toEqual([]);
  });

  it('processes left behind by a finished command are stopped with it', async () => {
    const out = await call('exec', { command: 'sleep 300 & echo $! > left.pid; echo done' });
    expect(out.text).toContain('done');
    expect(alive(await readPid('left.pid'))).toBe(false);
  });

  it('caps the output, keeping the start and the end and saying how much was cut', async () => {
    const out = await call('exec', {
      command: "echo FIRST; head -c 300000 /dev/zero | tr '\\0' 'x'; echo; echo LAST",
    });
    expect(out.text.length).toBeLessThan(60_000);
    expect(out.text.startsWith('FIRST')).toBe(true);
    expect(out.text).toContain('LAST');
    expect(out.text).toMatch(/characters cut here/);
  });
});

describe('background runs and the process tool', () => {
  it('background: true returns a session id; poll, write (with eof) and the exit code', async () => {
    const started = await call('exec', {
      command: 'echo ready; while read line; do echo "got $line"; done; echo bye',
      background: true,
    });
    const id = started.details.sessionId as string;
    expect(started.details.status).toBe('running');
    expect(id).toMatch(/^proc_/);
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
    expect(last.details).toMatchObject({ status: 'exited', exitCode: 0 });
    const log = await call('process', { action: 'log', sessionId: id });
    expect(log.text).toMatch(/ready\ngot one\nbye/);
    const list = await call('process', { action: 'list' });
    expect(list.text).toContain(id);
    expect(list.text).toContain('exited with code 0');
    await call('process', { action: 'clear', sessionId: id });
    expect((await call('process', { action: 'list' })).text).toBe('No background processes.');
  });

  it('a command still running after yieldMs goes to the background; kill stops its tree', async () => {
    const started = await call('exec', {
      command: "echo early; sh -c 'sleep 300 & echo $! > bg.pid; wait'",
      yieldMs: 200,
    });
    expect(started.text).toMatch(/still running after 200 ms/);
    expect(started.text).toContain('early');
    const id = started.details.sessionId as string;
    const grandchild = await readPid('bg.pid');
    expect(alive(grandchild)).toBe(true);
    const killed = await call('process', { action: 'kill', sessionId: id });
    expect(killed.text).toContain('Killed');
    expect(alive(grandchild)).toBe(false);
    expect((await call('process', { action: 'poll', sessionId: id })).details.status).toBe(
      'killed',
    );
    await call('process', { action: 'remove', sessionId: id });
    await expect(call('process', { action: 'poll', sessionId: id })).rejects.toThrow(
      /No background process/,
    );
  });

  it('the timeout still applies in the background; dispose kills what runs', async () => {
    const timed = await call('exec', { command: 'sleep 300', background: true, timeout: 0.5 });
    const session = processes.get('main', timed.details.sessionId as string);
    await session.done;
    expect(session.status).toBe('timed-out');
    const left = await call('exec', {
      command: "sh -c 'sleep 300 & echo $! > d.pid; wait'",
      background: true,
    });
    const grandchild = await readPid('d.pid');
    await processes.dispose();
    expect(alive(grandchild)).toBe(false);
    expect(processes.get('main', left.details.sessionId as string).status).toBe('killed');
    await expect(call('exec', { command: 'true' })).rejects.toThrow(/shutting down/);
  });

  it('a poll waiting for output returns when the run is stopped', async () => {
    const started = await call('exec', { command: 'sleep 300', background: true });
    const controller = new AbortController();
    // Without the abort this poll would wait 30 s, past the test's own time limit.
    const poll = call(
      'process',
      { action: 'poll', sessionId: started.details.sessionId, timeout: 30_000 },
      controller.signal,
    );
    setTimeout(() => controller.abort(), 100);
    expect((await poll).text).toContain('(no new output)');
  });

  it('caps how many run at once and keeps agents apart', async () => {
    processes = new ProcessRegistry({ maxRunning: 1, maxFinished: 5, outputChars: 1000 });
    makeTools();
    const one = await call('exec', { command: 'sleep 300', background: true });
    await expect(call('exec', { command: 'sleep 1', background: true })).rejects.toThrow(
      /limit is 1/,
    );
    expect(() => processes.get('other', one.details.sessionId as string)).toThrow(
      /No background process/,
    );
    expect(processes.list('other')).toEqual([]);
  });

  it('without the process tool, exec ignores background and waits for the end', async () => {
    makeTools({ tools: { deny: ['process'] } });
    expect(tools.has('process')).toBe(false);
    const out = await call('exec', {
      command: 'sleep 0.3; echo finished',
      background: true,
      yieldMs: 10,
    });
    expect(out.text).toContain('finished');
    expect(out.details.status).toBe('completed');
  });
});
