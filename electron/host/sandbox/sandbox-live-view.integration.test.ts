// Open live view against the REAL Docker engine: a headful browser sandbox started from the local
// openclaw-sandbox-browser image with its noVNC port published on loopback, a headless one, and a
// "browser" container from an image without the link script. Names carry the test run id and are
// removed in afterAll.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { resolveStatePaths } from '../../../gateway/config/paths.js';
import { isOpenClawError } from '../../../gateway/infra/errors.js';
import { SANDBOX_BROWSER_LABELS, SANDBOX_LABELS } from '../../../gateway/sandbox/contract.js';
import {
  SANDBOX_TEST_IMAGE,
  sandboxEngineFixture,
} from '../../../gateway/sandbox/engine/engine-test-support.js';
import { SandboxContainers } from './sandbox-containers.js';
import { NOVNC_PORT_LABEL } from './sandbox-live-view.js';

const BROWSER_IMAGE = 'openclaw-sandbox-browser:bookworm-slim';
const NOVNC = 6080;
const RUN_LABEL = 'openclaw.test.run';
const { docker, ready, skipNote, runId } = await sandboxEngineFixture();
const hasBrowserImage =
  ready &&
  (await docker
    .getImage(BROWSER_IMAGE)
    .inspect()
    .then(() => true)
    .catch(() => false));
const prefix = `openclaw-it-sbx-live-${runId}`;
const headful = `${prefix}-headful`;
const headless = `${prefix}-headless`;
const oldImage = `${prefix}-old`;
let stateDir = '';
let sandboxes: SandboxContainers;

async function start(name: string, image: string, noVnc: boolean, cmd?: string[]) {
  const c = await docker.createContainer({
    name,
    Image: image,
    ...(cmd ? { Cmd: cmd } : {}),
    Env: [
      `OPENCLAW_BROWSER_HEADLESS=${noVnc ? 0 : 1}`,
      'OPENCLAW_BROWSER_NO_SANDBOX=1',
      'OPENCLAW_BROWSER_CDP_PORT=9222',
      `OPENCLAW_BROWSER_NOVNC_PORT=${NOVNC}`,
    ],
    ExposedPorts: { [`${NOVNC}/tcp`]: {} },
    Labels: {
      [SANDBOX_LABELS.sandbox]: '1',
      [SANDBOX_BROWSER_LABELS.browser]: '1',
      [SANDBOX_LABELS.agentId]: 'main',
      [SANDBOX_LABELS.scopeKey]: 'agent:main',
      [NOVNC_PORT_LABEL]: noVnc ? String(NOVNC) : '',
      [RUN_LABEL]: runId,
    },
    HostConfig: {
      PortBindings: noVnc ? { [`${NOVNC}/tcp`]: [{ HostIp: '127.0.0.1', HostPort: '' }] } : {},
      CapDrop: ['ALL'],
      SecurityOpt: ['no-new-privileges'],
      Init: true,
      ReadonlyRootfs: image === BROWSER_IMAGE,
      Tmpfs: {
        '/tmp': '',
        '/var/tmp': '',
        '/run': '',
        '/home/sandbox': 'uid=1000,gid=1000,mode=0700',
      },
      ShmSize: 256 * 1024 * 1024,
    },
  });
  await c.start();
}

async function status(url: string): Promise<number> {
  return fetch(url, { signal: AbortSignal.timeout(2000) }).then(
    (r) => r.status,
    () => 0,
  );
}

async function noVncAnswers(origin: string, timeoutMs: number): Promise<boolean> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    if ((await status(`${origin}/vnc.html`)) === 200) return true;
    await new Promise((r) => setTimeout(r, 300));
  }
  return false;
}

const note = hasBrowserImage ? skipNote : `${skipNote} (no local ${BROWSER_IMAGE})`;

describe.skipIf(!hasBrowserImage)(`Open live view on the real engine${note}`, () => {
  beforeAll(async () => {
    stateDir = await fs.mkdtemp(path.join(os.tmpdir(), 'openclaw-sbx-live-'));
    await fs.writeFile(path.join(stateDir, 'openclaw.json'), '{}');
    await Promise.all([
      start(headful, BROWSER_IMAGE, true),
      start(headless, BROWSER_IMAGE, false),
      start(oldImage, SANDBOX_TEST_IMAGE, true, ['sleep', '600']),
    ]);
    sandboxes = new SandboxContainers({
      docker,
      statePaths: () => resolveStatePaths({ OPENCLAW_STATE_DIR: stateDir }),
      alsoLabels: [`${RUN_LABEL}=${runId}`],
    });
  }, 120_000);

  afterAll(async () => {
    for (const name of [headful, headless, oldImage])
      await docker
        .getContainer(name)
        .remove({ force: true })
        .catch(() => {});
    if (stateDir) await fs.rm(stateDir, { recursive: true, force: true });
  }, 60_000);

  it('lists browser sandboxes as such, compared with the browser image', async () => {
    const views = await sandboxes.list();
    const of = (name: string) => views.find((v) => v.name === name)!;
    expect(of(headful)).toMatchObject({
      browser: true,
      configuredImage: BROWSER_IMAGE,
      imageMatches: true,
    });
    expect(of(headful).liveViewUnavailable).toBeUndefined();
    expect(of(headless).liveViewUnavailable).toMatch(/headless/);
    expect(of(oldImage)).toMatchObject({ browser: true, imageMatches: false });
  });

  it('makes a one-time viewer link that the noVNC server answers', async () => {
    // As when the agent's browser tool has used it: the container is up, noVNC answers.
    const info = await docker.getContainer(headful).inspect();
    const hostPort = info.NetworkSettings.Ports[`${NOVNC}/tcp`]?.[0]?.HostPort;
    expect(await noVncAnswers(`http://127.0.0.1:${hostPort}`, 60_000)).toBe(true);
    const started = Date.now();
    const { url } = await sandboxes.liveView(headful);
    const linkMs = Date.now() - started;
    const parsed = new URL(url);
    expect(parsed.hostname).toBe('127.0.0.1');
    expect(parsed.port).toBe(hostPort);
    expect(parsed.pathname).toBe('/vnc.html');
    const token = /^websockify\?token=(.*)$/.exec(parsed.searchParams.get('path') ?? '')?.[1];
    expect(token).toHaveLength(32);
    expect(parsed.hash).toMatch(/^#password=.+/);
    expect(await status(`${parsed.origin}/vnc.html`)).toBe(200);
    // A second link carries a new token (each voids the one before).
    const again = new URL((await sandboxes.liveView(headful)).url);
    expect(again.searchParams.get('path')).not.toBe(parsed.searchParams.get('path'));
    console.info(`live view link made in ${linkMs} ms`);
  }, 90_000);

  it('says plainly why there is no live view: headless, old image, stopped', async () => {
    const message = (p: Promise<unknown>) =>
      p.then(
        () => 'no error',
        (e: unknown) => (isOpenClawError(e) ? e.message : String(e)),
      );
    expect(await message(sandboxes.liveView(headless))).toMatch(/runs headless/);
    expect(await message(sandboxes.liveView(oldImage))).toMatch(
      /older browser image without openclaw-novnc-link.*scripts\/sandbox-browser-setup\.sh/,
    );
    await docker.getContainer(oldImage).stop({ t: 0 });
    expect(await message(sandboxes.liveView(oldImage))).toMatch(/not running/);
  }, 60_000);
});
