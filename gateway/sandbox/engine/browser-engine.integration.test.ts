/**
 * Browser sandbox containers on the real engine with the real browser image: ensure → CDP
 * reachable → the browser tool drives a page; a one-time noVNC link that works once; a peer
 * container (standing in for the gateway in Docker) joined to the browser network and the only
 * address CDP answers; the policy gate. Everything created carries this run's id and is removed.
 */
import { existsSync } from 'node:fs';
import Dockerode from 'dockerode';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BrowserSession } from '../../browser/browser-session.js';
import { cdpBrowser } from '../../browser/browser-source.js';
import { createBrowserTool } from '../../browser/browser-tool.js';
import type { SandboxBrowserPlan } from '../contract.js';
import { checkBrowserPlan, SandboxBrowserEngine } from './browser-engine.js';
import { runExec } from './exec-runner.js';
import { testRunId } from './engine-test-support.js';

const IMAGE = 'openclaw-sandbox-browser:bookworm-slim';
const PEER_IMAGE = 'openclaw-base/node:22-bookworm-slim';
const CHROMIUM = process.env.OPENCLAW_TEST_CHROMIUM ?? '/usr/bin/chromium';
const docker = new Dockerode();
const runId = testRunId();
const network = `openclaw-it-${runId}-browser`;
let ready = false;
let engine: SandboxBrowserEngine;
const made: string[] = [];

function plan(name: string, overrides: Partial<SandboxBrowserPlan> = {}): SandboxBrowserPlan {
  const containerName = `openclaw-it-${runId}-${name}`;
  made.push(containerName);
  return {
    agentId: 'main',
    scopeKey: 'agent:main',
    containerName,
    image: IMAGE,
    network,
    headless: false,
    noVnc: true,
    cdpPort: 9222,
    noVncPort: 6080,
    startTimeoutMs: 30_000,
    configHash: 'hash-a',
    ...overrides,
  };
}

beforeAll(async () => {
  try {
    await docker.ping();
    await docker.getImage(IMAGE).inspect();
    ready = true;
  } catch {
    ready = false;
  }
  engine = new SandboxBrowserEngine({ docker, images: [IMAGE] });
});

afterAll(async () => {
  for (const name of made)
    await docker
      .getContainer(name)
      .remove({ force: true })
      .catch(() => undefined);
  await docker
    .getNetwork(network)
    .remove()
    .catch(() => undefined);
});

async function call(tool: ReturnType<typeof createBrowserTool>, params: Record<string, unknown>) {
  const result = await tool.execute('c', params as never);
  return result.content.map((c) => (c.type === 'text' ? c.text : '')).join('\n');
}

/** noVNC's own status line once it settled (connected, or the reason it failed). */
async function viewerStatus(browser: Browser, url: string): Promise<string> {
  const page = await browser.newPage();
  try {
    await page.goto(url);
    await page.waitForFunction(
      () => {
        const text = document.getElementById('noVNC_status')?.textContent ?? '';
        return /connected|failed|disconnect/i.test(text);
      },
      undefined,
      { timeout: 20_000 },
    );
    return (await page.locator('#noVNC_status').textContent()) ?? '';
  } finally {
    await page.close();
  }
}

describe('browser sandbox policy gate', () => {
  it('refuses other images, the host or no network, and bad ranges', () => {
    const base = {
      agentId: 'a',
      scopeKey: 'agent:a',
      containerName: 'openclaw-sbx-browser-a',
      image: IMAGE,
      network: 'openclaw-sandbox-browser',
      headless: true,
      noVnc: false,
      cdpPort: 9222,
      noVncPort: 6080,
      startTimeoutMs: 1000,
      configHash: 'x',
    };
    expect(() => checkBrowserPlan({ ...base, image: 'ubuntu:latest' }, [IMAGE])).toThrow(
      /not a configured sandbox browser image/,
    );
    for (const net of ['host', 'none', 'container:abc'])
      expect(() => checkBrowserPlan({ ...base, network: net }, [IMAGE])).toThrow(
        /needs its own bridge network/,
      );
    expect(() => checkBrowserPlan({ ...base, cdpSourceRange: '0.0.0.0' }, [IMAGE])).toThrow(
      /not a CIDR/,
    );
    expect(() => checkBrowserPlan(base, [IMAGE])).not.toThrow();
  });
});

