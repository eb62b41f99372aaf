// `openclaw sandbox explain` reads the real config file from a temp state dir; no Docker involved.
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { resolveStatePaths, type StatePaths } from '../../config/paths.js';
import type { SandboxExplanation } from '../../sandbox/config/explain-sandbox.js';
import { sandbox } from './sandbox.js';

let dir: string;
let paths: StatePaths;
let env: Record<string, string>;
let out: string;

beforeEach(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'openclaw-cli-sandbox-'));
  env = { OPENCLAW_STATE_DIR: path.join(dir, 'state'), OPENCLAW_HOME: dir };
  paths = resolveStatePaths(env);
  await fs.mkdir(paths.stateDir, { recursive: true });
  out = '';
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
    out += String(chunk);
    return true;
  });
});

afterEach(async () => {
  vi.restoreAllMocks();
  await fs.rm(dir, { recursive: true, force: true });
});

async function writeConfig(doc: unknown): Promise<void> {
  await fs.writeFile(paths.configPath, JSON.stringify(doc, null, 2));
}

async function explainJson(args: string[]): Promise<SandboxExplanation> {
  expect(await sandbox(['explain', ...args, '--json'], env, paths)).toBe(0);
  return JSON.parse(out) as SandboxExplanation;
}

describe('openclaw sandbox explain', () => {
  it('without a config: the main session runs directly because mode defaults to off', async () => {
    const x = await explainJson([]);
    expect(x).toMatchObject({
      agentId: 'main',
      sessionKey: 'agent:main:main',
      runtime: 'direct',
      mode: 'off',
      sources: { mode: 'default' },
    });
    expect(x.plan).toBeUndefined();
  });

  it('non-main: a group session is sandboxed, with container, mounts and the deciding keys', async () => {
    await writeConfig({
      agents: {
        defaults: { sandbox: { mode: 'non-main', workspaceAccess: 'ro' } },
        list: [{ id: 'main' }, { id: 'work', sandbox: { scope: 'session' } }],
      },
      tools: { sandbox: { tools: { alsoAllow: ['browser'] } } },
    });
    const main = await explainJson(['--session', 'main']);
    expect(main.runtime).toBe('direct');
    expect(main.reason).toMatch(/main session/);
    out = '';
    const x = await explainJson(['--session', 'agent:work:telegram:group:1']);
    expect(x.agentId).toBe('work');
    expect(x.runtime).toBe('sandboxed');
    expect(x.sources).toMatchObject({
      mode: 'agents.defaults.sandbox.mode',
      scope: 'agents.list[1].sandbox.scope',
      workspaceAccess: 'agents.defaults.sandbox.workspaceAccess',
      workspaceRoot: 'default',
    });
    expect(x.plan?.scopeKey).toBe('agent:work:telegram:group:1');
    expect(x.plan?.containerName).toMatch(/^openclaw-sbx-agent-work-telegram-group-1-[0-9a-f]{8}$/);
    expect(x.plan?.spec.binds.map((b) => b.target)).toEqual(['/workspace', '/agent']);
    expect(x.plan?.agentWorkspaceDir).toBe(path.join(paths.stateDir, 'workspace-work'));
    expect(x.tools.deny).not.toContain('browser');
    expect(x.tools.sources.allow).toBe('tools.sandbox.tools.alsoAllow');
  });

  it('prints a readable summary and reports invalid sandbox values as ignored', async () => {
    await writeConfig({
      agents: { defaults: { sandbox: { mode: 'all', docker: { network: 'host' } } } },
    });
    expect(await sandbox(['explain', '--agent', 'main'], env, paths)).toBe(0);
    expect(out).toMatch(/Runtime: +sandboxed — mode is "all" \(agents\.defaults\.sandbox\.mode\)/);
    expect(out).toMatch(/Container: +openclaw-sbx-agent-main-f331f052 \(scope key agent:main\)/);
    expect(out).toMatch(/Network: +none/);
    expect(out).toMatch(/→ \/workspace \(read-only\)/);
    expect(out).toMatch(/Tools denied: +browser, canvas/);
    expect(out).toMatch(/Warning: +agents\.defaults\.sandbox\.docker\.network: .*host.*ignored/);
  });

  it('shows env names, not values, and flags unknown agents and mismatched sessions', async () => {
    await writeConfig({
      agents: {
        defaults: {
          sandbox: { mode: 'all', docker: { env: { HTTP_PROXY: 'http://u:pw@db:3128' } } },
        },
        list: [{ id: 'main' }],
      },
    });
    const x = await explainJson(['--agent', 'ghost']);
    expect(x.plan?.spec.env).toEqual({ HTTP_PROXY: '(set)', OPENCLAW_CLI: '1' });
    expect(out).not.toMatch(/pw@db/);
    expect(x.warnings.join('\n')).toMatch(/"ghost" is not in agents\.list/);
    await expect(
      sandbox(['explain', '--agent', 'main', '--session', 'agent:work:x'], env, paths),
    ).rejects.toMatchObject({
      exitCode: 2,
      message: expect.stringMatching(/belongs to agent "work"/),
    });
  });

  it('refuses unknown subcommands and stray arguments as usage errors', async () => {
    await expect(sandbox(['ls'], env, paths)).rejects.toMatchObject({ exitCode: 2 });
    await expect(sandbox(['explain', 'extra'], env, paths)).rejects.toThrow(/unexpected argument/);
  });
});
