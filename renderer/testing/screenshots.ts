/**
 * Screenshots of every app page (light and dark) against the fake host, plus the first-run wizard
 * step by step. For looking at the UI, not a test:
 *
 *   node scripts/build.mjs --only renderer && npx tsx renderer/testing/screenshots.ts /tmp/shots
 */
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { chromium, type Locator, type Page } from 'playwright-core';
import { startFakeHost } from './fake-host.js';

const out = path.resolve(process.argv[2] ?? 'test-results/screenshots');
const only = process.argv[3];
await mkdir(out, { recursive: true });

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
  args: [
    '--no-sandbox',
    '--disable-gpu',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
  ],
});

const errors: string[] = [];
async function newPage(): Promise<Page> {
  const context = await browser.newContext({
    viewport: { width: 1280, height: 860 },
    deviceScaleFactor: 1,
  });
  const page = await context.newPage();
  page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
  page.on('console', (m) => {
    if (
      m.type() === 'error' &&
      !/WebSocket connection to 'ws:\/\/127\.0\.0\.1:\d+\/'/.test(m.text())
    )
      errors.push(`console: ${m.text()}`);
  });
  return page;
}

async function settle(page: Page): Promise<void> {
  await page.waitForSelector('main h1');
  await page.waitForTimeout(700);
}

async function shot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: path.join(out, `${name}.png`), fullPage: false });
  process.stdout.write(`  ${name}.png\n`);
}

/** One part of the page, whole (a section longer than the window is not cut off). */
async function shotOf(locator: Locator, name: string): Promise<void> {
  // The app's main column scrolls inside the window: make the window tall enough for the whole
  // element, shoot it, and put the window back.
  const page = locator.page();
  const before = page.viewportSize() ?? { width: 1280, height: 860 };
  const height = await locator.evaluate((el) => el.scrollHeight + 400);
  await page.setViewportSize({ width: before.width, height: Math.max(before.height, height) });
  await page.waitForTimeout(150);
  await locator.screenshot({ path: path.join(out, `${name}.png`) });
  await page.setViewportSize(before);
  process.stdout.write(`  ${name}.png\n`);
}

async function pages(): Promise<void> {
  const server = await startFakeHost('running');
  const page = await newPage();
  await page.goto(server.launchUrl);
  await settle(page);
  if (page.url().includes('hostToken')) throw new Error('the host token stayed in the address bar');
  const routes: Array<[string, string]> = [
    ['dashboard', '/'],
    ['approvals', '/approvals'],
    ['logs', '/logs'],
    ['diagnostics', '/diagnostics'],
    ['settings', '/settings'],
  ];
  for (const scheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme: scheme });
    for (const [name, route] of routes) {
      await page.goto(`${server.url.replace(/\/$/, '')}${route}`);
      await settle(page);
      await shot(page, `${scheme}-${name}`);
    }
    // Settings with a change pending and the plan shown before applying.
    await page.goto(`${server.url.replace(/\/$/, '')}/settings`);
    await settle(page);
    await page.getByLabel('Debian packages').fill(scheme === 'light' ? 'ffmpeg' : 'git-lfs');
    await page.getByLabel('Debian packages').press('Enter');
    await page.getByRole('button', { name: 'Review changes' }).click();
    await page.waitForSelector('text=This will rebuild the image');
    await shot(page, `${scheme}-settings-plan`);
    await page.getByRole('button', { name: 'Rebuild and restart' }).click();
    await page.waitForTimeout(1200);
    await shot(page, `${scheme}-settings-applying`);
    await page.waitForSelector('text=Changes applied', { timeout: 15_000 });
    await page.getByRole('button', { name: 'Done' }).click();
    // Logs with a regex search.
    await page.goto(`${server.url.replace(/\/$/, '')}/logs`);
    await settle(page);
    await page.getByRole('switch', { name: 'Regex' }).check();
    await page.getByLabel('Search').fill('error|pairing');
    await page.waitForTimeout(300);
    await shot(page, `${scheme}-logs-search`);
    await page.goto(`${server.url.replace(/\/$/, '')}/diagnostics`);
    await settle(page);
    await page.getByRole('button', { name: 'Create bundle' }).click();
    await page.waitForSelector('text=Attach this file');
    await page.evaluate(() => document.querySelector('main')?.scrollTo(0, 10_000));
    await shot(page, `${scheme}-diagnostics-bundle`);
    await page.goto(`${server.url.replace(/\/$/, '')}/control`);
    await page.waitForTimeout(1200);
    await shot(page, `${scheme}-control-overview`);
    await page.goto(server.url);
    await settle(page);
    await page.getByRole('button', { name: 'Rebuild' }).click();
    await page.waitForSelector('text=Rebuild the gateway image?');
    await shot(page, `${scheme}-dashboard-confirm-rebuild`);
    await page.getByRole('button', { name: 'Cancel' }).click();
    await page.setViewportSize({ width: 880, height: 760 });
    await page.goto(`${server.url.replace(/\/$/, '')}/settings`);
    await settle(page);
    await page.evaluate(() => document.querySelector('main')?.scrollTo(0, 640));
    await shot(page, `${scheme}-narrow-settings`);
    await page.setViewportSize({ width: 1280, height: 860 });
    await page.goto(`${server.url.replace(/\/$/, '')}/nowhere`);
    await page.waitForTimeout(500);
    await shot(page, `${scheme}-not-found`);
  }
  await page.context().close();
  await server.close();
}

