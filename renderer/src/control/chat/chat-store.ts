/**
 * The Chat page's store: the reducer's data plus the open session, and the actions that talk to
 * the gateway (history, send, stop). Kept apart from the Control UI store: only this page loads it.
 */
import { create } from 'zustand';
import { gatewayRequest } from '../connection/control-store.js';
import { randomId } from '../connection/client-profile.js';
import { errorText } from '../connection/queries-slice.js';
import { isRecord } from '../connection/hello.js';
import {
  activeRun,
  applyAgentEvent,
  applyChatEvent,
  EMPTY_CHAT,
  historyFailed,
  historyLoaded,
  historyLoading,
  reconnected,
  runSent,
  runSettledElsewhere,
  sendFailed,
  sessionCleared,
  type ChatData,
} from './chat-reducer.js';
import { historyItems } from './history-items.js';

export const DEFAULT_SESSION_KEY = 'agent:main:main';
const STORAGE_KEY = 'openclaw.chat.session';

export interface ChatStore extends ChatData {
  currentKey: string;
  /** Message of the last failed action that has no better place (reset, delete, model). */
  actionError: string | null;
  /** Unsent text per session: kept here so it survives the page re-mounting on a reconnect. */
  drafts: Record<string, string>;
}

function storedKey(): string {
  try {
    return globalThis.localStorage?.getItem(STORAGE_KEY) || DEFAULT_SESSION_KEY;
  } catch {
    return DEFAULT_SESSION_KEY;
  }
}

export const useChatStore = create<ChatStore>()(() => ({
  ...EMPTY_CHAT,
  currentKey: storedKey(),
  actionError: null,
  drafts: {},
}));

export function setDraft(sessionKey: string, text: string): void {
  useChatStore.setState((s) => ({ drafts: { ...s.drafts, [sessionKey]: text } }));
}

function update(change: (state: ChatData) => ChatData): void {
  useChatStore.setState((s) => change(s));
}

export function openSession(key: string): void {
  try {
    globalThis.localStorage?.setItem(STORAGE_KEY, key);
  } catch {
    // storage refused (private mode): the choice lasts for this page only
  }
  useChatStore.setState({ currentKey: key, actionError: null });
}

/** A fresh conversation key for the agent of `fromKey` (`agent:<id>:chat-<random>`). */
export function newSessionKey(fromKey: string): string {
  const agent = /^agent:([^:]+):/.exec(fromKey)?.[1] ?? 'main';
  return `agent:${agent}:chat-${randomId().replace(/-/g, '').slice(0, 10)}`;
}

export const HISTORY_LIMIT = 300;

/** Read the session's history; live runs that ended before the read began are folded into it. */
export async function loadHistory(sessionKey: string): Promise<void> {
  const startedTick = useChatStore.getState().tick;
  update((s) => historyLoading(s, sessionKey));
  try {
    const answer = await gatewayRequest('chat.history', { sessionKey, limit: HISTORY_LIMIT });
    const messages = isRecord(answer) && Array.isArray(answer.messages) ? answer.messages : [];
    const truncated = isRecord(answer) && answer.truncated === true;
    update((s) =>
      historyLoaded(s, sessionKey, historyItems(messages, s.toolDurations), truncated, startedTick),
    );
  } catch (err) {
    update((s) => historyFailed(s, sessionKey, errorText(err)));
  }
}

export function handleChatEvent(payload: unknown): void {
  update((s) => applyChatEvent(s, payload));
}

export function handleAgentEvent(payload: unknown): void {
  update((s) => applyAgentEvent(s, payload));
}

/** Send `text` to the session. Slash commands (`/new`, `/model …`) go as they are. */
export async function sendMessage(sessionKey: string, text: string): Promise<void> {
  const runId = randomId();
  update((s) => runSent(s, runId, sessionKey, text));
  try {
    await gatewayRequest('chat.send', { sessionKey, message: text, idempotencyKey: runId });
  } catch (err) {
    update((s) => sendFailed(s, runId, errorText(err)));
    // Nothing was sent: give the text back unless something new was typed meanwhile.
    if (!useChatStore.getState().drafts[sessionKey]) setDraft(sessionKey, text);
  }
}

/** Stop the session's running answer (Esc, the Stop button). */
export async function stopRun(sessionKey: string): Promise<void> {
  const run = activeRun(useChatStore.getState(), sessionKey);
  try {
    await gatewayRequest('chat.abort', { sessionKey, ...(run ? { runId: run.runId } : {}) });
  } catch (err) {
    useChatStore.setState({ actionError: `Could not stop the answer: ${errorText(err)}` });
  }
}

/**
 * After a reconnect: forget per-connection sequence numbers, ask the gateway how each run we were
 * showing stands, and read the open session again. A run still going keeps streaming into view.
 */
export async function resync(): Promise<void> {
  update(reconnected);
  const running = Object.values(useChatStore.getState().runs).filter((r) => r.state === 'running');
  await Promise.all(
    running.map(async (run) => {
      try {
        const answer = await gatewayRequest('agent.wait', { runId: run.runId, timeoutMs: 0 });
        if (isRecord(answer) && answer.status === 'timeout') return;
      } catch {
        // Unknown to this gateway (it restarted): whatever was written is in the history.
      }
      update((s) => runSettledElsewhere(s, run.runId));
    }),
  );
  await loadHistory(useChatStore.getState().currentKey);
}

export async function resetSession(sessionKey: string): Promise<boolean> {
  try {
    await gatewayRequest('sessions.reset', { key: sessionKey, reason: 'reset' });
    update((s) => sessionCleared(s, sessionKey));
    await loadHistory(sessionKey);
    return true;
  } catch (err) {
    useChatStore.setState({ actionError: `Could not reset the conversation: ${errorText(err)}` });
    return false;
  }
}

/** The main session of an agent can be reset but not deleted (the gateway refuses). */
export function isMainSession(sessionKey: string): boolean {
  return /^agent:[^:]+:main$/.test(sessionKey);
}

export async function deleteSession(sessionKey: string): Promise<boolean> {
  try {
    // The transcript is archived, not erased: a deleted conversation can still be recovered.
    await gatewayRequest('sessions.delete', { key: sessionKey, deleteTranscript: false });
    update((s) => sessionCleared(s, sessionKey));
    return true;
  } catch (err) {
    useChatStore.setState({ actionError: `Could not delete the conversation: ${errorText(err)}` });
    return false;
  }
}

export async function setSessionModel(sessionKey: string, model: string | null): Promise<boolean> {
  try {
    await gatewayRequest('sessions.patch', { key: sessionKey, model });
    useChatStore.setState({ actionError: null });
    return true;
  } catch (err) {
    useChatStore.setState({ actionError: `Could not change the model: ${errorText(err)}` });
    return false;
  }
}
