/**
 * The file tools over a real workspace (read windows and caps, edit rules, ls) and the policy
 * (profiles, groups, allow/deny with deny winning, per-agent lists).
 */
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { AgentTool } from '@mariozechner/pi-agent-core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createWorkspaceTools, ProcessRegistry, resolveToolPolicy } from './index.js';

let workspace: string;
let tools: Map<string, AgentTool>;

beforeEach(async () => {
  workspace = await fs.mkdtemp(path.join(os.tmpdir(), 'openclaw-filetools-'));
  tools = new Map(
    createWorkspaceTools({
      workspace,
      config: {},
      agentId: 'main',
      processes: new ProcessRegistry(),
    }).map((t) => [t.name, t]),
  );
});

afterEach(async () => {
  await fs.rm(workspace, { recursive: true, force: true });
});

async function call(name: string, params: Record<string, unknown>): Promise<string> {
  const result = await tools.get(name)!.execute('call_1', params);
  return result.content.map((c) => (c.type === 'text' ? c.text : '')).join('');
}

describe('file tools', () => {
  it('write then read, with line windows', async () => {
    await call('write', { path: 'f.txt', content: 'l1\nl2\nl3\nl4' });
    expect(await call('read', { path: 'f.txt' })).toBe('l1\nl2\nl3\nl4');
    expect(await call('read', { path: 'f.txt', offset: 2, limit: 2 })).toBe(
      'l2\nl3\n\n[1 more lines; continue with offset 4]',
    );
    await expect(call('read', { path: 'f.txt', offset: 9 })).rejects.toThrow(/past the end/);
  });

  it('caps what read returns', async () => {
    await call('write', { path: 'long.txt', content: 'y'.repeat(60_000) });
    const out = await call('read', { path: 'long.txt' });
    expect(out.length).toBeLessThan(51_000);
    expect(out).toMatch(/output truncated/);
  });

  it('edit replaces text that occurs once and refuses missing or ambiguous text', async () => {
    await call('write', { path: 'e.txt', content: 'alpha beta beta gamma' });
    await call('edit', { path: 'e.txt', edits: [{ oldText: 'alpha', newText: 'ALPHA' }] });
    expect(await fs.readFile(path.join(workspace, 'e.txt'), 'utf8')).toBe('ALPHA beta beta gamma');
    await expect(
      call('edit', { path: 'e.txt', edits: [{ oldText: 'beta', newText: 'x' }] }),
    ).rejects.toThrow(/more than once/);
    await expect(
      call('edit', { path: 'e.txt', edits: [{ oldText: 'delta', newText: 'x' }] }),
    ).rejects.toThrow(/not found/);
    // A failed edit changes nothing.
    expect(await fs.readFile(path.join(workspace, 'e.txt'), 'utf8')).toBe('ALPHA beta beta gamma');
  });

  it('ls lists folders with a slash, the workspace by default', async () => {
    await call('write', { path: 'sub/x.txt', content: 'x' });
    await call('write', { path: 'a.txt', content: 'a' });
    expect(await call('ls', {})).toBe('a.txt\nsub/');
    expect(await call('ls', { path: 'sub' })).toBe('x.txt');
  });
});

describe('tool policy', () => {
  const allowed = (config: Parameters<typeof resolveToolPolicy>[0], agentId = 'main') => {
    const filter = resolveToolPolicy(config, agentId);
    return ['read', 'write', 'edit', 'ls'].filter(filter);
  };

  it('accepts bash for exec, and allow write brings apply_patch (deny write does not take it)', () => {
    const names = ['write', 'apply_patch', 'exec', 'process'];
    expect(
      names.filter(resolveToolPolicy({ tools: { allow: ['bash', 'write'] } }, 'main')),
    ).toEqual(['write', 'apply_patch', 'exec']);
    expect(names.filter(resolveToolPolicy({ tools: { deny: ['write', 'bash'] } }, 'main'))).toEqual(
      ['apply_patch', 'process'],
    );
  });

  it('allows every tool by default and with an empty allow list', () => {
    expect(allowed({})).toEqual(['read', 'write', 'edit', 'ls']);
    expect(allowed({ tools: { allow: [] } })).toEqual(['read', 'write', 'edit', 'ls']);
  });

  it('deny wins over allow, groups expand', () => {
    expect(allowed({ tools: { allow: ['group:fs'], deny: ['write'] } })).toEqual([
      'read',
      'edit',
      'ls',
    ]);
    expect(allowed({ tools: { allow: ['read', 'ls'] } })).toEqual(['read', 'ls']);
    expect(allowed({ tools: { deny: ['group:fs'] } })).toEqual([]);
  });

  it('profiles set the starting set; minimal and messaging have no file tools', () => {
    expect(allowed({ tools: { profile: 'minimal' } })).toEqual([]);
    expect(allowed({ tools: { profile: 'messaging' } })).toEqual([]);
    expect(allowed({ tools: { profile: 'coding' } })).toEqual(['read', 'write', 'edit', 'ls']);
  });

  it("adds an agent's own allow/deny lists to the global ones", () => {
    const config = {
      tools: { deny: ['edit'] },
      agents: { list: [{ id: 'reader', tools: { deny: ['write'] } }] },
    };
    expect(allowed(config, 'reader')).toEqual(['read', 'ls']);
    expect(allowed(config, 'main')).toEqual(['read', 'write', 'ls']);
  });

  it('createWorkspaceTools leaves out denied tools', () => {
    const names = createWorkspaceTools({
      workspace,
      config: { tools: { deny: ['write', 'edit', 'group:runtime'] } },
      agentId: 'main',
      processes: new ProcessRegistry(),
    }).map((t) => t.name);
    expect(names).toEqual(['read', 'ls', 'apply_patch']);
  });
});
