/** Page-level building blocks: the page header, key/value lists and a progress bar. */
import type { ReactNode } from 'react';

export interface PageHeaderProps {
  title: ReactNode;
  description?: ReactNode;
  /** Buttons at the right. */
  actions?: ReactNode;
  /** Small line above the title (a section name, a status). */
  eyebrow?: ReactNode;
}

export function PageHeader({ title, description, actions, eyebrow }: PageHeaderProps) {
  return (
    <header className="ui-page-header">
      <div className="ui-page-header__text">
        {eyebrow ? <p className="ui-page-header__eyebrow">{eyebrow}</p> : null}
        <h1 className="ui-page-header__title">{title}</h1>
        {description ? <p className="ui-page-header__description">{description}</p> : null}
      </div>
      {actions ? <div className="ui-page-header__actions">{actions}</div> : null}
    </header>
  );
}

/** Page content column: header, then sections spaced evenly. */
export function Page({
  children,
  width = 'normal',
}: {
  children: ReactNode;
  width?: 'normal' | 'wide' | 'narrow';
}) {
  return <div className={`ui-page ui-page--${width}`}>{children}</div>;
}

export interface KeyValueItem {
  label: ReactNode;
  value: ReactNode;
  key?: string;
}

export function KeyValueList({
  items,
  columns = 1,
}: {
  items: readonly KeyValueItem[];
  columns?: 1 | 2 | 3 | 4;
}) {
  return (
    <dl className={`ui-kv ui-kv--${columns}`}>
      {items.map((item, i) => (
        <div className="ui-kv__item" key={item.key ?? i}>
          <dt className="ui-kv__label">{item.label}</dt>
          <dd className="ui-kv__value">{item.value}</dd>
        </div>
      ))}
    </dl>
  );
}

export interface ProgressBarProps {
  /** 0..max; undefined draws an indeterminate bar. */
  value?: number;
  max?: number;
  label: string;
  tone?: 'accent' | 'success' | 'danger';
}

export function ProgressBar({ value, max = 100, label, tone = 'accent' }: ProgressBarProps) {
  const determinate = value !== undefined && max > 0;
  const percent = determinate ? Math.max(0, Math.min(100, (value / max) * 100)) : 0;
  return (
    <div
      className={[
        'ui-progress',
        `ui-progress--${tone}`,
        determinate ? '' : 'ui-progress--indeterminate',
      ]
        .filter(Boolean)
        .join(' ')}
      role="progressbar"
      aria-label={label}
      aria-valuemin={determinate ? 0 : undefined}
      aria-valuemax={determinate ? max : undefined}
      aria-valuenow={determinate ? value : undefined}
    >
      <span
        className="ui-progress__bar"
        style={determinate ? { width: `${percent}%` } : undefined}
      />
    </div>
  );
}
