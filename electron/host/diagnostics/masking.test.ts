import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  parseSetupInputs,
  renderExtraCompose,
  stackEnvValues,
  upsertEnvFile,
} from '../../../docker/stack/index.js';
import { collectKnownSecrets } from './known-secrets.js';
import { MASK, maskSecrets, maskValue } from './masking.js';

const hex = (n: number) => randomBytes(n).toString('hex');
const b64 = (n: number) => randomBytes(n).toString('base64url');

/** Every planted secret, by name; the tests assert none of them survives in any form. */
const S = {
  gatewayToken: hex(32),
  openai: `sk-proj-${b64(36)}`,
  telegram: `${7_000_000_000 + Math.floor(Math.random() * 1e6)}:AA${b64(33)}`,
  slackBot: `xoxb-${hex(6)}-${hex(6)}-${b64(18)}`,
  slackApp: `xapp-1-${hex(20)}`,
  discord: `MT${b64(22)}.${b64(4)}.${b64(28)}`,
  dbPassword: `pw ${b64(12)} with spaces`,
  quotedSecret: `q${b64(14)}`,
  remotePassword: b64(20),
  anthropic: `sk-ant-api03-${b64(60)}`,
  deviceTokenA: b64(32),
  deviceTokenB: b64(32),
  deviceTokenC: b64(32),
  proxyPassword: `p${hex(10)}`,
  customEnv: `c${hex(16)}`,
  blockLine1: `block-${hex(12)}`,
  blockLine2: `block-${hex(12)}`,
  listToken1: `lt-${hex(12)}`,
  listToken2: `lt-${hex(12)}`,
  escapedJson: `esc-${hex(14)}`,
  cliFlag: `flag-${hex(14)}`,
  cookie: `sid=${hex(16)}`,
  basic: Buffer.from(`admin:${hex(8)}`).toString('base64'),
  jwt: `eyJhbGciOiJIUzI1NiJ9.${b64(30)}.${b64(32)}`,
  privateKey: b64(48),
  json5Single: `s${b64(20)}`,
  yamlApiKey: `y${b64(20)}`,
};
type SecretName = keyof typeof S;

/** A secret leaks if any 10-character window of it is still in the text. */
function leaked(text: string, names: readonly SecretName[] = Object.keys(S) as SecretName[]) {
  const found: string[] = [];
  for (const name of names) {
    const secret = S[name];
    const window = Math.min(10, secret.length);
    for (let i = 0; i + window <= secret.length; i += 1) {
      if (text.includes(secret.slice(i, i + window))) {
        found.push(`${name} (${secret.slice(i, i + window)})`);
        break;
      }
    }
  }
  return found;
}

let root: string;
let envFile: string;
let configFile: string;
let pairedFile: string;
let extraCompose: string;
let envText: string;
let configText: string;
let pairedText: string;

beforeAll(async () => {
  root = await fs.mkdtemp(path.join(os.tmpdir(), 'oc-mask-'));
  envFile = path.join(root, '.env');
  configFile = path.join(root, 'openclaw.json');
  pairedFile = path.join(root, 'paired.json');
  extraCompose = path.join(root, 'docker-compose.extra.yml');
  const inputs = parseSetupInputs(
    {
      OPENCLAW_CONFIG_DIR: path.join(root, 'config'),
      OPENCLAW_EXTRA_MOUNTS: `${path.join(root, 'secrets dir')}:/data/secrets:ro`,
      OPENCLAW_HOME_VOLUME: 'openclaw-home',
      OPENCLAW_DOCKER_APT_PACKAGES: 'git jq',
    },
    { homeDir: path.join(root, 'home') },
  );
  if (!inputs.ok) throw new Error(JSON.stringify(inputs.errors));
  // A real .env as setup writes it, then lines a user added by hand.
  await upsertEnvFile(envFile, stackEnvValues(inputs.value, S.gatewayToken));
  await fs.appendFile(
    envFile,
    [
      '# my additions',
      `OPENAI_API_KEY=${S.openai}`,
      `export TELEGRAM_BOT_TOKEN=${S.telegram}`,
      `DB_PASSWORD="${S.dbPassword}"`,
      `MY_SECRET='${S.quotedSecret}'`,
      `HTTPS_PROXY=http://proxyuser:${S.proxyPassword}@proxy.example.com:3128`,
      `ANTHROPIC_API_KEY = ${S.anthropic}`,
      '',
    ].join('\n'),
  );
  envText = await fs.readFile(envFile, 'utf8');

  configText = `// openclaw.json (JSON5)
{
  gateway: {
    mode: 'local',
    port: 18789,
    auth: {
      mode: 'token',
      token: '${S.gatewayToken}',
      password: { source: 'env', provider: 'default', id: 'OPENCLAW_GATEWAY_PASSWORD' },
    },
    remote: { url: 'wss://gw.example.com', password: "${S.remotePassword}" },
    controlUi: { allowedOrigins: ['http://127.0.0.1:18789'] },
  },
  env: { vars: { OPENAI_API_KEY: '${S.openai}' } },
  channels: {
    telegram: { enabled: true, botToken: '${S.telegram}' },
    slack: { botToken: "${S.slackBot}", appToken: "${S.slackApp}" },
    discord: { accounts: [{ id: 'main', token: '${S.discord}' }] },
  },
  models: {
    providers: {
      anthropic: { apiKey: '${S.anthropic}', baseUrl: 'https://api.anthropic.com' },
      custom: { "api-key": '${S.json5Single}', headers: { Authorization: 'Bearer ${S.jwt}' } },
    },
  },
}
`;
  await fs.writeFile(configFile, configText);

  pairedText = JSON.stringify(
    {
      dev1: {
        deviceId: 'dev1',
        publicKey: 'pk-public-value',
        tokens: {
          operator: {
            token: S.deviceTokenA,
            role: 'operator',
            scopes: ['operator.read'],
            createdAtMs: 1,
          },
          node: { token: S.deviceTokenB, role: 'node', scopes: [], createdAtMs: 2 },
        },
        createdAtMs: 1,
        approvedAtMs: 1,
      },
      dev2: {
        deviceId: 'dev2',
        publicKey: 'pk2',
        tokens: {
          operator: { token: S.deviceTokenC, role: 'operator', scopes: [], createdAtMs: 3 },
        },
        createdAtMs: 3,
        approvedAtMs: 3,
      },
    },
    null,
    2,
  );
  await fs.writeFile(pairedFile, pairedText);
  await fs.writeFile(extraCompose, renderExtraCompose(inputs.value) ?? '');
});

