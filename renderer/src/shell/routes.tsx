/**
 * The route table: the app pages (only with a host) and the Control UI pages (always). App pages
 * load lazily so the first paint carries only the shell, the design system and the host client.
 */
import { lazy, type ReactNode } from 'react';
import { controlRoutes } from '../control/routes.js';
import { matchPath } from './router.js';

const DashboardPage = lazy(() =>
  import('../app/pages/dashboard-page.js').then((m) => ({ default: m.DashboardPage })),
);
const SetupPage = lazy(() =>
  import('../app/pages/setup-page.js').then((m) => ({ default: m.SetupPage })),
);
const ApprovalsPage = lazy(() =>
  import('../app/pages/approvals-page.js').then((m) => ({ default: m.ApprovalsPage })),
);
const ChannelsPage = lazy(() =>
  import('../app/pages/channels-page.js').then((m) => ({ default: m.ChannelsPage })),
);
const LogsPage = lazy(() =>
  import('../app/pages/logs-page.js').then((m) => ({ default: m.LogsPage })),
);
const DiagnosticsPage = lazy(() =>
  import('../app/pages/diagnostics-page.js').then((m) => ({ default: m.DiagnosticsPage })),
);
const SandboxesPage = lazy(() =>
  import('../app/pages/sandboxes-page.js').then((m) => ({ default: m.SandboxesPage })),
);
const SettingsPage = lazy(() =>
  import('../app/pages/settings-page.js').then((m) => ({ default: m.SettingsPage })),
);

export interface ShellRoute {
  path: string;
  title: string;
  icon?: string;
  element: ReactNode;
  section: 'app' | 'control';
  /** Listed in the sidebar. */
  nav: boolean;
}

export const APP_ROUTES: readonly ShellRoute[] = [
  {
    path: '/',
    title: 'Dashboard',
    icon: 'dashboard',
    section: 'app',
    nav: true,
    element: <DashboardPage />,
  },
  {
    path: '/setup',
    title: 'Set up',
    icon: 'setup',
    section: 'app',
    nav: false,
    element: <SetupPage />,
  },
  {
    path: '/approvals',
    title: 'Approvals',
    icon: 'approvals',
    section: 'app',
    nav: true,
    element: <ApprovalsPage />,
  },
  {
    path: '/channels',
    title: 'Channels',
    icon: 'chat',
    section: 'app',
    nav: true,
    element: <ChannelsPage />,
  },
  { path: '/logs', title: 'Logs', icon: 'logs', section: 'app', nav: true, element: <LogsPage /> },
  {
    path: '/diagnostics',
    title: 'Diagnostics',
    icon: 'diagnostics',
    section: 'app',
    nav: true,
    element: <DiagnosticsPage />,
  },
  {
    path: '/sandboxes',
    title: 'Sandboxes',
    icon: 'sandbox',
    section: 'app',
    nav: true,
    element: <SandboxesPage />,
  },
  {
    path: '/settings',
    title: 'Settings',
    icon: 'settings',
    section: 'app',
    nav: true,
    element: <SettingsPage />,
  },
];

export function shellRoutes(hasHost: boolean): ShellRoute[] {
  const control: ShellRoute[] = controlRoutes.map((r) => ({
    path: r.path,
    title: r.title,
    icon: r.icon,
    element: r.element,
    section: 'control',
    nav: !r.path.includes(':'),
  }));
  // With a host the app pages come first: on a path both claim, the app page wins.
  return hasHost ? [...APP_ROUTES, ...control] : control;
}

export function resolveRoute(routes: readonly ShellRoute[], path: string): ShellRoute | undefined {
  return routes.find((r) => matchPath(r.path, path) !== null);
}
