import { EventEmitter } from 'node:events';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createShutdown, installShutdownTriggers } from './headless-lifecycle.js';

afterEach(() => {
  vi.useRealTimers();
});

function harness(stop: (reason: string) => Promise<void>, timeoutMs = 5000) {
  const exits: number[] = [];
  const logs: string[] = [];
  let always = 0;
  const shutdown = createShutdown({
    stop,
    always: () => {
      always += 1;
    },
    exit: (code) => exits.push(code),
    timeoutMs: () => timeoutMs,
    log: (line) => logs.push(line),
  });
  return { shutdown, exits, logs, always: () => always };
}

describe('headless shutdown', () => {
  it('runs the graceful stop once and exits 0 when it completes', async () => {
    const stop = vi.fn(async () => {});
    const h = harness(stop);
    h.shutdown.request('SIGTERM');
    await vi.waitFor(() => expect(h.exits).toEqual([0]));
    expect(stop).toHaveBeenCalledWith('SIGTERM');
    expect(h.always()).toBe(1);
    expect(h.logs[0]).toMatch(/Stopping OpenClaw Desktop \(SIGTERM\)/);
  });

  it('exits 1 when the stop hangs past the deadline, still running the cleanup', async () => {
    vi.useFakeTimers();
    const h = harness(() => new Promise<void>(() => {}), 3000);
    h.shutdown.request('SIGINT');
    vi.advanceTimersByTime(2999);
    expect(h.exits).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(h.exits).toEqual([1]);
    expect(h.always()).toBe(1);
    expect(h.logs.at(-1)).toMatch(/did not stop within 3 s/);
  });

  it('Ctrl+C again ends the process at once; the late stop result changes nothing', async () => {
    let finishStop: () => void = () => {};
    const h = harness(() => new Promise<void>((resolve) => (finishStop = resolve)));
    h.shutdown.request('SIGINT');
    expect(h.exits).toEqual([]);
    h.shutdown.request('SIGINT');
    expect(h.exits).toEqual([1]);
    expect(h.logs.at(-1)).toBe('Stopping at once (Ctrl+C again).');
    finishStop();
    await new Promise((r) => setTimeout(r, 0));
    expect(h.exits).toEqual([1]);
    expect(h.always()).toBe(1);
  });

  it('repeated SIGTERM/SIGHUP/lost parent (systemd signals every process at once) stay graceful', async () => {
    let finishStop: () => void = () => {};
    const stop = vi.fn(() => new Promise<void>((resolve) => (finishStop = resolve)));
    const h = harness(stop);
    h.shutdown.request('SIGTERM');
    h.shutdown.request('SIGTERM');
    h.shutdown.request('SIGHUP');
    h.shutdown.request('the npm start process exited');
    expect(h.exits).toEqual([]);
    expect(stop).toHaveBeenCalledTimes(1);
    finishStop();
    await vi.waitFor(() => expect(h.exits).toEqual([0]));
  });

  it('a failing stop is reported and exits 1', async () => {
    const h = harness(async () => {
      throw new Error('compose down failed');
    });
    h.shutdown.request('SIGHUP');
    await vi.waitFor(() => expect(h.exits).toEqual([1]));
    expect(h.logs.at(-1)).toBe('Stopping failed: compose down failed');
  });

  it('SIGINT, SIGTERM, SIGHUP and a lost parent channel all request the stop', () => {
    for (const event of ['SIGINT', 'SIGTERM', 'SIGHUP', 'disconnect']) {
      const proc = new EventEmitter();
      const reasons: string[] = [];
      const remove = installShutdownTriggers(
        { request: (r) => reasons.push(r), stopping: false },
        proc,
      );
      proc.emit(event);
      expect(reasons).toEqual([event === 'disconnect' ? 'the npm start process exited' : event]);
      remove();
      expect(proc.listenerCount(event)).toBe(0);
    }
  });
});