afterAll(async () => {
  await fs.rm(root, { recursive: true, force: true });
});

const LOGS = () =>
  [
    `2026-01-01T10:00:00.000Z Dashboard: http://127.0.0.1:18789/#token=${S.gatewayToken}`,
    `curl -H "Authorization: Bearer ${S.deviceTokenA}" http://127.0.0.1:18789/v1/chat`,
    `Authorization: Bearer ${S.jwt}`,
    `{"ts":"2026-01-01T10:00:01Z","level":"info","msg":"connect","params":{"auth":{"token":"${S.deviceTokenB}"},"client":"cli"}}`,
    `{"level":"warn","msg":"{\\"password\\":\\"${S.escapedJson}\\",\\"user\\":\\"x\\"}"}`,
    `spawn openclaw health --token ${S.cliFlag} --json`,
    `ws connect wss://gw.example.com/ws?token=${S.deviceTokenC}&v=4`,
    `fetch failed via https://u:${S.proxyPassword}@proxy.example.com:3128`,
    `set-cookie: ${S.cookie}; Path=/`,
    `request headers: Authorization: Basic ${S.basic}`,
    `telegram: polling with ${S.telegram}`,
    `loaded key -----BEGIN PRIVATE KEY-----\n${S.privateKey}\n-----END PRIVATE KEY-----`,
  ].join('\n');

const YAML_TEXT = () => `services:
  openclaw-gateway:
    environment:
      OPENCLAW_GATEWAY_TOKEN: \${OPENCLAW_GATEWAY_TOKEN:-}
      OPENAI_API_KEY: ${S.openai}
      "SLACK_BOT_TOKEN": "${S.slackBot}"
      - DISCORD_TOKEN=${S.discord}
    x-notes:
      apiKey: '${S.yamlApiKey}'
      password: |
        ${S.blockLine1}
        ${S.blockLine2}
      tokens:
        - ${S.listToken1}
        - "${S.listToken2}"
      mode: token
`;

