/**
 * index.html is answered for every client-side route, so its relative asset URLs are anchored at
 * the base path (the official Control UI's `./assets/…` broke on a reload of `/chat/<session>`),
 * and the base path is stated on `<html>`.
 */
import { describe, expect, it } from 'vitest';
import { BASE_PATH_ATTRIBUTE, prepareControlUiHtml } from './control-ui-html.js';

const PAGE = `<!doctype html>
<html lang="en">
  <head>
    <link rel="icon" href="./favicon.svg" />
    <link rel="manifest" href="manifest.webmanifest" />
    <script type="module" crossorigin src="./assets/index-1.js"></script>
    <link rel="modulepreload" href='./assets/chunk-2.js'>
    <link rel="stylesheet" href="/assets/already-absolute.css">
    <link rel="preconnect" href="https://fonts.example.test">
    <img src="data:image/png;base64,AAAA">
  </head>
  <body><a href="#main">skip</a><a href="?tab=chat">q</a><p>src="./not-a-tag.js"</p></body>
</html>`;

describe('prepareControlUiHtml', () => {
  it('anchors relative src/href at the root when the UI is served at /', () => {
    const out = prepareControlUiHtml(PAGE, '');
    expect(out).toContain('href="/favicon.svg"');
    expect(out).toContain('href="/manifest.webmanifest"');
    expect(out).toContain('src="/assets/index-1.js"');
    expect(out).toContain("href='/assets/chunk-2.js'");
    expect(out).toContain(`<html ${BASE_PATH_ATTRIBUTE}="" lang="en">`);
  });

  it('anchors them under a base path', () => {
    const out = prepareControlUiHtml(PAGE, '/openclaw');
    expect(out).toContain('src="/openclaw/assets/index-1.js"');
    expect(out).toContain('href="/openclaw/favicon.svg"');
    expect(out).toContain(`${BASE_PATH_ATTRIBUTE}="/openclaw"`);
  });

  it('leaves absolute, scheme, fragment, query URLs and page text alone', () => {
    const out = prepareControlUiHtml(PAGE, '/openclaw');
    expect(out).toContain('href="/assets/already-absolute.css"');
    expect(out).toContain('href="https://fonts.example.test"');
    expect(out).toContain('src="data:image/png;base64,AAAA"');
    expect(out).toContain('href="#main"');
    expect(out).toContain('href="?tab=chat"');
    expect(out).toContain('<p>src="./not-a-tag.js"</p>');
  });

  it('keeps a base path the page already states, and escapes the one it adds', () => {
    const stated = `<html ${BASE_PATH_ATTRIBUTE}="/x"><head></head></html>`;
    expect(prepareControlUiHtml(stated, '/y')).toBe(stated);
    expect(prepareControlUiHtml('<html>', '/a"b')).toBe(
      `<html ${BASE_PATH_ATTRIBUTE}="/a&quot;b">`,
    );
  });
});
