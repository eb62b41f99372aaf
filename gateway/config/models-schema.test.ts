import { describe, expect, it } from 'vitest';
import { validateConfig } from './config-schema.js';

describe('validateConfig: models and model refs', () => {
  it('accepts the issue example and upstream provider keys', () => {
    const result = validateConfig({
      models: {
        mode: 'merge',
        providers: {
          'my-llm': {
            baseUrl: 'http://127.0.0.1:4000/v1',
            apiKey: 'sk-literal',
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
          ollama: {
            baseUrl: 'http://host.docker.internal:11434/v1',
            apiKey: { source: 'env', provider: 'default', id: 'OLLAMA_KEY' },
            api: 'openai-completions',
            timeoutSeconds: 300,
            headers: { 'X-Trace': 'on' },
            models: [{ id: 'qwen3:8b', reasoning: true, cost: { input: 0, output: 0 } }],
          },
          openai: { models: [{ id: 'my-finetune' }] },
          anthropic: { apiKey: 'sk-ant-x' },
        },
      },
      agents: {
        defaults: {
          model: {
            primary: 'my-llm/llama-3.1-8b',
            fallbacks: ['anthropic/claude-sonnet-4-5', 'openrouter/meta-llama/llama-3.1-8b'],
          },
        },
        list: [{ id: 'main', default: true }],
      },
    });
    expect(result.issues).toEqual([]);
    expect(result.config.models?.providers?.['my-llm']?.models?.[0]?.id).toBe('llama-3.1-8b');
  });

  it('lists every problem with its path', () => {
    const result = validateConfig({
      models: {
        mode: 'append',
        providers: {
          'my-llm': {
            baseUrl: 'localhost:4000',
            api: 'openai-chat',
            models: [
              { id: 'a', input: ['text', 'audio'], contextWindow: 1000, maxTokens: 2000 },
              { id: 'a' },
              { name: 'no id' },
            ],
            api_key: 'typo',
          },
          'bad id!': { baseUrl: 'http://x/v1' },
          proxy: { baseUrl: 'https://user:pass@proxy.example/v1', models: [{ id: 'm' }] },
          nourl: { api: 'anthropic-messages', models: [{ id: 'm' }] },
        },
      },
      agents: {
        defaults: {
          model: { primary: 'gpt-4.1', fallbacks: ['openai/', 'anthropic/x', 'anthropic/x'] },
        },
        list: [{ id: 'w', model: '/llama' }],
      },
    });
    expect(result.ok).toBe(false);
    const byPath = Object.fromEntries(result.issues.map((i) => [i.path, i.message]));
    expect(Object.keys(byPath).sort()).toEqual(
      [
        'models.mode',
        'models.providers.my-llm.baseUrl',
        'models.providers.my-llm.api',
        'models.providers.my-llm.models[0].input[1]',
        'models.providers.my-llm.models[0].maxTokens',
        'models.providers.my-llm.models[1].id',
        'models.providers.my-llm.models[2].id',
        'models.providers.my-llm.api_key',
        'models.providers["bad id!"]',
        'models.providers.proxy.baseUrl',
        'models.providers.proxy.api',
        'models.providers.nourl.baseUrl',
        'agents.defaults.model.primary',
        'agents.defaults.model.fallbacks[0]',
        'agents.defaults.model.fallbacks[2]',
        'agents.list[0].model',
      ].sort(),
    );
    expect(byPath['models.providers.my-llm.api']).toContain('"openai-completions"');
    expect(byPath['models.providers.my-llm.baseUrl']).toMatch(/http\(s\) URL/);
    expect(byPath['models.providers.proxy.baseUrl']).toMatch(/credentials in apiKey/);
    expect(byPath['models.providers.my-llm.models[1].id']).toMatch(/duplicate model id "a"/);
    expect(byPath['models.providers.my-llm.api_key']).toMatch(/did you mean "apiKey"/);
    expect(byPath['agents.defaults.model.primary']).toMatch(/no provider in "gpt-4.1"/);
    expect(byPath['agents.defaults.model.fallbacks[0]']).toMatch(/empty model id/);
    expect(byPath['agents.defaults.model.fallbacks[2]']).toMatch(/duplicate fallback/);
    expect(byPath['agents.list[0].model']).toMatch(/empty provider/);
    expect(byPath['models.providers.nourl.baseUrl']).toMatch(/required for a custom provider/);
  });

  it('reports a provider id duplicated by case', () => {
    const result = validateConfig({
      models: {
        providers: { MyLLM: { baseUrl: 'http://a/v1' }, myllm: { baseUrl: 'http://b/v1' } },
      },
    });
    expect(result.issues).toEqual([
      { path: 'models.providers.myllm', message: expect.stringMatching(/duplicate provider id/) },
    ]);
  });

  it('a bad SecretRef in apiKey is reported at its path', () => {
    const result = validateConfig({
      models: {
        providers: {
          x: { baseUrl: 'http://a/v1', apiKey: { source: 'vault', provider: 'p', id: 'k' } },
        },
      },
    });
    expect(result.issues.map((i) => i.path)).toEqual(['models.providers.x.apiKey.source']);
  });
});
