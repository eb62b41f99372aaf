/** A surface with an optional header (title, description, actions) and footer. */
import { useId, type ReactNode } from 'react';

export interface CardProps {
  title?: ReactNode;
  description?: ReactNode;
  /** Buttons at the right of the header. */
  actions?: ReactNode;
  footer?: ReactNode;
  /** No inner padding (tables, lists that run edge to edge). */
  flush?: boolean;
  className?: string;
  children?: ReactNode;
  /** Heading level of the title (default 2). */
  level?: 2 | 3;
}

export function Card({
  title,
  description,
  actions,
  footer,
  flush = false,
  className,
  children,
  level = 2,
}: CardProps) {
  const titleId = `k${useId().replace(/:/g, '')}`;
  const Heading = level === 3 ? 'h3' : 'h2';
  const hasHeader = title !== undefined || actions !== undefined;
  return (
    <section
      className={['ui-card', flush ? 'ui-card--flush' : '', className].filter(Boolean).join(' ')}
      aria-labelledby={title !== undefined ? titleId : undefined}
    >
      {hasHeader ? (
        <header className="ui-card__header">
          <div className="ui-card__heading">
            {title !== undefined ? (
              <Heading id={titleId} className="ui-card__title">
                {title}
              </Heading>
            ) : null}
            {description ? <p className="ui-card__description">{description}</p> : null}
          </div>
          {actions ? <div className="ui-card__actions">{actions}</div> : null}
        </header>
      ) : null}
      {children !== undefined ? <div className="ui-card__body">{children}</div> : null}
      {footer ? <footer className="ui-card__footer">{footer}</footer> : null}
    </section>
  );
}
