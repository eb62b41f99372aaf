import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { isOpenClawError } from '../../gateway/infra/errors.js';
import {
  dockerHostOf,
  engineEnv,
  parseDockerHost,
  resolveEngineEndpoint,
} from './engine-endpoint.js';

const HOME = '/home/ada';

function files(map: Record<string, string>): (p: string) => string | undefined {
  return (p) => map[p];
}

describe('parseDockerHost', () => {
  it('reads unix, npipe, tcp, bare host:port and ssh forms', () => {
    expect(parseDockerHost('unix:///run/user/1000/docker.sock', 'DOCKER_HOST')).toEqual({
      kind: 'unix',
      socketPath: '/run/user/1000/docker.sock',
      source: 'DOCKER_HOST',
    });
    expect(parseDockerHost('npipe:////./pipe/docker_engine', 'DOCKER_HOST')).toMatchObject({
      kind: 'npipe',
      pipePath: '//./pipe/docker_engine',
    });
    expect(parseDockerHost('npipe://', 'DOCKER_HOST')).toMatchObject({
      kind: 'npipe',
      pipePath: '//./pipe/docker_engine',
    });
    expect(parseDockerHost('tcp://10.0.0.5:2375', 'DOCKER_HOST')).toMatchObject({
      kind: 'tcp',
      host: '10.0.0.5',
      port: 2375,
      tls: undefined,
    });
    expect(parseDockerHost('10.0.0.5:2375', 'DOCKER_HOST')).toMatchObject({
      kind: 'tcp',
      host: '10.0.0.5',
      port: 2375,
    });
    expect(parseDockerHost('tcp://[::1]:2375', 'DOCKER_HOST')).toMatchObject({
      kind: 'tcp',
      host: '::1',
      port: 2375,
    });
    expect(parseDockerHost('ssh://ops@build.example:2222', 'DOCKER_HOST')).toMatchObject({
      kind: 'ssh',
      host: 'build.example',
      port: 2222,
      username: 'ops',
    });
  });

  it('defaults the tcp port to 2376 with TLS and 2375 without', () => {
    expect(parseDockerHost('tcp://h', 'DOCKER_HOST')).toMatchObject({ port: 2375 });
    expect(parseDockerHost('tcp://h', 'DOCKER_HOST', () => ({ verify: true }))).toMatchObject({
      port: 2376,
      tls: { verify: true },
    });
  });

  it('rejects unusable values with DOCKER_UNAVAILABLE naming the variable', () => {
    for (const bad of ['unix://', 'fd://', 'tcp://']) {
      let caught: unknown;
      try {
        parseDockerHost(bad, 'DOCKER_HOST');
      } catch (err) {
        caught = err;
      }
      expect(isOpenClawError(caught, 'DOCKER_UNAVAILABLE'), bad).toBe(true);
      expect((caught as Error).message).toContain('DOCKER_HOST');
    }
  });
});

