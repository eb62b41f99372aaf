/**
 * The first run as a person does it, in a real Chromium against the headless host and the real
 * Docker engine (a private compose project, image tag and home volume, so a real stack is never
 * touched):
 * - the launch URL opens the setup wizard; every step is filled in through the UI: checks →
 *   folders → an extra folder whose host path has a space → `jq` as apt package → a named home
 *   volume → a free port → review → install with live build progress → running;
 * - the in-app Control UI loads and connects (the host approves its own renderer);
 * - the Model step points the agent at a model server on this computer (a stand-in that speaks
 *   OpenAI's wire format, listening on all interfaces as a LAN model server does): Test and Save
 *   call it from the host, the gateway in its container reaches it through host.docker.internal;
 * - the in-app Chat page: the agent writes a file with a tool (it lands in the workspace folder
 *   on the host) and answers;
 * - a second browser opens the gateway's own Control UI: through Docker's NAT it is remote, so it
 *   gets "pairing required" with the request id; approving that id on the Approvals page of the
 *   first browser lets it in by itself, and its Chat page shows the same conversation and goes on
 *   with it (another tool call).
 * Screenshots of each step and state: test-results/screenshots/first-run-*.png.
 */
import { execFile } from 'node:child_process';
import { existsSync, promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../gateway/testing/free-port.js';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import {
  createDockerClient,
  detectCompose,
  imageExists,
  pingEngine,
  removeImage,
} from '../docker/engine/index.js';
import { testRunId } from '../docker/engine/integration-support.js';
import { startOpenAiStandIn, type OpenAiStandIn } from '../gateway/testing/openai-stand-in.js';
import { startHeadlessServer, type HeadlessServer } from '../electron/host/api/headless-server.js';
import { createAppHost } from '../electron/host/app-host.js';
import type { AppHost } from '../electron/host/app-host-types.js';

const ROOT = path.resolve(__dirname, '..');
const CHROMIUM = '/usr/bin/chromium';
const UI_ROOT = path.join(ROOT, 'dist/control-ui');
const BUNDLE = path.join(ROOT, 'dist/gateway');
const SHOTS = path.join(ROOT, 'test-results/screenshots');
const NODE_BASE = 'openclaw-base/node:22-bookworm-slim';
const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

const run = promisify(execFile);

async function prerequisites(): Promise<string | undefined> {
  if (!existsSync(CHROMIUM)) return `no Chromium at ${CHROMIUM} (apt-get install -y chromium)`;
  if (!existsSync(path.join(UI_ROOT, 'index.html')))
    return 'dist/control-ui is not built (npm run build)';
  if (!existsSync(path.join(BUNDLE, 'openclaw.mjs'))) return 'no gateway bundle (npm run build)';
  try {
    const docker = createDockerClient({ env: process.env });
    if (!(await pingEngine(docker)).ok) return 'no Docker engine';
    await detectCompose({ env: process.env });
    if (!(await imageExists(docker, NODE_BASE)))
      return `no local Node base image ${NODE_BASE} (scripts/make-base-images.sh)`;
  } catch (err) {
    return `no Docker engine: ${(err as Error).message.split('\n')[0]}`;
  }
  return undefined;
}
const skip = await prerequisites();
if (skip) console.warn(`SKIPPED first-run e2e: ${skip}`);

