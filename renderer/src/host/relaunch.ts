/**
 * A new launch link pasted into a tab that is already open (typically one showing "Session
 * ended"): only the fragment changes, so the browser does not load the page again and the new
 * `#hostToken=` would sit unread. Reloading hands it to the normal start-up path (detect.ts),
 * which takes it out of the address bar and connects with it.
 */
export interface RelaunchEnvironment {
  location: { hash: string; reload(): void };
  addEventListener(type: 'hashchange', listener: () => void): void;
  removeEventListener(type: 'hashchange', listener: () => void): void;
}

function hasLaunchToken(hash: string): boolean {
  return hash
    .replace(/^#/, '')
    .split('&')
    .some((segment) => /^hostToken=./.test(segment));
}

/** Reload when a launch token appears in the fragment; returns a function that stops watching. */
export function reloadOnNewLaunchLink(env: RelaunchEnvironment): () => void {
  const onHashChange = () => {
    if (hasLaunchToken(env.location.hash)) env.location.reload();
  };
  env.addEventListener('hashchange', onHashChange);
  return () => env.removeEventListener('hashchange', onHashChange);
}
