/**
 * The sessions of every agent: keys → entries in each agent's `sessions.json`, and the transcript
 * behind each entry. This is the one door to session state: protocol methods and the agent loop
 * go through it, so lifecycle changes of a key (open, patch, reset, delete) are serialised per
 * key and an open transcript is shared by everyone who writes or reads it.
 */
import { randomUUID } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { agentSessionsDir, type StatePaths } from '../config/paths.js';
import { ErrorCode, OpenClawError, errorMessage, systemErrorCode } from '../infra/errors.js';
import type { Logger } from '../infra/logger.js';
import type { Message, Usage } from './messages.js';
import { KeyedQueue } from './serial-queue.js';
import { SessionIndex, type SessionEntries, type SessionEntry } from './session-index.js';
import { DEFAULT_MAIN_KEY, parseSessionKey, type SessionKey } from './session-key.js';
import { applySessionPatch, type SessionPatch } from './session-patch.js';
import { Transcript } from './transcript.js';
import { isValidSessionId, transcriptFileName } from './transcript-format.js';

export interface SessionStoreOptions {
  paths: StatePaths;
  /** The configured default agent (for short keys like `main`). */
  defaultAgentId(): string;
  /** `session.mainKey`; a function so a config reload applies without a restart. */
  mainKey?: string | (() => string);
  /** Working directory written into new transcript headers (the agent's workspace). */
  workspaceFor(agentId: string): string;
  logger?: Logger;
  /** How long a transcript nobody holds stays open (and in memory) before it is closed. */
  idleCloseMs?: number;
}

/**
 * A session opened for a run: append through `transcript`, read its context from it, and call
 * `release()` when the run ends so an idle transcript can leave memory.
 */
export interface OpenSession {
  key: string;
  agentId: string;
  sessionId: string;
  entry: SessionEntry;
  transcript: Transcript;
  release(): void;
}

interface OpenTranscript {
  opening: Promise<Transcript>;
  holders: number;
  idle?: NodeJS.Timeout;
}

const DEFAULT_IDLE_CLOSE_MS = 60_000;

export interface RunRecord {
  usage?: Usage;
  provider?: string;
  model?: string;
  /** The run ended by abort (true) or normally (false). */
  aborted?: boolean;
  /** A user message started this run (idle-reset freshness). */
  interaction?: boolean;
}

/** Fields a reset keeps: the user's choices, not the conversation's state. */
const RESET_DROPS = [
  'inputTokens',
  'outputTokens',
  'totalTokens',
  'cacheRead',
  'cacheWrite',
  'contextTokens',
  'estimatedCostUsd',
  'compactionCount',
  'abortedLastRun',
  'systemSent',
  'memoryFlushAt',
  'memoryFlushCompactionCount',
  'sessionFile',
  'lastInteractionAt',
];

export class SessionStore {
  private readonly keys = new KeyedQueue();
  private readonly transcripts = new Map<string, OpenTranscript>();
  constructor(private readonly options: SessionStoreOptions) {}

  /** The name of every agent's main session (`agent:<id>:<mainKey>`). */
  get mainKey(): string {
    const configured = this.options.mainKey;
    const value = typeof configured === 'function' ? configured() : configured;
    return value && value.trim() !== '' ? value.trim() : DEFAULT_MAIN_KEY;
  }

  resolveKey(input: string): SessionKey {
    return parseSessionKey(input, {
      agentId: this.options.defaultAgentId(),
      mainKey: this.mainKey,
    });
  }

  sessionsDir(agentId: string): string {
    return agentSessionsDir(this.options.paths, agentId);
  }

  index(agentId: string): SessionIndex {
    return new SessionIndex(
      path.join(this.sessionsDir(agentId), 'sessions.json'),
      this.options.logger,
    );
  }

  /** Where an entry's transcript lives. A `sessionFile` outside the sessions folder is ignored. */
  transcriptPath(agentId: string, entry: Pick<SessionEntry, 'sessionId' | 'sessionFile'>): string {
    const dir = this.sessionsDir(agentId);
    if (typeof entry.sessionFile === 'string' && entry.sessionFile !== '') {
      const candidate = path.resolve(dir, entry.sessionFile);
      if (candidate.startsWith(`${dir}${path.sep}`)) return candidate;
    }
    return path.join(dir, transcriptFileName(entry.sessionId));
  }

  async list(agentId: string): Promise<{ path: string; entries: SessionEntries }> {
    const index = this.index(agentId);
    return { path: index.file, entries: await index.read() };
  }

