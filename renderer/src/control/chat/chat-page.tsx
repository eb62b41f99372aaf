/**
 * The Chat page: conversations on the left, the open one on the right with its streaming answer,
 * tool cards, model picker and composer. Everything goes through the page's gateway connection
 * (`chat.*`, `sessions.*`, `models.list`), so it works the same in the app window, the headless
 * host and the Control UI the gateway serves.
 */
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { Callout, Icon } from '../../ui/index.js';
import { ControlPage } from '../components/control-page.js';
import { useGatewayConnected, useGatewayQuery } from '../connection/hooks.js';
import { EMPTY_SESSION } from './chat-reducer.js';
import { ChatHeader } from './chat-header.js';
import { keyTitle, parseChatSessions, parseModels } from './chat-sessions.js';
import {
  deleteSession,
  isMainSession,
  newSessionKey,
  openSession,
  resetSession,
  sendMessage,
  setDraft,
  setSessionModel,
  stopRun,
  useChatStore,
} from './chat-store.js';
import { Composer } from './composer.js';
import { conversation } from './conversation-view.js';
import { MessageList } from './message-list.js';
import { SessionSidebar, useDebounced } from './session-sidebar.js';
import { useChatEvents } from './use-chat-events.js';
import { useRafValue } from './use-raf-value.js';
import './chat.css';
import './chat-message.css';
import './chat-code.css';

const SUGGESTIONS = [
  'List the files in the workspace',
  'Write a README.md that explains this project',
  'Explain what you can do here',
];

