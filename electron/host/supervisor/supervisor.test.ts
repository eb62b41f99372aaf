import { afterEach, describe, expect, it } from 'vitest';
import { toDisposable } from '../../../gateway/infra/disposable.js';
import type { GatewayEvent } from './crash-detector.js';
import type { GatewayNotification } from './notifications.js';
import type { EngineState, GatewayStatusSnapshot, OperatorState } from './status-phase.js';
import { Supervisor, type GatewayContainerInfo, type StackPort } from './supervisor.js';
import { FakeClock } from './testing/fake-clock.js';

const T0 = 1_700_000_000_000;

/**
 * A pretend engine + stack. Its start/stop/restart behave like compose on a real engine, events
 * included (stop: kill 15 → die → stop; start: start), so the supervisor sees realistic orderings.
 */
class World {
  engine: EngineState = 'ready';
  setUp = true;
  container: GatewayContainerInfo | undefined;
  ready = true;
  operator: OperatorState = 'connected';
  pending = 0;
  calls: string[] = [];
  /** When set, `start` fails with this error instead of starting the container. */
  startError: Error | undefined;
  /** When set, every started container crashes this many ms after its start. */
  crashAfterMs: number | undefined;
  private handler: ((e: GatewayEvent) => void) | undefined;
  private runs = 0;

  constructor(private readonly clock: FakeClock) {}

  emit(action: GatewayEvent['action'], extra: Partial<GatewayEvent> = {}): void {
    const id = this.container?.id ?? 'none';
    this.handler?.({ action, containerId: id, ts: this.clock.now(), ...extra });
  }

  /** A fresh run of the gateway container (same container id, new start time, like `compose start`). */
  bringUp(): void {
    this.runs++;
    this.container = { id: 'c1', state: 'running', health: 'healthy', startedAt: this.clock.now() };
    this.emit('start');
    if (this.crashAfterMs !== undefined) {
      const run = this.runs;
      this.clock.setTimeout(() => {
        if (this.runs === run && this.container?.state === 'running') this.crash(1);
      }, this.crashAfterMs);
    }
  }

  /** The process dies on its own. */
  crash(exitCode = 1): void {
    if (!this.container) return;
    this.container = { ...this.container, state: 'exited', health: 'none', exitCode };
    this.emit('die', { exitCode });
  }

  /** `docker stop` semantics (ours via compose, or a user's terminal). */
  stopContainer(): void {
    if (!this.container || this.container.state !== 'running') return;
    this.emit('kill', { signal: '15' });
    this.container = { ...this.container, state: 'exited', health: 'none', exitCode: 0 };
    this.emit('die', { exitCode: 0 });
    this.emit('stop');
  }

  readonly stack: StackPort = {
    isSetUp: async () => this.setUp,
    inspectGateway: async () => (this.container ? { ...this.container } : undefined),
    start: async () => {
      this.calls.push('start');
      if (this.startError) throw this.startError;
      if (this.container?.state !== 'running') this.bringUp();
    },
    stop: async () => {
      this.calls.push('stop');
      this.stopContainer();
    },
    restart: async () => {
      this.calls.push('restart');
      this.stopContainer();
      this.bringUp();
    },
  };

  readonly events = {
    subscribe: (handler: (e: GatewayEvent) => void) => {
      this.handler = handler;
      return toDisposable(() => {
        this.handler = undefined;
      });
    },
  };
}

const supervisors: Supervisor[] = [];
afterEach(() => {
  for (const s of supervisors.splice(0)) s.dispose();
});

async function setup(init: (world: World) => void = (w) => w.bringUp()) {
  const clock = new FakeClock(T0);
  const world = new World(clock);
  init(world);
  const notifications: GatewayNotification[] = [];
  const statuses: GatewayStatusSnapshot[] = [];
  const supervisor = new Supervisor({
    engine: { probe: async () => world.engine },
    stack: world.stack,
    events: world.events,
    probeReady: async () => world.ready,
    operator: { state: () => world.operator, pendingCount: () => world.pending },
    notify: (n) => notifications.push(n),
    clock,
    port: 18789,
    pollIntervalMs: 5_000,
    restartPolicy: { random: () => 0 },
  });
  supervisors.push(supervisor);
  supervisor.onStatus((s) => statuses.push(s));
  await clock.advance(0);
  const titles = () => notifications.map((n) => n.title);
  return { clock, world, supervisor, notifications, statuses, titles };
}

