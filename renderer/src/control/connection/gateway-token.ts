/**
 * The gateway's shared token on the browser side. It arrives in the URL fragment
 * (`http://127.0.0.1:18789/#token=…`, as `openclaw dashboard` and the desktop app print it) because
 * a fragment is never sent to a server. It is moved out of the address bar at once (so it does not
 * end up in history, bookmarks or a screenshot), kept in sessionStorage bound to the one gateway it
 * belongs to, and only ever handed to the connection for that gateway. Nothing here logs it.
 */
const STORAGE_PREFIX = 'openclaw.control.token.v1:';
const TOKEN_PARAM = 'token';

/** The browser globals this module touches, injectable for tests. */
export interface TokenEnvironment {
  location: { href: string };
  history: { state: unknown; replaceState(data: unknown, unused: string, url?: string): void };
  sessionStorage: Pick<Storage, 'getItem' | 'setItem' | 'removeItem'>;
}

function browserEnvironment(): TokenEnvironment | null {
  if (typeof window === 'undefined' || typeof sessionStorage === 'undefined') return null;
  return { location: window.location, history: window.history, sessionStorage };
}

/** `ws://<host>` (or `wss://` on https) — the gateway that served this page. */
export function pageGatewayUrl(href: string): string {
  const url = new URL(href);
  return `${url.protocol === 'https:' ? 'wss' : 'ws'}://${url.host}`;
}

/**
 * `ws://host:port[/path]` normalised (lower-case scheme and host, default ports dropped, no
 * trailing slash): the key credentials are stored under. Written out here rather than taken from
 * the gateway client so this module, which runs on every page load, does not pull the client in.
 */
export function gatewayScope(gatewayUrl: string): string {
  try {
    const url = new URL(gatewayUrl.trim());
    const pathname = url.pathname === '/' ? '' : url.pathname.replace(/\/+$/, '');
    return `${url.protocol}//${url.host}${pathname}${url.search}`;
  } catch {
    return gatewayUrl.trim() || 'default';
  }
}

function storageKey(gatewayUrl: string): string {
  return `${STORAGE_PREFIX}${gatewayScope(gatewayUrl)}`;
}

function decode(value: string): string {
  try {
    return decodeURIComponent(value.replace(/\+/g, ' ')).trim();
  } catch {
    return value.trim();
  }
}

/**
 * Removes every `token=` segment from an `a=1&b=2` list, keeping the other segments byte for byte
 * (the fragment may also carry the headless host's `hostToken=`, which another module reads).
 */
function extractParam(list: string): { value: string | null; rest: string } {
  let value: string | null = null;
  const kept: string[] = [];
  for (const segment of list.split('&')) {
    if (segment === '') continue;
    const eq = segment.indexOf('=');
    const key = decode(eq === -1 ? segment : segment.slice(0, eq));
    if (key === TOKEN_PARAM) {
      const candidate = eq === -1 ? '' : decode(segment.slice(eq + 1));
      if (candidate) value = candidate;
    } else {
      kept.push(segment);
    }
  }
  return { value, rest: kept.join('&') };
}

/**
 * Reads `#token=` (and the legacy `?token=`) once, strips it from the address bar with
 * `history.replaceState`, and stores it for the page's own gateway. Returns whether a token was
 * found. Safe to call more than once: after the first call there is nothing left to find.
 */
export function captureGatewayTokenFromUrl(
  env: TokenEnvironment | null = browserEnvironment(),
): boolean {
  if (!env) return false;
  const url = new URL(env.location.href);
  const fromHash = extractParam(url.hash.replace(/^#/, ''));
  const fromQuery = extractParam(url.search.replace(/^\?/, ''));
  const token = fromHash.value ?? fromQuery.value;
  const hadParam =
    fromHash.rest !== url.hash.replace(/^#/, '') ||
    fromQuery.rest !== url.search.replace(/^\?/, '');
  if (!hadParam) return false;

  // Strip first: even if storage fails below, the token must not stay in the address bar.
  const clean = `${url.pathname}${fromQuery.rest ? `?${fromQuery.rest}` : ''}${fromHash.rest ? `#${fromHash.rest}` : ''}`;
  env.history.replaceState(env.history.state, '', clean);
  if (!token) return false;
  storeGatewayToken(pageGatewayUrl(url.href), token, env.sessionStorage);
  return true;
}

export function storeGatewayToken(
  gatewayUrl: string,
  token: string,
  storage: TokenEnvironment['sessionStorage'] | null = browserEnvironment()?.sessionStorage ?? null,
): void {
  const value = token.trim();
  if (!storage || !value) return;
  try {
    storage.setItem(storageKey(gatewayUrl), value);
  } catch {
    // Storage full or blocked: the token still works for this page's lifetime via the caller.
  }
}

/** The token stored for exactly this gateway, or undefined. Never a token of another gateway. */
export function readGatewayToken(
  gatewayUrl: string,
  storage: TokenEnvironment['sessionStorage'] | null = browserEnvironment()?.sessionStorage ?? null,
): string | undefined {
  if (!storage) return undefined;
  try {
    return storage.getItem(storageKey(gatewayUrl))?.trim() || undefined;
  } catch {
    return undefined;
  }
}

export function forgetGatewayToken(
  gatewayUrl: string,
  storage: TokenEnvironment['sessionStorage'] | null = browserEnvironment()?.sessionStorage ?? null,
): void {
  try {
    storage?.removeItem(storageKey(gatewayUrl));
  } catch {
    // nothing to forget
  }
}

/**
 * `http://127.0.0.1:18789/#token=…` (the host call `controlUi.url`) → the gateway's WebSocket URL
 * and its token, for `connectGateway`.
 */
export function parseControlUiUrl(httpUrl: string): { url: string; token?: string } {
  const parsed = new URL(httpUrl);
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw new Error(`Not a Control UI address: ${parsed.protocol}//${parsed.host}`);
  }
  const { value } = extractParam(parsed.hash.replace(/^#/, ''));
  return { url: pageGatewayUrl(parsed.href), ...(value ? { token: value } : {}) };
}
