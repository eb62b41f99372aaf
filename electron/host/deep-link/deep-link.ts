/**
 * `openclaw-desktop://` links: which app page a link opens. Pure and total: anything it does not
 * know, or that looks odd (too long, control characters, bad escapes), opens the dashboard —
 * a link from a web page or another program never produces an error dialog, and nothing in it
 * reaches the renderer except a page from the table below and a checked element id.
 *
 *   openclaw-desktop://                       dashboard
 *   openclaw-desktop://approvals              Approvals
 *   openclaw-desktop://approvals/<requestId>  Approvals, scrolled to that request
 *   openclaw-desktop://chat                   Chat (Control UI)
 *   openclaw-desktop://settings/sandbox       Settings, at the Sandbox section
 */
export const DEEP_LINK_SCHEME = 'openclaw-desktop';

/** Longer input is refused (whole links are short; a huge argv entry is not a link of ours). */
export const MAX_DEEP_LINK_LENGTH = 512;

export interface DeepLinkTarget {
  /** App path without the leading slash, as the renderer's `navigate` event takes it. */
  page: string;
  /** Id of the element to scroll to on that page. */
  focus?: string;
  /** Why the link was not followed as written (for the log; never shown as an error). */
  ignored?: string;
}

const DASHBOARD: DeepLinkTarget = { page: 'dashboard' };

/** First path segment → app page (renderer/src/shell/routes.tsx and control/routes.tsx). */
const PAGES: ReadonlyMap<string, string> = new Map(
  Object.entries({
    dashboard: 'dashboard',
    setup: 'setup',
    approvals: 'approvals',
    logs: 'logs',
    diagnostics: 'diagnostics',
    sandboxes: 'sandboxes',
    settings: 'settings',
    chat: 'control/chat',
    sessions: 'control/sessions',
    devices: 'control/devices',
    config: 'control/config',
    control: 'control',
  }),
);

/** Settings sections with an anchor (the section headings' ids in the Settings page). */
const SETTINGS_SECTIONS: ReadonlyMap<string, string> = new Map(
  Object.entries({
    model: 'settings-model-heading',
    sandbox: 'settings-sandbox-heading',
    stack: 'settings-stack-heading',
    image: 'settings-image-heading',
  }),
);

const REQUEST_ID = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/;

function fallback(ignored: string): DeepLinkTarget {
  return { ...DASHBOARD, ignored };
}

export function parseDeepLink(input: unknown): DeepLinkTarget {
  if (typeof input !== 'string') return fallback('not a string');
  if (input.length > MAX_DEEP_LINK_LENGTH) return fallback('too long');
  // eslint-disable-next-line no-control-regex -- refusing control characters is the point
  if (/[\u0000-\u001f\u007f\s]/.test(input)) return fallback('control characters or spaces');
  const prefix = `${DEEP_LINK_SCHEME}:`;
  if (input.slice(0, prefix.length).toLowerCase() !== prefix) return fallback('another scheme');
  // `openclaw-desktop://approvals/x`, `openclaw-desktop:approvals/x`; query and fragment ignored.
  const rest = input.slice(prefix.length).replace(/^\/+/, '').split(/[?#]/)[0] ?? '';
  let segments: string[];
  try {
    segments = rest
      .split('/')
      .filter((s) => s !== '')
      .map((s) => decodeURIComponent(s));
  } catch {
    return fallback('bad escape');
  }
  if (segments.length === 0) return DASHBOARD;
  if (segments.length > 2) return fallback('too many parts');
  const [head = '', detail] = segments;
  // A Map, not an object: `constructor` or `__proto__` must not find a page.
  const page = PAGES.get(head.toLowerCase());
  if (!page) return fallback(`unknown page ${JSON.stringify(head.slice(0, 32))}`);
  if (detail === undefined) return { page };
  if (page === 'approvals') {
    return REQUEST_ID.test(detail)
      ? { page, focus: `approval-${detail}` }
      : { page, ignored: 'not a request id' };
  }
  if (page === 'settings') {
    const focus = SETTINGS_SECTIONS.get(detail.toLowerCase());
    return focus ? { page, focus } : { page, ignored: 'unknown settings section' };
  }
  if (page === 'control') {
    const sub = PAGES.get(detail.toLowerCase());
    return sub?.startsWith('control/') ? { page: sub } : { page, ignored: 'unknown page' };
  }
  return { page, ignored: 'this page takes no detail' };
}

/**
 * The link in a command line: Windows and Linux start the app (or hand a second instance's
 * argv to the first) with the URL as one argument. Only an argument that is itself a link counts.
 */
export function deepLinkFromArgv(argv: readonly string[]): string | undefined {
  const prefix = `${DEEP_LINK_SCHEME}:`;
  for (let i = argv.length - 1; i >= 0; i -= 1) {
    const arg = argv[i];
    if (typeof arg === 'string' && arg.slice(0, prefix.length).toLowerCase() === prefix) return arg;
  }
  return undefined;
}