describe.skipIf(skip !== undefined)(
  `first run in Chromium on a real engine${skip ? ` (SKIPPED: ${skip})` : ''}`,
  () => {
    const id = testRunId();
    const project = `openclaw-ui-${id}`;
    const imageTag = `openclaw-ui-it:${id}`;
    const homeVolume = `openclaw-ui-home-${id}`;
    const sharedFile = 'hello from the host.txt';
    let root: string;
    let configDir: string;
    let workspaceDir: string;
    let sharedDir: string;
    let gatewayPort: number;
    let uiRoot: string;
    let bundleDir: string;
    let host: AppHost;
    /** The model server on "this computer" the Model step points at. */
    let modelServer: OpenAiStandIn;
    const modelKey = 'sk-e2e-model-key-0123456789';
    let server: HeadlessServer;
    let browser: Browser;
    const contexts: BrowserContext[] = [];
    const openPages: Page[] = [];
    const pageErrors: string[] = [];
    /** When the app page asked the host for the pairing queue (to see refetch loops). */
    const approvalsListCalls: number[] = [];
    let app: Page;
    let remote: Page;

    async function newPage(): Promise<Page> {
      const context = await browser.newContext({ viewport: { width: 1280, height: 860 } });
      contexts.push(context);
      const page = await context.newPage();
      page.on('pageerror', (e) => pageErrors.push(e.message));
      openPages.push(page);
      return page;
    }

    async function shot(page: Page, name: string): Promise<void> {
      await page.evaluate(() => document.fonts.ready);
      await page.screenshot({ path: path.join(SHOTS, `first-run-${name}.png`), fullPage: true });
    }

    const stepHeading = (title: string | RegExp) =>
      app.getByRole('heading', { name: title, level: 2 });

    async function next(): Promise<void> {
      await app.getByRole('button', { name: 'Next', exact: true }).click();
    }

    const gatewayContainer = async () =>
      (
        await run('docker', [
          'ps',
          '-q',
          '--filter',
          `label=com.docker.compose.project=${project}`,
          '--filter',
          'label=com.docker.compose.service=openclaw-gateway',
        ])
      ).stdout.trim();

    beforeAll(async () => {
      await fs.mkdir(SHOTS, { recursive: true });
      root = await fs.mkdtemp(path.join(os.tmpdir(), 'openclaw-first-run-'));
      configDir = path.join(root, 'config');
      workspaceDir = path.join(root, 'workspace');
      sharedDir = path.join(root, 'shared files');
      await fs.mkdir(sharedDir);
      await fs.writeFile(path.join(sharedDir, sharedFile), 'shared into the container\n');
      gatewayPort = await freePort();
      // All interfaces, as a model server on the LAN or `OLLAMA_HOST=0.0.0.0` listens: the gateway's
      // container reaches this computer through host.docker.internal, not through loopback.
      modelServer = await startOpenAiStandIn({ apiKey: modelKey, host: '0.0.0.0' });
      // A snapshot of the builds: a rebuild of dist/ by someone else during this long run would
      // otherwise swap the lazy chunks (new hashes) under the open page and the image build.
      uiRoot = path.join(root, 'control-ui');
      bundleDir = path.join(root, 'gateway-bundle');
      // No test rewrites dist/ (builds in tests go to temp folders), so one copy is complete; a
      // missing asset means a half-finished `npm run build` and gets said as such.
      await fs.cp(UI_ROOT, uiRoot, { recursive: true });
      const html = await fs.readFile(path.join(uiRoot, 'index.html'), 'utf8');
      const assets = [...html.matchAll(/(?:src|href)="\/?(assets\/[^"]+)"/g)].map((m) => m[1]!);
      const missing = assets.filter((a) => !existsSync(path.join(uiRoot, a)));
      if (missing.length > 0)
        throw new Error(`dist/control-ui is incomplete (${missing.join(', ')}): run npm run build`);
      await fs.cp(BUNDLE, bundleDir, { recursive: true });
      // As the headless entry does: the in-app Control UI pages talk to the gateway from the
      // headless page's origin, which the setup writes into the gateway's allowed origins.
      let uiOrigins: string[] = [];
      host = await createAppHost({
        uiOrigins: () => uiOrigins,
        dataDir: path.join(root, 'data'),
        platform: process.platform,
        env: { ...process.env, OPENCLAW_NODE_IMAGE: NODE_BASE },
        bundleDir,
        uiRoot,
        resourcesDir: ROOT,
        projectName: project,
        imageTag,
        pollIntervalMs: 500,
      });
      server = await startHeadlessServer({ handler: host.handler, uiRoot });
      uiOrigins = [`http://127.0.0.1:${server.port}`, `http://localhost:${server.port}`];
      const { chromium } = await import('playwright-core');
      browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
    }, 60_000);

    // A failed step leaves a picture of every open page behind, to see what the browser showed.
    afterEach(async (ctx) => {
      if (ctx.task.result?.state !== 'fail') return;
      for (const [i, page] of openPages.entries()) {
        await page
          .screenshot({
            path: path.join(SHOTS, `first-run-failure-${ctx.task.name.slice(0, 32)}-${i}.png`),
            fullPage: true,
          })
          .catch(() => {});
      }
    });

    afterAll(async () => {
      for (const c of contexts) await c.close().catch(() => {});
      await browser?.close().catch(() => {});
      await modelServer?.close().catch(() => {});
      await server?.close().catch(() => {});
      await host?.shutdown({ stopGateway: false }).catch(() => {});
      const stackDir = path.join(root, 'data', 'stack');
      if (existsSync(path.join(stackDir, 'docker-compose.yml'))) {
        const compose = await detectCompose({ env: process.env });
        const files = ['docker-compose.yml', 'docker-compose.extra.yml'].filter((f) =>
          existsSync(path.join(stackDir, f)),
        );
        await run(
          compose.command[0]!,
          [
            ...compose.command.slice(1),
            '-p',
            project,
            ...files.flatMap((f) => ['-f', f]),
            'down',
            '-v',
          ],
          { cwd: stackDir },
        ).catch(() => {});
      }
      const docker = createDockerClient({ env: process.env });
      for (const tag of [imageTag, `${imageTag.split(':')[0]}:previous`])
        await removeImage(docker, tag, { force: true }).catch(() => false);
      for (const volume of [homeVolume, `${project}_${homeVolume}`])
        await run('docker', ['volume', 'rm', '-f', volume]).catch(() => {});
      if (root) await fs.rm(root, { recursive: true, force: true });
    }, 180_000);

    it('walks the wizard: checks, folders, a mount with a space, jq, a home volume, a port', async () => {
      app = await newPage();
      app.on('websocket', (ws) =>
        ws.on('framesent', (frame) => {
          if (typeof frame.payload === 'string' && frame.payload.includes('"approvals.list"'))
            approvalsListCalls.push(Date.now());
        }),
      );
      await app.goto(server.launchUrl);
      // A fresh install lands on the setup; the one-time host token leaves the address bar.
      await app
        .getByRole('heading', { name: 'Set up your gateway', level: 1 })
        .waitFor({ timeout: 20_000 });
      expect(app.url()).not.toContain('hostToken');
      expect(new URL(app.url()).pathname).toBe('/setup');

      // 1. Checks: wait until they ran, then continue (past a warning only).
      await stepHeading('Check this computer').waitFor();
      const proceed = app.getByRole('button', { name: 'Continue', exact: true });
      await expect.poll(() => proceed.isEnabled(), { timeout: 30_000 }).toBe(true);
      await expect(app.locator('.check').count()).resolves.toBeGreaterThan(0);
      await expect(app.locator('.check--fail').count()).resolves.toBe(0);
      await shot(app, '01-checks');
      await proceed.click();

      // 2. Folders.
      await stepHeading('Where OpenClaw keeps its files').waitFor();
      await app.getByLabel('Config folder').fill(configDir);
      await app.getByLabel('Workspace folder').fill(workspaceDir);
      await shot(app, '02-folders');
      await next();

      // 3. An extra folder whose host path has a space; the errors show as typed.
      await stepHeading('Share more folders (optional)').waitFor();
      await shot(app, '03-mounts-empty');
      await app.getByRole('button', { name: 'Add a folder' }).click();
      const source = app.getByLabel('Host folder (mount 1)');
      const target = app.getByLabel('Container path (mount 1)');
      await target.fill('/home/node');
      await target.blur();
      await app.getByText('This would hide the home folder').waitFor();
      await shot(app, '04-mounts-invalid');
      await source.fill(sharedDir);
      await target.fill('/data/shared');
      await target.blur();
      await expect(app.locator('[aria-invalid="true"]').count()).resolves.toBe(0);
      await expect(
        app.getByRole('switch', { name: /Read-only \(mount 1\)/ }).isChecked(),
      ).resolves.toBe(true);
      await shot(app, '05-mounts');
      await next();

      // 4. jq as an apt package (a chip; a bad name is refused with a reason).
      await stepHeading('Extra tools (optional)').waitFor();
      const packages = app.getByLabel('Debian packages');
      await packages.fill('Not_A_Package');
      await packages.press('Enter');
      await app.getByText(/is not a Debian package name/).waitFor();
      await packages.fill('jq');
      await packages.press('Enter');
      await app.getByRole('list', { name: 'Added' }).getByText('jq', { exact: true }).waitFor();
      await app.getByText('Changing packages rebuilds the image').waitFor();
      await shot(app, '06-packages');
      await next();

      // 5. A named home volume.
      await stepHeading('Keep the home folder (optional)').waitFor();
      // The radio itself is visually hidden inside its card: click the card, as a person does.
      await app.locator('label.ui-radio-card', { hasText: 'Docker volume' }).click();
      await expect(app.getByRole('radio', { name: /Docker volume/ }).isChecked()).resolves.toBe(
        true,
      );
      await app.getByLabel('Volume name').fill(homeVolume);
      await shot(app, '07-home-volume');
      await next();

      // 6. The port.
      await stepHeading('Network').waitFor();
      await app.getByLabel('Gateway port').fill(String(gatewayPort));
      await app.getByText(`http://127.0.0.1:${gatewayPort}`).waitFor();
      await shot(app, '08-network');
      await next();

      // 7. Review: every choice in plain words.
      await stepHeading('Review and install').waitFor();
      const review = app.locator('.review');
      for (const text of [configDir, workspaceDir, sharedDir, '/data/shared', homeVolume, 'jq'])
        await review.getByText(text, { exact: false }).first().waitFor();
      await expect(review.getByText('read-only').isVisible()).resolves.toBe(true);
      await expect(review.getByText(String(gatewayPort)).isVisible()).resolves.toBe(true);
      await shot(app, '09-review');
    }, 120_000);

    it('installs with live build progress and reaches running', async () => {
      // The host's own progress events are the record of the build (a cached step can begin and
      // end between two looks at the page, so the page is not polled for passing states).
      const progress: Array<{
        step?: { index: number; total: number; label?: string; instruction?: string };
        phase?: string;
      }> = [];
      const subscription = host.handler.subscribe((name, payload) => {
        if (name === 'operation.progress') progress.push(payload as (typeof progress)[number]);
      });
      await app.getByRole('button', { name: 'Install and start' }).click();
      await stepHeading('Installing the gateway').waitFor();
      // Leaving mid-install is refused (with a reason), not silently done. Checked at once: a
      // first install (image build, compose up, health) runs for many seconds.
      const dashboard = app
        .getByRole('navigation', { name: 'Main' })
        .getByRole('link', { name: 'Dashboard', exact: true });
      expect(await dashboard.getAttribute('aria-disabled')).toBe('true');
      await dashboard.click({ force: true });
      await app.getByText('Please wait').first().waitFor({ timeout: 5000 });
      expect(new URL(app.url()).pathname).toBe('/setup');

      // Then only the outcome: running (the wizard goes on to the Model step), or the failure
      // with what the page said.
      const modelStep = app.getByRole('heading', { name: 'Choose a model' });
      const failed = app.getByRole('heading', { name: 'The setup did not finish' });
      await modelStep
        .or(failed)
        .first()
        .waitFor({ timeout: 8 * 60_000 });
      subscription.dispose();
      if (await failed.isVisible()) {
        await shot(app, 'install-failed');
        throw new Error(`the setup failed: ${await app.locator('.setup-card').innerText()}`);
      }
      // The build reported every step, counted and by a readable name (the raw instruction
      // travels beside it for the log).
      expect(progress.some((p) => p.phase === 'image')).toBe(true);
      const steps = progress.flatMap((p) => (p.step ? [p.step] : []));
      expect(steps.length).toBeGreaterThan(0);
      for (const step of steps) {
        expect(step.index).toBeGreaterThanOrEqual(1);
        expect(step.index).toBeLessThanOrEqual(step.total);
        expect(step.label, JSON.stringify(step)).toBeTruthy();
        expect(step.label).not.toMatch(/^RUN |^COPY |^FROM /);
      }
      // The model: an OpenAI-compatible server on this computer. Test and Save each make one
      // real call from the host (Save writes only after an answer).
      await shot(app, '10-model');
      modelServer.script.enqueue(
        { reply: 'text', text: 'Hello from the model server.' },
        { reply: 'text', text: 'Hello again.' },
      );
      await app.getByText('OpenAI-compatible URL', { exact: true }).click();
      const modelUrl = `http://127.0.0.1:${modelServer.port}/v1`;
      await app.getByLabel('Server address').fill(modelUrl);
      await app.getByRole('textbox', { name: /^Model/ }).fill('echo-1');
      await app.getByLabel(/^API key/).fill(`  ${modelKey}\n`);
      await app.getByRole('button', { name: 'Test', exact: true }).click();
      await app.getByText(/custom\/echo-1 answered in/).waitFor({ timeout: 30_000 });
      await app.getByText('Hello from the model server.').waitFor();
      await app.getByRole('button', { name: 'Save and continue' }).click();
      await app
        .getByText(/Saved: the gateway now uses custom\/echo-1/)
        .waitFor({ timeout: 30_000 });
      await shot(app, '10b-model-saved');
      // The key went to the auth profile, not into openclaw.json; the gateway gets the
      // container's view of the address.
      const saved = await fs.readFile(path.join(configDir, 'openclaw.json'), 'utf8');
      expect(saved).not.toContain(modelKey);
      expect(saved).toContain(`http://host.docker.internal:${modelServer.port}/v1`);
      expect(modelServer.requests.map((r) => r.headers.authorization)).toEqual([
        `Bearer ${modelKey}`,
        `Bearer ${modelKey}`,
      ]);
      await app.getByRole('button', { name: 'Continue', exact: true }).click();
      // The Sandbox step: off by default; this run goes on without one.
      await app.getByRole('heading', { name: 'Sandbox agent tools (optional)' }).waitFor();
      await app.getByRole('button', { name: 'Continue without a sandbox', exact: true }).click();
      // The Chat apps step: optional; this run skips it.
      await app.getByRole('heading', { name: 'Chat apps (optional)' }).waitFor();
      await app.getByRole('button', { name: 'Skip for now', exact: true }).click();
      await app.getByText('Your gateway is running', { exact: true }).waitFor();
      await shot(app, '11-done');

      // What was chosen is what runs: jq in the image, the shared folder with its space, the volume.
      const container = await gatewayContainer();
      expect(container).not.toBe('');
      const jq = await run('docker', ['exec', container, 'jq', '--version']);
      expect(jq.stdout).toContain('jq-');
      const listed = await run('docker', ['exec', container, 'ls', '/data/shared']);
      expect(listed.stdout).toContain(sharedFile);
      const mounts = JSON.parse(
        (await run('docker', ['inspect', '--format', '{{json .Mounts}}', container])).stdout,
      ) as Array<{
        Type: string;
        Source?: string;
        Name?: string;
        Destination: string;
        RW: boolean;
      }>;
      expect(mounts).toContainEqual(
        expect.objectContaining({ Source: sharedDir, Destination: '/data/shared', RW: false }),
      );
      // Compose scopes a declared volume to the project (`<project>_<name>`, as upstream does).
      expect(mounts).toContainEqual(
        expect.objectContaining({
          Type: 'volume',
          Name: `${project}_${homeVolume}`,
          Destination: '/home/node',
        }),
      );

      // The dashboard says so too.
      await app.getByRole('button', { name: 'Go to the Dashboard' }).click();
      await app.getByRole('heading', { name: 'Dashboard', level: 1 }).waitFor();
      await expect
        .poll(
          () =>
            app
              .locator('.dash-status__phase')
              .innerText()
              .catch(() => ''),
          {
            timeout: 60_000,
          },
        )
        .toMatch(/^Running/);
      await app.getByText(`127.0.0.1:${gatewayPort}`).first().waitFor();
      // The container's CPU and memory, measured on the real engine.
      await app.getByText('Memory', { exact: true }).waitFor({ timeout: 20_000 });
      await shot(app, '12-dashboard-running');
    }, 600_000);

    it('opens the in-app Control UI, which connects', async () => {
      await app.getByRole('button', { name: 'Open Control UI' }).click();
      await app.waitForURL(/\/control$/);
      await app.getByRole('heading', { name: 'Overview', level: 1 }).waitFor({ timeout: 30_000 });
      await app
        .getByText(`Connected to the gateway at 127.0.0.1:${gatewayPort}`)
        .waitFor({ timeout: 15_000 });
      await shot(app, '13-control-ui-in-app');
    }, 60_000);

    it('chats in the app: the agent in the container calls the model on this computer and writes a file', async () => {
      modelServer.script.enqueue(
        {
          reply: 'tool',
          text: 'Writing it.',
          calls: [{ name: 'write', arguments: { path: 'from-chat.md', content: '# From chat\n' } }],
        },
        { reply: 'text', text: 'I wrote **from-chat.md** in your workspace.' },
      );
      const before = modelServer.requests.length;
      await app
        .getByRole('navigation', { name: 'Main' })
        .getByRole('link', { name: 'Chat', exact: true })
        .click();
      await app.waitForURL(/\/control\/chat$/);
      const composer = app.getByRole('textbox', { name: 'Message' });
      await composer.fill('Please write from-chat.md');
      await composer.press('Enter');
      const answer = app.locator('.chat-msg--assistant').last();
      await answer.locator('strong', { hasText: 'from-chat.md' }).waitFor({ timeout: 60_000 });
      expect(await answer.locator('details.chat-tool summary').innerText()).toMatch(
        /write\s+from-chat\.md\s+Done/,
      );
      await shot(app, '13b-chat-in-app');
      // The gateway in its container made both calls (tool call, then the answer after it).
      expect(modelServer.requests.length - before).toBe(2);
      // The file is in the workspace folder the wizard chose, on the host.
      expect(await fs.readFile(path.join(workspaceDir, 'from-chat.md'), 'utf8')).toBe(
        '# From chat\n',
      );
    }, 120_000);

    it('a browser the gateway sees as remote asks to pair; approved from the Approvals page, it connects', async () => {
      const token = new URL(await host.controlUiUrl()).hash.replace(/^#token=/, '');
      expect(token).not.toBe('');
      remote = await newPage();
      await remote.goto(`http://127.0.0.1:${gatewayPort}/control#token=${token}`);
      await remote.getByRole('heading', { name: /Pairing required/ }).waitFor({ timeout: 30_000 });
      expect(remote.url()).toBe(`http://127.0.0.1:${gatewayPort}/control`);
      const requestId = (await remote.getByTestId('pairing-request-id').innerText()).trim();
      expect(requestId).not.toBe('');
      await shot(remote, '14-remote-pairing-required');

      // In the app: the Approvals page lists exactly that request.
      await app
        .getByRole('navigation', { name: 'Main' })
        .getByRole('link', { name: /^Approvals/ })
        .click();
      await app.getByRole('heading', { name: 'Approvals', level: 1 }).waitFor();
      const request = app.locator('li.request').filter({ hasText: requestId });
      await request.waitFor({ timeout: 30_000 });
      await shot(app, '15-approvals-pending');
      await request.getByRole('button', { name: 'Approve' }).click();
      await request.waitFor({ state: 'detached', timeout: 15_000 });

      // No click, no reload: the remote browser gets in by itself.
      await remote
        .getByRole('heading', { name: 'Overview', level: 1 })
        .waitFor({ timeout: 30_000 });
      await remote
        .getByText(`Connected to the gateway at 127.0.0.1:${gatewayPort}`)
        .waitFor({ timeout: 15_000 });
      await shot(remote, '16-remote-connected');
      // The app lists the browser as paired now (next to its own Control UI page).
      await expect
        .poll(
          () =>
            app
              .getByRole('table', { name: 'Paired devices' })
              .getByText('Control UI (Chrome on Linux)')
              .count(),
          { timeout: 10_000 },
        )
        .toBe(2);
      await shot(app, '17-approvals-after');

      // The gateway's own Control UI chats too: the same conversation, then one more turn with
      // a tool (listing the workspace).
      modelServer.script.enqueue(
        { reply: 'tool', calls: [{ name: 'ls', arguments: { path: '.' } }] },
        { reply: 'text', text: 'The workspace has **from-chat.md**, among others.' },
      );
      await remote.goto(`http://127.0.0.1:${gatewayPort}/control/chat`);
      await remote
        .locator('.chat-msg--user')
        .getByText('Please write from-chat.md')
        .waitFor({ timeout: 30_000 });
      const composer = remote.getByRole('textbox', { name: 'Message' });
      await composer.fill('What is in the workspace?');
      await composer.press('Enter');
      const answer = remote.locator('.chat-msg--assistant').last();
      await answer.getByText('among others').waitFor({ timeout: 60_000 });
      const card = answer.locator('details.chat-tool');
      expect(await card.locator('summary').innerText()).toMatch(/ls[\s\S]*Done/);
      await card.locator('summary').click();
      await card.getByText('from-chat.md').first().waitFor();
      await shot(remote, '18-remote-chat');
      expect(pageErrors).toEqual([]);
    }, 120_000);

    it('settles when nothing changes: no refetch loop behind the Approvals page', async () => {
      const callsDuring = async (ms: number) => {
        const since = Date.now();
        await new Promise((r) => setTimeout(r, ms));
        return approvalsListCalls.filter((t) => t >= since).length;
      };
      // Host events are invalidations; with no pairing activity there is nothing to refetch.
      const onPage = await callsDuring(3000);
      await app
        .getByRole('navigation', { name: 'Main' })
        .getByRole('link', { name: 'Dashboard', exact: true })
        .click();
      await app.getByRole('heading', { name: 'Dashboard', level: 1 }).waitFor();
      const elsewhere = await callsDuring(3000);
      expect(
        { onPage, elsewhere },
        'approvals.list calls in 3 s: on the idle Approvals page, then on the Dashboard',
      ).toEqual({ onPage: expect.any(Number) as number, elsewhere: 0 });
      expect(onPage).toBeLessThan(3);
    }, 30_000);
  },
);
