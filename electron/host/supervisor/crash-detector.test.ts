import { describe, expect, it } from 'vitest';
import { CrashDetector, type ExitVerdict, type GatewayEvent } from './crash-detector.js';
import { parseDockerEvent } from './docker-event.js';

const ID = 'a'.repeat(64);
const OTHER = 'b'.repeat(64);
const T0 = 1_700_000_000_000;

/** Feeds events at their own timestamps (local clock = engine clock here) and settles at the end. */
function run(
  detector: CrashDetector,
  events: Array<Partial<GatewayEvent> & Pick<GatewayEvent, 'action'>>,
  settleAt?: number,
) {
  const verdicts: ExitVerdict[] = [];
  let last = T0;
  for (const e of events) {
    const ts = e.ts ?? last;
    last = ts;
    verdicts.push(...detector.observe({ containerId: ID, ...e, ts }, ts));
  }
  verdicts.push(...detector.flush(settleAt ?? last + 10_000));
  return verdicts;
}

describe('CrashDetector: deliberate stops', () => {
  it('docker stop from outside (kill 15 → die → stop) is a deliberate external stop', () => {
    const v = run(new CrashDetector(), [
      { action: 'kill', signal: '15', ts: T0 },
      { action: 'die', exitCode: 0, ts: T0 + 300 },
      { action: 'stop', ts: T0 + 310 },
    ]);
    expect(v).toEqual([
      { kind: 'deliberate', containerId: ID, exitCode: 0, by: 'external', restarted: false },
    ]);
  });

  it('a stop event before the die (other engines) counts the same', () => {
    const v = run(new CrashDetector(), [
      { action: 'stop', ts: T0 },
      { action: 'die', exitCode: 143, ts: T0 + 2_000 },
    ]);
    expect(v).toMatchObject([{ kind: 'deliberate', by: 'external' }]);
  });

  it('docker restart from outside is deliberate and marked restarted, decided at the start event', () => {
    const d = new CrashDetector();
    const verdicts: ExitVerdict[] = [];
    verdicts.push(...d.observe({ action: 'kill', containerId: ID, ts: T0, signal: '15' }, T0));
    verdicts.push(
      ...d.observe({ action: 'die', containerId: ID, ts: T0 + 100, exitCode: 0 }, T0 + 100),
    );
    verdicts.push(...d.observe({ action: 'stop', containerId: ID, ts: T0 + 110 }, T0 + 110));
    expect(verdicts).toEqual([]);
    verdicts.push(...d.observe({ action: 'start', containerId: ID, ts: T0 + 400 }, T0 + 400));
    expect(verdicts).toEqual([
      { kind: 'deliberate', containerId: ID, exitCode: 0, by: 'external', restarted: true },
    ]);
  });

  it('a die while the app expects a stop is the app’s, at once', () => {
    const d = new CrashDetector();
    d.expectStop(T0);
    expect(
      d.observe({ action: 'die', containerId: ID, ts: T0 + 50, exitCode: 137 }, T0 + 50),
    ).toEqual([
      { kind: 'deliberate', containerId: ID, exitCode: 137, by: 'app', restarted: false },
    ]);
    expect(d.nextDeadline()).toBeUndefined();
  });

  it('an intent for one container does not cover another', () => {
    const d = new CrashDetector();
    d.expectStop(T0, OTHER);
    d.observe({ action: 'die', containerId: ID, ts: T0, exitCode: 1 }, T0);
    expect(d.flush(T0 + 5_000)).toMatchObject([{ kind: 'crash' }]);
  });

  it('released intents cover late events for the grace period only', () => {
    const d = new CrashDetector({ intentGraceMs: 5_000 });
    d.expectStop(T0);
    d.releaseStopExpectations(T0 + 1_000);
    expect(
      d.observe({ action: 'die', containerId: ID, ts: T0 + 5_000, exitCode: 0 }, T0 + 5_000),
    ).toMatchObject([{ kind: 'deliberate', by: 'app' }]);
    d.observe({ action: 'start', containerId: ID, ts: T0 + 6_000 }, T0 + 6_000);
    d.observe({ action: 'die', containerId: ID, ts: T0 + 7_000, exitCode: 1 }, T0 + 7_000);
    expect(d.flush(T0 + 20_000)).toMatchObject([{ kind: 'crash', cause: 'exited' }]);
  });
});

