/**
 * `agents.defaults.sandbox` as setup writes it: on, off again on a re-run without
 * OPENCLAW_SANDBOX (the user's other sandbox settings kept), and the whole re-run as run-setup
 * does it on the stack files: overlay removed, `.env` keys removed, mode off.
 */
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { hashConfigRaw } from '../../gateway/config/config-store.js';
import { readEnvFile, upsertEnvFile } from '../stack/env-file.js';
import { SANDBOX_COMPOSE_FILE, writeSandboxCompose } from '../stack/sandbox-compose.js';
import { composeFiles, prepareStackDir } from '../stack/stack-dir.js';
import { applySandboxSetting, withSandboxSetting } from './sandbox-config.js';
import { prepareSandbox, sandboxEnvUpdate } from './sandbox-step.js';

describe('withSandboxSetting', () => {
  it('turns the sandbox on over existing settings, keeping the rest of the document', () => {
    const doc = {
      gateway: { mode: 'local' },
      agents: {
        defaults: {
          model: { primary: 'openai/gpt-5' },
          sandbox: { mode: 'all', prune: { idleHours: 2 } },
        },
        list: [{ id: 'work', sandbox: { mode: 'all' } }],
      },
    };
    const next = withSandboxSetting(doc, true)!;
    expect(next).toEqual({
      gateway: { mode: 'local' },
      agents: {
        defaults: {
          model: { primary: 'openai/gpt-5' },
          sandbox: {
            mode: 'non-main',
            scope: 'agent',
            workspaceAccess: 'none',
            prune: { idleHours: 2 },
          },
        },
        list: [{ id: 'work', sandbox: { mode: 'all' } }],
      },
    });
    expect(doc.agents.defaults.sandbox.mode).toBe('all'); // input untouched
    expect(withSandboxSetting(next, true)).toBeNull();
  });

  it('writes the policy the app passes instead of the defaults, and keeps it on a re-run', () => {
    const policy = { mode: 'all', scope: 'session', workspaceAccess: 'rw' } as const;
    const doc = {
      agents: { defaults: { sandbox: { mode: 'off', docker: { image: 'my/sbx:1' } } } },
    };
    const next = withSandboxSetting(doc, true, policy)!;
    expect(next).toEqual({
      agents: {
        defaults: {
          sandbox: {
            mode: 'all',
            scope: 'session',
            workspaceAccess: 'rw',
            docker: { image: 'my/sbx:1' },
          },
        },
      },
    });
    expect(withSandboxSetting(next, true, policy)).toBeNull();
  });

  it('turns it off by mode only, and leaves a config without a sandbox alone', () => {
    const on = {
      agents: {
        defaults: {
          sandbox: { mode: 'non-main', scope: 'session', docker: { image: 'my/sbx:1' } },
        },
      },
    };
    expect(withSandboxSetting(on, false)).toEqual({
      agents: {
        defaults: { sandbox: { mode: 'off', scope: 'session', docker: { image: 'my/sbx:1' } } },
      },
    });
    expect(withSandboxSetting({ agents: { defaults: {} } }, false)).toBeNull();
    expect(withSandboxSetting({}, false)).toBeNull();
    expect(
      withSandboxSetting({ agents: { defaults: { sandbox: { mode: 'off' } } } }, false),
    ).toBeNull();
  });
});