describe('Supervisor status', () => {
  it('reports running after the first poll and emits only on change', async () => {
    const { supervisor, statuses, clock } = await setup();
    expect(supervisor.status()).toMatchObject({
      phase: 'running',
      summary: 'Gateway: running',
      uptimeMs: 0,
    });
    const emitted = statuses.length;
    await clock.advance(60_000); // 12 polls, only the uptime changes
    expect(statuses.length).toBe(emitted);
    expect(supervisor.status().uptimeMs).toBe(60_000);
  });

  it('pending approvals turn running into pairing-pending', async () => {
    const { supervisor, world, statuses } = await setup();
    world.pending = 2;
    await supervisor.refresh();
    expect(supervisor.status().phase).toBe('pairing-pending');
    expect(statuses.at(-1)?.summary).toBe('Gateway: running · 2 approvals pending');
  });

  it('not set up and engine missing are reported without touching the stack', async () => {
    const { supervisor, world } = await setup((w) => {
      w.setUp = false;
    });
    expect(supervisor.status().phase).toBe('not-set-up');
    world.engine = 'not-installed';
    await supervisor.refresh();
    expect(supervisor.status().phase).toBe('engine-missing');
    expect(world.calls).toEqual([]);
  });

  it('a failing engine probe reads as unresponsive, not as a crash', async () => {
    const { supervisor, notifications } = await setup();
    const failing = new Supervisor({
      engine: { probe: () => Promise.reject(new Error('socket hang up')) },
      stack: { ...new World(new FakeClock()).stack },
      events: { subscribe: () => toDisposable(() => {}) },
      probeReady: async () => true,
      operator: { state: () => 'connected', pendingCount: () => 0 },
      notify: () => {},
      clock: new FakeClock(),
      port: 1,
    });
    supervisors.push(failing);
    await failing.refresh();
    expect(failing.status()).toMatchObject({
      phase: 'engine-stopped',
      summary: expect.stringMatching(/not responding/),
    });
    expect(supervisor.status().phase).toBe('running');
    expect(notifications).toEqual([]);
  });
});

describe('Supervisor crash handling', () => {
  it('crash → restart after the backoff delay → running; "crashed" once, then "back"', async () => {
    const { supervisor, world, clock, titles } = await setup();
    world.crash(1);
    await clock.advance(1_500); // the die settles (no stop event follows): a crash
    expect(titles()).toEqual(['The gateway crashed and is restarting (attempt 1)']);
    expect(supervisor.status()).toMatchObject({
      phase: 'starting',
      summary: 'Gateway crashed — restarting (attempt 1)',
      canStop: true,
    });
    await clock.advance(999);
    expect(world.calls).toEqual([]);
    await clock.advance(1);
    expect(world.calls).toEqual(['start']);
    expect(supervisor.status().phase).toBe('running');
    await clock.advance(10 * 60_000);
    expect(titles()).toEqual([
      'The gateway crashed and is restarting (attempt 1)',
      'Gateway is back',
    ]);
    expect(world.calls).toEqual(['start']);
  });

  it('a crash never reads as "stopped" on its way back, and Start stays off meanwhile', async () => {
    const { supervisor, world, clock, statuses } = await setup();
    const from = statuses.length;
    world.crash(1);
    await clock.advance(0);
    expect(supervisor.status()).toMatchObject({ phase: 'starting', canStart: false });
    await clock.advance(1_500 + 1_000);
    expect(supervisor.status().phase).toBe('running');
    const seen = statuses.slice(from);
    expect(seen.map((s) => `${s.phase}: ${s.summary}`).join('\n')).not.toMatch(/^stopped/m);
    expect(seen.filter((s) => s.phase === 'starting').every((s) => !s.canStart)).toBe(true);
  });

  it('docker kill from a terminal counts as a crash and is repaired', async () => {
    const { world, clock, titles } = await setup();
    world.emit('kill', { signal: '9' });
    world.crash(137);
    await clock.advance(3_000);
    expect(world.calls).toEqual(['start']);
    expect(titles()[0]).toBe('The gateway crashed and is restarting (attempt 1)');
  });

  it('a crash the events stream missed is still found by polling', async () => {
    const { world, clock, supervisor } = await setup();
    world.container = { ...world.container!, state: 'exited', health: 'none', exitCode: 1 }; // no event
    await clock.advance(5_000); // next poll sees it
    await clock.advance(1_500 + 1_000);
    expect(world.calls).toEqual(['start']);
    expect(supervisor.status().phase).toBe('running');
  });

  it('when the engine restart policy already restarted it, the supervisor does not start it again', async () => {
    const { world, clock, titles } = await setup();
    world.crash(1);
    world.bringUp(); // die → start: the engine's restart policy
    await clock.advance(5_000);
    expect(titles()).toEqual(['The gateway crashed and is restarting (attempt 1)']);
    await clock.advance(15_000); // "back" once it has stayed up
    expect(titles()).toEqual([
      'The gateway crashed and is restarting (attempt 1)',
      'Gateway is back',
    ]);
    expect(world.calls).toEqual([]);
  });

  it('repeated crashes → failed after 5, with one crash and one failed notification', async () => {
    const { supervisor, world, clock, titles } = await setup((w) => {
      w.crashAfterMs = 200;
      w.bringUp();
    });
    await clock.advance(5 * 60_000);
    expect(world.calls).toEqual(['start', 'start', 'start', 'start']);
    expect(supervisor.status()).toMatchObject({
      phase: 'failed',
      summary: 'Gateway: failed after 5 crashes — see Diagnostics',
      canStart: true,
    });
    expect(supervisor.status().detail).toMatch(/crashed 5 times within 5 minutes/);
    expect(titles()).toEqual([
      'The gateway crashed and is restarting (attempt 1)',
      'The gateway failed to start after 5 attempts',
    ]);
    // no more automatic restarts, however long we wait
    await clock.advance(30 * 60_000);
    expect(world.calls).toHaveLength(4);
    // the user acting clears it
    world.crashAfterMs = undefined;
    await supervisor.start();
    expect(supervisor.status().phase).toBe('running');
  });

  it('the backoff grows between consecutive crashes', async () => {
    const { world, clock } = await setup((w) => {
      w.crashAfterMs = 100;
      w.bringUp();
    });
    const startTimes: number[] = [];
    const originalStart = world.stack.start;
    world.stack.start = async (signal) => {
      startTimes.push(clock.now() - T0);
      return originalStart(signal);
    };
    await clock.advance(60_000);
    // crash at 100, settle 1500 → restart 1 s later; each run lasts 100 ms + settle, delays double
    expect(startTimes).toEqual([
      2_600,
      2_600 + 1_600 + 2_000,
      2_600 + 1_600 + 2_000 + 1_600 + 4_000,
      2_600 + 1_600 + 2_000 + 1_600 + 4_000 + 1_600 + 8_000,
    ]);
  });

  it('a start that fails counts as a crash attempt', async () => {
    const { supervisor, world, clock, titles } = await setup();
    world.startError = new Error('port 18789 is already allocated');
    world.crash(1);
    await clock.advance(10 * 60_000);
    expect(supervisor.status().phase).toBe('failed');
    expect(world.calls.length).toBe(4);
    expect(supervisor.status().detail).toMatch(/could not start: port 18789 is already allocated/);
    expect(titles()).toHaveLength(2);
  });
});

