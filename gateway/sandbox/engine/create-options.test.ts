import { describe, expect, it } from 'vitest';
import { ErrorCode } from '../../infra/errors.js';
import { buildCreateOptions, parseByteSize } from './create-options.js';
import { testPlan } from './engine-test-support.js';

describe('sandbox create options', () => {
  it('maps the spec onto a hardened create body', () => {
    const plan = testPlan('openclaw-sbx-main', '/ws', {
      configHash: 'abc',
      spec: {
        user: '1000:1000',
        env: { PATH: '/opt/bin:/usr/bin', LANG: 'C.UTF-8' },
        pidsLimit: 128,
        memory: '512m',
        memorySwap: '-1',
        cpus: 1.5,
        ulimits: { nofile: { soft: 1024, hard: 2048 }, nproc: { hard: 256 } },
        dns: ['1.1.1.1', ' '],
        extraHosts: ['db:10.0.0.2'],
        apparmorProfile: 'docker-default',
        tmpfs: ['/tmp', '/run:size=64m'],
      },
    });
    const o = buildCreateOptions({
      plan,
      hostSources: ['/host/ws'],
      seccompJson: '{"x":1}',
      createdAtMs: 42,
    });
    expect(o.name).toBe('openclaw-sbx-main');
    expect(o.Cmd).toEqual(['sleep', 'infinity']);
    expect(o.User).toBe('1000:1000');
    expect(o.WorkingDir).toBe('/workspace');
    expect(o.Env).toEqual([
      'LANG=C.UTF-8',
      'OPENCLAW_PREPEND_PATH=/opt/bin:/usr/bin',
      'OPENCLAW_CLI=1',
    ]);
    expect(o.Labels).toEqual({
      'openclaw.sandbox': '1',
      'openclaw.sessionKey': 'agent:main',
      'openclaw.agentId': 'main',
      'openclaw.createdAtMs': '42',
      'openclaw.configHash': 'abc',
      'openclaw.mountFormatVersion': '2',
    });
    expect(o.HostConfig).toMatchObject({
      ReadonlyRootfs: true,
      Tmpfs: { '/tmp': '', '/run': 'size=64m' },
      NetworkMode: 'none',
      CapDrop: ['ALL'],
      SecurityOpt: ['no-new-privileges', 'seccomp={"x":1}', 'apparmor=docker-default'],
      Init: true,
      Dns: ['1.1.1.1'],
      ExtraHosts: ['db:10.0.0.2'],
      PidsLimit: 128,
      Memory: 512 * 1024 ** 2,
      MemorySwap: -1,
      NanoCpus: 1_500_000_000,
      Ulimits: [
        { Name: 'nofile', Soft: 1024, Hard: 2048 },
        { Name: 'nproc', Soft: 256, Hard: 256 },
      ],
      Mounts: [{ Type: 'bind', Source: '/host/ws', Target: '/workspace', ReadOnly: true }],
    });
    expect(o.HostConfig?.Privileged).toBeUndefined();
  });

  it('always sets no-new-privileges and leaves unset limits out', () => {
    const o = buildCreateOptions({
      plan: testPlan('n', '/ws'),
      hostSources: ['/ws'],
      createdAtMs: 1,
    });
    expect(o.HostConfig?.SecurityOpt).toEqual(['no-new-privileges']);
    expect(o.HostConfig).not.toHaveProperty('PidsLimit');
    expect(o.HostConfig).not.toHaveProperty('Memory');
    expect(o).not.toHaveProperty('User');
  });

  it('parses sizes like the CLI', () => {
    expect(parseByteSize('1g', 'm')).toBe(1024 ** 3);
    expect(parseByteSize(' 256MB ', 'm')).toBe(256 * 1024 ** 2);
    expect(parseByteSize('1048576', 'm')).toBe(1048576);
    expect(() => parseByteSize('lots', 'docker.memory')).toThrow(
      /docker.memory "lots" is not a size/,
    );
    try {
      parseByteSize('1x', 'docker.memory');
    } catch (err) {
      expect(err).toMatchObject({ code: ErrorCode.INVALID_ARGUMENT });
    }
  });
});
