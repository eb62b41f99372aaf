/** Small labels and status markers. One tone vocabulary for the whole UI. */
import type { ReactNode } from 'react';
import { Icon, type IconName } from './icon.js';

export type Tone = 'neutral' | 'accent' | 'success' | 'warning' | 'danger' | 'info';

export interface BadgeProps {
  tone?: Tone;
  icon?: IconName;
  children: ReactNode;
  title?: string;
}

export function Badge({ tone = 'neutral', icon, children, title }: BadgeProps) {
  return (
    <span className={`ui-badge ui-badge--${tone}`} title={title}>
      {icon ? <Icon name={icon} size={12} /> : null}
      {children}
    </span>
  );
}

export interface StatusDotProps {
  tone: Tone;
  /** Visible text next to the dot; also what screen readers read. */
  label?: ReactNode;
  /** Read by screen readers only (when the text is shown elsewhere). */
  srLabel?: string;
  /** Animate (something is in progress). */
  pulse?: boolean;
}

export function StatusDot({ tone, label, srLabel, pulse = false }: StatusDotProps) {
  return (
    <span className="ui-status">
      <span
        className={[
          'ui-status__dot',
          `ui-status__dot--${tone}`,
          pulse ? 'ui-status__dot--pulse' : '',
        ]
          .filter(Boolean)
          .join(' ')}
        aria-hidden="true"
      />
      {label !== undefined ? <span className="ui-status__label">{label}</span> : null}
      {srLabel ? <span className="sr-only">{srLabel}</span> : null}
    </span>
  );
}
