/**
 * `agents/<agentId>/sessions/sessions.json`: session key → entry. Field names are upstream's, so
 * an existing OpenClaw state dir keeps working and fields this gateway does not know yet (channel
 * routing, delivery context, …) survive our writes untouched. Writes are read-modify-write through
 * an in-process queue and land atomically (temp file, fsync, rename).
 */
import { promises as fs } from 'node:fs';
import { writeFileAtomic } from '../infra/atomic-write.js';
import { systemErrorCode } from '../infra/errors.js';
import type { Logger } from '../infra/logger.js';
import { KeyedQueue } from './serial-queue.js';

export interface SessionEntry {
  sessionId: string;
  /** Last change of this row (ms). */
  updatedAt: number;
  /** When the current sessionId started (ms). */
  sessionStartedAt?: number;
  /** Last real user interaction (ms). */
  lastInteractionAt?: number;
  /** Transcript path when it is not `<sessionId>.jsonl` next to the index. */
  sessionFile?: string;
  label?: string;
  displayName?: string;
  chatType?: string;
  thinkingLevel?: string;
  verboseLevel?: string;
  reasoningLevel?: string;
  elevatedLevel?: string;
  fastMode?: boolean | 'auto';
  sendPolicy?: string;
  responseUsage?: string;
  providerOverride?: string;
  modelOverride?: string;
  authProfileOverride?: string;
  /** The model and provider the last run actually used. */
  model?: string;
  modelProvider?: string;
  inputTokens?: number;
  outputTokens?: number;
  totalTokens?: number;
  cacheRead?: number;
  cacheWrite?: number;
  contextTokens?: number;
  estimatedCostUsd?: number;
  compactionCount?: number;
  abortedLastRun?: boolean;
  systemSent?: boolean;
  /** Upstream fields we do not interpret are kept as they are. */
  [field: string]: unknown;
}

export type SessionEntries = Record<string, SessionEntry>;

export class SessionIndex {
  private static readonly queue = new KeyedQueue();

  constructor(
    readonly file: string,
    private readonly logger?: Logger,
  ) {}

  /** The index as on disk now; a missing file is an empty index. */
  async read(): Promise<SessionEntries> {
    let raw: string;
    try {
      raw = await fs.readFile(this.file, 'utf8');
    } catch (err) {
      if (systemErrorCode(err) === 'ENOENT') return {};
      throw err;
    }
    if (raw.trim() === '') return {};
    let parsed: unknown;
    try {
      parsed = JSON.parse(raw);
    } catch {
      // Never overwrite what we cannot read: move it aside and start empty (transcripts stay).
      const aside = `${this.file}.corrupt-${Date.now()}`;
      await fs.rename(this.file, aside).catch(() => {});
      this.logger?.warn('sessions.json was unreadable; moved aside and started a new index', {
        file: this.file,
        movedTo: aside,
      });
      return {};
    }
    if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) return {};
    const entries: SessionEntries = {};
    for (const [key, value] of Object.entries(parsed as Record<string, unknown>)) {
      if (value && typeof value === 'object' && !Array.isArray(value)) {
        entries[key] = value as SessionEntry;
      }
    }
    return entries;
  }

  /**
   * Read-modify-write. `mutate` may change `entries` in place and returns its result; return
   * `{ changed: false }` to skip the write. Serialised with every other update of this file in
   * this process.
   */
  update<R>(mutate: (entries: SessionEntries) => { result: R; changed?: boolean }): Promise<R> {
    return SessionIndex.queue.run(this.file, async () => {
      const entries = await this.read();
      const { result, changed = true } = mutate(entries);
      if (changed) {
        await writeFileAtomic(this.file, `${JSON.stringify(entries, null, 2)}\n`, { mode: 0o600 });
      }
      return result;
    });
  }
}
