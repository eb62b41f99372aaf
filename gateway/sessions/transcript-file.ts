/**
 * Durable appends to one transcript file. Each append is one `write` of a whole line on an
 * O_APPEND descriptor followed by `fdatasync`, so when `append` resolves the line is on disk, and
 * a `kill -9` (or power loss) at any moment leaves at most the line in flight torn — which the
 * loader cuts off. A failed write (disk full) is rolled back to the last whole line so later
 * appends never land behind a fragment.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { ErrorCode, OpenClawError, systemErrorCode } from '../infra/errors.js';

export class TranscriptFile {
  private closed = false;

  private constructor(
    readonly file: string,
    private readonly handle: fs.FileHandle,
    private bytes: number,
  ) {}

  /** Create a new file holding `firstLine` (fails if it exists: ids never collide silently). */
  static async create(file: string, firstLine: string): Promise<TranscriptFile> {
    await fs.mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
    let handle: fs.FileHandle;
    try {
      handle = await fs.open(file, 'wx', 0o600);
    } catch (err) {
      throw writeError(file, err);
    }
    await handle.close();
    const opened = await TranscriptFile.open(file);
    await opened.appendLine(firstLine);
    await syncDirectory(path.dirname(file));
    return opened;
  }

  /** Open an existing file for appending; its size must end on a whole line (see the loader). */
  static async open(file: string): Promise<TranscriptFile> {
    let handle: fs.FileHandle;
    try {
      handle = await fs.open(file, 'a', 0o600);
    } catch (err) {
      throw writeError(file, err);
    }
    const { size } = await handle.stat();
    return new TranscriptFile(file, handle, size);
  }

  get size(): number {
    return this.bytes;
  }

  /** Append one line (without its newline) and wait until it is on disk. */
  async appendLine(line: string): Promise<void> {
    await this.appendLines([line]);
  }

  /** Append several lines with one write and one sync. */
  async appendLines(lines: readonly string[]): Promise<void> {
    if (this.closed) {
      throw new OpenClawError(
        ErrorCode.INTERNAL,
        `Transcript ${path.basename(this.file)} is closed (the session was reset or deleted); start a new run.`,
      );
    }
    const data = Buffer.from(lines.map((l) => `${l}\n`).join(''), 'utf8');
    const before = this.bytes;
    try {
      let offset = 0;
      while (offset < data.length) {
        const { bytesWritten } = await this.handle.write(data, offset, data.length - offset);
        offset += bytesWritten;
      }
      await this.handle.datasync();
      this.bytes = before + data.length;
    } catch (err) {
      await this.handle.truncate(before).catch(() => {});
      throw writeError(this.file, err);
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.handle.close();
  }
}

async function syncDirectory(dir: string): Promise<void> {
  if (process.platform === 'win32') return;
  const handle = await fs.open(dir, 'r').catch(() => undefined);
  try {
    await handle?.sync();
  } catch {
    // Some filesystems refuse fsync on a directory; the file itself is synced.
  } finally {
    await handle?.close();
  }
}

function writeError(file: string, err: unknown): OpenClawError {
  const code = systemErrorCode(err);
  const hint =
    code === 'ENOSPC'
      ? ' The disk is full; free some space and retry.'
      : code === 'EACCES' || code === 'EPERM'
        ? ' The sessions folder is not writable by this user (in Docker the gateway runs as uid 1000).'
        : '';
  return new OpenClawError(
    ErrorCode.STATE_WRITE_FAILED,
    `Could not write transcript ${file}: ${code ?? String(err)}.${hint}`,
    { cause: err },
  );
}
