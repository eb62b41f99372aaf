import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isOpenClawError } from '../infra/errors.js';
import {
  getConfigValue,
  hashConfigRaw,
  loadConfigSnapshot,
  patchConfig,
  REDACTED_PLACEHOLDER,
  redactConfigForClient,
  restoreRedactedSecrets,
  setConfigValue,
  unsetConfigValue,
  writeConfigRaw,
} from './config-store.js';

let dir: string;
let paths: { configPath: string };
const env = { OPENCLAW_TEST_TOKEN: 'tok-from-env' };

beforeEach(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'oc-config-'));
  paths = { configPath: path.join(dir, 'state', 'openclaw.json') };
});

afterEach(async () => {
  await fs.rm(dir, { recursive: true, force: true });
});

async function readConfigFile(): Promise<string> {
  return fs.readFile(paths.configPath, 'utf8');
}

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (err) {
    return err;
  }
  throw new Error('expected the promise to reject');
}

describe('loadConfigSnapshot', () => {
  it('treats a missing file as valid defaults with a null hash', async () => {
    const snap = await loadConfigSnapshot(paths, env);
    expect(snap).toMatchObject({
      exists: false,
      raw: null,
      valid: true,
      issues: [],
      hash: null,
      config: {},
    });
  });

  it('reads JSON5 with comments and trailing commas and substitutes ${VAR}', async () => {
    const raw = `// my gateway
{
  gateway: {
    mode: 'local', /* inline */
    port: 18790,
    auth: { token: '\${OPENCLAW_TEST_TOKEN}', },
  },
}
`;
    await fs.mkdir(path.dirname(paths.configPath), { recursive: true });
    await fs.writeFile(paths.configPath, raw);
    const snap = await loadConfigSnapshot(paths, env);
    expect(snap.valid).toBe(true);
    expect(snap.hash).toBe(hashConfigRaw(raw));
    expect(snap.parsed).toEqual({
      gateway: { mode: 'local', port: 18790, auth: { token: '${OPENCLAW_TEST_TOKEN}' } },
    });
    expect(snap.config.gateway?.auth?.token).toBe('tok-from-env');
    expect(Object.isFrozen(snap.config.gateway)).toBe(true);
  });

  it('turns a syntax error into one issue with line and column', async () => {
    await fs.mkdir(path.dirname(paths.configPath), { recursive: true });
    await fs.writeFile(paths.configPath, '{\n  gateway: {\n    port: ,\n  },\n}\n');
    const snap = await loadConfigSnapshot(paths, env);
    expect(snap.valid).toBe(false);
    expect(snap.hash).not.toBeNull();
    expect(snap.issues).toEqual([
      { path: '', message: expect.stringMatching(/^JSON5 syntax error at line 3, column 11: /) },
    ]);
  });

  it('reports a missing variable as an issue at its path', async () => {
    await fs.mkdir(path.dirname(paths.configPath), { recursive: true });
    await fs.writeFile(
      paths.configPath,
      '{ gateway: { auth: { password: "${NOT_SET_ANYWHERE}" } } }',
    );
    const snap = await loadConfigSnapshot(paths, env);
    expect(snap.valid).toBe(false);
    expect(snap.issues).toEqual([
      { path: 'gateway.auth.password', message: expect.stringMatching(/NOT_SET_ANYWHERE/) },
    ]);
  });
});

