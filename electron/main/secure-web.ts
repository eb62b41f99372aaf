/**
 * Window hardening in one place: every WebContents the app creates is sandboxed and isolated,
 * cannot navigate away from its own origin, cannot open windows, and gets no permissions.
 * Only plain https links leave the app, and only to the system browser.
 */
import {
  shell,
  type BrowserWindowConstructorOptions,
  type Session,
  type WebContents,
} from 'electron';

export function hardenedWebPreferences(
  preload?: string,
): BrowserWindowConstructorOptions['webPreferences'] {
  return {
    preload,
    contextIsolation: true,
    sandbox: true,
    nodeIntegration: false,
    nodeIntegrationInWorker: false,
    webviewTag: false,
    webSecurity: true,
    allowRunningInsecureContent: false,
    spellcheck: false,
  };
}

function isSafeExternal(url: string): boolean {
  try {
    const parsed = new URL(url);
    return (
      parsed.protocol === 'https:' && url.length < 2048 && !parsed.username && !parsed.password
    );
  } catch {
    return false;
  }
}

/** Keep a WebContents on `allowedOrigin`; anything else is refused (https opens in the browser). */
export function lockNavigation(contents: WebContents, allowedOrigin: string): void {
  contents.on('will-navigate', (event, url) => {
    if (new URL(url).origin === allowedOrigin) return;
    event.preventDefault();
    if (isSafeExternal(url)) void shell.openExternal(url);
  });
  contents.on('will-redirect', (event, url) => {
    if (new URL(url).origin !== allowedOrigin) event.preventDefault();
  });
  contents.setWindowOpenHandler(({ url }) => {
    if (isSafeExternal(url)) void shell.openExternal(url);
    return { action: 'deny' };
  });
  contents.on('will-attach-webview', (event) => event.preventDefault());
}

/** Camera, microphone, geolocation, notifications, clipboard-read, HID…: all denied. */
export function denyPermissions(session: Session): void {
  session.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
  session.setPermissionCheckHandler(() => false);
  session.setDevicePermissionHandler(() => false);
}
