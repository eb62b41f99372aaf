/**
 * Scroll to an element a link points at (`openclaw-desktop://approvals/<id>` → the request's
 * card) once its lazy page has rendered it. Gives up quietly after `timeoutMs`: a request that
 * was answered meanwhile simply is not there, and the page itself is still shown.
 */
export interface RevealEnvironment {
  getElementById(id: string): { scrollIntoView(options?: ScrollIntoViewOptions): void } | null;
  setTimeout(fn: () => void, ms: number): unknown;
}

const ID = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,160}$/;

export function revealWhenShown(
  id: string,
  env: RevealEnvironment = { getElementById: (i) => document.getElementById(i), setTimeout },
  options: { timeoutMs?: number; stepMs?: number } = {},
): void {
  if (!ID.test(id)) return;
  const step = options.stepMs ?? 100;
  let left = Math.ceil((options.timeoutMs ?? 3000) / step);
  const attempt = () => {
    const element = env.getElementById(id);
    if (element) {
      element.scrollIntoView({ block: 'center' });
      return;
    }
    if (left-- > 0) env.setTimeout(attempt, step);
  };
  attempt();
}

/** `?focus=<id>` of the address the window was opened at (a link that started the app). */
export function focusFromSearch(search: string): string | undefined {
  const value = new URLSearchParams(search).get('focus');
  return value && ID.test(value) ? value : undefined;
}
