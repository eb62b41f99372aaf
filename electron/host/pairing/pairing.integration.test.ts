/**
 * The app's operator side against a real in-process gateway: bootstrap, the operator connection
 * with only its device token, self-repair, the pairing queue fed by real events, and the Control
 * UI auto-approval. Browser-style clients reach the gateway through a small proxy that adds
 * `X-Forwarded-For` (the gateway trusts 127.0.0.1 as a proxy), so they are remote — as browsers
 * behind Docker's NAT are — and can never be silently paired as local clients.
 */
import { promises as fs } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { GatewayClient, type GatewayClientOptions } from '@openclaw/gateway-client';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { resolveStatePaths } from '../../../gateway/config/paths.js';
import {
  createGatewayClientHostDeps,
  loadOrCreateDeviceIdentity,
} from '../../../gateway/pairing/client-identity-store.js';
import { publicKeyRawBase64UrlFromPem } from '../../../gateway/pairing/device-crypto.js';
import { PairingStore } from '../../../gateway/pairing/pairing-store.js';
import { SCOPES } from '../../../gateway/pairing/scopes.js';
import {
  startTestGateway,
  TEST_TOKEN,
  type TestGateway,
} from '../../../gateway/testing/test-gateway.js';
import type { PairingRequestView, PairedDeviceView } from '../../contract/host-api.js';
import { DESKTOP_BOOTSTRAP_APPROVED_VIA, registerOperatorDevice } from './bootstrap.js';
import { ControlUiApprover } from './control-ui-approval.js';
import {
  OperatorConnection,
  type OperatorConnectionOptions,
  type OperatorConnectionState,
} from './operator-connection.js';
import { loadOrCreateOperatorIdentity, type OperatorIdentity } from './operator-identity.js';
import { PairingQueue } from './pairing-queue.js';
import { FileSecretStore } from './secret-store.js';

const BROWSER_IP = '192.168.1.20';
const BROWSER_ORIGIN = 'http://192.168.1.20:18789';

let gw: TestGateway;
let proxy: { url: string; close(): Promise<void> };
let tmp: string;
const cleanups: Array<() => Promise<void> | void> = [];

beforeAll(async () => {
  gw = await startTestGateway({
    gateway: { trustedProxies: ['127.0.0.1'], controlUi: { allowedOrigins: [BROWSER_ORIGIN] } },
  });
  proxy = await startForwardingProxy(gw.port, BROWSER_IP);
  tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'openclaw-app-'));
});

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

afterAll(async () => {
  await proxy.close();
  await gw.stop();
  await fs.rm(tmp, { recursive: true, force: true });
});

