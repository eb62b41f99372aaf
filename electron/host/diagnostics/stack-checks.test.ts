import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import JSON5 from 'json5';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { quoteShellArg, upsertEnvFile } from '../../../docker/stack/index.js';
import {
  allowedOriginsCheck,
  configPermissionsCheck,
  diskSpaceCheck,
  writableByContainerUser,
} from './stack-checks.js';
import { container, fakeEngine, testContext, testSettings } from './test-context.js';
import { tokenSyncCheck } from './token-sync-check.js';

let root: string;
let configDir: string;
let stackDir: string;
const never = new AbortController().signal;
const TOKEN = 'e'.repeat(64);
const OTHER = 'f'.repeat(64);

beforeEach(async () => {
  root = await fs.mkdtemp(path.join(os.tmpdir(), 'oc-stack-checks-'));
  configDir = path.join(root, 'config');
  stackDir = path.join(root, 'stack');
  await fs.mkdir(configDir, { recursive: true });
  await fs.mkdir(stackDir, { recursive: true });
});
afterEach(async () => {
  await fs.rm(root, { recursive: true, force: true });
});

async function writeConfig(text: string): Promise<void> {
  await fs.writeFile(path.join(configDir, 'openclaw.json'), text);
}
async function writeEnvToken(token: string): Promise<void> {
  await upsertEnvFile(path.join(stackDir, '.env'), { OPENCLAW_GATEWAY_TOKEN: token });
}

describe('config folder permissions (uid 1000)', () => {
  it.each<[string, { uid: number; gid: number; mode: number }, boolean, boolean]>([
    ['owned by 1000, 0700 dir', { uid: 1000, gid: 1000, mode: 0o700 }, true, true],
    ['owned by 1000, read-only dir', { uid: 1000, gid: 1000, mode: 0o500 }, true, false],
    ['owned by root, 0755 dir', { uid: 0, gid: 0, mode: 0o755 }, true, false],
    ['group 1000 writable dir', { uid: 0, gid: 1000, mode: 0o770 }, true, true],
    ['world-writable dir', { uid: 501, gid: 20, mode: 0o777 }, true, true],
    ['world-writable but not searchable dir', { uid: 501, gid: 20, mode: 0o776 }, true, false],
    ['owned by 1000, 0600 file', { uid: 1000, gid: 1000, mode: 0o600 }, false, true],
    ['owned by 501, 0644 file', { uid: 501, gid: 20, mode: 0o644 }, false, false],
  ])('%s', (_name, stat, isDir, expected) => {
    expect(writableByContainerUser(stat, isDir)).toBe(expected);
  });

  const ctx = (platform: NodeJS.Platform = 'linux') =>
    testContext(root, { platform, settings: testSettings(root) });

  it('skips outside Linux and warns about a missing folder', async () => {
    expect((await configPermissionsCheck.run(ctx('darwin'), never)).status).toBe('skip');
    await fs.rm(configDir, { recursive: true });
    expect((await configPermissionsCheck.run(ctx(), never)).status).toBe('warn');
  });

  it.skipIf(process.platform !== 'linux' || process.getuid?.() === 1000)(
    'fails with the exact chown command for a folder uid 1000 cannot write',
    async () => {
      await fs.chmod(configDir, 0o755);
      await writeConfig('{}');
      await fs.chmod(path.join(configDir, 'openclaw.json'), 0o644);
      const result = await configPermissionsCheck.run(ctx(), never);
      expect(result.status).toBe('fail');
      expect(result.detail).toContain(`${configDir} (owner uid ${process.getuid?.()}, mode 0755)`);
      expect(result.detail).toContain('openclaw.json');
      expect(result.fix).toEqual({
        label: 'Give the folder to the container user',
        command: `sudo chown -R 1000:1000 "${configDir}"`,
        action: 'fix-config-ownership',
      });
      await fs.chmod(configDir, 0o777);
      await fs.chmod(path.join(configDir, 'openclaw.json'), 0o666);
      expect((await configPermissionsCheck.run(ctx(), never)).status).toBe('ok');
    },
  );

  it.skipIf(process.platform !== 'linux' || process.getuid?.() !== 0)(
    'is ok when uid 1000 owns everything (chown as root)',
    async () => {
      await writeConfig('{}');
      await fs.mkdir(path.join(configDir, 'devices'));
      for (const p of [
        configDir,
        path.join(configDir, 'openclaw.json'),
        path.join(configDir, 'devices'),
      ])
        await fs.chown(p, 1000, 1000);
      await fs.chmod(configDir, 0o700);
      const result = await configPermissionsCheck.run(ctx(), never);
      expect(result).toMatchObject({ status: 'ok' });
      expect(result.detail).toMatch(/which owns it/);
      await fs.chown(path.join(configDir, 'devices'), 0, 0);
      await fs.chmod(path.join(configDir, 'devices'), 0o755);
      const blocked = await configPermissionsCheck.run(ctx(), never);
      expect(blocked.status).toBe('fail');
      expect(blocked.detail).toContain('devices (owner uid 0, mode 0755)');
    },
  );
});

