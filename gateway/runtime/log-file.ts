/**
 * The gateway's own log file, read back by `logs.tail`. Records arrive already redacted by the
 * logger, so a read-only client tailing logs never sees a secret. Size-capped: one rotation.
 */
import { promises as fs, createWriteStream, type WriteStream } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { LogRecord, LogSink } from '../infra/logger.js';

export const MAX_LOG_BYTES = 10 * 1024 * 1024;

export function defaultLogFile(now = new Date()): string {
  const day = now.toISOString().slice(0, 10);
  return path.join(os.tmpdir(), 'openclaw', `openclaw-${day}.log`);
}

export class LogFile {
  private stream: WriteStream | undefined;
  private written = 0;

  constructor(
    readonly file: string,
    private readonly maxBytes = MAX_LOG_BYTES,
  ) {}

  async open(): Promise<void> {
    await fs.mkdir(path.dirname(this.file), { recursive: true, mode: 0o700 });
    this.written = (await fs.stat(this.file).catch(() => undefined))?.size ?? 0;
    this.stream = createWriteStream(this.file, { flags: 'a', mode: 0o600 });
    this.stream.on('error', () => {
      this.stream = undefined; // a full disk must not crash the gateway; stderr still has the log
    });
  }

  sink(): LogSink {
    return (record: LogRecord) => this.write(`${JSON.stringify(record)}\n`);
  }

  write(line: string): void {
    if (!this.stream) return;
    this.written += Buffer.byteLength(line);
    this.stream.write(line);
    if (this.written > this.maxBytes) this.rotate();
  }

  private rotate(): void {
    const old = this.stream;
    this.stream = undefined;
    this.written = 0;
    old?.end(() => {
      void fs
        .rename(this.file, `${this.file}.1`)
        .catch(() => {})
        .then(() => this.open());
    });
  }

  async close(): Promise<void> {
    const stream = this.stream;
    this.stream = undefined;
    if (stream) await new Promise<void>((resolve) => stream.end(() => resolve()));
  }
}

export interface TailOptions {
  cursor?: number;
  limit?: number;
  maxBytes?: number;
}

export interface TailResult {
  file: string;
  cursor: number;
  size: number;
  lines: string[];
  truncated?: boolean;
  reset?: boolean;
}

/** Read new lines after `cursor` (or the end of the file when none), bounded in bytes and lines. */
export async function tailLogFile(file: string, options: TailOptions = {}): Promise<TailResult> {
  const limit = Math.min(Math.max(options.limit ?? 500, 1), 5000);
  const maxBytes = Math.min(Math.max(options.maxBytes ?? 256 * 1024, 1024), 1_000_000);
  const stat = await fs.stat(file).catch(() => undefined);
  if (!stat) return { file, cursor: 0, size: 0, lines: [] };
  const size = stat.size;
  let start: number;
  let reset = false;
  if (options.cursor === undefined) start = Math.max(0, size - maxBytes);
  else if (options.cursor > size) {
    reset = true; // rotated under the reader
    start = Math.max(0, size - maxBytes);
  } else start = options.cursor;
  let truncated = size - start > maxBytes;
  if (truncated) start = size - maxBytes;
  const length = size - start;
  const handle = await fs.open(file, 'r');
  try {
    const buffer = Buffer.alloc(length);
    await handle.read(buffer, 0, length, start);
    let text = buffer.toString('utf8');
    // Starting mid-line (tail or truncation) drops the partial first line.
    if (start > 0 && (options.cursor === undefined || truncated || reset)) {
      const newline = text.indexOf('\n');
      text = newline === -1 ? '' : text.slice(newline + 1);
    }
    // Only complete lines: a line still being written is returned on the next call.
    const lastNewline = text.lastIndexOf('\n');
    const complete = lastNewline === -1 ? '' : text.slice(0, lastNewline);
    const consumed =
      size -
      (text.length - (lastNewline + 1) > 0 ? Buffer.byteLength(text.slice(lastNewline + 1)) : 0);
    let lines = complete === '' ? [] : complete.split('\n');
    if (lines.length > limit) {
      lines = lines.slice(-limit);
      truncated = true;
    }
    const result: TailResult = { file, cursor: consumed, size, lines };
    if (truncated) result.truncated = true;
    if (reset) result.reset = true;
    return result;
  } finally {
    await handle.close();
  }
}
