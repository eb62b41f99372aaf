/**
 * Turning the agent sandbox on and off through the app host's API on the REAL engine (the calls
 * the wizard's Sandbox step and Settings → Sandbox make):
 * - on, with a chosen policy: the sandbox image is built (or found current) with progress,
 *   openclaw-sandboxd runs with the Docker socket while the gateway container has none (both
 *   inspected), openclaw.json has the chosen agents.defaults.sandbox and the image;
 * - a failure in the middle (another image, then setup refuses the socket path after the image
 *   was written to openclaw.json): openclaw.json is byte for byte as before, sandboxd still runs,
 *   and the error names the sandbox and says what was put back; a custom tag that is not on the
 *   engine is refused before anything is written;
 * - off: sandboxd and the overlay are gone, the mode is off and the other sandbox keys are kept;
 * - a sandbox image build that fails at a step (a base image without a shell): the error names
 *   the sandbox, the step and the output, openclaw.json is unchanged and no sandboxd appears.
 * Project, images and folders are private to the run and removed afterwards.
 */
import { existsSync, promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HostCallName, HostCallParams, HostCallResult } from '../contract/host-api.js';
import {
  createDockerClient,
  detectCompose,
  findStackContainers,
  buildImage,
  imageExists,
  pingEngine,
  tagImage,
} from '../../docker/engine/index.js';
import {
  BASE_IMAGE,
  cleanupRun,
  TEST_LABEL,
  testRunId,
} from '../../docker/engine/integration-support.js';
import { freePort } from '../../gateway/testing/free-port.js';
import { createAppHost } from './app-host.js';
import type { AppHost } from './app-host-types.js';

const REPO = path.resolve(__dirname, '../..');
const BUNDLE = path.join(REPO, 'dist/gateway');
const NODE_BASE = 'openclaw-base/node:22-bookworm-slim';
const STOCK_SANDBOX = 'openclaw-sandbox:bookworm-slim';
const docker = createDockerClient({ env: process.env });

async function skipReason(): Promise<string | undefined> {
  try {
    if (!(await pingEngine(docker)).ok) return 'no Docker engine';
    await detectCompose({ env: process.env });
    for (const image of [NODE_BASE, BASE_IMAGE])
      if (!(await imageExists(docker, image)))
        return `no ${image} image (run scripts/make-base-images.sh)`;
    if (!existsSync(path.join(BUNDLE, 'openclaw.mjs'))) return 'no gateway bundle (npm run build)';
    if (!existsSync('/var/run/docker.sock')) return 'no /var/run/docker.sock on this host';
    return undefined;
  } catch (err) {
    return (err as Error).message.split('\n')[0];
  }
}
const skip = await skipReason();
const note = skip ? ` [SKIPPED: ${skip}]` : '';

const id = testRunId();
const project = `openclaw-sbx-app-${id}`;
const imageTag = `openclaw-sbx-app-it:${id}`;
const sandboxTag = `openclaw-test/sandbox:${id}`;
const commonTag = `openclaw-test/sandbox-common:${id}`;
const customTag = `openclaw-test/sandbox-custom:${id}`;
const shellLessBase = `openclaw-test/no-shell:${id}`;

interface Seen {
  mounts: string[];
  running: boolean;
}

async function services(): Promise<Record<string, Seen>> {
  const out: Record<string, Seen> = {};
  for (const c of (await findStackContainers(docker, project)).filter((x) => !x.oneOff)) {
    const info = await docker.getContainer(c.id).inspect();
    out[c.service] = {
      mounts: info.Mounts.map((m) => `${m.Source ?? ''} -> ${m.Destination}`),
      running: info.State.Running,
    };
  }
  return out;
}
const socketMounts = (s: Seen | undefined) =>
  (s?.mounts ?? []).filter((m) => m.includes('docker.sock'));

