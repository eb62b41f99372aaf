import { describe, expect, it } from 'vitest';
import { observeGateway } from './observe-gateway.js';
import type { GatewayContainerInfo, StackPort } from './supervisor-ports.js';

const running: GatewayContainerInfo = {
  id: 'c1',
  state: 'running',
  health: 'healthy',
  startedAt: 1,
};

function ports(overrides: {
  probe?: () => Promise<'ready' | 'stopped'>;
  isSetUp?: () => Promise<boolean>;
  inspect?: () => Promise<GatewayContainerInfo | undefined>;
  ready?: () => Promise<boolean>;
}) {
  const calls: string[] = [];
  const stack: StackPort = {
    isSetUp: overrides.isSetUp ?? (async () => true),
    inspectGateway: async () => {
      calls.push('inspect');
      return (overrides.inspect ?? (async () => running))();
    },
    start: async () => {},
    stop: async () => {},
    restart: async () => {},
  };
  return {
    calls,
    engine: { probe: overrides.probe ?? (async () => 'ready' as const) },
    stack,
    probeReady: async () => {
      calls.push('readyz');
      return (overrides.ready ?? (async () => true))();
    },
  };
}

describe('observeGateway', () => {
  it('reads engine, stack, container and readiness', async () => {
    expect(await observeGateway(ports({}))).toEqual({
      engine: 'ready',
      stackSetUp: true,
      container: running,
      httpReady: true,
    });
  });

  it('stops at a stopped engine without touching the stack', async () => {
    const p = ports({ probe: async () => 'stopped' });
    expect(await observeGateway(p)).toEqual({ engine: 'stopped' });
    expect(p.calls).toEqual([]);
  });

  it('a throwing probe or API call means unresponsive, with the reason', async () => {
    expect(
      await observeGateway(ports({ probe: () => Promise.reject(new Error('EPIPE')) })),
    ).toEqual({ engine: 'unresponsive', error: 'EPIPE' });
    expect(
      await observeGateway(ports({ inspect: () => Promise.reject(new Error('500 server error')) })),
    ).toEqual({ engine: 'unresponsive', error: '500 server error' });
  });

  it('probes /readyz only for a running container; a throwing probe is "not ready"', async () => {
    const stopped = ports({ inspect: async () => ({ ...running, state: 'exited' }) });
    expect(await observeGateway(stopped)).not.toHaveProperty('httpReady');
    expect(stopped.calls).toEqual(['inspect']);
    const broken = ports({ ready: () => Promise.reject(new Error('ECONNREFUSED')) });
    expect(await observeGateway(broken)).toMatchObject({ httpReady: false });
    const notSetUp = ports({ isSetUp: async () => false });
    expect(await observeGateway(notSetUp)).toEqual({ engine: 'ready', stackSetUp: false });
    expect(notSetUp.calls).toEqual([]);
  });
});
