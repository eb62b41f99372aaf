/**
 * The setup wizard's checks and routing in a real Chromium, on the built renderer, against the
 * scripted host (renderer/testing/fake-host.ts) — which runs the real host API handler and the
 * real stack rules (electron/host/stack/stack-check.ts), so no engine is needed:
 * - each step refuses what Install would refuse (a system folder, the whole home folder, the
 *   Docker socket, the app's own port), at its own field, in plain words;
 * - fixing the value clears its message at once (no stale banner);
 * - a refusal at Install (a port taken after the Network step) names the Network step, and "Back
 *   to Network" shows the problem at the port field.
 */
import { existsSync, promises as fs } from 'node:fs';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import type { HeadlessServer } from '../electron/host/api/headless-server.js';
import { startFakeHost, type FakeHost } from '../renderer/testing/fake-host.js';

const ROOT = path.resolve(__dirname, '..');
const CHROMIUM = '/usr/bin/chromium';
const UI_INDEX = path.join(ROOT, 'dist/control-ui/index.html');
const SHOTS = path.join(ROOT, 'test-results/screenshots');
const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

const skip = !existsSync(CHROMIUM)
  ? `no Chromium at ${CHROMIUM}`
  : !existsSync(UI_INDEX)
    ? 'the Control UI is not built (npm run build)'
    : undefined;

describe.skipIf(skip !== undefined)(
  `setup wizard checks in Chromium${skip ? ` (SKIPPED: ${skip})` : ''}`,
  () => {
    let server: HeadlessServer & { fake: FakeHost };
    let browser: Browser;
    let page: Page;
    const pageErrors: string[] = [];

    const heading = (title: string) => page.getByRole('heading', { name: title, level: 2 });
    const next = () => page.getByRole('button', { name: 'Next', exact: true }).click();
    const errorOf = (label: string) =>
      page
        .locator('.ui-field', { has: page.getByLabel(label, { exact: true }) })
        .locator('.ui-field__error');
    const shot = (name: string) =>
      page.screenshot({ path: path.join(SHOTS, `wizard-${name}.png`), fullPage: true });

    beforeAll(async () => {
      await fs.mkdir(SHOTS, { recursive: true });
      server = await startFakeHost('fresh');
      const { chromium } = await import('playwright-core');
      browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
      const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
      page = await context.newPage();
      page.on('pageerror', (e) => pageErrors.push(e.message));
      await page.goto(server.launchUrl);
      await heading('Check this computer').waitFor({ timeout: 20_000 });
      const proceed = page.getByRole('button', { name: 'Continue', exact: true });
      await proceed.and(page.locator(':enabled')).waitFor({ timeout: 20_000 });
      await proceed.click();
    }, 60_000);

    afterEach(async (ctx) => {
      if (ctx.task.result?.state === 'fail')
        await shot(`failure-${ctx.task.name.slice(0, 24)}`).catch(() => {});
    });

    afterAll(async () => {
      await browser?.close().catch(() => {});
      await server?.close().catch(() => {});
    });

    it('keeps the user on Folders for a system path, in plain words, and clears it on edit', async () => {
      await heading('Where OpenClaw keeps its files').waitFor();
      const config = page.getByLabel('Config folder', { exact: true });
      await config.fill('/etc/passwd');
      await next();
      await errorOf('Config folder')
        .getByText(/inside \/etc/)
        .waitFor();
      await expect(heading('Where OpenClaw keeps its files').isVisible()).resolves.toBe(true);
      const text = await errorOf('Config folder').innerText();
      expect(text).not.toMatch(/OPENCLAW_|configDir|extraMounts/);
      await shot('folders-refused');
      // The whole home folder is refused here too, not only at Install.
      await page.getByLabel('Workspace folder', { exact: true }).fill('/home/me');
      await config.fill('/home/me/.openclaw');
      // The config folder's problem is about a value that is gone: it disappears at once.
      await expect(errorOf('Config folder').count()).resolves.toBe(0);
      await next();
      await errorOf('Workspace folder')
        .getByText(/whole home folder/)
        .waitFor();
      await page
        .getByLabel('Workspace folder', { exact: true })
        .fill('/home/me/.openclaw/workspace');
      await next();
      await heading('Share more folders (optional)').waitFor();
    });

    it('refuses the Docker socket as a mount on the Extra folders step, then moves on', async () => {
      await page.getByRole('button', { name: 'Add a folder' }).click();
      await page.getByLabel('Host folder (mount 1)').fill('/var/run/docker.sock');
      await page.getByLabel('Container path (mount 1)').fill('/home/node/docker');
      await next();
      await errorOf('Host folder (mount 1)').waitFor();
      expect(await errorOf('Host folder (mount 1)').innerText()).toMatch(/^Mount 1: /);
      await expect(page.locator('.ui-callout', { hasText: 'refused' }).count()).resolves.toBe(0);
      await shot('mounts-refused');
      await page.getByLabel('Host folder (mount 1)').fill('/home/me/projects');
      await page.getByLabel('Container path (mount 1)').fill('/data');
      await next();
      await heading('Extra tools (optional)').waitFor();
      await next();
      await heading('Keep the home folder (optional)').waitFor();
      await next();
    });

    it("refuses the app's own port on the Network step", async () => {
      await heading('Network').waitFor();
      const port = page.getByLabel('Gateway port', { exact: true });
      await port.fill('18790');
      await next();
      await errorOf('Gateway port')
        .getByText(/this app's own window/)
        .waitFor();
      await port.fill('18789');
      await expect(errorOf('Gateway port').count()).resolves.toBe(0);
      await next();
      await heading('Review and install').waitFor();
      // The mount outside /home/node is a warning, shown before installing.
      await page.getByText(/\/data is outside \/home\/node/).waitFor();
      await shot('review');
    });

    it('sends an Install refusal back to the step and field it is about', async () => {
      server.fake.setPortBusy(18789, true);
      await page.getByRole('button', { name: 'Install and start' }).click();
      await page.getByText('The setup did not finish').waitFor();
      const back = page.getByRole('button', { name: 'Back to Network' });
      await back.waitFor();
      await shot('install-refused');
      await back.click();
      await heading('Network').waitFor();
      await errorOf('Gateway port')
        .getByText(/already in use by another program/)
        .waitFor();
      await page.getByLabel('Gateway port', { exact: true }).fill('18791');
      await expect(errorOf('Gateway port').count()).resolves.toBe(0);
      expect(pageErrors).toEqual([]);
    });
  },
);
