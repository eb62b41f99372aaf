/**
 * Where tools act. A tool never touches the filesystem or starts a process itself: it asks its
 * execution target, so the same tool runs against the workspace on this host/container now and
 * against a sandbox container later (a different target, the same tools). Paths are
 * workspace-relative strings as the model wrote them; the target decides what they may reach.
 */
import type { Readable } from 'node:stream';

export interface DirEntry {
  name: string;
  kind: 'file' | 'dir' | 'symlink' | 'other';
  size?: number;
}

export interface ReadResult {
  /** UTF-8 text of the file. */
  text: string;
  /** Size of the whole file in bytes. */
  size: number;
}

export interface SpawnOptions {
  /** Working folder, workspace-relative (default: the workspace); confined like any path. */
  cwd?: string;
  /** Variables set on top of the target's clean base environment (never the gateway's secrets). */
  env?: Record<string, string>;
  /** Aborting kills the whole process tree. */
  signal?: AbortSignal;
}

export interface ProcessExit {
  /** Exit code, or null when a signal ended the process. */
  code: number | null;
  signal: string | null;
}

/** A running command: its output streams, its input, its end, and a way to stop it. */
export interface ProcessHandle {
  readonly pid: number | undefined;
  readonly stdout: Readable;
  readonly stderr: Readable;
  /** Write to the command's standard input (refused once the input is closed or it has ended). */
  write(data: string): Promise<void>;
  /** Close standard input (the command sees end of file). */
  endInput(): void;
  /** Settles when the command has ended and its output streams are drained. */
  readonly exit: Promise<ProcessExit>;
  /**
   * Stop the command and everything it started: a polite signal first, a forced one after
   * `graceMs`. Resolves when the command has ended.
   */
  kill(graceMs?: number): Promise<void>;
}

export interface ExecutionTarget {
  /** A human-readable name of the root, for messages ("the workspace"). */
  readonly description: string;
  /** Read a whole text file (refused past `maxBytes`, so a huge file cannot fill memory). */
  readFile(path: string, options: { maxBytes: number; signal?: AbortSignal }): Promise<ReadResult>;
  /** Create or replace a file, creating missing parent folders. */
  writeFile(
    path: string,
    content: string,
    options?: { signal?: AbortSignal },
  ): Promise<{ bytes: number }>;
  /** The entries of a folder, sorted by name. */
  list(path: string, options?: { signal?: AbortSignal }): Promise<DirEntry[]>;
  /**
   * What a path is, without following a final symlink; `undefined` when nothing is there. A path
   * the target refuses throws, so callers can validate every path before changing anything.
   */
  stat(path: string): Promise<DirEntry | undefined>;
  /** Delete a file (a final symlink is removed itself, never its target). */
  removeFile(path: string): Promise<void>;
  /** Run a shell command line (`/bin/sh -c` on POSIX targets). */
  spawn(command: string, options?: SpawnOptions): Promise<ProcessHandle>;
}
