import { describe, expect, it } from 'vitest';
import { resolveGatewaySettings, validateConfig } from './config-schema.js';

function paths(issues: { path: string }[]): string[] {
  return issues.map((i) => i.path).sort();
}

describe('validateConfig', () => {
  it('accepts an empty object and a typical local config', () => {
    expect(validateConfig({})).toEqual({ ok: true, config: {}, issues: [] });
    const result = validateConfig({
      $schema: 'https://example.invalid/schema.json',
      gateway: {
        mode: 'local',
        port: 18789,
        bind: 'lan',
        auth: {
          mode: 'token',
          token: { source: 'env', provider: 'default', id: 'OPENCLAW_GATEWAY_TOKEN' },
        },
        controlUi: { allowedOrigins: ['http://localhost:18789', 'https://example.com:443/'] },
        trustedProxies: ['10.0.0.0/8', '::1', '192.168.1.1'],
        reload: { mode: 'hot', debounceMs: 100 },
      },
      agents: {
        defaults: {
          workspace: '~/.openclaw/workspace',
          model: { primary: 'anthropic/x', fallbacks: ['openai/y'] },
        },
        list: [
          { id: 'main', default: true, identity: { name: 'Claw', emoji: '🦞' } },
          { id: 'work', model: 'openai/gpt-4.1' },
        ],
      },
      tools: { profile: 'coding', deny: ['exec'] },
      channels: { telegram: { botToken: 'x' } },
      bindings: [{ agentId: 'work' }],
      logging: { level: 'debug', redactSensitive: 'tools' },
      wizard: { lastRunAt: '2026-01-01T00:00:00.000Z', lastRunMode: 'local' },
    });
    expect(result.issues).toEqual([]);
    expect(result.ok).toBe(true);
    // Origins are normalised the way browsers send them.
    expect(result.config.gateway?.controlUi?.allowedOrigins).toEqual([
      'http://localhost:18789',
      'https://example.com',
    ]);
    expect(result.config.agents?.list?.map((a) => a.id)).toEqual(['main', 'work']);
  });

  it('lists every problem with its dotted path, not just the first', () => {
    const result = validateConfig({
      gateway: {
        mode: 'cloud',
        port: 70000,
        auth: { mode: 'magic', token: 42, rateLimit: { maxAttempts: 0, exemptLoopback: 'yes' } },
        controlUi: { allowedOrigins: ['http://ok:1', 'ftp://bad', 'http://host/path'] },
        trustedProxies: ['10.0.0.0/33', 'proxy.local'],
        reload: { mode: 'sometimes' },
      },
      logging: { level: 'verbose' },
      agents: { list: [{ id: 'bad id!' }, { name: 'no id' }] },
    });
    expect(result.ok).toBe(false);
    expect(paths(result.issues)).toEqual(
      [
        'gateway.mode',
        'gateway.port',
        'gateway.auth.mode',
        'gateway.auth.token',
        'gateway.auth.rateLimit.maxAttempts',
        'gateway.auth.rateLimit.exemptLoopback',
        'gateway.controlUi.allowedOrigins[1]',
        'gateway.controlUi.allowedOrigins[2]',
        'gateway.trustedProxies[0]',
        'gateway.trustedProxies[1]',
        'gateway.reload.mode',
        'logging.level',
        'agents.list[0].id',
        'agents.list[1].id',
      ].sort(),
    );
    const byPath = new Map(result.issues.map((i) => [i.path, i.message]));
    expect(byPath.get('gateway.mode')).toMatch(/"local", "remote"/);
    expect(byPath.get('gateway.port')).toMatch(/between 1 and 65535/);
    expect(byPath.get('gateway.auth.mode')).toMatch(/"none", "token", "password", "trusted-proxy"/);
    expect(byPath.get('gateway.auth.token')).toMatch(/string or a SecretRef/);
    expect(byPath.get('agents.list[1].id')).toBe('is required');
    // Invalid values are left out of the validated config; valid neighbours stay.
    expect(result.config.gateway?.port).toBeUndefined();
    expect(result.config.gateway?.controlUi?.allowedOrigins).toEqual(['http://ok:1']);
    expect(result.config.agents?.list).toEqual([]);
  });

  it('rejects unknown keys everywhere except $schema at the root, with a suggestion', () => {
    const result = validateConfig({
      $schema: 'x',
      gatewy: {},
      gateway: { auth: { Token: 'abc' }, controlUi: { extra: true } },
      agents: { list: [{ id: 'main', colour: 'red' }] },
    });
    expect(paths(result.issues)).toEqual(
      ['gatewy', 'gateway.auth.Token', 'gateway.controlUi.extra', 'agents.list[0].colour'].sort(),
    );
    const tokenIssue = result.issues.find((i) => i.path === 'gateway.auth.Token');
    expect(tokenIssue?.message).toMatch(/unknown key "Token" \(did you mean "token"\?\)/);
    expect(tokenIssue?.message).toMatch(/allowed keys: mode, token, password/);
    expect(validateConfig({ $schema: 'x' }).ok).toBe(true);
    expect(validateConfig({ gateway: { $schema: 'x' } }).issues[0]?.path).toBe('gateway.$schema');
  });

  it('explains host aliases for bind and requires customBindHost for custom', () => {
    const lan = validateConfig({ gateway: { bind: '0.0.0.0' } });
    expect(lan.issues[0]?.message).toMatch(/use "lan"/);
    const loop = validateConfig({ gateway: { bind: 'localhost' } });
    expect(loop.issues[0]?.message).toMatch(/use "loopback"/);
    const custom = validateConfig({ gateway: { bind: 'custom' } });
    expect(custom.issues).toEqual([
      { path: 'gateway.customBindHost', message: 'is required when bind is "custom"' },
    ]);
    expect(validateConfig({ gateway: { bind: 'custom', customBindHost: '10.1.2.3' } }).ok).toBe(
      true,
    );
    expect(validateConfig({ gateway: { customBindHost: '::1' } }).issues[0]?.message).toMatch(
      /IPv4/,
    );
  });

  it('checks SecretRefs strictly', () => {
    const result = validateConfig({
      gateway: {
        auth: {
          token: { source: 'vault', provider: 'x', id: 'y' },
          password: { source: 'env', provider: 'default', id: 'not a name' },
        },
        remote: { token: { source: 'env', provider: 'default' } },
      },
    });
    expect(paths(result.issues)).toEqual([
      'gateway.auth.password.id',
      'gateway.auth.token.source',
      'gateway.remote.token.id',
    ]);
    expect(result.config.gateway?.auth?.token).toBeUndefined();
    expect(validateConfig({ gateway: { auth: { token: '' } } }).issues[0]?.message).toMatch(
      /non-empty/,
    );
  });

  it('reports duplicate agent ids case-insensitively', () => {
    const result = validateConfig({
      agents: { list: [{ id: 'main' }, { id: 'work' }, { id: 'Main' }] },
    });
    expect(result.issues).toHaveLength(1);
    expect(result.issues[0]?.path).toBe('agents.list[2].id');
    expect(result.issues[0]?.message).toMatch(
      /duplicate agent id "Main" \(already used by agents.list\[0\]\)/,
    );
  });

  it('accepts loose upstream sections as objects only', () => {
    expect(validateConfig({ hooks: { anything: [1, 2] }, meta: {}, env: { FOO: 'x' } }).ok).toBe(
      true,
    );
    const bad = validateConfig({ hooks: 'on', bindings: {}, tools: { profile: 'everything' } });
    expect(paths(bad.issues)).toEqual(['bindings', 'hooks', 'tools.profile']);
    expect(bad.issues.find((i) => i.path === 'tools.profile')?.message).toMatch(
      /"minimal", "coding", "messaging", "full"/,
    );
  });

  it('rejects a non-object document', () => {
    expect(validateConfig([1]).issues).toEqual([
      { path: '', message: expect.stringMatching(/JSON5 object/) },
    ]);
    expect(validateConfig(null).ok).toBe(false);
  });
});

