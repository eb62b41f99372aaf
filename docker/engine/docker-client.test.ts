// dockerode against a small fake engine on a real unix socket: the client's wiring and the error
// adapter are exercised through real HTTP, without needing a Docker engine.
import fs from 'node:fs/promises';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OpenClawError, isOpenClawError } from '../../gateway/infra/errors.js';
import {
  createDockerClient,
  dockerodeOptions,
  endpointOf,
  pingEngine,
  translateDockerError,
} from './docker-client.js';

const posix = process.platform !== 'win32';
let dir = '';
let socketPath = '';
let server: http.Server | undefined;

beforeAll(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'oc-docker-client-'));
  socketPath = path.join(dir, 'engine.sock');
  if (!posix) return;
  server = http.createServer((req, res) => {
    const json = (status: number, body: unknown): void => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    const url = req.url ?? '';
    if (url.endsWith('/_ping')) {
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.end('OK');
    } else if (url.endsWith('/version'))
      json(200, { Version: '99.1.0', ApiVersion: '1.99', Os: 'linux', Arch: 'amd64' });
    else if (url.includes('/containers/')) json(404, { message: 'No such container: ghost' });
    else if (url.includes('/images/')) json(404, { message: 'No such image: ghost:latest' });
    else json(500, { message: 'boom' });
  });
  await new Promise<void>((resolve) => server?.listen(socketPath, resolve));
});

afterAll(async () => {
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  await fs.rm(dir, { recursive: true, force: true });
});

describe.skipIf(!posix)('createDockerClient + pingEngine (fake engine on a unix socket)', () => {
  it('pings through DOCKER_HOST and reports the version', async () => {
    const docker = createDockerClient({ env: { DOCKER_HOST: `unix://${socketPath}` } });
    expect(endpointOf(docker)).toEqual({ kind: 'unix', socketPath, source: 'DOCKER_HOST' });
    expect(await pingEngine(docker)).toEqual({
      ok: true,
      version: '99.1.0',
      apiVersion: '1.99',
      os: 'linux',
      arch: 'amd64',
    });
  });

  it('returns DOCKER_UNAVAILABLE naming the socket when nothing listens', async () => {
    const missing = path.join(dir, 'nothing.sock');
    const result = await pingEngine(
      createDockerClient({ env: { DOCKER_HOST: `unix://${missing}` } }),
    );
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.code).toBe('DOCKER_UNAVAILABLE');
    expect(result.error.message).toContain(missing);
    expect(result.error.message).toContain('systemctl start docker');
  });

  it('rejects with CANCELLED when the caller aborts', async () => {
    const docker = createDockerClient({ env: { DOCKER_HOST: `unix://${socketPath}` } });
    await expect(pingEngine(docker, AbortSignal.abort())).rejects.toMatchObject({
      code: 'CANCELLED',
    });
  });

  it('translates real 404s into CONTAINER_NOT_FOUND / IMAGE_NOT_FOUND', async () => {
    const docker = createDockerClient({ env: { DOCKER_HOST: `unix://${socketPath}` } });
    const containerErr = await docker
      .getContainer('ghost')
      .inspect()
      .catch((err: unknown) => err);
    expect(translateDockerError(containerErr).code).toBe('CONTAINER_NOT_FOUND');
    const imageErr = await docker
      .getImage('ghost')
      .inspect()
      .catch((err: unknown) => err);
    const translated = translateDockerError(imageErr, { ref: 'ghost' });
    expect(translated.code).toBe('IMAGE_NOT_FOUND');
    expect(translated.message).toContain('"ghost"');
  });
});

