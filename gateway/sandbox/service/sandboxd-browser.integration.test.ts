/**
 * The browser sandbox through the whole path the gateway uses: `SandboxClient` → sandboxd (real
 * HTTP edge, per-stack secret) → the real engine → a browser container → CDP → the browser tool.
 * Also: a browser request without the secret is refused, a plan naming an image sandboxd was not
 * started with is refused with the policy's message, and removal goes through the same service.
 */
import { readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Dockerode from 'dockerode';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BrowserSession } from '../../browser/browser-session.js';
import { cdpBrowser } from '../../browser/browser-source.js';
import { createBrowserTool } from '../../browser/browser-tool.js';
import { freePort } from '../../testing/free-port.js';
import type { SandboxBrowserPlan } from '../contract.js';
import { testRunId } from '../engine/engine-test-support.js';
import { runSandboxd, type RunningSandboxd } from './run-sandboxd.js';
import { SandboxClient } from './sandbox-client.js';

const IMAGE = 'openclaw-sandbox-browser:bookworm-slim';
const SECRET = 'browser-test-secret-of-some-length';
const docker = new Dockerode();
const runId = testRunId();
const network = `openclaw-it-${runId}-bnet`;
const name = `openclaw-it-${runId}-sbxd-browser`;
const stateDir = path.join(os.tmpdir(), `oc-sandboxd-browser-${runId}`);
let ready = false;
let sandboxd: RunningSandboxd | undefined;

beforeAll(async () => {
  try {
    await docker.ping();
    await docker.getImage(IMAGE).inspect();
    ready = true;
  } catch {
    return;
  }
  sandboxd = await runSandboxd({
    port: await freePort(),
    host: '127.0.0.1',
    secret: SECRET,
    images: ['openclaw-sandbox:bookworm-slim'],
    browserImages: [IMAGE],
    pathMap: [],
    stateDir,
    docker,
  });
});

afterAll(async () => {
  await sandboxd?.close();
  rmSync(stateDir, { recursive: true, force: true });
  await docker
    .getContainer(name)
    .remove({ force: true })
    .catch(() => undefined);
  await docker
    .getNetwork(network)
    .remove()
    .catch(() => undefined);
});

const plan: SandboxBrowserPlan = {
  agentId: 'main',
  scopeKey: 'agent:main',
  containerName: name,
  image: IMAGE,
  network,
  headless: true,
  noVnc: false,
  cdpPort: 9222,
  noVncPort: 6080,
  startTimeoutMs: 30_000,
  configHash: 'hash-sbxd',
};

describe('browser sandbox through sandboxd', () => {
  it('ensures the container, lists it as a browser, and the tool drives it over CDP', async (ctx) => {
    if (!ready || !sandboxd) return ctx.skip();
    const client = new SandboxClient({ url: sandboxd.url, secret: SECRET });
    const t0 = Date.now();
    const info = await client.ensureBrowser(plan);
    const ms = Date.now() - t0;
    expect(info).toMatchObject({ containerName: name, headless: true, noVnc: false });
    // sandboxd saw a loopback caller (a gateway on the host): CDP is published on loopback.
    expect(info.cdpUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);

    const listed = (await client.list()).find((c) => c.containerName === name);
    expect(listed).toMatchObject({ browser: true, scopeKey: 'agent:main', running: true });
    // Its use is in the registry, so idle time and prune see it.
    const registry = JSON.parse(
      readFileSync(path.join(stateDir, 'sandbox', 'containers.json'), 'utf8'),
    ) as { entries: Array<{ containerName: string; lastUsedAtMs: number }> };
    const entry = registry.entries.find((e) => e.containerName === name);
    expect(entry?.lastUsedAtMs).toBeGreaterThanOrEqual(t0);
    expect(listed!.lastUsedAtMs).toBe(entry!.lastUsedAtMs);

    const session = new BrowserSession(cdpBrowser(info.cdpUrl, 'the sandbox browser'));
    try {
      const tool = createBrowserTool({ session });
      const result = await tool.execute('c', {
        action: 'open',
        url: 'data:text/html,<title>via sandboxd</title><h1>Hello from the sandbox</h1>',
      } as never);
      const text = result.content.map((c) => (c.type === 'text' ? c.text : '')).join('');
      expect(text).toMatch(/heading "Hello from the sandbox"/);
    } finally {
      await session.dispose();
    }

    await expect(client.noVncLink(name)).rejects.toThrow(/headless/);
    await client.remove(name);
    expect((await client.list()).some((c) => c.containerName === name)).toBe(false);
    console.log(`[sandboxd browser] ensure through sandboxd ${ms} ms`);
  }, 120_000);

  it('refuses browser requests without the secret, and images it was not started with', async (ctx) => {
    if (!ready || !sandboxd) return ctx.skip();
    const stranger = new SandboxClient({
      url: sandboxd.url,
      secret: 'wrong-secret-of-some-length',
    });
    await expect(stranger.ensureBrowser(plan)).rejects.toThrow(/missing or wrong secret/);
    const client = new SandboxClient({ url: sandboxd.url, secret: SECRET });
    await expect(client.ensureBrowser({ ...plan, image: 'debian:bookworm' })).rejects.toThrow(
      /not a configured sandbox browser image/,
    );
    await expect(
      client.ensureBrowser({ ...plan, network: 'host' } as SandboxBrowserPlan),
    ).rejects.toThrow(/needs its own bridge network/);
    await expect(
      client.ensureBrowser({ ...plan, headless: 'no' } as unknown as SandboxBrowserPlan),
    ).rejects.toThrow(/plan\.headless must be a boolean/);
  });
});