describe.skipIf(skip !== undefined)(`the app turns the agent sandbox on and off${note}`, () => {
  let root = '';
  let configFile = '';
  let host: AppHost | undefined;
  const progress: Array<Record<string, unknown>> = [];

  const start = async (env: NodeJS.ProcessEnv = {}) => {
    host = await createAppHost({
      dataDir: path.join(root, 'data'),
      platform: process.platform,
      env: {
        ...process.env,
        OPENCLAW_NODE_IMAGE: NODE_BASE,
        OPENCLAW_BASE_IMAGE: BASE_IMAGE,
        ...env,
      },
      bundleDir: BUNDLE,
      uiRoot: path.join(root, 'no-ui'),
      projectName: project,
      imageTag,
      sandboxImages: { default: sandboxTag, common: commonTag },
      pollIntervalMs: 60_000,
    });
    host.handler.subscribe((name, payload) => {
      if (name === 'operation.progress') progress.push(payload as Record<string, unknown>);
    });
    return host;
  };
  const call = async <K extends HostCallName>(
    name: K,
    params: HostCallParams<K>,
  ): Promise<HostCallResult<K>> => {
    const outcome = await host!.handler.handle(name, params);
    if (!outcome.ok) throw Object.assign(new Error(outcome.error.message), outcome.error);
    return outcome.value as HostCallResult<K>;
  };
  const sandboxConfig = async () =>
    (
      JSON.parse(await fs.readFile(configFile, 'utf8')) as {
        agents?: { defaults?: { sandbox?: Record<string, unknown> } };
      }
    ).agents?.defaults?.sandbox;

  beforeAll(async () => {
    root = await fs.mkdtemp(path.join(os.tmpdir(), 'oc-app-sandbox-it-'));
    configFile = path.join(root, 'config', 'openclaw.json');
    // A current stock sandbox image, when there is one, saves the build: the recipe label decides
    // whether it is reused (a tag only; removed with the run).
    if (await imageExists(docker, STOCK_SANDBOX)) await tagImage(docker, STOCK_SANDBOX, sandboxTag);
    await start();
    await call('setup.run', {
      configDir: path.join(root, 'config'),
      workspaceDir: path.join(root, 'workspace'),
      gatewayPort: await freePort(),
      exposeOnLan: false,
      extraMounts: [],
      aptPackages: [],
      homeVolume: null,
    });
  }, 600_000);

  afterAll(async () => {
    await host?.shutdown({ stopGateway: false }).catch(() => {});
    await cleanupRun(
      docker,
      id,
      [project],
      [imageTag, `${imageTag.split(':')[0]}:previous`, customTag, sandboxTag, commonTag],
    );
    if (root) await fs.rm(root, { recursive: true, force: true });
  }, 180_000);

  it('turns it on with the chosen policy: sandboxd holds the socket, the gateway does not', async () => {
    const before = await call('sandbox.settings', {});
    expect(before).toMatchObject({ enabled: false, mode: 'off', image: sandboxTag });
    const view = await call('sandbox.apply', {
      enabled: true,
      policy: { mode: 'all', scope: 'session', workspaceAccess: 'ro' },
      image: { kind: 'default' },
    });
    expect(view).toMatchObject({
      enabled: true,
      mode: 'all',
      scope: 'session',
      workspaceAccess: 'ro',
      image: sandboxTag,
      imageKind: 'default',
    });
    const running = await services();
    expect(Object.keys(running).sort()).toEqual(['openclaw-gateway', 'openclaw-sandboxd']);
    expect(running['openclaw-sandboxd']!.running).toBe(true);
    expect(socketMounts(running['openclaw-gateway'])).toEqual([]);
    expect(socketMounts(running['openclaw-sandboxd'])).toHaveLength(1);
    expect(await sandboxConfig()).toEqual({
      mode: 'all',
      scope: 'session',
      workspaceAccess: 'ro',
      docker: { image: sandboxTag },
    });
    const sandboxRun = progress.filter((p) => p.kind === 'sandbox');
    expect(sandboxRun.map((p) => p.phase).filter(Boolean)).toEqual(
      expect.arrayContaining(['sandbox-check', 'sandbox-image', 'sandbox-config', 'start', 'done']),
    );
    expect(sandboxRun.at(-1)).toMatchObject({ done: true, message: 'The agent sandbox is on' });
  }, 600_000);

  it('refuses a custom image that is not on the engine before writing anything', async () => {
    const raw = await fs.readFile(configFile, 'utf8');
    await expect(
      call('sandbox.apply', { enabled: true, image: { kind: 'custom', tag: customTag } }),
    ).rejects.toMatchObject({
      code: 'IMAGE_NOT_FOUND',
      message: expect.stringMatching(
        /^The agent sandbox settings were not changed\. Nothing was changed\.\n.*is not on this Docker engine/s,
      ),
    });
    expect(await fs.readFile(configFile, 'utf8')).toBe(raw);
  }, 60_000);

  it('puts openclaw.json back when setup fails after the image was written', async () => {
    await tagImage(docker, sandboxTag, customTag);
    const raw = await fs.readFile(configFile, 'utf8');
    // The same app, but with a socket path setup refuses: the switch has written the custom
    // image to openclaw.json by the time setup checks it.
    await host!.shutdown({ stopGateway: false });
    await start({ OPENCLAW_DOCKER_SOCKET: configFile });
    let failure: unknown;
    await call('sandbox.apply', { enabled: true, image: { kind: 'custom', tag: customTag } }).catch(
      (err: unknown) => (failure = err),
    );
    expect(failure).toMatchObject({ code: 'INVALID_ARGUMENT' });
    const message = (failure as Error).message;
    expect(message).toMatch(/^The agent sandbox settings were not changed\./);
    expect(message).toContain('put back as they were');
    expect(message).toContain('needs the Docker engine');
    expect(progress.some((p) => p.phase === 'sandbox-config')).toBe(true);
    expect(await fs.readFile(configFile, 'utf8')).toBe(raw);
    expect((await services())['openclaw-sandboxd']?.running).toBe(true);
    await host!.shutdown({ stopGateway: false });
    await start();
    expect(await call('sandbox.settings', {})).toMatchObject({
      enabled: true,
      image: sandboxTag,
      mode: 'all',
    });
  }, 300_000);

  it('turns it off: sandboxd and the overlay go, the mode is off, the rest is kept', async () => {
    const view = await call('sandbox.apply', { enabled: false });
    expect(view).toMatchObject({ enabled: false, mode: 'off' });
    const running = await services();
    expect(Object.keys(running)).toEqual(['openclaw-gateway']);
    expect(running['openclaw-gateway']!.running).toBe(true);
    expect(existsSync(path.join(root, 'data', 'stack', 'docker-compose.sandbox.yml'))).toBe(false);
    expect(await sandboxConfig()).toEqual({
      mode: 'off',
      scope: 'session',
      workspaceAccess: 'ro',
      docker: { image: sandboxTag },
    });
  }, 300_000);

  it('names the sandbox and the failing build step, and changes nothing, when the build fails', async () => {
    const context = path.join(root, 'no-shell');
    await fs.mkdir(context, { recursive: true });
    await fs.writeFile(path.join(context, 'marker'), 'no shell in here\n');
    await fs.writeFile(path.join(context, 'Dockerfile'), 'FROM scratch\nCOPY marker /marker\n');
    await buildImage(docker, {
      contextDir: context,
      tag: shellLessBase,
      labels: { [TEST_LABEL]: id },
    });
    const raw = await fs.readFile(configFile, 'utf8');
    await host!.shutdown({ stopGateway: false });
    await start({ OPENCLAW_BASE_IMAGE: shellLessBase });
    let failure: unknown;
    await call('sandbox.apply', { enabled: true, image: { kind: 'default' } }).catch(
      (err: unknown) => (failure = err),
    );
    expect(failure).toMatchObject({ code: 'IMAGE_BUILD_FAILED' });
    const message = (failure as Error).message;
    expect(message).toMatch(/^The agent sandbox was not turned on\. Nothing was changed\.\n/);
    expect(message).toContain(`Building ${sandboxTag} failed at step `);
    expect(message).toMatch(/failed at step \d+\/\d+ \(RUN /);
    expect(await fs.readFile(configFile, 'utf8')).toBe(raw);
    expect(Object.keys(await services())).toEqual(['openclaw-gateway']);
    const failed = progress.filter((p) => p.kind === 'sandbox').at(-1);
    expect(failed).toMatchObject({ done: true, error: message });
    expect(await call('sandbox.settings', {})).toMatchObject({ enabled: false, mode: 'off' });
  }, 300_000);
});
