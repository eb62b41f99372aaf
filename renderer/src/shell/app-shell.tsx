/**
 * The shell: sidebar, the routed page (lazy, behind Suspense), connection banners and toasts.
 * Focus moves to the page on navigation, so keyboard and screen-reader users land on the new page.
 */
import { Suspense, useEffect, useMemo, useRef } from 'react';
import { useStore } from 'zustand';
import { useHost } from '../host/host-context.js';
import { useOptionalAppStore } from '../app/store/app-store-context.js';
import type { AppStore } from '../app/store/app-store.js';
import {
  Callout,
  CodeBlock,
  EmptyState,
  ErrorState,
  Skeleton,
  Toaster,
  toast,
} from '../ui/index.js';
import { ErrorBoundary } from './error-boundary.js';
import { navigate, onNavigationRefused, routerStore, usePath } from './router.js';
import { focusFromSearch, revealWhenShown } from './reveal.js';
import { resolveRoute, shellRoutes } from './routes.js';
import { Sidebar } from './sidebar.js';
import { UpdateBanner } from './update-banner.js';

function PageFallback() {
  return (
    <div className="ui-page" aria-busy="true">
      <Skeleton width={220} height={28} />
      <Skeleton width="60%" />
      <Skeleton height={160} radius={12} />
    </div>
  );
}

function Unauthorized() {
  return (
    <div className="ui-page ui-page--narrow">
      <ErrorState
        title="This page's session has ended"
        message="The app host refused this page: its link was already used, or the host was restarted since."
        nextStep="Run the command below in the app's folder: while the app runs it prints a new link, otherwise it starts the app and prints one. Paste that link here; it works once."
      />
      <CodeBlock code="npm start -- --headless" prompt label="Command" />
    </div>
  );
}

function NotFound({ hasRoutes }: { hasRoutes: boolean }) {
  return (
    <div className="ui-page ui-page--narrow">
      <EmptyState
        icon="search"
        title={hasRoutes ? 'There is no page here' : 'Nothing to show yet'}
        description={
          hasRoutes
            ? 'The address does not match a page of this app.'
            : 'The Control UI pages are not part of this build.'
        }
        action={
          hasRoutes ? (
            <a
              className="ui-button ui-button--secondary ui-button--md"
              href="/"
              onClick={(e) => (e.preventDefault(), navigate('/'))}
            >
              Go to the start page
            </a>
          ) : undefined
        }
      />
    </div>
  );
}

/** Send a fresh install to the setup once, the first time the dashboard is opened. */
function FirstRunRedirect({ store }: { store: AppStore }) {
  const done = useRef(false);
  const phase = useStore(store, (s) => s.status.data?.phase);
  useEffect(() => {
    if (done.current || !phase) return;
    done.current = true;
    if (phase === 'not-set-up' && routerStore.getState().path === '/')
      navigate('/setup', { replace: true });
  }, [phase]);
  return null;
}

export function AppShell() {
  const host = useHost();
  const store = useOptionalAppStore();
  const path = usePath();
  const hasHost = host.kind !== 'none';
  const routes = useMemo(() => shellRoutes(hasHost), [hasHost]);
  const route = resolveRoute(routes, path);
  const mainRef = useRef<HTMLElement>(null);
  const first = useRef(true);

  useEffect(
    () =>
      onNavigationRefused((reason) =>
        toast({ title: 'Please wait', body: reason, tone: 'warning' }),
      ),
    [],
  );
  useEffect(() => {
    if (store) void store.getState().refreshStatus();
  }, [store]);
  useEffect(() => {
    const connection = host.connection;
    if (!connection) return;
    return connection.onNavigate((page, focus) => {
      navigate(page === 'dashboard' ? '/' : `/${page}`);
      if (focus) revealWhenShown(focus);
    });
  }, [host.connection]);
  // A link that started the app opened the window at `/<page>?focus=<id>`.
  useEffect(() => {
    const focus = focusFromSearch(window.location.search);
    if (focus) revealWhenShown(focus);
  }, []);

  // Without a host there is no dashboard: "/" is the first Control UI page.
  useEffect(() => {
    if (!hasHost && !route && path === '/' && routes[0])
      navigate(routes[0].path, { replace: true });
  }, [hasHost, route, path, routes]);

  useEffect(() => {
    document.title = route ? `${route.title} · OpenClaw` : 'OpenClaw';
    if (first.current) {
      first.current = false;
      return;
    }
    const main = mainRef.current;
    if (main) {
      main.scrollTop = 0;
      main.focus({ preventScroll: true });
    }
  }, [route, path]);

  let content;
  if (host.state === 'unauthorized') content = <Unauthorized />;
  else if (route) content = route.element;
  else content = <NotFound hasRoutes={routes.length > 0} />;

  return (
    <div className="shell">
      <a className="shell-skip" href="#main">
        Skip to content
      </a>
      <Sidebar routes={routes} />
      <main id="main" ref={mainRef} className="shell-main" tabIndex={-1}>
        {/* Not while first connecting: the pages show skeletons then, and a banner would jump. */}
        {host.kind === 'headless' && host.state === 'reconnecting' ? (
          <div className="shell-banner">
            <Callout tone="warning" title="Connection to the app host lost — reconnecting…">
              Actions wait until the connection is back.
            </Callout>
          </div>
        ) : null}
        <UpdateBanner />
        <ErrorBoundary key={path}>
          <Suspense fallback={<PageFallback />}>{content}</Suspense>
        </ErrorBoundary>
      </main>
      {store ? <FirstRunRedirect store={store} /> : null}
      <Toaster />
    </div>
  );
}
