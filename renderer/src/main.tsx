/**
 * Entry: take the launch token out of the address bar first, pick the host (Electron, headless,
 * none), then render. Nothing here logs, so no token can end up in a console.
 */
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import './ui/styles.css';
import './shell/shell.css';
import './app/app.css';
import { bindHostEvents, createAppStore } from './app/store/app-store.js';
import { AppStoreProvider } from './app/store/app-store-context.js';
import { detectHost } from './host/detect.js';
import { HostProvider } from './host/host-context.js';
import { reloadOnNewLaunchLink } from './host/relaunch.js';
import { AppShell } from './shell/app-shell.js';
import { startRouter } from './shell/router.js';
import { applyTheme, themeStore } from './shell/theme.js';

const connection = detectHost();
reloadOnNewLaunchLink(window);
applyTheme(themeStore.getState().preference);
startRouter();

const store = connection ? createAppStore(connection) : null;
if (store && connection)
  bindHostEvents(store, connection, { toastNotifications: connection.kind === 'headless' });
window.addEventListener('pagehide', (e) => {
  if (!e.persisted) connection?.dispose();
});

const root = document.getElementById('root');
if (root) {
  createRoot(root).render(
    <StrictMode>
      <HostProvider connection={connection}>
        <AppStoreProvider store={store}>
          <AppShell />
        </AppStoreProvider>
      </HostProvider>
    </StrictMode>,
  );
}
