import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isOpenClawError } from '../../gateway/infra/errors.js';
import { resolveSetupToken } from './token.js';

let dir: string;
let configPath: string;
let envFilePath: string;
beforeEach(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'openclaw-token-'));
  configPath = path.join(dir, 'config', 'openclaw.json');
  envFilePath = path.join(dir, '.env');
  await fs.mkdir(path.dirname(configPath));
});
afterEach(async () => {
  await fs.rm(dir, { recursive: true, force: true });
});

const CONFIG_TOKEN = 'config-token-0123456789abcdef';
const ENV_FILE_TOKEN = 'envfile-token-0123456789abcdef';
const ENV_TOKEN = 'env-token-0123456789abcdef';

async function writeConfig(token: unknown): Promise<void> {
  // JSON5, as users write it: comments and unquoted keys.
  await fs.writeFile(
    configPath,
    `// mine\n{ gateway: { mode: 'local', auth: { mode: 'token', token: ${JSON.stringify(token)} } } }\n`,
  );
}

async function writeEnvFile(token: string): Promise<void> {
  await fs.writeFile(
    envFilePath,
    `OPENCLAW_GATEWAY_TOKEN=stale\nOTHER=1\nOPENCLAW_GATEWAY_TOKEN=${token}\n`,
  );
}

describe('resolveSetupToken precedence', () => {
  it('env beats config and .env', async () => {
    await writeConfig(CONFIG_TOKEN);
    await writeEnvFile(ENV_FILE_TOKEN);
    expect(
      await resolveSetupToken({
        env: { OPENCLAW_GATEWAY_TOKEN: ` ${ENV_TOKEN} ` },
        configPath,
        envFilePath,
      }),
    ).toEqual({
      token: ENV_TOKEN,
      source: 'env',
    });
  });

  it('config beats .env', async () => {
    await writeConfig(` ${CONFIG_TOKEN} `);
    await writeEnvFile(ENV_FILE_TOKEN);
    expect(
      await resolveSetupToken({ env: { OPENCLAW_GATEWAY_TOKEN: '' }, configPath, envFilePath }),
    ).toEqual({
      token: CONFIG_TOKEN,
      source: 'config',
    });
  });

  it('uses the last .env assignment when config has no literal token', async () => {
    await writeConfig('${OPENCLAW_GATEWAY_TOKEN}');
    await writeEnvFile(ENV_FILE_TOKEN);
    expect(await resolveSetupToken({ env: {}, configPath, envFilePath })).toEqual({
      token: ENV_FILE_TOKEN,
      source: 'env-file',
    });
  });

  it('skips a non-string token and an unparsable config', async () => {
    await writeEnvFile(ENV_FILE_TOKEN);
    await writeConfig({ source: 'env', id: 'X' });
    expect((await resolveSetupToken({ env: {}, configPath, envFilePath })).source).toBe('env-file');
    await fs.writeFile(configPath, '{ gateway: ');
    expect((await resolveSetupToken({ env: {}, configPath, envFilePath })).source).toBe('env-file');
  });

  it('generates 32 random bytes as hex when nothing exists', async () => {
    const a = await resolveSetupToken({ env: {}, configPath, envFilePath });
    const b = await resolveSetupToken({ env: {}, configPath, envFilePath });
    expect(a.source).toBe('generated');
    expect(a.token).toMatch(/^[0-9a-f]{64}$/);
    expect(b.token).not.toBe(a.token);
  });

  it('refuses an existing token that cannot go into .env instead of silently replacing it', async () => {
    await writeConfig('has space and $dollar');
    const err = await resolveSetupToken({ env: {}, configPath, envFilePath }).catch(
      (e: unknown) => e,
    );
    expect(isOpenClawError(err, 'STACK_INPUT_INVALID')).toBe(true);
    expect((err as Error).message).toMatch(/gateway\.auth\.token in .*openclaw\.json/);
    expect((err as Error).message).not.toContain('has space');
  });
});
