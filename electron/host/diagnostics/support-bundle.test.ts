import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { strFromU8, unzipSync } from 'fflate';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ProcessResult } from '../../../docker/engine/index.js';
import {
  parseSetupInputs,
  prepareStackDir,
  stackEnvValues,
  upsertEnvFile,
  writeExtraCompose,
} from '../../../docker/stack/index.js';
import { ErrorCode, isOpenClawError } from '../../../gateway/infra/errors.js';
import { createDiagnosticsContext, type DiagnosticsContext } from './context.js';
import { createSupportBundle, HEALTH_COMMAND } from './support-bundle.js';
import { container, fakeEngine, freePort, testSettings } from './test-context.js';

const hex = (n: number) => randomBytes(n).toString('hex');
const PLANTED = {
  gatewayToken: hex(32),
  openaiKey: `sk-proj-${hex(24)}`,
  telegram: `7123456789:AA${randomBytes(24).toString('base64url')}`,
  deviceToken: randomBytes(32).toString('base64url'),
  secondDevice: randomBytes(32).toString('base64url'),
  composeSecret: `compose-${hex(12)}`,
  customEnv: `custom-${hex(12)}`,
  proxyPassword: `proxy${hex(8)}`,
  logOnly: `logonly-${hex(12)}`,
  healthSecret: `health-${hex(12)}`,
  appOperator: `operator-${hex(16)}`,
};

function leaks(text: string): string[] {
  return Object.entries(PLANTED)
    .filter(([, secret]) => {
      for (let i = 0; i + 10 <= secret.length; i += 1)
        if (text.includes(secret.slice(i, i + 10))) return true;
      return false;
    })
    .map(([name]) => name);
}

let root: string;
let ctx: DiagnosticsContext;
let execCalls: Array<readonly string[]>;

async function unzip(file: string): Promise<Record<string, string>> {
  const files = unzipSync(new Uint8Array(await fs.readFile(file)));
  return Object.fromEntries(Object.entries(files).map(([name, data]) => [name, strFromU8(data)]));
}

