import { promises as fs } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { quoteShellArg } from '../../../docker/stack/index.js';
import { ErrorCode, OpenClawError, isOpenClawError } from '../../../gateway/infra/errors.js';
import {
  BUILTIN_CHECKS,
  CheckRegistry,
  createCheckRegistry,
  runDiagnostics,
  type DiagnosticCheck,
  type DiagnosticResult,
} from './checks.js';
import { composeCheck, engineCheck, healthCheck, portCheck } from './engine-checks.js';
import {
  container,
  fakeEngine,
  freePort,
  httpServer,
  testContext,
  testSettings,
} from './test-context.js';

let root: string;
beforeEach(async () => {
  root = await fs.mkdtemp(path.join(os.tmpdir(), 'oc-checks-'));
});
afterEach(async () => {
  await fs.rm(root, { recursive: true, force: true });
});

const never = new AbortController().signal;

function check(id: string, run: DiagnosticCheck['run'], timeoutMs?: number): DiagnosticCheck {
  return { id, title: `check ${id}`, run, timeoutMs };
}

describe('runDiagnostics', () => {
  it('returns results in registry order whatever the completion order', async () => {
    const finished: string[] = [];
    const slow = check('slow', async () => {
      await new Promise((r) => setTimeout(r, 40));
      finished.push('slow');
      return { status: 'ok', detail: 'slow done' };
    });
    const fast = check('fast', async () => {
      finished.push('fast');
      return { status: 'warn', detail: 'fast done' };
    });
    const seen: string[] = [];
    const results = await runDiagnostics(testContext(root), {
      checks: [slow, fast],
      onResult: (r) => seen.push(r.id),
    });
    expect(results.map((r) => [r.id, r.status])).toEqual([
      ['slow', 'ok'],
      ['fast', 'warn'],
    ]);
    expect(finished).toEqual(['fast', 'slow']);
    expect(seen).toEqual(['fast', 'slow']);
    expect(results[0]!.durationMs).toBeGreaterThanOrEqual(30);
  });

  it('turns a crash, a hang and a malformed result into failures without stopping the others', async () => {
    let hungSignal: AbortSignal | undefined;
    const results = await runDiagnostics(testContext(root), {
      checks: [
        check('crash', async () => {
          throw new Error('boom with Authorization: Bearer abcdefghijklmnop');
        }),
        check(
          'hang',
          (_ctx, signal) => {
            hungSignal = signal;
            return new Promise(() => {});
          },
          50,
        ),
        check('malformed', async () => ({ status: 'great', detail: 1 }) as never),
        check('fine', async () => ({ status: 'ok', detail: 'fine' })),
      ],
    });
    const byId = Object.fromEntries(results.map((r) => [r.id, r] as const));
    expect(byId.crash).toMatchObject({ status: 'fail' });
    expect(byId.crash!.detail).toContain('boom');
    expect(byId.crash!.detail).not.toContain('abcdefghijklmnop');
    expect(byId.hang).toMatchObject({ status: 'fail' });
    expect(byId.hang!.detail).toMatch(/did not finish within 0.1 s/);
    expect(hungSignal?.aborted).toBe(true);
    expect(byId.malformed!.status).toBe('fail');
    expect(byId.fine!.status).toBe('ok');
  });

  it('rejects with CANCELLED when the caller aborts', async () => {
    const controller = new AbortController();
    const run = runDiagnostics(testContext(root), {
      signal: controller.signal,
      checks: [
        check(
          'wait',
          (_c, signal) =>
            new Promise((_r, reject) =>
              signal.addEventListener('abort', () => reject(new Error('aborted'))),
            ),
        ),
      ],
    });
    setTimeout(() => controller.abort(), 10);
    const err = await run.catch((e: unknown) => e);
    expect(isOpenClawError(err, ErrorCode.CANCELLED)).toBe(true);
  });

  it('runs every built-in check against an unconfigured machine without throwing', async () => {
    const ctx = testContext(root, {
      settings: testSettings(root, { gatewayPort: await freePort() }),
      statfs: async () => ({ freeBytes: 50 * 1024 ** 3, totalBytes: 100 * 1024 ** 3 }),
    });
    const results: DiagnosticResult[] = await runDiagnostics(ctx);
    expect(results.map((r) => r.id)).toEqual(BUILTIN_CHECKS.map((c) => c.id));
    expect(results.map((r) => r.id)).toEqual([
      'engine',
      'compose',
      'port',
      'config-permissions',
      'disk-space',
      'allowed-origins',
      'token-sync',
      'gateway-health',
    ]);
    const status = Object.fromEntries(results.map((r) => [r.id, r.status]));
    expect(status).toMatchObject({
      engine: 'fail',
      compose: 'ok',
      port: 'ok',
      'config-permissions': 'warn',
      'disk-space': 'ok',
      'allowed-origins': 'skip',
      'token-sync': 'skip',
      'gateway-health': 'warn',
    });
  });
});

