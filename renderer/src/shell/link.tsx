/** In-app links: real <a href> (middle-click, copy link work) that route without a page load. */
import type { AnchorHTMLAttributes, MouseEvent } from 'react';
import { navigate, usePath } from './router.js';

export interface LinkProps extends Omit<AnchorHTMLAttributes<HTMLAnchorElement>, 'href'> {
  to: string;
  /** Mark as the current page when the path matches exactly (or, with `prefix`, starts with it). */
  activeMatch?: 'exact' | 'prefix' | 'none';
}

export function isActive(path: string, to: string, mode: LinkProps['activeMatch']): boolean {
  if (mode === 'none') return false;
  if (mode === 'prefix' && to !== '/') return path === to || path.startsWith(`${to}/`);
  return path === to;
}

export function Link({ to, activeMatch = 'exact', onClick, ...rest }: LinkProps) {
  const path = usePath();
  const active = isActive(path, to, activeMatch);
  return (
    <a
      href={to}
      aria-current={active ? 'page' : undefined}
      onClick={(e: MouseEvent<HTMLAnchorElement>) => {
        onClick?.(e);
        if (
          e.defaultPrevented ||
          e.button !== 0 ||
          e.metaKey ||
          e.ctrlKey ||
          e.shiftKey ||
          e.altKey
        )
          return;
        e.preventDefault();
        navigate(to);
      }}
      {...rest}
    />
  );
}