beforeEach(async () => {
  root = await fs.mkdtemp(path.join(os.tmpdir(), 'oc-bundle-'));
  const settings = testSettings(root, {
    gatewayPort: await freePort(),
    extraMounts: [{ source: path.join(root, 'data'), target: '/data', readOnly: true }],
  });
  const inputs = parseSetupInputs(
    {
      OPENCLAW_CONFIG_DIR: settings.configDir,
      OPENCLAW_GATEWAY_PORT: String(settings.gatewayPort),
      OPENCLAW_EXTRA_MOUNTS: `${path.join(root, 'data')}:/data:ro`,
    },
    { homeDir: path.join(root, 'home') },
  );
  if (!inputs.ok) throw new Error(JSON.stringify(inputs.errors));
  // The stack as setup leaves it, plus a hand edit with a secret in the compose file and .env.
  await prepareStackDir(settings.stackDir);
  await upsertEnvFile(
    path.join(settings.stackDir, '.env'),
    stackEnvValues(inputs.value, PLANTED.gatewayToken),
  );
  await fs.appendFile(
    path.join(settings.stackDir, '.env'),
    `OPENAI_API_KEY=${PLANTED.openaiKey}\n`,
  );
  await writeExtraCompose(settings.stackDir, inputs.value);
  const composePath = path.join(settings.stackDir, 'docker-compose.yml');
  const compose = await fs.readFile(composePath, 'utf8');
  await fs.writeFile(
    composePath,
    compose.replace(
      '      TERM: xterm-256color\n',
      `      TERM: xterm-256color\n      MY_SERVICE_PASSWORD: ${PLANTED.composeSecret}\n`,
    ),
  );
  await fs.mkdir(path.join(settings.configDir, 'devices'), { recursive: true });
  await fs.writeFile(
    path.join(settings.configDir, 'openclaw.json'),
    `{ gateway: { auth: { token: '${PLANTED.gatewayToken}' } }, channels: { telegram: { botToken: '${PLANTED.telegram}' } } }`,
  );
  await fs.writeFile(
    path.join(settings.configDir, 'devices', 'paired.json'),
    JSON.stringify({
      d1: {
        deviceId: 'd1',
        publicKey: 'pk',
        tokens: { operator: { token: PLANTED.deviceToken, role: 'operator' } },
      },
      d2: {
        deviceId: 'd2',
        publicKey: 'pk2',
        tokens: { node: { token: PLANTED.secondDevice, role: 'node' } },
      },
    }),
  );
  const appLog = path.join(root, 'logs', 'main.log');
  await fs.mkdir(path.dirname(appLog), { recursive: true });
  await fs.writeFile(
    appLog,
    [
      `{"ts":"2026-03-01T11:00:00Z","level":"info","msg":"opening http://127.0.0.1:18789/#token=${PLANTED.gatewayToken}"}`,
      `{"level":"debug","msg":"paired device","token":"${PLANTED.deviceToken}"}`,
      `operator connected with ${PLANTED.appOperator}`,
      `device ${PLANTED.secondDevice} approved`,
      '',
    ].join('\n'),
  );

  const gw = container({ name: 'openclaw-openclaw-gateway-1' });
  const cli = container({
    id: 'b'.repeat(64),
    name: 'openclaw_openclaw-cli_run_1',
    service: 'openclaw-cli',
    oneOff: true,
    state: 'exited',
  });
  execCalls = [];
  ctx = {
    ...createDiagnosticsContext({
      settings,
      docker: null,
      compose: { kind: 'v2', command: ['docker', 'compose'], version: '2.29.1' },
      appLogFiles: [appLog, path.join(root, 'logs', 'missing.log')],
      extraSecrets: () => [PLANTED.appOperator],
      now: () => new Date('2026-03-01T12:00:00Z'),
      platform: 'linux',
    }),
    engine: fakeEngine({
      version: { Version: '27.0.1', ApiVersion: '1.46' },
      info: {
        Name: 'not-this-host',
        DockerRootDir: '/var/lib/docker',
        HttpsProxy: `http://me:${PLANTED.proxyPassword}@proxy:3128`,
      },
      containers: [gw, cli],
      inspect: {
        [gw.id]: {
          Id: gw.id,
          Name: '/openclaw-openclaw-gateway-1',
          Config: {
            Env: [
              `OPENCLAW_GATEWAY_TOKEN=${PLANTED.gatewayToken}`,
              `SOMETHING=${PLANTED.customEnv}`,
              'HOME=/home/node',
            ],
            Labels: { 'com.docker.compose.project': 'openclaw' },
          },
        },
        [cli.id]: { Id: cli.id, Args: ['devices', 'approve', '--token', PLANTED.deviceToken] },
      },
      logs: {
        [gw.id]: [
          `2026-03-01T11:59:00Z stdout: gateway listening; dashboard http://127.0.0.1:18789/#token=${PLANTED.gatewayToken}`,
          `2026-03-01T11:59:01Z stderr: auth failed for Authorization: Bearer ${PLANTED.logOnly}`,
          `2026-03-01T11:59:02Z stdout: telegram bot ${PLANTED.telegram} connected`,
        ],
        [cli.id]: ['2026-03-01T11:58:00Z stdout: approved'],
      },
    }),
    composeExec: async (service, args): Promise<ProcessResult> => {
      execCalls.push([service, ...args]);
      return {
        code: 0,
        stdout: JSON.stringify({
          ok: true,
          sessions: { count: 2 },
          debugToken: PLANTED.healthSecret,
        }),
        stderr: '',
      };
    },
  };
});

afterEach(async () => {
  await fs.rm(root, { recursive: true, force: true });
});