describe('writeConfigRaw', () => {
  it('writes with mode 0600 in a 0700 directory and keeps comments', async () => {
    const raw = '// keep me\n{ gateway: { mode: "local" } }\n';
    const snap = await writeConfigRaw(paths, raw, { env, baseHash: null });
    expect(snap.hash).toBe(hashConfigRaw(raw));
    expect(await readConfigFile()).toBe(raw);
    expect((await fs.stat(paths.configPath)).mode & 0o777).toBe(0o600);
    expect((await fs.stat(path.dirname(paths.configPath))).mode & 0o777).toBe(0o700);
  });

  it('refuses an invalid config and leaves the file unchanged', async () => {
    const good = '{ gateway: { mode: "local" } }';
    await writeConfigRaw(paths, good, { env });
    const err = await rejection(
      writeConfigRaw(paths, '{ gateway: { mode: "nope", port: 0 }, extra: 1 }', { env }),
    );
    expect(isOpenClawError(err, 'CONFIG_INVALID')).toBe(true);
    const issues = (err as { details?: { issues?: { path: string }[] } }).details?.issues ?? [];
    expect(issues.map((i) => i.path).sort()).toEqual(['extra', 'gateway.mode', 'gateway.port']);
    expect(
      isOpenClawError(
        await rejection(writeConfigRaw(paths, '{ broken', { env })),
        'CONFIG_INVALID',
      ),
    ).toBe(true);
    expect(await readConfigFile()).toBe(good);
    await expect(fs.access(`${paths.configPath}.bak`)).rejects.toThrow();
  });

  it('refuses a stale baseHash with CONFIG_CONFLICT', async () => {
    const first = await writeConfigRaw(paths, '{ gateway: { port: 1000 } }', {
      env,
      baseHash: null,
    });
    await writeConfigRaw(paths, '{ gateway: { port: 2000 } }', { env, baseHash: first.hash });
    const err = await rejection(
      writeConfigRaw(paths, '{ gateway: { port: 3000 } }', { env, baseHash: first.hash }),
    );
    expect(isOpenClawError(err, 'CONFIG_CONFLICT')).toBe(true);
    expect((err as Error).message).toBe('config changed since you loaded it; reload and retry');
    // null means "I expect no file": also a conflict once the file exists.
    expect(
      isOpenClawError(
        await rejection(writeConfigRaw(paths, '{}', { env, baseHash: null })),
        'CONFIG_CONFLICT',
      ),
    ).toBe(true);
    expect(await readConfigFile()).toBe('{ gateway: { port: 2000 } }');
  });

  it('keeps a ring of three backups, newest in .bak', async () => {
    for (let port = 1; port <= 5; port += 1)
      await writeConfigRaw(paths, `{ gateway: { port: ${port} } }`, { env });
    const read = (suffix: string) => fs.readFile(`${paths.configPath}${suffix}`, 'utf8');
    expect(await read('')).toBe('{ gateway: { port: 5 } }');
    expect(await read('.bak')).toBe('{ gateway: { port: 4 } }');
    expect(await read('.bak.1')).toBe('{ gateway: { port: 3 } }');
    expect(await read('.bak.2')).toBe('{ gateway: { port: 2 } }');
    await expect(fs.access(`${paths.configPath}.bak.3`)).rejects.toThrow();
    expect((await fs.stat(`${paths.configPath}.bak`)).mode & 0o777).toBe(0o600);
    // Rewriting identical content is a no-op: the ring does not rotate.
    await writeConfigRaw(paths, '{ gateway: { port: 5 } }', { env });
    expect(await read('.bak')).toBe('{ gateway: { port: 4 } }');
  });

  it('copies an unparsable file aside before replacing it', async () => {
    await fs.mkdir(path.dirname(paths.configPath), { recursive: true });
    await fs.writeFile(paths.configPath, '{ half written');
    await writeConfigRaw(paths, '{}', { env });
    const names = await fs.readdir(path.dirname(paths.configPath));
    const clobbered = names.filter((n) => n.startsWith('openclaw.json.clobbered-'));
    expect(clobbered).toHaveLength(1);
    expect(
      await fs.readFile(path.join(path.dirname(paths.configPath), clobbered[0] as string), 'utf8'),
    ).toBe('{ half written');
    expect(names).not.toContain('openclaw.json.bak');
    expect(await readConfigFile()).toBe('{}');
  });
});

describe('patchConfig / setConfigValue / unsetConfigValue', () => {
  it('applies a merge patch where null deletes, on the un-substituted document', async () => {
    await writeConfigRaw(
      paths,
      '{ gateway: { mode: "local", port: 1234, auth: { token: "${OPENCLAW_TEST_TOKEN}" } }, tools: { profile: "full" } }',
      { env },
    );
    const snap = await patchConfig(
      paths,
      { gateway: { port: null, bind: 'lan' }, tools: null },
      { env },
    );
    expect(snap.parsed).toEqual({
      gateway: { mode: 'local', bind: 'lan', auth: { token: '${OPENCLAW_TEST_TOKEN}' } },
    });
    expect(snap.config.gateway?.auth?.token).toBe('tok-from-env');
    expect(JSON.parse(await readConfigFile())).toEqual(snap.parsed);
  });

  it('validates patches and honours baseHash', async () => {
    const first = await writeConfigRaw(paths, '{ gateway: { mode: "local" } }', { env });
    const bad = await rejection(patchConfig(paths, { gateway: { bind: '0.0.0.0' } }, { env }));
    expect(isOpenClawError(bad, 'CONFIG_INVALID')).toBe(true);
    expect((bad as Error).message).toMatch(/gateway.bind: .*use "lan"/);
    await patchConfig(paths, { gateway: { port: 1 } }, { env, baseHash: first.hash });
    expect(
      isOpenClawError(
        await rejection(
          patchConfig(paths, { gateway: { port: 2 } }, { env, baseHash: first.hash }),
        ),
        'CONFIG_CONFLICT',
      ),
    ).toBe(true);
    expect(
      isOpenClawError(await rejection(patchConfig(paths, [1], { env })), 'INVALID_ARGUMENT'),
    ).toBe(true);
  });

  it('leaves the file (and its comments) alone when a patch changes nothing', async () => {
    const raw = '// comment\n{ gateway: { mode: "local" } }';
    await writeConfigRaw(paths, raw, { env });
    await patchConfig(paths, { gateway: { mode: 'local' } }, { env });
    expect(await readConfigFile()).toBe(raw);
  });

  it('sets and unsets dotted paths with array indexes', async () => {
    await setConfigValue(paths, 'agents.list[0].id', 'main', { env });
    await setConfigValue(paths, 'agents.list.0.name', 'Main agent', { env });
    let snap = await setConfigValue(
      paths,
      'gateway.controlUi.allowedOrigins',
      ['http://localhost:1'],
      { env },
    );
    expect(snap.parsed).toEqual({
      agents: { list: [{ id: 'main', name: 'Main agent' }] },
      gateway: { controlUi: { allowedOrigins: ['http://localhost:1'] } },
    });
    expect(getConfigValue(snap.config, 'agents.list[0].name')).toBe('Main agent');
    expect(getConfigValue(snap.config, 'gateway.nothing')).toBeUndefined();
    const err = await rejection(setConfigValue(paths, 'gateway.port', 'not-a-port', { env }));
    expect(isOpenClawError(err, 'CONFIG_INVALID')).toBe(true);
    snap = await unsetConfigValue(paths, 'agents.list[0].name', { env });
    expect(snap.parsed).toMatchObject({ agents: { list: [{ id: 'main' }] } });
    const before = snap.hash;
    expect((await unsetConfigValue(paths, 'no.such.key', { env })).hash).toBe(before);
  });

  it('refuses key-by-key edits of an unparsable file', async () => {
    await fs.mkdir(path.dirname(paths.configPath), { recursive: true });
    await fs.writeFile(paths.configPath, '{ nope');
    expect(
      isOpenClawError(await rejection(patchConfig(paths, { a: 1 }, { env })), 'CONFIG_INVALID'),
    ).toBe(true);
    expect(await readConfigFile()).toBe('{ nope');
  });
});

