import { describe, expect, it } from 'vitest';
import { LogDecoder, decodeLogs, splitTimestamp, type LogLine } from './log-demux.js';

function frame(type: 1 | 2, text: string | Buffer): Buffer {
  const payload = typeof text === 'string' ? Buffer.from(text, 'utf8') : text;
  const header = Buffer.alloc(8);
  header[0] = type;
  header.writeUInt32BE(payload.length, 4);
  return Buffer.concat([header, payload]);
}

describe('LogDecoder', () => {
  it('demultiplexes frames split at every possible byte boundary', () => {
    // "é" is two bytes: one frame ends in the middle of it.
    const euro = Buffer.from('caf\u00e9 ok\n', 'utf8');
    const wire = Buffer.concat([
      frame(1, 'out one\nout tw'),
      frame(2, 'err one\n'),
      frame(1, 'o\n'),
      frame(1, euro.subarray(0, 4)),
      frame(1, euro.subarray(4)),
    ]);
    const expected: LogLine[] = [
      { stream: 'stdout', timestamp: undefined, text: 'out one' },
      { stream: 'stderr', timestamp: undefined, text: 'err one' },
      { stream: 'stdout', timestamp: undefined, text: 'out two' },
      { stream: 'stdout', timestamp: undefined, text: 'caf\u00e9 ok' },
    ];
    for (const size of [1, 3, 8, 9, wire.length]) {
      const lines: LogLine[] = [];
      const decoder = new LogDecoder({ tty: false, timestamps: false }, (line) => lines.push(line));
      for (let i = 0; i < wire.length; i += size) decoder.push(wire.subarray(i, i + size));
      decoder.end();
      expect(lines, `chunk size ${size}`).toEqual(expected);
    }
  });

  it('reads TTY output raw and splits engine timestamps off', () => {
    const lines = decodeLogs(
      Buffer.from(
        '2026-05-01T10:00:00.123456789Z listening on 18789\r\n2026-05-01T10:00:01Z ready\n',
      ),
      {
        tty: true,
        timestamps: true,
      },
    );
    expect(lines).toEqual([
      { stream: 'stdout', timestamp: '2026-05-01T10:00:00.123456789Z', text: 'listening on 18789' },
      { stream: 'stdout', timestamp: '2026-05-01T10:00:01Z', text: 'ready' },
    ]);
  });

  it('keeps a line without timestamp intact', () => {
    expect(splitTimestamp('no time here')).toEqual({ timestamp: undefined, text: 'no time here' });
    expect(splitTimestamp('2026-05-01T10:00:00+02:00 x')).toEqual({
      timestamp: '2026-05-01T10:00:00+02:00',
      text: 'x',
    });
  });
});
