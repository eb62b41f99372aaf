/**
 * Feeds the chat store from the live gateway connection: `chat` and `agent` events, a history
 * read when the open session changes, when one of its runs ends or one starts elsewhere, and a
 * resync after every reconnect or event gap (a running answer goes on streaming into view).
 */
import { useEffect } from 'react';
import { getGatewayConnection, useControlStore } from '../connection/control-store.js';
import { isRecord, optString } from '../connection/hello.js';
import {
  handleAgentEvent,
  handleChatEvent,
  loadHistory,
  resync,
  useChatStore,
} from './chat-store.js';

/** A run started by another client: its user message lands in the transcript just after. */
const FOREIGN_RUN_RELOAD_MS = 300;

export function useChatEvents(): void {
  const url = useControlStore((s) => s.gatewayUrl);
  const currentKey = useChatStore((s) => s.currentKey);

  // The open session, read when the page shows it; (re)connects are handled by resync below.
  useEffect(() => {
    if (getGatewayConnection()?.status.state === 'connected') void loadHistory(currentKey);
  }, [currentKey]);

  useEffect(() => {
    const connection = getGatewayConnection();
    if (!connection) return;
    let foreignTimer: ReturnType<typeof setTimeout> | undefined;
    const offEvent = connection.onEvent((event) => {
      if (event.event === 'chat') {
        const before = useChatStore.getState();
        handleChatEvent(event.payload);
        const payload = isRecord(event.payload) ? event.payload : {};
        const key = optString(payload.sessionKey);
        const runId = optString(payload.runId);
        if (!key || key !== before.currentKey) return;
        const state = optString(payload.state);
        if (state === 'final' || state === 'aborted' || state === 'error') {
          void loadHistory(key);
        } else if (runId && !before.runs[runId]) {
          clearTimeout(foreignTimer);
          foreignTimer = setTimeout(() => void loadHistory(key), FOREIGN_RUN_RELOAD_MS);
        }
      } else if (event.event === 'agent') {
        handleAgentEvent(event.payload);
      }
    });
    // Every hello and every event gap: runs we show may have ended unseen, the history moved on.
    const offResync = connection.onResync(() => void resync());
    return () => {
      clearTimeout(foreignTimer);
      offEvent();
      offResync();
    };
  }, [url]);
}
