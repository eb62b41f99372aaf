/**
 * The run registry alone: one run at a time per session (others queue, other sessions run in
 * parallel), idempotency keys never start a second run, abort of running and queued runs, wait
 * with a bound, forgetting old keys, and close.
 */
import { describe, expect, it } from 'vitest';
import { RunRegistry, type RunHandle, type RunOutcome } from './run-registry.js';

/** An executor whose runs end when the test says so (or when aborted). */
function controlled() {
  const started: string[] = [];
  const finishers = new Map<string, (o: RunOutcome) => void>();
  const registry = new RunRegistry<string>({
    execute: (run: RunHandle, input: string) => {
      started.push(`${run.runId}:${input}`);
      return new Promise<RunOutcome>((resolve) => {
        finishers.set(run.runId, resolve);
        const onAbort = () => resolve({ status: 'aborted', endedAt: Date.now() });
        if (run.signal.aborted) onAbort();
        else run.signal.addEventListener('abort', onAbort, { once: true });
      });
    },
  });
  const finish = (runId: string, text = 'done') =>
    finishers.get(runId)!({ status: 'ok', text, endedAt: Date.now() });
  return { registry, started, finish };
}

const tick = () => new Promise<void>((resolve) => setImmediate(resolve));

describe('RunRegistry', () => {
  it('runs one run at a time per session and queues the next; other sessions are not held', async () => {
    const { registry, started, finish } = controlled();
    expect(registry.submit('a1', 's1', 'one').status).toBe('started');
    expect(registry.submit('a2', 's1', 'two').status).toBe('started');
    registry.submit('b1', 's2', 'other');
    await tick();
    expect(started).toEqual(['a1:one', 'b1:other']);
    expect(registry.get('a2')?.state).toBe('queued');
    expect(registry.active('s1')?.runId).toBe('a1');
    finish('a1');
    await registry.get('a1')!.done;
    await tick();
    expect(started).toEqual(['a1:one', 'b1:other', 'a2:two']);
    finish('a2');
    finish('b1');
    expect((await registry.get('a2')!.done).status).toBe('ok');
  });

  it('answers a known key from its run: in_flight while going, ok after; never runs it twice', async () => {
    const { registry, started, finish } = controlled();
    registry.submit('k', 's', 'first');
    await tick();
    expect(registry.submit('k', 's', 'again').status).toBe('in_flight');
    finish('k');
    await registry.get('k')!.done;
    expect(registry.submit('k', 's', 'again').status).toBe('ok');
    await tick();
    expect(started).toEqual(['k:first']);
  });

  it('aborts the running run and the queued ones of a session; a queued run still ends', async () => {
    const { registry, started } = controlled();
    registry.submit('r1', 's', 'one');
    registry.submit('r2', 's', 'two');
    registry.submit('x', 'other', 'keep');
    await tick();
    expect(registry.abort('s').sort()).toEqual(['r1', 'r2']);
    expect((await registry.get('r1')!.done).status).toBe('aborted');
    expect((await registry.get('r2')!.done).status).toBe('aborted');
    // The queued run went through execute with its signal already aborted (terminal events).
    expect(started).toContain('r2:two');
    expect(registry.get('x')!.state).toBe('running');
    expect(registry.abort('s')).toEqual([]);
  });

  it('aborts only the named run when runId is given', async () => {
    const { registry, finish } = controlled();
    registry.submit('r1', 's', 'one');
    registry.submit('r2', 's', 'two');
    await tick();
    expect(registry.abort('s', 'r2')).toEqual(['r2']);
    expect(registry.get('r1')!.state).toBe('running');
    finish('r1');
    expect((await registry.get('r2')!.done).status).toBe('aborted');
  });

  it('wait returns the outcome, or undefined after the bound while the run goes on', async () => {
    const { registry, finish } = controlled();
    registry.submit('w', 's', 'x');
    expect(await registry.wait('w', 5)).toBeUndefined();
    expect(registry.get('w')!.state).toBe('running');
    finish('w', 'answer');
    expect(await registry.wait('w', 1000)).toMatchObject({ status: 'ok', text: 'answer' });
    expect(await registry.wait('unknown', 5)).toBeUndefined();
  });

  it('reports an executor that throws as an error outcome', async () => {
    const registry = new RunRegistry<string>({
      execute: () => Promise.reject(new Error('boom')),
    });
    registry.submit('t', 's', 'x');
    expect(await registry.get('t')!.done).toMatchObject({ status: 'error', error: 'boom' });
  });

  it('forgets finished keys after the retention time, then a key starts a new run', async () => {
    let now = 1_000;
    const registry = new RunRegistry<string>({
      execute: async () => ({ status: 'ok', endedAt: now }),
      retainMs: 100,
      now: () => now,
    });
    registry.submit('old', 's', 'x');
    await registry.get('old')!.done;
    now += 50;
    expect(registry.submit('old', 's', 'x').status).toBe('ok');
    now += 100;
    expect(registry.submit('old', 's', 'x').status).toBe('started');
  });

  it('close aborts everything, waits for the ends, and refuses new runs', async () => {
    const { registry } = controlled();
    registry.submit('c1', 's', 'x');
    registry.submit('c2', 's', 'y');
    await registry.close(1000);
    expect(registry.get('c1')!.outcome?.status).toBe('aborted');
    expect(registry.get('c2')!.outcome?.status).toBe('aborted');
    expect(() => registry.submit('c3', 's', 'z')).toThrow(/stopping/);
  });
});