describe('CheckRegistry', () => {
  it('refuses duplicate ids and removes a check on dispose', () => {
    const registry = createCheckRegistry();
    expect(() =>
      registry.register(check('engine', async () => ({ status: 'ok', detail: '' }))),
    ).toThrow(OpenClawError);
    const extra = registry.register(check('extra', async () => ({ status: 'ok', detail: '' })));
    expect(registry.list().at(-1)?.id).toBe('extra');
    extra.dispose();
    expect(registry.list().map((c) => c.id)).toEqual(BUILTIN_CHECKS.map((c) => c.id));
    expect(new CheckRegistry().list()).toEqual([]);
  });
});

describe('engine check', () => {
  it('names the next step per OS and per failure', async () => {
    expect((await engineCheck.run(testContext(root), never)).fix?.docs).toMatch(/docker/);
    const ok = await engineCheck.run(testContext(root, { engine: fakeEngine() }), never);
    expect(ok).toMatchObject({ status: 'ok' });
    expect(ok.detail).toContain('Docker 27.0.1');
    const down = (platform: NodeJS.Platform, code: ErrorCode = ErrorCode.DOCKER_UNAVAILABLE) =>
      engineCheck.run(
        testContext(root, {
          platform,
          engine: fakeEngine({
            ping: { ok: false, error: new OpenClawError(code, 'Docker is not running') },
          }),
        }),
        never,
      );
    expect((await down('darwin')).fix).toMatchObject({
      command: 'open -a Docker',
      action: 'start-engine',
    });
    expect((await down('linux')).fix?.command).toBe('sudo systemctl start docker');
    expect((await down('win32')).fix?.command).toMatch(/Docker Desktop/);
    const denied = await down('linux', ErrorCode.DOCKER_PERMISSION_DENIED);
    expect(denied).toMatchObject({ status: 'fail' });
    expect(denied.fix?.command).toBe('sudo usermod -aG docker $USER');
  });
});

describe('compose check', () => {
  it('accepts v2 and v1, and explains a missing compose', async () => {
    expect((await composeCheck.run(testContext(root), never)).status).toBe('ok');
    const v1 = await composeCheck.run(
      testContext(root, {
        compose: null,
        detectCompose: async () => ({ kind: 'v1', command: ['docker-compose'], version: '1.29.2' }),
      }),
      never,
    );
    expect(v1).toMatchObject({ status: 'ok', data: { kind: 'v1' } });
    expect(v1.detail).toMatch(/legacy v1/);
    const missing = await composeCheck.run(
      testContext(root, {
        compose: null,
        detectCompose: async () => {
          throw new OpenClawError(ErrorCode.COMPOSE_MISSING, 'Docker Compose was not found.');
        },
      }),
      never,
    );
    expect(missing).toMatchObject({ status: 'fail', detail: 'Docker Compose was not found.' });
    expect(missing.fix?.command).toBe('sudo apt-get install docker-compose-plugin');
  });
});

