/**
 * The rule for what a tool's command inherits: credentials out, the rest in, overrides that
 * would change which code runs refused; and the output buffer's head/tail accounting.
 */
import { describe, expect, it } from 'vitest';
import { OutputBuffer, cutMiddle } from './output-buffer.js';
import { isSecretEnvName } from '../infra/secret-env.js';
import { childEnv } from './process-env.js';

describe('childEnv', () => {
  it('drops credentials by name and keeps ordinary variables', () => {
    for (const name of [
      'OPENCLAW_GATEWAY_TOKEN',
      'OPENCLAW_GATEWAY_PASSWORD',
      'OPENCLAW_GATEWAY_URL',
      'OPENAI_API_KEY',
      'ANTHROPIC_API_KEY',
      'OPENROUTER_APIKEY',
      'GH_TOKEN',
      'AWS_SECRET_ACCESS_KEY',
      'DATABASE_PASSWORD',
      'NPM_CONFIG__AUTH',
      'GOOGLE_APPLICATION_CREDENTIALS',
      'SSH_AUTH_SOCK',
      'DATABASE_URL',
      'my_private_key',
    ])
      expect(isSecretEnvName(name), name).toBe(true);
    for (const name of [
      'PATH',
      'HOME',
      'PWD',
      'LANG',
      'TERM',
      'NODE_ENV',
      'KEYBOARD_LAYOUT',
      'OPENCLAW_STATE_DIR',
    ])
      expect(isSecretEnvName(name), name).toBe(false);
    const env = childEnv(
      { PATH: '/usr/bin', OPENAI_API_KEY: 'sk-1', HOME: '/home/x' },
      { FOO: 'bar' },
    );
    expect(env).toEqual({ PATH: '/usr/bin', HOME: '/home/x', OPENCLAW_SHELL: 'exec', FOO: 'bar' });
  });

  it('refuses overrides that hijack what runs, and bad names', () => {
    for (const name of [
      'PATH',
      'LD_PRELOAD',
      'LD_LIBRARY_PATH',
      'DYLD_INSERT_LIBRARIES',
      'NODE_OPTIONS',
      'BASH_ENV',
    ])
      expect(() => childEnv({}, { [name]: 'x' }), name).toThrow(/may not set/);
    expect(() => childEnv({}, { '1BAD': 'x' })).toThrow(/not a valid variable name/);
    expect(() => childEnv({}, { 'A=B': 'x' })).toThrow(/not a valid variable name/);
  });
});

describe('OutputBuffer', () => {
  it('keeps the head and the latest tail and counts what was dropped between', () => {
    const buf = new OutputBuffer(5, 10);
    buf.append('0123456789');
    buf.append('abcdefghij');
    expect(buf.length).toBe(20);
    expect(buf.dropped).toBe(5);
    expect(buf.render()).toMatch(
      /^01234\n\n\[… 5 characters of output cut here .*\]\n\nabcdefghij$/s,
    );
    expect(buf.readFrom(18)).toEqual({ text: 'ij', skipped: 0, next: 20 });
    expect(buf.readFrom(7)).toEqual({ text: 'abcdefghij', skipped: 3, next: 20 });
    expect(buf.readFrom(20)).toEqual({ text: '', skipped: 0, next: 20 });
  });

  it('keeps everything while under the caps', () => {
    const buf = new OutputBuffer(4, 100);
    buf.append('ab');
    buf.append('cdef');
    expect(buf.render()).toBe('abcdef');
    expect(buf.readFrom(1)).toEqual({ text: 'bcdef', skipped: 0, next: 6 });
  });

  it('cutMiddle keeps a quarter from the start and the rest from the end', () => {
    expect(cutMiddle('short', 10)).toBe('short');
    const cut = cutMiddle('a'.repeat(50) + 'b'.repeat(50), 40);
    expect(cut.startsWith('a'.repeat(10) + '\n')).toBe(true);
    expect(cut.endsWith('b'.repeat(30))).toBe(true);
    expect(cut).toContain('60 characters cut');
  });
});