describe('disk space', () => {
  const GB = 1024 ** 3;
  const withFree = (free: Record<string, number>, engineInfo?: Record<string, unknown>) =>
    testContext(root, {
      engine: engineInfo ? fakeEngine({ info: engineInfo }) : null,
      statfs: async (p) => {
        const bytes = free[p];
        if (bytes === undefined) throw Object.assign(new Error('EACCES'), { code: 'EACCES' });
        return { freeBytes: bytes, totalBytes: 100 * GB };
      },
    });

  it('grades the config folder: ok, warn below 2 GB, fail below 500 MB', async () => {
    expect((await diskSpaceCheck.run(withFree({ [configDir]: 10 * GB }), never)).status).toBe('ok');
    const warn = await diskSpaceCheck.run(withFree({ [configDir]: 1.5 * GB }), never);
    expect(warn.status).toBe('warn');
    expect(warn.detail).toContain(`config folder (${configDir}): 1.5 GB free`);
    expect(warn.fix?.command).toBe('docker image prune');
    expect(
      (await diskSpaceCheck.run(withFree({ [configDir]: 300 * 1024 ** 2 }), never)).status,
    ).toBe('fail');
  });

  it('measures the nearest existing folder of a config dir not created yet', async () => {
    const ctx = testContext(root, {
      settings: testSettings(root, { configDir: path.join(root, 'not', 'yet') }),
      statfs: async (p) => ({ freeBytes: p === root ? 10 * GB : 0, totalBytes: 100 * GB }),
    });
    expect((await diskSpaceCheck.run(ctx, never)).status).toBe('ok');
  });

  it("checks a local engine's data folder (falling back to its parent) and worst status wins", async () => {
    const info = { DockerRootDir: '/var/lib/docker', Name: os.hostname() };
    const both = await diskSpaceCheck.run(
      withFree({ [configDir]: 10 * GB, '/var/lib/docker': 0.2 * GB }, info),
      never,
    );
    expect(both.status).toBe('fail');
    expect(both.detail).toContain('Docker data (/var/lib/docker): 0.2 GB free');
    const parent = await diskSpaceCheck.run(
      withFree({ [configDir]: 10 * GB, '/var/lib': 1 * GB }, info),
      never,
    );
    expect(parent.status).toBe('warn');
    const remote = await diskSpaceCheck.run(
      withFree(
        { [configDir]: 10 * GB },
        { DockerRootDir: '/var/lib/docker', Name: 'docker-desktop' },
      ),
      never,
    );
    expect(remote.status).toBe('ok');
    expect(remote.detail).toMatch(/not on this machine's disks/);
  });
});

describe('allowed origins', () => {
  const ctx = (port = 19000) =>
    testContext(root, { settings: testSettings(root, { gatewayPort: port }) });

  it('skips before setup, passes when the published origin is listed', async () => {
    expect((await allowedOriginsCheck.run(ctx(), never)).status).toBe('skip');
    await writeConfig(
      `{ gateway: { controlUi: { allowedOrigins: ['http://localhost:19000', 'http://127.0.0.1:19000/'] } } }`,
    );
    expect((await allowedOriginsCheck.run(ctx(), never)).status).toBe('ok');
  });

  it('fails with a command that adds the origin, keeping the existing ones', async () => {
    await writeConfig(`{ gateway: { controlUi: { allowedOrigins: ['http://127.0.0.1:18789'] } } }`);
    const result = await allowedOriginsCheck.run(ctx(), never);
    expect(result.status).toBe('fail');
    expect(result.detail).toContain('http://127.0.0.1:19000 would be refused');
    expect(result.fix?.action).toBe('add-allowed-origin');
    const arg = /allowedOrigins '(.*)'$/.exec(result.fix?.command ?? '')?.[1];
    expect(JSON5.parse(arg ?? 'null')).toEqual([
      'http://127.0.0.1:18789',
      'http://127.0.0.1:19000',
      'http://localhost:19000',
    ]);
    expect(result.fix?.command).toBe(
      `cd ${quoteShellArg(stackDir, 'posix')} && docker compose -f docker-compose.yml run --rm openclaw-cli config set gateway.controlUi.allowedOrigins '${arg}'`,
    );
  });

  it('with LAN exposure, warns when this host’s network address is not an allowed origin', async () => {
    const lanCtx = (address: string) =>
      testContext(root, {
        settings: testSettings(root, { gatewayPort: 19000, exposeOnLan: true }),
        interfaces: () => ({
          eth0: [{ address, family: 'IPv4', internal: false } as os.NetworkInterfaceInfo],
        }),
      });
    await writeConfig(
      `{ gateway: { controlUi: { allowedOrigins: ['http://127.0.0.1:19000', 'http://192.168.1.23:19000'] } } }`,
    );
    expect((await allowedOriginsCheck.run(lanCtx('192.168.1.23'), never)).status).toBe('ok');
    // The machine moved to another network: its new address is not allowed yet.
    const moved = await allowedOriginsCheck.run(lanCtx('10.0.0.7'), never);
    expect(moved.status).toBe('warn');
    expect(moved.detail).toContain('http://10.0.0.7:19000 would be refused');
    const arg = /allowedOrigins '(.*)'$/.exec(moved.fix?.command ?? '')?.[1];
    expect(JSON5.parse(arg ?? 'null')).toEqual([
      'http://127.0.0.1:19000',
      'http://192.168.1.23:19000',
      'http://10.0.0.7:19000',
    ]);
    // Exposure off: other devices cannot connect anyway, nothing to say.
    const off = testContext(root, {
      settings: testSettings(root, { gatewayPort: 19000, exposeOnLan: false }),
      interfaces: () => ({
        eth0: [{ address: '10.0.0.7', family: 'IPv4', internal: false } as os.NetworkInterfaceInfo],
      }),
    });
    expect((await allowedOriginsCheck.run(off, never)).status).toBe('ok');
  });

  it('relies on the defaults only for port 18789, and reports a broken file', async () => {
    await writeConfig('{ gateway: { mode: "local" } }');
    expect((await allowedOriginsCheck.run(ctx(18789), never)).status).toBe('ok');
    expect((await allowedOriginsCheck.run(ctx(19000), never)).status).toBe('fail');
    await writeConfig('{ gateway: { controlUi: { enabled: false } } }');
    expect((await allowedOriginsCheck.run(ctx(19000), never)).status).toBe('skip');
    await writeConfig('{ gateway: ');
    expect(await allowedOriginsCheck.run(ctx(), never)).toMatchObject({ status: 'fail' });
  });
});

describe('token sync', () => {
  const ctx = (engine = fakeEngine({ failWith: new Error('no engine') })) =>
    testContext(root, { settings: testSettings(root), engine });
  const config = (auth: string) => writeConfig(`{ gateway: { mode: 'local', auth: ${auth} } }`);
  const REF_ARG = `'{"source":"env","provider":"default","id":"OPENCLAW_GATEWAY_TOKEN"}'`;

  it('skips before setup', async () => {
    expect((await tokenSyncCheck.run(ctx(), never)).status).toBe('skip');
  });

  it('accepts the setup layout (SecretRef to the .env variable) and no config token', async () => {
    await writeEnvToken(TOKEN);
    await config(
      `{ mode: 'token', token: { source: 'env', provider: 'default', id: 'OPENCLAW_GATEWAY_TOKEN' } }`,
    );
    expect((await tokenSyncCheck.run(ctx(), never)).status).toBe('ok');
    await config(`{ token: '\${OPENCLAW_GATEWAY_TOKEN}' }`);
    expect((await tokenSyncCheck.run(ctx(), never)).status).toBe('ok');
    await config('{}');
    expect((await tokenSyncCheck.run(ctx(), never)).status).toBe('ok');
    await config(`{ token: '${TOKEN}' }`);
    expect((await tokenSyncCheck.run(ctx(), never)).status).toBe('ok');
  });

  it('fails on a differing literal with the exact fix, never showing a token', async () => {
    await writeEnvToken(TOKEN);
    await config(`{ mode: 'token', token: '${OTHER}' }`);
    const result = await tokenSyncCheck.run(ctx(), never);
    expect(result.status).toBe('fail');
    expect(result.detail).toMatch(/differs from OPENCLAW_GATEWAY_TOKEN in .*\.env/);
    expect(result.fix?.action).toBe('sync-token');
    expect(result.fix?.command).toBe(
      `cd ${quoteShellArg(stackDir, 'posix')} && docker compose -f docker-compose.yml run --rm openclaw-cli config set gateway.auth.token ${REF_ARG}`,
    );
    expect(JSON5.parse(REF_ARG.slice(1, -1))).toEqual({
      source: 'env',
      provider: 'default',
      id: 'OPENCLAW_GATEWAY_TOKEN',
    });
    const everything = JSON.stringify(result);
    expect(everything).not.toContain(TOKEN);
    expect(everything).not.toContain(OTHER);
  });

  it('warns about a reference the container cannot resolve', async () => {
    await writeEnvToken(TOKEN);
    await config(`{ token: { source: 'env', provider: 'default', id: 'MY_TOKEN' } }`);
    expect((await tokenSyncCheck.run(ctx(), never)).status).toBe('warn');
    await config(`{ token: '\${MY_TOKEN}' }`);
    expect((await tokenSyncCheck.run(ctx(), never)).status).toBe('warn');
  });

  it('compares a token file given as a container path with the host copy', async () => {
    await writeEnvToken(TOKEN);
    await fs.mkdir(path.join(configDir, 'secrets'));
    await fs.writeFile(path.join(configDir, 'secrets', 'gw'), `${TOKEN}\n`);
    await config(
      `{ token: { source: 'file', provider: 'default', id: '/home/node/.openclaw/secrets/gw' } }`,
    );
    expect((await tokenSyncCheck.run(ctx(), never)).status).toBe('ok');
    await fs.writeFile(path.join(configDir, 'secrets', 'gw'), OTHER);
    expect((await tokenSyncCheck.run(ctx(), never)).status).toBe('fail');
  });

  it('fails when .env has no token', async () => {
    await writeEnvToken('');
    await config(`{ token: '${OTHER}' }`);
    expect((await tokenSyncCheck.run(ctx(), never)).fix?.action).toBe('sync-token');
    await config('{}');
    const none = await tokenSyncCheck.run(ctx(), never);
    expect(none).toMatchObject({ status: 'fail', fix: { action: 'run-setup' } });
  });

  it('skips when the gateway does not use token auth', async () => {
    await writeEnvToken(TOKEN);
    await config(`{ mode: 'password', password: 'x' }`);
    expect((await tokenSyncCheck.run(ctx(), never)).status).toBe('skip');
  });

  it('fails when the running container was started with another token', async () => {
    await writeEnvToken(TOKEN);
    await config('{}');
    const gw = container();
    const engine = (token: string) =>
      fakeEngine({
        containers: [gw],
        inspect: {
          [gw.id]: { Config: { Env: ['HOME=/home/node', `OPENCLAW_GATEWAY_TOKEN=${token}`] } },
        },
      });
    expect((await tokenSyncCheck.run(ctx(engine(TOKEN)), never)).status).toBe('ok');
    const stale = await tokenSyncCheck.run(ctx(engine(OTHER)), never);
    expect(stale).toMatchObject({ status: 'fail', fix: { action: 'recreate-gateway' } });
    expect(stale.fix?.command).toMatch(/up -d openclaw-gateway$/);
    expect(JSON.stringify(stale)).not.toContain(OTHER);
  });
});