async function wizard(scheme: 'light' | 'dark', scenario: 'fresh' | 'failing'): Promise<void> {
  const server = await startFakeHost(scenario);
  const page = await newPage();
  await page.emulateMedia({ colorScheme: scheme });
  await page.goto(server.launchUrl);
  await page.waitForURL(/\/setup$/);
  await page.waitForSelector('text=Docker engine');
  await page.waitForTimeout(300);
  const p = `${scheme}-${scenario === 'failing' ? 'fail-' : ''}setup`;
  await shot(page, `${p}-1-checks`);
  if (scenario === 'failing')
    await page.getByRole('button', { name: 'Continue', exact: true }).click();
  else await page.getByRole('button', { name: 'Continue', exact: true }).click();
  await shot(page, `${p}-2-folders`);
  await page.getByRole('button', { name: 'Next' }).click();
  await shot(page, `${p}-3-mounts-empty`);
  await page.getByRole('button', { name: 'Add a folder' }).click();
  await page.getByLabel('Host folder (mount 1)').fill('relative/path');
  await page.getByLabel('Container path (mount 1)').fill('/home/node/.openclaw');
  await page.getByRole('button', { name: 'Next' }).click();
  await page.waitForTimeout(200);
  await shot(page, `${p}-3-mounts-invalid`);
  await page.getByLabel('Host folder (mount 1)').fill('/home/me/My Projects');
  await page.getByLabel('Container path (mount 1)').fill('/home/node/projects');
  await page.getByRole('switch', { name: /Read-only/ }).uncheck();
  await shot(page, `${p}-3-mounts`);
  await page.getByRole('button', { name: 'Next' }).click();
  await page.getByLabel('Debian packages').fill(scenario === 'failing' ? 'jqq' : 'jq');
  await page.getByLabel('Debian packages').press('Enter');
  await page.getByLabel('Debian packages').fill('Bad_Name');
  await page.getByLabel('Debian packages').press('Enter');
  await shot(page, `${p}-4-packages`);
  await page.getByLabel('Debian packages').fill('');
  await page.getByRole('button', { name: 'Next' }).click();
  await page.getByText('Docker volume', { exact: true }).click();
  await shot(page, `${p}-5-home`);
  // Every step label readable in full ("Home volume" was cut to "Home volu…").
  const cut = await page.$$eval('.stepper__item', (items) =>
    items
      .filter((item) => {
        const label = item.querySelector<HTMLElement>('.stepper__label');
        if (!label) return false;
        const overflows = label.scrollWidth > label.clientWidth + 1;
        return (
          overflows || label.getBoundingClientRect().right > item.getBoundingClientRect().right + 1
        );
      })
      .map((item) => item.textContent ?? ''),
  );
  if (cut.length) throw new Error(`stepper labels are cut off: ${cut.join(', ')}`);
  await page.getByRole('button', { name: 'Next' }).click();
  await shot(page, `${p}-6-network`);
  await page.getByRole('button', { name: 'Next' }).click();
  await shot(page, `${p}-7-review`);
  await page.getByRole('button', { name: 'Install and start' }).click();
  await page.waitForSelector('text=Build the image');
  await page.waitForTimeout(1600);
  await shot(page, `${p}-8-running`);
  // Navigation is blocked while it runs.
  await page.getByRole('link', { name: 'Logs' }).first().click({ force: true });
  await page.waitForTimeout(300);
  if (!page.url().endsWith('/setup'))
    throw new Error('navigation was not blocked during the setup');
  await shot(page, `${p}-8-blocked`);
  if (scenario === 'failing') {
    await page.waitForSelector('text=The setup did not finish', { timeout: 20_000 });
    await page.waitForTimeout(300);
    await shot(page, `${p}-9-failed`);
  } else {
    // The Model step: the fake host's Ollama stand-in is "Ollama on this computer".
    await page.waitForSelector('text=Choose a model', { timeout: 20_000 });
    await page.waitForTimeout(500);
    await shot(page, `${p}-9-model`);
    await page.locator('input[value="ollama"]').check({ force: true });
    await page.waitForSelector('text=Ollama found at');
    await page.getByRole('button', { name: 'Test', exact: true }).click();
    await page.waitForSelector('text=answered in');
    await shot(page, `${p}-9-model-tested`);
    await page.getByRole('button', { name: 'Save and continue' }).click();
    await page.waitForSelector('text=Saved: the gateway now uses');
    await shot(page, `${p}-9-model-saved`);
    await page.getByRole('button', { name: 'Continue', exact: true }).click();
    // The Sandbox step: off by default; turned on with a shared scope, built with live progress.
    await page.waitForSelector('text=Sandbox agent tools (optional)', { timeout: 20_000 });
    await page.waitForTimeout(300);
    await shotOf(page.locator('main'), `${p}-9s-sandbox`);
    await page.locator('input[value="non-main"]').check({ force: true });
    await page.locator('input[value="shared"]').check({ force: true });
    await page.locator('input[value="ro"]').check({ force: true });
    await shotOf(page.locator('main'), `${p}-9s-sandbox-chosen`);
    await page.getByRole('button', { name: 'Build and turn on' }).click();
    await page.waitForSelector('text=Step 3 of 6');
    await shotOf(page.locator('main'), `${p}-9s-sandbox-building`);
    await page.waitForSelector('text=The agent sandbox is on', { timeout: 20_000 });
    await page.waitForTimeout(300);
    await shotOf(page.locator('main'), `${p}-9s-sandbox-on`);
    await page.getByRole('button', { name: 'Continue', exact: true }).click();
    // The Chat apps step: the Channels page's cards; skipped here (Channels has its own shots).
    await page.waitForSelector('text=Chat apps (optional)', { timeout: 20_000 });
    await page.waitForSelector('text=WhatsApp', { timeout: 20_000 });
    await shotOf(page.locator('main'), `${p}-9c-chat-apps`);
    await page.getByRole('button', { name: 'Skip for now', exact: true }).click();
    await page.waitForSelector('text=Your gateway is running', { timeout: 20_000 });
    await shot(page, `${p}-9-done`);
    await page.getByRole('button', { name: 'Go to the Dashboard' }).click();
    await settle(page);
    await shot(page, `${p}-10-dashboard`);
  }
  await page.context().close();
  await server.close();
}

