/**
 * Resolution: built-in providers by name, custom providers, merge/replace, keys from config
 * (`${VAR}` through the real config loader, SecretRefs), auth profiles and env, and the errors
 * when something is missing.
 */
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadConfigSnapshot } from '../../config/config-store.js';
import type { OpenClawConfig } from '../../config/config-types.js';
import { resolveStatePaths } from '../../config/paths.js';
import { isOpenClawError } from '../../infra/errors.js';
import { authProfilesPath, readAuthProfiles, saveAuthProfileKey } from './auth-profiles.js';
import { ModelProviders } from './model-providers.js';

let dir: string;
let agentsDir: string;

beforeEach(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'openclaw-models-'));
  agentsDir = path.join(dir, 'agents');
});
afterEach(async () => {
  await fs.rm(dir, { recursive: true, force: true });
});

const custom: OpenClawConfig = {
  models: {
    providers: {
      'my-llm': {
        baseUrl: 'http://127.0.0.1:49500/v1',
        apiKey: 'literal-key-0123456789',
        api: 'openai-completions',
        models: [
          {
            id: 'llama-3.1-8b',
            name: 'Llama',
            input: ['text'],
            contextWindow: 128000,
            maxTokens: 32000,
          },
        ],
      },
    },
  },
};

function create(config: OpenClawConfig, env: Record<string, string> = {}) {
  return ModelProviders.create({ config, env, paths: { agentsDir } });
}

function caught(fn: () => unknown): Error & { code?: string; details?: Record<string, unknown> } {
  try {
    fn();
  } catch (err) {
    return err as Error;
  }
  throw new Error('expected an error');
}

