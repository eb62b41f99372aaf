import { describe, expect, it } from 'vitest';
import { sanitizeSandboxEnv } from './env-sanitize.js';

describe('sandbox env sanitising', () => {
  it('drops secret-looking keys, bad names and NUL values; keeps the rest', () => {
    const r = sanitizeSandboxEnv({
      LANG: 'C.UTF-8',
      OPENAI_API_KEY: 'sk-x',
      GITHUB_TOKEN: 'ghp',
      AWS_SECRET_ACCESS_KEY: 'a',
      OPENCLAW_GATEWAY_TOKEN: 't',
      DB_PASSWORD: 'p',
      'BAD-NAME': 'x',
      NUL: 'a\0b',
      TOKENIZER: 'kept',
    });
    expect(r.env).toEqual({ LANG: 'C.UTF-8', TOKENIZER: 'kept' });
    expect(r.dropped.sort()).toEqual(
      [
        'AWS_SECRET_ACCESS_KEY',
        'BAD-NAME',
        'DB_PASSWORD',
        'GITHUB_TOKEN',
        'NUL',
        'OPENAI_API_KEY',
        'OPENCLAW_GATEWAY_TOKEN',
      ].sort(),
    );
  });

  it('keeps long or base64-like values but flags them', () => {
    const r = sanitizeSandboxEnv({ BLOB: 'A'.repeat(100), BIG: 'x '.repeat(20_000), SHORT: 'abc' });
    expect(Object.keys(r.env)).toEqual(['BLOB', 'BIG', 'SHORT']);
    expect(r.suspicious).toEqual(['BLOB', 'BIG']);
  });
});
