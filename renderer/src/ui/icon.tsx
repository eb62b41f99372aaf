/**
 * A small inline icon set (24×24, 2 px strokes). Inline SVG keeps icons in the bundle, themeable
 * through `currentColor`, and free of another request or font. Unknown names draw a neutral dot,
 * so a route with a typo in its icon still renders.
 */
import type { SVGProps } from 'react';

const circle = (cx: number, cy: number, r: number) =>
  `M${cx - r} ${cy}a${r} ${r} 0 1 0 ${2 * r} 0a${r} ${r} 0 1 0 ${-2 * r} 0`;

const PATHS = {
  dashboard: ['M3 10.5 12 3l9 7.5', 'M5 9v11h5v-6h4v6h5V9'],
  home: ['M3 10.5 12 3l9 7.5', 'M5 9v11h5v-6h4v6h5V9'],
  overview: ['M4 18a8 8 0 1 1 16 0', 'M12 18l4-5', circle(12, 18, 1)],
  approvals: ['M12 3l7 3v5c0 4.5-3 8.3-7 10-4-1.7-7-5.5-7-10V6z', 'M9 12l2 2 4-4'],
  shield: ['M12 3l7 3v5c0 4.5-3 8.3-7 10-4-1.7-7-5.5-7-10V6z'],
  logs: ['M4 5h16v14H4z', 'M8 10l2 2-2 2', 'M13 14h3'],
  terminal: ['M4 5h16v14H4z', 'M8 10l2 2-2 2', 'M13 14h3'],
  diagnostics: ['M3 12h4l3-7 4 14 3-7h4'],
  activity: ['M3 12h4l3-7 4 14 3-7h4'],
  settings: [
    'M4 6h9',
    'M17 6h3',
    circle(15, 6, 2),
    'M4 12h3',
    'M11 12h9',
    circle(9, 12, 2),
    'M4 18h11',
    'M19 18h1',
    circle(17, 18, 2),
  ],
  setup: [
    'M5 19l9-9',
    'M14 4l1 2 2 1-2 1-1 2-1-2-2-1 2-1z',
    'M19 11l.5 1 1 .5-1 .5-.5 1-.5-1-1-.5 1-.5z',
  ],
  devices: ['M3 5h12v9H3z', 'M6 18h6', 'M9 14v4', 'M17 8h4v12h-4z'],
  config: ['M6 3h8l4 4v14H6z', 'M14 3v4h4', 'M9 12h6', 'M9 16h6'],
  file: ['M6 3h8l4 4v14H6z', 'M14 3v4h4'],
  sessions: ['M4 5h16v11H9l-5 4z', 'M8 9h8', 'M8 12h5'],
  chat: ['M4 5h16v11H9l-5 4z'],
  sandbox: ['M12 3l8 4.5v9L12 21l-8-4.5v-9z', 'M4 7.5l8 4.5 8-4.5', 'M12 12v9'],
  box: ['M12 3l8 4.5v9L12 21l-8-4.5v-9z', 'M4 7.5l8 4.5 8-4.5', 'M12 12v9'],
  users: [
    circle(9, 8, 3),
    'M3 20c0-3.3 2.7-6 6-6s6 2.7 6 6',
    'M16 5a3 3 0 0 1 0 6',
    'M18 14c1.8.7 3 2.4 3 4.5',
  ],
  user: [circle(12, 8, 4), 'M4 21c0-4 3.6-7 8-7s8 3 8 7'],
  key: [circle(8, 15, 4), 'M11 12l9-9', 'M16 7l3 3', 'M14 9l2 2'],
  lock: ['M5 11h14v10H5z', 'M8 11V8a4 4 0 0 1 8 0v3'],
  plus: ['M12 5v14', 'M5 12h14'],
  minus: ['M5 12h14'],
  close: ['M6 6l12 12', 'M18 6L6 18'],
  check: ['M5 12.5l4.5 4.5L19 7'],
  copy: ['M9 9h11v11H9z', 'M5 15H4V4h11v1'],
  external: ['M14 4h6v6', 'M20 4l-9 9', 'M18 14v6H4V6h6'],
  eye: ['M2 12s3.6-7 10-7 10 7 10 7-3.6 7-10 7S2 12 2 12z', circle(12, 12, 3)],
  'eye-off': [
    'M3 3l18 18',
    'M10.6 5.1A10.8 10.8 0 0 1 12 5c6.4 0 10 7 10 7a17 17 0 0 1-3.2 4.1',
    'M6.6 6.6C3.9 8.4 2 12 2 12s3.6 7 10 7c1.9 0 3.5-.6 4.9-1.4',
    'M9.9 9.9a3 3 0 0 0 4.2 4.2',
  ],
  refresh: ['M20 11a8 8 0 1 0-2.3 5.7', 'M20 4v7h-7'],
  play: ['M7 4l13 8-13 8z'],
  stop: ['M6 6h12v12H6z'],
  restart: ['M4 13a8 8 0 1 0 2.3-5.7', 'M4 4v6h6'],
  rebuild: [
    'M14.7 6.3a4 4 0 0 0-5.4 5.4L3 18l3 3 6.3-6.3a4 4 0 0 0 5.4-5.4l-2.5 2.5-2.1-.6-.6-2.1z',
  ],
  download: ['M12 4v11', 'M7 10l5 5 5-5', 'M5 20h14'],
  search: [circle(11, 11, 6), 'M20 20l-4.5-4.5'],
  sun: [
    circle(12, 12, 4),
    'M12 2v2',
    'M12 20v2',
    'M4.9 4.9l1.4 1.4',
    'M17.7 17.7l1.4 1.4',
    'M2 12h2',
    'M20 12h2',
    'M4.9 19.1l1.4-1.4',
    'M17.7 6.3l1.4-1.4',
  ],
  moon: ['M20 14.5A8 8 0 1 1 9.5 4a6.5 6.5 0 0 0 10.5 10.5z'],
  monitor: ['M3 4h18v12H3z', 'M8 20h8', 'M12 16v4'],
  warning: ['M12 3l10 18H2z', 'M12 10v5', 'M12 18v.01'],
  error: [circle(12, 12, 9), 'M12 7v6', 'M12 16.5v.01'],
  info: [circle(12, 12, 9), 'M12 11v6', 'M12 7.5v.01'],
  success: [circle(12, 12, 9), 'M8 12.5l3 3 5-6'],
  'chevron-right': ['M9 6l6 6-6 6'],
  'chevron-down': ['M6 9l6 6 6-6'],
  'chevron-left': ['M15 6l-6 6 6 6'],
  folder: ['M3 6h6l2 2h10v11H3z'],
  trash: ['M4 7h16', 'M9 7V4h6v3', 'M6 7l1 13h10l1-13'],
  link: [
    'M10 14a4 4 0 0 0 5.7 0l3-3a4 4 0 0 0-5.7-5.7l-1 1',
    'M14 10a4 4 0 0 0-5.7 0l-3 3a4 4 0 0 0 5.7 5.7l1-1',
  ],
  package: ['M12 3l8 4.5v9L12 21l-8-4.5v-9z', 'M8 5.3l8 4.5', 'M4 7.5l8 4.5 8-4.5', 'M12 12v9'],
  network: [
    circle(12, 12, 9),
    'M3 12h18',
    'M12 3c2.5 2.5 3.5 5.5 3.5 9s-1 6.5-3.5 9',
    'M12 3c-2.5 2.5-3.5 5.5-3.5 9s1 6.5 3.5 9',
  ],
  disk: ['M3 13h18v6H3z', 'M5 13l2-8h10l2 8', 'M7 16h.01'],
  mount: ['M3 6h6l2 2h10v11H3z', 'M12 11v5', 'M9.5 13.5 12 16l2.5-2.5'],
  bolt: ['M13 2L4 14h7l-1 8 9-12h-7z'],
  clock: [circle(12, 12, 9), 'M12 7v5l3 2'],
  menu: ['M4 6h16', 'M4 12h16', 'M4 18h16'],
  dot: [circle(12, 12, 3)],
} as const satisfies Record<string, readonly string[]>;

export type IconName = keyof typeof PATHS;

export const ICON_NAMES = Object.keys(PATHS) as IconName[];

export interface IconProps extends Omit<SVGProps<SVGSVGElement>, 'name'> {
  /** An IconName; unknown names (e.g. from a route table) draw a neutral dot. */
  name: IconName | (string & {});
  size?: number;
  /** Accessible name; without it the icon is decorative (aria-hidden). */
  label?: string;
}

export function Icon({ name, size = 16, label, className, ...rest }: IconProps) {
  const paths: readonly string[] = (PATHS as Record<string, readonly string[]>)[name] ?? PATHS.dot;
  return (
    <svg
      width={size}
      height={size}
      viewBox="0 0 24 24"
      fill="none"
      stroke="currentColor"
      strokeWidth={2}
      strokeLinecap="round"
      strokeLinejoin="round"
      focusable="false"
      className={className ? `ui-icon ${className}` : 'ui-icon'}
      {...(label ? { role: 'img', 'aria-label': label } : { 'aria-hidden': true })}
      {...rest}
    >
      {paths.map((d) => (
        <path key={d} d={d} />
      ))}
    </svg>
  );
}