describe('Supervisor user intent', () => {
  it('user stop → stays stopped, even when a later die looks like a crash', async () => {
    const { supervisor, world, clock, titles } = await setup();
    await supervisor.stop();
    expect(world.calls).toEqual(['stop']);
    expect(supervisor.status()).toMatchObject({ phase: 'stopped', canStart: true, canStop: false });
    await clock.advance(30_000);
    world.emit('die', { exitCode: 1 });
    world.crash(137);
    await clock.advance(10 * 60_000);
    expect(world.calls).toEqual(['stop']);
    expect(supervisor.status().phase).toBe('stopped');
    expect(titles()).toEqual([]);
  });

  it('a stop from a terminal is deliberate: one "stopped" notification, no restart', async () => {
    const { supervisor, world, clock, titles } = await setup();
    world.stopContainer();
    await clock.advance(10 * 60_000);
    expect(world.calls).toEqual([]);
    expect(supervisor.status().phase).toBe('stopped');
    expect(titles()).toEqual(['The gateway stopped']);
    // started again from the terminal: crash repair is armed again
    world.bringUp();
    await clock.advance(5_000);
    world.crash(1);
    await clock.advance(3_000);
    expect(world.calls).toEqual(['start']);
  });

  it('a restart from a terminal is neither a crash nor a stop', async () => {
    const { world, clock, titles } = await setup();
    world.stopContainer();
    world.bringUp();
    await clock.advance(10 * 60_000);
    expect(titles()).toEqual([]);
    expect(world.calls).toEqual([]);
  });

  it('our own restart is not a crash', async () => {
    const { supervisor, world, clock, titles } = await setup();
    await supervisor.restart();
    await clock.advance(60_000);
    expect(world.calls).toEqual(['restart']);
    expect(titles()).toEqual([]);
    expect(supervisor.status().phase).toBe('running');
  });

  it('stop during a pending crash restart cancels it', async () => {
    const { supervisor, world, clock } = await setup();
    world.crash(1);
    await clock.advance(1_500);
    expect(supervisor.status().phase).toBe('starting');
    await supervisor.stop();
    await clock.advance(60_000);
    expect(world.calls).toEqual(['stop']);
    expect(supervisor.status().phase).toBe('stopped');
  });

  it('stop cancels a start in progress and wins', async () => {
    const { supervisor, world } = await setup((w) => {
      w.container = { id: 'c1', state: 'exited', health: 'none', exitCode: 0 };
    });
    let startSignal: AbortSignal | undefined;
    world.stack.start = (signal) =>
      new Promise<void>((_resolve, reject) => {
        startSignal = signal;
        signal.addEventListener('abort', () => reject(new Error('compose up interrupted')));
      });
    const starting = supervisor.start();
    await new Promise((r) => setImmediate(r));
    expect(supervisor.status()).toMatchObject({ phase: 'starting', canStop: true });
    const stopping = supervisor.stop();
    await expect(starting).rejects.toThrow(/cancelled/);
    await stopping;
    expect(startSignal?.aborted).toBe(true);
    expect(world.calls).toEqual(['stop']);
    // a cancelled start is not an error worth showing
    expect(supervisor.status()).toMatchObject({ phase: 'stopped' });
    expect(supervisor.status().detail).toBeUndefined();
  });

  it('a throwing status listener does not break supervision', async () => {
    const { supervisor, world, clock } = await setup();
    supervisor.onStatus(() => {
      throw new Error('renderer gone');
    });
    world.crash(1);
    await clock.advance(3_000);
    expect(world.calls).toEqual(['start']);
    expect(supervisor.status().phase).toBe('running');
  });

  it('two starts at once run one start', async () => {
    const { supervisor, world } = await setup((w) => {
      w.container = { id: 'c1', state: 'exited', health: 'none', exitCode: 0 };
    });
    await Promise.all([supervisor.start(), supervisor.start()]);
    expect(world.calls).toEqual(['start']);
    expect(supervisor.status().phase).toBe('running');
  });

  it('rebuild runs the caller’s work through the queue; its stops are not crashes', async () => {
    const { supervisor, world, clock, titles } = await setup();
    const seen: string[] = [];
    await supervisor.rebuild(async (signal) => {
      seen.push(`op=${supervisor.status().operation?.kind} aborted=${signal.aborted}`);
      world.stopContainer();
      world.container = undefined;
      world.container = { id: 'c2', state: 'running', health: 'healthy', startedAt: clock.now() };
      world.emit('start');
    });
    await clock.advance(60_000);
    expect(seen).toEqual(['op=rebuild aborted=false']);
    expect(titles()).toEqual([]);
    expect(supervisor.status().phase).toBe('running');
  });

  it('a failed operation shows its error until the next success', async () => {
    const { supervisor, world } = await setup((w) => {
      w.container = { id: 'c1', state: 'exited', health: 'none', exitCode: 0 };
    });
    world.startError = new Error('port 18789 is already allocated');
    await expect(supervisor.start()).rejects.toThrow('already allocated');
    expect(supervisor.status().detail).toBe('start failed: port 18789 is already allocated');
    world.startError = undefined;
    await supervisor.start();
    expect(supervisor.status().detail).toBeUndefined();
  });
});

