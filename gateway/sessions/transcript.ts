/**
 * One session transcript, open for appending: loaded (and repaired) once, then kept in memory and
 * extended by appends that are on disk before they resolve. Appends are queued in order: callers
 * may fire several without awaiting each, and each still links to the one before it.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { writeFileAtomic } from '../infra/atomic-write.js';
import { ErrorCode, OpenClawError, systemErrorCode } from '../infra/errors.js';
import { isMessage, type Message } from './messages.js';
import { TranscriptFile } from './transcript-file.js';
import {
  isCompactionEntry,
  isMessageEntry,
  makeHeader,
  newEntryId,
  type CompactionEntry,
  type MessageEntry,
  type ModelChangeEntry,
  type NewEntry,
  type SessionHeader,
  type ThinkingLevelChangeEntry,
  type TranscriptEntry,
} from './transcript-format.js';
import {
  activeBranch,
  closingToolResult,
  completeLength,
  findOrphanToolCalls,
  parseTranscript,
} from './transcript-repair.js';

export interface TranscriptRepairs {
  /** Bytes of a torn last line cut off. */
  tornBytes: number;
  /** Unreadable lines skipped (left in the file). */
  invalidLines: number;
  /** Tool call ids closed with an error result. */
  closedToolCalls: string[];
  /** The header was missing and has been written. */
  headerRestored: boolean;
  /** Set when the file had to be rewritten: the untouched original was copied here first. */
  backupFile?: string;
}

export interface TranscriptContext {
  /** Summary of what a compaction folded away, to be given to the model first. */
  compactionSummary?: string;
  /** Messages the model should see (after the last compaction's kept point). */
  messages: Message[];
  /** Latest model_change on the branch. */
  model?: { provider: string; modelId: string };
  /** Latest thinking_level_change on the branch. */
  thinkingLevel?: string;
}

export class Transcript {
  private tail: Promise<unknown> = Promise.resolve();
  private readonly ids = new Set<string>();
  private leafId: string | null;

  private constructor(
    readonly header: SessionHeader,
    private readonly entries: TranscriptEntry[],
    private readonly out: TranscriptFile,
    readonly repairs: TranscriptRepairs,
  ) {
    for (const entry of entries) this.ids.add(entry.id);
    this.leafId = entries.at(-1)?.id ?? null;
  }

  get file(): string {
    return this.out.file;
  }

  get sessionId(): string {
    return this.header.id;
  }

  /** Start a new transcript file (refuses to overwrite an existing one). */
  static async create(
    file: string,
    options: { sessionId: string; cwd: string },
  ): Promise<Transcript> {
    const header = makeHeader(options.sessionId, options.cwd);
    const out = await TranscriptFile.create(file, JSON.stringify(header));
    return new Transcript(header, [], out, emptyRepairs());
  }

  /** Load an existing transcript, repair what a crash left (writing the repair back), open it. */
  static async load(file: string): Promise<Transcript> {
    let data: Buffer;
    try {
      data = await fs.readFile(file);
    } catch (err) {
      if (systemErrorCode(err) === 'ENOENT') {
        throw new OpenClawError(ErrorCode.NOT_FOUND, `Transcript ${file} does not exist.`, {
          cause: err,
        });
      }
      throw err;
    }
    const repairs = emptyRepairs();
    const keep = completeLength(data);
    if (keep < data.length) {
      repairs.tornBytes = data.length - keep;
      await fs.truncate(file, keep);
    }
    const parsed = parseTranscript(data.subarray(0, keep).toString('utf8'));
    repairs.invalidLines = parsed.invalidLines;
    const entries = parsed.entries.map((e) => e.entry);
    const raw = new Map(parsed.entries.map((e) => [e.entry, e.raw] as const));
    let header = parsed.header;
    let rewrite = false;
    if (!header) {
      // Only a crash during creation leaves no header; its id is the file name.
      header = makeHeader(path.basename(file, '.jsonl'), '');
      repairs.headerRestored = true;
      rewrite = true;
    }

    const orphans = findOrphanToolCalls(activeBranch(entries));
    const appended: TranscriptEntry[] = [];
    if (orphans.length > 0) {
      const taken = new Set(entries.map((e) => e.id));
      const now = Date.now();
      const stamp = new Date(now).toISOString();
      for (const orphan of orphans) {
        let parentId = orphan.anchorId;
        const closing: MessageEntry[] = orphan.calls.map((call) => {
          const id = newEntryId(taken);
          taken.add(id);
          const entry: MessageEntry = {
            type: 'message',
            id,
            parentId,
            timestamp: stamp,
            message: closingToolResult(call, now),
          };
          parentId = id;
          repairs.closedToolCalls.push(call.id);
          return entry;
        });
        const lastClosing = closing.at(-1)!;
        const anchorIndex = entries.findIndex((e) => e.id === orphan.anchorId);
        if (anchorIndex === entries.length - 1 && !rewrite) {
          // The common case (crash or abort mid-turn): the gap is at the end; append.
          entries.push(...closing);
          appended.push(...closing);
          continue;
        }
        // Entries that continued after the anchor now continue after the closing results.
        for (const entry of entries) {
          if (entry.parentId === orphan.anchorId && entry !== closing[0]) {
            entry.parentId = lastClosing.id;
            raw.delete(entry);
          }
        }
        entries.splice(anchorIndex + 1, 0, ...closing);
        rewrite = true;
      }
    }

    if (rewrite) {
      if (keep > 0) {
        repairs.backupFile = `${file}.bak-${Date.now()}`;
        await fs.copyFile(file, repairs.backupFile);
      }
      const lines = [
        JSON.stringify(header),
        ...entries.map((e) => raw.get(e) ?? JSON.stringify(e)),
      ];
      await writeFileAtomic(file, `${lines.join('\n')}\n`, { mode: 0o600 });
    }
    const out = await TranscriptFile.open(file);
    if (!rewrite && appended.length > 0) {
      await out.appendLines(appended.map((e) => JSON.stringify(e)));
    }
    return new Transcript(header, entries, out, repairs);
  }