describe('port check', () => {
  let server: net.Server | undefined;
  afterEach(async () => {
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
    server = undefined;
  });
  async function hold(): Promise<number> {
    server = net.createServer((socket) => socket.destroy());
    await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
    return (server.address() as net.AddressInfo).port;
  }
  const ctxFor = (port: number, engine = fakeEngine()) =>
    testContext(root, { settings: testSettings(root, { gatewayPort: port }), engine });

  it('is ok for a free port', async () => {
    expect((await portCheck.run(ctxFor(await freePort()), never)).status).toBe('ok');
  });

  it('is ok when our own gateway holds it', async () => {
    const port = await hold();
    const engine = fakeEngine({
      publishing: [
        {
          id: 'x',
          name: 'openclaw-openclaw-gateway-1',
          project: 'openclaw',
          service: 'openclaw-gateway',
        },
      ],
    });
    const result = await portCheck.run(ctxFor(port, engine), never);
    expect(result.status).toBe('ok');
    expect(result.detail).toMatch(/this app's gateway/);
  });

  it('names another compose project and suggests a free port', async () => {
    const port = await hold();
    const engine = fakeEngine({
      publishing: [{ id: 'y', name: 'other-gw-1', project: 'other', service: 'openclaw-gateway' }],
    });
    const result = await portCheck.run(ctxFor(port, engine), never);
    expect(result.status).toBe('fail');
    expect(result.detail).toContain(
      `Another program holds port ${port}: container other-gw-1 (compose project "other")`,
    );
    expect(result.fix?.action).toBe('choose-port');
    const suggestion = result.data?.suggestion as number;
    expect(suggestion).toBeGreaterThan(port);
    expect(result.fix?.label).toBe(`Use port ${suggestion} instead`);
  });

  it('says "another program" when no container publishes it', async () => {
    const port = await hold();
    const result = await portCheck.run(ctxFor(port, null as never), never);
    expect(result.status).toBe('fail');
    expect(result.detail).toMatch(
      new RegExp(`^Another program holds port ${port}: another program answers`),
    );
  });
});

describe('gateway health check', () => {
  it('is ok when /healthz answers 200 and fails on an error status', async () => {
    const healthy = await httpServer(200);
    const sick = await httpServer(503);
    try {
      const ok = await healthCheck.run(
        testContext(root, {
          settings: testSettings(root, { gatewayPort: healthy.port }),
          engine: fakeEngine({ containers: [container()] }),
        }),
        never,
      );
      expect(ok.status).toBe('ok');
      expect(ok.detail).toMatch(/answered 200 .* Container health: healthy/);
      const bad = await healthCheck.run(
        testContext(root, { settings: testSettings(root, { gatewayPort: sick.port }) }),
        never,
      );
      expect(bad.status).toBe('fail');
      expect(bad.fix?.command).toMatch(/logs --tail 100 openclaw-gateway$/);
    } finally {
      await healthy.close();
      await sick.close();
    }
  });

  it('skips a stopped or missing gateway and fails a running one that does not answer', async () => {
    const port = await freePort();
    const ctx = (containers = [container()]) =>
      testContext(root, {
        settings: testSettings(root, { gatewayPort: port }),
        engine: fakeEngine({ containers }),
      });
    expect((await healthCheck.run(ctx([]), never)).status).toBe('skip');
    const stopped = await healthCheck.run(ctx([container({ state: 'exited' })]), never);
    expect(stopped).toMatchObject({ status: 'skip', fix: { action: 'start-gateway' } });
    expect(stopped.fix?.command).toBe(
      `cd ${quoteShellArg(path.join(root, 'stack'), 'posix')} && docker compose -f docker-compose.yml up -d openclaw-gateway`,
    );
    // With extras the command names the extra file too (without it `up` drops the mounts).
    await fs.mkdir(path.join(root, 'stack'), { recursive: true });
    await fs.writeFile(path.join(root, 'stack', 'docker-compose.extra.yml'), 'services: {}\n');
    const withExtra = await healthCheck.run(ctx([container({ state: 'exited' })]), never);
    expect(withExtra.fix?.command).toMatch(
      / && docker compose -f docker-compose.yml -f docker-compose.extra.yml up -d openclaw-gateway$/,
    );
    expect((await healthCheck.run(ctx(), never)).status).toBe('fail');
  });
});
