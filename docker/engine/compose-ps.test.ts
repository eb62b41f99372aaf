// Compose v2 is not installed on the CI engine, so its `ps --format json` path is tested here with
// outputs in the shapes the releases print: a JSON array before v2.21, JSON lines since.
import { describe, expect, it } from 'vitest';
import { isOpenClawError } from '../../gateway/infra/errors.js';
import {
  normaliseHealth,
  normaliseState,
  parseComposePsJson,
  psEntryFromInspect,
} from './compose-ps.js';

// v2.17-style: one JSON array, State is the engine state, Health empty without a healthcheck.
const V2_ARRAY = JSON.stringify([
  {
    ID: 'a1b2c3d4e5f6a1b2c3d4e5f6a1b2c3d4e5f6a1b2c3d4e5f6a1b2c3d4e5f6a1b2',
    Name: 'openclaw-openclaw-gateway-1',
    Command: 'node dist/index.js gateway --bind lan --port 18789',
    Project: 'openclaw',
    Service: 'openclaw-gateway',
    State: 'running',
    Health: 'starting',
    ExitCode: 0,
    Publishers: [{ URL: '127.0.0.1', TargetPort: 18789, PublishedPort: 18789, Protocol: 'tcp' }],
  },
  {
    ID: 'ffeeddccbbaa99887766554433221100ffeeddccbbaa99887766554433221100',
    Name: 'openclaw-openclaw-cli-run-0f3a',
    Command: 'node dist/index.js devices list',
    Project: 'openclaw',
    Service: 'openclaw-cli',
    State: 'exited',
    Health: '',
    ExitCode: 3,
    Publishers: null,
  },
]);

// v2.21+-style: JSON lines aligned with `docker ps`, short ids, Labels as one "k=v,k=v" string.
const V2_LINES = [
  JSON.stringify({
    Command: '"docker-entrypoint.s…"',
    CreatedAt: '2026-05-02 12:21:53 +0000 UTC',
    ExitCode: 0,
    Health: 'healthy',
    ID: '0123456789ab',
    Image: 'openclaw:local',
    Labels:
      'com.docker.compose.project=openclaw,com.docker.compose.service=openclaw-gateway,com.docker.compose.oneoff=False',
    LocalVolumes: '0',
    Name: 'openclaw-openclaw-gateway-1',
    Names: 'openclaw-openclaw-gateway-1',
    Networks: 'openclaw_default',
    Ports: '127.0.0.1:18789->18789/tcp',
    Project: 'openclaw',
    Publishers: [{ URL: '127.0.0.1', TargetPort: 18789, PublishedPort: 18789, Protocol: 'tcp' }],
    RunningFor: '2 minutes ago',
    Service: 'openclaw-gateway',
    Size: '0B',
    State: 'running',
    Status: 'Up 2 minutes (healthy)',
  }),
  JSON.stringify({
    ExitCode: 0,
    Health: '',
    ID: 'ba9876543210',
    Labels: 'com.docker.compose.service=openclaw-sandboxd,com.docker.compose.project=openclaw',
    Name: 'openclaw-openclaw-sandboxd-1',
    State: 'restarting',
    Status: 'Restarting (1) 3 seconds ago',
  }),
].join('\n');

describe('parseComposePsJson', () => {
  it('reads the pre-2.21 JSON array', () => {
    expect(parseComposePsJson(V2_ARRAY)).toEqual([
      {
        id: 'a1b2c3d4e5f6a1b2c3d4e5f6a1b2c3d4e5f6a1b2c3d4e5f6a1b2c3d4e5f6a1b2',
        name: 'openclaw-openclaw-gateway-1',
        service: 'openclaw-gateway',
        state: 'running',
        health: 'starting',
        exitCode: 0,
      },
      {
        id: 'ffeeddccbbaa99887766554433221100ffeeddccbbaa99887766554433221100',
        name: 'openclaw-openclaw-cli-run-0f3a',
        service: 'openclaw-cli',
        state: 'exited',
        health: 'none',
        exitCode: 3,
      },
    ]);
  });

  it('reads 2.21+ JSON lines, taking the service from Labels when Service is absent', () => {
    expect(parseComposePsJson(`${V2_LINES}\n`)).toEqual([
      {
        id: '0123456789ab',
        name: 'openclaw-openclaw-gateway-1',
        service: 'openclaw-gateway',
        state: 'running',
        health: 'healthy',
        exitCode: 0,
      },
      {
        id: 'ba9876543210',
        name: 'openclaw-openclaw-sandboxd-1',
        service: 'openclaw-sandboxd',
        state: 'restarting',
        health: 'none',
        exitCode: 0,
      },
    ]);
  });

  it('accepts CRLF line endings and the empty outputs of both eras', () => {
    expect(parseComposePsJson(V2_LINES.replace('\n', '\r\n'))).toHaveLength(2);
    expect(parseComposePsJson('')).toEqual([]);
    expect(parseComposePsJson('[]\n')).toEqual([]);
  });

  it('fails with COMPOSE_FAILED on output it cannot read', () => {
    for (const bad of [
      'Error: no such project',
      '{"ID": 1}\n{',
      '{"Foo": "bar"}',
      '"text"',
      '[1]',
    ]) {
      let caught: unknown;
      try {
        parseComposePsJson(bad);
      } catch (err) {
        caught = err;
      }
      expect(isOpenClawError(caught, 'COMPOSE_FAILED'), bad).toBe(true);
    }
  });
});

describe('normalisation', () => {
  it('maps engine states and human statuses', () => {
    expect(normaliseState('running')).toBe('running');
    expect(normaliseState('Up 3 minutes (healthy)')).toBe('running');
    expect(normaliseState('Up 1 second (Paused)')).toBe('paused');
    expect(normaliseState('Exit 1')).toBe('exited');
    expect(normaliseState('Exited (137) 2 hours ago')).toBe('exited');
    expect(normaliseState(undefined)).toBe('unknown');
  });

  it('tells unhealthy from healthy and falls back to the status text', () => {
    expect(normaliseHealth('unhealthy')).toBe('unhealthy');
    expect(normaliseHealth('', 'Up 5 seconds (health: starting)')).toBe('starting');
    expect(normaliseHealth('', 'Up 5 seconds (unhealthy)')).toBe('unhealthy');
    expect(normaliseHealth('', 'Up 5 seconds')).toBe('none');
    // "Restarting" contains "starting" but is no health report.
    expect(normaliseHealth('', 'Restarting (1) 3 seconds ago')).toBe('none');
  });

  it('builds entries from inspect data (the v1 path)', () => {
    expect(
      psEntryFromInspect({
        Id: 'f'.repeat(64),
        Name: '/openclaw_openclaw-gateway_1',
        Config: { Labels: { 'com.docker.compose.service': 'openclaw-gateway' } },
        State: { Status: 'running', ExitCode: 0, Health: { Status: 'healthy' } },
      }),
    ).toEqual({
      id: 'f'.repeat(64),
      name: 'openclaw_openclaw-gateway_1',
      service: 'openclaw-gateway',
      state: 'running',
      health: 'healthy',
      exitCode: 0,
    });
    expect(
      psEntryFromInspect({
        Id: 'x',
        Name: '/y',
        Config: null,
        State: { Status: 'exited', ExitCode: 1, Health: null },
      }),
    ).toMatchObject({
      service: '',
      state: 'exited',
      health: 'none',
      exitCode: 1,
    });
  });
});
