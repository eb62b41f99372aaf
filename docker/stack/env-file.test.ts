import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isOpenClawError } from '../../gateway/infra/errors.js';
import {
  checkEnvValue,
  MANAGED_ENV_KEYS,
  parseEnvText,
  readEnvFile,
  stackEnvValues,
  upsertEnvFile,
  upsertEnvText,
} from './env-file.js';
import { parseSetupInputs } from './inputs.js';

let dir: string;
beforeEach(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'openclaw env file '));
});
afterEach(async () => {
  await fs.rm(dir, { recursive: true, force: true });
});

describe('upsertEnvText', () => {
  const existing = [
    '# my settings',
    'FOO=bar',
    '',
    'OPENCLAW_GATEWAY_PORT=1',
    '  # indented comment mentioning OPENCLAW_IMAGE=x',
    'export OPENCLAW_IMAGE=old',
    'OPENCLAW_GATEWAY_PORT=2',
    'ZED="quoted value"',
    '',
  ].join('\n');

  it('replaces in place, drops later duplicates, appends the rest and keeps everything else', () => {
    const next = upsertEnvText(existing, {
      OPENCLAW_GATEWAY_PORT: '18789',
      OPENCLAW_IMAGE: 'openclaw:local',
      NEW_KEY: 'v',
    });
    expect(next).toBe(
      [
        '# my settings',
        'FOO=bar',
        '',
        'OPENCLAW_GATEWAY_PORT=18789',
        '  # indented comment mentioning OPENCLAW_IMAGE=x',
        'OPENCLAW_IMAGE=openclaw:local',
        'ZED="quoted value"',
        'NEW_KEY=v',
        '',
      ].join('\n'),
    );
  });

  it('is idempotent', () => {
    const values = { OPENCLAW_GATEWAY_PORT: '18789', A: 'x y', B: '' };
    const once = upsertEnvText(existing, values);
    expect(upsertEnvText(once, values)).toBe(once);
  });

  it('keeps CRLF files CRLF and adds a final newline', () => {
    expect(upsertEnvText('A=1\r\nB=2', { B: '3', C: '4' })).toBe('A=1\r\nB=3\r\nC=4\r\n');
    expect(upsertEnvText('', { A: '1' })).toBe('A=1\n');
  });

  it.each([
    ['line break', '/a\nB=1'],
    ['carriage return', '/a\rB'],
    ['dollar', '/a/$HOME'],
    ['hash', '/a#b'],
    ['leading quote', '"/a"'],
    ['leading blank', ' /a'],
    ['trailing blank', '/a '],
    ['NUL', 'a\u0000'],
  ])('refuses a value with a %s', (_what, value) => {
    expect(checkEnvValue(value)).toBeDefined();
    expect(() => upsertEnvText('', { K: value })).toThrowError(/Cannot write K to \.env/);
  });

  it('allows spaces, backslashes, colons, commas and inner quotes', () => {
    for (const v of ['C:\\Users\\Jane Doe\\.openclaw', '/a b:/c d:ro,/e:/f', "it's", ''])
      expect(checkEnvValue(v)).toBeUndefined();
  });

  it('refuses bad keys', () => {
    expect(() => upsertEnvText('', { 'A B': '1' })).toThrowError(/Invalid \.env key/);
  });
});

describe('parseEnvText', () => {
  it('reads what upstream and we write, last assignment winning', () => {
    const values = parseEnvText(
      [
        '# c',
        'A=1',
        'A=2',
        'export B=x y',
        'C="quoted # not a comment"',
        "D='single'",
        'E=value # comment',
        'F=',
        'G=C:\\Users\\x',
        'H=a\r',
      ].join('\n'),
    );
    expect(Object.fromEntries(values)).toEqual({
      A: '2',
      B: 'x y',
      C: 'quoted # not a comment',
      D: 'single',
      E: 'value',
      F: '',
      G: 'C:\\Users\\x',
      H: 'a',
    });
  });
});