describe('dockerodeOptions', () => {
  it('sets every connection key so process.env.DOCKER_HOST cannot override the endpoint', () => {
    const options = dockerodeOptions({ kind: 'unix', socketPath: '/x.sock', source: 'default' });
    expect(options).toMatchObject({ socketPath: '/x.sock' });
    expect(Object.keys(options)).toEqual(expect.arrayContaining(['host', 'port', 'protocol']));
    expect(options.host).toBeUndefined();
  });

  it('uses https with an agent for TLS endpoints and ssh with the agent socket', () => {
    expect(
      dockerodeOptions({
        kind: 'tcp',
        host: 'h',
        port: 2376,
        tls: { verify: false },
        source: 'DOCKER_HOST',
      }),
    ).toMatchObject({
      host: 'h',
      port: 2376,
      protocol: 'https',
    });
    expect(
      dockerodeOptions(
        { kind: 'ssh', host: 'h', port: 22, username: 'ops', source: 'DOCKER_HOST' },
        { SSH_AUTH_SOCK: '/agent.sock' },
      ),
    ).toMatchObject({ protocol: 'ssh', username: 'ops', sshOptions: { agent: '/agent.sock' } });
  });
});

function sysError(code: string, address?: string): Error {
  return Object.assign(new Error(`connect ${code} ${address ?? ''}`), {
    code,
    syscall: 'connect',
    address,
  });
}

function httpError(statusCode: number, message: string): Error {
  return Object.assign(new Error(`(HTTP code ${statusCode}) - ${message}`), {
    statusCode,
    json: { message },
  });
}

describe('translateDockerError', () => {
  it('maps a missing or refused socket to DOCKER_UNAVAILABLE', () => {
    for (const code of ['ENOENT', 'ECONNREFUSED']) {
      const err = translateDockerError(sysError(code, '/var/run/docker.sock'));
      expect(err.code).toBe('DOCKER_UNAVAILABLE');
      expect(err.message).toContain('Docker Desktop');
    }
  });

  it('maps EACCES to DOCKER_PERMISSION_DENIED with the docker-group advice, never chmod', () => {
    const err = translateDockerError(sysError('EACCES', '/var/run/docker.sock'));
    expect(err.code).toBe('DOCKER_PERMISSION_DENIED');
    expect(err.message).toContain('usermod -aG docker');
    expect(err.message).toContain('do not chmod');
  });

  it('does not blame the socket for file-system errors (e.g. an unreadable build context file)', () => {
    const fsError = Object.assign(new Error("EACCES: permission denied, open '/ctx/key.pem'"), {
      code: 'EACCES',
      syscall: 'open',
      path: '/ctx/key.pem',
    });
    const err = translateDockerError(fsError);
    expect(err.code).toBe('REQUEST_FAILED');
    expect(err.message).toContain('/ctx/key.pem');
  });

  it('maps 404 by the caller context when the message is generic', () => {
    expect(
      translateDockerError(httpError(404, 'page not found'), { kind: 'container', ref: 'x' }).code,
    ).toBe('CONTAINER_NOT_FOUND');
    expect(translateDockerError(httpError(404, 'page not found'), { kind: 'image' }).code).toBe(
      'IMAGE_NOT_FOUND',
    );
    expect(translateDockerError(httpError(404, 'page not found')).code).toBe('NOT_FOUND');
  });

  it('keeps other HTTP errors as REQUEST_FAILED with the engine message and status', () => {
    const err = translateDockerError(httpError(409, 'conflict: unable to delete'));
    expect(err.code).toBe('REQUEST_FAILED');
    expect(err.message).toContain('conflict: unable to delete');
    expect(err.details).toMatchObject({ status: 409 });
  });

  it('maps aborts to CANCELLED and passes OpenClawErrors through', () => {
    const abort = Object.assign(new Error('aborted'), { name: 'AbortError' });
    expect(translateDockerError(abort).code).toBe('CANCELLED');
    const own = new OpenClawError('TIMEOUT', 'x');
    expect(translateDockerError(own)).toBe(own);
    expect(isOpenClawError(translateDockerError('weird'), 'REQUEST_FAILED')).toBe(true);
  });
});
