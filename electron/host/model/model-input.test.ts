import { describe, expect, it } from 'vitest';
import { keyHint } from './key-hint.js';
import { hostViewOf, urlViews } from './local-url.js';
import { planModelSetup } from './model-input.js';

describe('planModelSetup', () => {
  it('trims the key and the model, and keeps the stored key when the field is blank', () => {
    expect(
      planModelSetup({ kind: 'openai', model: ' gpt-4.1-mini ', apiKey: '\n sk-abcdefgh1234 \n' }),
    ).toEqual({
      ok: true,
      plan: {
        kind: 'openai',
        providerId: 'openai',
        modelId: 'gpt-4.1-mini',
        ref: 'openai/gpt-4.1-mini',
        key: 'sk-abcdefgh1234',
      },
    });
    const blank = planModelSetup({ kind: 'anthropic', model: 'claude-sonnet-4-5', apiKey: '   ' });
    expect(blank.ok && blank.plan.key).toBeUndefined();
  });

  it.each([
    [{ kind: 'openai', model: '' }, 'model', 'Pick a model.'],
    [{ kind: 'openai', model: 'gpt 4' }, 'model', 'no spaces'],
    [
      { kind: 'openai', model: 'gpt-4.1', apiKey: 'sk-abc\ndef123456' },
      'apiKey',
      'space or line break',
    ],
    [
      { kind: 'openai', model: 'gpt-4.1', apiKey: 'OPENAI_API_KEY=sk-abcdef123456' },
      'apiKey',
      'without “OPENAI_API_KEY=”',
    ],
    [{ kind: 'openai', model: 'gpt-4.1', apiKey: 'sk-1' }, 'apiKey', 'too short'],
    [{ kind: 'openai', model: 'gpt-4.1', baseUrl: 'http://x' }, 'baseUrl', 'needs no address'],
    [{ kind: 'custom', model: 'm', baseUrl: '' }, 'baseUrl', 'Enter the server’s address'],
    [{ kind: 'custom', model: 'm', baseUrl: 'http://exa mple' }, 'baseUrl', 'space'],
    [{ kind: 'custom', model: 'm', baseUrl: 'ftp://host/v1' }, 'baseUrl', 'http:// or https://'],
    [{ kind: 'custom', model: 'm', baseUrl: 'http://u:p@host/v1' }, 'baseUrl', 'key field'],
    [{ kind: 'custom', model: 'm', baseUrl: 'http://host/v1?x=1' }, 'baseUrl', '“?”'],
    [{ kind: 'custom', model: 'm', baseUrl: 'http://[zz/v1' }, 'baseUrl', 'not a web address'],
    [
      { kind: 'custom', model: 'm', baseUrl: 'http://h/v1', providerId: 'openai' },
      'providerId',
      'built-in',
    ],
    [
      { kind: 'custom', model: 'm', baseUrl: 'http://h/v1', providerId: 'my llm' },
      'providerId',
      'letters, digits',
    ],
    [
      { kind: 'ollama', model: 'qwen3:8b', baseUrl: 'http://127.0.0.1:11434/chat' },
      'baseUrl',
      'without a path',
    ],
    [{ kind: 'gemini', model: 'x' }, 'kind', 'Pick a provider'],
  ] as const)('%j is refused on %s', (input, field, words) => {
    const result = planModelSetup(input as never);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.problem.field).toBe(field);
    expect(result.problem.message).toContain(words);
  });

  it('gives Ollama its /v1 route, in both views', () => {
    for (const baseUrl of [
      '127.0.0.1:11434',
      'http://localhost:11434/',
      'http://127.0.0.1:11434/api',
      undefined,
    ]) {
      const result = planModelSetup({ kind: 'ollama', model: 'qwen3:8b', baseUrl });
      expect(result.ok).toBe(true);
      if (!result.ok) continue;
      expect(result.plan.views?.container).toBe('http://host.docker.internal:11434/v1');
      expect(result.plan.ref).toBe('ollama/qwen3:8b');
    }
  });
});

describe('the two views of an address', () => {
  it('maps loopback names to host.docker.internal and back; other hosts stay', () => {
    expect(urlViews(new URL('http://localhost:1234/v1'))).toEqual({
      host: 'http://localhost:1234/v1',
      container: 'http://host.docker.internal:1234/v1',
      local: true,
    });
    expect(urlViews(new URL('http://host.docker.internal:8000/v1')).host).toBe(
      'http://127.0.0.1:8000/v1',
    );
    expect(urlViews(new URL('https://llm.example.com/v1'))).toEqual({
      host: 'https://llm.example.com/v1',
      container: 'https://llm.example.com/v1',
      local: false,
    });
    expect(hostViewOf('http://host.docker.internal:11434/v1')).toBe('http://127.0.0.1:11434/v1');
  });
});

describe('keyHint', () => {
  it('shows the prefix and the last four characters only', () => {
    expect(keyHint('sk-proj-abcdefghijklmnop1234')).toBe('sk-proj-…1234');
    expect(keyHint('sk-ant-api03-abcdefghijklmnopqrstuv9876')).toBe('sk-ant-…9876');
    expect(keyHint('AIzaSyDabcdefghijklmnop5678')).toBe('…5678');
    expect(keyHint('short-key')).toBe('…ey');
  });
});
