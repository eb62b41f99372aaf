import { describe, expect, it } from 'vitest';
import { OPERATION_LOG_LIMIT, reduceProgress } from '../store/operation-slice.js';
import { phaseRows } from './phases.js';

describe('reduceProgress', () => {
  it('starts a view from the first event and adopts a locally begun one', () => {
    const op = reduceProgress(null, {
      operationId: 'a',
      kind: 'setup',
      phase: 'validate',
      message: 'Checking',
    });
    expect(op).toMatchObject({
      operationId: 'a',
      kind: 'setup',
      phases: [{ phase: 'validate', message: 'Checking' }],
    });
    const local = { ...op, operationId: undefined, phases: [] };
    expect(reduceProgress(local, { operationId: 'b', kind: 'apply' })).toMatchObject({
      operationId: 'b',
      kind: 'apply',
    });
  });

  it('replaces the view when another operation reports', () => {
    const a = reduceProgress(null, { operationId: 'a', kind: 'setup', log: 'from a' });
    const b = reduceProgress(a, { operationId: 'b', kind: 'rebuild', log: 'from b' });
    expect(b.log).toEqual(['from b']);
  });

  it('tracks build steps, drops them when a later phase starts, and records errors', () => {
    let op = reduceProgress(null, {
      operationId: 'a',
      kind: 'setup',
      phase: 'image',
      message: 'Building',
    });
    op = reduceProgress(op, {
      operationId: 'a',
      kind: 'setup',
      step: { index: 3, total: 9 },
      message: 'RUN apt',
    });
    expect(op.step).toEqual({ index: 3, total: 9, label: 'RUN apt' });
    op = reduceProgress(op, {
      operationId: 'a',
      kind: 'setup',
      phase: 'start',
      message: 'Starting',
    });
    expect(op.step).toBeUndefined();
    op = reduceProgress(op, { operationId: 'a', kind: 'setup', done: true, error: 'boom' });
    expect(op).toMatchObject({ done: true, error: 'boom' });
    expect(op.log.at(-1)).toBe('✖ boom');
  });

  it('names build steps readably, times each step and the whole operation, keeps the raw instruction in the log', () => {
    const at = (ms: number) => 1_000_000 + ms;
    let op = reduceProgress(
      null,
      { operationId: 'a', kind: 'setup', phase: 'image', message: 'Building' },
      at(0),
    );
    op = reduceProgress(
      op,
      {
        operationId: 'a',
        kind: 'setup',
        step: {
          index: 2,
          total: 4,
          label: 'Installing apt packages: jq',
          instruction: 'RUN set -eu; apt-get install -y $P',
        },
        message: 'Installing apt packages: jq',
      },
      at(1_000),
    );
    expect(op.message).toBe('Installing apt packages: jq');
    expect(op.buildSteps).toEqual([
      {
        index: 2,
        total: 4,
        label: 'Installing apt packages: jq',
        instruction: 'RUN set -eu; apt-get install -y $P',
        startedAt: at(1_000),
        endedAt: undefined,
      },
    ]);
    expect(op.log.slice(-2)).toEqual([
      '▸ Step 2/4: Installing apt packages: jq',
      '  RUN set -eu; apt-get install -y $P',
    ]);
    op = reduceProgress(
      op,
      {
        operationId: 'a',
        kind: 'setup',
        step: { index: 3, total: 4, label: 'Copying the gateway' },
      },
      at(31_000),
    );
    expect(op.buildSteps.map((s) => [s.label, s.endedAt && s.endedAt - s.startedAt])).toEqual([
      ['Installing apt packages: jq', 30_000],
      ['Copying the gateway', undefined],
    ]);
    op = reduceProgress(
      op,
      { operationId: 'a', kind: 'setup', phase: 'start', message: 'Starting' },
      at(33_000),
    );
    expect(op.buildSteps[1]?.endedAt).toBe(at(33_000));
    expect(op.endedAt).toBeUndefined();
    op = reduceProgress(op, { operationId: 'a', kind: 'setup', done: true }, at(40_000));
    expect(op.endedAt! - op.startedAt).toBe(40_000);
  });

  it('keeps only the tail of a long log', () => {
    const big = Array.from({ length: OPERATION_LOG_LIMIT + 50 }, (_, i) => `l${i}`).join('\n');
    const op = reduceProgress(null, { operationId: 'a', kind: 'setup', log: big });
    expect(op.log).toHaveLength(OPERATION_LOG_LIMIT);
    expect(op.log.at(-1)).toBe(`l${OPERATION_LOG_LIMIT + 49}`);
  });
});

describe('phaseRows', () => {
  const seen = [
    { phase: 'validate', message: 'Checking' },
    { phase: 'engine', message: 'Docker' },
    { phase: 'image', message: 'Building the image with jq' },
  ];

  it('marks earlier phases done, the last one active, later ones pending', () => {
    const rows = phaseRows('setup', seen, { done: false });
    const state = Object.fromEntries(rows.map((r) => [r.phase, r.state]));
    expect(state).toMatchObject({
      validate: 'done',
      engine: 'done',
      image: 'active',
      // The stack files are written after the image is built (a failed build leaves them as they were).
      files: 'pending',
      start: 'pending',
      done: 'pending',
    });
    expect(rows.find((r) => r.phase === 'image')?.detail).toBe('Building the image with jq');
  });

  it('marks the last phase failed on error and everything done on success', () => {
    expect(
      phaseRows('setup', seen, { done: true, error: 'x' }).find((r) => r.phase === 'image')?.state,
    ).toBe('failed');
    expect(phaseRows('setup', seen, { done: true }).every((r) => r.state === 'done')).toBe(true);
  });

  it('lists only reported phases for other operations', () => {
    expect(phaseRows('rebuild', [{ phase: 'pull', message: 'Pulling' }], { done: false })).toEqual([
      { phase: 'pull', label: 'Pulling', state: 'active' },
    ]);
  });
});

describe('the sandbox switch phases', () => {
  it('lists the image build first when turning on, and no build when turning off', () => {
    const on = phaseRows('sandbox', [{ phase: 'sandbox-image', message: 'Building x' }], {
      done: false,
    });
    expect(on.slice(0, 3).map((r) => [r.label, r.state])).toEqual([
      ['Check Docker and the image', 'done'],
      ['Build the sandbox image', 'active'],
      ['Configure the sandbox image', 'pending'],
    ]);
    const off = phaseRows('sandbox-off', [], { done: false });
    expect(off.map((r) => r.phase)).not.toContain('sandbox-image');
    expect(off.at(-1)?.label).toBe('Sandbox off');
  });
});