describe('Supervisor engine lifecycle', () => {
  it('engine goes away → engine-stopped; comes back → running (started again if needed)', async () => {
    const { supervisor, world, clock, titles } = await setup();
    world.engine = 'stopped';
    world.container = { ...world.container!, state: 'exited', health: 'none', exitCode: 0 };
    await clock.advance(5_000);
    expect(supervisor.status()).toMatchObject({
      phase: 'engine-stopped',
      summary: 'Docker is not running — start Docker Desktop',
      canStart: false,
    });
    world.engine = 'starting';
    await clock.advance(5_000);
    expect(supervisor.status().summary).toBe('Docker is starting…');
    world.engine = 'ready';
    await clock.advance(5_000);
    expect(world.calls).toEqual(['start']);
    expect(supervisor.status().phase).toBe('running');
    expect(titles()).toEqual([]);
  });

  it('engine comes back with the container already running: attach, no start', async () => {
    const { supervisor, world, clock } = await setup();
    world.engine = 'stopped';
    await clock.advance(5_000);
    world.engine = 'ready';
    await clock.advance(5_000);
    expect(world.calls).toEqual([]);
    expect(supervisor.status().phase).toBe('running');
  });

  it('dispose stops polling and ignores late events', async () => {
    const { supervisor, world, clock } = await setup();
    supervisor.dispose();
    world.crash(1);
    await clock.advance(60_000);
    expect(world.calls).toEqual([]);
    expect(clock.pending()).toEqual([]);
  });
});
