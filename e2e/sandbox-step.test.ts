/**
 * The wizard's Sandbox step in a real Chromium, on the built renderer, against the scripted host
 * (renderer/testing/fake-host.ts: the real host API handler, a sandbox switch that streams
 * progress like the host's):
 * - after Install and Model it is off, says what the sandbox does and costs, and goes on without;
 * - the choices: shared scope warns, a custom tag that is no image reference is refused at its
 *   field without calling the host;
 * - a build that fails names the sandbox, the failing step and the log, and it stays off;
 * - "Build and turn on" shows the build live (step n of m), then Continue reaches the Chat apps
 *   step (the Channels cards; Skip goes on) and the end, and Settings → Sandbox shows the same
 *   form with what was chosen.
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
  `the wizard's Sandbox step in Chromium${skip ? ` (SKIPPED: ${skip})` : ''}`,
  () => {
    let server: HeadlessServer & { fake: FakeHost };
    let browser: Browser;
    let page: Page;
    const pageErrors: string[] = [];

    const heading = (title: string) => page.getByRole('heading', { name: title, level: 2 });
    const button = (name: string) => page.getByRole('button', { name, exact: true });
    const radio = (value: string) => page.locator(`input[type="radio"][value="${value}"]`);
    const shot = (name: string) =>
      page.screenshot({ path: path.join(SHOTS, `sandbox-step-${name}.png`), fullPage: true });

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
      await button('Continue').and(page.locator(':enabled')).waitFor({ timeout: 20_000 });
      await button('Continue').click();
      for (let i = 0; i < 6; i++) {
        await button('Next').or(button('Install and start')).first().click();
      }
      await heading('Choose a model').waitFor({ timeout: 60_000 });
      await button('Skip for now').click();
    }, 120_000);

    afterEach(async (ctx) => {
      if (ctx.task.result?.state === 'fail')
        await shot(`failure-${ctx.task.name.slice(0, 24)}`).catch(() => {});
    });

    afterAll(async () => {
      await browser?.close().catch(() => {});
      await server?.close().catch(() => {});
    });

    it('comes after Model, off by default, saying what it does and costs', async () => {
      await heading('Sandbox agent tools (optional)').waitFor();
      const lead = await page.locator('.setup-step__lead').innerText();
      expect(lead).toMatch(/Off by default/);
      expect(lead).toMatch(/image build/);
      expect(lead).toMatch(/Docker socket to a small sandboxd/);
      await expect(radio('off').isChecked()).resolves.toBe(true);
      await expect(button('Continue without a sandbox').isVisible()).resolves.toBe(true);
      await expect(page.getByText('Containers', { exact: true }).count()).resolves.toBe(0);
    });

    it('warns about a shared container and refuses a tag that is not an image', async () => {
      await radio('non-main').check({ force: true });
      await expect(button('Build and turn on').isVisible()).resolves.toBe(true);
      await expect(button('Skip for now').isVisible()).resolves.toBe(true);
      await radio('shared').check({ force: true });
      await page.getByText('Sessions are not isolated from each other').waitFor();
      await radio('custom').check({ force: true });
      await page.getByLabel('Image tag').fill('My Sandbox');
      await button('Build and turn on').click();
      await page.getByText('This is not a Docker image tag').waitFor();
      await shot('choices');
      await page.getByLabel('Image tag').fill('');
      await radio('agent').check({ force: true });
    });

    it('names the sandbox, the failing step and the log when the build fails, and stays off', async () => {
      server.fake.setScenario('failing');
      await radio('common').check({ force: true });
      await button('Build and turn on').click();
      await page.getByText('The sandbox is still off').waitFor({ timeout: 20_000 });
      const text = await page.locator('.sandbox-settings').innerText();
      expect(text).toMatch(/The agent sandbox was not turned on\. Nothing was changed\./);
      expect(text).toMatch(/failed at step 3\/5/);
      expect(text).toMatch(/failing step of the sandbox image|Debian mirror/);
      await expect(page.getByLabel('Operation log').innerText()).resolves.toContain(
        'E: Unable to locate package golang-go',
      );
      await shot('build-failed');
      server.fake.setScenario('fresh');
    });

    it('builds with live progress, turns it on, and Settings shows the same form', async () => {
      await radio('default').check({ force: true });
      await button('Build and turn on').click();
      await page.getByText(/Step \d of 6/).waitFor({ timeout: 10_000 });
      await shot('building');
      await page.getByText('The agent sandbox is on').first().waitFor({ timeout: 30_000 });
      await button('Continue').click();
      // The Chat apps step comes next: the Channels page's cards, optional.
      await heading('Chat apps (optional)').waitFor();
      await expect(
        page.locator('.ui-card__title').filter({ hasText: 'Telegram' }).count(),
      ).resolves.toBe(1);
      await page
        .locator('.ui-card__title')
        .filter({ hasText: 'WhatsApp' })
        .waitFor({ timeout: 20_000 });
      // This scripted host has no gateway behind its channels: the step says so plainly.
      await page.getByText('Live status unavailable').waitFor();
      await page.emulateMedia({ colorScheme: 'light' });
      await shot('chat-apps-light');
      await button('Skip for now').click();
      await page.getByText('Your gateway is running', { exact: true }).waitFor();

      await page.goto(`${server.url.replace(/\/$/, '')}/settings`);
      const section = page.locator('section[aria-labelledby="settings-sandbox-heading"]');
      await section.getByText('Sandbox agent tools').waitFor({ timeout: 20_000 });
      await expect(section.locator('input[value="non-main"]').isChecked()).resolves.toBe(true);
      await expect(section.locator('input[value="agent"]').isChecked()).resolves.toBe(true);
      await expect(section.locator('input[value="default"]').isChecked()).resolves.toBe(true);
      await expect(
        section.getByRole('button', { name: 'See containers' }).isVisible(),
      ).resolves.toBe(true);
      expect(pageErrors).toEqual([]);
    });
  },
);