/** Settings after a failed apply (not applied: banner, chips), Retry, and the home volume reset. */
/** Settings → Model: a refused address at its field, and the ChatGPT sign-in command. */
async function modelSettings(scheme: 'light' | 'dark'): Promise<void> {
  const server = await startFakeHost('running');
  const page = await newPage();
  await page.emulateMedia({ colorScheme: scheme });
  await page.goto(server.launchUrl);
  await settle(page);
  await page.goto(`${server.url.replace(/\/$/, '')}/settings`);
  await settle(page);
  const section = page.locator('section[aria-labelledby="settings-model-heading"]');
  await section.locator('input[value="custom"]').check({ force: true });
  // Port 9 (discard) has no listener here: "Nothing answered at …".
  await section.getByLabel(/^Server address/).fill('http://127.0.0.1:9/v1');
  await section.getByLabel(/^Model/).fill('llama-3.1-8b');
  await section.getByRole('button', { name: 'Test', exact: true }).click();
  await section.getByText('Nothing answered at').waitFor();
  await section.scrollIntoViewIfNeeded();
  await page.evaluate(() => document.querySelector('main')?.scrollBy(0, 300));
  await page.waitForTimeout(200);
  await shot(page, `${scheme}-settings-model-unreachable`);
  await section.locator('input[value="codex"]').check({ force: true });
  await section.getByText('--provider openai-codex').waitFor();
  await page.waitForTimeout(200);
  await shot(page, `${scheme}-settings-model-codex`);
  await page.context().close();
  await server.close();
}

