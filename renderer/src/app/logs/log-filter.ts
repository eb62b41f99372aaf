/**
 * Log line helpers: level detection (JSON `"level":"…"`, pino numbers, logfmt, plain tags), the
 * search (text or regex, case-insensitive), filtering and the export text. Pure and tested.
 */
import type { LogLine } from '../../../../electron/contract/host-api.js';

export type LogLevel = 'error' | 'warn' | 'info' | 'debug';

const JSON_LEVEL = /"level"\s*:\s*(?:"([a-zA-Z]+)"|(\d+))/;
const LOGFMT_LEVEL = /\blevel=([a-zA-Z]+)\b/;
const PLAIN_LEVEL = /\b(FATAL|ERROR|ERR|WARN|WARNING|INFO|DEBUG|TRACE)\b/;

function named(name: string): LogLevel | undefined {
  const n = name.toLowerCase();
  if (n === 'error' || n === 'err' || n === 'fatal' || n === 'panic' || n === 'critical')
    return 'error';
  if (n === 'warn' || n === 'warning') return 'warn';
  if (n === 'info' || n === 'notice') return 'info';
  if (n === 'debug' || n === 'trace') return 'debug';
  return undefined;
}

export function detectLevel(text: string): LogLevel | undefined {
  const json = JSON_LEVEL.exec(text);
  if (json) {
    if (json[1]) return named(json[1]);
    const n = Number(json[2]);
    return n >= 50 ? 'error' : n >= 40 ? 'warn' : n >= 30 ? 'info' : 'debug';
  }
  const logfmt = LOGFMT_LEVEL.exec(text);
  if (logfmt?.[1]) return named(logfmt[1]);
  const plain = PLAIN_LEVEL.exec(text);
  return plain?.[1] ? named(plain[1]) : undefined;
}

export interface Search {
  /** Matcher for filtering, or undefined when the search is empty. */
  test?: (text: string) => boolean;
  /** A fresh global regex for highlighting, or undefined. */
  highlighter?: () => RegExp;
  /** Why the regex does not compile. */
  error?: string;
}

function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

export function compileSearch(query: string, regex: boolean): Search {
  if (query === '') return {};
  const source = regex ? query : escapeRegex(query);
  let re: RegExp;
  try {
    re = new RegExp(source, 'i');
  } catch (err) {
    return {
      error: `Not a valid regular expression: ${err instanceof Error ? err.message.replace(/^Invalid regular expression: /, '') : String(err)}`,
    };
  }
  return { test: (text) => re.test(text), highlighter: () => new RegExp(source, 'gi') };
}

export interface LogFilter {
  source: string;
  search: Search;
  levels?: ReadonlySet<LogLevel>;
}

export const ALL_SOURCES = '*';

export function filterLines(lines: readonly LogLine[], filter: LogFilter): LogLine[] {
  return lines.filter((l) => {
    if (filter.source !== ALL_SOURCES && l.source !== filter.source) return false;
    // "Container recreated" notes stay under a search: they explain where a gap in time comes from.
    if (l.marker) return true;
    if (filter.search.test && !filter.search.test(l.text)) return false;
    if (filter.levels && filter.levels.size > 0) {
      const level = detectLevel(l.text);
      if (!level || !filter.levels.has(level)) return false;
    }
    return true;
  });
}

export function sourcesOf(lines: readonly LogLine[]): string[] {
  return [...new Set(lines.map((l) => l.source))].sort();
}

/** Split `text` into plain and matched parts for <mark> highlighting. */
export function highlightParts(
  text: string,
  highlighter: (() => RegExp) | undefined,
): Array<{ text: string; match: boolean }> {
  if (!highlighter) return [{ text, match: false }];
  const re = highlighter();
  const parts: Array<{ text: string; match: boolean }> = [];
  let last = 0;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    if (m[0] === '') {
      re.lastIndex += 1; // zero-length match: step over it
      continue;
    }
    if (m.index > last) parts.push({ text: text.slice(last, m.index), match: false });
    parts.push({ text: m[0], match: true });
    last = m.index + m[0].length;
  }
  if (last < text.length) parts.push({ text: text.slice(last), match: false });
  return parts.length ? parts : [{ text, match: false }];
}

export function formatExport(lines: readonly LogLine[], options: { timestamps: boolean }): string {
  return (
    lines
      .map(
        (l) =>
          `${options.timestamps && l.ts ? `${l.ts} ` : ''}[${l.source}${l.stream === 'stderr' ? ' stderr' : ''}] ${l.text}`,
      )
      .join('\n') + (lines.length ? '\n' : '')
  );
}

/** `2026-01-02T03:04:05.678901234Z` → `03:04:05.678` (local time). */
export function shortTime(ts: string | undefined): string {
  if (!ts) return '';
  const d = new Date(ts);
  if (Number.isNaN(d.getTime())) return ts;
  const pad = (n: number, w = 2) => String(n).padStart(w, '0');
  return `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}.${pad(d.getMilliseconds(), 3)}`;
}
