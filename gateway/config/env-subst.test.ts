import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  effectiveEnv,
  resolveSecretInput,
  resolveSecretInputDetailed,
  substituteEnvVars,
} from './env-subst.js';

describe('substituteEnvVars', () => {
  it('replaces ${VAR} in every string, including arrays and nested objects', () => {
    const input = {
      a: 'x-${FOO}-${BAR}',
      list: ['${FOO}', 3],
      nested: { deep: { v: '${BAR}' } },
      n: 1,
    };
    const { value, issues } = substituteEnvVars(input, { FOO: 'foo', BAR: 'bar' });
    expect(issues).toEqual([]);
    expect(value).toEqual({
      a: 'x-foo-bar',
      list: ['foo', 3],
      nested: { deep: { v: 'bar' } },
      n: 1,
    });
    expect(input.a).toBe('x-${FOO}-${BAR}'); // input untouched
  });

  it('reports a missing (or empty) variable at its path without throwing', () => {
    const { value, issues } = substituteEnvVars(
      { gateway: { auth: { token: '${MISSING_TOKEN}' } }, list: ['ok', '${EMPTY}'] },
      { EMPTY: '' },
    );
    expect(issues.map((i) => i.path)).toEqual(['gateway.auth.token', 'list[1]']);
    expect(issues[0]?.message).toMatch(/MISSING_TOKEN is not set/);
    expect(value).toEqual({
      gateway: { auth: { token: '${MISSING_TOKEN}' } },
      list: ['ok', '${EMPTY}'],
    });
  });

  it('treats $${VAR} as an escape and ignores lower-case names', () => {
    const { value, issues } = substituteEnvVars(
      { a: 'cost $${PRICE} and ${PRICE}', b: '${lower} ${Mixed}' },
      { PRICE: '5' },
    );
    expect(issues).toEqual([]);
    expect(value).toEqual({ a: 'cost ${PRICE} and 5', b: '${lower} ${Mixed}' });
  });

  it('lets the config env block fill gaps without overriding the process env', () => {
    const parsed = { env: { FROM_BLOCK: 'block', SHARED: 'block', vars: { FROM_VARS: 'vars' } } };
    const env = effectiveEnv(parsed, { SHARED: 'process' });
    expect(env.FROM_BLOCK).toBe('block');
    expect(env.FROM_VARS).toBe('vars');
    expect(env.SHARED).toBe('process');
  });
});

describe('resolveSecretInput', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'oc-secret-'));
  });
  afterEach(async () => {
    await fs.rm(dir, { recursive: true, force: true });
  });

  it('resolves literals, env refs and file refs', async () => {
    const file = path.join(dir, 'token.txt');
    await fs.writeFile(file, '  s3cret\n');
    expect(resolveSecretInput('literal', {})).toBe('literal');
    expect(
      resolveSecretInput({ source: 'env', provider: 'default', id: 'TOK' }, { TOK: 'abc' }),
    ).toBe('abc');
    expect(resolveSecretInput({ source: 'file', provider: 'default', id: file }, {})).toBe(
      's3cret',
    );
    expect(resolveSecretInput(undefined, {})).toBeUndefined();
  });

  it('explains why a ref cannot be resolved', () => {
    expect(
      resolveSecretInputDetailed({ source: 'env', provider: 'default', id: 'NOPE' }, {}, 'x').issue
        ?.message,
    ).toMatch(/NOPE/);
    const exec = resolveSecretInputDetailed(
      { source: 'exec', provider: 'default', id: 'cat /etc/passwd' },
      {},
      'p',
    );
    expect(exec.value).toBeUndefined();
    expect(exec.issue).toEqual({
      path: 'p',
      message: expect.stringMatching(/"exec" is not supported/),
    });
    expect(
      resolveSecretInputDetailed({ source: 'file', provider: 'd', id: 'relative.txt' }, {}).issue
        ?.message,
    ).toMatch(/absolute/);
    expect(
      resolveSecretInputDetailed({ source: 'file', provider: 'd', id: path.join(dir, 'none') }, {})
        .issue?.message,
    ).toMatch(/ENOENT/);
  });
});