async function settingsChanges(scheme: 'light' | 'dark'): Promise<void> {
  const server = await startFakeHost('running');
  const page = await newPage();
  await page.emulateMedia({ colorScheme: scheme });
  await page.goto(server.launchUrl);
  await settle(page);
  await page.goto(`${server.url.replace(/\/$/, '')}/settings`);
  await settle(page);
  // A misspelt package: the fake build fails like apt-get would.
  await page.getByLabel('Debian packages').fill('ripgrepp');
  await page.getByLabel('Debian packages').press('Enter');
  await page.getByRole('button', { name: 'Review changes' }).click();
  await page.getByRole('button', { name: 'Rebuild and restart' }).click();
  await page.waitForSelector('text=The changes were not applied', { timeout: 15_000 });
  await page.waitForTimeout(300);
  await shot(page, `${scheme}-settings-apply-failed`);
  await page.getByRole('button', { name: 'Close' }).click();
  await page.waitForSelector('text=These changes are not applied');
  await page.waitForTimeout(300);
  await shot(page, `${scheme}-settings-not-applied`);
  await page.evaluate(() => document.querySelector('main')?.scrollTo(0, 900));
  await page.waitForTimeout(200);
  await shot(page, `${scheme}-settings-not-applied-chips`);
  // The app restarts: the change is still there, still not applied.
  await page.reload();
  await settle(page);
  await page.waitForSelector('text=These changes are not applied');
  await page.getByRole('button', { name: 'Retry' }).click();
  await page.waitForSelector('text=Retry the changes');
  await shot(page, `${scheme}-settings-retry-plan`);
  await page.getByRole('button', { name: 'Cancel' }).click();
  await page.getByRole('button', { name: 'Discard', exact: true }).first().click();
  await page.waitForTimeout(400);
  if (await page.getByText('These changes are not applied').count())
    throw new Error('Discard left the banner');
  await page.getByRole('button', { name: 'Reset home volume…' }).click();
  await page.getByLabel('Type openclaw-home to confirm').fill('openclaw-home');
  await shot(page, `${scheme}-settings-reset-home`);
  await page.getByRole('button', { name: 'Reset home volume', exact: true }).click();
  await page.waitForSelector('text=The home volume is empty again');
  await shot(page, `${scheme}-settings-reset-home-done`);
  await page.getByRole('button', { name: 'Done' }).click();
  await page.evaluate(() => document.querySelector('main')?.scrollTo(0, 10_000));
  await page.waitForTimeout(200);
  await shot(page, `${scheme}-settings-bottom`);
  await page.context().close();
  await server.close();
}

