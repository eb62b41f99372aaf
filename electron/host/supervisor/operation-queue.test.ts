import { describe, expect, it } from 'vitest';
import { ErrorCode, isOpenClawError } from '../../../gateway/infra/errors.js';
import { OperationQueue, type OperationQueueState } from './operation-queue.js';
import { settle } from './testing/fake-clock.js';

/** An operation the test finishes by hand; it records when it ran and whether it was aborted. */
function manual<T = string>(log: string[], name: string) {
  let resolve!: (v: T) => void;
  let reject!: (e: unknown) => void;
  let signal: AbortSignal | undefined;
  const run = (s: AbortSignal) => {
    signal = s;
    log.push(`run:${name}`);
    return new Promise<T>((res, rej) => {
      resolve = res;
      reject = rej;
      s.addEventListener('abort', () => rej(new Error(`${name} aborted`)), { once: true });
    });
  };
  return {
    run,
    resolve: (v: T) => resolve(v),
    reject: (e: unknown) => reject(e),
    get signal() {
      return signal;
    },
  };
}

describe('OperationQueue', () => {
  it('runs operations one at a time, in order', async () => {
    const q = new OperationQueue();
    const log: string[] = [];
    const a = manual(log, 'a');
    const b = manual(log, 'b');
    const pa = q.enqueue('start', a.run);
    const pb = q.enqueue('stop', b.run);
    await settle();
    expect(log).toEqual(['run:a']);
    expect(q.current()?.kind).toBe('start');
    expect(q.state().pending.map((p) => p.kind)).toEqual(['stop']);
    a.resolve('A');
    await expect(pa).resolves.toBe('A');
    await settle();
    expect(log).toEqual(['run:a', 'run:b']);
    b.resolve('B');
    await expect(pb).resolves.toBe('B');
    await q.idle();
    expect(q.current()).toBeUndefined();
  });

  it('a failing operation rejects its caller and the queue carries on', async () => {
    const q = new OperationQueue();
    const failing = q.enqueue('start', () => Promise.reject(new Error('boom')));
    const throwing = q.enqueue('restart', () => {
      throw new Error('sync boom');
    });
    const next = q.enqueue('stop', async () => 'ok');
    await expect(failing).rejects.toThrow('boom');
    await expect(throwing).rejects.toThrow('sync boom');
    await expect(next).resolves.toBe('ok');
  });

  it('coalesces a second start into the running one', async () => {
    const q = new OperationQueue();
    const log: string[] = [];
    const a = manual(log, 'a');
    const first = q.enqueue('start', a.run, { coalesce: true });
    await settle();
    const second = q.enqueue('start', manual(log, 'b').run, { coalesce: true });
    expect(second).toBe(first);
    a.resolve('done');
    await expect(second).resolves.toBe('done');
    expect(log).toEqual(['run:a']);
  });

  it('coalesces into a queued start, but not across a different operation in between', async () => {
    const q = new OperationQueue();
    const log: string[] = [];
    const block = manual(log, 'block');
    void q.enqueue('rebuild', block.run);
    const s1 = q.enqueue('start', async () => 's1', { coalesce: true });
    const s2 = q.enqueue('start', async () => 's2', { coalesce: true });
    expect(s2).toBe(s1);
    const stop = q.enqueue('stop', async () => 'stopped', { coalesce: true });
    const s3 = q.enqueue('start', async () => 's3', { coalesce: true });
    expect(s3).not.toBe(s1);
    // without the option nothing coalesces
    const s4 = q.enqueue('start', async () => 's4');
    expect(s4).not.toBe(s3);
    await settle();
    block.resolve('x');
    await expect(Promise.all([s1, stop, s3, s4])).resolves.toEqual(['s1', 'stopped', 's3', 's4']);
  });

  it('cancelCurrent aborts through the signal and rejects with CANCELLED', async () => {
    const q = new OperationQueue();
    const log: string[] = [];
    const a = manual(log, 'a');
    const pa = q.enqueue('rebuild', a.run);
    const pb = q.enqueue('start', async () => 'after');
    await settle();
    expect(q.cancelCurrent()).toBe(true);
    expect(a.signal?.aborted).toBe(true);
    const err = await pa.catch((e: unknown) => e);
    expect(isOpenClawError(err, ErrorCode.CANCELLED)).toBe(true);
    await expect(pb).resolves.toBe('after');
    expect(q.cancelCurrent()).toBe(false);
  });

  it('an aborted operation is not joined by a later coalescing request', async () => {
    const q = new OperationQueue();
    const log: string[] = [];
    const a = manual(log, 'a');
    const pa = q.enqueue('start', a.run, { coalesce: true });
    await settle();
    q.cancelCurrent();
    const pb = q.enqueue('start', async () => 'fresh', { coalesce: true });
    expect(pb).not.toBe(pa);
    await expect(pa).rejects.toThrow(/cancelled/);
    await expect(pb).resolves.toBe('fresh');
  });

  it('cancel(predicate) drops matching queued operations without running them', async () => {
    const q = new OperationQueue();
    const log: string[] = [];
    const a = manual(log, 'a');
    const pa = q.enqueue('start', a.run);
    const pr = q.enqueue('crash-restart', async () => {
      log.push('run:restart');
    });
    const ps = q.enqueue('stop', async () => {
      log.push('run:stop');
    });
    await settle();
    expect(q.cancel((info) => info.kind === 'start' || info.kind === 'crash-restart')).toBe(2);
    await expect(pa).rejects.toThrow(/cancelled/);
    await expect(pr).rejects.toThrow(/cancelled/);
    await ps;
    expect(log).toEqual(['run:a', 'run:stop']);
  });

  it('rejects with OPERATION_QUEUE_FULL beyond the bound', async () => {
    const q = new OperationQueue({ maxPending: 16 });
    const log: string[] = [];
    const block = manual(log, 'block');
    void q.enqueue('rebuild', block.run);
    await settle();
    const waiting: Promise<unknown>[] = [];
    for (let i = 0; i < 16; i++) waiting.push(q.enqueue(`op-${i}`, async () => i));
    const err = await q.enqueue('one-too-many', async () => 0).catch((e: unknown) => e);
    expect(isOpenClawError(err, ErrorCode.OPERATION_QUEUE_FULL)).toBe(true);
    expect((err as Error).message).toMatch(/Too many operations/);
    block.resolve('x');
    await expect(Promise.all(waiting)).resolves.toHaveLength(16);
  });

  it('emits state changes and reports the current operation with its start time', async () => {
    let t = 1000;
    const q = new OperationQueue({ now: () => t });
    const states: OperationQueueState[] = [];
    const sub = q.onChange((s) => states.push(s));
    const log: string[] = [];
    const a = manual(log, 'a');
    const p = q.enqueue('start', a.run);
    await settle();
    expect(q.current()).toMatchObject({ kind: 'start', enqueuedAt: 1000, startedAt: 1000 });
    t = 2000;
    a.resolve('ok');
    await p;
    await settle();
    expect(states.at(-1)).toEqual({ pending: [] });
    expect(states.some((s) => s.current?.kind === 'start')).toBe(true);
    const count = states.length;
    sub.dispose();
    await q.enqueue('stop', async () => 1);
    expect(states.length).toBe(count);
  });

  it('dispose cancels everything and refuses new work', async () => {
    const q = new OperationQueue();
    const log: string[] = [];
    const a = manual(log, 'a');
    const pa = q.enqueue('start', a.run);
    const pb = q.enqueue('stop', async () => 'never');
    await settle();
    q.dispose();
    await expect(pa).rejects.toThrow(/cancelled/);
    await expect(pb).rejects.toThrow(/cancelled/);
    await expect(q.enqueue('start', async () => 1)).rejects.toThrow(/cancelled/);
    await expect(q.idle()).resolves.toBeUndefined();
    expect(log).toEqual(['run:a']);
  });
});