describe('CrashDetector: right after an operation', () => {
  it('a container the operation brought up that dies in the grace period is a crash', () => {
    const d = new CrashDetector({ intentGraceMs: 5_000 });
    d.expectStop(T0);
    // The operation recreates the gateway: the old one dies (the app's), the new one starts.
    expect(
      d.observe({ action: 'die', containerId: OTHER, ts: T0 + 100, exitCode: 0 }, T0 + 100),
    ).toMatchObject([{ kind: 'deliberate', by: 'app' }]);
    d.observe({ action: 'start', containerId: ID, ts: T0 + 200 }, T0 + 200);
    d.releaseStopExpectations(T0 + 1_000);
    // One second later the new container is killed: not the app's doing.
    d.observe({ action: 'kill', containerId: ID, signal: '9', ts: T0 + 2_000 }, T0 + 2_000);
    expect(
      d.observe({ action: 'die', containerId: ID, ts: T0 + 2_010, exitCode: 137 }, T0 + 2_010),
    ).toEqual([]);
    expect(d.flush(T0 + 20_000)).toMatchObject([{ kind: 'crash', containerId: ID }]);
  });
});

describe('CrashDetector: crashes', () => {
  it('a plain die is a crash, decided after the settle window', () => {
    const d = new CrashDetector({ settleMs: 1_500 });
    expect(d.observe({ action: 'die', containerId: ID, ts: T0, exitCode: 1 }, T0)).toEqual([]);
    expect(d.nextDeadline()).toBe(T0 + 1_500);
    expect(d.flush(T0 + 1_499)).toEqual([]);
    expect(d.flush(T0 + 1_500)).toEqual([
      {
        kind: 'crash',
        containerId: ID,
        exitCode: 1,
        cause: 'exited',
        description: 'exited with code 1',
        restartedByEngine: false,
      },
    ]);
    expect(d.nextDeadline()).toBeUndefined();
  });

  it('docker kill from outside (kill 9 → die) is a crash', () => {
    const v = run(new CrashDetector(), [
      { action: 'kill', signal: '9', ts: T0 },
      { action: 'die', exitCode: 137, ts: T0 + 20 },
    ]);
    expect(v).toMatchObject([
      { kind: 'crash', cause: 'killed', description: 'was killed (signal 9)', exitCode: 137 },
    ]);
  });

  it('oom → die is a crash caused by memory', () => {
    const v = run(new CrashDetector(), [
      { action: 'oom', ts: T0 },
      { action: 'die', exitCode: 137, ts: T0 + 5 },
    ]);
    expect(v).toMatchObject([{ kind: 'crash', cause: 'oom', description: 'ran out of memory' }]);
  });

  it('die → start without stop (engine restart policy) is a crash the engine already restarted', () => {
    const d = new CrashDetector();
    d.observe({ action: 'die', containerId: ID, ts: T0, exitCode: 1 }, T0);
    expect(d.observe({ action: 'start', containerId: ID, ts: T0 + 100 }, T0 + 100)).toMatchObject([
      { kind: 'crash', restartedByEngine: true },
    ]);
  });

  it('a stop event long before the die does not excuse it', () => {
    const v = run(new CrashDetector({ correlationWindowMs: 10_000 }), [
      { action: 'stop', ts: T0 },
      { action: 'start', ts: T0 + 1_000 },
      { action: 'die', exitCode: 1, ts: T0 + 60_000 },
    ]);
    expect(v).toMatchObject([{ kind: 'crash' }]);
  });

  it('health events are not exits', () => {
    const v = run(new CrashDetector(), [{ action: 'health_status: unhealthy', ts: T0 }]);
    expect(v).toEqual([]);
  });
});

