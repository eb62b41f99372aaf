/**
 * The conversation, oldest first, kept scrolled to the newest message while the reader is at the
 * bottom; scrolled up to read, it stays put and offers a way back down.
 */
import { useEffect, useLayoutEffect, useRef, useState, type ReactNode } from 'react';
import { Button } from '../../ui/index.js';
import type { ConversationEntry } from './conversation-view.js';
import { MessageItem } from './message-item.js';

const NEAR_BOTTOM_PX = 80;

export interface MessageListProps {
  entries: ConversationEntry[];
  sessionKey: string;
  /** Shown above the messages (a note that older ones were left out). */
  header?: ReactNode;
  empty?: ReactNode;
}

export function MessageList({ entries, sessionKey, header, empty }: MessageListProps) {
  const scroller = useRef<HTMLDivElement>(null);
  const stick = useRef(true);
  const [away, setAway] = useState(false);

  const toBottom = (smooth: boolean) => {
    const el = scroller.current;
    if (!el) return;
    el.scrollTo({ top: el.scrollHeight, behavior: smooth ? 'smooth' : 'auto' });
  };

  // A different conversation opens at its end.
  useEffect(() => {
    stick.current = true;
    setAway(false);
  }, [sessionKey]);

  useLayoutEffect(() => {
    if (stick.current) toBottom(false);
  });

  return (
    <div
      ref={scroller}
      className="chat-scroll"
      onScroll={(e) => {
        const el = e.currentTarget;
        const near = el.scrollHeight - el.scrollTop - el.clientHeight < NEAR_BOTTOM_PX;
        stick.current = near;
        if (near === away) setAway(!near);
      }}
    >
      <div className="chat-thread">
        {header}
        {entries.length === 0 ? (
          empty
        ) : (
          <ol className="chat-messages" aria-label="Messages">
            {entries.map((entry) => (
              <MessageItem
                key={entry.item.id}
                item={entry.item}
                runState={entry.run?.state}
                errorKind={entry.run?.error?.kind}
              />
            ))}
          </ol>
        )}
      </div>
      {away ? (
        <div className="chat-jump">
          <Button
            size="sm"
            icon="download"
            onClick={() => {
              stick.current = true;
              setAway(false);
              toBottom(true);
            }}
          >
            Jump to latest
          </Button>
        </div>
      ) : null}
    </div>
  );
}
