/**
 * The headless host's one-time token arrives in the URL fragment (`#hostToken=…`): a fragment never
 * reaches a server or a log. It is taken out of the address bar at once with history.replaceState
 * (so it is not in history, a bookmark or a screenshot), keeping every other fragment segment byte
 * for byte (the gateway's `token=` is captured by the Control UI's own module).
 */
const PARAM = 'hostToken';

export interface FragmentEnvironment {
  location: { href: string };
  history: { state: unknown; replaceState(data: unknown, unused: string, url?: string): void };
}

function decode(value: string): string {
  try {
    return decodeURIComponent(value).trim();
  } catch {
    return value.trim();
  }
}

/** Removes `hostToken=` from the fragment; returns the token (or undefined when absent/empty). */
export function takeHostTokenFromUrl(
  env: FragmentEnvironment | null = browserEnvironment(),
): string | undefined {
  if (!env) return undefined;
  const url = new URL(env.location.href);
  const fragment = url.hash.replace(/^#/, '');
  if (fragment === '') return undefined;
  let token: string | undefined;
  let found = false;
  const kept: string[] = [];
  for (const segment of fragment.split('&')) {
    if (segment === '') continue;
    const eq = segment.indexOf('=');
    const key = decode(eq === -1 ? segment : segment.slice(0, eq));
    if (key === PARAM) {
      found = true;
      const value = eq === -1 ? '' : decode(segment.slice(eq + 1));
      if (value) token = value;
    } else kept.push(segment);
  }
  if (!found) return undefined;
  const rest = kept.join('&');
  env.history.replaceState(
    env.history.state,
    '',
    `${url.pathname}${url.search}${rest ? `#${rest}` : ''}`,
  );
  return token;
}

function browserEnvironment(): FragmentEnvironment | null {
  return typeof window === 'undefined'
    ? null
    : { location: window.location, history: window.history };
}
