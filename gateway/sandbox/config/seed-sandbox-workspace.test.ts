import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { seedSandboxWorkspace } from './seed-sandbox-workspace.js';

let dir: string;
let agentWs: string;
let sandboxDir: string;

beforeEach(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'openclaw-sandbox-seed-'));
  agentWs = path.join(dir, 'workspace');
  sandboxDir = path.join(dir, 'sandboxes', 'agent-main-f331f052');
  await fs.mkdir(agentWs, { recursive: true });
});

afterEach(async () => {
  await fs.rm(dir, { recursive: true, force: true });
});

describe('seedSandboxWorkspace', () => {
  it('copies the bootstrap files that exist and creates the folder', async () => {
    await fs.writeFile(path.join(agentWs, 'AGENTS.md'), 'agent rules');
    await fs.writeFile(path.join(agentWs, 'BOOTSTRAP.md'), 'ritual');
    await fs.writeFile(path.join(agentWs, 'notes.md'), 'not a seed file');
    const result = await seedSandboxWorkspace({
      sandboxDir,
      agentWorkspaceDir: agentWs,
      skipBootstrap: true,
    });
    expect(result.copied.sort()).toEqual(['AGENTS.md', 'BOOTSTRAP.md']);
    expect(await fs.readFile(path.join(sandboxDir, 'AGENTS.md'), 'utf8')).toBe('agent rules');
    expect((await fs.readdir(sandboxDir)).sort()).toEqual(['AGENTS.md', 'BOOTSTRAP.md']);
  });

  it('never overwrites what the sandbox already has', async () => {
    await fs.mkdir(sandboxDir, { recursive: true });
    await fs.writeFile(path.join(sandboxDir, 'SOUL.md'), 'edited in the sandbox');
    await fs.writeFile(path.join(agentWs, 'SOUL.md'), 'agent version');
    const result = await seedSandboxWorkspace({
      sandboxDir,
      agentWorkspaceDir: agentWs,
      skipBootstrap: true,
    });
    expect(result.copied).toEqual([]);
    expect(await fs.readFile(path.join(sandboxDir, 'SOUL.md'), 'utf8')).toBe(
      'edited in the sandbox',
    );
  });

  it('does not follow a symlink out of the agent workspace', async () => {
    const secret = path.join(dir, 'secret.txt');
    await fs.writeFile(secret, 'host secret');
    await fs.symlink(secret, path.join(agentWs, 'USER.md'));
    const result = await seedSandboxWorkspace({
      sandboxDir,
      agentWorkspaceDir: agentWs,
      skipBootstrap: true,
    });
    expect(result.skipped).toEqual([{ name: 'USER.md', reason: 'is a symlink' }]);
    await expect(fs.stat(path.join(sandboxDir, 'USER.md'))).rejects.toThrow();
  });

  it('fills the remaining starter files unless skipBootstrap, but not BOOTSTRAP.md', async () => {
    await fs.writeFile(path.join(agentWs, 'AGENTS.md'), 'mine');
    const result = await seedSandboxWorkspace({ sandboxDir, agentWorkspaceDir: agentWs });
    expect(result.copied).toEqual(['AGENTS.md']);
    expect(result.templated).not.toContain('AGENTS.md');
    expect(result.templated.length).toBeGreaterThan(0);
    const files = await fs.readdir(sandboxDir);
    expect(files).not.toContain('BOOTSTRAP.md');
    expect(await fs.readFile(path.join(sandboxDir, 'AGENTS.md'), 'utf8')).toBe('mine');
  });
});