describe.skipIf(!existsSync(CHROMIUM))('browser sandbox on the real engine', () => {
  it('starts a hardened headful browser the tool drives over CDP, with a one-time noVNC link', async (ctx) => {
    if (!ready) return ctx.skip();
    const p = plan('headful');
    const t0 = Date.now();
    const info = await engine.ensureBrowser(p);
    const coldMs = Date.now() - t0;
    expect(info).toMatchObject({ created: true, noVnc: true, headless: false });
    expect(info.cdpUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);

    const inspect = await docker.getContainer(p.containerName).inspect();
    expect(inspect.HostConfig.CapDrop).toEqual(['ALL']);
    expect(inspect.HostConfig.SecurityOpt).toContain('no-new-privileges');
    expect(inspect.HostConfig.ReadonlyRootfs).toBe(true);
    expect(inspect.HostConfig.Privileged).toBe(false);
    expect(inspect.HostConfig.NetworkMode).toBe(network);
    expect(inspect.Config.Labels?.['openclaw.browser']).toBe('1');
    for (const bindings of Object.values(inspect.HostConfig.PortBindings ?? {}))
      for (const b of bindings as Array<{ HostIp: string }>) expect(b.HostIp).toBe('127.0.0.1');

    const session = new BrowserSession(cdpBrowser(info.cdpUrl, `the sandbox browser`));
    const tool = createBrowserTool({ session });
    try {
      const page =
        'data:text/html,<title>sbx</title><p id=o>before</p><button onclick="o.textContent=\'after click\'">Press me</button>';
      const nav = await call(tool, { action: 'navigate', url: page });
      const ref = /button "Press me" \[ref=(e\d+)\]/.exec(nav)?.[1];
      expect(ref).toBeDefined();
      expect(await call(tool, { action: 'click', ref })).toMatch(/after click/);
      // The page really runs in the container: its user agent is the image's Chromium on Linux.
      const { page: pw } = await session.page();
      expect(await pw.evaluate(() => navigator.userAgent)).toMatch(/Linux/);
    } finally {
      await session.dispose();
    }

    // A second ensure with the same plan reuses the running container.
    const again = await engine.ensureBrowser(p);
    expect(again.created).toBe(false);
    expect(again.cdpUrl).toBe(info.cdpUrl);

    const viewer = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--no-sandbox', '--disable-gpu'],
    });
    try {
      const link = await engine.noVncLink(p.containerName);
      expect(link.url).toMatch(
        /^http:\/\/127\.0\.0\.1:\d+\/vnc\.html\?.*token%3D[A-Za-z0-9]{32}#password=\w+$/,
      );
      expect(await viewerStatus(viewer, link.url)).toMatch(/^Connected/);
      const reused = await viewerStatus(viewer, link.url);
      expect(reused).not.toMatch(/^Connected/);
      expect(reused).toMatch(/fail|disconnect/i);
      // A fresh link works again.
      expect(await viewerStatus(viewer, (await engine.noVncLink(p.containerName)).url)).toMatch(
        /^Connected/,
      );
    } finally {
      await viewer.close();
    }
    console.log(`[browser sandbox] cold ensure ${coldMs} ms`);
  }, 120_000);

  it('joins the requesting container to the browser network and answers CDP only there', async (ctx) => {
    if (!ready) return ctx.skip();
    try {
      await docker.getImage(PEER_IMAGE).inspect();
    } catch {
      return ctx.skip();
    }
    const peerName = `openclaw-it-${runId}-peer`;
    made.push(peerName);
    const peer = await docker.createContainer({
      name: peerName,
      Image: PEER_IMAGE,
      Cmd: ['sleep', 'infinity'],
      Labels: { 'openclaw.test': runId },
      HostConfig: { NetworkMode: 'bridge', Init: true },
    });
    await peer.start();
    const peerIp = (await peer.inspect()).NetworkSettings.Networks?.bridge?.IPAddress;
    expect(peerIp).toBeTruthy();
    const p = plan('headless', { headless: true, noVnc: false });
    const info = await engine.ensureBrowser(p, { address: `::ffff:${peerIp}` });
    expect(info.cdpUrl).not.toContain('127.0.0.1');
    const joined = (await peer.inspect()).NetworkSettings.Networks?.[network]?.IPAddress;
    expect(joined).toBeTruthy();
    const browserInspect = await docker.getContainer(p.containerName).inspect();
    expect(browserInspect.Config.Env).toContain(`OPENCLAW_BROWSER_CDP_SOURCE_RANGE=${joined}/32`);
    expect(browserInspect.HostConfig.PortBindings ?? {}).toEqual({});

    const fromPeer = await runExec(
      { docker, containerId: peer.id },
      {
        containerName: peerName,
        command: `node -e "fetch('${info.cdpUrl}/json/version').then(r=>r.json()).then(j=>console.log(j.Browser))"`,
        timeoutMs: 20_000,
      },
    );
    expect(fromPeer.exitCode).toBe(0);
    expect(fromPeer.stdout).toMatch(/Chrome|Chromium/);
    // This test process is not the peer: the relay refuses it.
    const fromHere = await fetch(`${info.cdpUrl}/json/version`, {
      signal: AbortSignal.timeout(5_000),
    }).then(
      (r) => r.status,
      () => 'refused',
    );
    expect(fromHere).toBe('refused');
    await expect(engine.noVncLink(p.containerName)).rejects.toThrow(/headless/);
  }, 120_000);

  it('leaves containers it did not create alone', async (ctx) => {
    if (!ready) return ctx.skip();
    const name = `openclaw-it-${runId}-foreign`;
    made.push(name);
    await (
      await docker.createContainer({ name, Image: IMAGE, Cmd: ['true'], Labels: {} })
    ).inspect();
    await expect(engine.ensureBrowser(plan('foreign'))).rejects.toThrow(
      /not a browser sandbox created by OpenClaw/,
    );
    await expect(engine.noVncLink(name)).rejects.toThrow(/not a browser sandbox/);
  });
});
