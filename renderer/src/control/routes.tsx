/**
 * The Control UI pages (they need only the gateway) for the shell's router. Pages load lazily, so
 * the gateway client stays out of the first bundle of the app's own pages.
 *
 * Importing this module takes a `#token=` out of the address bar at once — before any page, any
 * router redirect or any screenshot can see it — and keeps it for the page's own gateway.
 */
import { lazy, Suspense, type ComponentType, type ReactNode } from 'react';
import { Spinner } from '../ui/index.js';
import { captureGatewayTokenFromUrl } from './connection/gateway-token.js';

captureGatewayTokenFromUrl();

export interface ControlRoute {
  path: string;
  title: string;
  icon?: string;
  element: ReactNode;
  section: 'control';
}

function lazyPage(load: () => Promise<ComponentType>) {
  const Page = lazy(async () => ({ default: await load() }));
  return (
    <Suspense
      fallback={
        <div style={{ display: 'flex', justifyContent: 'center', padding: 'var(--space-16) 0' }}>
          <Spinner size="lg" label="Loading the page" />
        </div>
      }
    >
      <Page />
    </Suspense>
  );
}

export const controlRoutes: Array<ControlRoute> = [
  {
    path: '/control',
    title: 'Overview',
    icon: 'overview',
    section: 'control',
    element: lazyPage(() => import('./pages/overview-page.js').then((m) => m.OverviewPage)),
  },
  {
    path: '/control/chat',
    title: 'Chat',
    icon: 'chat',
    section: 'control',
    element: lazyPage(() => import('./chat/chat-page.js').then((m) => m.ChatPage)),
  },
  {
    path: '/control/sessions',
    title: 'Sessions',
    icon: 'sessions',
    section: 'control',
    element: lazyPage(() => import('./pages/sessions-page.js').then((m) => m.SessionsPage)),
  },
  {
    path: '/control/devices',
    title: 'Devices',
    icon: 'devices',
    section: 'control',
    element: lazyPage(() => import('./pages/devices-page.js').then((m) => m.DevicesPage)),
  },
  {
    path: '/control/config',
    title: 'Config',
    icon: 'config',
    section: 'control',
    element: lazyPage(() => import('./pages/config-page.js').then((m) => m.ConfigPage)),
  },
  {
    path: '/control/logs',
    title: 'Logs',
    icon: 'logs',
    section: 'control',
    element: lazyPage(() => import('./pages/logs-page.js').then((m) => m.LogsPage)),
  },
  {
    path: '/control/sandboxes',
    title: 'Sandboxes',
    icon: 'sandbox',
    section: 'control',
    element: lazyPage(() => import('./pages/sandboxes-page.js').then((m) => m.SandboxesPage)),
  },
];
