/**
 * The Control UI's index.html as served. It is answered for every client-side route
 * (`/chat/<session>` too), so a relative `./assets/app.js` in it would resolve under that route
 * and get the HTML shell back instead of the script; relative `src`/`href` URLs are therefore
 * anchored at the base path. The base path is also stated on `<html>` for UIs that read it from
 * there (the official builds do) rather than guess it from the address.
 */

export const BASE_PATH_ATTRIBUTE = 'data-openclaw-control-ui-base-path';

const URL_ATTRIBUTE = /(\s(?:src|href)\s*=\s*)(["'])([^"']*)\2/gi;
const TAG = /<(?:script|link|img|source|a)\b[^>]*>/gi;
/** Scheme (`https:`, `data:`), absolute path, protocol-relative, fragment or query: kept as is. */
const NOT_RELATIVE = /^(?:[a-z][a-z0-9+.-]*:|\/|#|\?|$)/i;

function escapeAttribute(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');
}

/** `basePath` normalised without a trailing slash ("" for the root). */
export function prepareControlUiHtml(html: string, basePath: string): string {
  const prefix = `${basePath.replace(/\/+$/, '')}/`;
  const anchored = html.replace(TAG, (tag) =>
    tag.replace(URL_ATTRIBUTE, (all, lead: string, quote: string, url: string) =>
      NOT_RELATIVE.test(url)
        ? all
        : `${lead}${quote}${prefix}${url.replace(/^(?:\.\/)+/, '')}${quote}`,
    ),
  );
  return anchored.replace(/<html\b[^>]*>/i, (tag) =>
    new RegExp(`\\s${BASE_PATH_ATTRIBUTE}\\s*=`, 'i').test(tag)
      ? tag
      : tag.replace(
          /^<html/i,
          `<html ${BASE_PATH_ATTRIBUTE}="${escapeAttribute(basePath.replace(/\/+$/, ''))}"`,
        ),
  );
}
