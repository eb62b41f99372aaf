/**
 * Where tools act. A tool never touches the filesystem itself: it asks its execution target, so
 * the same tool runs against the workspace on this host/container now and against a sandbox
 * container later (a different target, the same tools). Paths are workspace-relative strings as
 * the model wrote them; the target decides what they may reach.
 */

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
}