describe('resolveGatewaySettings', () => {
  it('fills defaults', () => {
    const s = resolveGatewaySettings({}, {});
    expect(s.port).toBe(18789);
    expect(s.portSource).toBe('default');
    expect(s.bind).toBe('loopback');
    expect(s.auth.mode).toBe('token');
    expect(s.auth.modeSource).toBe('inferred');
    expect(s.auth.rateLimit).toEqual({
      maxAttempts: 10,
      windowMs: 60000,
      lockoutMs: 300000,
      exemptLoopback: true,
    });
    expect(s.reload).toMatchObject({ mode: 'hybrid', debounceMs: 500 });
    expect(s.controlUi.allowedOrigins).toEqual([
      'http://localhost:18789',
      'http://127.0.0.1:18789',
    ]);
    expect(s.controlUi.enabled).toBe(true);
    expect(s.issues).toEqual([]);
  });

  it('prefers OPENCLAW_GATEWAY_PORT over config and ignores a bad value with an issue', () => {
    const config = { gateway: { port: 19000, controlUi: { basePath: 'ui/' } } };
    const env = resolveGatewaySettings(config, { OPENCLAW_GATEWAY_PORT: '20000' });
    expect([env.port, env.portSource]).toEqual([20000, 'env']);
    expect(env.controlUi.allowedOrigins).toEqual([
      'http://localhost:20000',
      'http://127.0.0.1:20000',
    ]);
    expect(env.controlUi.basePath).toBe('/ui');
    const bad = resolveGatewaySettings(config, { OPENCLAW_GATEWAY_PORT: 'abc' });
    expect([bad.port, bad.portSource]).toEqual([19000, 'config']);
    expect(bad.issues[0]?.path).toBe('env.OPENCLAW_GATEWAY_PORT');
  });

  it('infers password mode only when just a password is set, and flags ambiguity', () => {
    expect(resolveGatewaySettings({ gateway: { auth: { password: 'pw' } } }, {}).auth.mode).toBe(
      'password',
    );
    const both = resolveGatewaySettings({ gateway: { auth: { password: 'pw', token: 't' } } }, {});
    expect(both.auth.mode).toBe('token');
    expect(both.issues.map((i) => i.path)).toEqual(['gateway.auth.mode']);
    const explicit = resolveGatewaySettings(
      { gateway: { auth: { mode: 'password', password: 'pw', token: 't' } } },
      {},
    );
    expect([explicit.auth.mode, explicit.issues.length]).toEqual(['password', 0]);
  });

  it('resolves the token from env first, then the config (including SecretRefs)', () => {
    const ref = {
      gateway: { auth: { token: { source: 'env' as const, provider: 'default', id: 'MY_TOKEN' } } },
    };
    expect(resolveGatewaySettings(ref, { MY_TOKEN: 'from-ref' }).auth).toMatchObject({
      token: 'from-ref',
      tokenSource: 'config',
    });
    expect(
      resolveGatewaySettings(ref, { MY_TOKEN: 'x', OPENCLAW_GATEWAY_TOKEN: 'from-env' }).auth,
    ).toMatchObject({
      token: 'from-env',
      tokenSource: 'env',
    });
    const missing = resolveGatewaySettings(ref, {});
    expect(missing.auth.token).toBeUndefined();
    expect(missing.issues[0]).toMatchObject({
      path: 'gateway.auth.token',
      message: expect.stringMatching(/MY_TOKEN/),
    });
  });
});
