/**
 * The browser tool against a real Chromium (the machine's /usr/bin/chromium, or
 * OPENCLAW_TEST_CHROMIUM) and a page served here: open, the outline with refs, click and type by
 * ref, a PNG screenshot, tabs, stale refs and refused URLs. Each test gets its own browser.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { AgentTool } from '@mariozechner/pi-agent-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../testing/free-port.js';
import { BrowserSession } from './browser-session.js';
import { installedChromium, launchedChromium, resolveHostBrowser } from './browser-source.js';
import { createBrowserTool } from './browser-tool.js';

const CHROMIUM = process.env.OPENCLAW_TEST_CHROMIUM ?? '/usr/bin/chromium';
const PAGE = `<!doctype html><html><head><title>Test form</title></head><body>
<h1>Greeter</h1>
<p id="out">nobody yet</p>
<label>Name <input id="name" type="text"></label>
<button onclick="document.getElementById('out').textContent = 'Hello, ' + document.getElementById('name').value + '!'">Greet</button>
<form onsubmit="event.preventDefault(); document.getElementById('out').textContent = 'submitted ' + document.getElementById('q').value;">
<label>Search <input id="q" type="search"></label></form>
<a href="/second">Second page</a>
</body></html>`;
const SECOND = '<!doctype html><title>Second</title><p>the second page</p>';

let server: http.Server;
let base: string;
let session: BrowserSession | undefined;

beforeAll(async () => {
  const port = await freePort();
  server = http.createServer((req, res) => {
    res.setHeader('content-type', 'text/html; charset=utf-8');
    res.end(req.url === '/second' ? SECOND : PAGE);
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
});
afterEach(async () => {
  await session?.dispose();
  session = undefined;
});

function tool(): AgentTool {
  session = new BrowserSession(
    launchedChromium(CHROMIUM, { headless: true, noSandbox: true, extraArgs: [] }),
  );
  return createBrowserTool({ session });
}

async function call(t: AgentTool, params: Record<string, unknown>) {
  const result = await t.execute('call-1', params as never);
  const text = result.content
    .filter((c): c is { type: 'text'; text: string } => c.type === 'text')
    .map((c) => c.text)
    .join('\n');
  return { result, text };
}

function refOf(outline: string, pattern: RegExp): string {
  const line = outline.split('\n').find((l) => pattern.test(l));
  const ref = line && /\[ref=(e\d+)\]/.exec(line)?.[1];
  if (!ref) throw new Error(`no ref for ${pattern} in:\n${outline}`);
  return ref;
}

describe.skipIf(!existsSync(CHROMIUM))('browser tool on a real Chromium', () => {
  it('opens a page and shows its outline with element refs', async () => {
    const t = tool();
    const { text } = await call(t, { action: 'open', url: `${base}/` });
    expect(text).toMatch(/Opened tab t1/);
    expect(text).toMatch(/Test form/);
    expect(text).toMatch(/button "Greet" \[ref=e\d+\]/);
    expect(text).toMatch(/textbox "Name" \[ref=e\d+\]/);
    const snap = await call(t, { action: 'snapshot', query: 'greet button' });
    expect(snap.text).toMatch(/\[1 matching line\(s\)\]/);
    expect(snap.text).not.toMatch(/textbox/);
  });

  it('types into a field by ref and clicks a button that changes the text', async () => {
    const t = tool();
    const opened = await call(t, { action: 'open', url: `${base}/` });
    await call(t, { action: 'type', ref: refOf(opened.text, /textbox "Name"/), text: 'Ada' });
    const clicked = await call(t, {
      action: 'act',
      kind: 'click',
      ref: `[ref=${refOf(opened.text, /button "Greet"/)}]`,
    });
    expect(clicked.text).toMatch(/Hello, Ada!/);
    const submitted = await call(t, {
      action: 'type',
      ref: refOf(clicked.text, /searchbox "Search"/),
      text: 'cats',
      submit: true,
    });
    expect(submitted.text).toMatch(/submitted cats/);
  });

  it('follows a link and reports a stale ref clearly', async () => {
    const t = tool();
    const opened = await call(t, { action: 'open', url: `${base}/` });
    const link = refOf(opened.text, /link "Second page"/);
    const greet = refOf(opened.text, /button "Greet"/);
    const after = await call(t, { action: 'click', ref: link });
    expect(after.text).toMatch(/the second page/);
    expect(after.text).toContain(`${base}/second`);
    await expect(call(t, { action: 'click', ref: greet })).rejects.toThrow(/new snapshot/);
  });

  it('returns a PNG screenshot as an image block', async () => {
    const t = tool();
    await call(t, { action: 'open', url: `${base}/` });
    const { result } = await call(t, { action: 'screenshot', fullPage: true });
    const image = result.content.find((c) => c.type === 'image');
    expect(image).toMatchObject({ type: 'image', mimeType: 'image/png' });
    const bytes = Buffer.from((image as { data: string }).data, 'base64');
    expect(bytes.subarray(0, 8).toString('hex')).toBe('89504e470d0a1a0a');
    expect(bytes.length).toBeGreaterThan(1000);
  });

  it('lists, focuses and closes tabs', async () => {
    const t = tool();
    await call(t, { action: 'open', url: `${base}/` });
    await call(t, { action: 'open', url: `${base}/second` });
    let tabs = await call(t, { action: 'tabs' });
    expect(tabs.text).toMatch(/^ {2}t1 {2}Test form/m);
    expect(tabs.text).toMatch(/^\* t2 {2}Second/m);
    const focused = await call(t, { action: 'focus', targetId: 't1' });
    expect(focused.text).toMatch(/Tab t1 is now the current tab/);
    const snap = await call(t, { action: 'snapshot' });
    expect(snap.text).toMatch(/Greeter/);
    await call(t, { action: 'close', targetId: 't2' });
    tabs = await call(t, { action: 'tabs' });
    expect(tabs.text).not.toMatch(/t2/);
    await expect(call(t, { action: 'focus', targetId: 't9' })).rejects.toThrow(/No tab "t9"/);
  });

  it('navigates to data: URLs and refuses file: URLs', async () => {
    const t = tool();
    const nav = await call(t, {
      action: 'navigate',
      url: 'data:text/html,<title>inline</title><button>Inline button</button>',
    });
    expect(nav.text).toMatch(/button "Inline button"/);
    await expect(call(t, { action: 'navigate', url: 'file:///etc/passwd' })).rejects.toThrow(
      /does not open file: URLs/,
    );
    await expect(call(t, { action: 'navigate' })).rejects.toThrow(/needs "url"/);
  });
});

describe('host browser resolution', () => {
  it('offers no tool when nothing is configured or installed, and explains when enabled', async () => {
    const env = process.env.PLAYWRIGHT_BROWSERS_PATH;
    process.env.PLAYWRIGHT_BROWSERS_PATH = '/nonexistent-openclaw-test';
    try {
      const base = { headless: true, noSandbox: true, extraArgs: [] };
      expect(await resolveHostBrowser(base)).toBeUndefined();
      expect(
        await resolveHostBrowser({ ...base, enabled: false, executablePath: CHROMIUM }),
      ).toBeUndefined();
      const missing = await resolveHostBrowser({ ...base, enabled: true });
      expect(missing).toBeDefined();
      const s = new BrowserSession(missing!);
      const t = createBrowserTool({ session: s });
      await expect(call(t, { action: 'tabs' })).rejects.toThrow(
        /playwright-core\/cli\.js install chromium/,
      );
    } finally {
      if (env === undefined) delete process.env.PLAYWRIGHT_BROWSERS_PATH;
      else process.env.PLAYWRIGHT_BROWSERS_PATH = env;
    }
  });
});

describe('the Chromium installed with playwright-core', () => {
  it('is found where Playwright itself looks, without loading Playwright', async () => {
    const root = mkdtempSync(path.join(os.tmpdir(), 'oc-pw-browsers-'));
    try {
      const env = { ...process.env, PLAYWRIGHT_BROWSERS_PATH: root };
      // Playwright's own answer, from a fresh process (it reads the variable when it loads).
      const expected = execFileSync(
        process.execPath,
        ['-e', "process.stdout.write(require('playwright-core').chromium.executablePath())"],
        { env, encoding: 'utf8' },
      );
      expect(await installedChromium(env)).toBeUndefined();
      mkdirSync(path.dirname(expected), { recursive: true });
      writeFileSync(expected, '');
      expect(await installedChromium(env)).toBe(expected);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});
