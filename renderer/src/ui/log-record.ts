/**
 * One log line for display, shared by the app's Logs page (container output) and the Control UI's
 * (the gateway's log file). The gateway writes JSON lines (`{ts, level, msg, ...fields}`, upstream
 * OpenClaw adds `subsystem`); anything else (a stack trace, apt output, a line from an older build)
 * is plain text, never dropped. Pure, so both pages format a line the same way and it is tested once.
 */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

export interface LogRecord {
  ts?: string;
  level?: LogLevel;
  /** Which part of the gateway wrote it ("pairing", "agent"), when the line says. */
  subsystem?: string;
  msg: string;
  /** Extra structured fields, in the order written, values as compact text. */
  fields: Array<[string, string]>;
  /** The parsed JSON object, for the expanded view; absent for plain text. */
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
  err: 'error',
  fatal: 'error',
  panic: 'error',
  critical: 'error',
};

/** pino/bunyan numeric levels. */
function numericLevel(n: number): LogLevel {
  return n >= 50 ? 'error' : n >= 40 ? 'warn' : n >= 30 ? 'info' : 'debug';
}

const SUBSYSTEM_KEYS = ['subsystem', 'module', 'component'] as const;
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

/** Level of a plain text line from its tags ("ERROR", "WARN"); undefined when it says none. */
export function plainTextLevel(text: string): LogLevel | undefined {
  const match = /\b(FATAL|ERROR|ERR|WARN|WARNING|INFO|DEBUG|TRACE)\b/.exec(text);
  const logfmt = /\blevel=([a-zA-Z]+)\b/.exec(text);
  const name = (logfmt?.[1] ?? match?.[1])?.toLowerCase();
  return name ? LEVELS[name] : undefined;
}

export function parseLogRecord(raw: string): LogRecord {
  const trimmed = raw.trim();
  if (trimmed.startsWith('{')) {
    try {
      const parsed: unknown = JSON.parse(trimmed);
      if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) {
        const record = parsed as Record<string, unknown>;
        const { ts, time, level, msg, message, ...rest } = record;
        let subsystem: string | undefined;
        for (const key of SUBSYSTEM_KEYS) {
          const value = rest[key];
          if (typeof value === 'string' && value) {
            subsystem = value;
            delete rest[key];
            break;
          }
        }
        const when =
          typeof ts === 'string' || typeof ts === 'number'
            ? String(ts)
            : typeof time === 'string' || typeof time === 'number'
              ? String(time)
              : undefined;
        return {
          ts: when,
          level:
            typeof level === 'string'
              ? LEVELS[level.toLowerCase()]
              : typeof level === 'number'
                ? numericLevel(level)
                : undefined,
          subsystem,
          msg: typeof msg === 'string' ? msg : typeof message === 'string' ? message : '',
          fields: Object.entries(rest).map(([k, v]) => [k, compact(v)]),
          record,
        };
      }
    } catch {
      // not JSON after all: plain text below
    }
  }
  const level = plainTextLevel(raw);
  // Only trouble is coloured in plain text: "INFO" inside apt output is not the gateway's level.
  return { msg: raw, fields: [], level: level === 'error' || level === 'warn' ? level : undefined };
}