describe('upsertEnvFile', () => {
  it('creates the file with mode 0600, then updates it preserving foreign lines', async () => {
    const file = path.join(dir, '.env');
    expect(await upsertEnvFile(file, { A: '1' })).toEqual({ changed: true });
    await fs.appendFile(file, '# mine\nMINE=keep\n');
    expect(await upsertEnvFile(file, { A: '2', B: 'with space' })).toEqual({ changed: true });
    expect(await fs.readFile(file, 'utf8')).toBe('A=2\n# mine\nMINE=keep\nB=with space\n');
    expect(await upsertEnvFile(file, { A: '2', B: 'with space' })).toEqual({ changed: false });
    if (process.platform !== 'win32') expect((await fs.stat(file)).mode & 0o777).toBe(0o600);
    expect(Object.fromEntries(await readEnvFile(file))).toEqual({
      A: '2',
      MINE: 'keep',
      B: 'with space',
    });
    // no temp or lock files left behind
    expect((await fs.readdir(dir)).sort()).toEqual(['.env']);
  });

  it.skipIf(process.platform === 'win32')(
    'tightens an existing world-readable .env (it holds the token)',
    async () => {
      const file = path.join(dir, '.env');
      await fs.writeFile(file, 'X=1\n', { mode: 0o644 });
      await fs.chmod(file, 0o644);
      await upsertEnvFile(file, { OPENCLAW_GATEWAY_TOKEN: 'abc' });
      expect((await fs.stat(file)).mode & 0o777).toBe(0o600);
    },
  );

  it('writes nothing when any value is refused', async () => {
    const file = path.join(dir, '.env');
    await fs.writeFile(file, 'A=1\n');
    const err = await upsertEnvFile(file, { A: '2', B: 'x\ny' }).catch((e: unknown) => e);
    expect(isOpenClawError(err, 'STACK_INPUT_INVALID')).toBe(true);
    expect(await fs.readFile(file, 'utf8')).toBe('A=1\n');
  });

  it('reads a missing file as empty', async () => {
    expect((await readEnvFile(path.join(dir, 'nope'))).size).toBe(0);
  });
});

describe('stackEnvValues', () => {
  it('writes every managed key, in order, and round-trips through parseSetupInputs', () => {
    const parsed = parseSetupInputs(
      {
        OPENCLAW_CONFIG_DIR: '/srv/my config',
        OPENCLAW_EXTRA_MOUNTS: 'C:\\data x:/data:ro,/srv/b:/b',
        OPENCLAW_HOME_VOLUME: 'home-vol',
        OPENCLAW_DOCKER_APT_PACKAGES: 'git jq',
        OPENCLAW_GATEWAY_PORT: '19000',
        OPENCLAW_GATEWAY_PUBLISH_ADDRESS: '0.0.0.0',
      },
      { homeDir: '/home/me' },
    );
    if (!parsed.ok) throw new Error(JSON.stringify(parsed.errors));
    const values = stackEnvValues(parsed.value, 'f'.repeat(64));
    expect(Object.keys(values)).toEqual([...MANAGED_ENV_KEYS]);
    expect(values).toMatchObject({
      COMPOSE_PROJECT_NAME: 'openclaw',
      OPENCLAW_CONFIG_DIR: '/srv/my config',
      OPENCLAW_WORKSPACE_DIR: '/srv/my config/workspace',
      OPENCLAW_GATEWAY_PORT: '19000',
      OPENCLAW_GATEWAY_PUBLISH_ADDRESS: '0.0.0.0',
      OPENCLAW_GATEWAY_BIND: 'lan',
      OPENCLAW_GATEWAY_TOKEN: 'f'.repeat(64),
      OPENCLAW_IMAGE: 'openclaw:local',
      OPENCLAW_EXTRA_MOUNTS: 'C:\\data x:/data:ro,/srv/b:/b',
      OPENCLAW_HOME_VOLUME: 'home-vol',
      OPENCLAW_DOCKER_APT_PACKAGES: 'git jq',
    });
    const text = upsertEnvText('', values);
    const reparsed = parseSetupInputs(Object.fromEntries(parseEnvText(text)), {
      homeDir: '/home/me',
    });
    expect(reparsed.ok && reparsed.value).toEqual({
      ...parsed.value,
      gatewayToken: 'f'.repeat(64),
    });
  });
});
