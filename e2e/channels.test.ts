/**
 * The Channels page and the chat-sender half of Approvals in a real Chromium, on the built
 * renderer, against a real gateway (in-process, the real Telegram adapter) talking to crabline's
 * Telegram Bot API server. The app's host calls are the real ones (electron/host/channels) over
 * the app's real operator connection; only the rest of the host is the scripted test host.
 * - a malformed token is refused at its field, nothing written;
 * - the crabline bot's token added on the page → openclaw.json → the gateway reloads → Connected
 *   as @oc_e2e_bot;
 * - a DM from an unknown sender (crabline's admin endpoint) → the bot sends a code → the request
 *   shows on Approvals with that code and the command-owner box (none yet);
 * - Approve → gone from the list, the sender is in the allowFrom store and is the command owner,
 *   and their next message is answered by the agent (OpenAI stand-in) in the same chat;
 * - Remove turns the channel off (token kept).
 */
import { existsSync, promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startTelegramServer } from '@openclaw/crabline';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import type { HeadlessServer } from '../electron/host/api/headless-server.js';
import { registerOperatorDevice } from '../electron/host/pairing/bootstrap.js';
import { OperatorConnection } from '../electron/host/pairing/operator-connection.js';
import { loadOrCreateOperatorIdentity } from '../electron/host/pairing/operator-identity.js';
import { FileSecretStore } from '../electron/host/pairing/secret-store.js';
import { loadChannelAdapter } from '../gateway/channels/adapters.js';
import { qrMatrixFromPng } from '../gateway/channels/qr/png-matrix.js';
import { readQrText } from '../gateway/channels/qr/qr-read.js';
import { createTelegramAdapter } from '../gateway/channels/telegram/index.js';
import {
  startWhatsAppLinkStandIn,
  type WhatsAppLinkStandIn,
} from '../gateway/testing/whatsapp-link-stand-in.js';
import { startOpenAiStandIn, type OpenAiStandIn } from '../gateway/testing/openai-stand-in.js';
import { startTestGateway, TEST_TOKEN, type TestGateway } from '../gateway/testing/test-gateway.js';
import { startFakeHost, type FakeHost } from '../renderer/testing/fake-host.js';

const ROOT = path.resolve(__dirname, '..');
const CHROMIUM = '/usr/bin/chromium';
const UI_INDEX = path.join(ROOT, 'dist/control-ui/index.html');
const SHOTS = process.env.CHANNEL_SHOTS_DIR ?? path.join(ROOT, 'test-results/screenshots');
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

type Crabline = Awaited<ReturnType<typeof startTelegramServer>>;

