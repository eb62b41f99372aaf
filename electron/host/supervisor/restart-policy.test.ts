import { describe, expect, it } from 'vitest';
import { RestartPolicy } from './restart-policy.js';

const T0 = 1_700_000_000_000;
const noJitter = () => 0;

describe('RestartPolicy backoff', () => {
  it('doubles from 1 s and caps at 60 s', () => {
    const p = new RestartPolicy({ random: noJitter });
    expect([1, 2, 3, 4, 5, 6, 7, 8, 20].map((n) => p.delayFor(n))).toEqual([
      1_000, 2_000, 4_000, 8_000, 16_000, 32_000, 60_000, 60_000, 60_000,
    ]);
  });

  it('jitter only lengthens, by at most the ratio, and never beyond the cap', () => {
    const p = new RestartPolicy({ random: () => 0.5, jitterRatio: 0.2 });
    expect(p.delayFor(1)).toBe(1_100);
    expect(p.delayFor(3)).toBe(4_400);
    expect(p.delayFor(9)).toBe(60_000);
    const max = new RestartPolicy({ random: () => 0.999999, jitterRatio: 0.2 });
    expect(max.delayFor(1)).toBe(1_200);
  });

  it('crashes spaced out (but not stable) walk up the backoff sequence', () => {
    const p = new RestartPolicy({ random: noJitter });
    const delays: number[] = [];
    let t = T0;
    for (let i = 0; i < 8; i++) {
      p.noteRunning(t);
      t += 90_000; // up 90 s, below the 2 min stable run; 3 crashes fit in any 5 min window
      const d = p.onCrash(t);
      expect(d.action).toBe('restart');
      if (d.action === 'restart') delays.push(d.delayMs);
    }
    expect(delays).toEqual([1_000, 2_000, 4_000, 8_000, 16_000, 32_000, 60_000, 60_000]);
  });
});

describe('RestartPolicy burst limit', () => {
  it('gives up at the 5th crash within 5 minutes and then ignores crashes', () => {
    const p = new RestartPolicy({ random: noJitter });
    const actions = [0, 10_000, 20_000, 30_000].map((dt) => p.onCrash(T0 + dt));
    expect(actions).toEqual([
      { action: 'restart', delayMs: 1_000, attempt: 1 },
      { action: 'restart', delayMs: 2_000, attempt: 2 },
      { action: 'restart', delayMs: 4_000, attempt: 3 },
      { action: 'restart', delayMs: 8_000, attempt: 4 },
    ]);
    const fifth = p.onCrash(T0 + 40_000, 'exited with code 1');
    expect(fifth).toEqual({
      action: 'give-up',
      crashes: 5,
      reason: 'The gateway crashed 5 times within 5 minutes (last: exited with code 1)',
    });
    expect(p.failed).toEqual({ crashes: 5, reason: expect.stringContaining('5 times') });
    expect(p.onCrash(T0 + 50_000)).toEqual({ action: 'ignore', reason: 'failed' });
  });

  it('crashes older than the window do not count towards the burst', () => {
    const p = new RestartPolicy({ random: noJitter });
    for (let i = 0; i < 4; i++) p.onCrash(T0 + i * 1_000);
    // the first four are > 5 min old now
    const d = p.onCrash(T0 + 5 * 60_000 + 4_000);
    expect(d.action).toBe('restart');
    expect(p.state().recentCrashes).toHaveLength(1);
    // without a stable run the attempt count keeps climbing
    expect(p.attempt).toBe(5);
  });

  it('the user starting again clears the give-up', () => {
    const p = new RestartPolicy({ random: noJitter, burstLimit: 2 });
    p.onCrash(T0);
    expect(p.onCrash(T0 + 1).action).toBe('give-up');
    p.noteUserStart();
    expect(p.failed).toBeUndefined();
    expect(p.onCrash(T0 + 2)).toEqual({ action: 'restart', delayMs: 1_000, attempt: 1 });
  });
});

describe('RestartPolicy stable run', () => {
  it('a crash after a 2 minute run starts over at 1 s', () => {
    const p = new RestartPolicy({ random: noJitter });
    p.onCrash(T0);
    p.onCrash(T0 + 1_000);
    p.onCrash(T0 + 2_000);
    p.noteRunning(T0 + 10_000);
    expect(p.onCrash(T0 + 10_000 + 120_000)).toEqual({
      action: 'restart',
      delayMs: 1_000,
      attempt: 1,
    });
  });

  it('checkStable resets once the run reaches 2 minutes, not before, and not twice', () => {
    const p = new RestartPolicy({ random: noJitter });
    p.onCrash(T0);
    p.noteRunning(T0 + 1_000);
    expect(p.checkStable(T0 + 1_000 + 119_999)).toBe(false);
    expect(p.attempt).toBe(1);
    expect(p.checkStable(T0 + 1_000 + 120_000)).toBe(true);
    expect(p.attempt).toBe(0);
    expect(p.checkStable(T0 + 1_000 + 180_000)).toBe(false);
  });

  it('a stable run clears failed; not running forgets the run', () => {
    const p = new RestartPolicy({ random: noJitter, burstLimit: 1 });
    expect(p.onCrash(T0).action).toBe('give-up');
    p.noteRunning(T0 + 1_000);
    p.noteNotRunning();
    expect(p.checkStable(T0 + 500_000)).toBe(false);
    expect(p.failed).toBeDefined();
    p.noteRunning(T0 + 1_000);
    expect(p.checkStable(T0 + 200_000)).toBe(true);
    expect(p.failed).toBeUndefined();
  });
});

describe('RestartPolicy user stop', () => {
  it('a user stop suppresses restarts until the user starts again', () => {
    const p = new RestartPolicy({ random: noJitter });
    p.noteUserStop();
    expect(p.onCrash(T0)).toEqual({ action: 'ignore', reason: 'user-stopped' });
    expect(p.onCrash(T0 + 1)).toEqual({ action: 'ignore', reason: 'user-stopped' });
    expect(p.attempt).toBe(0);
    p.noteUserStart();
    expect(p.userStopped).toBe(false);
    expect(p.onCrash(T0 + 2).action).toBe('restart');
  });
});