describe('resolveEngineEndpoint', () => {
  it('prefers DOCKER_HOST, reading TLS files from DOCKER_CERT_PATH', () => {
    const endpoint = resolveEngineEndpoint({
      env: {
        DOCKER_HOST: 'tcp://docker.lan:2376',
        DOCKER_TLS_VERIFY: '1',
        DOCKER_CERT_PATH: '/certs',
      },
      homedir: HOME,
      exists: () => true,
      readFile: files({
        '/certs/ca.pem': 'CA',
        '/certs/cert.pem': 'CERT',
        '/certs/key.pem': 'KEY',
      }),
    });
    expect(endpoint).toEqual({
      kind: 'tcp',
      host: 'docker.lan',
      port: 2376,
      tls: { verify: true, ca: 'CA', cert: 'CERT', key: 'KEY' },
      source: 'DOCKER_HOST',
    });
  });

  it('uses the current docker context from config.json', () => {
    const id = createHash('sha256').update('desktop-linux').digest('hex');
    const endpoint = resolveEngineEndpoint({
      env: {},
      platform: 'darwin',
      homedir: HOME,
      exists: () => true,
      readFile: files({
        [`${HOME}/.docker/config.json`]: JSON.stringify({ currentContext: 'desktop-linux' }),
        [`${HOME}/.docker/contexts/meta/${id}/meta.json`]: JSON.stringify({
          Name: 'desktop-linux',
          Endpoints: {
            docker: { Host: `unix://${HOME}/.docker/run/docker.sock`, SkipTLSVerify: false },
          },
        }),
      }),
    });
    expect(endpoint).toEqual({
      kind: 'unix',
      socketPath: `${HOME}/.docker/run/docker.sock`,
      source: 'context',
    });
    expect(engineEnv(endpoint)).toEqual({});
  });

  it('lets DOCKER_CONTEXT override config.json and fails clearly for an unknown context', () => {
    let caught: unknown;
    try {
      resolveEngineEndpoint({
        env: { DOCKER_CONTEXT: 'gone' },
        homedir: HOME,
        readFile: files({
          [`${HOME}/.docker/config.json`]: JSON.stringify({ currentContext: 'default' }),
        }),
      });
    } catch (err) {
      caught = err;
    }
    expect(isOpenClawError(caught, 'DOCKER_UNAVAILABLE')).toBe(true);
    expect((caught as Error).message).toContain('docker context use default');
  });

  it('treats the "default" context and a broken config.json as no context', () => {
    for (const config of [JSON.stringify({ currentContext: 'default' }), '{not json']) {
      const endpoint = resolveEngineEndpoint({
        env: {},
        platform: 'linux',
        homedir: HOME,
        exists: (p) => p === '/var/run/docker.sock',
        readFile: files({ [`${HOME}/.docker/config.json`]: config }),
      });
      expect(endpoint).toEqual({
        kind: 'unix',
        socketPath: '/var/run/docker.sock',
        source: 'default',
      });
    }
  });

  it('uses the named pipe on Windows', () => {
    expect(
      resolveEngineEndpoint({
        env: {},
        platform: 'win32',
        homedir: 'C:\\Users\\ada',
        readFile: () => undefined,
      }),
    ).toEqual({
      kind: 'npipe',
      pipePath: '//./pipe/docker_engine',
      source: 'default',
    });
  });

  it('probes rootless and per-user sockets when the system socket is missing, and exports them', () => {
    const endpoint = resolveEngineEndpoint({
      env: { XDG_RUNTIME_DIR: '/run/user/1000' },
      platform: 'linux',
      homedir: HOME,
      exists: (p) => p === '/run/user/1000/docker.sock',
      readFile: () => undefined,
    });
    expect(endpoint).toEqual({
      kind: 'unix',
      socketPath: '/run/user/1000/docker.sock',
      source: 'probe',
    });
    // The compose CLI would not find a probed socket on its own.
    expect(engineEnv(endpoint)).toEqual({ DOCKER_HOST: 'unix:///run/user/1000/docker.sock' });
  });

  it('falls back to the system socket when nothing exists (so the ping says "not running")', () => {
    expect(
      resolveEngineEndpoint({
        env: {},
        platform: 'linux',
        homedir: HOME,
        exists: () => false,
        readFile: () => undefined,
      }),
    ).toEqual({
      kind: 'unix',
      socketPath: '/var/run/docker.sock',
      source: 'default',
    });
  });
});

describe('dockerHostOf', () => {
  it('round-trips through parseDockerHost', () => {
    for (const host of [
      'unix:///var/run/docker.sock',
      'npipe:////./pipe/docker_engine',
      'tcp://10.1.2.3:2375',
      'tcp://[::1]:2375',
      'ssh://ops@h:22',
    ]) {
      expect(dockerHostOf(parseDockerHost(host, 'DOCKER_HOST'))).toBe(host);
    }
  });
});
