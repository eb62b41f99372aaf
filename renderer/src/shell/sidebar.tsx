/** The sidebar: brand, the app section (with a host), the Control UI section, theme and connection. */
import type { ReactNode } from 'react';
import { useStore } from 'zustand';
import { useHost } from '../host/host-context.js';
import { useOptionalAppStore } from '../app/store/app-store-context.js';
import type { AppStore } from '../app/store/app-store.js';
import { Icon, StatusDot } from '../ui/index.js';
import { Link } from './link.js';
import { useNavigationBlocker, usePath } from './router.js';
import type { ShellRoute } from './routes.js';
import { ThemeSwitch } from './theme-switch.js';

function BrandMark() {
  return (
    <svg
      width="28"
      height="28"
      viewBox="0 0 32 32"
      aria-hidden="true"
      className="shell-brand__mark"
    >
      <rect width="32" height="32" rx="8" fill="var(--color-accent)" />
      <path
        d="M9.5 21.5c0-6.5 3-10.5 6.5-10.5s6.5 4 6.5 10.5"
        stroke="#fff"
        strokeWidth="3"
        fill="none"
        strokeLinecap="round"
      />
      <path
        d="M13 14.5 10.5 9.5M19 14.5l2.5-5"
        stroke="#fff"
        strokeWidth="2.4"
        strokeLinecap="round"
      />
    </svg>
  );
}

function PendingBadge({ store }: { store: AppStore }) {
  const pending = useStore(store, (s) => s.status.data?.pendingApprovals ?? 0);
  if (!pending) return null;
  return (
    <span className="shell-nav__count" aria-label={`${pending} pending`}>
      {pending}
    </span>
  );
}

function SetupLink({ store }: { store: AppStore }) {
  const phase = useStore(store, (s) => s.status.data?.phase);
  const path = usePath();
  if (phase !== 'not-set-up' && path !== '/setup') return null;
  return <NavItem route={{ path: '/setup', title: 'Set up', icon: 'setup' }} />;
}

function NavItem({
  route,
  extra,
}: {
  route: Pick<ShellRoute, 'path' | 'title' | 'icon'>;
  extra?: ReactNode;
}) {
  const blocker = useNavigationBlocker();
  const path = usePath();
  const current = path === route.path;
  return (
    <li>
      <Link
        to={route.path}
        // Section roots (/, /control) would prefix-match every page below them.
        activeMatch={route.path === '/' || route.path === '/control' ? 'exact' : 'prefix'}
        className="shell-nav__link"
        aria-disabled={blocker && !current ? true : undefined}
        title={blocker && !current ? blocker : route.title}
      >
        <Icon name={route.icon ?? 'dot'} size={16} />
        <span className="shell-nav__text">{route.title}</span>
        {extra}
      </Link>
    </li>
  );
}

function ConnectionStatus() {
  const { kind, state } = useHost();
  if (kind === 'none') return <StatusDot tone="neutral" label="Served by the gateway" />;
  if (kind === 'electron') return null;
  if (state === 'open') return <StatusDot tone="success" label="Connected to the app host" />;
  if (state === 'unauthorized') return <StatusDot tone="danger" label="Session ended" />;
  return <StatusDot tone="warning" pulse label="Reconnecting…" />;
}

export function Sidebar({ routes }: { routes: readonly ShellRoute[] }) {
  const store = useOptionalAppStore();
  const { kind } = useHost();
  const app = routes.filter((r) => r.section === 'app' && r.nav);
  const control = routes.filter((r) => r.section === 'control' && r.nav);
  return (
    <aside className="shell-sidebar" aria-label="Sidebar">
      <div className="shell-brand">
        <BrandMark />
        <div className="shell-brand__text">
          <span className="shell-brand__name">OpenClaw</span>
          <span className="shell-brand__sub">
            {kind === 'none'
              ? 'Control UI'
              : kind === 'headless'
                ? 'Desktop · headless'
                : 'Desktop'}
          </span>
        </div>
      </div>
      <nav className="shell-nav" aria-label="Main">
        {store && app.length > 0 ? (
          <div className="shell-nav__section">
            <h2 className="shell-nav__heading" id="nav-app">
              App
            </h2>
            <ul aria-labelledby="nav-app">
              <SetupLink store={store} />
              {app.map((r) => (
                <NavItem
                  key={r.path}
                  route={r}
                  extra={r.path === '/approvals' ? <PendingBadge store={store} /> : undefined}
                />
              ))}
            </ul>
          </div>
        ) : null}
        {control.length > 0 ? (
          <div className="shell-nav__section">
            <h2 className="shell-nav__heading" id="nav-control">
              Control UI
            </h2>
            <ul aria-labelledby="nav-control">
              {control.map((r) => (
                <NavItem key={r.path} route={r} />
              ))}
            </ul>
          </div>
        ) : null}
      </nav>
      <div className="shell-sidebar__footer">
        <ConnectionStatus />
        <ThemeSwitch />
      </div>
    </aside>
  );
}
