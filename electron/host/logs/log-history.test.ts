import { describe, expect, it } from 'vitest';
import type { LogLine } from '../../contract/host-api.js';
import { ContainerLogHistory, type ContainerRead } from './log-history.js';

const T0 = Date.parse('2026-03-14T09:00:00Z');

function lines(source: string, from: number, count: number, prefix = 'line'): LogLine[] {
  return Array.from({ length: count }, (_, i) => ({
    source,
    stream: 'stdout',
    ts: new Date(T0 + (from + i) * 1000).toISOString(),
    text: `${prefix} ${from + i}`,
  }));
}

function gateway(id: string, createdSec: number, read: LogLine[]): ContainerRead {
  return {
    id,
    source: 'openclaw-gateway',
    oneOff: false,
    createdAt: T0 + createdSec * 1000,
    lines: read,
  };
}

describe('ContainerLogHistory', () => {
  it('keeps the old container lines after it is recreated and marks the change', () => {
    const history = new ContainerLogHistory();
    history.update([gateway('old', 0, lines('openclaw-gateway', 1, 3, 'old'))]);
    // compose up recreated the gateway: the engine only knows the new container now.
    const view = history.update([gateway('new', 10, lines('openclaw-gateway', 11, 2, 'new'))]);
    expect(view.map((l) => l.text)).toEqual([
      'old 1',
      'old 2',
      'old 3',
      'Container recreated at 2026-03-14 09:00:10 UTC: the lines above come from the previous container.',
      'new 11',
      'new 12',
    ]);
    expect(view[3]).toMatchObject({ marker: true, source: 'openclaw-gateway' });
  });

  it('keeps lines captured when a container stopped, even if no poll ever saw it', () => {
    const history = new ContainerLogHistory();
    // The Logs page was closed: the only read of the old container is the capture at "die".
    history.capture(gateway('old', 0, lines('openclaw-gateway', 1, 2, 'old')));
    const view = history.update([gateway('new', 10, lines('openclaw-gateway', 11, 1, 'new'))]);
    expect(view.map((l) => l.text)).toEqual([
      'old 1',
      'old 2',
      'Container recreated at 2026-03-14 09:00:10 UTC: the lines above come from the previous container.',
      'new 11',
    ]);
    // A container that was only restarted (still there) is read fresh, not doubled.
    history.capture(gateway('new', 10, lines('openclaw-gateway', 11, 1, 'new')));
    const again = history.update([gateway('new', 10, lines('openclaw-gateway', 11, 2, 'new'))]);
    expect(again.filter((l) => l.text.startsWith('new'))).toHaveLength(2);
  });

  it('reads live containers fresh each time (no duplicates) and marks no one-off runs', () => {
    const history = new ContainerLogHistory();
    history.update([gateway('a', 0, lines('openclaw-gateway', 1, 2))]);
    const run = (id: string, at: number): ContainerRead => ({
      id,
      source: 'openclaw-cli (run)',
      oneOff: true,
      createdAt: T0 + at * 1000,
      lines: lines('openclaw-cli (run)', at + 1, 1, `run-${id}`),
    });
    history.update([gateway('a', 0, lines('openclaw-gateway', 1, 3)), run('r1', 20)]);
    const view = history.update([gateway('a', 0, lines('openclaw-gateway', 1, 4)), run('r2', 30)]);
    expect(view.map((l) => l.text)).toEqual([
      'line 1',
      'line 2',
      'line 3',
      'line 4',
      'run-r1 21',
      'run-r2 31',
    ]);
    expect(view.some((l) => l.marker)).toBe(false);
  });

  it('bounds the kept history by lines and bytes, dropping the oldest first', () => {
    const history = new ContainerLogHistory({ maxLines: 5, maxBytes: 1_000_000 });
    history.update([gateway('c1', 0, lines('openclaw-gateway', 1, 4, 'c1'))]);
    history.update([gateway('c2', 10, lines('openclaw-gateway', 11, 4, 'c2'))]);
    const view = history.update([gateway('c3', 20, lines('openclaw-gateway', 21, 1, 'c3'))]);
    // c1 and c2 are gone: 8 lines, 5 kept (the newest), c3 is live and read in full.
    expect(view.filter((l) => !l.marker).map((l) => l.text)).toEqual([
      'c1 4',
      'c2 11',
      'c2 12',
      'c2 13',
      'c2 14',
      'c3 21',
    ]);
    expect(view.filter((l) => l.marker)).toHaveLength(2);

    const small = new ContainerLogHistory({ maxLines: 1000, maxBytes: 200 });
    small.update([gateway('c1', 0, lines('openclaw-gateway', 1, 50, 'x'.repeat(20)))]);
    const kept = small.update([gateway('c2', 100, [])]).filter((l) => !l.marker);
    const bytes = kept.reduce(
      (n, l) => n + l.text.length + (l.ts?.length ?? 0) + l.source.length,
      0,
    );
    expect(bytes).toBeLessThanOrEqual(200);
    expect(kept.at(-1)?.text).toContain('50');
  });
});
