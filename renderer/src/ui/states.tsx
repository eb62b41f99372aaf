/**
 * The designed non-happy states: empty, error (always with a next step and, when it makes sense,
 * a retry) and inline callouts. Pages use these instead of ad-hoc text so every "nothing here" and
 * "that failed" looks and reads the same.
 */
import type { ReactNode } from 'react';
import type { Tone } from './badge.js';
import { Button } from './button.js';
import { Icon, type IconName } from './icon.js';
import { TextWithCode } from './text-with-code.js';

export interface EmptyStateProps {
  icon?: IconName | (string & {});
  title: ReactNode;
  description?: ReactNode;
  action?: ReactNode;
  /** Less vertical room (inside a card or table). */
  compact?: boolean;
  /** "success" for a finished flow (a green icon instead of a neutral one). */
  tone?: 'neutral' | 'success';
}

export function EmptyState({
  icon = 'box',
  title,
  description,
  action,
  compact = false,
  tone = 'neutral',
}: EmptyStateProps) {
  return (
    <div
      className={[
        'ui-empty',
        compact ? 'ui-empty--compact' : '',
        tone === 'success' ? 'ui-empty--success' : '',
      ]
        .filter(Boolean)
        .join(' ')}
    >
      <span className="ui-empty__icon" aria-hidden="true">
        <Icon name={icon} size={compact ? 20 : 24} />
      </span>
      <p className="ui-empty__title">{title}</p>
      {description ? <p className="ui-empty__description">{description}</p> : null}
      {action ? <div className="ui-empty__action">{action}</div> : null}
    </div>
  );
}

export interface ErrorStateProps {
  title?: ReactNode;
  /** What went wrong, in the host's or gateway's words. */
  message: ReactNode;
  /** What the user can do about it. */
  nextStep?: ReactNode;
  onRetry?: () => void;
  retryLabel?: string;
  retrying?: boolean;
  /** More buttons next to Retry. */
  actions?: ReactNode;
  compact?: boolean;
}

export function ErrorState({
  title = 'Something went wrong',
  message,
  nextStep,
  onRetry,
  retryLabel = 'Retry',
  retrying = false,
  actions,
  compact = false,
}: ErrorStateProps) {
  return (
    <div
      role="alert"
      className={['ui-error', compact ? 'ui-error--compact' : ''].filter(Boolean).join(' ')}
    >
      <span className="ui-error__icon" aria-hidden="true">
        <Icon name="error" size={20} />
      </span>
      <div className="ui-error__body">
        <p className="ui-error__title">{title}</p>
        <p className="ui-error__message">
          {typeof message === 'string' ? <TextWithCode text={message} /> : message}
        </p>
        {nextStep ? (
          <p className="ui-error__next">
            <span className="ui-error__next-label">Next step: </span>
            {nextStep}
          </p>
        ) : null}
        {onRetry || actions ? (
          <div className="ui-error__actions">
            {onRetry ? (
              <Button size="sm" icon="refresh" onClick={onRetry} loading={retrying}>
                {retryLabel}
              </Button>
            ) : null}
            {actions}
          </div>
        ) : null}
      </div>
    </div>
  );
}

export interface CalloutProps {
  tone?: Exclude<Tone, 'neutral' | 'accent'>;
  title?: ReactNode;
  children?: ReactNode;
  icon?: IconName;
  actions?: ReactNode;
}

const CALLOUT_ICON: Record<NonNullable<CalloutProps['tone']>, IconName> = {
  info: 'info',
  success: 'success',
  warning: 'warning',
  danger: 'error',
};

export function Callout({ tone = 'info', title, children, icon, actions }: CalloutProps) {
  return (
    <div className={`ui-callout ui-callout--${tone}`} role={tone === 'danger' ? 'alert' : 'note'}>
      <span className="ui-callout__icon" aria-hidden="true">
        <Icon name={icon ?? CALLOUT_ICON[tone]} size={16} />
      </span>
      <div className="ui-callout__body">
        {title ? <p className="ui-callout__title">{title}</p> : null}
        {children ? <div className="ui-callout__text">{children}</div> : null}
        {actions ? <div className="ui-callout__actions">{actions}</div> : null}
      </div>
    </div>
  );
}
