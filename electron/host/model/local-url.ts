/**
 * One address, two views. The app tests a local server from this computer (`127.0.0.1`), but
 * the gateway runs in a container where `127.0.0.1` is the container itself; there the computer
 * is `host.docker.internal` (Docker Desktop provides it; on Linux the compose file maps it to
 * the host gateway). The config gets the container's view, the test uses the host's.
 */
export const CONTAINER_HOST_NAME = 'host.docker.internal';

const LOOPBACK_NAMES = new Set(['localhost', '127.0.0.1', '[::1]', '0.0.0.0']);

export function isLoopbackHost(hostname: string): boolean {
  return LOOPBACK_NAMES.has(hostname.toLowerCase()) || /^127\./.test(hostname);
}

export interface UrlViews {
  /** What this computer calls (the test). */
  host: string;
  /** What goes into openclaw.json (the gateway in its container). */
  container: string;
  /** The address points at this computer. */
  local: boolean;
}

function withHost(url: URL, hostname: string): string {
  const copy = new URL(url.href);
  copy.hostname = hostname;
  return stripSlash(copy.href);
}

function stripSlash(href: string): string {
  return href.endsWith('/') ? href.slice(0, -1) : href;
}

/** Both views of a parsed http(s) URL. */
export function urlViews(url: URL): UrlViews {
  if (isLoopbackHost(url.hostname))
    return {
      host: stripSlash(url.href),
      container: withHost(url, CONTAINER_HOST_NAME),
      local: true,
    };
  if (url.hostname.toLowerCase() === CONTAINER_HOST_NAME)
    return { host: withHost(url, '127.0.0.1'), container: stripSlash(url.href), local: true };
  return { host: stripSlash(url.href), container: stripSlash(url.href), local: false };
}

/** The host's view of an address from the config (what Settings tests with). */
export function hostViewOf(configured: string): string {
  try {
    return urlViews(new URL(configured)).host;
  } catch {
    return configured;
  }
}

/** The sentence that shows both views, or undefined when they are the same. */
export function viewsSentence(views: UrlViews): string | undefined {
  if (!views.local || views.host === views.container) return undefined;
  return `The app tested ${views.host} from this computer; the gateway in Docker uses ${views.container} to reach the same server.`;
}
