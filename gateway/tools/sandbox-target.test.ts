// SandboxTarget's checks that happen before anything reaches the engine: the lexical path rules
// and where a write goes by access mode. The engine here records what it is asked (it is the
// boundary under test, not a stand-in for a result): nothing may reach it for a refused path.
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ErrorCode } from '../infra/errors.js';
import type { SandboxApi, SandboxExecRequest } from '../sandbox/contract.js';
import { testPlan } from '../sandbox/engine/engine-test-support.js';
import { SandboxTarget } from './sandbox-target.js';

let dir: string;
const asked: SandboxExecRequest[] = [];
const recorder: SandboxApi = {
  ensure: () => Promise.reject(new Error('not used')),
  exec: (request) => {
    asked.push(request);
    return Promise.reject(new Error('no engine in this test'));
  },
  list: () => Promise.resolve([]),
  remove: () => Promise.resolve(),
  prune: () => Promise.resolve([]),
};

beforeEach(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'openclaw-sbx-target-'));
  asked.length = 0;
});

afterEach(async () => {
  await fs.rm(dir, { recursive: true, force: true });
});

describe('SandboxTarget before the engine', () => {
  it('maps paths into /workspace and refuses .., NUL and other roots without asking the engine', () => {
    const t = new SandboxTarget(recorder, testPlan('c', dir));
    expect(t.containerPath('notes/a.md')).toBe('/workspace/notes/a.md');
    expect(t.containerPath('.')).toBe('/workspace');
    expect(t.containerPath('/workspace/x/')).toBe('/workspace/x');
    for (const bad of [
      '../etc',
      'a/../../b',
      '/etc/passwd',
      '/agent/x',
      '/workspacefoo',
      'a\0b',
      '',
    ])
      expect(() => t.containerPath(bad), JSON.stringify(bad)).toThrow(
        expect.objectContaining({ code: ErrorCode.TOOL_PATH_REFUSED }),
      );
    expect(asked).toEqual([]);
  });

  it('allows /agent only when it is mounted, and writes there only with rw', async () => {
    const plan = testPlan('c', dir, {
      workspaceAccess: 'ro',
      spec: {
        binds: [
          { source: dir, target: '/workspace', readOnly: true },
          { source: path.join(dir, 'agent'), target: '/agent', readOnly: true },
        ],
      },
    });
    const t = new SandboxTarget(recorder, plan);
    expect(t.containerPath('/agent/AGENTS.md')).toBe('/agent/AGENTS.md');
    await expect(t.writeFile('/agent/x', 'x')).rejects.toThrow(/workspaceAccess "rw"/);
    expect(asked).toEqual([]);
  });

  it('none: a write lands in the sandbox folder on this side, never through the engine', async () => {
    const t = new SandboxTarget(recorder, testPlan('c', dir));
    expect(await t.writeFile('sub/file.txt', 'hello')).toEqual({ bytes: 5 });
    expect(await fs.readFile(path.join(dir, 'sub/file.txt'), 'utf8')).toBe('hello');
    await t.removeFile('sub/file.txt');
    await expect(fs.stat(path.join(dir, 'sub/file.txt'))).rejects.toThrow();
    // A link planted in the folder cannot carry a gateway-side write out of it.
    await fs.symlink(os.tmpdir(), path.join(dir, 'out'));
    await expect(t.writeFile('out/x.txt', 'x')).rejects.toMatchObject({
      code: ErrorCode.TOOL_PATH_REFUSED,
    });
    expect(asked).toEqual([]);
  });

  it('rw: a write goes to the container with the content on stdin', async () => {
    const t = new SandboxTarget(
      recorder,
      testPlan('c', dir, {
        workspaceAccess: 'rw',
        spec: { binds: [{ source: dir, target: '/workspace', readOnly: false }] },
      }),
    );
    await expect(t.writeFile('a.txt', 'content')).rejects.toThrow(/no engine/);
    expect(asked).toHaveLength(1);
    expect(asked[0]).toMatchObject({ containerName: 'c', stdin: 'content', workdir: '/workspace' });
    expect(asked[0]!.command).toContain("'write' '/workspace/a.txt'");
  });
});
