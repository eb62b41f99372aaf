// The sandbox engine against the REAL Docker engine with the local base image as the sandbox
// image: hardening seen from inside, exec (login PATH, stdin, caps, a timeout that leaves no
// process), the policy refusals, recreate-when-idle vs keep-when-hot, prune, and the sandboxd
// service in front (client → service → engine → container). Every container is named
// openclaw-it-sbx-<runId>-… and removed in afterAll.
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ErrorCode, isOpenClawError, type OpenClawError } from '../../infra/errors.js';
import { createLogger, type LogRecord } from '../../infra/logger.js';
import { freePort } from '../../testing/free-port.js';
import { SANDBOX_DEFAULTS, type SandboxPlan } from '../contract.js';
import { SandboxClient } from '../service/sandbox-client.js';
import { runSandboxd, type RunningSandboxd } from '../service/run-sandboxd.js';
import { DockerSandboxEngine } from './docker-sandbox-engine.js';
import { detectOwnPathMap, toHostPath } from './path-map.js';
import { SANDBOX_TEST_IMAGE, sandboxEngineFixture, testPlan } from './engine-test-support.js';

const { docker, ready, skipNote, runId } = await sandboxEngineFixture();
const prefix = `openclaw-it-sbx-${runId}`;
const SECRET = `secret-${runId}-0123456789`;

let root = '';
let ws = '';
let outside = '';
let offsetMs = 0;
const logs: LogRecord[] = [];
let engine: DockerSandboxEngine;
let service: RunningSandboxd | undefined;

function plan(suffix: string, overrides: Parameters<typeof testPlan>[2] = {}): SandboxPlan {
  return testPlan(`${prefix}-${suffix}`, ws, overrides);
}

async function refusal(p: SandboxPlan): Promise<OpenClawError> {
  const err = await engine.ensure(p).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(isOpenClawError(err, ErrorCode.INVALID_ARGUMENT)).toBe(true);
  // Refused before any Docker call: no container of that name exists.
  await expect(docker.getContainer(p.containerName).inspect()).rejects.toMatchObject({
    statusCode: 404,
  });
  return err as OpenClawError;
}

const PROCS = `for d in /proc/[0-9]*; do tr '\\0' ' ' < $d/cmdline 2>/dev/null; echo; done`;

beforeAll(async () => {
  root = await fs.mkdtemp(path.join(os.tmpdir(), 'oc-sbx-it-'));
  ws = path.join(root, 'ws');
  outside = path.join(root, 'outside');
  await fs.mkdir(ws, { mode: 0o777 });
  await fs.chmod(ws, 0o777);
  await fs.chmod(root, 0o755);
  await fs.mkdir(outside);
  await fs.symlink('/etc', path.join(ws, 'etc-link'));
  await fs.symlink(outside, path.join(ws, 'out-link'));
  engine = new DockerSandboxEngine({
    docker,
    stateDir: path.join(root, 'state'),
    images: [SANDBOX_TEST_IMAGE],
    logger: createLogger({ level: 'debug', sink: (r) => logs.push(r) }),
    now: () => Date.now() + offsetMs,
  });
});

afterAll(async () => {
  await service?.close();
  if (ready) {
    const mine = await docker.listContainers({ all: true, filters: { name: [prefix] } });
    await Promise.all(mine.map((c) => docker.getContainer(c.Id).remove({ force: true })));
  }
  if (root) await fs.rm(root, { recursive: true, force: true });
}, 30_000);

