/**
 * One bubble of the conversation: the user's message as typed, or an assistant turn — its
 * Markdown, tool cards and thinking in order, then what happened (stopped, failed with the next
 * step) and a footer with copy, model and tokens.
 */
import { memo } from 'react';
import { CopyButton, Icon, Spinner } from '../../ui/index.js';
import type { ChatItem, RunState } from './chat-types.js';
import { MarkdownText } from './markdown.js';
import { ToolCard } from './tool-card.js';
import { errorAdvice } from './error-advice.js';

function plainText(item: ChatItem): string {
  return item.parts
    .map((p) => (p.kind === 'text' ? p.text : ''))
    .filter(Boolean)
    .join('\n\n');
}

function compact(n: number): string {
  return n >= 10_000 ? `${(n / 1000).toFixed(n >= 100_000 ? 0 : 1)}k` : String(n);
}

export interface MessageItemProps {
  item: ChatItem;
  /** Set for a live run: `running` shows the typing state. */
  runState?: RunState;
  errorKind?: string;
}

export const MessageItem = memo(function MessageItem({
  item,
  runState,
  errorKind,
}: MessageItemProps) {
  if (item.role === 'user') {
    return (
      <li className="chat-msg chat-msg--user">
        <h3 className="sr-only">You said</h3>
        <div className="chat-msg__bubble">{plainText(item)}</div>
      </li>
    );
  }
  const running = runState === 'running';
  const stopped = runState === 'aborted' || item.stopReason === 'aborted';
  const text = plainText(item);
  const empty = item.parts.length === 0;
  // A stopped answer is recorded with an error message saying so; it is not a failure.
  const error = stopped ? undefined : item.error;
  const advice = error ? errorAdvice(errorKind, error) : undefined;
  return (
    <li className="chat-msg chat-msg--assistant" aria-busy={running || undefined}>
      <div className="chat-msg__avatar" aria-hidden="true">
        <Icon name="bolt" size={15} />
      </div>
      <div className="chat-msg__body">
        <h3 className="sr-only">{running ? 'The agent is answering' : 'The agent said'}</h3>
        {running && !empty ? (
          <span className="sr-only" role="status">
            Writing…
          </span>
        ) : null}
        {item.parts.map((part, i) =>
          part.kind === 'text' ? (
            <MarkdownText key={i} text={part.text} />
          ) : part.kind === 'tool' ? (
            <ToolCard key={part.tool.id} tool={part.tool} />
          ) : (
            <details key={i} className="chat-thinking">
              <summary>Thinking</summary>
              <div className="chat-thinking__text">{part.text}</div>
            </details>
          ),
        )}
        {running && empty ? (
          <div className="chat-msg__typing" role="status">
            <Spinner size="sm" decorative />
            <span>Thinking…</span>
          </div>
        ) : null}
        {stopped ? (
          <p className="chat-msg__note">
            <Icon name="stop" size={13} /> Stopped{text ? ' before the end' : ''}.
          </p>
        ) : null}
        {error ? (
          <div className="chat-msg__error" role="alert">
            <Icon name="error" size={16} />
            <div>
              <p className="chat-msg__error-title">{advice?.title ?? 'The answer failed'}</p>
              <p className="chat-msg__error-text">{error}</p>
              {advice?.next ? <p className="chat-msg__error-next">{advice.next}</p> : null}
            </div>
          </div>
        ) : null}
        {!running && (text || item.usage || item.model) ? (
          <div className="chat-msg__footer">
            {text ? <CopyButton text={text} label="Copy answer" iconOnly /> : null}
            {item.model ? <span className="chat-msg__meta ui-mono">{item.model}</span> : null}
            {item.usage ? (
              <span
                className="chat-msg__meta"
                title={`${item.usage.input} in · ${item.usage.output} out`}
              >
                {compact(item.usage.total)} tokens
              </span>
            ) : null}
          </div>
        ) : null}
      </div>
    </li>
  );
});