describe('applySandboxSetting and the re-run without OPENCLAW_SANDBOX', () => {
  let root: string;
  let configDir: string;
  let stackDir: string;
  const configPath = () => path.join(configDir, 'openclaw.json');
  const readConfig = async () => JSON.parse(await fs.readFile(configPath(), 'utf8')) as unknown;

  beforeEach(async () => {
    root = await fs.mkdtemp(path.join(os.tmpdir(), 'oc-sandbox-config-'));
    configDir = path.join(root, 'config');
    stackDir = path.join(root, 'stack');
    await fs.mkdir(configDir, { recursive: true });
    await prepareStackDir(stackDir);
  });
  afterEach(async () => {
    await fs.rm(root, { recursive: true, force: true });
  });

  it('writes through the store (validated, backed up) and reports no change when there is none', async () => {
    const raw = '{ // mine\n gateway: { mode: "local" } }\n';
    await fs.writeFile(configPath(), raw);
    expect(await applySandboxSetting(configDir, false)).toBe('unchanged');
    expect(await fs.readFile(configPath(), 'utf8')).toBe(raw); // comments kept: not rewritten
    expect(await applySandboxSetting(configDir, true)).toBe('enabled');
    expect(await readConfig()).toEqual({
      gateway: { mode: 'local' },
      agents: {
        defaults: { sandbox: { mode: 'non-main', scope: 'agent', workspaceAccess: 'none' } },
      },
    });
    expect(hashConfigRaw(await fs.readFile(`${configPath()}.bak`, 'utf8'))).toBe(
      hashConfigRaw(raw),
    );
    expect(await applySandboxSetting(configDir, true)).toBe('unchanged');
  });

  it('refuses a config it cannot parse, saying how to fix it', async () => {
    await fs.writeFile(configPath(), '{ gateway: ');
    await expect(applySandboxSetting(configDir, true)).rejects.toMatchObject({
      code: 'CONFIG_INVALID',
      message: expect.stringContaining('run setup again'),
    });
  });

  it('a run with OPENCLAW_SANDBOX=1 then one without: overlay, .env keys and mode follow', async () => {
    const envFile = path.join(stackDir, '.env');
    await fs.writeFile(configPath(), '{}\n');
    await upsertEnvFile(envFile, { OPENCLAW_GATEWAY_PORT: '18789' });
    // The steps run-setup takes, in its order (darwin: no socket on this test machine needed).
    const run = async (env: Record<string, string>) => {
      const plan = await prepareSandbox(env, 'darwin');
      const update = sandboxEnvUpdate(plan, await readEnvFile(envFile));
      await upsertEnvFile(envFile, update.values, { remove: update.remove });
      await writeSandboxCompose(stackDir, plan);
      await applySandboxSetting(configDir, plan.enabled);
      return update;
    };

    const first = await run({ OPENCLAW_SANDBOX: '1' });
    expect(first.secretGenerated).toBe(true);
    const secret = (await readEnvFile(envFile)).get('OPENCLAW_SANDBOXD_SECRET');
    expect(secret).toMatch(/^[0-9a-f]{64}$/);
    expect(await composeFiles(stackDir)).toContain(path.join(stackDir, SANDBOX_COMPOSE_FILE));
    // The user tunes the sandbox meanwhile; a second enabled run keeps the secret and the tuning.
    const tuned = (await readConfig()) as {
      agents: { defaults: { sandbox: Record<string, unknown> } };
    };
    tuned.agents.defaults.sandbox.docker = { memory: '1g' };
    await fs.writeFile(configPath(), JSON.stringify(tuned));
    const second = await run({ OPENCLAW_SANDBOX: 'yes' });
    expect(second.secretGenerated).toBe(false);
    expect((await readEnvFile(envFile)).get('OPENCLAW_SANDBOXD_SECRET')).toBe(secret);

    await run({});
    const env = await readEnvFile(envFile);
    expect(env.has('OPENCLAW_SANDBOX')).toBe(false);
    expect(env.has('OPENCLAW_SANDBOXD_SECRET')).toBe(false);
    expect(env.get('OPENCLAW_GATEWAY_PORT')).toBe('18789');
    expect(await composeFiles(stackDir)).toEqual([path.join(stackDir, 'docker-compose.yml')]);
    expect(await readConfig()).toEqual({
      agents: {
        defaults: {
          sandbox: {
            mode: 'off',
            scope: 'agent',
            workspaceAccess: 'none',
            docker: { memory: '1g' },
          },
        },
      },
    });
  });

  it('refuses a missing Docker socket on Linux before anything is written', async () => {
    await expect(
      prepareSandbox(
        { OPENCLAW_SANDBOX: '1', OPENCLAW_DOCKER_SOCKET: path.join(root, 'no.sock') },
        'linux',
      ),
    ).rejects.toMatchObject({
      code: 'INVALID_ARGUMENT',
      message: expect.stringContaining('OPENCLAW_DOCKER_SOCKET'),
    });
    await expect(
      prepareSandbox({ OPENCLAW_SANDBOX: '1', OPENCLAW_DOCKER_SOCKET: 'relative.sock' }, 'linux'),
    ).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    expect(await prepareSandbox({ OPENCLAW_SANDBOX: '0' }, 'linux')).toMatchObject({
      enabled: false,
    });
    expect(await prepareSandbox({ OPENCLAW_SANDBOX: '1' }, 'darwin')).toEqual({
      enabled: true,
      socket: '/var/run/docker.sock',
      socketGid: 0,
    });
  });
});
