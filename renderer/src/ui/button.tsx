/**
 * Buttons: one component for every clickable action, so size, focus ring and busy state look the
 * same everywhere. `loading` keeps the width (the label stays, a spinner replaces the icon).
 */
import {
  forwardRef,
  type AnchorHTMLAttributes,
  type ButtonHTMLAttributes,
  type ReactNode,
} from 'react';
import { Icon, type IconName } from './icon.js';
import { Spinner } from './spinner.js';

export type ButtonVariant = 'primary' | 'secondary' | 'ghost' | 'danger';
export type ButtonSize = 'sm' | 'md';

export interface ButtonProps extends ButtonHTMLAttributes<HTMLButtonElement> {
  variant?: ButtonVariant;
  size?: ButtonSize;
  /** Busy: disabled, a spinner in place of the icon, aria-busy set. */
  loading?: boolean;
  icon?: IconName | (string & {});
  /** Draw the icon after the label ("Continue →"). */
  iconEnd?: boolean;
  /** Icon-only button: `children` is ignored visually but `label` becomes the accessible name. */
  iconOnly?: boolean;
  label?: string;
  children?: ReactNode;
}

export function buttonClassName(
  variant: ButtonVariant = 'secondary',
  size: ButtonSize = 'md',
  extra?: string,
): string {
  return ['ui-button', `ui-button--${variant}`, `ui-button--${size}`, extra]
    .filter(Boolean)
    .join(' ');
}

export const Button = forwardRef<HTMLButtonElement, ButtonProps>(function Button(
  {
    variant = 'secondary',
    size = 'md',
    loading = false,
    icon,
    iconEnd = false,
    iconOnly = false,
    label,
    type = 'button',
    disabled,
    className,
    children,
    ...rest
  },
  ref,
) {
  const iconSize = size === 'sm' ? 14 : 16;
  const name = label ?? (typeof children === 'string' ? children : undefined);
  return (
    <button
      ref={ref}
      type={type}
      className={buttonClassName(
        variant,
        size,
        [iconOnly ? 'ui-button--icon' : '', className].filter(Boolean).join(' '),
      )}
      disabled={disabled || loading}
      aria-busy={loading || undefined}
      {...(iconOnly ? { 'aria-label': name, title: name } : {})}
      {...rest}
    >
      {loading ? (
        <Spinner size="sm" decorative />
      ) : icon && !iconEnd ? (
        <Icon name={icon} size={iconSize} />
      ) : null}
      {iconOnly
        ? null
        : children !== undefined && <span className="ui-button__label">{children}</span>}
      {!loading && icon && iconEnd ? <Icon name={icon} size={iconSize} /> : null}
    </button>
  );
});

export interface ButtonLinkProps extends AnchorHTMLAttributes<HTMLAnchorElement> {
  variant?: ButtonVariant;
  size?: ButtonSize;
  icon?: IconName | (string & {});
}

/** A link that looks like a button (opening a URL is navigation, not an action). */
export function ButtonLink({
  variant = 'secondary',
  size = 'md',
  icon,
  className,
  children,
  ...rest
}: ButtonLinkProps) {
  return (
    <a className={buttonClassName(variant, size, className)} {...rest}>
      {icon ? <Icon name={icon} size={size === 'sm' ? 14 : 16} /> : null}
      <span className="ui-button__label">{children}</span>
    </a>
  );
}