describe('CrashDetector: polling fallback and de-duplication', () => {
  it('an exit seen only by polling: non-zero code is a crash, 0 / 143 / vanished is deliberate', () => {
    const d = new CrashDetector();
    d.observeExit(ID, 1, T0);
    expect(d.flush(T0 + 5_000)).toMatchObject([{ kind: 'crash', exitCode: 1 }]);
    for (const code of [0, 143, undefined]) {
      const fresh = new CrashDetector();
      fresh.observeExit(ID, code, T0);
      expect(fresh.flush(T0 + 5_000)).toMatchObject([{ kind: 'deliberate', by: 'external' }]);
    }
  });

  it('poll and event for the same exit yield one verdict, the event’s', () => {
    const d = new CrashDetector();
    d.observeExit(ID, 0, T0);
    d.observe({ action: 'die', containerId: ID, ts: T0 + 10, exitCode: 0 }, T0 + 10);
    // the real die without a stop event is a crash, whatever the exit code
    expect(d.flush(T0 + 5_000)).toMatchObject([{ kind: 'crash' }]);
    d.observeExit(ID, 0, T0 + 6_000);
    expect(d.flush(T0 + 20_000)).toEqual([]);
  });

  it('a repeated die event is ignored; a new run (start or seen running) re-arms', () => {
    const d = new CrashDetector();
    d.observe({ action: 'die', containerId: ID, ts: T0, exitCode: 1 }, T0);
    d.observe({ action: 'die', containerId: ID, ts: T0 + 1, exitCode: 1 }, T0 + 1);
    expect(d.flush(T0 + 5_000)).toHaveLength(1);
    d.observe({ action: 'die', containerId: ID, ts: T0 + 6_000, exitCode: 1 }, T0 + 6_000);
    expect(d.flush(T0 + 20_000)).toEqual([]);
    d.observeRunning(ID);
    d.observeExit(ID, 1, T0 + 30_000);
    expect(d.flush(T0 + 40_000)).toHaveLength(1);
  });
});

describe('parseDockerEvent', () => {
  const raw = {
    status: 'die',
    id: ID,
    Type: 'container',
    Action: 'die',
    Actor: {
      ID,
      Attributes: {
        exitCode: '137',
        'com.docker.compose.project': 'openclaw',
        'com.docker.compose.service': 'openclaw-gateway',
        name: 'openclaw-openclaw-gateway-1',
      },
    },
    scope: 'local',
    time: 1_600_000_000,
    timeNano: 1_700_000_000_000_000_000,
  };

  it('reads a die event with exit code, labels and millisecond time', () => {
    expect(parseDockerEvent(raw)).toEqual({
      event: { action: 'die', containerId: ID, ts: 1_700_000_000_000, exitCode: 137 },
      project: 'openclaw',
      service: 'openclaw-gateway',
    });
  });

  it('falls back to the seconds timestamp (older engines)', () => {
    expect(parseDockerEvent({ ...raw, timeNano: undefined })?.event.ts).toBe(1_600_000_000_000);
  });

  it('reads kill signals and health status actions', () => {
    const kill = parseDockerEvent({
      ...raw,
      Action: 'kill',
      Actor: { ID, Attributes: { signal: '9' } },
    });
    expect(kill?.event).toMatchObject({ action: 'kill', signal: '9' });
    const health = parseDockerEvent({ ...raw, Action: 'health_status: unhealthy' });
    expect(health?.event.action).toBe('health_status: unhealthy');
  });

  it('rejects what it does not understand', () => {
    expect(parseDockerEvent(null)).toBeUndefined();
    expect(parseDockerEvent('die')).toBeUndefined();
    expect(parseDockerEvent({ ...raw, Type: 'network' })).toBeUndefined();
    expect(parseDockerEvent({ ...raw, Action: 'exec_start: sh' })).toBeUndefined();
    expect(parseDockerEvent({ ...raw, Actor: { ID: '../etc' }, id: undefined })).toBeUndefined();
    expect(parseDockerEvent({ ...raw, time: undefined, timeNano: undefined })).toBeUndefined();
    const badExit = parseDockerEvent({ ...raw, Actor: { ID, Attributes: { exitCode: 'lots' } } });
    expect(badExit?.event.exitCode).toBeUndefined();
  });
});
