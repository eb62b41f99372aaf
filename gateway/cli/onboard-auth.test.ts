/**
 * `openclaw onboard --non-interactive --accept-risk --auth-choice …`: keys land in the auth
 * profile (0600) and never in openclaw.json, ref mode stores only the variable's name, custom URLs
 * and a local Ollama (its model list read from a stand-in answering as Ollama's /api/tags does)
 * become `models.providers` entries, and the default model is set.
 */
import { promises as fs } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { authProfilesPath, readAuthProfiles } from '../agent/providers/auth-profiles.js';
import { loadConfigSnapshot } from '../config/config-store.js';
import { resolveStatePaths, type StatePaths } from '../config/paths.js';
import { closedTestPort } from '../testing/stand-in-server.js';
import { onboard } from './commands/onboard.js';

let dir: string;
let paths: StatePaths;
let env: Record<string, string>;

const BASE = ['--non-interactive', '--accept-risk', '--json', '--skip-health'];

beforeEach(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'openclaw-cli-onboard-'));
  env = { OPENCLAW_STATE_DIR: dir, OPENCLAW_HOME: dir };
  paths = resolveStatePaths(env);
  vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
});

afterEach(async () => {
  vi.restoreAllMocks();
  await fs.rm(dir, { recursive: true, force: true });
});

async function config() {
  return (await loadConfigSnapshot(paths, env)).config;
}

describe('onboard --auth-choice', () => {
  it('openai-api-key: key into the auth profile (0600), not the config; default model set', async () => {
    const key = 'sk-test-onboard-0123456789';
    expect(
      await onboard(
        [...BASE, '--auth-choice', 'openai-api-key', '--openai-api-key', key],
        env,
        paths,
      ),
    ).toBe(0);
    const store = await readAuthProfiles(paths, 'main');
    expect(store.profiles['openai:default']).toEqual({ type: 'api_key', provider: 'openai', key });
    expect((await fs.stat(authProfilesPath(paths, 'main'))).mode & 0o777).toBe(0o600);
    expect(await fs.readFile(paths.configPath, 'utf8')).not.toContain(key);
    expect((await config()).agents?.defaults?.model).toEqual({ primary: 'openai/gpt-5' });
  });

  it('anthropic-api-key takes the key from its env variable', async () => {
    const withKey = { ...env, ANTHROPIC_API_KEY: 'sk-ant-test-0123456789' };
    expect(await onboard([...BASE, '--auth-choice', 'anthropic-api-key'], withKey, paths)).toBe(0);
    const store = await readAuthProfiles(paths, 'main');
    expect(store.profiles['anthropic:default']).toMatchObject({ key: 'sk-ant-test-0123456789' });
  });

  it('a missing key fails before anything is written', async () => {
    await expect(onboard([...BASE, '--auth-choice', 'openai-api-key'], env, paths)).rejects.toThrow(
      /--openai-api-key \(or \$OPENAI_API_KEY set\)/,
    );
    await expect(onboard([...BASE, '--auth-choice', 'carrier-pigeon'], env, paths)).rejects.toThrow(
      /--auth-choice must be one of/,
    );
    await expect(fs.stat(paths.configPath)).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('custom-api-key with ref mode: a SecretRef to $CUSTOM_API_KEY, no stored key', async () => {
    const withKey = { ...env, CUSTOM_API_KEY: 'ck-0123456789' };
    const code = await onboard(
      [
        ...BASE,
        '--auth-choice',
        'custom-api-key',
        '--custom-base-url',
        'https://llm.example.com/v1/',
        '--custom-model-id',
        'foo-large',
        '--custom-compatibility',
        'anthropic',
        '--secret-input-mode',
        'ref',
      ],
      withKey,
      paths,
    );
    expect(code).toBe(0);
    const cfg = await config();
    expect(cfg.models?.providers?.custom).toMatchObject({
      baseUrl: 'https://llm.example.com/v1',
      api: 'anthropic-messages',
      apiKey: { source: 'env', provider: 'default', id: 'CUSTOM_API_KEY' },
      models: [{ id: 'foo-large' }],
    });
    expect(cfg.agents?.defaults?.model).toEqual({ primary: 'custom/foo-large' });
    expect(await fs.readFile(paths.configPath, 'utf8')).not.toContain('ck-0123456789');
    expect((await readAuthProfiles(paths, 'main')).profiles).toEqual({});
  });

  it('ollama: reads the first model from /api/tags and points at its /v1 route', async () => {
    const server = http.createServer((req, res) => {
      if (req.url === '/api/tags') {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ models: [{ name: 'qwen3:8b', model: 'qwen3:8b', size: 1 }] }));
      } else {
        res.writeHead(404).end();
      }
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const root = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      expect(
        await onboard([...BASE, '--auth-choice', 'ollama', '--custom-base-url', root], env, paths),
      ).toBe(0);
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
    const cfg = await config();
    expect(cfg.models?.providers?.ollama).toMatchObject({
      baseUrl: `${root}/v1`,
      api: 'openai-completions',
      models: [{ id: 'qwen3:8b' }],
    });
    expect(cfg.agents?.defaults?.model).toEqual({ primary: 'ollama/qwen3:8b' });
  });

  it('ollama that is not running says so and how to skip the lookup', async () => {
    const url = `http://127.0.0.1:${await closedTestPort()}`;
    await expect(
      onboard([...BASE, '--auth-choice', 'ollama', '--custom-base-url', url], env, paths),
    ).rejects.toThrow(/cannot reach Ollama .*--custom-model-id/);
  });

  it('lmstudio with a given model needs no lookup and no key', async () => {
    expect(
      await onboard(
        [...BASE, '--auth-choice', 'lmstudio', '--custom-model-id', 'qwen/qwen3.5-9b'],
        env,
        paths,
      ),
    ).toBe(0);
    const cfg = await config();
    expect(cfg.models?.providers?.lmstudio).toMatchObject({
      baseUrl: 'http://127.0.0.1:1234/v1',
      models: [{ id: 'qwen/qwen3.5-9b' }],
    });
    expect(cfg.agents?.defaults?.model).toEqual({ primary: 'lmstudio/qwen/qwen3.5-9b' });
  });
});
