/**
 * The Logs page's memory across container recreation. The engine only has logs for containers that
 * exist; `compose up` after a settings change removes the old gateway container, and with it the
 * lines that explain why the user changed something. This keeps the last lines read from every
 * container after it is gone (bounded by lines and bytes, oldest dropped first) and marks where a
 * service's new container took over.
 */
import type { LogLine } from '../../contract/host-api.js';

export interface LogHistoryLimits {
  /** Lines kept from containers that no longer exist (live containers are read fresh each time). */
  maxLines: number;
  /** The same, in UTF-16 code units of text (roughly bytes for log text). */
  maxBytes: number;
}

export const DEFAULT_LOG_HISTORY_LIMITS: LogHistoryLimits = { maxLines: 5000, maxBytes: 2_000_000 };

export interface ContainerRead {
  id: string;
  /** What the Logs page shows as the source ("openclaw-gateway", "openclaw-cli (run)"). */
  source: string;
  /** `compose run` containers are new every time by design: no "recreated" marker for them. */
  oneOff: boolean;
  createdAt?: number;
  lines: LogLine[];
}

interface Entry {
  id: string;
  source: string;
  oneOff: boolean;
  /** Creation time, or when this history first saw it: orders containers of one source. */
  order: number;
  lines: LogLine[];
  live: boolean;
}

function size(line: LogLine): number {
  return line.text.length + (line.ts?.length ?? 0) + line.source.length;
}

export class ContainerLogHistory {
  private readonly entries = new Map<string, Entry>();
  private seen = 0;

  constructor(
    private readonly limits: LogHistoryLimits = DEFAULT_LOG_HISTORY_LIMITS,
    private readonly now: () => number = Date.now,
  ) {}

  /** Records a fresh read of the containers that exist now; returns every line to show, by time. */
  update(current: readonly ContainerRead[]): LogLine[] {
    const liveIds = new Set(current.map((c) => c.id));
    for (const e of this.entries.values()) if (!liveIds.has(e.id)) e.live = false;
    for (const c of current) {
      const known = this.entries.get(c.id);
      this.entries.set(c.id, {
        id: c.id,
        source: c.source,
        oneOff: c.oneOff,
        // A tie-breaker keeps the order stable for containers created in the same millisecond.
        order: known?.order ?? (c.createdAt ?? this.now()) + ++this.seen / 1e6,
        lines: c.lines,
        live: true,
      });
    }
    this.trim();
    return this.view();
  }

  /**
   * Keeps a container's lines from a read made outside a Logs poll (when it stopped, just before
   * compose removes it): without this, a recreation while the Logs page was closed lost them.
   * A container that still exists is simply read fresh again by the next `update`.
   */
  capture(read: ContainerRead): void {
    const known = this.entries.get(read.id);
    this.entries.set(read.id, {
      id: read.id,
      source: read.source,
      oneOff: read.oneOff,
      order: known?.order ?? (read.createdAt ?? this.now()) + ++this.seen / 1e6,
      lines: read.lines,
      live: known?.live ?? false,
    });
    this.trim();
  }

  /** Drops the oldest lines of gone containers until the kept history fits the limits. */
  private trim(): void {
    const gone = [...this.entries.values()]
      .filter((e) => !e.live)
      .sort((a, b) => a.order - b.order);
    let lines = 0;
    let bytes = 0;
    for (const e of gone) {
      lines += e.lines.length;
      for (const l of e.lines) bytes += size(l);
    }
    for (const e of gone) {
      while (e.lines.length > 0 && (lines > this.limits.maxLines || bytes > this.limits.maxBytes)) {
        const dropped = e.lines.shift();
        if (!dropped) break;
        lines -= 1;
        bytes -= size(dropped);
      }
      if (e.lines.length === 0) this.entries.delete(e.id);
    }
  }

  private view(): LogLine[] {
    const out: LogLine[] = [];
    const bySource = new Map<string, Entry[]>();
    for (const e of this.entries.values()) {
      out.push(...e.lines);
      if (e.oneOff) continue;
      const list = bySource.get(e.source) ?? [];
      list.push(e);
      bySource.set(e.source, list);
    }
    for (const [source, list] of bySource) {
      list.sort((a, b) => a.order - b.order);
      // Every container after the first of its service replaced an earlier one.
      for (const e of list.slice(1)) {
        const at = new Date(Math.floor(e.order));
        out.push({
          source,
          stream: 'marker',
          marker: true,
          ts: at.toISOString(),
          text: `Container recreated at ${at
            .toISOString()
            .replace('T', ' ')
            .replace(/\.\d+Z$/, ' UTC')}: the lines above come from the previous container.`,
        });
      }
    }
    // Markers sort just before the new container's first line (its creation precedes its output).
    return out.sort(
      (a, b) =>
        (a.ts ?? '').localeCompare(b.ts ?? '') ||
        Number(b.marker ?? false) - Number(a.marker ?? false),
    );
  }
}