  async get(keyInput: string): Promise<{ key: SessionKey; entry: SessionEntry | undefined }> {
    const key = this.resolveKey(keyInput);
    const entries = await this.index(key.agentId).read();
    return { key, entry: usableEntry(entries[key.key]) };
  }

  /**
   * Open the session behind a key for a run, creating the entry and the transcript when missing.
   * The transcript is loaded (and repaired) once and shared by every holder; reset and delete
   * close it (later appends through an old handle fail with a clear error).
   */
  async openSession(keyInput: string, options: { cwd?: string } = {}): Promise<OpenSession> {
    const key = this.resolveKey(keyInput);
    return this.keys.run(key.key, async () => {
      const entry = await this.ensureEntry(key);
      const held = await this.acquire(key.agentId, entry, {
        cwd: options.cwd ?? this.options.workspaceFor(key.agentId),
      });
      return {
        key: key.key,
        agentId: key.agentId,
        sessionId: entry.sessionId,
        entry,
        transcript: held.transcript,
        release: held.release,
      };
    });
  }

  /**
   * The entry and the active-branch messages of a key (for history), creating nothing. Loading
   * an unopened transcript repairs it like any load.
   */
  async readSession(
    keyInput: string,
  ): Promise<{ key: SessionKey; entry?: SessionEntry; messages: Message[]; messageIds: string[] }> {
    const key = this.resolveKey(keyInput);
    return this.keys.run(key.key, async () => {
      const entry = usableEntry((await this.index(key.agentId).read())[key.key]);
      if (!entry) return { key, messages: [], messageIds: [] };
      const held = await this.acquire(key.agentId, entry);
      if (!held) return { key, entry, messages: [], messageIds: [] };
      try {
        const entries = held.transcript.messageEntries();
        return {
          key,
          entry,
          messages: entries.map((e) => e.message),
          messageIds: entries.map((e) => e.id),
        };
      } finally {
        held.release();
      }
    });
  }

  /** Change a session's settings (null clears a field); the entry is created when missing. */
  async patch(
    keyInput: string,
    patch: SessionPatch,
  ): Promise<{ key: string; path: string; entry: SessionEntry }> {
    const key = this.resolveKey(keyInput);
    return this.keys.run(key.key, async () => {
      const index = this.index(key.agentId);
      const { entry, changes } = await index.update((entries) => {
        const current = usableEntry(entries[key.key]) ?? newEntry();
        const result = applySessionPatch(key.key, current, patch, entries);
        entries[key.key] = result.entry;
        return { result };
      });
      // The transcript records setting changes the way pi does, so a replay sees them.
      if (
        (changes.model || changes.thinkingLevel) &&
        (await exists(this.transcriptPath(key.agentId, entry)))
      ) {
        const held = await this.acquire(key.agentId, entry);
        try {
          if (held && changes.model) {
            await held.transcript.appendModelChange(changes.model.provider, changes.model.modelId);
          }
          if (held && changes.thinkingLevel) {
            await held.transcript.appendThinkingLevelChange(changes.thinkingLevel);
          }
        } finally {
          held?.release();
        }
      }
      return { key: key.key, path: index.file, entry };
    });
  }

  /**
   * Start a new conversation under the same key: new session id, settings kept, counters reset.
   * The old transcript stays on disk, renamed `<id>.jsonl.reset.<time>` as upstream does.
   */
  async reset(
    keyInput: string,
    reason: 'new' | 'reset' = 'reset',
  ): Promise<{
    key: string;
    entry: SessionEntry;
    previousSessionId?: string;
    archivedFile?: string;
  }> {
    const key = this.resolveKey(keyInput);
    return this.keys.run(key.key, async () => {
      const index = this.index(key.agentId);
      const previous = usableEntry((await index.read())[key.key]);
      let archivedFile: string | undefined;
      if (previous) {
        const file = this.transcriptPath(key.agentId, previous);
        await this.closeTranscript(file);
        archivedFile = await archive(file, 'reset');
      }
      const now = Date.now();
      const entry = await index.update((entries) => {
        const kept: SessionEntry = { ...(usableEntry(entries[key.key]) ?? newEntry()) };
        for (const field of RESET_DROPS) delete kept[field];
        const next: SessionEntry = {
          ...kept,
          sessionId: randomUUID(),
          updatedAt: now,
          sessionStartedAt: now,
        };
        entries[key.key] = next;
        return { result: next };
      });
      this.options.logger?.info('session reset', {
        key: key.key,
        reason,
        sessionId: entry.sessionId,
        previousSessionId: previous?.sessionId,
      });
      return { key: key.key, entry, previousSessionId: previous?.sessionId, archivedFile };
    });
  }