describe('ModelProviders.resolve', () => {
  it('resolves a built-in provider by name with the key from its environment variable', async () => {
    const p = await create({}, { ANTHROPIC_API_KEY: 'env-anthropic-key-123' });
    const resolved = p.resolve('anthropic/claude-sonnet-4-5');
    expect(resolved.model).toMatchObject({
      id: 'claude-sonnet-4-5',
      api: 'anthropic-messages',
      provider: 'anthropic',
      baseUrl: expect.stringContaining('api.anthropic.com'),
    });
    expect(resolved.apiKey).toEqual({
      key: 'env-anthropic-key-123',
      source: 'env ANTHROPIC_API_KEY',
    });
  });

  it('resolves a custom provider with its model fields and an OpenAI-compatible compat default', async () => {
    const p = await create(custom);
    const resolved = p.resolve('my-llm/llama-3.1-8b');
    expect(resolved.model).toMatchObject({
      id: 'llama-3.1-8b',
      name: 'Llama',
      api: 'openai-completions',
      provider: 'my-llm',
      baseUrl: 'http://127.0.0.1:49500/v1',
      input: ['text'],
      contextWindow: 128000,
      maxTokens: 32000,
      compat: { supportsDeveloperRole: false },
    });
    expect(resolved.apiKey.source).toBe('models.providers.my-llm.apiKey');
  });

  it('takes a ${VAR} key through the real config loader', async () => {
    const env = { OPENCLAW_STATE_DIR: path.join(dir, 'state'), MY_KEY: 'from-env-var-0123456789' };
    const paths = resolveStatePaths(env);
    await fs.mkdir(paths.stateDir, { recursive: true });
    await fs.writeFile(
      paths.configPath,
      `{
        // as in the issue
        models: { mode: "merge", providers: { "my-llm": { baseUrl: "http://127.0.0.1:4000/v1", apiKey: "\${MY_KEY}", api: "openai-completions",
          models: [{ id: "llama-3.1-8b", name: "Llama", input: ["text"], contextWindow: 128000, maxTokens: 32000 }] } } },
        agents: { defaults: { model: { primary: "my-llm/llama-3.1-8b", fallbacks: ["anthropic/claude-sonnet-4-5"] } } },
        env: { GROQ_API_KEY: "from-config-env-block" },
      }`,
    );
    const snapshot = await loadConfigSnapshot(paths, env);
    expect(snapshot.issues).toEqual([]);
    const p = await ModelProviders.create({ config: snapshot.config, env, paths });
    expect(p.resolve('my-llm/llama-3.1-8b').apiKey.key).toBe('from-env-var-0123456789');
    expect(p.modelChain()).toEqual(['my-llm/llama-3.1-8b', 'anthropic/claude-sonnet-4-5']);
    // fromSnapshot also sees keys from the config's own env block (the process env wins).
    const fromSnapshot = await ModelProviders.fromSnapshot(snapshot, env, paths);
    expect(fromSnapshot.resolve('groq/llama-3.1-8b-instant').apiKey).toEqual({
      key: 'from-config-env-block',
      source: 'env GROQ_API_KEY',
    });
    const overridden = await ModelProviders.fromSnapshot(
      snapshot,
      { ...env, GROQ_API_KEY: 'process-env-wins' },
      paths,
    );
    expect(overridden.resolve('groq/llama-3.1-8b-instant').apiKey.key).toBe('process-env-wins');
  });

  it('takes a SecretRef key, and names the variable when it is unset', async () => {
    const config: OpenClawConfig = {
      models: {
        providers: {
          'my-llm': {
            ...custom.models!.providers!['my-llm'],
            apiKey: { source: 'env', provider: 'default', id: 'LLM_SECRET' },
          },
        },
      },
    };
    const ok = await create(config, { LLM_SECRET: 'secret-ref-value-123' });
    expect(ok.resolve('my-llm/llama-3.1-8b').apiKey.key).toBe('secret-ref-value-123');
    const missing = await create(config, {});
    const err = caught(() => missing.resolve('my-llm/llama-3.1-8b'));
    expect(err.code).toBe('PROVIDER_KEY_MISSING');
    expect(err.message).toContain('LLM_SECRET');
    expect(err.message).toContain('models.providers.my-llm.apiKey');
  });

  it('a missing built-in key names the env var, the config path and the auth-profiles file', async () => {
    const p = await create({});
    const err = caught(() => p.resolve('openai/gpt-4.1'));
    expect(err.code).toBe('PROVIDER_KEY_MISSING');
    expect(err.message).toContain('OPENAI_API_KEY');
    expect(err.message).toContain('models.providers.openai.apiKey');
    expect(err.message).toContain(authProfilesPath({ agentsDir }, 'main'));
  });

  it('a custom provider without a key names its own variable', async () => {
    const { apiKey: _drop, ...rest } = custom.models!.providers!['my-llm']!;
    const p = await create({ models: { providers: { 'my-llm': rest } } });
    const err = caught(() => p.resolve('my-llm/llama-3.1-8b'));
    expect(err.code).toBe('PROVIDER_KEY_MISSING');
    expect(err.message).toContain('MY_LLM_API_KEY');
  });

  it('merge keeps built-in models next to custom ones; replace keeps only configured providers', async () => {
    const merged = await create(custom, { OPENAI_API_KEY: 'k-0123456789' });
    expect(merged.resolve('openai/gpt-4.1').model.api).toBe('openai-responses');
    expect(merged.resolve('my-llm/llama-3.1-8b').model.provider).toBe('my-llm');

    const replaced = await create(
      { models: { ...custom.models, mode: 'replace' } },
      { OPENAI_API_KEY: 'k-0123456789' },
    );
    expect(replaced.resolve('my-llm/llama-3.1-8b').model.provider).toBe('my-llm');
    const err = caught(() => replaced.resolve('openai/gpt-4.1'));
    expect(err.code).toBe('MODEL_NOT_FOUND');
    expect(err.message).toContain('"replace"');
    expect(replaced.catalog.list().every((m) => m.provider === 'my-llm')).toBe(true);
  });

  it('a configured built-in provider overrides its endpoint and adds models by id', async () => {
    const p = await create(
      {
        models: {
          providers: {
            openai: {
              baseUrl: 'http://127.0.0.1:49501/v1',
              models: [{ id: 'my-finetune', contextWindow: 8000 }],
            },
          },
        },
      },
      { OPENAI_API_KEY: 'k-0123456789' },
    );
    expect(p.resolve('openai/gpt-4.1').model.baseUrl).toBe('http://127.0.0.1:49501/v1');
    const finetune = p.resolve('openai/my-finetune').model;
    expect(finetune).toMatchObject({
      api: 'openai-completions',
      contextWindow: 8000,
      maxTokens: 8000,
    });
  });

  it('refuses a ref without provider and names unknown models with examples', async () => {
    const p = await create(custom);
    const noProvider = caught(() => p.resolve('gpt-4.1'));
    expect(noProvider.code).toBe('INVALID_ARGUMENT');
    expect(noProvider.message).toMatch(/provider\/model/);
    const unknown = caught(() => p.resolve('my-llm/llama-9'));
    expect(unknown.code).toBe('MODEL_NOT_FOUND');
    expect(unknown.message).toContain('llama-3.1-8b');
    const unknownProvider = caught(() => p.resolve('nope/model'));
    expect(unknownProvider.code).toBe('MODEL_NOT_FOUND');
    expect(unknownProvider.message).toContain('models.providers.nope');
  });

  it('key order: config, then auth profile, then env', async () => {
    const env = { OPENAI_API_KEY: 'from-env-0123456789' };
    expect((await create({}, env)).resolve('openai/gpt-4.1').apiKey.source).toBe(
      'env OPENAI_API_KEY',
    );

    await saveAuthProfileKey({ agentsDir }, 'main', {
      provider: 'openai',
      key: 'from-profile-0123456789',
    });
    const fromProfile = (await create({}, env)).resolve('openai/gpt-4.1').apiKey;
    expect(fromProfile).toEqual({
      key: 'from-profile-0123456789',
      source: 'auth profile openai:default',
      profileId: 'openai:default',
    });

    const fromConfig = (
      await create({ models: { providers: { openai: { apiKey: 'from-config-0123456789' } } } }, env)
    ).resolve('openai/gpt-4.1').apiKey;
    expect(fromConfig.source).toBe('models.providers.openai.apiKey');
  });

  it('an auth profile error is an OpenClawError', async () => {
    const file = authProfilesPath({ agentsDir }, 'main');
    await fs.mkdir(path.dirname(file), { recursive: true });
    await fs.writeFile(file, '{not json');
    const err = await create({}).catch((e: unknown) => e);
    expect(isOpenClawError(err, 'CONFIG_INVALID')).toBe(true);
  });
});

