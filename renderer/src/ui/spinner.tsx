/** Loading indicators: a spinner for actions, skeleton blocks for content that keeps its place. */
import type { CSSProperties } from 'react';

export interface SpinnerProps {
  size?: 'sm' | 'md' | 'lg';
  /** Announced to screen readers; default "Loading". */
  label?: string;
  /** Inside something that already announces the busy state (a busy button). */
  decorative?: boolean;
}

export function Spinner({ size = 'md', label = 'Loading', decorative = false }: SpinnerProps) {
  const spinner = <span className={`ui-spinner ui-spinner--${size}`} aria-hidden="true" />;
  if (decorative) return spinner;
  return (
    <span role="status" className="ui-spinner-wrap">
      {spinner}
      <span className="sr-only">{label}</span>
    </span>
  );
}

export interface SkeletonProps {
  width?: number | string;
  height?: number | string;
  /** Several text-like lines (the last one shorter). */
  lines?: number;
  radius?: number | string;
  className?: string;
}

export function Skeleton({ width = '100%', height = 14, lines, radius, className }: SkeletonProps) {
  const style = (w: number | string): CSSProperties => ({
    width: w,
    height,
    ...(radius !== undefined ? { borderRadius: radius } : {}),
  });
  if (lines && lines > 1) {
    return (
      <span
        className={['ui-skeleton-lines', className].filter(Boolean).join(' ')}
        aria-hidden="true"
      >
        {Array.from({ length: lines }, (_, i) => (
          <span key={i} className="ui-skeleton" style={style(i === lines - 1 ? '60%' : width)} />
        ))}
      </span>
    );
  }
  return (
    <span
      className={['ui-skeleton', className].filter(Boolean).join(' ')}
      style={style(width)}
      aria-hidden="true"
    />
  );
}
