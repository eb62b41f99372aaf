import { promises as fs } from 'node:fs';
import type os from 'node:os';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type Dockerode from 'dockerode';
import { describe, expect, it } from 'vitest';
import { describeReachability } from './reachability.js';
import { StackManager } from './stack-manager.js';

const IFACES = {
  lo: [{ address: '127.0.0.1', family: 'IPv4', internal: true }],
  eth0: [{ address: '192.168.1.23', family: 'IPv4', internal: false }],
  docker0: [{ address: '172.17.0.1', family: 'IPv4', internal: false }],
} as unknown as NodeJS.Dict<os.NetworkInterfaceInfo[]>;

describe('describeReachability', () => {
  it('reads the container bindings: loopback means this computer only', () => {
    expect(
      describeReachability(
        { exposeOnLan: true, gatewayPort: 18789 },
        [{ HostIp: '127.0.0.1', HostPort: '18790' }],
        IFACES,
      ),
    ).toEqual({
      source: 'container',
      publishAddress: '127.0.0.1',
      port: 18790,
      scope: 'this-computer',
      localUrl: 'http://127.0.0.1:18790/',
      lanUrls: [],
      lanAddresses: ['192.168.1.23'],
    });
  });

  it('reads 0.0.0.0 (and Docker’s empty or :: host ip) as the LAN addresses', () => {
    for (const HostIp of ['0.0.0.0', '', '::']) {
      const r = describeReachability(
        { exposeOnLan: false, gatewayPort: 18789 },
        [{ HostIp, HostPort: '18789' }],
        IFACES,
      );
      expect(r).toMatchObject({
        source: 'container',
        publishAddress: '0.0.0.0',
        scope: 'network',
        localUrl: 'http://127.0.0.1:18789/',
        lanUrls: ['http://192.168.1.23:18789/'],
      });
    }
  });

  it('falls back to the settings without a container', () => {
    expect(
      describeReachability({ exposeOnLan: true, gatewayPort: 19000 }, undefined, IFACES),
    ).toMatchObject({
      source: 'settings',
      publishAddress: '0.0.0.0',
      port: 19000,
      lanUrls: ['http://192.168.1.23:19000/'],
    });
    expect(
      describeReachability({ exposeOnLan: false, gatewayPort: 19000 }, [], IFACES),
    ).toMatchObject({ source: 'settings', scope: 'this-computer', lanUrls: [] });
  });
});

describe('StackManager.cliCommand', () => {
  async function manager(
    compose: { kind: 'v1' | 'v2'; command: string[] },
    projectName: string,
    extra: boolean,
  ) {
    const stackDir = await fs.mkdtemp(path.join(tmpdir(), 'wtlan stack '));
    await fs.writeFile(path.join(stackDir, 'docker-compose.yml'), 'services: {}\n');
    if (extra) await fs.writeFile(path.join(stackDir, 'docker-compose.extra.yml'), '');
    const m = new StackManager({
      stackDir,
      docker: {} as Dockerode,
      env: {},
      bundleDir: '/nowhere',
      projectName,
      platform: 'linux',
      compose: { ...compose, version: 'x' },
    });
    return { m, stackDir };
  }

  it('names the stack folder, the detected v1 CLI and the extra file', async () => {
    const { m, stackDir } = await manager(
      { kind: 'v1', command: ['docker-compose'] },
      'openclaw',
      true,
    );
    try {
      expect(await m.cliCommand(['devices', 'approve', 'req-1'])).toEqual({
        shell: 'posix',
        command: `cd '${stackDir}' && docker-compose -f docker-compose.yml -f docker-compose.extra.yml run --rm openclaw-cli devices approve req-1`,
      });
    } finally {
      await fs.rm(stackDir, { recursive: true, force: true });
    }
  });

  it('uses the v2 plugin and the project when it is not the default', async () => {
    const { m, stackDir } = await manager(
      { kind: 'v2', command: ['docker', 'compose'] },
      'wtlan-x',
      false,
    );
    try {
      expect((await m.cliCommand(['devices', 'list'])).command).toBe(
        `cd '${stackDir}' && docker compose -f docker-compose.yml -p wtlan-x run --rm openclaw-cli devices list`,
      );
    } finally {
      await fs.rm(stackDir, { recursive: true, force: true });
    }
  });
});
