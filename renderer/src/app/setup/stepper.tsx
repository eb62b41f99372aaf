/** The wizard's step indicator: where you are, what is done, what comes. */
import { Icon } from '../../ui/index.js';

export interface StepperProps {
  steps: ReadonlyArray<{ id: string; label: string }>;
  current: number;
  /** Jump back to a finished step (disabled while busy). */
  onSelect?: (index: number) => void;
}

export function Stepper({ steps, current, onSelect }: StepperProps) {
  return (
    <ol className="stepper" aria-label="Setup steps">
      {steps.map((s, i) => {
        const state = i < current ? 'done' : i === current ? 'current' : 'upcoming';
        const content = (
          <>
            <span
              className={`stepper__mark${i + 1 >= 10 ? ' stepper__mark--two-digits' : ''}`}
              aria-hidden="true"
            >
              {state === 'done' ? <Icon name="check" size={12} /> : i + 1}
            </span>
            <span className="stepper__label">{s.label}</span>
            <span className="sr-only">
              {state === 'done' ? ' (done)' : state === 'current' ? ' (current step)' : ''}
            </span>
          </>
        );
        return (
          <li
            key={s.id}
            className={`stepper__item stepper__item--${state}`}
            aria-current={state === 'current' ? 'step' : undefined}
          >
            {state === 'done' && onSelect ? (
              <button type="button" className="stepper__button" onClick={() => onSelect(i)}>
                {content}
              </button>
            ) : (
              <span className="stepper__button">{content}</span>
            )}
          </li>
        );
      })}
    </ol>
  );
}
