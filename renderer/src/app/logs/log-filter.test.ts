import { describe, expect, it } from 'vitest';
import type { LogLine } from '../../../../electron/contract/host-api.js';
import {
  ALL_SOURCES,
  compileSearch,
  detectLevel,
  filterLines,
  formatExport,
  highlightParts,
  sourcesOf,
} from './log-filter.js';

const line = (source: string, text: string, ts?: string): LogLine => ({
  source,
  stream: 'stdout',
  text,
  ...(ts ? { ts } : {}),
});

describe('detectLevel', () => {
  it('reads JSON, pino numbers, logfmt and plain tags', () => {
    expect(detectLevel('{"level":"error","msg":"x"}')).toBe('error');
    expect(detectLevel('{"level": "warn"}')).toBe('warn');
    expect(detectLevel('{"level":30,"msg":"x"}')).toBe('info');
    expect(detectLevel('{"level":50}')).toBe('error');
    expect(detectLevel('ts=1 level=debug msg=x')).toBe('debug');
    expect(detectLevel('2026 WARNING disk low')).toBe('warn');
    expect(detectLevel('all good, 0 errors')).toBeUndefined();
  });
});

describe('search and filter', () => {
  const lines = [
    line('openclaw-gateway', '{"level":"error","msg":"boom"}'),
    line('openclaw-cli', 'Approved device'),
    line('openclaw-gateway', 'listening on 18789'),
  ];

  it('filters by source and by text, case-insensitively', () => {
    expect(filterLines(lines, { source: 'openclaw-cli', search: {} })).toHaveLength(1);
    expect(
      filterLines(lines, { source: ALL_SOURCES, search: compileSearch('APPROVED', false) }),
    ).toEqual([lines[1]]);
    expect(
      filterLines(lines, { source: ALL_SOURCES, search: {}, levels: new Set(['error'] as const) }),
    ).toEqual([lines[0]]);
  });

  it('keeps "container recreated" notes under a search, but not under another source', () => {
    const note: LogLine = { ...line('openclaw-gateway', 'Container recreated at …'), marker: true };
    const all = [...lines, note];
    expect(
      filterLines(all, { source: ALL_SOURCES, search: compileSearch('APPROVED', false) }),
    ).toEqual([lines[1], note]);
    expect(filterLines(all, { source: 'openclaw-cli', search: {} })).not.toContain(note);
  });

  it('treats text literally unless regex is on, and reports a bad regex', () => {
    expect(
      filterLines(lines, { source: ALL_SOURCES, search: compileSearch('boom|listening', false) }),
    ).toHaveLength(0);
    expect(
      filterLines(lines, { source: ALL_SOURCES, search: compileSearch('boom|listening', true) }),
    ).toHaveLength(2);
    expect(compileSearch('(', true).error).toMatch(/Not a valid regular expression/);
  });

  it('splits text for highlighting, surviving zero-length matches', () => {
    const s = compileSearch('o+', true);
    expect(highlightParts('foo bar boo', s.highlighter)).toEqual([
      { text: 'f', match: false },
      { text: 'oo', match: true },
      { text: ' bar b', match: false },
      { text: 'oo', match: true },
    ]);
    expect(highlightParts('abc', compileSearch('x*', true).highlighter)).toEqual([
      { text: 'abc', match: false },
    ]);
  });

  it('lists sources and exports with or without timestamps', () => {
    expect(sourcesOf(lines)).toEqual(['openclaw-cli', 'openclaw-gateway']);
    const out = formatExport(
      [line('g', 'hi', '2026-01-01T00:00:00Z'), { ...line('g', 'oops'), stream: 'stderr' }],
      { timestamps: true },
    );
    expect(out).toBe('2026-01-01T00:00:00Z [g] hi\n[g stderr] oops\n');
    expect(formatExport([line('g', 'hi', '2026-01-01T00:00:00Z')], { timestamps: false })).toBe(
      '[g] hi\n',
    );
  });
});
