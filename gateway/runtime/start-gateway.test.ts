import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { resolveStatePaths } from '../config/paths.js';
import { freePort } from '../testing/free-port.js';
import {
  RawClient,
  startTestGateway,
  TEST_TOKEN,
  type TestGateway,
} from '../testing/test-gateway.js';
import { startGateway, writeLocalConfig } from './start-gateway.js';

const running: TestGateway[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((g) => g.stop()));
});

async function start(config: Record<string, unknown> = {}, env: Record<string, string> = {}) {
  const gw = await startTestGateway(config, { env });
  running.push(gw);
  return gw;
}

async function tempState(config?: Record<string, unknown>) {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'openclaw-guard-'));
  const env = { OPENCLAW_STATE_DIR: dir };
  if (config) await writeLocalConfig(resolveStatePaths(env), config);
  return { dir, env };
}

describe('start guards', () => {
  it('refuses to start without a config unless --allow-unconfigured', async () => {
    const { env, dir } = await tempState();
    await expect(startGateway({ env, consoleSink: null, flags: { port: 0 } })).rejects.toThrow(
      /Missing config/,
    );
    const gw = await startGateway({
      env,
      consoleSink: null,
      allowUnconfigured: true,
      flags: { port: 0 },
      logFile: path.join(dir, 'g.log'),
    });
    // Loopback without a token: one is minted and persisted, never left open.
    const saved = await fs.readFile(path.join(dir, 'openclaw.json'), 'utf8');
    expect(saved).toMatch(/"token": "[0-9a-f]{48}"/);
    await gw.stop();
  });

  it('refuses gateway.mode other than local', async () => {
    const { env } = await tempState({ gateway: { mode: 'remote' } });
    await expect(startGateway({ env, consoleSink: null, flags: { port: 0 } })).rejects.toThrow(
      'Gateway start blocked: set gateway.mode=local (current: remote)',
    );
  });

  it('refuses a non-loopback bind without a secret', async () => {
    const { env } = await tempState({ gateway: { mode: 'local', auth: { mode: 'none' } } });
    await expect(
      startGateway({ env, consoleSink: null, flags: { port: 0, bind: 'lan' } }),
    ).rejects.toMatchObject({
      code: 'GATEWAY_INSECURE_BIND',
    });
  });

  describe('blank secrets', () => {
    /** Expects a refusal; a gateway that started anyway (the bug) is stopped, not leaked. */
    async function refused(options: Parameters<typeof startGateway>[0], dir: string) {
      const outcome = await startGateway({
        consoleSink: null,
        logFile: path.join(dir, 'g.log'),
        ...options,
      }).then(
        async (gw) => {
          await gw.stop();
          return undefined;
        },
        (err: unknown) => err,
      );
      expect(outcome, 'the gateway started').toBeDefined();
      return outcome as Error & { code?: string; exitCode?: number };
    }

    it('refuses --token "   " on a non-loopback bind with a one-line reason', async () => {
      const { env, dir } = await tempState({
        gateway: { mode: 'local', customBindHost: '127.0.0.2' },
      });
      const err = await refused(
        { env, flags: { port: 0, bind: 'custom', auth: 'token', token: '   ' } },
        dir,
      );
      expect(err).toMatchObject({ code: 'GATEWAY_AUTH_INVALID', exitCode: 78 });
      expect(err.message).toContain('--token is blank');
      expect(err.message.split('\n')).toHaveLength(1);
    });

    it('refuses a blank --password, on loopback too', async () => {
      const { env, dir } = await tempState({ gateway: { mode: 'local' } });
      for (const password of ['', ' ']) {
        const err = await refused({ env, flags: { port: 0, auth: 'password', password } }, dir);
        expect(err).toMatchObject({ code: 'GATEWAY_AUTH_INVALID' });
        expect(err.message).toContain('--password is blank');
      }
    });

    it('refuses password auth with no password at all', async () => {
      const { env, dir } = await tempState({
        gateway: { mode: 'local', auth: { mode: 'password' } },
      });
      const err = await refused({ env, flags: { port: 0 } }, dir);
      expect(err.message).toContain('no password is set');
    });

    it('refuses a blank token from the environment or the config', async () => {
      const fromEnv = await tempState({ gateway: { mode: 'local' } });
      const envErr = await refused(
        { env: { ...fromEnv.env, OPENCLAW_GATEWAY_TOKEN: '  ' }, flags: { port: 0 } },
        fromEnv.dir,
      );
      expect(envErr.message).toContain('OPENCLAW_GATEWAY_TOKEN is blank');
      const fromConfig = await tempState({
        gateway: { mode: 'local', auth: { mode: 'token', token: '   ' } },
      });
      const configErr = await refused({ env: fromConfig.env, flags: { port: 0 } }, fromConfig.dir);
      // The config schema already refuses it, naming the entry.
      expect(configErr).toMatchObject({ code: 'CONFIG_INVALID', exitCode: 78 });
      expect(configErr.message).toContain('gateway.auth.token');
    });
  });

  it('lists every config problem with its path and exits with 78', async () => {
    const { env } = await tempState({
      gateway: { mode: 'local', port: 'x', bind: '0.0.0.0', bogus: true },
    });
    const err = await startGateway({ env, consoleSink: null, flags: { port: 0 } }).catch(
      (e: unknown) => e,
    );
    expect(err).toMatchObject({ code: 'CONFIG_INVALID', exitCode: 78 });
    const message = (err as Error).message;
    expect(message).toContain('gateway.port');
    expect(message).toContain('gateway.bind');
    expect(message).toContain('gateway.bogus');
  });
});

