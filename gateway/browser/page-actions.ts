/**
 * What the agent does on one page: read it as text with element refs, act on a ref, take a
 * picture. The outline is Playwright's accessibility snapshot in its "ai" mode (roles, names,
 * `[ref=eN]` markers); refs resolve against the latest snapshot of the page, so an action on a
 * ref that no longer exists asks the model to take a new snapshot instead of guessing.
 */
import type { Page } from 'playwright-core';
import { ErrorCode, OpenClawError, errorMessage } from '../infra/errors.js';

/** Snapshot text cap: large enough for a form or an article list, small enough for the context. */
export const SNAPSHOT_DEFAULT_CHARS = 12_000;
export const SNAPSHOT_MAX_CHARS = 40_000;
/** The outline returned with navigate/click/type, so the model rarely needs a separate snapshot. */
export const SNAPSHOT_INLINE_CHARS = 6_000;

/** Schemes the browser may open. file: would read the gateway's own disk; the rest are internal. */
const ALLOWED_SCHEMES = new Set(['http:', 'https:', 'data:', 'about:']);

export function checkUrl(raw: string): string {
  const text = raw.trim();
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    // "example.com/path" is what people type; treat a bare host as https.
    if (/^[a-z0-9.-]+\.[a-z]{2,}(?::\d+)?(\/|$)/i.test(text)) return checkUrl(`https://${text}`);
    throw new OpenClawError(
      ErrorCode.INVALID_ARGUMENT,
      `"${text.slice(0, 200)}" is not a URL; pass a full address such as https://example.com/.`,
    );
  }
  if (!ALLOWED_SCHEMES.has(url.protocol))
    throw new OpenClawError(
      ErrorCode.INVALID_ARGUMENT,
      `The browser does not open ${url.protocol} URLs; only http, https, data and about:blank are allowed.`,
    );
  return url.href;
}

export interface SnapshotOptions {
  maxChars?: number;
  /** Keep only lines containing every whitespace-separated word (case-insensitive). */
  query?: string;
}

export interface PageSnapshot {
  text: string;
  truncated: boolean;
  lines: number;
  matches?: number;
}

export async function snapshotPage(
  page: Page,
  options: SnapshotOptions = {},
): Promise<PageSnapshot> {
  const limit = Math.min(
    Math.max(1, Math.floor(options.maxChars ?? SNAPSHOT_DEFAULT_CHARS)),
    SNAPSHOT_MAX_CHARS,
  );
  let outline = await page.ariaSnapshot({ mode: 'ai' });
  let matches: number | undefined;
  const words = (options.query ?? '').toLowerCase().split(/\s+/).filter(Boolean);
  if (words.length > 0) {
    const kept = outline
      .split('\n')
      .filter((line) => words.every((w) => line.toLowerCase().includes(w)));
    matches = kept.length;
    outline = kept.join('\n');
  }
  const lines = outline === '' ? 0 : outline.split('\n').length;
  if (outline.length <= limit) return { text: outline, truncated: false, lines, matches };
  // Cut at a line end so no ref marker is split in half.
  const cut = outline.lastIndexOf('\n', limit);
  return { text: outline.slice(0, cut > 0 ? cut : limit), truncated: true, lines, matches };
}

/** Accepts `e12`, `ref=e12` and `[ref=e12]` (models copy the marker as they see it). */
export function normalizeRef(raw: string): string {
  const match = /^\[?\s*(?:ref\s*=\s*)?([a-z]*\d+)\s*\]?$/i.exec(raw.trim());
  if (!match)
    throw new OpenClawError(
      ErrorCode.INVALID_ARGUMENT,
      `"${raw.slice(0, 50)}" is not an element ref; pass a ref from the latest snapshot, such as e12.`,
    );
  return match[1]!;
}

function refError(ref: string, err: unknown): OpenClawError {
  const message = errorMessage(err);
  const stale = /not found|no element|resolve|did not match|strict mode|detached/i.test(message);
  return new OpenClawError(
    ErrorCode.INVALID_ARGUMENT,
    stale
      ? `Element ${ref} is not on the page any more (refs come from the latest snapshot). Take a new snapshot and use a ref from it.`
      : `Acting on element ${ref} failed: ${message.split('\n')[0]}`,
    { cause: err },
  );
}

async function onRef<T>(page: Page, rawRef: string, act: (ref: string) => Promise<T>): Promise<T> {
  const ref = normalizeRef(rawRef);
  // A ref from an older snapshot would make the action wait for its whole timeout; ask first.
  const present = await page
    .getByRef(ref)
    .count()
    .catch(() => 0);
  if (present === 0) throw refError(ref, new Error('no element matches the ref'));
  try {
    return await act(ref);
  } catch (err) {
    throw refError(ref, err);
  }
}

export async function clickRef(
  page: Page,
  ref: string,
  options: { doubleClick?: boolean } = {},
): Promise<void> {
  await onRef(page, ref, async (r) => {
    const target = page.getByRef(r);
    if (options.doubleClick) await target.dblclick();
    else await target.click();
  });
}

export async function typeRef(
  page: Page,
  ref: string,
  text: string,
  options: { submit?: boolean } = {},
): Promise<void> {
  await onRef(page, ref, async (r) => {
    const target = page.getByRef(r);
    await target.fill(text);
    if (options.submit) await target.press('Enter');
  });
}

export async function pressKey(page: Page, key: string, ref?: string): Promise<void> {
  if (ref !== undefined) await onRef(page, ref, (r) => page.getByRef(r).press(key));
  else await page.keyboard.press(key);
}

export interface Screenshot {
  base64: string;
  bytes: number;
}

export async function screenshotPage(
  page: Page,
  options: { fullPage?: boolean; ref?: string } = {},
): Promise<Screenshot> {
  const buffer =
    options.ref !== undefined
      ? await onRef(page, options.ref, (r) => page.getByRef(r).screenshot({ type: 'png' }))
      : await page.screenshot({ type: 'png', fullPage: options.fullPage === true });
  return { base64: buffer.toString('base64'), bytes: buffer.length };
}

/** Waits briefly for what a click or submit started (a navigation, a re-render) to settle. */
export async function settle(page: Page): Promise<void> {
  await page.waitForLoadState('domcontentloaded', { timeout: 5_000 }).catch(() => undefined);
}
