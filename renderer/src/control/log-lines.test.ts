// @vitest-environment node
import { describe, expect, it } from 'vitest';
import { matchesSearch, parseLogLine, passesLevel } from './log-lines.js';

describe('parseLogLine', () => {
  it('reads the gateway JSON lines: time, level, message, fields in order', () => {
    const line = parseLogLine(
      JSON.stringify({
        ts: '2026-01-01T10:00:00.000Z',
        level: 'warn',
        msg: 'pairing required',
        deviceId: 'abc',
        ip: '203.0.113.5',
        extra: { a: 1 },
      }),
      1,
    );
    expect(line).toMatchObject({
      level: 'warn',
      msg: 'pairing required',
      ts: '2026-01-01T10:00:00.000Z',
    });
    expect(line.fields).toEqual([
      ['deviceId', 'abc'],
      ['ip', '203.0.113.5'],
      ['extra', '{"a":1}'],
    ]);
    expect(line.record).toBeDefined();
  });

  it('keeps anything else as plain text and guesses its level', () => {
    expect(parseLogLine('    at foo (bar.js:1:2)', 2)).toMatchObject({
      msg: '    at foo (bar.js:1:2)',
      level: undefined,
      fields: [],
    });
    expect(parseLogLine('ERROR something broke', 3).level).toBe('error');
    expect(parseLogLine('{not json', 4).msg).toBe('{not json');
  });

  it('filters by minimum level (no level counts as info) and by text', () => {
    const debug = parseLogLine('{"level":"debug","msg":"d"}', 1);
    const plain = parseLogLine('plain', 2);
    const error = parseLogLine('{"level":"error","msg":"Boom"}', 3);
    expect([debug, plain, error].filter((l) => passesLevel(l, 'info')).map((l) => l.id)).toEqual([
      2, 3,
    ]);
    expect([debug, plain, error].filter((l) => passesLevel(l, 'warn')).map((l) => l.id)).toEqual([
      3,
    ]);
    expect(matchesSearch(error, 'boom')).toBe(true);
    expect(matchesSearch(plain, 'boom')).toBe(false);
  });
});
