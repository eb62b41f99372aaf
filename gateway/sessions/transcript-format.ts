/**
 * The transcript file format: pi's session JSONL, version 3 (what upstream OpenClaw writes, so
 * existing users' sessions load and ours load in their tools). Line 1 is the header; every other
 * line is an entry with an 8-hex `id`, the `parentId` it continues (a tree: branches allowed) and
 * an ISO `timestamp`. Entry types we do not produce (custom, label, branch_summary, …) are kept
 * verbatim.
 */
import { randomBytes } from 'node:crypto';
import type { Message } from './messages.js';

export const TRANSCRIPT_VERSION = 3;

export interface SessionHeader {
  type: 'session';
  version: number;
  id: string;
  /** ISO time the session started. */
  timestamp: string;
  /** Working directory (the agent workspace) the session ran in. */
  cwd: string;
  parentSession?: string;
  [extra: string]: unknown;
}

interface EntryBase {
  id: string;
  parentId: string | null;
  timestamp: string;
}

export interface MessageEntry extends EntryBase {
  type: 'message';
  message: Message;
}

export interface CompactionEntry extends EntryBase {
  type: 'compaction';
  summary: string;
  firstKeptEntryId: string;
  tokensBefore: number;
  details?: unknown;
  fromHook?: boolean;
}

export interface ModelChangeEntry extends EntryBase {
  type: 'model_change';
  provider: string;
  modelId: string;
}

export interface ThinkingLevelChangeEntry extends EntryBase {
  type: 'thinking_level_change';
  thinkingLevel: string;
}

/** Entries of other types, kept as read. */
export interface OtherEntry extends EntryBase {
  type: string;
  [extra: string]: unknown;
}

export type KnownEntry =
  MessageEntry | CompactionEntry | ModelChangeEntry | ThinkingLevelChangeEntry;
export type TranscriptEntry = KnownEntry | OtherEntry;

type WithoutBase<T> = T extends unknown ? Omit<T, 'id' | 'parentId' | 'timestamp'> : never;
/** What callers append; the writer assigns id, parentId and timestamp. */
export type NewEntry = WithoutBase<KnownEntry>;

export function isMessageEntry(entry: TranscriptEntry): entry is MessageEntry {
  return entry.type === 'message' && typeof (entry as MessageEntry).message === 'object';
}

export function isCompactionEntry(entry: TranscriptEntry): entry is CompactionEntry {
  return entry.type === 'compaction';
}

/** A fresh 8-hex entry id not in `taken`. */
export function newEntryId(taken: ReadonlySet<string>): string {
  for (;;) {
    const id = randomBytes(4).toString('hex');
    if (!taken.has(id)) return id;
  }
}

const SESSION_ID = /^[A-Za-z0-9][A-Za-z0-9_-]{0,127}$/;

/** Session ids become file names: only safe characters, never a path. */
export function isValidSessionId(id: string): boolean {
  return SESSION_ID.test(id);
}

export function transcriptFileName(sessionId: string): string {
  return `${sessionId}.jsonl`;
}

export function makeHeader(sessionId: string, cwd: string, now = new Date()): SessionHeader {
  return {
    type: 'session',
    version: TRANSCRIPT_VERSION,
    id: sessionId,
    timestamp: now.toISOString(),
    cwd,
  };
}

export type ParsedLine =
  | { kind: 'header'; header: SessionHeader }
  | { kind: 'entry'; entry: TranscriptEntry }
  | { kind: 'invalid' };

export function parseLine(line: string): ParsedLine {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return { kind: 'invalid' };
  }
  if (!value || typeof value !== 'object' || Array.isArray(value)) return { kind: 'invalid' };
  const record = value as Record<string, unknown>;
  if (record.type === 'session' && typeof record.id === 'string') {
    return { kind: 'header', header: record as SessionHeader };
  }
  if (typeof record.type !== 'string' || typeof record.id !== 'string') return { kind: 'invalid' };
  // A missing parentId (version-1 files had no tree) stays missing: the reader then continues
  // from the previous line.
  if (
    record.parentId !== undefined &&
    record.parentId !== null &&
    typeof record.parentId !== 'string'
  ) {
    return { kind: 'invalid' };
  }
  return { kind: 'entry', entry: record as unknown as TranscriptEntry };
}