function ChatContent() {
  useChatEvents();
  const connected = useGatewayConnected();
  const currentKey = useChatStore((s) => s.currentKey);
  const chat = useChatStore((s) => s.sessions[s.currentKey] ?? EMPTY_SESSION);
  const runs = useRafValue(useChatStore((s) => s.runs));
  const actionError = useChatStore((s) => s.actionError);
  const [search, setSearch] = useState('');
  const term = useDebounced(search.trim(), 250);
  const draft = useChatStore((s) => s.drafts[s.currentKey] ?? '');
  const setText = useCallback((text: string) => setDraft(currentKey, text), [currentKey]);
  const [stopping, setStopping] = useState(false);
  const input = useRef<HTMLTextAreaElement>(null);

  const list = useGatewayQuery(
    `chat.sessions:${term}`,
    'sessions.list',
    {
      limit: 200,
      includeDerivedTitles: true,
      includeLastMessage: true,
      ...(term ? { search: term } : {}),
    },
    { parse: parseChatSessions, refetchOn: ['sessions.changed'] },
  );
  const models = useGatewayQuery('chat.models', 'models.list', {}, { parse: parseModels });

  const sessionRuns = useMemo(
    () => Object.values(runs).filter((r) => r.sessionKey === currentKey),
    [runs, currentKey],
  );
  const entries = useMemo(() => conversation(chat, sessionRuns), [chat, sessionRuns]);
  const running = sessionRuns.some((r) => r.state === 'running');
  const runningKeys = useMemo(
    () =>
      new Set(
        Object.values(runs)
          .filter((r) => r.state === 'running' && r.sessionKey)
          .map((r) => r.sessionKey!),
      ),
    [runs],
  );
  const row = list.data?.sessions.find((r) => r.key === currentKey);
  // Nothing to answer with: say so before the first message fails.
  const noModel = models.data !== undefined && !models.data.some((m) => m.available);
  const title = row?.title ?? keyTitle(currentKey);

  // Screen readers hear when an answer ends (the streaming text itself is not read out piecemeal).
  const [announcement, setAnnouncement] = useState('');
  const lastRun = sessionRuns.at(-1);
  useEffect(() => {
    if (!running) setStopping(false);
    if (!lastRun || lastRun.state === 'running') return;
    setAnnouncement(
      lastRun.state === 'final'
        ? 'The agent finished answering.'
        : lastRun.state === 'aborted'
          ? 'The answer was stopped.'
          : `The answer failed: ${lastRun.error?.message ?? 'unknown error'}`,
    );
  }, [running, lastRun]);

  const switchTo = useCallback((key: string) => {
    openSession(key);
    input.current?.focus();
  }, []);

  const send = () => {
    const text = draft.trim();
    if (!text) return;
    setText('');
    void sendMessage(currentKey, text);
  };

  const stop = () => {
    setStopping(true);
    void stopRun(currentKey).finally(() => setStopping(false));
  };

  const empty = (
    <div className="chat-welcome">
      <div className="chat-welcome__mark" aria-hidden="true">
        <Icon name="chat" size={22} />
      </div>
      <h2 className="chat-welcome__title">What should the agent do?</h2>
      <p className="chat-welcome__text">
        It answers with the model picked above and can read and write files in its workspace.
      </p>
      <div className="chat-welcome__suggestions">
        {SUGGESTIONS.map((s) => (
          <button
            key={s}
            type="button"
            className="chat-suggestion"
            onClick={() => {
              setText(s);
              input.current?.focus();
            }}
          >
            {s}
          </button>
        ))}
      </div>
    </div>
  );

  return (
    <div
      className="chat"
      onKeyDown={(e) => {
        // Esc stops the answer from anywhere on the page (a dialog handles its own Esc first).
        if (e.key === 'Escape' && running && !e.defaultPrevented) {
          e.preventDefault();
          stop();
        }
      }}
    >
      <h1 className="sr-only">Chat</h1>
      <p className="sr-only" role="status" aria-live="polite">
        {announcement}
      </p>
      <SessionSidebar
        list={list}
        search={search}
        onSearch={setSearch}
        currentKey={currentKey}
        runningKeys={runningKeys}
        onOpen={switchTo}
        onNew={() => switchTo(newSessionKey(currentKey))}
      />
      <section className="chat-main" aria-label={`Conversation: ${title}`}>
        <ChatHeader
          title={title}
          row={row}
          list={list.data}
          models={models}
          busy={running || !connected}
          canDelete={!isMainSession(currentKey)}
          onModel={async (ref) => {
            if (await setSessionModel(currentKey, ref)) await list.refetch();
          }}
          onReset={async () => {
            if (await resetSession(currentKey)) await list.refetch();
          }}
          onDelete={async () => {
            if (await deleteSession(currentKey)) {
              const next = list.data?.sessions.find((r) => r.key !== currentKey)?.key;
              switchTo(next ?? newSessionKey(currentKey));
              await list.refetch();
            }
          }}
        />
        {noModel ? (
          <div className="chat-notice">
            <Callout tone="warning" title="No model is ready to answer">
              The agent needs a model provider with a key. In the desktop app use Settings → Model;
              on the gateway, add the provider’s key (for example <code>OPENAI_API_KEY</code>) or a
              provider under <code>models.providers</code> in <code>openclaw.json</code>, then
              reload this page.
            </Callout>
          </div>
        ) : null}
        {actionError ? (
          <div className="chat-notice">
            <Callout tone="danger" title="That did not work">
              {actionError}
            </Callout>
          </div>
        ) : null}
        <MessageList
          entries={entries}
          sessionKey={currentKey}
          empty={
            chat.status === 'error' ? (
              <div className="chat-notice">
                <Callout tone="danger" title="Could not load this conversation">
                  {chat.error} — it loads again when the connection is back, or pick it again.
                </Callout>
              </div>
            ) : chat.status === 'ready' ? (
              empty
            ) : null
          }
          header={
            chat.truncated ? <p className="chat-truncated">Older messages are not shown.</p> : null
          }
        />
        <Composer
          ref={input}
          value={draft}
          onChange={setText}
          onSend={send}
          onStop={stop}
          running={running}
          stopping={stopping}
          disabledReason={connected ? undefined : 'Reconnecting to the gateway…'}
        />
      </section>
    </div>
  );
}

export function ChatPage() {
  return (
    <ControlPage>
      <ChatContent />
    </ControlPage>
  );
}