  /** Every entry in file order (copies of the array, not of the entries). */
  allEntries(): TranscriptEntry[] {
    return [...this.entries];
  }

  /** The active branch, root first. */
  branch(): TranscriptEntry[] {
    return activeBranch(this.entries);
  }

  /** The messages of the active branch, oldest first. */
  messages(): Message[] {
    return this.messageEntries().map((e) => e.message);
  }

  /** The branch's message entries (with their ids), oldest first. */
  messageEntries(): MessageEntry[] {
    return this.branch().filter(isMessageEntry);
  }

  /** What the agent loop feeds the model: the branch after the last compaction, and settings. */
  context(): TranscriptContext {
    const { compactionSummary, entries, model, thinkingLevel } = this.contextEntries();
    return {
      messages: entries.map((e) => e.message),
      ...(compactionSummary !== undefined ? { compactionSummary } : {}),
      ...(model ? { model } : {}),
      ...(thinkingLevel !== undefined ? { thinkingLevel } : {}),
    };
  }

  /** As `context()`, with the message entries themselves (their ids mark compaction points). */
  contextEntries(): Omit<TranscriptContext, 'messages'> & { entries: MessageEntry[] } {
    const branch = this.branch();
    const result: Omit<TranscriptContext, 'messages'> = {};
    let start = 0;
    let compaction: CompactionEntry | undefined;
    branch.forEach((entry, index) => {
      if (isCompactionEntry(entry)) {
        compaction = entry;
        const kept = branch.findIndex((e) => e.id === entry.firstKeptEntryId);
        start = kept >= 0 && kept < index ? kept : index + 1;
      } else if (entry.type === 'model_change') {
        const change = entry as ModelChangeEntry;
        result.model = { provider: change.provider, modelId: change.modelId };
      } else if (entry.type === 'thinking_level_change') {
        result.thinkingLevel = (entry as ThinkingLevelChangeEntry).thinkingLevel;
      }
    });
    if (compaction) result.compactionSummary = compaction.summary;
    return { ...result, entries: branch.slice(start).filter(isMessageEntry) };
  }

  /** Append an entry after the current leaf; resolves once it is on disk. */
  append<T extends NewEntry>(entry: T): Promise<T & TranscriptEntry> {
    const task = this.tail.then(async () => {
      const { type, ...fields } = entry;
      // Field order as pi writes it: type, id, parentId, timestamp, then the payload.
      const full = {
        type,
        id: newEntryId(this.ids),
        parentId: this.leafId,
        timestamp: new Date().toISOString(),
        ...fields,
      } as unknown as T & TranscriptEntry;
      await this.out.appendLine(JSON.stringify(full));
      this.entries.push(full);
      this.ids.add(full.id);
      this.leafId = full.id;
      return full;
    });
    this.tail = task.catch(() => undefined);
    return task;
  }

  appendMessage(message: Message): Promise<MessageEntry> {
    if (!isMessage(message)) {
      return Promise.reject(
        new OpenClawError(
          ErrorCode.INVALID_ARGUMENT,
          'Not a transcript message: role must be user, assistant or toolResult with content blocks.',
        ),
      );
    }
    return this.append({ type: 'message', message });
  }

  appendModelChange(provider: string, modelId: string): Promise<ModelChangeEntry> {
    return this.append({ type: 'model_change', provider, modelId });
  }

  appendThinkingLevelChange(thinkingLevel: string): Promise<ThinkingLevelChangeEntry> {
    return this.append({ type: 'thinking_level_change', thinkingLevel });
  }

  appendCompaction(compaction: {
    summary: string;
    firstKeptEntryId: string;
    tokensBefore: number;
    details?: unknown;
  }): Promise<CompactionEntry> {
    return this.append({ type: 'compaction', ...compaction });
  }

  /** Wait for queued appends, then release the file. Later appends fail with a clear error. */
  async close(): Promise<void> {
    await this.tail;
    await this.out.close();
  }
}

function emptyRepairs(): TranscriptRepairs {
  return { tornBytes: 0, invalidLines: 0, closedToolCalls: [], headerRestored: false };
}
