/**
 * The message box: Enter sends, Shift+Enter starts a new line, Esc stops a running answer. While
 * an answer runs the send button becomes Stop. Slash commands (`/new`, `/model …`) are sent as
 * typed; the gateway acts on them.
 */
import { forwardRef, useLayoutEffect, useRef, type KeyboardEvent, type Ref } from 'react';
import { Button, buttonClassName } from '../../ui/index.js';

function SendIcon() {
  return (
    <svg width="16" height="16" viewBox="0 0 24 24" aria-hidden="true" focusable="false">
      <path
        d="M12 19V5M5 12l7-7 7 7"
        fill="none"
        stroke="currentColor"
        strokeWidth="2.2"
        strokeLinecap="round"
        strokeLinejoin="round"
      />
    </svg>
  );
}

export interface ComposerProps {
  value: string;
  onChange: (value: string) => void;
  onSend: () => void;
  onStop: () => void;
  running: boolean;
  stopping: boolean;
  /** Why sending is not possible now (not connected, …); shown and announced. */
  disabledReason?: string;
}

const MAX_HEIGHT = 240;

function setRefs<T>(node: T, ...refs: Array<Ref<T> | undefined>) {
  for (const ref of refs) {
    if (typeof ref === 'function') ref(node);
    else if (ref) (ref as { current: T }).current = node;
  }
}

export const Composer = forwardRef<HTMLTextAreaElement, ComposerProps>(function Composer(
  { value, onChange, onSend, onStop, running, stopping, disabledReason },
  ref,
) {
  const area = useRef<HTMLTextAreaElement | null>(null);
  const canSend = value.trim() !== '' && !running && !disabledReason;

  // Grow with the text up to a limit, then scroll.
  useLayoutEffect(() => {
    const el = area.current;
    if (!el) return;
    el.style.height = 'auto';
    el.style.height = `${Math.min(el.scrollHeight, MAX_HEIGHT)}px`;
  }, [value]);

  const onKeyDown = (e: KeyboardEvent<HTMLTextAreaElement>) => {
    // Enter while an input method composes a character confirms the character, nothing else.
    if (e.nativeEvent.isComposing) return;
    if (e.key === 'Enter' && !e.shiftKey && !e.altKey && !e.ctrlKey && !e.metaKey) {
      e.preventDefault();
      if (canSend) onSend();
    } else if (e.key === 'Escape' && running) {
      e.preventDefault();
      onStop();
    }
  };

  return (
    <form
      className="chat-composer"
      onSubmit={(e) => {
        e.preventDefault();
        if (canSend) onSend();
      }}
    >
      <div className="chat-composer__box">
        <label htmlFor="chat-input" className="sr-only">
          Message
        </label>
        <textarea
          id="chat-input"
          ref={(node) => setRefs(node, area, ref)}
          className="chat-composer__input"
          rows={1}
          value={value}
          placeholder="Message the agent…"
          aria-describedby="chat-composer-hint"
          onChange={(e) => onChange(e.currentTarget.value)}
          onKeyDown={onKeyDown}
        />
        <div className="chat-composer__actions">
          {running ? (
            <Button
              variant="secondary"
              icon="stop"
              onClick={onStop}
              loading={stopping}
              aria-keyshortcuts="Escape"
            >
              Stop
            </Button>
          ) : (
            <button
              type="submit"
              className={buttonClassName('primary', 'md', 'ui-button--icon chat-composer__send')}
              aria-label="Send"
              title="Send (Enter)"
              disabled={!canSend}
              aria-keyshortcuts="Enter"
            >
              <SendIcon />
            </button>
          )}
        </div>
      </div>
      <p id="chat-composer-hint" className="chat-composer__hint" aria-live="polite">
        {disabledReason ? (
          disabledReason
        ) : running ? (
          <>
            <kbd>Esc</kbd> stops the answer
          </>
        ) : (
          <>
            <kbd>Enter</kbd> to send · <kbd>Shift</kbd>+<kbd>Enter</kbd> for a new line · /new,
            /model, /status work too
          </>
        )}
      </p>
    </form>
  );
});
