/**
 * Choosing one of a few options: `SegmentedControl` for short labels (a filter, the theme) and
 * `RadioCards` for options that need a sentence of explanation (the home volume kind).
 */
import { useId, useRef, type KeyboardEvent, type ReactNode } from 'react';
import { Icon, type IconName } from './icon.js';

export interface SegmentedOption<T extends string> {
  value: T;
  label: string;
  icon?: IconName;
  /** Show only the icon (label becomes the accessible name). */
  iconOnly?: boolean;
}

export interface SegmentedControlProps<T extends string> {
  value: T;
  onChange: (value: T) => void;
  options: readonly SegmentedOption<T>[];
  /** Accessible name of the group. */
  label: string;
  size?: 'sm' | 'md';
  disabled?: boolean;
}

export function SegmentedControl<T extends string>({
  value,
  onChange,
  options,
  label,
  size = 'md',
  disabled = false,
}: SegmentedControlProps<T>) {
  const refs = useRef<Array<HTMLButtonElement | null>>([]);
  function onKeyDown(e: KeyboardEvent, index: number) {
    const delta =
      e.key === 'ArrowRight' || e.key === 'ArrowDown'
        ? 1
        : e.key === 'ArrowLeft' || e.key === 'ArrowUp'
          ? -1
          : 0;
    if (!delta) return;
    e.preventDefault();
    const next = (index + delta + options.length) % options.length;
    const option = options[next];
    if (!option) return;
    onChange(option.value);
    refs.current[next]?.focus();
  }
  return (
    <div role="radiogroup" aria-label={label} className={`ui-segmented ui-segmented--${size}`}>
      {options.map((o, i) => {
        const selected = o.value === value;
        return (
          <button
            key={o.value}
            ref={(el) => {
              refs.current[i] = el;
            }}
            type="button"
            role="radio"
            aria-checked={selected}
            aria-label={o.iconOnly ? o.label : undefined}
            title={o.iconOnly ? o.label : undefined}
            tabIndex={selected ? 0 : -1}
            disabled={disabled}
            className={['ui-segmented__item', selected ? 'ui-segmented__item--selected' : '']
              .filter(Boolean)
              .join(' ')}
            onClick={() => onChange(o.value)}
            onKeyDown={(e) => onKeyDown(e, i)}
          >
            {o.icon ? <Icon name={o.icon} size={14} /> : null}
            {o.iconOnly ? null : <span>{o.label}</span>}
          </button>
        );
      })}
    </div>
  );
}

export interface RadioCardOption<T extends string> {
  value: T;
  title: string;
  description?: ReactNode;
  icon?: IconName;
  disabled?: boolean;
}

export interface RadioCardsProps<T extends string> {
  value: T;
  onChange: (value: T) => void;
  options: readonly RadioCardOption<T>[];
  /** Visible legend of the group. */
  legend: ReactNode;
  legendHidden?: boolean;
  columns?: 1 | 2 | 3;
}

export function RadioCards<T extends string>({
  value,
  onChange,
  options,
  legend,
  legendHidden = false,
  columns = 3,
}: RadioCardsProps<T>) {
  const name = `r${useId().replace(/:/g, '')}`;
  return (
    <fieldset className="ui-radio-cards">
      <legend className={legendHidden ? 'sr-only' : 'ui-field__label'}>{legend}</legend>
      <div className={`ui-radio-cards__grid ui-radio-cards__grid--${columns}`}>
        {options.map((o) => {
          const selected = o.value === value;
          return (
            <label
              key={o.value}
              className={[
                'ui-radio-card',
                selected ? 'ui-radio-card--selected' : '',
                o.disabled ? 'ui-radio-card--disabled' : '',
              ]
                .filter(Boolean)
                .join(' ')}
            >
              <input
                type="radio"
                name={name}
                value={o.value}
                checked={selected}
                disabled={o.disabled}
                className="ui-radio-card__input"
                onChange={() => onChange(o.value)}
              />
              <span className="ui-radio-card__head">
                {o.icon ? <Icon name={o.icon} size={16} /> : null}
                <span className="ui-radio-card__title">{o.title}</span>
                <span className="ui-radio-card__mark" aria-hidden="true" />
              </span>
              {o.description ? (
                <span className="ui-radio-card__description">{o.description}</span>
              ) : null}
            </label>
          );
        })}
      </div>
    </fieldset>
  );
}