describe.skipIf(skip !== undefined)(
  `Channels and chat approvals in Chromium${skip ? ` (SKIPPED: ${skip})` : ''}`,
  () => {
    let tmp: string;
    let telegram: Crabline;
    let standIn: OpenAiStandIn;
    let whatsapp: WhatsAppLinkStandIn;
    let gw: TestGateway;
    let operator: OperatorConnection;
    let server: HeadlessServer & { fake: FakeHost };
    let browser: Browser;
    let page: Page;
    const sent: string[] = [];
    const pageErrors: string[] = [];

    const heading = (title: string) => page.getByRole('heading', { name: title, level: 1 });
    const card = (title: string) =>
      page
        .locator('section, .ui-card')
        .filter({ has: page.getByRole('heading', { name: title, level: 2 }) });
    async function shotBoth(name: string): Promise<void> {
      // Tall enough for the whole page: the app scrolls inside its main pane, not the document.
      await page.setViewportSize({ width: 1280, height: 1700 });
      for (const scheme of ['light', 'dark'] as const) {
        await page.emulateMedia({ colorScheme: scheme });
        await page.waitForTimeout(300);
        await page.evaluate(() => document.fonts.ready);
        await page.screenshot({
          path: path.join(SHOTS, `channels-${name}-${scheme}.png`),
          fullPage: true,
        });
      }
      await page.emulateMedia({ colorScheme: 'light' });
      await page.setViewportSize({ width: 1280, height: 900 });
    }
    const openPage = async (link: string, title: string) => {
      await page
        .getByRole('link', { name: new RegExp(`^${link}`) })
        .first()
        .click();
      await heading(title).waitFor({ timeout: 10_000 });
    };
    /** A direct message from the Telegram user alice (777000111), through crabline's admin door. */
    const dm = (text: string) =>
      fetch(telegram.manifest.endpoints.adminInboundUrl, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'x-crabline-admin-token': telegram.manifest.adminToken,
        },
        body: JSON.stringify({
          chatId: '777000111',
          fromId: 777000111,
          fromUsername: 'alice',
          text,
        }),
      });
    const config = async () =>
      JSON.parse(await fs.readFile(gw.paths.configPath, 'utf8')) as {
        channels?: { telegram?: Record<string, unknown> };
        commands?: { ownerAllowFrom?: string[] };
      };

    beforeAll(async () => {
      tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'channels-e2e-'));
      await fs.mkdir(SHOTS, { recursive: true });
      telegram = await startTelegramServer({
        recorderPath: path.join(tmp, 'telegram.jsonl'),
        botUsername: 'oc_e2e_bot',
        onEvent: (e) => {
          const event = e as { type: string; path: string; body?: { text?: unknown } };
          if (event.type === 'api' && event.path.endsWith('/sendMessage'))
            sent.push(String(event.body?.text ?? ''));
        },
      });
      standIn = await startOpenAiStandIn({ apiKey: 'k' });
      whatsapp = await startWhatsAppLinkStandIn({ refs: 5 });
      gw = await startTestGateway(
        {
          models: {
            providers: {
              s: {
                baseUrl: standIn.baseUrl,
                apiKey: 'k',
                api: 'openai-completions',
                models: [{ id: 'e', name: 'E', input: ['text'] }],
              },
            },
          },
          agents: { defaults: { model: 's/e' } },
          // Where the bot API is; the token comes from the page.
          channels: { telegram: { apiRoot: telegram.manifest.endpoints.apiRoot } },
        },
        {
          env: { OPENCLAW_WHATSAPP_WEB_SOCKET_URL: whatsapp.url },
          channels: {
            // A short long-poll so stopping the bot at the end is quick; the others as shipped.
            loadAdapter: async (id) =>
              id === 'telegram'
                ? createTelegramAdapter({ pollTimeoutSeconds: 1 })
                : loadChannelAdapter(id),
          },
        },
      );
      const identityDir = path.join(tmp, 'app');
      const identity = await loadOrCreateOperatorIdentity(
        new FileSecretStore(identityDir),
        identityDir,
      );
      operator = new OperatorConnection({
        url: gw.url,
        identity,
        sharedToken: () => TEST_TOKEN,
        register: () => registerOperatorDevice(gw.paths, identity),
        clientVersion: 'e2e',
      });
      operator.start();
      await vi.waitFor(() => expect(operator.connected).toBe(true), {
        timeout: 15_000,
        interval: 50,
      });
      server = await startFakeHost('running', 0, {
        channels: { source: operator, stateDir: gw.paths.stateDir, pollMs: 1000 },
      });
      const { chromium } = await import('playwright-core');
      browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
      const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
      page = await context.newPage();
      page.on('pageerror', (e) => pageErrors.push(e.message));
      await page.goto(server.launchUrl);
      await page
        .getByRole('link', { name: 'Channels', exact: true })
        .first()
        .waitFor({ timeout: 20_000 });
    }, 60_000);

    afterAll(async () => {
      await browser?.close();
      await server?.close();
      await operator?.stop();
      await gw?.stop();
      await standIn?.close();
      await telegram?.close();
      await whatsapp?.close();
      if (tmp) await fs.rm(tmp, { recursive: true, force: true });
    });

    it('refuses a malformed token at its field and writes nothing', async () => {
      await openPage('Channels', 'Channels');
      const tg = card('Telegram');
      await tg.getByLabel('Bot token').fill('12345-not-a-token');
      await tg.getByRole('button', { name: 'Add Telegram' }).click();
      await tg.getByText('does not look like a Telegram bot token').waitFor();
      expect((await config()).channels?.telegram?.botToken).toBeUndefined();
    });

    it('adds the bot: saved as set, the gateway connects it, the token is never shown', async () => {
      const tg = card('Telegram');
      const token = telegram.manifest.botToken;
      await tg.getByLabel('Bot token').fill(token);
      await tg.getByRole('button', { name: 'Add Telegram' }).click();
      await tg.getByLabel('Replace the bot token').waitFor({ timeout: 10_000 });
      expect((await config()).channels?.telegram).toMatchObject({ botToken: token, enabled: true });
      await tg.getByText('@oc_e2e_bot').waitFor({ timeout: 20_000 });
      await tg.getByText('Connected', { exact: true }).first().waitFor({ timeout: 20_000 });
      expect(await page.content()).not.toContain(token.split(':')[1]);
      await shotBoth('page');
    }, 60_000);

    it('a new sender’s code shows on Approvals; Approve lets them in, makes them owner, and the agent answers', async () => {
      await dm('hello bot');
      await expect
        .poll(() => sent.find((t) => /[A-Z2-9]{8}/.test(t)), { timeout: 20_000 })
        .toBeTruthy();
      const code = /\b([A-Z2-9]{8})\b/.exec(sent.find((t) => /[A-Z2-9]{8}/.test(t))!)![1]!;

      await openPage('Approvals', 'Approvals');
      const senders = card('Chat senders waiting');
      await senders.getByText(code, { exact: true }).waitFor({ timeout: 10_000 });
      await senders.getByText('Make this sender the command owner').waitFor();
      await shotBoth('approvals');

      await senders.getByRole('button', { name: /^Approve / }).click();
      await senders.getByText('No chat senders waiting').waitFor({ timeout: 10_000 });
      const allow = JSON.parse(
        await fs.readFile(
          path.join(gw.paths.stateDir, 'credentials', 'telegram-default-allowFrom.json'),
          'utf8',
        ),
      ) as unknown;
      expect(JSON.stringify(allow)).toContain('777000111');
      expect((await config()).commands?.ownerAllowFrom?.join(',')).toContain('777000111');

      // Now let in: the next message is an agent run, answered in the same chat.
      standIn.script.enqueue({ reply: 'text', text: 'Hello Alice, approved from the app' });
      await dm('what can you do?');
      await expect
        .poll(() => sent.includes('Hello Alice, approved from the app'), { timeout: 20_000 })
        .toBe(true);
    }, 60_000);

    it('who may DM: an empty allowlist is refused in place, a listed id is saved, open warns', async () => {
      await openPage('Channels', 'Channels');
      const tg = card('Telegram');
      await tg.locator('input[type="radio"][value="allowlist"]').check({ force: true });
      await tg.getByText('Add at least one sender id').waitFor();
      await shotBoth('allowlist-empty');
      expect(await tg.getByRole('button', { name: 'Save who may message' }).isDisabled()).toBe(
        true,
      );
      const ids = tg.getByLabel('Allowed sender ids');
      await ids.fill('777000111');
      await ids.press('Enter');
      await tg.getByRole('button', { name: 'Save who may message' }).click();
      await expect
        .poll(async () => (await config()).channels?.telegram, { timeout: 10_000 })
        .toMatchObject({ dmPolicy: 'allowlist', allowFrom: ['777000111'] });
      await tg.locator('input[type="radio"][value="open"]').check({ force: true });
      await tg.getByText('Anyone can talk to your agent').waitFor();
      await shotBoth('dm-open');
      await tg.locator('input[type="radio"][value="pairing"]').check({ force: true });
      await tg.getByRole('button', { name: 'Save who may message' }).click();
      await expect
        .poll(async () => (await config()).channels?.telegram?.dmPolicy, { timeout: 10_000 })
        .toBe('pairing');
    }, 30_000);

    it('links WhatsApp: the QR image the phone scans, then "Linked as +…"; Log out', async () => {
      await openPage('Channels', 'Channels');
      const wa = card('WhatsApp');
      await wa.getByRole('button', { name: 'Link a phone' }).click();
      const img = wa.getByRole('img', { name: 'WhatsApp link QR code' });
      await img.waitFor({ timeout: 20_000 });
      const src = (await img.getAttribute('src')) ?? '';
      expect(src.startsWith('data:image/png;base64,')).toBe(true);
      expect((await config()).channels).toHaveProperty('whatsapp');
      await page.setViewportSize({ width: 1280, height: 1700 });
      await page.evaluate(() => document.fonts.ready);
      await page.screenshot({
        path: path.join(SHOTS, 'channels-whatsapp-qr-light.png'),
        fullPage: true,
      });
      await page.setViewportSize({ width: 1280, height: 900 });
      const png = Buffer.from(src.slice(src.indexOf(',') + 1), 'base64');
      whatsapp.scan(readQrText(qrMatrixFromPng(png)));
      await wa.getByText(/Linked as \+15550000000/).waitFor({ timeout: 30_000 });
      await wa.getByRole('button', { name: 'Log out' }).click();
      await wa.getByRole('button', { name: 'Link a phone' }).waitFor({ timeout: 20_000 });
      expect(whatsapp.events).toContain('logout');
    }, 90_000);

    it('Remove turns the channel off and keeps its token', async () => {
      await openPage('Channels', 'Channels');
      const tg = card('Telegram');
      await tg.getByRole('button', { name: 'Remove Telegram' }).click();
      await page.getByRole('button', { name: 'Turn off Telegram' }).click();
      await tg.getByRole('button', { name: 'Turn on' }).waitFor({ timeout: 10_000 });
      expect((await config()).channels?.telegram).toMatchObject({
        enabled: false,
        botToken: telegram.manifest.botToken,
      });
    }, 30_000);

    it('a token the Bot API refuses: the account says so, without the token', async () => {
      const tg = card('Telegram');
      await tg.getByRole('button', { name: 'Turn on' }).click();
      const wrong = '999999999:AAwrongwrongwrongwrongwrongwrongwrong';
      await tg.getByLabel('Replace the bot token').fill(wrong);
      await tg.getByRole('button', { name: 'Replace token' }).click();
      const error = tg.locator('.channel-account__error');
      await error.waitFor({ timeout: 30_000 });
      expect(await error.textContent()).toMatch(/token/i);
      expect(await page.content()).not.toContain('wrongwrongwrong');
      await shotBoth('bad-token');
      expect(pageErrors).toEqual([]);
    }, 60_000);
  },
);
