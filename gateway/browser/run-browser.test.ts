/**
 * Whether a run gets the `browser` tool and which browser it drives: nothing configured or
 * installed → no tool; `browser.enabled: true` without a browser → the tool, answering with the
 * install command; a configured executable → the tool; `tools.deny` wins; a sandboxed session
 * gets it only when the sandbox policy allows it by name AND the browser sandbox is enabled, and
 * then the sandbox browser is started through the sandbox API on the first action, not before.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, rmSync } from 'node:fs';
import os from 'node:os';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OpenClawConfig } from '../config/config-types.js';
import { silentLogger } from '../infra/logger.js';
import type { SandboxBrowserApi, SandboxBrowserPlan } from '../sandbox/contract.js';
import { testPlan } from '../sandbox/engine/engine-test-support.js';
import { freePort } from '../testing/free-port.js';
import { BrowserPool, createRunBrowser } from './run-browser.js';

const paths = { home: os.tmpdir(), stateDir: os.tmpdir() };
const savedPath = process.env.PLAYWRIGHT_BROWSERS_PATH;
beforeAll(() => {
  // No Playwright-installed browser on this machine as far as these tests are concerned.
  process.env.PLAYWRIGHT_BROWSERS_PATH = '/nonexistent-openclaw-test';
});
afterAll(() => {
  if (savedPath === undefined) delete process.env.PLAYWRIGHT_BROWSERS_PATH;
  else process.env.PLAYWRIGHT_BROWSERS_PATH = savedPath;
});

const browserFor = () => createRunBrowser({ paths, logger: silentLogger });

describe('the browser tool outside a sandbox', () => {
  it('is left out when nothing is configured or installed', async () => {
    expect(await browserFor()({ config: {}, agentId: 'main' })).toBeUndefined();
  });

  it('is offered with browser.enabled and explains how to install a browser', async () => {
    const tool = await browserFor()({ config: { browser: { enabled: true } }, agentId: 'main' });
    expect(tool?.name).toBe('browser');
    await expect(tool!.execute('c', { action: 'tabs' } as never)).rejects.toThrow(
      /node \/app\/node_modules\/playwright-core\/cli\.js install chromium/,
    );
  });

  it('drives a configured executable, and tools.deny removes it', async () => {
    const config: OpenClawConfig = { browser: { executablePath: process.execPath } };
    const tool = await browserFor()({ config, agentId: 'main' });
    expect(tool?.description).toContain(`Chromium at ${process.execPath}`);
    const denied = await browserFor()({
      config: { ...config, tools: { deny: ['group:ui'] } },
      agentId: 'main',
    });
    expect(denied).toBeUndefined();
    expect(
      await browserFor()({ config: { ...config, browser: { enabled: false } }, agentId: 'main' }),
    ).toBeUndefined();
  });
});

describe('the browser tool in a sandboxed session', () => {
  const plan = testPlan('openclaw-sbx-agent-main', '/tmp/ws');
  const calls: SandboxBrowserPlan[] = [];
  const api: SandboxBrowserApi = {
    ensureBrowser: (p) => {
      calls.push(p);
      return Promise.reject(new Error('engine stand-in: no Docker in this test'));
    },
    noVncLink: () => Promise.reject(new Error('not used')),
  };
  const sandboxed = (sandbox: NonNullable<OpenClawConfig['agents']>['defaults']) => ({
    agents: { defaults: sandbox },
  });

  it('is denied by default even with the browser sandbox enabled', async () => {
    const config = sandboxed({ sandbox: { mode: 'all', browser: { enabled: true } } });
    const tool = await browserFor()({
      config,
      agentId: 'main',
      sandbox: { plan, api: async () => api },
    });
    expect(tool).toBeUndefined();
  });

  it('needs the browser sandbox once the policy allows it by name', async () => {
    const allow = { tools: { sandbox: { tools: { alsoAllow: ['browser'] } } } };
    const off = await browserFor()({
      config: { ...sandboxed({ sandbox: { mode: 'all' } }), ...allow },
      agentId: 'main',
      sandbox: { plan, api: async () => api },
    });
    expect(off).toBeUndefined();
    const tool = await browserFor()({
      config: {
        ...sandboxed({ sandbox: { mode: 'all', browser: { enabled: true, headless: true } } }),
        ...allow,
      },
      agentId: 'main',
      sandbox: { plan, api: async () => api },
    });
    expect(tool?.description).toContain('the sandbox browser (container openclaw-sbx-browser-');
    expect(calls).toHaveLength(0);
    await expect(tool!.execute('c', { action: 'tabs' } as never)).rejects.toThrow(
      /engine stand-in/,
    );
    expect(calls).toHaveLength(1);
    expect(calls[0]).toMatchObject({
      image: 'openclaw-sandbox-browser:bookworm-slim',
      network: 'openclaw-sandbox-browser',
      headless: true,
      scopeKey: plan.scopeKey,
    });
  });
});

const CHROMIUM = process.env.OPENCLAW_TEST_CHROMIUM ?? '/usr/bin/chromium';

describe.skipIf(!existsSync(CHROMIUM))('a sandbox browser across runs', () => {
  let chrome: ChildProcess | undefined;
  const profile = `${os.tmpdir()}/oc-run-browser-${process.pid}`;
  const pool = new BrowserPool();
  afterAll(async () => {
    await pool.dispose();
    // Chromium's helpers may still be writing the profile right after the kill: wait for the exit
    // and retry the removal instead of failing the suite on ENOTEMPTY.
    if (chrome && chrome.exitCode === null && chrome.signalCode === null) {
      const exited = new Promise((resolve) => chrome!.once('exit', resolve));
      try {
        process.kill(-chrome.pid!, 'SIGKILL');
      } catch {
        chrome.kill('SIGKILL');
      }
      await exited;
    }
    rmSync(profile, { recursive: true, force: true, maxRetries: 10, retryDelay: 100 });
  });

  it("starts on first use, keeps the scope's tabs, reports the control URL later, records each later use", async () => {
    // The engine stand-in answers with a real Chromium's CDP endpoint, as sandboxd would.
    const port = await freePort();
    chrome = spawn(
      CHROMIUM,
      [
        '--headless=new',
        '--no-sandbox',
        '--disable-gpu',
        `--remote-debugging-port=${port}`,
        `--user-data-dir=${profile}`,
        'about:blank',
      ],
      // Its own process group, so the clean-up kills Chromium's helpers too (they write the profile).
      { stdio: 'ignore', detached: true },
    );
    const cdpUrl = `http://127.0.0.1:${port}`;
    for (let i = 0; i < 100; i += 1) {
      if (
        await fetch(`${cdpUrl}/json/version`).then(
          (r) => r.ok,
          () => false,
        )
      )
        break;
      await new Promise((r) => setTimeout(r, 100));
    }
    let ensures = 0;
    const api: SandboxBrowserApi = {
      ensureBrowser: async (p) => {
        ensures += 1;
        return {
          containerName: p.containerName,
          cdpUrl,
          headless: true,
          noVnc: false,
          created: ensures === 1,
        };
      },
      noVncLink: () => Promise.reject(new Error('headless')),
    };
    const config: OpenClawConfig = {
      agents: {
        defaults: { sandbox: { mode: 'all', browser: { enabled: true, headless: true } } },
      },
      tools: { sandbox: { tools: { alsoAllow: ['browser'] } } },
    };
    const plan = testPlan('openclaw-sbx-agent-main', '/tmp/ws');
    const forRun = createRunBrowser({ paths, logger: silentLogger, pool });
    const first = await forRun({
      config,
      agentId: 'main',
      sandbox: { plan, api: async () => api },
    });
    expect(ensures).toBe(0);
    await first!.execute('c', {
      action: 'open',
      url: 'data:text/html,<title>kept</title><p>first run</p>',
    } as never);
    expect(ensures).toBe(1);

    const second = await forRun({
      config,
      agentId: 'main',
      sandbox: { plan, api: async () => api },
    });
    const tabs = await second!.execute('c', { action: 'tabs' } as never);
    expect(JSON.stringify(tabs.content)).toMatch(/t\d+ {2}kept/);
    const status = await second!.execute('c', { action: 'status' } as never);
    expect(JSON.stringify(status.content)).toContain(
      `Control URL (CDP, reachable from the gateway only): ${cdpUrl}`,
    );
    expect(JSON.stringify(status.content)).toContain('Headless: no live view.');
    // The later run recorded its use through the engine (in the background).
    for (let i = 0; i < 50 && ensures < 2; i += 1) await new Promise((r) => setTimeout(r, 20));
    expect(ensures).toBe(2);
  }, 60_000);
});
