/**
 * A list of short values as removable chips (apt packages, tags). Enter, comma or space commits
 * the typed text; each value is validated before it becomes a chip and a refused value stays in
 * the box with the reason, so nothing the user typed is silently dropped.
 */
import { useId, useRef, useState, type KeyboardEvent, type ReactNode } from 'react';
import { Icon } from './icon.js';

export interface ChipsInputProps {
  values: readonly string[];
  onChange: (values: string[]) => void;
  label: ReactNode;
  hint?: ReactNode;
  placeholder?: string;
  /** Why a value is refused, or undefined when it is fine. */
  validate?: (value: string, current: readonly string[]) => string | undefined;
  /** Mark individual chips as invalid (e.g. a host-side error for one entry). */
  invalidValues?: readonly string[];
  /** Mark chips that are not in effect yet (e.g. settings that were not applied). */
  pendingValues?: readonly string[];
  /** The words on a pending chip (also read by screen readers); default "not applied". */
  pendingLabel?: string;
  /** Error for the list as a whole (shown under the box). */
  error?: ReactNode;
  max?: number;
  disabled?: boolean;
  /** Accessible name of each remove button; default "Remove <value>". */
  removeLabel?: (value: string) => string;
}

const SEPARATORS = new Set(['Enter', ',', ' ', 'Tab']);

export function ChipsInput({
  values,
  onChange,
  label,
  hint,
  placeholder,
  validate,
  invalidValues = [],
  pendingValues = [],
  pendingLabel = 'not applied',
  error,
  max,
  disabled = false,
  removeLabel = (v) => `Remove ${v}`,
}: ChipsInputProps) {
  const id = `c${useId().replace(/:/g, '')}`;
  const inputRef = useRef<HTMLInputElement>(null);
  const [draft, setDraft] = useState('');
  const [draftError, setDraftError] = useState<string | undefined>();
  const full = max !== undefined && values.length >= max;

  function commit(raw: string): boolean {
    const value = raw.trim();
    if (value === '') return true;
    if (values.includes(value)) {
      setDraftError(`${value} is already in the list`);
      return false;
    }
    if (full) {
      setDraftError(`At most ${max} entries`);
      return false;
    }
    const problem = validate?.(value, values);
    if (problem) {
      setDraftError(problem);
      return false;
    }
    onChange([...values, value]);
    setDraft('');
    setDraftError(undefined);
    return true;
  }

  function onKeyDown(e: KeyboardEvent<HTMLInputElement>) {
    if (SEPARATORS.has(e.key)) {
      // Tab with an empty box moves focus as usual.
      if (e.key === 'Tab' && draft.trim() === '') return;
      e.preventDefault();
      commit(draft);
    } else if (e.key === 'Backspace' && draft === '' && values.length > 0) {
      onChange(values.slice(0, -1));
    }
  }

  function onPaste(text: string): boolean {
    const parts = text.split(/[\s,]+/).filter(Boolean);
    if (parts.length < 2) return false;
    const next = [...values];
    const refused: string[] = [];
    for (const p of parts) {
      const problem = next.includes(p)
        ? 'duplicate'
        : (validate?.(p, next) ?? (max !== undefined && next.length >= max ? 'full' : undefined));
      if (problem) refused.push(p);
      else next.push(p);
    }
    onChange(next);
    setDraft(refused.join(' '));
    setDraftError(refused.length ? `Not added: ${refused.join(', ')}` : undefined);
    return true;
  }

  const shownError = draftError ?? error;
  const hintId = hint ? `${id}-hint` : undefined;
  const errorId = shownError ? `${id}-error` : undefined;
  return (
    <div className={['ui-field', shownError ? 'ui-field--invalid' : ''].filter(Boolean).join(' ')}>
      <label htmlFor={id} className="ui-field__label">
        {label}
      </label>
      <div
        className={['ui-chips', disabled ? 'ui-chips--disabled' : ''].filter(Boolean).join(' ')}
        onClick={() => inputRef.current?.focus()}
      >
        {values.length > 0 ? (
          <ul className="ui-chips__list" aria-label="Added">
            {values.map((v) => (
              <li
                key={v}
                className={[
                  'ui-chip',
                  invalidValues.includes(v) ? 'ui-chip--invalid' : '',
                  pendingValues.includes(v) ? 'ui-chip--pending' : '',
                ]
                  .filter(Boolean)
                  .join(' ')}
              >
                <span className="ui-chip__text">{v}</span>
                {pendingValues.includes(v) ? (
                  <span className="ui-chip__tag">{pendingLabel}</span>
                ) : null}
                <button
                  type="button"
                  className="ui-chip__remove"
                  aria-label={removeLabel(v)}
                  disabled={disabled}
                  onClick={(e) => {
                    e.stopPropagation();
                    onChange(values.filter((x) => x !== v));
                    inputRef.current?.focus();
                  }}
                >
                  <Icon name="close" size={12} />
                </button>
              </li>
            ))}
          </ul>
        ) : null}
        <input
          ref={inputRef}
          id={id}
          className="ui-chips__input"
          value={draft}
          placeholder={values.length === 0 ? placeholder : undefined}
          disabled={disabled || full}
          spellCheck={false}
          autoComplete="off"
          autoCapitalize="off"
          aria-invalid={Boolean(draftError) || undefined}
          aria-describedby={[errorId, hintId].filter(Boolean).join(' ') || undefined}
          onChange={(e) => {
            setDraft(e.currentTarget.value);
            if (draftError) setDraftError(undefined);
          }}
          onKeyDown={onKeyDown}
          onBlur={() => {
            if (draft.trim() !== '') commit(draft);
          }}
          onPaste={(e) => {
            if (onPaste(e.clipboardData.getData('text'))) e.preventDefault();
          }}
        />
      </div>
      {shownError ? (
        <p id={errorId} className="ui-field__error" aria-live="polite">
          {shownError}
        </p>
      ) : null}
      {hint ? (
        <p id={hintId} className="ui-field__hint">
          {hint}
        </p>
      ) : null}
    </div>
  );
}