describe('http', () => {
  it('removes temp files of writers killed mid-write, and only those', async () => {
    const { dir, env } = await tempState({
      gateway: { mode: 'local', auth: { mode: 'token', token: 'temp-file-test-token-1234' } },
    });
    // A pid that surely ended: a child that has exited.
    const { spawnSync } = await import('node:child_process');
    const deadPid = spawnSync(process.execPath, ['-e', '']).pid!;
    const old = new Date(Date.now() - 5 * 60_000);
    const orphan = path.join(dir, `.openclaw.json.${deadPid}.0123456789ab.tmp`);
    const fresh = path.join(dir, `.openclaw.json.${deadPid}.ba9876543210.tmp`);
    const mine = path.join(dir, `.openclaw.json.${process.pid}.aaaaaaaaaaaa.tmp`);
    const other = path.join(dir, 'notes.tmp');
    for (const f of [orphan, fresh, mine, other]) await fs.writeFile(f, '{"half":');
    for (const f of [orphan, mine, other]) await fs.utimes(f, old, old);
    const gateway = await startGateway({
      env,
      consoleSink: null,
      logFile: path.join(dir, 'gateway.log'),
      flags: { port: 0 },
    });
    await gateway.stop();
    const left = await fs.readdir(dir);
    expect(left).not.toContain(path.basename(orphan));
    for (const f of [fresh, mine, other]) expect(left).toContain(path.basename(f));
  });

  it('serves probes, a clear 503 when the UI is missing, and security headers', async () => {
    const emptyUi = await fs.mkdtemp(path.join(os.tmpdir(), 'openclaw-no-ui-'));
    const gw = await start({ gateway: { controlUi: { root: emptyUi } } });
    const base = `http://127.0.0.1:${gw.port}`;
    const live = await fetch(`${base}/healthz`);
    expect(live.status).toBe(200);
    expect(await live.json()).toEqual({ ok: true, status: 'live' });
    await expect.poll(async () => (await fetch(`${base}/readyz`)).status).toBe(200);
    const ui = await fetch(`${base}/devices`);
    expect(ui.status).toBe(503);
    expect(await ui.text()).toContain('Control UI is not built');
    expect(ui.headers.get('x-frame-options')).toBe('DENY');
    expect(ui.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
  });

  it('serves the Control UI with client-side route fallback and no traversal', async () => {
    const root = await fs.mkdtemp(path.join(os.tmpdir(), 'openclaw-ui-'));
    await fs.mkdir(path.join(root, 'assets'));
    await fs.writeFile(path.join(root, 'index.html'), '<!doctype html><title>ui</title>');
    await fs.writeFile(path.join(root, 'assets', 'app.js'), 'console.log(1)');
    const gw = await start({ gateway: { controlUi: { root } } });
    const base = `http://127.0.0.1:${gw.port}`;
    expect(await (await fetch(`${base}/`)).text()).toContain('<title>ui</title>');
    expect(await (await fetch(`${base}/config/advanced`)).text()).toContain('<title>ui</title>');
    const js = await fetch(`${base}/assets/app.js`);
    expect(js.headers.get('content-type')).toContain('javascript');
    expect((await fetch(`${base}/assets/missing.js`)).status).toBe(404);
    expect(await (await fetch(`${base}/%2e%2e/%2e%2e/etc/passwd`)).text()).toContain(
      '<title>ui</title>',
    );
    await fs.rm(root, { recursive: true, force: true });
  });
});

describe('lifecycle', () => {
  it('broadcasts shutdown and closes sockets on stop', async () => {
    const gw = await startTestGateway();
    const client = await RawClient.open(gw.url);
    await client.connect();
    const stopped = gw.stop();
    const event = await client.next((f) => f.event === 'shutdown');
    expect(event.payload?.reason).toBe('test done');
    expect((await client.closed).code).toBe(1012);
    await stopped;
  });

  it('hot-reloads a rotated token: old sessions close with 4001, the new token works', async () => {
    const gw = await start();
    const client = await RawClient.open(gw.url);
    await client.connect();
    const raw = JSON.parse(await fs.readFile(gw.paths.configPath, 'utf8')) as {
      gateway: { auth: { token: string } };
    };
    raw.gateway.auth.token = 'rotated-token-abcdefghijkl';
    await fs.writeFile(gw.paths.configPath, JSON.stringify(raw));
    const closed = await client.closed;
    expect(closed).toEqual({ code: 4001, reason: 'gateway auth changed' });

    const old = await RawClient.open(gw.url);
    expect((await old.connect()).error?.details?.code).toBe('AUTH_TOKEN_MISMATCH');
    const fresh = await RawClient.open(gw.url);
    expect((await fresh.connect({ auth: { token: 'rotated-token-abcdefghijkl' } })).ok).toBe(true);
    fresh.close();
  }, 15_000);

  it('ignores a hot reload to auth none while listening beyond loopback', async () => {
    // Bound on all interfaces as in the container.
    const port = await freePort('0.0.0.0');
    const gw = await startTestGateway({}, { flags: { port, bind: 'lan' } });
    running.push(gw);
    const raw = JSON.parse(await fs.readFile(gw.paths.configPath, 'utf8')) as {
      gateway: { auth: Record<string, unknown> };
    };
    raw.gateway.auth = { mode: 'none' };
    await fs.writeFile(gw.paths.configPath, JSON.stringify(raw));
    // Wait for the reload to be looked at, then check a client without a token is still refused.
    const log = path.join(gw.dir, 'gateway.log');
    for (let i = 0; i < 50; i++) {
      if ((await fs.readFile(log, 'utf8').catch(() => '')).includes('config change ignored')) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(await fs.readFile(log, 'utf8')).toMatch(/config change ignored: the gateway listens/);
    const anonymous = await RawClient.open(gw.url);
    const reply = await anonymous.connect({ auth: {} });
    expect(reply.ok).toBe(false);
    anonymous.close();
  }, 15_000);

  it('supports password auth', async () => {
    const gw = await start({
      gateway: { auth: { mode: 'password', password: 'correct horse battery' } },
    });
    const bad = await RawClient.open(gw.url);
    expect((await bad.connect({ auth: { password: 'nope' } })).error?.details?.code).toBe(
      'AUTH_PASSWORD_MISMATCH',
    );
    const good = await RawClient.open(gw.url);
    expect((await good.connect({ auth: { password: 'correct horse battery' } })).ok).toBe(true);
    good.close();
    expect(TEST_TOKEN).toBeTruthy();
  });
});
