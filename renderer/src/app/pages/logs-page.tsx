/**
 * Logs of every stack container, interleaved by time: follow (poll + stick to the bottom), source
 * filter, text or regex search with highlighting, level colours, timestamps, export to a file.
 * JSON lines are formatted like the Control UI's; lines of recreated containers stay (the host
 * keeps them) below a "container recreated" note.
 */
import { memo, useDeferredValue, useEffect, useMemo, useRef, useState } from 'react';
import type { LogLine } from '../../../../electron/contract/host-api.js';
import { nextStepFor } from '../../host/host-error.js';
import {
  Button,
  Card,
  EmptyState,
  ErrorState,
  Field,
  Icon,
  LogRecordText,
  Page,
  PageHeader,
  Select,
  Skeleton,
  parseLogRecord,
  TextInput,
  Toggle,
} from '../../ui/index.js';
import {
  ALL_SOURCES,
  compileSearch,
  detectLevel,
  filterLines,
  formatExport,
  highlightParts,
  shortTime,
  sourcesOf,
} from '../logs/log-filter.js';
import { useAppStore } from '../store/app-store-context.js';

const POLL_MS = 2000;

const Line = memo(function Line({
  line,
  timestamps,
  highlighter,
}: {
  line: LogLine;
  timestamps: boolean;
  highlighter: (() => RegExp) | undefined;
}) {
  // The same formatting as the Control UI's Logs page: level, subsystem, message, fields.
  const record = useMemo(() => parseLogRecord(line.text), [line.text]);
  if (line.marker)
    return (
      <div className="log-line log-line--marker" role="note">
        {timestamps ? (
          <time className="log-line__ts" dateTime={line.ts} title={line.ts}>
            {shortTime(line.ts)}
          </time>
        ) : null}
        <span className="log-line__source">{line.source}</span>
        <span className="log-line__text">{line.text}</span>
      </div>
    );
  const level = record.level ?? detectLevel(line.text);
  const mark = (text: string) =>
    highlightParts(text, highlighter).map((p, i) =>
      p.match ? <mark key={i}>{p.text}</mark> : p.text,
    );
  return (
    <div
      className={[
        'log-line',
        level ? `log-line--${level}` : '',
        line.stream === 'stderr' ? 'log-line--stderr' : '',
      ]
        .filter(Boolean)
        .join(' ')}
      title={record.record ? line.text : undefined}
    >
      {timestamps ? (
        <time className="log-line__ts" dateTime={line.ts} title={line.ts}>
          {shortTime(line.ts)}
        </time>
      ) : null}
      <span className="log-line__source">{line.source}</span>
      <span className="log-line__text">
        <LogRecordText record={record} mark={mark} />
      </span>
    </div>
  );
});

function download(text: string): void {
  const blob = new Blob([text], { type: 'text/plain;charset=utf-8' });
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = `openclaw-logs-${new Date().toISOString().replace(/[:.]/g, '-')}.txt`;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

export function LogsPage() {
  const logs = useAppStore((s) => s.logs);
  const fetchLogs = useAppStore((s) => s.fetchLogs);
  const [follow, setFollow] = useState(true);
  const [timestamps, setTimestamps] = useState(true);
  const [source, setSource] = useState(ALL_SOURCES);
  const [query, setQuery] = useState('');
  const [regex, setRegex] = useState(false);
  const paneRef = useRef<HTMLDivElement>(null);

  useEffect(() => {
    void fetchLogs();
    if (!follow) return;
    const timer = setInterval(() => void fetchLogs(), POLL_MS);
    return () => clearInterval(timer);
  }, [follow, fetchLogs]);

  const deferredQuery = useDeferredValue(query);
  const search = useMemo(() => compileSearch(deferredQuery, regex), [deferredQuery, regex]);
  const lines = logs.data ?? [];
  const sources = useMemo(() => sourcesOf(lines), [lines]);
  const shown = useMemo(() => filterLines(lines, { source, search }), [lines, source, search]);

  useEffect(() => {
    const pane = paneRef.current;
    if (follow && pane) pane.scrollTop = pane.scrollHeight;
  }, [shown, follow]);

  return (
    <Page width="wide">
      <PageHeader
        title="Logs"
        description="The gateway, CLI runs and sandbox containers, newest at the bottom."
        actions={
          <>
            <Button
              icon="refresh"
              onClick={() => void fetchLogs()}
              loading={logs.loading && !follow}
            >
              Refresh
            </Button>
            <Button
              icon="download"
              disabled={shown.length === 0}
              onClick={() => download(formatExport(shown, { timestamps }))}
            >
              Export
            </Button>
          </>
        }
      />
      <Card flush>
        <div className="logs-toolbar">
          <Field label="Source" className="logs-toolbar__source">
            <Select
              value={source}
              onChange={(e) => setSource(e.currentTarget.value)}
              options={[
                { value: ALL_SOURCES, label: 'All sources' },
                ...sources.map((s) => ({ value: s, label: s })),
              ]}
            />
          </Field>
          <Field label="Search" className="logs-toolbar__search" error={search.error}>
            <TextInput
              type="search"
              value={query}
              mono={regex}
              placeholder={regex ? 'Regular expression, e.g. error|warn' : 'Filter lines'}
              leading={<Icon name="search" size={14} />}
              onChange={(e) => setQuery(e.currentTarget.value)}
            />
          </Field>
          <div className="logs-toolbar__toggles">
            <Toggle checked={regex} onChange={setRegex} label="Regex" />
            <Toggle checked={timestamps} onChange={setTimestamps} label="Timestamps" />
            <Toggle checked={follow} onChange={setFollow} label="Follow" />
          </div>
        </div>
        {logs.error && !logs.data ? (
          <div className="logs-state">
            <ErrorState
              title="Could not read the logs"
              message={logs.error.message}
              nextStep={nextStepFor(logs.error) ?? 'Make sure Docker is running, then retry.'}
              onRetry={() => void fetchLogs()}
              retrying={logs.loading}
            />
          </div>
        ) : !logs.data ? (
          <div className="logs-state">
            <Skeleton lines={8} />
          </div>
        ) : lines.length === 0 ? (
          <EmptyState
            icon="logs"
            title="No log lines yet"
            description="Start the gateway from the Dashboard; its output appears here."
          />
        ) : shown.length === 0 ? (
          <EmptyState
            compact
            icon="search"
            title="No line matches"
            description="Clear the search or pick another source."
            action={
              <Button size="sm" onClick={() => (setQuery(''), setSource(ALL_SOURCES))}>
                Clear filters
              </Button>
            }
          />
        ) : (
          <div
            ref={paneRef}
            className="log-pane"
            role="log"
            aria-label="Log lines"
            aria-live="off"
            tabIndex={0}
          >
            {shown.map((l, i) => (
              <Line
                key={`${l.ts ?? ''}-${i}`}
                line={l}
                timestamps={timestamps}
                highlighter={search.highlighter}
              />
            ))}
          </div>
        )}
        <div className="logs-footer">
          <span>
            {shown.length} of {lines.length} lines
          </span>
          {follow ? (
            <span className="logs-footer__live">Live · every {POLL_MS / 1000}s</span>
          ) : (
            <span>Paused</span>
          )}
        </div>
      </Card>
    </Page>
  );
}
