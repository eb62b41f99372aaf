/**
 * One gateway log line for display. The gateway writes JSON lines (`{ts, level, msg, ...fields}`);
 * anything else (a stack trace, a line from an older build) is shown as plain text, never dropped.
 */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

export interface LogLine {
  id: number;
  raw: string;
  ts?: string;
  level?: LogLevel;
  msg: string;
  /** Extra structured fields, in the order written, values as compact text. */
  fields: Array<[string, string]>;
  /** The parsed record, for the expanded view. */
  record?: Record<string, unknown>;
}

const LEVELS: Record<string, LogLevel> = {
  trace: 'debug',
  debug: 'debug',
  info: 'info',
  notice: 'info',
  warn: 'warn',
  warning: 'warn',
  error: 'error',
  fatal: 'error',
};

const MAX_FIELD = 40;

/** Long values (ids, hashes) are shortened in the line; the expanded record has them in full. */
function compact(value: unknown): string {
  let text: string;
  if (typeof value === 'string') text = /[\s"=]/.test(value) ? JSON.stringify(value) : value;
  else {
    try {
      text = JSON.stringify(value) ?? String(value);
    } catch {
      text = String(value);
    }
  }
  return text.length > MAX_FIELD ? `${text.slice(0, 16)}…${text.slice(-8)}` : text;
}

export function parseLogLine(raw: string, id: number): LogLine {
  const trimmed = raw.trim();
  if (trimmed.startsWith('{')) {
    try {
      const parsed: unknown = JSON.parse(trimmed);
      if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) {
        const record = parsed as Record<string, unknown>;
        const { ts, time, level, msg, message, ...rest } = record;
        const levelText = typeof level === 'string' ? level.toLowerCase() : undefined;
        return {
          id,
          raw,
          ts:
            typeof ts === 'string' || typeof ts === 'number'
              ? String(ts)
              : typeof time === 'string'
                ? time
                : undefined,
          level: levelText ? LEVELS[levelText] : undefined,
          msg: typeof msg === 'string' ? msg : typeof message === 'string' ? message : '',
          fields: Object.entries(rest).map(([k, v]) => [k, compact(v)]),
          record,
        };
      }
    } catch {
      // not JSON after all: plain text below
    }
  }
  const level = /\b(ERROR|FATAL)\b/.test(raw)
    ? 'error'
    : /\bWARN(ING)?\b/.test(raw)
      ? 'warn'
      : undefined;
  return { id, raw, msg: raw, fields: [], level };
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