describe('redaction', () => {
  const doc = {
    gateway: {
      auth: {
        mode: 'token',
        token: 'gw-secret',
        password: { source: 'env', provider: 'default', id: 'PW' },
      },
      remote: { token: '${REMOTE_TOKEN}' },
    },
    channels: {
      telegram: { botToken: '123:abc', accounts: { work: { botToken: '456:def' } } },
      slack: { appToken: 'xapp', signingSecret: 'sig' },
    },
    models: {
      providers: {
        openai: { apiKey: 'sk-1', timeoutSeconds: 60, headers: { Authorization: 'Bearer x' } },
      },
    },
    env: { OPENAI_API_KEY: 'sk-2' },
    hooks: { tokenFile: '/run/secrets/hooks' },
  };

  it('hides secret values but keeps refs, env references, counts and paths', () => {
    const red = redactConfigForClient(doc);
    expect(red.gateway.auth.token).toBe(REDACTED_PLACEHOLDER);
    expect(red.gateway.auth.password).toEqual({ source: 'env', provider: 'default', id: 'PW' });
    expect(red.gateway.remote.token).toBe('${REMOTE_TOKEN}');
    expect(red.channels.telegram.botToken).toBe(REDACTED_PLACEHOLDER);
    expect(red.channels.telegram.accounts.work.botToken).toBe(REDACTED_PLACEHOLDER);
    expect(red.channels.slack).toEqual({
      appToken: REDACTED_PLACEHOLDER,
      signingSecret: REDACTED_PLACEHOLDER,
    });
    expect(red.models.providers.openai).toEqual({
      apiKey: REDACTED_PLACEHOLDER,
      timeoutSeconds: 60,
      headers: { Authorization: REDACTED_PLACEHOLDER },
    });
    expect(red.env.OPENAI_API_KEY).toBe(REDACTED_PLACEHOLDER);
    expect(red.hooks.tokenFile).toBe('/run/secrets/hooks');
    expect(JSON.stringify(red)).not.toMatch(/gw-secret|123:abc|sk-1|sk-2|xapp/);
    expect(doc.gateway.auth.token).toBe('gw-secret');
  });

  it('round-trips a redacted document through a client without losing secrets', async () => {
    const withRemote = { ...env, REMOTE_TOKEN: 'remote' };
    await writeConfigRaw(paths, JSON.stringify(doc), { env: withRemote });
    const loaded = await loadConfigSnapshot(paths, withRemote);
    const edited = redactConfigForClient(loaded.parsed) as typeof doc;
    edited.channels.telegram.accounts.work.botToken = 'new-token'; // the user changed one secret
    (edited.gateway.auth as Record<string, unknown>).mode = 'token';
    const restored = restoreRedactedSecrets(edited, loaded.parsed);
    const saved = await writeConfigRaw(paths, JSON.stringify(restored), {
      env: withRemote,
      baseHash: loaded.hash,
    });
    expect(saved.parsed).toEqual({
      ...doc,
      channels: {
        ...doc.channels,
        telegram: { botToken: '123:abc', accounts: { work: { botToken: 'new-token' } } },
      },
    });
  });

  it('refuses a placeholder that has no stored secret behind it', () => {
    expect(() =>
      restoreRedactedSecrets(
        { gateway: { auth: { password: REDACTED_PLACEHOLDER } } },
        { gateway: {} },
      ),
    ).toThrow(/gateway.auth.password/);
  });
});
