/**
 * Gateway logs through `logs.tail`: the last lines, then (while "Follow" is on) new ones every two
 * seconds from the returned cursor. JSON lines are drawn as time · level · message · fields with
 * level colours; a click shows the whole record. The gateway redacts secrets before they are
 * written, so nothing here needs to.
 */
import { useCallback, useEffect, useLayoutEffect, useRef, useState } from 'react';
import {
  Button,
  EmptyState,
  ErrorState,
  Field,
  Icon,
  Page,
  PageHeader,
  SegmentedControl,
  Skeleton,
  TextInput,
  LogRecordText,
  Toggle,
} from '../../ui/index.js';
import { ControlPage } from '../components/control-page.js';
import { formatClock } from '../format.js';
import { gatewayRequest } from '../connection/control-store.js';
import { useGatewayConnected } from '../connection/hooks.js';
import { parseLogTail } from '../connection/payloads.js';
import { errorText } from '../connection/queries-slice.js';
import {
  matchesSearch,
  parseLogLine,
  passesLevel,
  type LogLevel,
  type LogLine,
} from '../log-lines.js';

const POLL_MS = 2000;
const MAX_LINES = 2000;
const FIRST_LINES = 500;

type Entry = LogLine | { id: number; marker: string };

function isMarker(entry: Entry): entry is { id: number; marker: string } {
  return 'marker' in entry;
}

function LogRow({
  line,
  expanded,
  onToggle,
}: {
  line: LogLine;
  expanded: boolean;
  onToggle: () => void;
}) {
  const level = line.level;
  const className = [
    'cui-log__line',
    line.record ? 'cui-log__line--expandable' : '',
    level === 'warn' || level === 'error' ? `cui-log__line--${level}` : '',
  ]
    .filter(Boolean)
    .join(' ');
  const content = (
    <>
      <span className="cui-log__time">{formatClock(line.ts)}</span>
      <span className={`cui-log__level cui-log__level--${level ?? 'info'}`}>{level ?? ''}</span>
      <span className="cui-log__text">
        <LogRecordText record={line} showLevel={false} />
      </span>
    </>
  );
  return (
    <li>
      {/* Structured lines open to the full record; plain text lines are just text. */}
      {line.record ? (
        <button type="button" className={className} aria-expanded={expanded} onClick={onToggle}>
          {content}
        </button>
      ) : (
        <div className={className}>{content}</div>
      )}
      {expanded && line.record ? (
        <pre className="cui-log__detail">{JSON.stringify(line.record, null, 2)}</pre>
      ) : null}
    </li>
  );
}

