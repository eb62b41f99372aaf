/**
 * The Control UI's log lines: the shared formatter (ui/log-record.ts) plus an id and the raw text
 * for the list, level and text filters.
 */
import { parseLogRecord, type LogLevel, type LogRecord } from '../ui/log-record.js';
export type { LogLevel } from '../ui/log-record.js';

export interface LogLine extends LogRecord {
  id: number;
  raw: string;
}

export function parseLogLine(raw: string, id: number): LogLine {
  return { id, raw, ...parseLogRecord(raw) };
}

const RANK: Record<LogLevel, number> = { debug: 0, info: 1, warn: 2, error: 3 };

/** `min` = show this level and worse. Lines without a level count as info. */
export function passesLevel(line: LogLine, min: LogLevel | 'all'): boolean {
  if (min === 'all') return true;
  return RANK[line.level ?? 'info'] >= RANK[min];
}

export function matchesSearch(line: LogLine, term: string): boolean {
  if (!term) return true;
  return line.raw.toLowerCase().includes(term.toLowerCase());
}
