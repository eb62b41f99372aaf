// `openclaw models set` on a real config file: the ref is checked against known providers, the
// primary is written through the config store (fallbacks kept), nothing changes on a refusal.
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { loadConfigSnapshot } from '../../config/config-store.js';
import { resolveStatePaths, type StatePaths } from '../../config/paths.js';
import { models } from './models.js';

let dir: string;
let paths: StatePaths;
let env: Record<string, string>;
let stdout: string[];
let stderr: string[];

async function writeConfig(config: unknown): Promise<void> {
  await fs.mkdir(path.dirname(paths.configPath), { recursive: true });
  await fs.writeFile(paths.configPath, JSON.stringify(config, null, 2));
}

beforeEach(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'openclaw-cli-models-'));
  env = { OPENCLAW_STATE_DIR: dir, OPENCLAW_HOME: dir };
  paths = resolveStatePaths(env);
  stdout = [];
  stderr = [];
  vi.spyOn(process.stdout, 'write').mockImplementation((t) => {
    stdout.push(String(t));
    return true;
  });
  vi.spyOn(process.stderr, 'write').mockImplementation((t) => {
    stderr.push(String(t));
    return true;
  });
});

afterEach(async () => {
  vi.restoreAllMocks();
  await fs.rm(dir, { recursive: true, force: true });
});

describe('openclaw models set', () => {
  it('writes agents.defaults.model.primary and keeps the fallbacks', async () => {
    await writeConfig({
      gateway: { mode: 'local' },
      agents: { defaults: { model: { primary: 'openai/gpt-4.1', fallbacks: ['openai/gpt-5'] } } },
    });
    expect(await models(['set', 'anthropic/claude-sonnet-4-5'], env, paths)).toBe(0);
    const snapshot = await loadConfigSnapshot(paths, env);
    expect(snapshot.config.agents?.defaults?.model).toEqual({
      primary: 'anthropic/claude-sonnet-4-5',
      fallbacks: ['openai/gpt-5'],
    });
    expect(stdout.join('')).toContain('Default model: anthropic/claude-sonnet-4-5');
  });

  it('turns a string model into {primary} and accepts a configured custom provider', async () => {
    await writeConfig({
      agents: { defaults: { model: 'openai/gpt-4.1' } },
      models: {
        providers: {
          'my-llm': {
            baseUrl: 'http://127.0.0.1:4000/v1',
            api: 'openai-completions',
            models: [{ id: 'llama-3.1-8b' }],
          },
        },
      },
    });
    expect(await models(['set', 'my-llm/llama-3.1-8b', '--json'], env, paths)).toBe(0);
    expect(JSON.parse(stdout.join(''))).toMatchObject({ ok: true, known: true });
    const snapshot = await loadConfigSnapshot(paths, env);
    expect(snapshot.config.agents?.defaults?.model).toEqual({ primary: 'my-llm/llama-3.1-8b' });
  });

  it('refuses an unknown provider and leaves the file as it was', async () => {
    await writeConfig({ agents: { defaults: { model: 'openai/gpt-4.1' } } });
    const before = await fs.readFile(paths.configPath, 'utf8');
    await expect(models(['set', 'nope/some-model'], env, paths)).rejects.toThrow(
      /unknown provider "nope".*models\.providers\.nope.*Nothing was changed/,
    );
    expect(await fs.readFile(paths.configPath, 'utf8')).toBe(before);
  });

  it('saves a model the catalog does not list with a warning (new or self-hosted models)', async () => {
    await writeConfig({});
    expect(await models(['set', 'openai/gpt-9-preview'], env, paths)).toBe(0);
    expect(stderr.join('')).toMatch(/warning: "gpt-9-preview" is not in the catalog of openai/);
    const snapshot = await loadConfigSnapshot(paths, env);
    expect(snapshot.config.agents?.defaults?.model).toEqual({ primary: 'openai/gpt-9-preview' });
  });

  it('accepts an openai-codex model (ChatGPT sign-in), listed as ready once signed in', async () => {
    await writeConfig({});
    expect(await models(['set', 'openai-codex/gpt-5.4', '--json'], env, paths)).toBe(0);
    expect(JSON.parse(stdout.join(''))).toMatchObject({ ok: true, known: true });
    stdout.length = 0;
    const list = async () => {
      stdout.length = 0;
      await models(['list', '--local', '--provider', 'openai-codex', '--json'], env, paths);
      const out = JSON.parse(stdout.join('')) as { models: Array<Record<string, unknown>> };
      return out.models.find((m) => m.id === 'gpt-5.4');
    };
    expect(await list()).toMatchObject({ available: false, unavailableReason: 'missing-auth' });
    const file = path.join(paths.agentsDir, 'main', 'agent', 'auth-profiles.json');
    await fs.mkdir(path.dirname(file), { recursive: true });
    await fs.writeFile(
      file,
      JSON.stringify({
        version: 1,
        profiles: {
          'openai-codex:default': {
            type: 'oauth',
            provider: 'openai-codex',
            access: 'a.b.c',
            refresh: 'rt_x',
            expires: Date.now() - 1000,
          },
        },
      }),
      { mode: 0o600 },
    );
    expect(await list()).toMatchObject({ available: true, tags: ['primary'] });
  });

  it('refuses a ref without provider as a usage error', async () => {
    await expect(models(['set', 'gpt-4.1'], env, paths)).rejects.toMatchObject({ exitCode: 2 });
    await expect(models(['set'], env, paths)).rejects.toMatchObject({ exitCode: 2 });
  });
});
