/**
 * A Control UI whose index.html carries inline bootstrap scripts (as the official builds do) gets
 * exactly those scripts allowed by hash in the CSP; nothing else is loosened.
 */
import { promises as fs } from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from '../testing/test-gateway.js';
import { inlineScriptHashes, withScriptHashes } from './inline-script-hashes.js';

const BOOT = "document.documentElement.dataset.boot = 'ran';";
// sha256 of BOOT, computed once with `openssl dgst -sha256 -binary | base64`.
const BOOT_HASH = "'sha256-iEXuqeDE3/WyRRtaEQIrzJgz6QAKs7OaU/radj/4DG0='";

const INDEX = `<!doctype html><html><head>
<script>${BOOT}</script>
<script type="module" crossorigin src="./assets/app.js"></script>
<script src="./assets/empty.js"> </script>
<script></script>
</head><body></body></html>`;

describe('inlineScriptHashes', () => {
  it('hashes inline scripts with content and skips external and empty ones', () => {
    expect(inlineScriptHashes(INDEX)).toEqual([BOOT_HASH]);
  });

  it('hashes each inline script, including ones with attributes, in document order', () => {
    const html = `<script data-x="1">a()</script><SCRIPT>b()</SCRIPT>`;
    const hashes = inlineScriptHashes(html);
    expect(hashes).toHaveLength(2);
    expect(new Set(hashes).size).toBe(2);
  });

  it('widens only script-src, and leaves a CSP without hashes unchanged', () => {
    const csp = "default-src 'self'; script-src 'self'; object-src 'none'";
    expect(withScriptHashes(csp, [])).toBe(csp);
    expect(withScriptHashes(csp, [BOOT_HASH])).toBe(
      `default-src 'self'; script-src 'self' ${BOOT_HASH}; object-src 'none'`,
    );
  });
});

let gw: TestGateway;
let root: string;

beforeAll(async () => {
  root = await fs.mkdtemp(path.join(os.tmpdir(), 'openclaw-ui-root-'));
  await fs.mkdir(path.join(root, 'assets'));
  await fs.writeFile(path.join(root, 'index.html'), INDEX);
  await fs.writeFile(path.join(root, 'assets', 'app.js'), 'export {};\n');
  gw = await startTestGateway({ gateway: { controlUi: { root, basePath: '/' } } });
});

afterAll(async () => {
  await gw.stop();
  await fs.rm(root, { recursive: true, force: true });
});

function get(
  urlPath: string,
  method = 'GET',
): Promise<{ status: number; csp: string; body: string; length: string | undefined }> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      { host: '127.0.0.1', port: gw.port, path: urlPath, method, agent: false },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (body += c));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            csp: String(res.headers['content-security-policy'] ?? ''),
            body,
            length: res.headers['content-length'],
          }),
        );
      },
    );
    req.on('error', reject);
    req.end();
  });
}

describe('serving a Control UI with inline scripts', () => {
  it('allows the index page inline script by hash, for / and for client-side routes', async () => {
    for (const route of ['/', '/index.html', '/chat/some-session']) {
      const res = await get(route);
      expect(res.status).toBe(200);
      // Served prepared: asset URLs anchored at the root (so deep routes load them too).
      expect(res.body).toContain('src="/assets/app.js"');
      expect(res.body).toContain(`<script>${BOOT}</script>`);
      expect(res.csp).toContain(`script-src 'self' ${BOOT_HASH};`);
      expect(res.csp).not.toMatch(/script-src[^;]*unsafe-inline/);
    }
  });

  it('answers HEAD with the length and no body', async () => {
    const res = await get('/', 'HEAD');
    expect(res.status).toBe(200);
    expect(res.body).toBe('');
    expect(Number(res.length)).toBe(Buffer.byteLength((await get('/')).body));
  });

  it('answers a missing script or style under a client-side route with 404, not the page', async () => {
    for (const route of [
      '/chat/some-session/assets/app.js',
      '/chat/x/style.css',
      '/assets/gone.js',
    ]) {
      expect((await get(route)).status).toBe(404);
    }
  });

  it('serves other files with the plain CSP', async () => {
    const res = await get('/assets/app.js');
    expect(res.status).toBe(200);
    expect(res.csp).toMatch(/script-src 'self';/);
    expect(res.csp).not.toContain('sha256-');
  });
});
