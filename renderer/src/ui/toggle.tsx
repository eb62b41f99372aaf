/**
 * An on/off switch: a real checkbox (role="switch") inside its label, so a click on the text, the
 * space key and screen readers all behave natively; the track is drawn by CSS.
 */
import { useId, type ReactNode } from 'react';

export interface ToggleProps {
  checked: boolean;
  onChange: (checked: boolean) => void;
  label: ReactNode;
  description?: ReactNode;
  disabled?: boolean;
  /** Extra content after the label (a badge). */
  adornment?: ReactNode;
  id?: string;
  className?: string;
}

export function Toggle({
  checked,
  onChange,
  label,
  description,
  disabled = false,
  adornment,
  id,
  className,
}: ToggleProps) {
  const generated = useId();
  const inputId = id ?? `t${generated.replace(/:/g, '')}`;
  const descriptionId = description ? `${inputId}-desc` : undefined;
  return (
    <div
      className={['ui-toggle', disabled ? 'ui-toggle--disabled' : '', className]
        .filter(Boolean)
        .join(' ')}
    >
      <input
        id={inputId}
        type="checkbox"
        role="switch"
        className="ui-toggle__input"
        checked={checked}
        disabled={disabled}
        aria-describedby={descriptionId}
        onChange={(e) => onChange(e.currentTarget.checked)}
      />
      <label htmlFor={inputId} className="ui-toggle__track" aria-hidden="true">
        <span className="ui-toggle__thumb" />
      </label>
      <div className="ui-toggle__text">
        <label htmlFor={inputId} className="ui-toggle__label">
          {label}
          {adornment ? <span className="ui-toggle__adornment">{adornment}</span> : null}
        </label>
        {description ? (
          <p id={descriptionId} className="ui-toggle__description">
            {description}
          </p>
        ) : null}
      </div>
    </div>
  );
}