/** A TCP proxy that adds X-Forwarded-For to the upgrade request, like a NAT'd browser's path. */
async function startForwardingProxy(targetPort: number, forwardedFor: string) {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((downstream) => {
    const upstream = net.connect(targetPort, '127.0.0.1');
    sockets.add(downstream).add(upstream);
    let head = Buffer.alloc(0);
    const onData = (chunk: Buffer) => {
      head = Buffer.concat([head, chunk]);
      const end = head.indexOf('\r\n\r\n');
      if (end === -1) return;
      downstream.off('data', onData);
      const headers = `${head.subarray(0, end).toString('latin1')}\r\nX-Forwarded-For: ${forwardedFor}`;
      upstream.write(Buffer.concat([Buffer.from(headers, 'latin1'), head.subarray(end)]));
      downstream.pipe(upstream);
      upstream.pipe(downstream);
    };
    downstream.on('data', onData);
    for (const [a, b] of [
      [downstream, upstream],
      [upstream, downstream],
    ] as const) {
      a.on('error', () => b.destroy());
      a.on('close', () => {
        b.destroy();
        sockets.delete(a);
      });
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  return {
    url: `ws://127.0.0.1:${port}`,
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

let appCount = 0;

async function appIdentity(name = `app-${(appCount += 1)}`) {
  const dir = path.join(tmp, name);
  const identity = await loadOrCreateOperatorIdentity(new FileSecretStore(dir), dir);
  return { dir, identity };
}

function operator(options: Partial<OperatorConnectionOptions> & { identity: OperatorIdentity }) {
  const states: OperatorConnectionState[] = [];
  const connection = new OperatorConnection({ url: gw.url, clientVersion: 'test', ...options });
  connection.onStateChange((status) => states.push(status.state));
  cleanups.push(() => connection.stop());
  return { connection, states };
}

async function waitForState(connection: OperatorConnection, state: OperatorConnectionState) {
  await vi.waitFor(() => expect(connection.status.state).toBe(state), {
    timeout: 10_000,
    interval: 25,
  });
}

/** A browser-style device with its own identity, reaching the gateway through the proxy. */
function browserDevice(name: string, overrides: Partial<GatewayClientOptions> = {}) {
  const paths = resolveStatePaths({ OPENCLAW_STATE_DIR: path.join(tmp, `browser-${name}`) });
  const identity = loadOrCreateDeviceIdentity(paths);
  const base: Partial<GatewayClientOptions> = {
    url: proxy.url,
    origin: BROWSER_ORIGIN,
    token: TEST_TOKEN,
    clientName: 'openclaw-control-ui',
    mode: 'webchat',
    clientDisplayName: `Browser ${name}`,
    platform: 'web',
    scopes: ['operator.read', 'operator.write'],
    hostDeps: { ...createGatewayClientHostDeps(paths), logDebug: () => {}, logError: () => {} },
    ...overrides,
  };
  return {
    deviceId: identity.deviceId,
    publicKey: publicKeyRawBase64UrlFromPem(identity.publicKeyPem),
    connect: () => connectOnce(base),
  };
}

/** One connect attempt: the hello, or the refusal with its details. */
function connectOnce(
  options: Partial<GatewayClientOptions>,
): Promise<{ ok: true; client: GatewayClient } | { ok: false; details: Record<string, unknown> }> {
  return new Promise((resolve) => {
    const client: GatewayClient = new GatewayClient({
      requestTimeoutMs: 5000,
      ...options,
      onHelloOk: () => {
        cleanups.push(() => client.stopAndWait().catch(() => {}));
        resolve({ ok: true, client });
      },
      onConnectError: (err) => {
        // Resolve first: stopping a connecting client reports "gateway client stopped" too.
        resolve({
          ok: false,
          details: (err as { details?: Record<string, unknown> }).details ?? {},
        });
        client.stop();
      },
    });
    client.start();
  });
}

async function bootstrappedApp() {
  const { dir, identity } = await appIdentity();
  await registerOperatorDevice(gw.paths, identity);
  const { connection, states } = operator({
    identity,
    register: () => registerOperatorDevice(gw.paths, identity),
  });
  connection.start();
  await waitForState(connection, 'connected');
  const queue = new PairingQueue(connection, { ownDeviceId: identity.deviceId });
  cleanups.push(() => queue.dispose());
  return { dir, identity, connection, states, queue };
}

describe('the app as operator', () => {
  it('bootstraps itself, connects with only its device token, and keeps its identity across restarts', async () => {
    const { dir, identity } = await appIdentity();
    const registration = await registerOperatorDevice(gw.paths, identity);
    expect(registration.approved).toBe(true);
    const record = await new PairingStore(gw.paths).getPaired(identity.deviceId);
    expect(record).toMatchObject({
      approvedVia: DESKTOP_BOOTSTRAP_APPROVED_VIA,
      clientId: 'gateway-client',
    });

    // No shared token anywhere: the device token is the only credential.
    const { connection } = operator({ identity });
    connection.start();
    await waitForState(connection, 'connected');
    expect(connection.status).toMatchObject({ credential: 'device-token' });
    expect(connection.status.scopes).toEqual(
      expect.arrayContaining(['operator.admin', 'operator.pairing']),
    );
    await expect(connection.request<{ ok: boolean }>('health')).resolves.toMatchObject({
      ok: true,
    });
    await connection.stop();
    expect(connection.status.state).toBe('disconnected');
    await expect(connection.request('health')).rejects.toMatchObject({
      code: 'GATEWAY_UNREACHABLE',
    });

    // App restart: the identity and token come back from the secret store.
    const restarted = await loadOrCreateOperatorIdentity(new FileSecretStore(dir), dir);
    expect(restarted.deviceId).toBe(identity.deviceId);
    expect((await registerOperatorDevice(gw.paths, restarted)).approved).toBe(false);
    const again = operator({ identity: restarted });
    again.connection.start();
    await waitForState(again.connection, 'connected');
    await expect(again.connection.request('status')).resolves.toBeTruthy();
  });

  it('re-registers itself once when its record is removed, with no user step', async () => {
    const { identity, connection, states } = await bootstrappedApp();
    states.length = 0;
    // Removing a device makes the gateway drop its sockets; the response may not arrive.
    await connection.request('device.pair.remove', { deviceId: identity.deviceId }).catch(() => {});
    expect(await new PairingStore(gw.paths).getPaired(identity.deviceId)).toBeUndefined();
    await vi.waitFor(() => expect(states).toContain('disconnected'), { timeout: 10_000 });
    await waitForState(connection, 'connected');
    expect(states).toContain('connecting');
    const record = await new PairingStore(gw.paths).getPaired(identity.deviceId);
    expect(record?.approvedVia).toBe(DESKTOP_BOOTSTRAP_APPROVED_VIA);
    await expect(connection.request('health')).resolves.toBeTruthy();
  });

  it('answers PAIRING_REQUIRED by registering itself (remote path, shared token only)', async () => {
    const { identity } = await appIdentity();
    let registrations = 0;
    const { connection, states } = operator({
      identity,
      url: proxy.url, // remote: the gateway would never pair it silently
      sharedToken: () => TEST_TOKEN,
      register: async () => {
        registrations += 1;
        await registerOperatorDevice(gw.paths, identity);
      },
    });
    connection.start();
    await waitForState(connection, 'connected');
    expect(registrations).toBe(1);
    expect(states[0]).toBe('connecting');
    expect(connection.status.credential).toBe('device-token');
    expect(identity.deviceToken()).toBeDefined();
  });

  it('reports not-paired with the request to approve; a CLI approval gets it in without a restart', async () => {
    const { identity } = await appIdentity();
    let registrations = 0;
    const { connection } = operator({
      identity,
      url: proxy.url,
      sharedToken: () => TEST_TOKEN,
      // The config dir is out of reach (say, a remote gateway): registering achieves nothing.
      register: async () => {
        registrations += 1;
      },
      pausedRetryMs: 300,
    });
    connection.start();
    await waitForState(connection, 'not-paired');
    expect(registrations).toBe(1); // once per episode, no loop
    const { lastError } = connection.status;
    expect(lastError?.code).toBe('PAIRING_REQUIRED');
    const pending = await new PairingStore(gw.paths).listPending();
    const mine = pending.find((p) => p.deviceId === identity.deviceId);
    expect(mine?.requestId).toBe(lastError?.requestId);

    // `openclaw devices approve <id>` from a terminal; the app notices on its next slow retry.
    await new PairingStore(gw.paths).approve(String(lastError?.requestId));
    await waitForState(connection, 'connected');
    await expect(connection.request('health')).resolves.toBeTruthy();
  });

  it('reports auth-failed for a refused shared token it cannot repair', async () => {
    const { identity } = await appIdentity();
    const refused = operator({ identity, sharedToken: () => 'not-the-token' });
    refused.connection.start();
    await waitForState(refused.connection, 'auth-failed');
    expect(refused.connection.status.lastError?.code).toBe('AUTH_TOKEN_MISMATCH');
    await expect(refused.connection.request('health')).rejects.toMatchObject({
      code: 'GATEWAY_UNREACHABLE',
    });
  });
});

describe('the pairing queue', () => {
  it('shows a browser request in plain words; approving it lets the browser in', async () => {
    const { queue, identity } = await bootstrappedApp();
    const browser = browserDevice('laptop');
    const first = await browser.connect();
    expect(first.ok).toBe(false);
    const details = (first as { details: Record<string, unknown> }).details;
    expect(details.code).toBe('PAIRING_REQUIRED');
    const requestId = String(details.requestId);

    await vi.waitFor(() => expect(queue.pending().map((p) => p.requestId)).toContain(requestId));
    const item = queue.pending().find((p) => p.requestId === requestId)!;
    expect(item).toMatchObject({
      deviceId: browser.deviceId,
      publicKey: browser.publicKey,
      displayName: 'Browser laptop',
      platform: 'web',
      clientId: 'openclaw-control-ui',
      clientMode: 'webchat',
      remoteIp: BROWSER_IP,
      role: 'operator',
      isRepair: false,
    });
    expect(item.scopes).toEqual([
      { scope: 'operator.read', ...SCOPES['operator.read'] },
      { scope: 'operator.write', ...SCOPES['operator.write'] },
    ]);
    expect(item.expiresAt - item.ts).toBe(5 * 60_000);
    const view: PairingRequestView = item; // the host API's shape, structurally
    expect(view.requestId).toBe(requestId);

    await queue.approve(requestId);
    expect(queue.pending().map((p) => p.requestId)).not.toContain(requestId);
    const second = await browser.connect();
    expect(second.ok).toBe(true);
    if (second.ok) await expect(second.client.request('health', {})).resolves.toBeTruthy();

    await vi.waitFor(() =>
      expect(queue.paired().map((d) => d.deviceId)).toEqual(
        expect.arrayContaining([browser.deviceId, identity.deviceId]),
      ),
    );
    const self: PairedDeviceView | undefined = queue.paired().find((d) => d.isThisApp);
    expect(self?.deviceId).toBe(identity.deviceId);
  });

  it('drops a request resolved elsewhere (the CLI writing the pairing files)', async () => {
    const { queue } = await bootstrappedApp();
    const store = new PairingStore(gw.paths);
    const pendingIds = () => queue.pending().map((p) => p.requestId);
    const refusedId = async (name: string) => {
      const refused = await browserDevice(name).connect();
      const requestId = String((refused as { details: Record<string, unknown> }).details.requestId);
      await vi.waitFor(() => expect(pendingIds()).toContain(requestId));
      return requestId;
    };

    // What `docker compose run --rm openclaw-cli devices reject <id>` does to the files. Once the
    // gateway's file watcher has seen the request, it announces the resolution as an event.
    const announced = await refusedId('phone');
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    await store.reject(announced);
    await vi.waitFor(() => expect(pendingIds()).not.toContain(announced), { timeout: 5_000 });
    await expect(queue.approve(announced)).rejects.toMatchObject({ code: 'PAIRING_NOT_FOUND' });

    // Resolved before the watcher polled: no event at all; the next list drops it.
    const silent = await refusedId('tablet');
    await store.approve(silent);
    await queue.refresh();
    expect(pendingIds()).not.toContain(silent);
  });

  it('auto-approves the app’s own Control UI by exact key; a look-alike stays pending', async () => {
    const { queue } = await bootstrappedApp();
    const approver = new ControlUiApprover(queue);
    cleanups.push(() => approver.dispose());
    const scopes = Object.keys(SCOPES).filter((s) => s !== 'operator.talk.secrets');
    const window = browserDevice('app-window', { scopes });
    const imposter = browserDevice('look-alike', {
      scopes,
      clientDisplayName: 'OpenClaw Control UI',
    });

    const expectation = approver.expectControlUi(window.publicKey, { timeoutMs: 15_000 });
    const imposterTry = await imposter.connect();
    expect(imposterTry.ok).toBe(false);
    await vi.waitFor(() =>
      expect(queue.pending().map((p) => p.deviceId)).toContain(imposter.deviceId),
    );

    const windowTry = await window.connect();
    expect(windowTry.ok).toBe(false);
    const outcome = await expectation.outcome;
    expect(outcome).toMatchObject({ status: 'approved', deviceId: window.deviceId });
    expect((await window.connect()).ok).toBe(true);

    // Same client id, same scopes, different key: the user decides.
    expect(queue.pending().map((p) => p.deviceId)).toContain(imposter.deviceId);
    expect(await new PairingStore(gw.paths).getPaired(imposter.deviceId)).toBeUndefined();
    expect((await imposter.connect()).ok).toBe(false);
  });
});
