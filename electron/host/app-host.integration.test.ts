/**
 * The app's brain end to end, through the headless host's API (the same code the Electron window
 * calls over IPC), against the real engine: first-run setup → running; a killed container is
 * restarted with a "crashed" notification; a pairing request shows in the queue and is approved
 * from the host API; a user stop stays stopped; an apt change rebuilds the image.
 */
import { execFile } from 'node:child_process';
import { existsSync, promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { GatewayClient } from '@openclaw/gateway-client';
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../gateway/testing/free-port.js';
import type { HostCallName, HostCallParams, HostCallResult } from '../contract/host-api.js';
import { resolveStatePaths } from '../../gateway/config/paths.js';
import { createGatewayClientHostDeps } from '../../gateway/pairing/client-identity-store.js';
import {
  createDockerClient,
  detectCompose,
  imageExists,
  pingEngine,
  removeImage,
} from '../../docker/engine/index.js';
import { testRunId } from '../../docker/engine/integration-support.js';
import { startHeadlessServer, type HeadlessServer } from './api/headless-server.js';
import { createAppHost } from './app-host.js';
import type { AppHost } from './app-host-types.js';

const run = promisify(execFile);
const REPO = path.resolve(__dirname, '../..');
const BUNDLE = path.join(REPO, 'dist/gateway');
const NODE_BASE = 'openclaw-base/node:22-bookworm-slim';

async function prerequisites(): Promise<string | undefined> {
  try {
    const docker = createDockerClient({ env: process.env });
    if (!(await pingEngine(docker)).ok) return 'no Docker engine';
    await detectCompose({ env: process.env });
    if (!(await imageExists(docker, NODE_BASE)))
      return 'no local Node base image (scripts/make-base-images.sh)';
    if (!existsSync(path.join(BUNDLE, 'openclaw.mjs'))) return 'no gateway bundle (npm run build)';
    return undefined;
  } catch (err) {
    return (err as Error).message.split('\n')[0];
  }
}
const skip = await prerequisites();

/** A minimal client of the headless host API (what the renderer does in a browser). */
class HostClient {
  private id = 0;
  private readonly pending = new Map<
    string,
    (m: { ok: boolean; value?: unknown; error?: { message: string } }) => void
  >();
  readonly events: Array<{ name: string; payload: Record<string, unknown> }> = [];

  private constructor(private readonly ws: WebSocket) {
    ws.on('message', (data) => {
      const m = JSON.parse(data.toString()) as {
        type: string;
        id?: string;
        name?: string;
        payload?: Record<string, unknown>;
      };
      if (m.type === 'result' && m.id) this.pending.get(m.id)?.(m as never);
      if (m.type === 'event' && m.name)
        this.events.push({ name: m.name, payload: m.payload ?? {} });
    });
  }

  static async connect(server: HeadlessServer): Promise<HostClient> {
    const ws = new WebSocket(`ws://127.0.0.1:${server.port}/host`, {
      headers: { Origin: `http://127.0.0.1:${server.port}` },
    });
    await new Promise((resolve, reject) => {
      ws.once('open', resolve);
      ws.once('error', reject);
    });
    const token = new URL(server.launchUrl).hash.replace('#hostToken=', '');
    const authed = new Promise((resolve) => ws.once('message', resolve));
    ws.send(JSON.stringify({ type: 'auth', token }));
    await authed;
    return new HostClient(ws);
  }

  async call<K extends HostCallName>(
    name: K,
    params: HostCallParams<K>,
  ): Promise<HostCallResult<K>> {
    const id = String(++this.id);
    const reply = new Promise<{ ok: boolean; value?: unknown; error?: { message: string } }>(
      (resolve) => this.pending.set(id, resolve),
    );
    this.ws.send(JSON.stringify({ type: 'call', id, name, params }));
    const m = await reply;
    if (!m.ok) throw new Error(m.error?.message);
    return m.value as HostCallResult<K>;
  }

  close(): void {
    this.ws.close();
  }
}

describe.skipIf(skip !== undefined)(
  `desktop host on a real engine${skip ? ` (SKIPPED: ${skip})` : ''}`,
  () => {
    const id = testRunId();
    const project = `openclaw-app-${id}`;
    const imageTag = `openclaw-app-it:${id}`;
    let root: string;
    let host: AppHost;
    let server: HeadlessServer;
    let client: HostClient;
    let port: number;
    let settings: HostCallParams<'setup.run'>;

    const phase = async () => (await client.call('status.get', {})).phase;
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
      root = await fs.mkdtemp(path.join(os.tmpdir(), 'openclaw-app-it-'));
      port = await freePort();
      host = await createAppHost({
        dataDir: path.join(root, 'data'),
        platform: process.platform,
        env: { ...process.env, OPENCLAW_NODE_IMAGE: NODE_BASE },
        bundleDir: BUNDLE,
        uiRoot: path.join(REPO, 'dist/control-ui'),
        projectName: project,
        imageTag,
        pollIntervalMs: 500,
      });
      server = await startHeadlessServer({
        handler: host.handler,
        uiRoot: path.join(REPO, 'dist/control-ui'),
      });
      client = await HostClient.connect(server);
      settings = {
        configDir: path.join(root, 'config'),
        workspaceDir: path.join(root, 'workspace'),
        gatewayPort: port,
        exposeOnLan: false,
        extraMounts: [],
        aptPackages: [],
        homeVolume: null,
      };
    }, 60_000);

    afterAll(async () => {
      client?.close();
      await server?.close();
      await host?.shutdown({ stopGateway: false });
      const stackDir = path.join(root, 'data', 'stack');
      if (existsSync(path.join(stackDir, 'docker-compose.yml'))) {
        const compose = await detectCompose({ env: process.env });
        const files = [
          'docker-compose.yml',
          ...(existsSync(path.join(stackDir, 'docker-compose.extra.yml'))
            ? ['docker-compose.extra.yml']
            : []),
        ];
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
      await removeImage(docker, imageTag, { force: true }).catch(() => false);
      await removeImage(docker, `${imageTag.split(':')[0]}:previous`, { force: true }).catch(
        () => false,
      );
      await fs.rm(root, { recursive: true, force: true });
    }, 120_000);

    it('runs the first-run setup and reaches running', async () => {
      await expect.poll(phase, { timeout: 15_000, interval: 250 }).toBe('not-set-up');
      const result = await client.call('setup.run', settings);
      expect(result.dashboardUrl).toMatch(new RegExp(`^http://127\\.0\\.0\\.1:${port}/#token=`));
      await expect
        .poll(phase, { timeout: 60_000, interval: 500 })
        .toMatch(/running|pairing-pending/);
      expect(client.events.some((e) => e.name === 'operation.progress')).toBe(true);
      expect((await client.call('stack.getSettings', {})).setUp).toBe(true);
    }, 600_000);

    it('restarts a killed gateway and says it crashed', async () => {
      const before = await gatewayContainer();
      await run('docker', ['kill', before]);
      await expect
        .poll(
          () =>
            client.events.some(
              (e) => e.name === 'notification' && String(e.payload.kind) === 'gateway-crashed',
            ),
          { timeout: 30_000, interval: 250 },
        )
        .toBe(true);
      await expect
        .poll(phase, { timeout: 90_000, interval: 500 })
        .toMatch(/running|pairing-pending/);
    }, 150_000);

    it('shows a browser pairing request in the queue and approves it from the host API', async () => {
      const identityDir = path.join(root, 'browser');
      const deps = {
        ...createGatewayClientHostDeps(resolveStatePaths({ OPENCLAW_STATE_DIR: identityDir })),
        logDebug: () => {},
        logError: () => {},
      };
      const token = new URL((await client.call('controlUi.url', {})).url).hash.replace(
        '#token=',
        '',
      );
      const connect = () =>
        new Promise<GatewayClient>((resolve, reject) => {
          const c = new GatewayClient({
            url: `ws://127.0.0.1:${port}`,
            origin: `http://127.0.0.1:${port}`,
            token: decodeURIComponent(token),
            clientName: 'gateway-client',
            mode: 'backend',
            scopes: ['operator.read'],
            hostDeps: deps,
            onHelloOk: () => resolve(c),
            onConnectError: (err) => {
              reject(err);
              c.stop();
            },
          });
          c.start();
        });
      const refused = await connect().catch(
        (e: { details?: { code?: string; requestId?: string } }) => e,
      );
      expect(
        (refused as { details?: { code?: string } }).details?.code,
        String((refused as Error).message),
      ).toBe('PAIRING_REQUIRED');
      const requestId = String(
        (refused as { details?: { requestId?: string } }).details?.requestId,
      );

      await expect
        .poll(
          async () => (await client.call('approvals.list', {})).pending.map((p) => p.requestId),
          { timeout: 20_000, interval: 500 },
        )
        .toContain(requestId);
      const listed = (await client.call('approvals.list', {})).pending.find(
        (p) => p.requestId === requestId,
      )!;
      expect(listed.scopes[0]?.description).toMatch(/read/);
      await client.call('approvals.approve', { requestId });
      const paired = await connect();
      await paired.stopAndWait();
      expect(
        (await client.call('approvals.list', {})).pending.map((p) => p.requestId),
      ).not.toContain(requestId);
    }, 60_000);

    it('keeps a user stop stopped', async () => {
      await client.call('gateway.stop', {});
      await expect.poll(phase, { timeout: 30_000, interval: 500 }).toBe('stopped');
      await new Promise((r) => setTimeout(r, 4000));
      expect(await phase()).toBe('stopped');
      expect(await gatewayContainer()).toBe('');
      expect(
        client.events.some(
          (e) => e.name === 'notification' && String(e.payload.kind) === 'gateway-stopped',
        ),
      ).toBe(false);
      await client.call('gateway.start', {});
      await expect
        .poll(phase, { timeout: 60_000, interval: 500 })
        .toMatch(/running|pairing-pending/);
    }, 120_000);

    it('rebuilds the image when apt packages change', async () => {
      const next = { ...settings, aptPackages: ['jq'] };
      expect((await client.call('stack.plan', next)).action).toBe('rebuild');
      await client.call('stack.apply', next);
      await expect
        .poll(phase, { timeout: 60_000, interval: 500 })
        .toMatch(/running|pairing-pending/);
      const { stdout } = await run('docker', ['exec', await gatewayContainer(), 'jq', '--version']);
      expect(stdout).toContain('jq-');
    }, 600_000);
  },
);