/** Sandboxes: the table, the logs dialog, prune, the empty state, and no Docker engine. */
async function sandboxes(scheme: 'light' | 'dark'): Promise<void> {
  const server = await startFakeHost('running');
  const page = await newPage();
  await page.emulateMedia({ colorScheme: scheme });
  await page.goto(server.launchUrl);
  await settle(page);
  await page.goto(`${server.url.replace(/\/$/, '')}/sandboxes`);
  await settle(page);
  await page.waitForSelector('text=matches config');
  await shot(page, `sandboxes-${scheme}-list`);
  await page.getByRole('button', { name: 'Logs' }).first().click();
  await page.waitForSelector('.sandboxes__log');
  await shot(page, `sandboxes-${scheme}-logs`);
  await page.getByRole('button', { name: 'Close', exact: true }).click();
  await page.getByLabel('Prune').selectOption('1');
  await page.getByRole('button', { name: 'Prune idle' }).click();
  await page.waitForSelector('text=Prune idle sandboxes?');
  await shot(page, `sandboxes-${scheme}-prune`);
  await page.getByRole('button', { name: 'Prune', exact: true }).click();
  await page.waitForTimeout(500);
  await page.getByRole('button', { name: 'Remove', exact: true }).click();
  await page.getByRole('dialog').getByRole('button', { name: 'Remove', exact: true }).click();
  await page.waitForSelector('text=No sandbox containers');
  await page.waitForTimeout(300);
  await shot(page, `sandboxes-${scheme}-empty`);
  await page.context().close();
  await server.close();
  // Settings → Sandbox: turn it on (setup with progress), then a shared scope with its warning.
  const server2 = await startFakeHost('running');
  const page3 = await newPage();
  await page3.emulateMedia({ colorScheme: scheme });
  await page3.goto(server2.launchUrl);
  await settle(page3);
  await page3.goto(`${server2.url.replace(/\/$/, '')}/settings`);
  await settle(page3);
  const section = page3.locator('section[aria-labelledby="settings-sandbox-heading"]');
  await section.scrollIntoViewIfNeeded();
  await shotOf(section, `sandboxes-${scheme}-settings-off`);
  await section.locator('input[value="all"]').check({ force: true });
  await section.locator('input[value="custom"]').check({ force: true });
  await section.getByLabel('Image tag').fill('My Sandbox');
  await section.getByLabel('Image tag').blur();
  await shotOf(section, `sandboxes-${scheme}-settings-custom-invalid`);
  await section.locator('input[value="common"]').check({ force: true });
  // The failing scenario: the build of the image with build tools fails at apt.
  server2.fake.setScenario('failing');
  await section.getByRole('button', { name: 'Build and turn on' }).click();
  await page3.getByRole('dialog').getByRole('button', { name: 'Build and turn on' }).click();
  await section.getByText('The sandbox is still off').waitFor({ timeout: 20_000 });
  await section.getByText('The sandbox is still off').scrollIntoViewIfNeeded();
  await page3.waitForTimeout(300);
  await shotOf(section, `sandboxes-${scheme}-settings-build-failed`);
  server2.fake.setScenario('running');
  await section.locator('input[value="default"]').check({ force: true });
  await section.getByRole('button', { name: 'Build and turn on' }).click();
  await page3.getByRole('dialog').getByRole('button', { name: 'Build and turn on' }).click();
  await page3.waitForTimeout(900);
  await shotOf(section, `sandboxes-${scheme}-settings-turning-on`);
  await section.getByRole('button', { name: 'See containers' }).waitFor({ timeout: 20_000 });
  await section.locator('input[value="shared"]').check({ force: true });
  await section.locator('input[value="ro"]').check({ force: true });
  await section.getByText('Sessions are not isolated').scrollIntoViewIfNeeded();
  await page3.waitForTimeout(300);
  await shotOf(section, `sandboxes-${scheme}-settings-on`);
  await page3.context().close();
  await server2.close();
  // Not set up: the fake host has no engine then.
  const fresh = await startFakeHost('fresh');
  const page2 = await newPage();
  await page2.emulateMedia({ colorScheme: scheme });
  await page2.goto(fresh.launchUrl);
  await page2.waitForTimeout(800);
  await page2.goto(`${fresh.url.replace(/\/$/, '')}/sandboxes`);
  await page2.waitForSelector('text=No Docker engine');
  await page2.waitForTimeout(300);
  await shot(page2, `sandboxes-${scheme}-no-engine`);
  await page2.context().close();
  await fresh.close();
}

async function noHost(): Promise<void> {
  // Served without a host token: only the Control UI section exists.
  const server = await startFakeHost('running');
  const page = await newPage();
  await page.goto(server.url);
  await page.waitForTimeout(1200);
  await shot(page, 'light-no-host');
  await page.context().close();
  await server.close();
}

try {
  if (!only || only === 'pages') await pages();
  if (!only || only === 'wizard') {
    await wizard('light', 'fresh');
    await wizard('dark', 'fresh');
  }
  if (!only || only === 'fail') await wizard('light', 'failing');
  if (!only || only === 'nohost') await noHost();
  if (!only || only === 'model') {
    await modelSettings('light');
    await modelSettings('dark');
  }
  if (!only || only === 'sandboxes') {
    await sandboxes('light');
    await sandboxes('dark');
  }
  if (!only || only === 'settings') {
    await settingsChanges('light');
    await settingsChanges('dark');
  }
} finally {
  await browser.close();
}
if (errors.length) {
  process.stdout.write(`\nbrowser errors:\n${[...new Set(errors)].join('\n')}\n`);
  process.exitCode = 1;
}