describe('auth-profiles.json', () => {
  it('is written at mode 0600 keeping other profiles, and a looser file is tightened on read', async () => {
    const file = authProfilesPath({ agentsDir }, 'main');
    await fs.mkdir(path.dirname(file), { recursive: true });
    await fs.writeFile(
      file,
      JSON.stringify({
        version: 1,
        profiles: { 'anthropic:work': { type: 'token', provider: 'anthropic', token: 'tok-123' } },
        order: { anthropic: ['anthropic:work'] },
      }),
      { mode: 0o644 },
    );
    const read = await readAuthProfiles({ agentsDir }, 'main');
    expect(read.profiles['anthropic:work']).toEqual({
      type: 'token',
      provider: 'anthropic',
      token: 'tok-123',
    });
    if (process.platform !== 'win32') expect((await fs.stat(file)).mode & 0o777).toBe(0o600);

    await saveAuthProfileKey({ agentsDir }, 'main', { provider: 'openai', key: ' sk-new-key ' });
    const doc = JSON.parse(await fs.readFile(file, 'utf8')) as Record<string, unknown>;
    expect(doc).toMatchObject({
      version: 1,
      order: { anthropic: ['anthropic:work'] },
      profiles: {
        'anthropic:work': { type: 'token' },
        'openai:default': { type: 'api_key', provider: 'openai', key: 'sk-new-key' },
      },
    });
    if (process.platform !== 'win32') expect((await fs.stat(file)).mode & 0o777).toBe(0o600);
  });

  it('reads the legacy flat form and skips expired tokens', async () => {
    const file = authProfilesPath({ agentsDir }, 'ops');
    await fs.mkdir(path.dirname(file), { recursive: true });
    await fs.writeFile(file, JSON.stringify({ openrouter: { apiKey: 'or-key-123' } }));
    const p = await ModelProviders.create({
      config: {},
      env: {},
      paths: { agentsDir },
      agentId: 'ops',
    });
    expect(p.resolve('openrouter/openai/gpt-4o').apiKey.source).toBe(
      'auth profile openrouter:default',
    );

    await fs.writeFile(
      file,
      JSON.stringify({
        version: 1,
        profiles: {
          'anthropic:old': { type: 'oauth', provider: 'anthropic', access: 'a', expires: 1 },
        },
      }),
    );
    const expired = await ModelProviders.create({
      config: {},
      env: {},
      paths: { agentsDir },
      agentId: 'ops',
    });
    expect(caught(() => expired.resolve('anthropic/claude-sonnet-4-5')).code).toBe(
      'PROVIDER_KEY_MISSING',
    );
  });
});

describe('ModelProviders.modelChain', () => {
  const config: OpenClawConfig = {
    agents: {
      defaults: {
        model: { primary: 'anthropic/claude-sonnet-4-5', fallbacks: ['openai/gpt-4.1'] },
      },
      list: [
        { id: 'main' },
        { id: 'strict', model: 'openai/gpt-4o' },
        { id: 'own', model: { fallbacks: ['groq/llama-3.1-8b-instant'] } },
        { id: 'pinned', model: { primary: 'xai/grok-4' } },
      ],
    },
  };
  it('uses the defaults, a strict agent model, or an agent fallback list under the default primary', async () => {
    const p = await create(config);
    expect(p.modelChain('main')).toEqual(['anthropic/claude-sonnet-4-5', 'openai/gpt-4.1']);
    expect(p.modelChain('strict')).toEqual(['openai/gpt-4o']);
    expect(p.modelChain('pinned')).toEqual(['xai/grok-4']);
    expect(p.modelChain('own')).toEqual([
      'anthropic/claude-sonnet-4-5',
      'groq/llama-3.1-8b-instant',
    ]);
    expect((await create({})).modelChain()).toEqual([]);
  });
});
