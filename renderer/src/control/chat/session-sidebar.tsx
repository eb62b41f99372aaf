/**
 * The conversations column: search, "New chat", and every session newest first with its title,
 * the last message and when it was active. The open one is marked for screen readers too.
 */
import { useEffect, useState } from 'react';
import { Button, Icon, Skeleton, TextInput } from '../../ui/index.js';
import { useNow } from '../components/use-now.js';
import { formatRelative } from '../format.js';
import type { GatewayQuery } from '../connection/hooks.js';
import { keyTitle, type ChatSessionList } from './chat-sessions.js';

export interface SessionSidebarProps {
  list: GatewayQuery<ChatSessionList>;
  search: string;
  onSearch: (term: string) => void;
  currentKey: string;
  runningKeys: ReadonlySet<string>;
  onOpen: (key: string) => void;
  onNew: () => void;
}

export function useDebounced<T>(value: T, ms: number): T {
  const [debounced, setDebounced] = useState(value);
  useEffect(() => {
    const timer = setTimeout(() => setDebounced(value), ms);
    return () => clearTimeout(timer);
  }, [value, ms]);
  return debounced;
}

export function SessionSidebar({
  list,
  search,
  onSearch,
  currentKey,
  runningKeys,
  onOpen,
  onNew,
}: SessionSidebarProps) {
  const now = useNow(30_000);
  const rows = list.data?.sessions ?? [];
  const searching = search.trim() !== '';
  // A new chat has no entry until its first message: show it on top so it can be found again.
  const showCurrent =
    !searching && list.data !== undefined && !rows.some((r) => r.key === currentKey);
  return (
    <nav className="chat-side" aria-label="Conversations">
      <div className="chat-side__top">
        <Button variant="primary" icon="plus" onClick={onNew} className="chat-side__new">
          New chat
        </Button>
        <label className="sr-only" htmlFor="chat-search">
          Search conversations
        </label>
        <TextInput
          id="chat-search"
          type="search"
          value={search}
          onChange={(e) => onSearch(e.currentTarget.value)}
          placeholder="Search"
          leading={<Icon name="search" size={15} />}
        />
      </div>
      <ul className="chat-side__list">
        {showCurrent ? (
          <li>
            <button type="button" className="chat-side__item" aria-current="page">
              <span className="chat-side__title">{keyTitle(currentKey)}</span>
              <span className="chat-side__preview">No messages yet</span>
            </button>
          </li>
        ) : null}
        {list.data === undefined && !list.error
          ? [0, 1, 2, 3].map((i) => (
              <li key={i} className="chat-side__skeleton">
                <Skeleton lines={2} />
              </li>
            ))
          : null}
        {rows.map((row) => (
          <li key={row.key}>
            <button
              type="button"
              className="chat-side__item"
              aria-current={row.key === currentKey ? 'page' : undefined}
              onClick={() => onOpen(row.key)}
            >
              <span className="chat-side__row">
                <span className="chat-side__title">{row.title}</span>
                {runningKeys.has(row.key) ? (
                  <span className="chat-side__live" title="Answering now">
                    <span className="sr-only">answering now</span>
                  </span>
                ) : (
                  <span className="chat-side__time">{formatRelative(row.updatedAt, now)}</span>
                )}
              </span>
              {row.preview ? <span className="chat-side__preview">{row.preview}</span> : null}
            </button>
          </li>
        ))}
      </ul>
      {list.error && !list.data ? (
        <p className="chat-side__empty" role="alert">
          Could not load the conversations: {list.error}{' '}
          <button type="button" className="chat-link-button" onClick={() => void list.refetch()}>
            Retry
          </button>
        </p>
      ) : null}
      {list.data && rows.length === 0 && searching ? (
        <p className="chat-side__empty">No conversation matches “{search.trim()}”.</p>
      ) : null}
    </nav>
  );
}
