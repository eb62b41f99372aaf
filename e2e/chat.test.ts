/**
 * The Chat page in a real Chromium against the real gateway (the built `dist/gateway` serving the
 * built `dist/control-ui`), its model a custom provider pointing at the OpenAI stand-in (the real
 * pi-ai client speaks to it):
 * - a message streams back as Markdown (bold, list, a highlighted code block with a copy button);
 * - the model asks for `write`: a tool card with its arguments and result, the file in the workspace;
 * - Esc stops a long answer mid-stream; a provider 429 shows its error with the next step;
 * - a reload mid-answer (a new connection) picks the running answer up and sees it to the end;
 * - a gateway restart: the conversation stays on screen with a banner, then sending works again;
 * - the model picker saves with `sessions.patch` (the next request names the picked model);
 *   new chat, search and delete in the sidebar;
 * - screenshots in light and dark (test-results/screenshots/chat-*.png).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { freePort } from '../gateway/testing/free-port.js';
import { startOpenAiStandIn, type OpenAiStandIn } from '../gateway/testing/openai-stand-in.js';
import { waitForReady } from './support/wait-for-ready.js';

const ROOT = path.resolve(__dirname, '..');
const CHROMIUM = '/usr/bin/chromium';
const GATEWAY_BIN = path.join(ROOT, 'dist/gateway/openclaw.mjs');
const UI_INDEX = path.join(ROOT, 'dist/control-ui/index.html');
const SHOTS = path.join(ROOT, 'test-results/screenshots');
const TOKEN = 'e2e-chat-token-7d3b1c0a9e';
const KEY = 'sk-standin-chat-0123456789abcdef';

const skipReason = !existsSync(CHROMIUM)
  ? `no Chromium at ${CHROMIUM} (apt-get install -y chromium)`
  : !existsSync(UI_INDEX) || !existsSync(GATEWAY_BIN)
    ? 'the gateway or the Control UI is not built (run `npm run build` first)'
    : undefined;
if (skipReason) console.warn(`SKIPPED chat e2e: ${skipReason}`);

const ANSWER = [
  'I wrote **notes.md** for you. It has:',
  '',
  '- a title',
  '- one line of text',
  '',
  'Read it back with:',
  '',
  '```ts',
  "const notes: string = await read('notes.md');",
  '```',
].join('\n');

describe.skipIf(skipReason !== undefined)(
  `Chat page in Chromium${skipReason ? ` (SKIPPED: ${skipReason})` : ''}`,
  () => {
    let stateDir: string;
    let gateway: ChildProcess;
    let output = '';
    let port: number;
    let standIn: OpenAiStandIn;
    let browser: Browser;
    let page: Page;
    const pageErrors: string[] = [];

    async function shot(name: string): Promise<void> {
      await page.evaluate(() => document.fonts.ready);
      await page.screenshot({ path: path.join(SHOTS, `${name}.png`) });
    }

    async function startGatewayProcess(): Promise<void> {
      gateway = spawn(
        process.execPath,
        [GATEWAY_BIN, 'gateway', 'run', '--port', String(port), '--token', TOKEN],
        {
          env: {
            ...process.env,
            OPENCLAW_STATE_DIR: stateDir,
            OPENCLAW_CONTROL_UI_ROOT: path.join(stateDir, 'control-ui'),
            NO_COLOR: '1',
          },
          stdio: ['ignore', 'pipe', 'pipe'],
        },
      );
      gateway.stdout?.on('data', (d: Buffer) => (output += d.toString()));
      gateway.stderr?.on('data', (d: Buffer) => (output += d.toString()));
      await waitForReady(port, gateway, () => output);
    }

    async function shotBoth(name: string): Promise<void> {
      await shot(`${name}-light`);
      await page.emulateMedia({ colorScheme: 'dark' });
      // Let the colour transitions finish before the picture.
      await page.waitForTimeout(300);
      await shot(`${name}-dark`);
      await page.emulateMedia({ colorScheme: 'light' });
      await page.waitForTimeout(300);
    }

    const composer = () => page.getByRole('textbox', { name: 'Message' });
    const answers = () => page.locator('.chat-msg--assistant');

    async function send(text: string): Promise<void> {
      await composer().fill(text);
      await composer().press('Enter');
    }

    beforeAll(async () => {
      await fs.mkdir(SHOTS, { recursive: true });
      stateDir = await fs.mkdtemp(path.join(os.tmpdir(), 'openclaw-chat-e2e-'));
      await fs.cp(path.dirname(UI_INDEX), path.join(stateDir, 'control-ui'), { recursive: true });
      standIn = await startOpenAiStandIn({ apiKey: KEY });
      port = await freePort();
      const config = {
        gateway: { mode: 'local', port, auth: { mode: 'token', token: TOKEN } },
        logging: { file: path.join(stateDir, 'gateway.log') },
        models: {
          providers: {
            'stand-in': {
              baseUrl: standIn.baseUrl,
              apiKey: KEY,
              api: 'openai-completions',
              models: [
                { id: 'echo-1', name: 'Echo', input: ['text'], contextWindow: 32000 },
                { id: 'echo-large', name: 'Echo Large', input: ['text'], contextWindow: 128000 },
              ],
            },
          },
        },
        agents: { defaults: { model: 'stand-in/echo-1' } },
      };
      await fs.writeFile(path.join(stateDir, 'openclaw.json'), JSON.stringify(config, null, 2));
      await startGatewayProcess();
      const { chromium } = await import('playwright-core');
      browser = await chromium.launch({
        executablePath: CHROMIUM,
        args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking'],
      });
      const context = await browser.newContext({
        viewport: { width: 1280, height: 860 },
        colorScheme: 'light',
      });
      await context.grantPermissions(['clipboard-read', 'clipboard-write']);
      page = await context.newPage();
      page.on('pageerror', (e) => pageErrors.push(e.message));
    }, 60_000);

    afterEach(async (ctx) => {
      if (ctx.task.result?.state === 'fail' && page) {
        await page
          .screenshot({ path: path.join(SHOTS, `failure-chat-${ctx.task.name.slice(0, 40)}.png`) })
          .catch(() => {});
      }
      standIn.script.clear();
    });

    afterAll(async () => {
      await browser?.close().catch(() => {});
      if (gateway && gateway.exitCode === null) {
        gateway.kill('SIGTERM');
        await new Promise((r) => gateway.once('exit', r));
      }
      await standIn?.close();
      if (stateDir) await fs.rm(stateDir, { recursive: true, force: true });
    }, 30_000);

    it('streams an answer as Markdown, with a tool card for the write it made', async () => {
      await page.goto(`http://127.0.0.1:${port}/control/chat#token=${TOKEN}`);
      await page.getByRole('heading', { name: 'What should the agent do?' }).waitFor();
      await shotBoth('chat-empty');
      standIn.script.enqueue(
        {
          reply: 'tool',
          text: 'Writing the file now.',
          calls: [
            { name: 'write', arguments: { path: 'notes.md', content: '# Notes\nFirst line.\n' } },
          ],
        },
        { reply: 'text', text: ANSWER, chunkSize: 6, delayMs: 15 },
      );
      await send('Please write notes.md');

      const answer = answers().last();
      await answer.locator('strong', { hasText: 'notes.md' }).waitFor({ timeout: 15_000 });
      await answer.locator('.chat-msg__footer').waitFor({ timeout: 15_000 });
      expect(await answer.locator('.chat-md li').allInnerTexts()).toEqual([
        'a title',
        'one line of text',
      ]);
      // The code block: highlighted (the highlighter chunk loaded) and copyable.
      await answer.locator('code.hljs.language-ts .hljs-keyword').first().waitFor();
      await answer.getByRole('button', { name: 'Copy code' }).click();
      expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(
        "const notes: string = await read('notes.md');",
      );

      // The tool card: collapsed to a line, open to its arguments and result.
      const card = answer.locator('details.chat-tool');
      await expect.poll(() => card.count()).toBe(1);
      expect(await card.locator('summary').innerText()).toMatch(/write\s+notes\.md\s+Done/);
      await card.locator('summary').click();
      await card.getByText('"content": "# Notes\\nFirst line.\\n"').waitFor();
      expect(await card.locator('section').nth(1).innerText()).toMatch(/Result/i);
      expect(await fs.readFile(path.join(stateDir, 'workspace/notes.md'), 'utf8')).toBe(
        '# Notes\nFirst line.\n',
      );
      // The sidebar lists the conversation under its first message.
      await page
        .getByRole('navigation', { name: 'Conversations' })
        .getByText('Please write notes.md')
        .waitFor();
      // The tool call came before the text after it.
      const order = await answer.evaluate((el) =>
        [...el.querySelectorAll('.chat-md, .chat-tool')].map((n) =>
          n.classList.contains('chat-tool') ? 'tool' : 'text',
        ),
      );
      expect(order).toEqual(['text', 'tool', 'text']);

      await shotBoth('chat-answer');
    }, 60_000);

    it('Esc stops a long answer mid-stream and keeps what came', async () => {
      const long = `${'The quick brown fox jumps over the lazy dog. '.repeat(60)}THE END`;
      standIn.script.enqueue({ reply: 'text', text: long, chunkSize: 8, delayMs: 40 });
      await send('Tell me a long story');
      const answer = answers().last();
      await answer.getByText('The quick brown fox', { exact: false }).first().waitFor();
      await page.getByRole('button', { name: 'Stop' }).waitFor();
      await shotBoth('chat-streaming');
      await composer().press('Escape');
      await answer.getByText('Stopped', { exact: false }).waitFor({ timeout: 10_000 });
      expect(await answer.innerText()).not.toContain('THE END');
      await page.getByRole('button', { name: 'Send' }).waitFor();
    }, 60_000);

    it('shows a provider error with what to do next', async () => {
      standIn.script.enqueue({ reply: 'error', status: 429, retryAfterSeconds: 0 });
      standIn.script.enqueue({ reply: 'error', status: 429, retryAfterSeconds: 0 });
      standIn.script.enqueue({ reply: 'error', status: 429, retryAfterSeconds: 0 });
      await send('Are you there?');
      const alert = answers().last().getByRole('alert');
      await alert.waitFor({ timeout: 20_000 });
      const text = await alert.innerText();
      expect(text).toMatch(/limit/i);
      expect(text).not.toContain(KEY);
      await shotBoth('chat-error');
    }, 60_000);

    it('picks a running answer up again after a reload (a new connection)', async () => {
      const text = `${'Counting sheep, one by one. '.repeat(25)}Fell asleep.`;
      standIn.script.enqueue({ reply: 'text', text, chunkSize: 6, delayMs: 30 });
      await send('Count sheep');
      await answers().last().getByText('Counting sheep', { exact: false }).first().waitFor();
      await page.reload();
      const answer = answers().last();
      // Still streaming on the new connection: shown as running, growing, not yet at its end.
      await page.getByRole('button', { name: 'Stop' }).waitFor({ timeout: 10_000 });
      await answer.getByText('Counting sheep', { exact: false }).first().waitFor();
      expect(await answer.innerText()).not.toContain('Fell asleep.');
      await answer.getByText('Fell asleep.', { exact: false }).waitFor({ timeout: 20_000 });
      await answer.locator('.chat-msg__footer').waitFor();
      // Once: the live copy gave way to the history, not shown next to it.
      expect(await page.getByText('Fell asleep.', { exact: false }).count()).toBe(1);
      expect(await page.locator('.chat-msg--user', { hasText: 'Count sheep' }).count()).toBe(1);
    }, 60_000);

    it('rides out a gateway restart: the conversation stays, the composer waits, then it works', async () => {
      const exited = new Promise((r) => gateway.once('exit', r));
      gateway.kill('SIGTERM');
      await exited;
      await page.getByText('reconnecting', { exact: false }).first().waitFor({ timeout: 15_000 });
      await page.getByText('Reconnecting to the gateway…').waitFor();
      // The conversation stays readable and the composer stays on screen.
      expect(await page.locator('.chat-msg--user').count()).toBeGreaterThan(0);
      const box = await composer().boundingBox();
      expect(box!.y + box!.height).toBeLessThanOrEqual(860);
      await shotBoth('chat-reconnecting');
      await startGatewayProcess();
      await page
        .getByText('Reconnecting to the gateway…')
        .waitFor({ state: 'detached', timeout: 20_000 });
      standIn.script.enqueue({ reply: 'text', text: 'Back after the restart.' });
      await send('Still there?');
      await answers().last().getByText('Back after the restart.').waitFor({ timeout: 15_000 });
    }, 60_000);

    it('saves the picked model, starts a new chat, finds and deletes it', async () => {
      const model = page.getByRole('combobox', { name: 'Model' });
      await model.selectOption('stand-in/echo-large');
      await expect.poll(() => model.inputValue()).toBe('stand-in/echo-large');
      standIn.script.enqueue({ reply: 'text', text: 'Answered by the large model.' });
      const before = standIn.requests.length;
      await send('Which model?');
      await answers().last().getByText('Answered by the large model.').waitFor();
      expect(standIn.requests.slice(before).map((r) => r.body.model)).toEqual(['echo-large']);
      await page
        .getByText(/tokens/)
        .first()
        .waitFor();

      await page.getByRole('button', { name: 'New chat' }).click();
      await page.getByRole('heading', { name: 'What should the agent do?' }).waitFor();
      expect(await composer().evaluate((el) => el === document.activeElement)).toBe(true);
      standIn.script.enqueue({ reply: 'text', text: 'A fresh start.' });
      await send('Zebra facts please');
      await answers().last().getByText('A fresh start.').waitFor();
      const sidebar = page.getByRole('navigation', { name: 'Conversations' });
      await sidebar.getByText('Zebra facts please').waitFor();

      await page.getByRole('searchbox', { name: 'Search conversations' }).fill('zebra');
      await expect.poll(() => sidebar.locator('.chat-side__item').count()).toBe(1);
      await shotBoth('chat-sidebar-search');
      await page.getByRole('searchbox', { name: 'Search conversations' }).fill('');

      await page.getByRole('button', { name: 'Delete conversation' }).click();
      const dialog = page.getByRole('dialog');
      await dialog.getByText('Delete “Zebra facts please”?').waitFor();
      await dialog.getByRole('button', { name: 'Delete' }).click();
      await expect.poll(() => sidebar.getByText('Zebra facts please').count()).toBe(0);
      expect(pageErrors).toEqual([]);
    }, 60_000);
  },
);