  /**
   * Remove a key from the index. Its transcript is renamed `<id>.jsonl.deleted.<time>` (listed in
   * `archived`), or removed when `deleteTranscript` is set. The agent's main session cannot be
   * deleted (reset it instead): every client opens it by default.
   */
  async delete(
    keyInput: string,
    options: { deleteTranscript?: boolean } = {},
  ): Promise<{ key: string; deleted: boolean; archived: string[] }> {
    const key = this.resolveKey(keyInput);
    if (key.rest === this.mainKey) {
      throw new OpenClawError(
        ErrorCode.INVALID_ARGUMENT,
        `The main session ${key.key} cannot be deleted; use sessions.reset (or /new) to start it over.`,
      );
    }
    return this.keys.run(key.key, async () => {
      const index = this.index(key.agentId);
      const removed = await index.update((entries) => {
        const entry = entries[key.key];
        if (!entry) return { result: undefined, changed: false };
        delete entries[key.key];
        return { result: entry };
      });
      const archived: string[] = [];
      const live = usableEntry(removed);
      if (live) {
        const file = this.transcriptPath(key.agentId, live);
        await this.closeTranscript(file);
        if (options.deleteTranscript) {
          await fs.rm(file, { force: true });
        } else {
          const moved = await archive(file, 'deleted');
          if (moved) archived.push(moved);
        }
      }
      return { key: key.key, deleted: removed !== undefined, archived };
    });
  }

  /** After a run: token counters, the model used, and whether it was aborted. */
  async recordRun(keyInput: string, run: RunRecord): Promise<SessionEntry | undefined> {
    const key = this.resolveKey(keyInput);
    return this.index(key.agentId).update((entries) => {
      const entry = usableEntry(entries[key.key]);
      if (!entry) return { result: undefined, changed: false };
      const now = Date.now();
      const usage = run.usage;
      if (usage) {
        // Cumulative per session id; contextTokens is the size of the last request + answer.
        entry.inputTokens = (entry.inputTokens ?? 0) + usage.input;
        entry.outputTokens = (entry.outputTokens ?? 0) + usage.output;
        entry.cacheRead = (entry.cacheRead ?? 0) + usage.cacheRead;
        entry.cacheWrite = (entry.cacheWrite ?? 0) + usage.cacheWrite;
        entry.totalTokens = (entry.inputTokens ?? 0) + (entry.outputTokens ?? 0);
        entry.contextTokens =
          usage.totalTokens || usage.input + usage.cacheRead + usage.cacheWrite + usage.output;
        entry.estimatedCostUsd = (entry.estimatedCostUsd ?? 0) + (usage.cost?.total ?? 0);
      }
      if (run.provider) entry.modelProvider = run.provider;
      if (run.model) entry.model = run.model;
      if (run.aborted !== undefined) entry.abortedLastRun = run.aborted;
      if (run.interaction) entry.lastInteractionAt = now;
      entry.updatedAt = now;
      return { result: { ...entry } };
    });
  }

  /** After a compaction: one more in `compactionCount`, the context's new estimated size. */
  async recordCompaction(keyInput: string, tokensAfter: number): Promise<void> {
    const key = this.resolveKey(keyInput);
    return this.index(key.agentId).update((entries) => {
      const entry = usableEntry(entries[key.key]);
      if (!entry) return { result: undefined, changed: false };
      entry.compactionCount = (entry.compactionCount ?? 0) + 1;
      entry.contextTokens = tokensAfter;
      entry.updatedAt = Date.now();
      return { result: undefined };
    });
  }

  /** Mark a key as touched (an append that is not a run, e.g. chat.inject). */
  async touch(keyInput: string): Promise<void> {
    const key = this.resolveKey(keyInput);
    return this.index(key.agentId).update((entries) => {
      const entry = usableEntry(entries[key.key]);
      if (!entry) return { result: undefined, changed: false };
      entry.updatedAt = Date.now();
      return { result: undefined };
    });
  }

  /** Close every open transcript (gateway shutdown). */
  async close(): Promise<void> {
    const open = [...this.transcripts.keys()];
    await Promise.all(open.map((file) => this.closeTranscript(file)));
  }