describe('maskSecrets: no planted secret survives', () => {
  it('with the secrets collected from the real files (how the bundle runs)', async () => {
    const knownSecrets = await collectKnownSecrets({
      envFiles: [envFile],
      jsonFiles: [configFile, pairedFile],
    });
    for (const [name, text] of [
      ['.env', envText],
      ['openclaw.json', configText],
      ['paired.json', pairedText],
      ['logs', LOGS()],
      ['yaml', YAML_TEXT()],
    ] as const) {
      const masked = maskSecrets(text, { knownSecrets });
      expect(leaked(masked), name).toEqual([]);
      expect(masked, name).toContain(MASK);
    }
  });

  it.each([
    ['.env', () => envText],
    ['openclaw.json', () => configText],
    ['paired.json', () => pairedText],
    ['logs', LOGS],
    ['yaml', YAML_TEXT],
  ])('by the format rules alone (no known secrets): %s', (_name, text) => {
    expect(leaked(maskSecrets(text()))).toEqual([]);
  });

  it('masks a known secret anywhere, also URL- and JSON-escaped', () => {
    const odd = 'a+b/c="d\\e';
    const text = `free text ${S.customEnv} and ${encodeURIComponent(odd)} and ${JSON.stringify(odd)}`;
    const masked = maskSecrets(text, { knownSecrets: [S.customEnv, odd] });
    expect(masked).toBe(`free text ${MASK} and ${MASK} and "${MASK}"`);
  });

  it('keeps what support needs: names, ports, paths, references and empty values', () => {
    const masked = maskSecrets(envText);
    expect(masked).toContain('OPENCLAW_GATEWAY_TOKEN=***');
    expect(masked).toContain('OPENCLAW_GATEWAY_PORT=18789');
    expect(masked).toContain(`OPENCLAW_CONFIG_DIR=${path.join(root, 'config')}`);
    expect(masked).toContain('OPENCLAW_DOCKER_APT_PACKAGES=git jq');
    expect(masked).toContain(`${path.join(root, 'secrets dir')}:/data/secrets:ro`);
    expect(maskSecrets('OPENCLAW_GATEWAY_TOKEN=\n')).toBe('OPENCLAW_GATEWAY_TOKEN=\n');
    const yaml = maskSecrets(YAML_TEXT());
    expect(yaml).toContain('OPENCLAW_GATEWAY_TOKEN: ${OPENCLAW_GATEWAY_TOKEN:-}');
    expect(yaml).toContain('mode: token');
    const config = maskSecrets(configText);
    expect(config).toContain("id: 'OPENCLAW_GATEWAY_PASSWORD'");
    expect(config).toContain("baseUrl: 'https://api.anthropic.com'");
    expect(maskSecrets(pairedText)).toContain('"role": "operator"');
  });

  it('keeps CRLF line endings and JSON valid', () => {
    expect(maskSecrets('A=1\r\nMY_TOKEN=abcdefgh\r\n')).toBe('A=1\r\nMY_TOKEN=***\r\n');
    const json = JSON.parse(maskSecrets(pairedText)) as Record<
      string,
      { tokens: Record<string, { token: string }> }
    >;
    expect(json.dev1?.tokens.operator?.token).toBe(MASK);
    // The logger's `OPENCLAW_GATEWAY_TOKEN=\S+` pattern must not swallow the closing quote.
    const env = JSON.stringify(
      { Env: [`OPENCLAW_GATEWAY_TOKEN=${S.gatewayToken}`, 'A=1'] },
      null,
      2,
    );
    expect(JSON.parse(maskSecrets(env))).toEqual({ Env: ['OPENCLAW_GATEWAY_TOKEN=***', 'A=1'] });
    expect(maskSecrets(`x: 'OPENCLAW_GATEWAY_TOKEN=${S.gatewayToken}', y: 1`)).toBe(
      "x: 'OPENCLAW_GATEWAY_TOKEN=***', y: 1",
    );
    expect(maskSecrets(`-> Authorization: Bearer ${S.jwt} sent`)).toBe(
      '-> Authorization: Bearer *** sent',
    );
  });
});

describe('maskValue (container inspect)', () => {
  it('masks every environment value but a few harmless ones, flag arguments and secret keys', () => {
    const inspect = {
      Id: 'c'.repeat(64),
      Args: ['gateway', 'run', '--token', S.cliFlag, '--port', '18789'],
      Config: {
        Env: [
          `OPENCLAW_GATEWAY_TOKEN=${S.gatewayToken}`,
          `CUSTOM_THING=${S.customEnv}`,
          `DATABASE_URL=postgres://app:${S.proxyPassword}@db/app`,
          'OPENCLAW_STATE_DIR=/home/node/.openclaw',
          'PATH=/usr/local/bin:/usr/bin',
          'EMPTY=',
        ],
        Labels: { 'com.docker.compose.project': 'openclaw' },
      },
      HostConfig: { RegistryAuth: S.basic },
    };
    const masked = maskValue(inspect) as typeof inspect;
    expect(leaked(JSON.stringify(masked))).toEqual([]);
    expect(masked.Config.Env).toEqual([
      'OPENCLAW_GATEWAY_TOKEN=***',
      'CUSTOM_THING=***',
      'DATABASE_URL=***',
      'OPENCLAW_STATE_DIR=/home/node/.openclaw',
      'PATH=/usr/local/bin:/usr/bin',
      'EMPTY=',
    ]);
    expect(masked.Args).toEqual(['gateway', 'run', '--token', MASK, '--port', '18789']);
    expect(masked.Config.Labels).toEqual(inspect.Config.Labels);
    expect(masked.Id).toBe(inspect.Id);
  });
});

describe('collectKnownSecrets', () => {
  it('takes values under secret names only, never pointers, modes or public keys', async () => {
    const secrets = await collectKnownSecrets({
      envFiles: [envFile, path.join(root, 'missing.env')],
      jsonFiles: [configFile, pairedFile, path.join(root, 'missing.json')],
      extra: ['in-memory-operator-token', ''],
    });
    for (const name of [
      'gatewayToken',
      'openai',
      'telegram',
      'slackBot',
      'slackApp',
      'discord',
      'remotePassword',
      'anthropic',
      'deviceTokenA',
      'deviceTokenB',
      'deviceTokenC',
      'dbPassword',
      'quotedSecret',
      'json5Single',
    ] as const)
      expect(secrets, name).toContain(S[name]);
    expect(secrets).toContain('in-memory-operator-token');
    // SecretRef pointers, auth modes and public keys must not become "secrets" masked everywhere.
    for (const harmless of [
      'default',
      'OPENCLAW_GATEWAY_PASSWORD',
      'password',
      'token',
      'pk-public-value',
    ])
      expect(secrets).not.toContain(harmless);
    expect(secrets).toEqual([...secrets].sort((a, b) => b.length - a.length));
  });
});
