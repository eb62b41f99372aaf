import { describe, expect, it } from 'vitest';
import { parseLogRecord, plainTextLevel } from './log-record.js';

describe('parseLogRecord', () => {
  it('formats a gateway JSON line: time, level, subsystem, message, fields in order', () => {
    const r = parseLogRecord(
      JSON.stringify({
        ts: '2026-03-14T09:12:00.000Z',
        level: 'warn',
        msg: 'pairing required',
        subsystem: 'pairing',
        requestId: '7c1e9b2a',
        remote: '172.17.0.1',
        extra: { a: 1 },
      }),
    );
    expect(r).toMatchObject({
      ts: '2026-03-14T09:12:00.000Z',
      level: 'warn',
      subsystem: 'pairing',
      msg: 'pairing required',
    });
    expect(r.fields).toEqual([
      ['requestId', '7c1e9b2a'],
      ['remote', '172.17.0.1'],
      ['extra', '{"a":1}'],
    ]);
  });

  it('reads pino numbers and `time`/`message`, and keeps plain text as it is', () => {
    expect(parseLogRecord('{"level":50,"time":1,"message":"boom","module":"agent"}')).toMatchObject(
      {
        level: 'error',
        ts: '1',
        msg: 'boom',
        subsystem: 'agent',
        fields: [],
      },
    );
    expect(parseLogRecord('E: Unable to locate package jqq')).toEqual({
      msg: 'E: Unable to locate package jqq',
      fields: [],
    });
    expect(parseLogRecord('[gateway] WARN slow request').level).toBe('warn');
    expect(plainTextLevel('level=debug msg=x')).toBe('debug');
  });
});