  private async ensureEntry(key: SessionKey): Promise<SessionEntry> {
    return this.index(key.agentId).update((entries) => {
      const existing = usableEntry(entries[key.key]);
      if (existing) return { result: existing, changed: false };
      const now = Date.now();
      // Keep whatever an invalid row carried (a hand edit without a session id).
      const entry: SessionEntry = {
        ...(entries[key.key] ?? {}),
        ...newEntry(now),
        sessionStartedAt: now,
      };
      entries[key.key] = entry;
      return { result: entry };
    });
  }

  /**
   * Hold the shared open transcript of an entry, opening it on first use (created when `create`
   * is given, else undefined when absent). Unheld transcripts close after `idleCloseMs`.
   */
  private async acquire(
    agentId: string,
    entry: SessionEntry,
    create: { cwd: string },
  ): Promise<{ transcript: Transcript; release(): void }>;
  private async acquire(
    agentId: string,
    entry: SessionEntry,
  ): Promise<{ transcript: Transcript; release(): void } | undefined>;
  private async acquire(
    agentId: string,
    entry: SessionEntry,
    create?: { cwd: string },
  ): Promise<{ transcript: Transcript; release(): void } | undefined> {
    const file = this.transcriptPath(agentId, entry);
    let open = this.transcripts.get(file);
    if (!open) {
      const present = await exists(file);
      if (!present && !create) return undefined;
      open = {
        opening: present
          ? Transcript.load(file)
          : Transcript.create(file, { sessionId: entry.sessionId, cwd: create!.cwd }),
        holders: 0,
      };
      this.transcripts.set(file, open);
      open.opening.then(
        (t) => this.reportRepairs(t),
        () => this.transcripts.get(file) === open && this.transcripts.delete(file),
      );
    }
    const held = open;
    held.holders += 1;
    clearTimeout(held.idle);
    held.idle = undefined;
    let released = false;
    const release = () => {
      if (released) return;
      released = true;
      held.holders -= 1;
      if (held.holders > 0 || this.transcripts.get(file) !== held) return;
      held.idle = setTimeout(() => {
        if (held.holders === 0) void this.closeTranscript(file);
      }, this.options.idleCloseMs ?? DEFAULT_IDLE_CLOSE_MS);
      held.idle.unref();
    };
    try {
      return { transcript: await held.opening, release };
    } catch (err) {
      release();
      throw err;
    }
  }

  /** Whether a transcript is open in memory (for tests and diagnostics). */
  isOpen(agentId: string, entry: Pick<SessionEntry, 'sessionId' | 'sessionFile'>): boolean {
    return this.transcripts.has(this.transcriptPath(agentId, entry));
  }

  private async closeTranscript(file: string): Promise<void> {
    const open = this.transcripts.get(file);
    if (!open) return;
    this.transcripts.delete(file);
    clearTimeout(open.idle);
    try {
      await (await open.opening).close();
    } catch (err) {
      this.options.logger?.warn('closing a transcript failed', { file, error: errorMessage(err) });
    }
  }

  private reportRepairs(transcript: Transcript): void {
    const r = transcript.repairs;
    if (r.tornBytes || r.invalidLines || r.closedToolCalls.length || r.headerRestored) {
      this.options.logger?.warn('transcript repaired on load', {
        file: transcript.file,
        tornBytes: r.tornBytes,
        invalidLines: r.invalidLines,
        closedToolCalls: r.closedToolCalls.length,
        headerRestored: r.headerRestored,
        backupFile: r.backupFile,
      });
    }
  }
}

function newEntry(now = Date.now()): SessionEntry {
  return { sessionId: randomUUID(), updatedAt: now };
}

/** An index row we can use: it names a session id that is safe as a file name. */
function usableEntry(value: SessionEntry | undefined): SessionEntry | undefined {
  if (!value || typeof value.sessionId !== 'string' || !isValidSessionId(value.sessionId))
    return undefined;
  return value;
}

async function exists(file: string): Promise<boolean> {
  try {
    await fs.access(file);
    return true;
  } catch {
    return false;
  }
}

/** Rename a transcript out of the way, keeping it; returns the new path (undefined if absent). */
async function archive(file: string, why: 'reset' | 'deleted'): Promise<string | undefined> {
  const target = `${file}.${why}.${new Date().toISOString().replace(/[:.]/g, '-')}`;
  try {
    await fs.rename(file, target);
    return target;
  } catch (err) {
    if (systemErrorCode(err) === 'ENOENT') return undefined;
    throw err;
  }
}
