/**
 * Decodes container log/attach output into lines. Without a TTY the engine multiplexes stdout and
 * stderr into frames (8-byte header: stream type, 3 zero bytes, big-endian payload length); with a
 * TTY it sends raw bytes. Frames and UTF-8 characters can both be split across chunks, so this is
 * a small state machine rather than docker-modem's demuxStream (which needs a stream, not a
 * Buffer, and leaves line splitting to the caller).
 */
import { StringDecoder } from 'node:string_decoder';
import { LineSplitter } from './line-splitter.js';

export type LogStream = 'stdout' | 'stderr';

export interface LogLine {
  stream: LogStream;
  /** RFC 3339 time the engine recorded, when logs were requested with timestamps. */
  timestamp: string | undefined;
  text: string;
}

const HEADER_SIZE = 8;
const TIMESTAMP = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:\d{2})) ?/;

/** Splits "2024-05-01T10:00:00.123456789Z text" into its time and text. */
export function splitTimestamp(line: string): { timestamp: string | undefined; text: string } {
  const match = TIMESTAMP.exec(line);
  if (!match) return { timestamp: undefined, text: line };
  return { timestamp: match[1], text: line.slice(match[0].length) };
}

class StreamLines {
  private readonly decoder = new StringDecoder('utf8');
  private readonly splitter: LineSplitter;

  constructor(stream: LogStream, timestamps: boolean, emit: (line: LogLine) => void) {
    this.splitter = new LineSplitter((raw) => {
      const { timestamp, text } = timestamps
        ? splitTimestamp(raw)
        : { timestamp: undefined, text: raw };
      emit({ stream, timestamp, text });
    });
  }

  write(bytes: Buffer): void {
    this.splitter.push(this.decoder.write(bytes));
  }

  end(): void {
    this.splitter.push(this.decoder.end());
    this.splitter.flush();
  }
}

export interface LogDecoderOptions {
  /** The container runs with a TTY: the stream is raw, not framed (all of it is "stdout"). */
  tty: boolean;
  /** Lines start with an engine timestamp (logs requested with `timestamps: true`). */
  timestamps: boolean;
}

/** Push chunks in, get whole lines out (call end() when the source ends). */
export class LogDecoder {
  private pending: Buffer = Buffer.alloc(0);
  private readonly out: Record<LogStream, StreamLines>;

  constructor(
    private readonly options: LogDecoderOptions,
    onLine: (line: LogLine) => void,
  ) {
    this.out = {
      stdout: new StreamLines('stdout', options.timestamps, onLine),
      stderr: new StreamLines('stderr', options.timestamps, onLine),
    };
  }

  push(chunk: Buffer | string): void {
    const bytes = typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk;
    if (this.options.tty) {
      this.out.stdout.write(bytes);
      return;
    }
    this.pending = this.pending.length ? Buffer.concat([this.pending, bytes]) : bytes;
    while (this.pending.length >= HEADER_SIZE) {
      const type = this.pending[0];
      const size = this.pending.readUInt32BE(4);
      if (this.pending.length < HEADER_SIZE + size) break;
      const payload = this.pending.subarray(HEADER_SIZE, HEADER_SIZE + size);
      this.pending = this.pending.subarray(HEADER_SIZE + size);
      // Type 0 (stdin) only appears on attach with a TTY-less stdin echo; treat it as stdout.
      (type === 2 ? this.out.stderr : this.out.stdout).write(payload);
    }
  }

  end(): void {
    this.out.stdout.end();
    this.out.stderr.end();
  }
}

/** Decodes a complete (non-follow) log buffer. */
export function decodeLogs(buffer: Buffer, options: LogDecoderOptions): LogLine[] {
  const lines: LogLine[] = [];
  const decoder = new LogDecoder(options, (line) => lines.push(line));
  decoder.push(buffer);
  decoder.end();
  return lines;
}
