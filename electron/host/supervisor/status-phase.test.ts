import { describe, expect, it } from 'vitest';
import { computeStatus, engineStateOf, type StatusObservation } from './status-phase.js';

const NOW = 1_700_000_000_000;

function obs(overrides: Partial<StatusObservation> = {}): StatusObservation {
  return {
    now: NOW,
    port: 18789,
    engine: 'ready',
    stackSetUp: true,
    container: { state: 'running', health: 'healthy', startedAt: NOW - 60_000 },
    httpReady: true,
    operator: 'connected',
    pendingApprovals: 0,
    userStopped: false,
    ...overrides,
  };
}

describe('computeStatus phases', () => {
  it('engine-missing when Docker is not installed, nothing enabled', () => {
    const s = computeStatus(obs({ engine: 'not-installed' }));
    expect(s.phase).toBe('engine-missing');
    expect(s.summary).toMatch(/Docker is not installed/);
    expect([s.canStart, s.canStop, s.canRestart, s.canRebuild]).toEqual([
      false,
      false,
      false,
      false,
    ]);
    expect(s.uptimeMs).toBeUndefined();
  });

  it('engine-stopped with a sub-state for stopped / starting / unresponsive / unknown', () => {
    const stopped = computeStatus(obs({ engine: 'stopped' }));
    expect(stopped.phase).toBe('engine-stopped');
    expect(stopped.summary).toBe('Docker is not running — start Docker Desktop');
    expect(engineStateOf(stopped)).toBe('stopped');

    const starting = computeStatus(obs({ engine: 'starting' }));
    expect(starting.phase).toBe('engine-stopped');
    expect(starting.summary).toBe('Docker is starting…');
    expect(engineStateOf(starting)).toBe('starting');

    const stuck = computeStatus(obs({ engine: 'unresponsive' }));
    expect(stuck.summary).toMatch(/not responding/);
    expect(engineStateOf(stuck)).toBe('unresponsive');

    expect(computeStatus(obs({ engine: 'unknown' })).summary).toBe('Checking Docker…');
    expect(stuck.canStart || stuck.canStop || stuck.canRestart || stuck.canRebuild).toBe(false);
    // engine state beats a stale running container
    expect(stuck.uptimeMs).toBeUndefined();
  });

  it('not-set-up when the stack does not exist yet', () => {
    const s = computeStatus(obs({ stackSetUp: false, container: undefined }));
    expect(s.phase).toBe('not-set-up');
    expect(s.canStart).toBe(false);
    expect(s.canRebuild).toBe(false);
    expect(engineStateOf(s)).toBeUndefined();
  });

  it('stopped: container exited or missing, start and rebuild allowed', () => {
    for (const state of ['exited', 'created', 'dead', 'missing'] as const) {
      const s = computeStatus(obs({ container: { state, health: 'none' }, httpReady: undefined }));
      expect(s.phase).toBe('stopped');
      expect(s.summary).toBe('Gateway: stopped');
      expect(s).toMatchObject({
        canStart: true,
        canStop: false,
        canRestart: false,
        canRebuild: true,
      });
    }
    expect(computeStatus(obs({ container: undefined })).phase).toBe('stopped');
  });

  it('stopped shows a non-zero exit code unless the user stopped it', () => {
    const crashed = computeStatus(
      obs({ container: { state: 'exited', health: 'none', exitCode: 137 } }),
    );
    expect(crashed.detail).toBe('Exited with code 137');
    const userStopped = computeStatus(
      obs({ userStopped: true, container: { state: 'exited', health: 'none', exitCode: 137 } }),
    );
    expect(userStopped.detail).toBeUndefined();
  });

  it('starting: health starting, engine restarting it, a start running, a crash restart scheduled', () => {
    expect(
      computeStatus(obs({ container: { state: 'running', health: 'starting' }, httpReady: false }))
        .phase,
    ).toBe('starting');
    const restarting = computeStatus(obs({ container: { state: 'restarting', health: 'none' } }));
    expect(restarting).toMatchObject({
      phase: 'starting',
      summary: 'Gateway: restarting…',
      canRestart: true,
    });

    const op = computeStatus(
      obs({
        container: { state: 'exited', health: 'none' },
        operation: { kind: 'start', startedAt: NOW },
      }),
    );
    expect(op).toMatchObject({
      phase: 'starting',
      summary: 'Gateway: starting…',
      canStart: false,
      canStop: true,
    });
    expect(op.operation).toEqual({ kind: 'start', startedAt: NOW });

    const scheduled = computeStatus(
      obs({
        container: { state: 'exited', health: 'none' },
        restartScheduled: { attempt: 2, at: NOW + 2000 },
      }),
    );
    expect(scheduled).toMatchObject({
      phase: 'starting',
      summary: 'Gateway crashed — restarting (attempt 2)',
      canStart: false,
      canStop: true,
    });
  });

  it('starting while /readyz is not ready within the grace period, unhealthy after it', () => {
    const young = computeStatus(
      obs({
        httpReady: false,
        container: { state: 'running', health: 'none', startedAt: NOW - 5_000 },
      }),
    );
    expect(young.phase).toBe('starting');
    const old = computeStatus(
      obs({
        httpReady: false,
        container: { state: 'running', health: 'none', startedAt: NOW - 5_000 },
        startGraceMs: 1_000,
      }),
    );
    expect(old.phase).toBe('unhealthy');
    expect(old.detail).toMatch(/18789/);
  });

  it('unhealthy: failing health check or paused; restart allowed', () => {
    const s = computeStatus(
      obs({ container: { state: 'running', health: 'unhealthy', startedAt: NOW - 1000 } }),
    );
    expect(s).toMatchObject({
      phase: 'unhealthy',
      canRestart: true,
      canStop: true,
      canStart: false,
      uptimeMs: 1000,
    });
    expect(computeStatus(obs({ container: { state: 'paused', health: 'none' } })).phase).toBe(
      'unhealthy',
    );
  });

  it('failed beats the container phases and carries the reason', () => {
    const s = computeStatus(
      obs({
        container: { state: 'exited', health: 'none', exitCode: 1 },
        failed: { reason: 'The gateway crashed 5 times within 5 minutes', crashes: 5 },
      }),
    );
    expect(s).toMatchObject({
      phase: 'failed',
      summary: 'Gateway: failed after 5 crashes — see Diagnostics',
      detail: 'The gateway crashed 5 times within 5 minutes',
      canStart: true,
      canStop: false,
      canRebuild: true,
    });
    const looping = computeStatus(
      obs({
        container: { state: 'restarting', health: 'none' },
        failed: { reason: 'x', crashes: 5 },
      }),
    );
    expect(looping).toMatchObject({ phase: 'failed', canStop: true, canRestart: true });
  });

  it('running with uptime, and the operator state passed through', () => {
    const s = computeStatus(obs({ operator: 'connecting' }));
    expect(s).toEqual({
      phase: 'running',
      summary: 'Gateway: running',
      canStart: false,
      canStop: true,
      canRestart: true,
      canRebuild: true,
      uptimeMs: 60_000,
      pendingApprovals: 0,
      port: 18789,
      operator: 'connecting',
    });
  });

  it('pairing-pending: running with approvals waiting, singular and plural', () => {
    const two = computeStatus(obs({ pendingApprovals: 2 }));
    expect(two.phase).toBe('pairing-pending');
    expect(two.summary).toBe('Gateway: running · 2 approvals pending');
    expect(two.pendingApprovals).toBe(2);
    expect(computeStatus(obs({ pendingApprovals: 1 })).summary).toBe(
      'Gateway: running · 1 approval pending',
    );
    // approvals do not turn a stopped gateway into pairing-pending
    expect(computeStatus(obs({ pendingApprovals: 3, container: undefined })).phase).toBe('stopped');
    // garbage counts are clamped
    expect(computeStatus(obs({ pendingApprovals: -4 })).pendingApprovals).toBe(0);
    expect(computeStatus(obs({ pendingApprovals: Number.NaN })).phase).toBe('running');
  });

  it('an operation in progress shows in the summary and disables the other actions', () => {
    const s = computeStatus(obs({ operation: { kind: 'stop', startedAt: NOW } }));
    expect(s.summary).toBe('Gateway: stopping…');
    expect([s.canStart, s.canStop, s.canRestart, s.canRebuild]).toEqual([
      false,
      false,
      false,
      false,
    ]);
    const rebuild = computeStatus(obs({ operation: { kind: 'rebuild', startedAt: NOW } }));
    expect(rebuild.summary).toBe('Gateway: rebuilding the image…');
    expect(rebuild.canStop).toBe(true);
    expect(computeStatus(obs({ operation: { kind: 'upgrade', startedAt: NOW } })).summary).toBe(
      'Gateway: upgrade in progress…',
    );
  });

  it('the last operation error is the detail while the stack exists', () => {
    const s = computeStatus(
      obs({ container: undefined, lastError: 'start failed: port 18789 in use' }),
    );
    expect(s.detail).toBe('start failed: port 18789 in use');
    expect(computeStatus(obs({ engine: 'stopped', lastError: 'x' })).detail).toBe(
      'engine: stopped',
    );
  });

  it('an exit not yet ruled a crash or a stop reads as starting, not stopped', () => {
    const pending = computeStatus(
      obs({ container: { state: 'exited', health: 'none', exitCode: 1 }, exitPending: true }),
    );
    expect(pending).toMatchObject({ phase: 'starting', canStart: false, canStop: false });
    // A user stop is a stop, whatever is pending.
    expect(
      computeStatus(
        obs({
          container: { state: 'exited', health: 'none', exitCode: 0 },
          exitPending: true,
          userStopped: true,
        }),
      ).phase,
    ).toBe('stopped');
  });

  it('running as soon as /readyz answers, even while Docker still says health "starting"', () => {
    const ready = computeStatus(
      obs({
        container: { state: 'running', health: 'starting', startedAt: NOW - 3000 },
        httpReady: true,
      }),
    );
    expect(ready.phase).toBe('running');
    const notYet = computeStatus(
      obs({
        container: { state: 'running', health: 'starting', startedAt: NOW - 3000 },
        httpReady: false,
      }),
    );
    expect(notYet.phase).toBe('starting');
  });
});
