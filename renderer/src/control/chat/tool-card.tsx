/**
 * A tool call in an answer: a collapsed line (tool, what it was called on, status, duration) that
 * opens to the arguments and the result. Native <details>, so keyboard and screen readers get
 * the disclosure behaviour for free.
 */
import { memo } from 'react';
import { CopyButton, Icon, Spinner } from '../../ui/index.js';
import type { ToolCallView } from './chat-types.js';

/** The argument that says what the call was about (`path`, `command`, …), for the summary. */
function subject(args: unknown): string | undefined {
  if (!args || typeof args !== 'object') return undefined;
  const record = args as Record<string, unknown>;
  for (const key of ['path', 'command', 'file', 'pattern', 'url', 'query', 'dir']) {
    const value = record[key];
    if (typeof value === 'string' && value.trim() !== '') {
      const flat = value.replace(/\s+/g, ' ').trim();
      return flat.length > 72 ? `${flat.slice(0, 71)}…` : flat;
    }
  }
  return undefined;
}

export function formatToolDuration(ms: number | undefined): string | undefined {
  if (ms === undefined) return undefined;
  if (ms < 1000) return `${Math.max(1, Math.round(ms))} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(ms < 10_000 ? 1 : 0)} s`;
  return `${Math.floor(ms / 60_000)} min ${Math.round((ms % 60_000) / 1000)} s`;
}

function prettyArgs(args: unknown): string {
  try {
    return JSON.stringify(args ?? {}, null, 2);
  } catch {
    return String(args);
  }
}

/**
 * Cards the reader opened, by call id: the live answer gives way to the history's copy when a run
 * ends (a new element), and an opened card should stay open through that.
 */
const openCards = new Set<string>();

const STATUS_TEXT = { running: 'Running', done: 'Done', error: 'Failed' } as const;

export const ToolCard = memo(function ToolCard({ tool }: { tool: ToolCallView }) {
  const about = subject(tool.args);
  const duration = formatToolDuration(tool.durationMs);
  const args = prettyArgs(tool.args);
  return (
    <details
      className={`chat-tool chat-tool--${tool.status}`}
      open={openCards.has(tool.id)}
      onToggle={(e) => {
        if (e.currentTarget.open) openCards.add(tool.id);
        else openCards.delete(tool.id);
      }}
    >
      <summary className="chat-tool__summary">
        <span className="chat-tool__icon" aria-hidden="true">
          {tool.status === 'running' ? (
            <Spinner size="sm" decorative />
          ) : (
            <Icon name={tool.status === 'error' ? 'warning' : 'check'} size={14} />
          )}
        </span>
        <span className="chat-tool__name">{tool.name}</span>
        {about ? <span className="chat-tool__subject">{about}</span> : null}
        <span className="chat-tool__meta">
          <span className="chat-tool__status">{STATUS_TEXT[tool.status]}</span>
          {duration ? <span> · {duration}</span> : null}
        </span>
        <span className="chat-tool__chevron" aria-hidden="true" />
      </summary>
      <div className="chat-tool__body">
        <section aria-label="Arguments">
          <div className="chat-tool__label">
            Arguments
            <CopyButton text={args} label="Copy arguments" iconOnly />
          </div>
          <pre className="chat-tool__pre">{args}</pre>
        </section>
        <section aria-label={tool.status === 'error' ? 'Error' : 'Result'}>
          <div className="chat-tool__label">
            {tool.status === 'error'
              ? 'Error'
              : tool.status === 'running'
                ? 'Output so far'
                : 'Result'}
            {tool.output ? <CopyButton text={tool.output} label="Copy result" iconOnly /> : null}
          </div>
          <pre className="chat-tool__pre">
            {tool.output ||
              (tool.status === 'running'
                ? 'Waiting for the tool…'
                : tool.status === 'error'
                  ? 'The call did not finish (the answer was stopped or the tool failed).'
                  : '(no output)')}
          </pre>
        </section>
      </div>
    </details>
  );
});
