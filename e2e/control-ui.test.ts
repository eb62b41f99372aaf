/**
 * The Control UI in a real Chromium against a real gateway (the built `dist/gateway` serving the
 * built `dist/control-ui`):
 * - a browser on this machine opens `/control#token=…`: the token leaves the address bar at once,
 *   is never logged nor sent anywhere but the page's own gateway, and the browser is paired
 *   silently (local direct connection);
 * - every page renders, in light and dark (screenshots in test-results/screenshots/);
 * - config edits: the gateway's validation issues show with their paths, a concurrent change is
 *   reported as "changed elsewhere", a valid edit is saved;
 * - a browser that looks remote (through a small reverse proxy adding X-Forwarded-For) gets the
 *   "pairing required" screen with the request id, and connects by itself once approved — once
 *   with `openclaw devices approve <id>`, once from the Devices page of the first browser.
 */
import { spawn, execFile, type ChildProcess } from 'node:child_process';
import { existsSync, promises as fs } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../gateway/testing/free-port.js';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { waitForReady } from './support/wait-for-ready.js';

const ROOT = path.resolve(__dirname, '..');
const CHROMIUM = '/usr/bin/chromium';
const GATEWAY_BIN = path.join(ROOT, 'dist/gateway/openclaw.mjs');
const UI_INDEX = path.join(ROOT, 'dist/control-ui/index.html');
const SHOTS = path.join(ROOT, 'test-results/screenshots');
const TOKEN = 'e2e-gateway-token-5f1c9a77d2';
const REMOTE_IP = '203.0.113.5';

const skipReason = !existsSync(CHROMIUM)
  ? `no Chromium at ${CHROMIUM} (apt-get install -y chromium)`
  : !existsSync(UI_INDEX) || !existsSync(GATEWAY_BIN)
    ? 'the gateway or the Control UI is not built (run `npm run build` first)'
    : undefined;
if (skipReason) console.warn(`SKIPPED control-ui e2e: ${skipReason}`);

const run = promisify(execFile);

/**
 * A reverse proxy that marks every request as coming from a remote address, the way a LAN
 * reverse proxy or Docker NAT makes a browser non-local to the gateway.
 */
