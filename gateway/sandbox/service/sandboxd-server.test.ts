// The HTTP edge without a Docker engine: the real engine is pointed at a socket that does not
// exist, so a request that gets past the edge answers DOCKER_UNAVAILABLE (503), which proves it
// reached the engine; one refused at the edge never does. The full path runs in
// ../engine/docker-sandbox-engine.integration.test.ts.
import os from 'node:os';
import path from 'node:path';
import Dockerode from 'dockerode';
import { afterEach, describe, expect, it } from 'vitest';
import { ErrorCode } from '../../infra/errors.js';
import { freePort } from '../../testing/free-port.js';
import { testPlan } from '../engine/engine-test-support.js';
import { runSandboxd, type RunningSandboxd } from './run-sandboxd.js';
import { SandboxClient } from './sandbox-client.js';

const SECRET = 'a-per-stack-secret-of-some-length';
let running: RunningSandboxd | undefined;

async function start(): Promise<RunningSandboxd> {
  running = await runSandboxd({
    port: await freePort(),
    host: '127.0.0.1',
    secret: SECRET,
    images: ['openclaw-sandbox:bookworm-slim'],
    pathMap: [],
    stateDir: path.join(os.tmpdir(), 'oc-sandboxd-unit-never-written'),
    docker: new Dockerode({ socketPath: path.join(os.tmpdir(), 'no-such-docker.sock') }),
  });
  return running;
}

afterEach(async () => {
  await running?.close();
  running = undefined;
});

async function post(url: string, body: string, secret?: string): Promise<Response> {
  return fetch(url, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      ...(secret ? { authorization: `Bearer ${secret}` } : {}),
    },
    body,
  });
}

describe('sandboxd HTTP edge', () => {
  it('refuses requests without the right secret and serves the ones with it', async () => {
    const s = await start();
    const none = await fetch(`${s.url}/v1/containers`);
    expect(none.status).toBe(401);
    const body = (await none.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe(ErrorCode.GATEWAY_AUTH_INVALID);
    expect(body.error.message).not.toContain(SECRET);
    const basic = await fetch(`${s.url}/v1/containers`, {
      headers: { authorization: `Basic ${SECRET}` },
    });
    expect(basic.status).toBe(401);
    const client = new SandboxClient({ url: s.url, secret: SECRET });
    await expect(client.list()).rejects.toMatchObject({ code: ErrorCode.DOCKER_UNAVAILABLE });
    expect((await fetch(`${s.url}/healthz`)).status).toBe(200);
  });

  it('locks an address out after repeated failures, even for the right secret', async () => {
    const s = await start();
    for (let i = 0; i < 10; i += 1)
      expect(
        (await fetch(`${s.url}/v1/containers`, { headers: { authorization: 'Bearer nope' } }))
          .status,
      ).toBe(401);
    const locked = await fetch(`${s.url}/v1/containers`, {
      headers: { authorization: `Bearer ${SECRET}` },
    });
    expect(locked.status).toBe(429);
  });

  it('caps bodies and checks their shape before the engine', async () => {
    const s = await start();
    const huge = await post(
      `${s.url}/v1/exec`,
      JSON.stringify({ command: 'x'.repeat(9 * 1024 * 1024) }),
      SECRET,
    );
    expect(huge.status).toBe(400);
    expect(((await huge.json()) as { error: { message: string } }).error.message).toMatch(
      /larger than/,
    );
    const notJson = await post(`${s.url}/v1/exec`, '{', SECRET);
    expect(notJson.status).toBe(400);
    const shape = await post(
      `${s.url}/v1/exec`,
      JSON.stringify({ containerName: 'x', command: 1 }),
      SECRET,
    );
    expect(((await shape.json()) as { error: { message: string } }).error.message).toMatch(
      /exec.command must be a string/,
    );
    const unknown = await post(`${s.url}/v1/nothing`, '{}', SECRET);
    expect(unknown.status).toBe(404);
  });

  it('applies the policy gate to plans that arrive over HTTP', async () => {
    const s = await start();
    const client = new SandboxClient({ url: s.url, secret: SECRET });
    const plan = testPlan('openclaw-sbx-main', '/srv/ws', {
      spec: { image: 'openclaw-sandbox:bookworm-slim', network: 'host' },
    });
    await expect(client.ensure(plan)).rejects.toMatchObject({
      code: ErrorCode.INVALID_ARGUMENT,
      details: { status: 400, rule: 'network-shared' },
    });
    const { spec, ...noSpec } = plan;
    void spec;
    await expect(client.ensure(noSpec as never)).rejects.toThrow(/plan.spec must be an object/);
  });

  it('serves the process endpoints behind the secret, shape-checked', async () => {
    const s = await start();
    const read = { processId: 'p1', stdoutOffset: 0, stderrOffset: 0 };
    expect((await post(`${s.url}/v1/process/read`, JSON.stringify(read))).status).toBe(401);
    const negative = await post(
      `${s.url}/v1/process/read`,
      JSON.stringify({ ...read, stdoutOffset: -1 }),
      SECRET,
    );
    expect(negative.status).toBe(400);
    expect(((await negative.json()) as { error: { message: string } }).error.message).toMatch(
      /offsets must not be negative/,
    );
    const end = await post(
      `${s.url}/v1/process/write`,
      JSON.stringify({ processId: 'p1', end: 'yes' }),
      SECRET,
    );
    expect(((await end.json()) as { error: { message: string } }).error.message).toMatch(
      /process.end must be a boolean/,
    );
    const client = new SandboxClient({ url: s.url, secret: SECRET });
    // Unknown processes are refused by the engine without Docker; a start reaches Docker.
    await expect(client.readProcess(read)).rejects.toMatchObject({
      code: ErrorCode.NOT_FOUND,
      details: { status: 404 },
    });
    await expect(client.killProcess('p1')).rejects.toMatchObject({ code: ErrorCode.NOT_FOUND });
    await expect(
      client.startProcess({ containerName: 'openclaw-sbx-main', command: 'true' }),
    ).rejects.toMatchObject({ code: ErrorCode.DOCKER_UNAVAILABLE });
  });

  it('refuses a short secret at start', async () => {
    await expect(
      runSandboxd({
        port: 0,
        host: '127.0.0.1',
        secret: 'short',
        images: ['x'],
        pathMap: [],
        docker: new Dockerode(),
      }),
    ).rejects.toThrow(/at least 16 characters/);
  });
});