describe.skipIf(!ready)(`sandbox engine on the real engine${skipNote}`, () => {
  it('creates a hardened container and shows it from inside', async () => {
    const p = plan('hard', { spec: { user: '1000:1000', pidsLimit: 64, memory: '256m' } });
    const { created, container } = await engine.ensure(p);
    expect(created).toBe(true);
    expect(container.running).toBe(true);
    const r = await engine.exec({
      containerName: p.containerName,
      command: [
        'id -u',
        'grep CapEff /proc/self/status',
        'touch /rootfs-write 2>/dev/null && echo root-writable || echo root-readonly',
        'ls /sys/class/net | tr "\\n" " "; echo',
        'cat /sys/fs/cgroup/pids.max 2>/dev/null || cat /sys/fs/cgroup/pids/pids.max',
        'cat /sys/fs/cgroup/memory.max 2>/dev/null || cat /sys/fs/cgroup/memory/memory.limit_in_bytes',
        'pwd',
      ].join('; '),
    });
    const lines = r.stdout.trim().split('\n');
    expect(r.exitCode).toBe(0);
    expect(lines[0]).toBe('1000');
    expect(lines[1]).toMatch(/^CapEff:\s+0+$/);
    expect(lines[2]).toBe('root-readonly');
    expect(lines[3]!.trim()).toBe('lo');
    expect(lines[4]).toBe('64');
    expect(lines[5]).toBe(String(256 * 1024 * 1024));
    expect(lines[6]).toBe('/workspace');
    const info = await docker.getContainer(p.containerName).inspect();
    expect(info.HostConfig.Init).toBe(true);
    expect(info.HostConfig.SecurityOpt).toContain('no-new-privileges');
    expect(info.HostConfig.Memory).toBe(256 * 1024 * 1024);
    expect(info.Config.Labels?.['openclaw.sandbox']).toBe('1');
  });

  it('applies a seccomp profile read from a file', async () => {
    // Allows everything except mkdir/mkdirat, so the profile's effect is visible from inside.
    const profile = {
      defaultAction: 'SCMP_ACT_ALLOW',
      syscalls: [{ names: ['mkdir', 'mkdirat'], action: 'SCMP_ACT_ERRNO' }],
    };
    const file = path.join(root, 'seccomp.json');
    await fs.writeFile(file, JSON.stringify(profile));
    const p = plan('seccomp-file', { spec: { seccompProfile: file } });
    await engine.ensure(p);
    const r = await engine.exec({ containerName: p.containerName, command: 'mkdir /tmp/x' });
    expect(r.exitCode).not.toBe(0);
    expect(r.stderr).toMatch(/Operation not permitted/);
    await engine.remove(p.containerName);
  });

  it('runs a login shell whose PATH survives /etc/profile, with stdin and output caps', async () => {
    const p = plan('exec', {
      spec: {
        env: { PATH: '/opt/spec/bin:/usr/bin:/bin', OPENAI_API_KEY: 'sk-test', LANG: 'C.UTF-8' },
      },
    });
    await engine.ensure(p);
    const name = p.containerName;
    const path1 = await engine.exec({
      containerName: name,
      command: 'echo $PATH',
      env: { PATH: '/opt/call/bin' },
    });
    expect(path1.stdout.trim()).toMatch(/^\/opt\/call\/bin:\/opt\/spec\/bin:.*:\/usr\/local\/bin:/);
    const env = await engine.exec({
      containerName: name,
      command: 'echo ${OPENAI_API_KEY:-unset} $LANG',
    });
    expect(env.stdout).toBe('unset C.UTF-8\n');
    const cat = await engine.exec({
      containerName: name,
      command: 'cat; echo err >&2; exit 3',
      stdin: 'hello\n',
    });
    expect(cat).toMatchObject({ exitCode: 3, stdout: 'hello\n', stderr: 'err\n', timedOut: false });
    const big = await engine.exec({
      containerName: name,
      command: "head -c 100000 /dev/zero | tr '\\0' a; echo END",
      maxOutputBytes: 1000,
    });
    expect(big.truncatedBytes).toBe(100004 - 1000);
    expect(big.stdout.startsWith('a'.repeat(500))).toBe(true);
    expect(big.stdout.endsWith('END\n')).toBe(true);
  });

  it('kills a timed-out command inside the container, children and setsid escapes included', async () => {
    const name = `${prefix}-exec`;
    const r = await engine.exec({
      containerName: name,
      command: 'sleep 1001 & setsid sleep 1002 & sleep 1000',
      timeoutMs: 400,
    });
    expect(r).toMatchObject({ timedOut: true, exitCode: null });
    const ps = await engine.exec({ containerName: name, command: PROCS });
    expect(ps.stdout).toContain('sleep infinity');
    expect(ps.stdout).not.toMatch(/sleep 100[012]/);
  });

  it('finds a container again when it was recreated or stopped behind its back', async () => {
    const p = plan('exec', { spec: { env: { PATH: '/opt/spec/bin:/usr/bin:/bin' } } });
    const other = new DockerSandboxEngine({
      docker,
      stateDir: path.join(root, 'state'),
      images: [SANDBOX_TEST_IMAGE],
    });
    await other.remove(p.containerName);
    await other.ensure(p);
    expect(
      (await engine.exec({ containerName: p.containerName, command: 'echo again' })).stdout,
    ).toBe('again\n');
    await docker.getContainer(p.containerName).stop({ t: 0 });
    expect(
      (await engine.exec({ containerName: p.containerName, command: 'echo restarted' })).stdout,
    ).toBe('restarted\n');
  });

  it('finds its own mounts by hostname for the path map', async () => {
    const self = await docker.createContainer({
      name: `${prefix}-self`,
      Image: SANDBOX_TEST_IMAGE,
      Cmd: ['sleep', 'infinity'],
      HostConfig: { Binds: [`${ws}:/home/node/.openclaw/sandboxes`] },
    });
    const hostname = (await self.inspect()).Config.Hostname;
    const map = await detectOwnPathMap(docker, hostname);
    expect(toHostPath('/home/node/.openclaw/sandboxes/agent-main', map ?? [])).toBe(
      path.join(ws, 'agent-main'),
    );
    expect(await detectOwnPathMap(docker, `${prefix}-not-a-container`)).toBeUndefined();
  });

  it('refuses dangerous plans with clear errors before touching Docker', async () => {
    const sock = await refusal(
      plan('sock', {
        spec: {
          binds: [
            { source: '/var/run/docker.sock', target: '/var/run/docker.sock', readOnly: false },
          ],
        },
      }),
    );
    expect(sock.message).toMatch(/container engine socket/);
    const etc = await refusal(
      plan('etc', { spec: { binds: [{ source: '/etc', target: '/mnt/etc', readOnly: true }] } }),
    );
    expect(etc.message).toMatch(/system folder \(\/etc\)/);
    const host = await refusal(plan('host', { spec: { network: 'host' } }));
    expect(host.message).toMatch(/network "host"/);
    const seccomp = await refusal(plan('seccomp', { spec: { seccompProfile: 'unconfined' } }));
    expect(seccomp.message).toMatch(/unconfined/);
    const link = await refusal(
      plan('link', {
        spec: { binds: [{ source: path.join(ws, 'etc-link'), target: '/mnt/x', readOnly: true }] },
      }),
    );
    expect(link.message).toMatch(/resolves to "\/etc" through a symlink/);
    const out = await refusal(
      plan('out', {
        spec: {
          binds: [{ source: path.join(ws, 'out-link', 'sub'), target: '/mnt/x', readOnly: true }],
        },
      }),
    );
    expect(out.details?.rule).toBe('bind-source-outside-roots');
    const image = await refusal(
      plan('image', { spec: { image: 'openclaw-base/node:22-bookworm-slim' } }),
    );
    expect(image.message).toMatch(/not a configured sandbox image/);
    const priv = await refusal(plan('priv', { spec: { privileged: true } as never }));
    expect(priv.details?.rule).toBe('privileged');
  });

  it('touches no container it did not create', async () => {
    const name = `${prefix}-plain`;
    await docker.createContainer({ name, Image: SANDBOX_TEST_IMAGE, Cmd: ['sleep', 'infinity'] });
    await expect(engine.exec({ containerName: name, command: 'id' })).rejects.toMatchObject({
      details: { rule: 'container-not-sandbox' },
    });
    await expect(engine.remove(name)).rejects.toThrow(/not created by the sandbox/);
    await expect(engine.ensure(plan('plain'))).rejects.toThrow(/not created by the sandbox/);
    expect((await engine.list()).map((c) => c.containerName)).not.toContain(name);
  });

  it('keeps a hot container on a config change (with the hint), recreates it when idle', async () => {
    const setup = { spec: { setupCommand: 'echo ran >> /workspace/setup-$(hostname).log' } };
    const rw = {
      workspaceAccess: 'rw' as const,
      scope: 'session' as const,
      scopeKey: 'agent:main:s1',
    };
    const bind = [{ source: ws, target: SANDBOX_DEFAULTS.workdir, readOnly: false }];
    const a = plan('recreate', { ...rw, spec: { ...setup.spec, binds: bind } });
    const first = await engine.ensure(a);
    expect(first.created).toBe(true);
    const id1 = (await docker.getContainer(a.containerName).inspect()).Id;
    const again = await engine.ensure(a);
    expect(again.created).toBe(false);
    const hostname = id1.slice(0, 12);
    expect(await fs.readFile(path.join(ws, `setup-${hostname}.log`), 'utf8')).toBe('ran\n');

    const b = { ...a, configHash: 'hash-b' };
    const hot = await engine.ensure(b);
    expect(hot).toMatchObject({ created: false, container: { stale: true, configHash: 'hash-a' } });
    expect(logs.map((l) => l.msg)).toContain(
      `Sandbox config changed for ${a.containerName} (recently used). Recreate to apply: openclaw sandbox recreate --session agent:main:s1`,
    );
    expect((await engine.list()).find((c) => c.containerName === a.containerName)?.stale).toBe(
      true,
    );
    const registry = JSON.parse(
      await fs.readFile(path.join(root, 'state', 'sandbox', 'containers.json'), 'utf8'),
    );
    expect(
      registry.entries.find((e: { containerName: string }) => e.containerName === a.containerName),
    ).toMatchObject({
      sessionKey: 'agent:main:s1',
      configHash: 'hash-a',
      wantedConfigHash: 'hash-b',
      image: SANDBOX_TEST_IMAGE,
    });

    offsetMs += SANDBOX_DEFAULTS.hotWindowMs + 60_000;
    const idle = await engine.ensure(b);
    expect(idle).toMatchObject({
      created: true,
      container: { stale: false, configHash: 'hash-b' },
    });
    expect((await docker.getContainer(a.containerName).inspect()).Id).not.toBe(id1);
  });

  it('serves the API behind the secret: refused without it, served with it', async () => {
    const port = await freePort();
    service = await runSandboxd({
      port,
      host: '127.0.0.1',
      secret: SECRET,
      images: [SANDBOX_TEST_IMAGE],
      pathMap: [],
      stateDir: path.join(root, 'state'),
      docker,
    });
    const bare = await fetch(`${service.url}/v1/containers`);
    expect(bare.status).toBe(401);
    const wrong = new SandboxClient({ url: service.url, secret: `${SECRET}x` });
    await expect(wrong.list()).rejects.toMatchObject({ code: ErrorCode.GATEWAY_AUTH_INVALID });

    const client = new SandboxClient({ url: service.url, secret: SECRET });
    const p = plan('svc');
    expect((await client.ensure(p)).created).toBe(true);
    const r = await client.exec({ containerName: p.containerName, command: 'echo via-service' });
    expect(r).toMatchObject({ exitCode: 0, stdout: 'via-service\n' });
    await expect(
      client.ensure(plan('svc-host', { spec: { network: 'host' } })),
    ).rejects.toMatchObject({
      code: ErrorCode.INVALID_ARGUMENT,
      message: expect.stringMatching(/network "host"/),
    });
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 300);
    await expect(
      client.exec({ containerName: p.containerName, command: 'sleep 1003' }, controller.signal),
    ).rejects.toMatchObject({ code: ErrorCode.CANCELLED });
    await new Promise((r2) => setTimeout(r2, 300));
    const ps = await client.exec({ containerName: p.containerName, command: PROCS });
    expect(ps.stdout).not.toContain('sleep 1003');
    expect((await client.list()).map((c) => c.containerName)).toContain(p.containerName);
  });

  it('prunes idle containers and forgets them', async () => {
    offsetMs += 25 * 3_600_000;
    const removed = await engine.prune({ idleHours: 24, maxAgeDays: 0 });
    for (const s of ['hard', 'exec', 'recreate', 'svc'])
      expect(removed).toContain(`${prefix}-${s}`);
    const left = (await engine.list()).filter((c) => c.containerName.startsWith(prefix));
    expect(left).toEqual([]);
  });
});