async function startForwardingProxy(
  listenPort: number,
  targetPort: number,
): Promise<{ close(): Promise<void> }> {
  const sockets = new Set<net.Socket>();
  const server = http.createServer((req, res) => {
    const upstream = http.request(
      {
        host: '127.0.0.1',
        port: targetPort,
        method: req.method,
        path: req.url,
        // A fresh upstream connection per request: a reused keep-alive socket that the gateway
        // just closed would turn into a spurious 502 for a page asset.
        agent: false,
        headers: { ...req.headers, 'x-forwarded-for': REMOTE_IP },
      },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    upstream.on('error', () => {
      res.writeHead(502);
      res.end();
    });
    req.pipe(upstream);
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  server.on('upgrade', (req, socket, head) => {
    const upstream = net.connect(targetPort, '127.0.0.1', () => {
      const lines = [`${req.method} ${req.url} HTTP/1.1`];
      for (let i = 0; i < req.rawHeaders.length; i += 2) {
        lines.push(`${req.rawHeaders[i]}: ${req.rawHeaders[i + 1]}`);
      }
      lines.push(`X-Forwarded-For: ${REMOTE_IP}`);
      upstream.write(`${lines.join('\r\n')}\r\n\r\n`);
      if (head.length > 0) upstream.write(head);
      upstream.pipe(socket);
      socket.pipe(upstream);
    });
    sockets.add(upstream);
    upstream.once('close', () => sockets.delete(upstream));
    upstream.on('error', () => socket.destroy());
    socket.on('error', () => upstream.destroy());
  });
  await new Promise<void>((resolve) => server.listen(listenPort, '127.0.0.1', resolve));
  return {
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

describe.skipIf(skipReason !== undefined)(
  `Control UI in Chromium${skipReason ? ` (SKIPPED: ${skipReason})` : ''}`,
  () => {
    let stateDir: string;
    let gateway: ChildProcess;
    let gatewayOutput = '';
    let port: number;
    let proxyPort: number;
    let proxy: { close(): Promise<void> };
    let browser: Browser;
    const contexts: BrowserContext[] = [];
    /** Everything the local browser printed or requested, checked for the token at the end. */
    const consoleLines: string[] = [];
    const requestedUrls: string[] = [];
    let local: Page;

    let uiRoot: string;
    const env = () => ({
      ...process.env,
      OPENCLAW_STATE_DIR: stateDir,
      // A private copy of the build: a rebuild running meanwhile must not swap assets under the page.
      OPENCLAW_CONTROL_UI_ROOT: uiRoot,
      NO_COLOR: '1',
    });

    async function cli(...args: string[]): Promise<string> {
      const { stdout } = await run(
        process.execPath,
        [GATEWAY_BIN, ...args, '--url', `ws://127.0.0.1:${port}`, '--token', TOKEN],
        { env: env(), timeout: 20_000 },
      );
      return stdout;
    }

    const openPages: Page[] = [];

    async function newPage(colorScheme: 'light' | 'dark' = 'light'): Promise<Page> {
      const context = await browser.newContext({
        viewport: { width: 1280, height: 860 },
        colorScheme,
      });
      contexts.push(context);
      const page = await context.newPage();
      openPages.push(page);
      return page;
    }

    async function shot(page: Page, name: string): Promise<void> {
      await page.evaluate(() => document.fonts.ready);
      await page.screenshot({ path: path.join(SHOTS, `${name}.png`), fullPage: true });
    }

    beforeAll(async () => {
      await fs.mkdir(SHOTS, { recursive: true });
      stateDir = await fs.mkdtemp(path.join(os.tmpdir(), 'openclaw-control-ui-e2e-'));
      uiRoot = path.join(stateDir, 'control-ui');
      await fs.cp(path.dirname(UI_INDEX), uiRoot, { recursive: true });
      port = await freePort();
      proxyPort = await freePort();
      await fs.writeFile(
        path.join(stateDir, 'openclaw.json'),
        JSON.stringify(
          {
            gateway: {
              mode: 'local',
              port,
              auth: { mode: 'token', token: TOKEN },
              // The proxy is another origin; a LAN user would list their address the same way.
              controlUi: { allowedOrigins: [`http://127.0.0.1:${proxyPort}`] },
            },
            logging: { file: path.join(stateDir, 'gateway.log') },
          },
          null,
          2,
        ),
      );
      gateway = spawn(
        process.execPath,
        [
          GATEWAY_BIN,
          'gateway',
          'run',
          '--allow-unconfigured',
          '--port',
          String(port),
          '--token',
          TOKEN,
        ],
        { env: env(), stdio: ['ignore', 'pipe', 'pipe'] },
      );
      gateway.stdout?.on('data', (d: Buffer) => (gatewayOutput += d.toString()));
      gateway.stderr?.on('data', (d: Buffer) => (gatewayOutput += d.toString()));
      await waitForReady(port, gateway, () => gatewayOutput);
      proxy = await startForwardingProxy(proxyPort, port);
      const { chromium } = await import('playwright-core');
      browser = await chromium.launch({
        executablePath: CHROMIUM,
        args: [
          '--no-sandbox',
          '--disable-gpu',
          '--disable-background-networking',
          '--disable-component-update',
          '--disable-sync',
        ],
      });
    }, 60_000);

    // A failed step leaves a picture of every open page behind, to see what the browser showed.
    afterEach(async (ctx) => {
      if (ctx.task.result?.state !== 'fail') return;
      for (const [i, page] of openPages.entries()) {
        await page
          .screenshot({ path: path.join(SHOTS, `failure-${ctx.task.name.slice(0, 40)}-${i}.png`) })
          .catch(() => {});
      }
    });

    afterAll(async () => {
      for (const c of contexts) await c.close().catch(() => {});
      await browser?.close().catch(() => {});
      await proxy?.close().catch(() => {});
      if (gateway && gateway.exitCode === null) {
        gateway.kill('SIGTERM');
        await new Promise((r) => gateway.once('exit', r));
      }
      if (stateDir) await fs.rm(stateDir, { recursive: true, force: true });
    }, 30_000);

    it('a local browser: token out of the address bar, paired silently, overview live', async () => {
      local = await newPage();
      local.on('console', (m) => consoleLines.push(m.text()));
      local.on('pageerror', (e) => consoleLines.push(`pageerror: ${e.message}`));
      local.on('request', (r) => requestedUrls.push(r.url()));
      local.on('websocket', (ws) => requestedUrls.push(ws.url()));

      await local.goto(`http://127.0.0.1:${port}/control#token=${TOKEN}`);
      await local.getByRole('heading', { name: 'Overview', level: 1 }).waitFor({ timeout: 15_000 });
      expect(local.url()).toBe(`http://127.0.0.1:${port}/control`);
      await expect
        .poll(() => local.getByText('Healthy').count(), { timeout: 10_000 })
        .toBeGreaterThan(0);
      // Kept for this tab and this gateway only.
      const stored = await local.evaluate(() => ({ ...sessionStorage }));
      expect(Object.entries(stored)).toEqual([
        [`openclaw.control.token.v1:ws://127.0.0.1:${port}`, TOKEN],
      ]);
      // The key pair lives in IndexedDB, with a private key script cannot export.
      const extractable = await local.evaluate(
        () =>
          new Promise<boolean | string>((resolve) => {
            const open = indexedDB.open('openclaw-control');
            open.onsuccess = () => {
              const get = open.result
                .transaction('device-identity')
                .objectStore('device-identity')
                .get('operator');
              get.onsuccess = () =>
                resolve((get.result as { privateKey: CryptoKey }).privateKey.extractable);
              get.onerror = () => resolve('read failed');
            };
            open.onerror = () => resolve('open failed');
          }),
      );
      expect(extractable).toBe(false);
      // Paired silently: the gateway lists this browser with the Control UI client id.
      const list = JSON.parse(await cli('devices', 'list', '--json')) as {
        paired: Array<{ clientId?: string; approvedVia?: string }>;
        pending: unknown[];
      };
      expect(
        list.paired.some((d) => d.clientId === 'openclaw-control-ui' && d.approvedVia === 'silent'),
      ).toBe(true);
      expect(list.pending).toHaveLength(0);
    }, 60_000);

    it('renders every Control UI page, light and dark', async () => {
      const pages: Array<{
        path: string;
        link: string;
        heading: string;
        ready?: (p: Page) => Promise<unknown>;
      }> = [
        {
          path: '/control',
          link: 'Overview',
          heading: 'Overview',
          ready: (p) => p.getByText('Healthy').first().waitFor(),
        },
        {
          path: '/control/devices',
          link: 'Devices',
          heading: 'Devices',
          ready: (p) => p.getByText('No devices are waiting').waitFor(),
        },
        {
          path: '/control/config',
          link: 'Config',
          heading: 'Configuration',
          ready: (p) => p.getByLabel('Configuration (read-only)').waitFor(),
        },
        {
          path: '/control/sessions',
          link: 'Sessions',
          heading: 'Sessions',
          ready: (p) => p.getByText('No sessions yet').waitFor(),
        },
        {
          path: '/control/logs',
          link: 'Logs',
          heading: 'Gateway logs',
          ready: (p) => p.getByText('client connected').first().waitFor(),
        },
        { path: '/control/chat', link: 'Chat', heading: 'Chat' },
        { path: '/control/sandboxes', link: 'Sandboxes', heading: 'Sandboxes' },
      ];
      for (const scheme of ['light', 'dark'] as const) {
        await local.emulateMedia({ colorScheme: scheme });
        for (const p of pages) {
          // Through the sidebar, as a person would (no reload: the connection stays up).
          await local
            .getByRole('navigation')
            .getByRole('link', { name: p.link, exact: true })
            .click();
          await local.waitForURL(`http://127.0.0.1:${port}${p.path}`);
          await local
            .getByRole('heading', { name: p.heading, level: 1 })
            .waitFor({ timeout: 10_000 });
          if (p.ready) await p.ready(local);
          await shot(local, `control-${p.link.toLowerCase()}-${scheme}`);
        }
      }
      // The config view hides the token (it is in openclaw.json) behind a "hidden" pill.
      await local.goto(`http://127.0.0.1:${port}/control/config`);
      await local.getByLabel('Configuration (read-only)').waitFor();
      expect(await local.getByLabel('Configuration (read-only)').innerText()).not.toContain(TOKEN);
      await local.emulateMedia({ colorScheme: 'light' });
    }, 120_000);

    it('config: shows validation issues with their paths, reports a concurrent change, saves a valid edit', async () => {
      await local.goto(`http://127.0.0.1:${port}/control/config`);
      await local.getByRole('heading', { name: 'Configuration', level: 1 }).waitFor();
      await local
        .getByRole('radio', { name: 'Edit' })
        .or(local.getByRole('button', { name: 'Edit' }))
        .first()
        .click();
      const editor = local.getByLabel('Configuration file (JSON5)');
      await editor.waitFor();
      const original = await editor.inputValue();
      expect(original).not.toContain(TOKEN);
      expect(original).toContain('__OPENCLAW_REDACTED__');

      // 1. Invalid: a port that cannot be.
      await editor.fill(original.replace(`"port": ${port}`, '"port": 99999999'));
      await local.getByRole('button', { name: 'Save' }).click();
      await local.getByText(/Not saved/).waitFor();
      await expect
        .poll(() => local.locator('.cui-issues code').allInnerTexts())
        .toContain('gateway.port');
      await shot(local, 'control-config-invalid-light');

      // 2. Someone else changes the file meanwhile: the save is refused as a conflict.
      const file = path.join(stateDir, 'openclaw.json');
      const onDisk = JSON.parse(await fs.readFile(file, 'utf8')) as Record<string, unknown>;
      await fs.writeFile(
        file,
        JSON.stringify(
          { ...onDisk, logging: { ...(onDisk.logging as object), level: 'debug' } },
          null,
          2,
        ),
      );
      await editor.fill(
        original.replace('"mode": "local"', '"mode": "local" /* edited in the UI */'),
      );
      await local.getByRole('button', { name: 'Save' }).click();
      await local.getByText('The configuration was changed elsewhere').waitFor({ timeout: 10_000 });
      await shot(local, 'control-config-conflict-light');

      // 3. Reload, edit again, save: accepted, and the secret kept.
      await local.getByRole('button', { name: 'Reload' }).click();
      await expect.poll(() => editor.inputValue(), { timeout: 10_000 }).toContain('"debug"');
      const fresh = await editor.inputValue();
      await editor.fill(fresh.replace('"debug"', '"info"'));
      await local.getByRole('button', { name: 'Save' }).click();
      await local.getByText('Configuration saved').waitFor({ timeout: 10_000 });
      const saved = JSON.parse(await fs.readFile(file, 'utf8')) as {
        logging: { level: string };
        gateway: { auth: { token: string } };
      };
      expect(saved.logging.level).toBe('info');
      expect(saved.gateway.auth.token).toBe(TOKEN); // the redacted placeholder did not overwrite it
    }, 90_000);

    it('a remote browser waits in "pairing required" and connects by itself once approved (CLI)', async () => {
      const remote = await newPage();
      await remote.goto(`http://127.0.0.1:${proxyPort}/control#token=${TOKEN}`);
      await remote.getByRole('heading', { name: /Pairing required/ }).waitFor({ timeout: 15_000 });
      expect(remote.url()).toBe(`http://127.0.0.1:${proxyPort}/control`);
      const requestId = (await remote.getByTestId('pairing-request-id').innerText()).trim();
      expect(requestId).toMatch(/^[0-9a-f-]{36}$/);
      await expect(
        remote.getByText(`openclaw devices approve ${requestId}`).first().isVisible(),
      ).resolves.toBe(true);
      await shot(remote, 'control-pairing-required-light');
      await remote.emulateMedia({ colorScheme: 'dark' });
      await shot(remote, 'control-pairing-required-dark');

      // While pending, its retries keep the same request (the id on screen stays valid).
      await remote.waitForTimeout(4000);
      expect((await remote.getByTestId('pairing-request-id').innerText()).trim()).toBe(requestId);
      const pending = JSON.parse(await cli('devices', 'list', '--json')) as {
        pending: Array<{ requestId: string; remoteIp?: string }>;
      };
      expect(pending.pending.map((p) => p.requestId)).toEqual([requestId]);
      // (remoteIp is the proxy's: the gateway does not trust forwarding headers from it, which is
      // exactly why the connection counts as remote and needs an approval.)

      await cli('devices', 'approve', requestId);
      // No click, no reload: the page gets in by itself.
      await remote
        .getByRole('heading', { name: 'Overview', level: 1 })
        .waitFor({ timeout: 15_000 });
      await remote.emulateMedia({ colorScheme: 'light' });
      await shot(remote, 'control-after-approval-light');
    }, 90_000);

    it('a remote browser approved from the Devices page of another browser', async () => {
      const remote = await newPage('dark');
      await remote.goto(`http://127.0.0.1:${proxyPort}/control/sessions#token=${TOKEN}`);
      await remote.getByRole('heading', { name: /Pairing required/ }).waitFor({ timeout: 15_000 });
      const requestId = (await remote.getByTestId('pairing-request-id').innerText()).trim();

      await local.goto(`http://127.0.0.1:${port}/control/devices`);
      const request = local
        .getByRole('listitem', { name: /Pairing request from/ })
        .filter({ hasText: requestId });
      await request.waitFor({ timeout: 10_000 });
      await expect(request.getByText('Admin').isVisible()).resolves.toBe(true);
      await shot(local, 'control-devices-pending-light');
      await request.getByRole('button', { name: 'Approve' }).click();
      await local.getByText('No devices are waiting').waitFor({ timeout: 10_000 });

      await remote
        .getByRole('heading', { name: 'Sessions', level: 1 })
        .waitFor({ timeout: 15_000 });
      await shot(remote, 'control-sessions-after-approval-dark');
    }, 90_000);

    it('a browser without a token is told what to do, and a pasted token gets it in', async () => {
      const stranger = await newPage();
      await stranger.goto(`http://127.0.0.1:${proxyPort}/control/devices`);
      await stranger
        .getByRole('heading', { name: 'This page has no gateway token' })
        .waitFor({ timeout: 15_000 });
      await stranger
        .getByText(/openclaw dashboard --no-open/)
        .first()
        .waitFor();
      await shot(stranger, 'control-no-token-light');
      await stranger.getByLabel('Gateway token', { exact: true }).fill(TOKEN);
      await stranger.getByRole('button', { name: 'Connect' }).click();
      // Accepted: now it is a new remote device, so it asks for pairing.
      await stranger
        .getByRole('heading', { name: /Pairing required/ })
        .waitFor({ timeout: 15_000 });
      const requestId = (await stranger.getByTestId('pairing-request-id').innerText()).trim();
      await cli('devices', 'reject', requestId);
    }, 60_000);

    it('survives a gateway restart: a banner while it is gone, back by itself', async () => {
      await local.goto(`http://127.0.0.1:${port}/control`);
      await local.getByText('Healthy').first().waitFor({ timeout: 10_000 });
      gateway.kill('SIGTERM');
      await new Promise((r) => gateway.once('exit', r));
      await local
        .getByText(/reconnecting/i)
        .first()
        .waitFor({ timeout: 15_000 });
      // The page keeps what it showed (stale, with the banner) instead of going blank.
      expect(await local.getByRole('heading', { name: 'Overview', level: 1 }).isVisible()).toBe(
        true,
      );
      await shot(local, 'control-reconnecting-light');
      gateway = spawn(
        process.execPath,
        [
          GATEWAY_BIN,
          'gateway',
          'run',
          '--allow-unconfigured',
          '--port',
          String(port),
          '--token',
          TOKEN,
        ],
        { env: env(), stdio: ['ignore', 'pipe', 'pipe'] },
      );
      gateway.stdout?.on('data', (d: Buffer) => (gatewayOutput += d.toString()));
      gateway.stderr?.on('data', (d: Buffer) => (gatewayOutput += d.toString()));
      await waitForReady(port, gateway, () => gatewayOutput);
      await expect
        .poll(() => local.getByText(/reconnecting/i).count(), { timeout: 20_000 })
        .toBe(0);
      await local.getByText('Healthy').first().waitFor();
    }, 60_000);

    it('never logged the token nor sent it anywhere but its own gateway', () => {
      expect(consoleLines.join('\n')).not.toContain(TOKEN);
      expect(consoleLines.filter((l) => l.startsWith('pageerror'))).toEqual([]);
      expect(requestedUrls.length).toBeGreaterThan(0);
      for (const url of requestedUrls) {
        expect(url).not.toContain(TOKEN);
        expect(new URL(url).host).toBe(`127.0.0.1:${port}`);
      }
    });
  },
);
