/**
 * Form fields. `Field` owns the label, hint and error and hands their ids to the control inside it
 * through context, so every input is labelled and described without the page wiring ids by hand.
 */
import {
  createContext,
  forwardRef,
  useContext,
  useId,
  type InputHTMLAttributes,
  type ReactNode,
  type SelectHTMLAttributes,
  type TextareaHTMLAttributes,
} from 'react';

interface FieldControl {
  id: string;
  describedBy: string | undefined;
  invalid: boolean;
  required: boolean;
}

const FieldContext = createContext<FieldControl | null>(null);

/** The id/aria wiring of the enclosing Field (for custom controls). */
export function useFieldControl(): FieldControl | null {
  return useContext(FieldContext);
}

export interface FieldProps {
  label: ReactNode;
  hint?: ReactNode;
  /** Shown in the danger colour and linked as the control's description; marks it invalid. */
  error?: ReactNode;
  required?: boolean;
  /** Keep the label for screen readers only (e.g. inside a table row). */
  labelHidden?: boolean;
  /** Use a given id for the control instead of a generated one. */
  id?: string;
  className?: string;
  children: ReactNode;
}

export function Field({
  label,
  hint,
  error,
  required = false,
  labelHidden = false,
  id,
  className,
  children,
}: FieldProps) {
  const generated = useId();
  const controlId = id ?? `f${generated.replace(/:/g, '')}`;
  const hintId = hint ? `${controlId}-hint` : undefined;
  const errorId = error ? `${controlId}-error` : undefined;
  const describedBy = [errorId, hintId].filter(Boolean).join(' ') || undefined;
  return (
    <div
      className={['ui-field', error ? 'ui-field--invalid' : '', className]
        .filter(Boolean)
        .join(' ')}
    >
      <label htmlFor={controlId} className={labelHidden ? 'sr-only' : 'ui-field__label'}>
        {label}
        {required ? (
          <span className="ui-field__required" aria-hidden="true">
            {' '}
            *
          </span>
        ) : null}
      </label>
      <FieldContext.Provider
        value={{ id: controlId, describedBy, invalid: Boolean(error), required }}
      >
        {children}
      </FieldContext.Provider>
      {error ? (
        <p id={errorId} className="ui-field__error">
          {error}
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

function controlProps(
  field: FieldControl | null,
  own: { id?: string; 'aria-describedby'?: string; 'aria-invalid'?: unknown; required?: boolean },
) {
  return {
    id: own.id ?? field?.id,
    'aria-describedby': own['aria-describedby'] ?? field?.describedBy,
    'aria-invalid':
      own['aria-invalid'] !== undefined
        ? (own['aria-invalid'] as boolean)
        : field?.invalid || undefined,
    required: own.required ?? (field?.required || undefined),
  };
}

export interface TextInputProps extends InputHTMLAttributes<HTMLInputElement> {
  /** Monospace text (paths, ports, names). */
  mono?: boolean;
  /** Content drawn inside the box before/after the text (an icon, a unit). */
  leading?: ReactNode;
  trailing?: ReactNode;
}

export const TextInput = forwardRef<HTMLInputElement, TextInputProps>(function TextInput(
  { mono = false, leading, trailing, className, type = 'text', ...rest },
  ref,
) {
  const field = useFieldControl();
  const input = (
    <input
      ref={ref}
      type={type}
      spellCheck={false}
      autoComplete="off"
      className={['ui-input', mono ? 'ui-input--mono' : '', leading || trailing ? '' : className]
        .filter(Boolean)
        .join(' ')}
      {...rest}
      {...controlProps(field, rest)}
    />
  );
  if (!leading && !trailing) return input;
  return (
    <div className={['ui-input-group', className].filter(Boolean).join(' ')}>
      {leading ? <span className="ui-input-group__addon">{leading}</span> : null}
      {input}
      {trailing ? <span className="ui-input-group__addon">{trailing}</span> : null}
    </div>
  );
});

export interface TextAreaProps extends TextareaHTMLAttributes<HTMLTextAreaElement> {
  mono?: boolean;
}

export const TextArea = forwardRef<HTMLTextAreaElement, TextAreaProps>(function TextArea(
  { mono = false, className, ...rest },
  ref,
) {
  const field = useFieldControl();
  return (
    <textarea
      ref={ref}
      spellCheck={false}
      className={['ui-input', 'ui-textarea', mono ? 'ui-input--mono' : '', className]
        .filter(Boolean)
        .join(' ')}
      {...rest}
      {...controlProps(field, rest)}
    />
  );
});

export interface SelectOption {
  value: string;
  label: string;
  disabled?: boolean;
}

export interface SelectProps extends SelectHTMLAttributes<HTMLSelectElement> {
  options: readonly SelectOption[];
}

export const Select = forwardRef<HTMLSelectElement, SelectProps>(function Select(
  { options, className, ...rest },
  ref,
) {
  const field = useFieldControl();
  return (
    <span className={['ui-select', className].filter(Boolean).join(' ')}>
      <select
        ref={ref}
        className="ui-input ui-select__control"
        {...rest}
        {...controlProps(field, rest)}
      >
        {options.map((o) => (
          <option key={o.value} value={o.value} disabled={o.disabled}>
            {o.label}
          </option>
        ))}
      </select>
    </span>
  );
});