function LogsContent() {
  const connected = useGatewayConnected();
  const [entries, setEntries] = useState<Entry[]>([]);
  const [file, setFile] = useState<string | undefined>();
  const [error, setError] = useState<string | null>(null);
  const [loaded, setLoaded] = useState(false);
  const [follow, setFollow] = useState(true);
  const [level, setLevel] = useState<LogLevel | 'all'>('all');
  const [search, setSearch] = useState('');
  const [expanded, setExpanded] = useState<ReadonlySet<number>>(new Set());
  const [pinned, setPinned] = useState(true); // scrolled to the bottom
  const cursor = useRef<number | null>(null);
  const nextId = useRef(1);
  const scroller = useRef<HTMLDivElement>(null);

  const append = useCallback((lines: string[], marker?: string) => {
    setEntries((current) => {
      const added: Entry[] = [];
      if (marker) added.push({ id: nextId.current++, marker });
      for (const raw of lines) if (raw.trim()) added.push(parseLogLine(raw, nextId.current++));
      if (added.length === 0) return current;
      const next = current.concat(added);
      return next.length > MAX_LINES ? next.slice(next.length - MAX_LINES) : next;
    });
  }, []);

  const fetchTail = useCallback(async () => {
    try {
      const first = cursor.current === null;
      const tail = parseLogTail(
        await gatewayRequest(
          'logs.tail',
          first ? { limit: FIRST_LINES } : { cursor: cursor.current, limit: 1000 },
        ),
      );
      setFile(tail.file);
      setError(null);
      const marker = tail.reset
        ? 'The log file was rotated; continuing in the new file.'
        : tail.truncated && !first
          ? 'Some lines were skipped (too many at once).'
          : undefined;
      cursor.current = tail.cursor;
      append(tail.lines, marker);
    } catch (err) {
      setError(errorText(err));
    } finally {
      setLoaded(true);
    }
  }, [append]);

  // First read once connected (again after a reconnect, continuing from the cursor).
  useEffect(() => {
    if (connected) void fetchTail();
  }, [connected, fetchTail]);

  useEffect(() => {
    if (!connected || !follow) return;
    let stopped = false;
    let timer: ReturnType<typeof setTimeout>;
    const loop = async () => {
      await fetchTail();
      if (!stopped) timer = setTimeout(() => void loop(), POLL_MS);
    };
    timer = setTimeout(() => void loop(), POLL_MS);
    return () => {
      stopped = true;
      clearTimeout(timer);
    };
  }, [connected, follow, fetchTail]);

  // Stick to the newest line while following and the reader has not scrolled up.
  useLayoutEffect(() => {
    const el = scroller.current;
    if (el && follow && pinned) el.scrollTop = el.scrollHeight;
  }, [entries, follow, pinned, level, search]);

  const visible = entries.filter(
    (e) => isMarker(e) || (passesLevel(e, level) && matchesSearch(e, search.trim())),
  );
  const lineCount = entries.filter((e) => !isMarker(e)).length;

  return (
    <Page width="wide">
      <PageHeader
        eyebrow="Control UI"
        title="Gateway logs"
        description={
          file ? (
            <span>
              Read from <code className="ui-code-inline">{file}</code> on the gateway.
            </span>
          ) : (
            'What the gateway writes to its log file.'
          )
        }
        actions={
          <Button icon="refresh" onClick={() => void fetchTail()}>
            Load new lines
          </Button>
        }
      />
      <div className="cui-toolbar">
        <Field label="Filter log lines" labelHidden className="cui-toolbar__grow">
          <TextInput
            type="search"
            value={search}
            onChange={(e) => setSearch(e.currentTarget.value)}
            placeholder="Filter"
            leading={<Icon name="search" size={16} />}
          />
        </Field>
        <SegmentedControl
          label="Minimum level"
          size="sm"
          value={level}
          onChange={setLevel}
          options={[
            { value: 'all', label: 'All' },
            { value: 'info', label: 'Info' },
            { value: 'warn', label: 'Warnings' },
            { value: 'error', label: 'Errors' },
          ]}
        />
        <Toggle checked={follow} onChange={setFollow} label="Follow" />
      </div>
      {error && !loaded ? (
        <ErrorState
          title="Could not read the logs"
          message={error}
          onRetry={() => void fetchTail()}
        />
      ) : null}
      <div
        ref={scroller}
        className="cui-log"
        tabIndex={0}
        role="log"
        aria-label="Gateway log lines"
        aria-live="off"
        onScroll={(e) => {
          const el = e.currentTarget;
          setPinned(el.scrollHeight - el.scrollTop - el.clientHeight < 24);
        }}
      >
        {!loaded ? (
          <div style={{ padding: 'var(--space-4)' }}>
            <Skeleton lines={10} />
          </div>
        ) : visible.length === 0 ? (
          <div className="cui-log__empty">
            <EmptyState
              compact
              icon="logs"
              title={lineCount === 0 ? 'The log is empty so far' : 'No line matches the filter'}
              description={
                lineCount === 0
                  ? follow
                    ? 'New lines appear here as the gateway writes them.'
                    : 'Turn on Follow to see new lines as they arrive.'
                  : undefined
              }
            />
          </div>
        ) : (
          <ul className="cui-log__list">
            {visible.map((entry) =>
              isMarker(entry) ? (
                <li key={entry.id} className="cui-log__marker">
                  {entry.marker}
                </li>
              ) : (
                <LogRow
                  key={entry.id}
                  line={entry}
                  expanded={expanded.has(entry.id)}
                  onToggle={() =>
                    setExpanded((s) => {
                      const next = new Set(s);
                      if (!next.delete(entry.id)) next.add(entry.id);
                      return next;
                    })
                  }
                />
              ),
            )}
          </ul>
        )}
      </div>
      <div className="cui-log-footer">
        <span>
          {lineCount} line{lineCount === 1 ? '' : 's'}
          {visible.length !== entries.length
            ? ` · ${visible.filter((e) => !isMarker(e)).length} shown`
            : ''}
          {error && loaded ? ` · last read failed: ${error}` : ''}
        </span>
        <span className="cui-spacer" />
        {!pinned ? (
          <Button
            size="sm"
            variant="ghost"
            icon="chevron-down"
            onClick={() => {
              const el = scroller.current;
              if (el) el.scrollTop = el.scrollHeight;
              setPinned(true);
            }}
          >
            Jump to newest
          </Button>
        ) : null}
        <Button
          size="sm"
          variant="ghost"
          onClick={() => setEntries([])}
          disabled={entries.length === 0}
        >
          Clear view
        </Button>
      </div>
    </Page>
  );
}

export function LogsPage() {
  return (
    <ControlPage>
      <LogsContent />
    </ControlPage>
  );
}