describe('createSupportBundle', () => {
  it('collects every part, masked: no planted secret survives in any entry', async () => {
    const outFile = path.join(root, 'out', 'bundle.zip');
    const bundle = await createSupportBundle(ctx, { outFile });
    expect(bundle.file).toBe(outFile);
    expect(bundle.entries).toEqual([
      'app/main.log',
      'app/settings.json',
      'stack/docker-compose.yml',
      'stack/docker-compose.extra.yml',
      'stack/.env',
      'engine/version.json',
      'engine/info.json',
      'containers/list.json',
      'containers/openclaw-openclaw-gateway-1/inspect.json',
      'containers/openclaw-openclaw-gateway-1/logs.txt',
      'containers/openclaw_openclaw-cli_run_1/inspect.json',
      'containers/openclaw_openclaw-cli_run_1/logs.txt',
      'gateway/health.json',
      'diagnostics.json',
      'README.txt',
    ]);
    const files = await unzip(outFile);
    expect(Object.keys(files).sort()).toEqual([...bundle.entries].sort());
    for (const [name, text] of Object.entries(files)) expect(leaks(text), name).toEqual([]);
    expect((await fs.stat(outFile)).mode & 0o777).toBe(0o600);
    expect(execCalls).toEqual([['openclaw-gateway', ...HEALTH_COMMAND]]);

    // Still useful: structure and non-secret facts are there.
    expect(files['stack/.env']).toMatch(/^OPENCLAW_GATEWAY_PORT=\d+$/m);
    expect(files['stack/.env']).toContain('OPENCLAW_GATEWAY_TOKEN=***');
    expect(files['stack/docker-compose.yml']).toContain('MY_SERVICE_PASSWORD: ***');
    expect(files['stack/docker-compose.extra.yml']).toContain('"/data"');
    expect(
      JSON.parse(files['containers/openclaw-openclaw-gateway-1/inspect.json']!).Config.Env,
    ).toEqual(['OPENCLAW_GATEWAY_TOKEN=***', 'SOMETHING=***', 'HOME=/home/node']);
    expect(JSON.parse(files['gateway/health.json']!)).toMatchObject({
      ok: true,
      sessions: { count: 2 },
    });
    const diagnostics = JSON.parse(files['diagnostics.json']!) as Array<{ id: string }>;
    expect(diagnostics.map((d) => d.id)).toContain('token-sync');
    expect(files['README.txt']).toContain('SECRETS WERE MASKED');
    expect(files['README.txt']).toContain('  containers/openclaw-openclaw-gateway-1/logs.txt');
    expect(files['README.txt']).toMatch(/app\/missing.log .*ENOENT/);
    expect(files['README.txt']).toContain('Created: 2026-03-01T12:00:00.000Z');
  });

  it('still writes a bundle without an engine or compose, saying what is missing', async () => {
    const outFile = path.join(root, 'bare.zip');
    const bundle = await createSupportBundle(
      { ...ctx, engine: null, composeExec: null, compose: null },
      {
        outFile,
        diagnostics: [
          { id: 'x', title: 'X', status: 'ok', detail: `d ${PLANTED.gatewayToken}`, durationMs: 1 },
        ],
      },
    );
    expect(bundle.entries).toContain('gateway/health.txt');
    expect(bundle.entries.some((e) => e.startsWith('containers/'))).toBe(false);
    const files = await unzip(outFile);
    expect(files['README.txt']).toContain('no Docker engine is configured');
    expect(files['gateway/health.txt']).toMatch(/not running/);
    for (const [name, text] of Object.entries(files)) expect(leaks(text), name).toEqual([]);
  });

  it('masks by format rules even when the known secrets cannot be collected', async () => {
    const outFile = path.join(root, 'rules-only.zip');
    await createSupportBundle(
      {
        ...ctx,
        knownSecrets: async () => {
          throw new Error('keychain locked');
        },
      },
      { outFile, diagnostics: [] },
    );
    const files = await unzip(outFile);
    expect(files['README.txt']).toContain('keychain locked');
    // Everything that sits in a recognisable place is still masked; only free-text mentions of
    // a value (the operator token in a plain log line) need the known-secret list.
    const ruleCovered = Object.values(files).join('\n');
    for (const name of [
      'gatewayToken',
      'openaiKey',
      'telegram',
      'composeSecret',
      'customEnv',
      'proxyPassword',
      'logOnly',
    ] as const)
      expect(ruleCovered).not.toContain(PLANTED[name]);
  });

  it('reports a failing health command and keeps going when a part fails', async () => {
    const outFile = path.join(root, 'partial.zip');
    const engine = ctx.engine!;
    await createSupportBundle(
      {
        ...ctx,
        engine: { ...engine, info: async () => Promise.reject(new Error('info exploded')) },
        composeExec: async () => ({
          code: 1,
          stdout: '',
          stderr: `gateway unreachable with token ${PLANTED.gatewayToken}`,
        }),
      },
      { outFile, diagnostics: [] },
    );
    const files = await unzip(outFile);
    expect(files['engine/info.json']).toBeUndefined();
    expect(files['README.txt']).toContain('engine/info.json: info exploded');
    expect(files['gateway/health.txt']).toContain('exited with 1');
    expect(leaks(files['gateway/health.txt']!)).toEqual([]);
  });

  it('keeps only the end of a large app log', async () => {
    const big = path.join(root, 'logs', 'big.log');
    const lines = Array.from(
      { length: 2000 },
      (_, i) => `line ${i} #token=${PLANTED.gatewayToken}`,
    );
    await fs.writeFile(big, `${lines.join('\n')}\n`);
    const outFile = path.join(root, 'big.zip');
    await createSupportBundle(
      { ...ctx, appLogFiles: [big] },
      { outFile, diagnostics: [], maxAppLogBytes: 4096 },
    );
    const log = (await unzip(outFile))['app/big.log']!;
    expect(log).toMatch(/^\[\.\.\. \d+ earlier bytes not included \.\.\.\]\nline \d+ /);
    expect(log).toContain('line 1999 #token=***');
    expect(log.length).toBeLessThan(4096);
    expect(leaks(log)).toEqual([]);
  });

  it('is cancellable and then writes nothing', async () => {
    const outFile = path.join(root, 'cancelled.zip');
    const controller = new AbortController();
    controller.abort();
    const err = await createSupportBundle(ctx, { outFile, signal: controller.signal }).catch(
      (e: unknown) => e,
    );
    expect(isOpenClawError(err, ErrorCode.CANCELLED)).toBe(true);
    await expect(fs.stat(outFile)).rejects.toThrow();
  });
});
