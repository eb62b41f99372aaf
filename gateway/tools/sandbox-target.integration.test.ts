// SandboxTarget against the REAL engine (the base image as the sandbox image): file tools inside
// the container with paths confined there (`..`, symlinks out), writes by access mode (in the
// container for rw, the same folder on the gateway side for none, refused under a read-only
// /agent), and commands as one exec each, killed inside the container when stopped.
// Containers are named openclaw-it-sbx-<runId>-… (the test run's sweep removes leftovers).
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ErrorCode, isOpenClawError } from '../infra/errors.js';
import { SANDBOX_DEFAULTS, type SandboxPlan } from '../sandbox/contract.js';
import { DockerSandboxEngine } from '../sandbox/engine/docker-sandbox-engine.js';
import { sandboxEngineFixture, testPlan } from '../sandbox/engine/engine-test-support.js';
import { SandboxTarget } from './sandbox-target.js';

const { docker, ready, skipNote, runId } = await sandboxEngineFixture();
const prefix = `openclaw-it-sbx-${runId}-tgt`;
let root = '';
let ws = '';
let agentWs = '';
let engine: DockerSandboxEngine;

async function target(suffix: string, overrides: Parameters<typeof testPlan>[2]) {
  const plan: SandboxPlan = testPlan(`${prefix}-${suffix}`, ws, overrides);
  await engine.ensure(plan);
  return { plan, target: new SandboxTarget(engine, plan) };
}

const code = (err: unknown) => (isOpenClawError(err) ? err.code : String(err));

beforeAll(async () => {
  root = await fs.mkdtemp(path.join(os.tmpdir(), 'oc-sbx-tgt-'));
  ws = path.join(root, 'ws');
  agentWs = path.join(root, 'agent');
  for (const dir of [ws, agentWs]) {
    await fs.mkdir(dir);
    await fs.chmod(dir, 0o777);
  }
  await fs.chmod(root, 0o755);
  await fs.symlink('/etc', path.join(ws, 'etc-link'));
  await fs.writeFile(path.join(agentWs, 'AGENTS.md'), 'agent notes\n');
  engine = new DockerSandboxEngine({
    docker,
    stateDir: path.join(root, 'state'),
    images: [testPlan('x', '/x').spec.image],
  });
});

afterAll(async () => {
  if (ready) {
    const mine = await docker.listContainers({ all: true, filters: { name: [prefix] } });
    await Promise.all(mine.map((c) => docker.getContainer(c.Id).remove({ force: true })));
  }
  if (root) await fs.rm(root, { recursive: true, force: true });
}, 30_000);

describe.skipIf(!ready)(`SandboxTarget on the real engine${skipNote}`, () => {
  it('rw: the file tools act in the container and reach the agent workspace', async () => {
    const { target: t } = await target('rw', {
      workspaceAccess: 'rw',
      spec: {
        user: '1000:1000',
        binds: [{ source: ws, target: SANDBOX_DEFAULTS.workdir, readOnly: false }],
      },
    });
    expect(await t.writeFile('notes/a.txt', 'héllo\n')).toEqual({ bytes: 7 });
    expect(await fs.readFile(path.join(ws, 'notes/a.txt'), 'utf8')).toBe('héllo\n');
    expect(await t.readFile('/workspace/notes/a.txt', { maxBytes: 100 })).toEqual({
      text: 'héllo\n',
      size: 7,
    });
    expect(await t.stat('notes')).toMatchObject({ kind: 'dir' });
    expect(await t.stat('notes/a.txt')).toMatchObject({ kind: 'file', size: 7 });
    expect(await t.stat('missing')).toBeUndefined();
    expect(await t.list('notes')).toEqual([{ name: 'a.txt', kind: 'file', size: 7 }]);
    await expect(t.readFile('notes/a.txt', { maxBytes: 3 })).rejects.toThrow(/7 bytes/);
    await t.removeFile('notes/a.txt');
    expect(await t.stat('notes/a.txt')).toBeUndefined();
    // Confinement: `..`, absolute paths elsewhere, and a symlink out (resolved in the container).
    for (const bad of ['../x', '/etc/passwd', 'etc-link/passwd']) {
      const err = await t.readFile(bad, { maxBytes: 1000 }).catch((e: unknown) => e);
      expect(code(err), bad).toBe(ErrorCode.TOOL_PATH_REFUSED);
    }
    const err = await t.writeFile('etc-link/evil', 'x').catch((e: unknown) => e);
    expect(code(err)).toBe(ErrorCode.TOOL_PATH_REFUSED);
  });

  it('none: writes go to the sandbox folder on the gateway side and the container sees them', async () => {
    const { plan, target: t } = await target('none', {});
    await t.writeFile('made-here.txt', 'from the gateway side');
    const r = await engine.exec({
      containerName: plan.containerName,
      command: 'cat /workspace/made-here.txt; touch /workspace/y 2>/dev/null || echo RO',
    });
    expect(r.stdout).toBe('from the gateway sideRO\n');
  });

  it('ro: /agent is readable, and a write there says it needs workspaceAccess "rw"', async () => {
    const { target: t } = await target('ro', {
      workspaceAccess: 'ro',
      agentWorkspaceDir: agentWs,
      allowedBindRoots: [ws, agentWs],
      spec: {
        binds: [
          { source: ws, target: SANDBOX_DEFAULTS.workdir, readOnly: true },
          { source: agentWs, target: SANDBOX_DEFAULTS.agentMount, readOnly: true },
        ],
      },
    });
    expect((await t.readFile('/agent/AGENTS.md', { maxBytes: 100 })).text).toBe('agent notes\n');
    await expect(t.writeFile('/agent/x.txt', 'x')).rejects.toThrow(/workspaceAccess "rw"/);
  });

  it('runs a command as one exec and kills it inside the container when stopped', async () => {
    const { plan, target: t } = await target('cmd', {});
    const done = await t.spawn('echo out; echo err >&2; exit 3', { cwd: '.' });
    let out = '';
    done.stdout.on('data', (c: Buffer) => (out += c.toString()));
    expect(await done.exit).toEqual({ code: 3, signal: null });
    expect(out).toBe('out\n');
    const long = await t.spawn('sleep 1000');
    await new Promise((r) => setTimeout(r, 500));
    await long.kill();
    expect((await long.exit).code).toBeNull();
    const ps = await engine.exec({
      containerName: plan.containerName,
      command: `for d in /proc/[0-9]*; do tr '\\0' ' ' < $d/cmdline 2>/dev/null; echo; done`,
    });
    expect(ps.stdout).not.toContain('sleep 1000');
    await expect(t.spawn('true', { cwd: '../..' })).rejects.toThrow(/refused/);
  });
});
