/**
 * A scripted host for looking at the renderer without Docker: the real HostApiHandler (so every
 * call is validated as in the app) over canned data, with a setup run that streams progress like
 * the real one. Used by the screenshot script and handy for manual UI work:
 *
 *   npx tsx renderer/testing/fake-host.ts [fresh|running|failing]
 */
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type {
  AppSettings,
  PairedDeviceView,
  OperationProgress,
  PairingRequestView,
  StackChange,
  StackSettings,
} from '../../electron/contract/host-api.js';
import {
  HostApiHandler,
  type HostImplementation,
} from '../../electron/host/api/host-api-handler.js';
import {
  startHeadlessServer,
  type HeadlessServer,
} from '../../electron/host/api/headless-server.js';
import { describeBuildStep } from '../../docker/engine/build-step-label.js';
import { GATEWAY_STEP_LABELS } from '../../docker/setup/run-setup.js';
import { OpenClawError } from '../../gateway/infra/errors.js';
import { checkStackSettings, stackRefusal } from '../../electron/host/stack/stack-check.js';
import { fakeModelCalls } from './fake-model-host.js';
import { fakeSandboxCalls } from './fake-sandbox-host.js';
import { createChannelCalls } from '../../electron/host/channels/channel-calls.js';
import type { ChannelRequestSource } from '../../electron/host/channels/channel-requests.js';
import { resolveStatePaths } from '../../gateway/config/paths.js';
import {
  baseStatus,
  diagnostics,
  HOUR,
  logLines,
  SCOPES,
  type Scenario,
} from './fake-host-data.js';

export type { Scenario } from './fake-host-data.js';

/** Package names the fake build cannot find (a failed apply for screenshots and manual checks). */
const MISSPELT = new Set(['jqq', 'ripgrepp']);

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export interface FakeHost {
  handler: HostApiHandler;
  setScenario(s: Scenario): void;
  /** Make "another program" hold (or release) a port, as the port check sees it. */
  setPortBusy(port: number, busy: boolean): void;
  /** Lists a paired device (screenshots pair "this browser" once it has an identity). */
  addPaired(device: PairedDeviceView): void;
  /** Stops the Model step's Ollama stand-in and removes its temp state dir. */
  close(): Promise<void>;
}

/** Where the Channels page's calls go: a real gateway's operator connection and its state dir. */
export interface FakeHostChannels {
  source: ChannelRequestSource;
  stateDir: string;
  /** How often DM requests are listed (tests shorten it). */
  pollMs?: number;
}

/** No gateway: the Channels page shows what the config says and why the live part is missing. */
const NO_GATEWAY: ChannelRequestSource = {
  connected: false,
  request: () => Promise.reject(new OpenClawError('GATEWAY_UNREACHABLE', 'no gateway')),
};

export function createFakeHost(
  initial: Scenario,
  options: { channels?: FakeHostChannels } = {},
): FakeHost {
  const handler = new HostApiHandler();
  const channelEnv = options.channels ?? {
    source: NO_GATEWAY,
    stateDir: path.join(os.tmpdir(), `openclaw-fake-host-${process.pid}`, 'channels'),
  };
  const channels = createChannelCalls(
    channelEnv.source,
    () => resolveStatePaths({ OPENCLAW_STATE_DIR: channelEnv.stateDir }),
    channelEnv.pollMs ? { intervalMs: channelEnv.pollMs } : {},
  );
  let scenario = initial;
  let setUp = initial === 'running';
  const { close: closeModel, ...modelCalls } = fakeModelCalls(() => setUp);
  let status = baseStatus(setUp ? 'pairing-pending' : 'not-set-up');
  let stack: StackSettings = {
    configDir: '/home/me/.openclaw',
    workspaceDir: '/home/me/.openclaw/workspace',
    gatewayPort: 18789,
    exposeOnLan: false,
    extraMounts: setUp
      ? [{ source: '/home/me/My Projects', target: '/home/node/projects', readOnly: false }]
      : [],
    aptPackages: setUp ? ['jq', 'ripgrep'] : [],
    homeVolume: setUp ? { kind: 'volume', name: 'openclaw-home' } : null,
  };
  let app: AppSettings = {
    startAtLogin: true,
    startInBackground: false,
    closeToTray: true,
    stopGatewayOnQuit: false,
    checkForUpdates: true,
  };
  let pending: PairingRequestView[] = [
    {
      requestId: '7c1e9b2a-4f0d-4b61-9a55-2f1d9c0e8b13',
      deviceId: 'd2f0c9a1b8e74c3f9a0d6b5e1c2f3a4b5c6d7e8f9a0b1c2d3e4f5a6b7c8d9e0f',
      displayName: 'Control UI (Chrome on Linux)',
      platform: 'Linux x86_64',
      clientId: 'openclaw-control-ui',
      clientMode: 'webchat',
      remoteIp: '172.17.0.1',
      role: 'operator',
      scopes: [SCOPES.read, SCOPES.write, SCOPES.approvals],
      isRepair: false,
      ts: Date.now() - 4 * 60_000,
    },
  ];
  let paired: PairedDeviceView[] = [
    {
      deviceId: 'a1b2c3d4e5f6',
      displayName: 'OpenClaw Desktop',
      platform: 'linux',
      clientId: 'openclaw-desktop',
      roles: ['operator'],
      scopes: [SCOPES.admin, SCOPES.pairing],
      createdAtMs: Date.now() - 9 * 86_400_000,
      lastUsedAtMs: Date.now() - 30_000,
      connectedNow: true,
      isThisApp: true,
    },
    {
      deviceId: 'f6e5d4c3b2a1',
      displayName: 'iPhone 15',
      platform: 'iOS 18.2',
      clientId: 'openclaw-ios',
      roles: ['operator', 'node'],
      scopes: [SCOPES.read, SCOPES.write],
      createdAtMs: Date.now() - 5 * 86_400_000,
      lastUsedAtMs: Date.now() - 2 * HOUR,
      isThisApp: false,
    },
    {
      // A twin of the pending request's name: only the device id tells them apart.
      deviceId: '5e2a9c0f7b1d4e8a3c6f9b2d5a8e1c4f7a0d3b6e9c2f5a8d1b4e7c0f3a6d9b2e',
      displayName: 'Control UI (Chrome on Linux)',
      platform: 'Linux x86_64',
      clientId: 'openclaw-control-ui',
      roles: ['operator'],
      scopes: [SCOPES.read, SCOPES.write],
      createdAtMs: Date.now() - 2 * 86_400_000,
      lastUsedAtMs: Date.now() - 3 * HOUR,
      isThisApp: false,
    },
    {
      deviceId: '0a9b8c7d6e5f',
      clientId: 'openclaw-cli',
      platform: 'darwin',
      roles: ['operator'],
      scopes: [SCOPES.read],
      createdAtMs: Date.now() - 20 * 86_400_000,
      isThisApp: false,
    },
  ];
  let cancel: (() => void) | undefined;
  // Like the real host: `stack` only changes once an apply succeeded; a failed one stays pending.
  let change: StackChange = { state: 'applied' };

  // The badge counts chat senders waiting too, as the app host's supervisor does.
  const withChats = () => ({
    ...status,
    pendingApprovals: status.pendingApprovals + channels.pendingCount(),
  });
  const emitStatus = () => handler.emit('status', withChats());
  channels.onChange(() => {
    emitStatus();
    handler.emit('approvals.changed', { pending: withChats().pendingApprovals });
  });
  const sleep = (ms: number, signal: { cancelled: boolean }) =>
    new Promise<void>((resolve, reject) => {
      const t = setTimeout(resolve, ms);
      cancel = () => {
        clearTimeout(t);
        signal.cancelled = true;
        reject(new OpenClawError('CANCELLED', 'The setup was cancelled; nothing was started.'));
      };
    });

  async function runSetup(next: StackSettings, kind: 'setup' | 'apply'): Promise<void> {
    change = { state: 'applying', kind, desired: next, startedAt: Date.now() };
    const operationId = `op-${Date.now()}`;
    const emit = (p: Record<string, unknown>) =>
      handler.emit('operation.progress', { operationId, kind, ...p });
    const signal = { cancelled: false };
    status = {
      ...status,
      phase: 'starting',
      summary: 'Setting up…',
      operation: { kind, startedAt: Date.now() },
    };
    emitStatus();
    try {
      const phases: Array<[string, string]> = [
        ['validate', 'Checking the setup inputs'],
        ['engine', 'Connecting to the Docker engine'],
        [
          'image',
          next.aptPackages.length
            ? `Building the image with ${next.aptPackages.join(', ')}`
            : 'Building the image',
        ],
      ];
      for (const [phase, message] of phases) {
        emit({ phase, message });
        await sleep(250, signal);
      }
      // The real gateway Dockerfile's steps, named as the host names them.
      const instructions = [
        'ARG NODE_IMAGE=node:22-bookworm-slim',
        'FROM ${NODE_IMAGE}',
        'USER root',
        'ARG OPENCLAW_DOCKER_APT_PACKAGES=""',
        "RUN set -eu;     set -f;     count=0;     for p in $OPENCLAW_DOCKER_APT_PACKAGES; do       if ! printf '%s\\n' \"$p\" | grep -Eqx '[a-z0-9][a-z0-9+.-]+'; then exit 1; fi;     done;     apt-get update;     DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends -- $OPENCLAW_DOCKER_APT_PACKAGES;     apt-get clean",
        'COPY app/ /app/',
        'RUN mkdir -p /home/node/.openclaw/workspace     && chown -R node:node /home/node/.openclaw     && chmod 0700 /home/node/.openclaw',
        'ENV HOME=/home/node     OPENCLAW_STATE_DIR=/home/node/.openclaw     NODE_ENV=production',
        'USER node',
      ];
      const buildArgs = {
        NODE_IMAGE: 'openclaw-base/node:22-bookworm-slim',
        OPENCLAW_DOCKER_APT_PACKAGES: next.aptPackages.join(' '),
      };
      const total = instructions.length;
      for (let i = 1; i <= total; i++) {
        const instruction = instructions[i - 1]!;
        const label = describeBuildStep(instruction, { buildArgs, rules: GATEWAY_STEP_LABELS });
        emit({ step: { index: i, total, label, instruction }, message: label });
        emit({
          log:
            i === 5
              ? 'Get:1 http://deb.debian.org/debian bookworm InRelease [151 kB]'
              : ` ---> Running in 5d1c0f3e2b${i}a`,
        });
        // The failing scenario, or a misspelt package (shows a failed apply in Settings).
        const misspelt = next.aptPackages.find((p) => MISSPELT.has(p));
        if ((scenario === 'failing' || misspelt) && i === 5) {
          const name = misspelt ?? 'jqq';
          emit({ log: `E: Unable to locate package ${name}` });
          throw new OpenClawError(
            'APT_PACKAGE_NOT_FOUND',
            `Building openclaw:local failed at step 5/${total}. Debian has no package named “${name}” (apt reached the mirror and did not find it). Check the spelling or remove it from the extra packages, then build again.`,
          );
        }
        await sleep(i === 5 ? 1500 : 300, signal);
      }
      for (const [phase, message] of [
        ['files', 'Writing .env and the compose files'],
        ['permissions', 'Making the config folder writable for the container user (uid 1000)'],
        ['start', 'Starting the gateway'],
        ['onboard', 'Writing the gateway config through the image (openclaw onboard)'],
        ['health', 'Waiting for the gateway to become healthy'],
        ['done', 'The gateway is running'],
      ] as const) {
        emit({ phase, message });
        await sleep(300, signal);
      }
      stack = next;
      setUp = true;
      change = { state: 'applied' };
      status = baseStatus('running');
      emit({ done: true, message: 'The gateway is running' });
    } catch (err) {
      change = {
        state: 'failed',
        kind,
        desired: next,
        error: {
          code: err instanceof OpenClawError ? err.code : 'INTERNAL',
          message: err instanceof Error ? err.message : String(err),
        },
        failedAt: Date.now(),
      };
      emit({ done: true, error: err instanceof Error ? err.message : String(err) });
      status = baseStatus(setUp ? 'running' : 'not-set-up');
      throw err;
    } finally {
      cancel = undefined;
      emitStatus();
    }
  }

  /** Ports "another program" holds (a test takes one to see Install refuse it). */
  const busyPorts = new Set<number>();
  // The real rules, on the canned machine: home /home/me, the app's page on 18790, and every
  // folder existing (the fake has no file system of its own).
  const check = (next: StackSettings) =>
    checkStackSettings(next, {
      homeDir: '/home/me',
      appPorts: [18790],
      checkPort: async (port) =>
        busyPorts.has(port)
          ? {
              free: false,
              holder: 'unknown',
              detail: `another program on this computer (it listens on 127.0.0.1:${port})`,
              suggestion: port + 1,
            }
          : { free: true },
      stat: async () => ({ isDirectory: () => true }),
    });

  const impl: HostImplementation = {
    'status.get': async () => withChats(),
    'gateway.start': async () => (
      (status = baseStatus('running')),
      emitStatus(),
      { ok: true as const }
    ),
    'gateway.stop': async () => (
      (status = baseStatus('stopped')),
      emitStatus(),
      { ok: true as const }
    ),
    'gateway.restart': async () => (
      (status = baseStatus('running')),
      emitStatus(),
      { ok: true as const }
    ),
    'gateway.rebuild': async () => (await runSetup(stack, 'apply'), { ok: true as const }),
    'operation.cancel': async () => {
      const c = cancel;
      c?.();
      return { cancelled: Boolean(c) };
    },
    'setup.run': async (next) => {
      const refusal = stackRefusal(await check(next));
      if (refusal) throw refusal;
      await runSetup(next, 'setup');
      return { dashboardUrl: 'http://127.0.0.1:18789/#token=3f9a0c5e1d7b42a8c6e0f9d1b3a5c7e9' };
    },
    'stack.check': async (next) => ({ problems: await check(next) }),
    'stack.getSettings': async () => ({ settings: stack, setUp }),
    'stack.plan': async (next) => {
      const reasons: string[] = [];
      if (JSON.stringify(next.aptPackages) !== JSON.stringify(stack.aptPackages))
        reasons.push('The apt package list changed (the image includes them).');
      if (JSON.stringify(next.extraMounts) !== JSON.stringify(stack.extraMounts))
        reasons.push('The extra folders changed.');
      if (JSON.stringify(next.homeVolume) !== JSON.stringify(stack.homeVolume))
        reasons.push('The home volume changed.');
      if (next.gatewayPort !== stack.gatewayPort)
        reasons.push(`The port changes from ${stack.gatewayPort} to ${next.gatewayPort}.`);
      if (next.exposeOnLan !== stack.exposeOnLan)
        reasons.push(
          next.exposeOnLan
            ? 'the gateway port is now published on the local network'
            : 'the gateway port is now published on this computer only',
        );
      const action =
        reasons.length === 0 ? 'none' : reasons[0]!.startsWith('The apt') ? 'rebuild' : 'recreate';
      return { action, reasons };
    },
    'stack.apply': async (next) => {
      const plan = await impl['stack.plan'](next);
      if (plan.action !== 'none') await runSetup(next, 'apply');
      else if (change.state === 'failed') change = { state: 'applied' };
      return plan;
    },
    'stack.reachability': async () => ({
      source: setUp ? ('container' as const) : ('settings' as const),
      publishAddress: stack.exposeOnLan ? '0.0.0.0' : '127.0.0.1',
      port: stack.gatewayPort,
      scope: stack.exposeOnLan ? ('network' as const) : ('this-computer' as const),
      localUrl: `http://127.0.0.1:${stack.gatewayPort}/`,
      lanUrls: stack.exposeOnLan ? [`http://192.168.1.23:${stack.gatewayPort}/`] : [],
      lanAddresses: ['192.168.1.23'],
    }),
    'stack.cliCommand': async ({ args }) => ({
      shell: 'posix' as const,
      command: `cd '/home/me/.config/OpenClaw Desktop/stack' && docker compose -f docker-compose.yml${stack.extraMounts.length || stack.homeVolume ? ' -f docker-compose.extra.yml' : ''} run --rm openclaw-cli ${args.join(' ')}`,
    }),
    'stack.change': async () => change,
    'stack.retry': async () => {
      if (change.state !== 'failed')
        throw new OpenClawError('NOT_FOUND', 'There are no failed changes to retry.');
      const { desired, kind } = change;
      const plan = await impl['stack.plan'](desired);
      await runSetup(desired, kind);
      return plan;
    },
    'stack.discard': async () => {
      if (change.state === 'failed') change = { state: 'applied' };
      return change;
    },
    'stack.resetHome': async ({ volume }) => {
      const home = stack.homeVolume;
      if (home?.kind !== 'volume' || home.name !== volume)
        throw new OpenClawError(
          'INVALID_ARGUMENT',
          `Type the volume name exactly (${home?.kind === 'volume' ? home.name : 'none'}) to confirm the reset.`,
        );
      await new Promise((r) => setTimeout(r, 600));
      return { removed: true, restarted: true };
    },
    'approvals.list': async () => ({ pending, paired }),
    'approvals.approve': async ({ requestId, scopes }) => {
      const r = pending.find((p) => p.requestId === requestId);
      pending = pending.filter((p) => p.requestId !== requestId);
      if (r)
        paired = [
          ...paired,
          {
            deviceId: r.deviceId,
            displayName: r.displayName,
            platform: r.platform,
            clientId: r.clientId,
            roles: [r.role],
            scopes: scopes ? r.scopes.filter((s) => scopes.includes(s.scope)) : r.scopes,
            createdAtMs: Date.now(),
            lastUsedAtMs: Date.now(),
            isThisApp: false,
          },
        ];
      status = baseStatus('running');
      handler.emit('approvals.changed', { pending: pending.length });
      emitStatus();
      return { ok: true as const };
    },
    'approvals.reject': async ({ requestId }) => {
      pending = pending.filter((p) => p.requestId !== requestId);
      status = baseStatus('running');
      handler.emit('approvals.changed', { pending: pending.length });
      emitStatus();
      return { ok: true as const };
    },
    'devices.revoke': async () => ({ ok: true as const }),
    'devices.remove': async ({ deviceId }) => {
      paired = paired.filter((d) => d.deviceId !== deviceId);
      handler.emit('approvals.changed', { pending: pending.length });
      return { ok: true as const };
    },
    'controlUi.url': async () => {
      if (!setUp)
        throw new OpenClawError('NOT_FOUND', 'The gateway is not set up yet: run the setup first.');
      return { url: 'http://127.0.0.1:18789/#token=3f9a0c5e1d7b42a8c6e0f9d1b3a5c7e9' };
    },
    'controlUi.expectDevice': async () => ({ ok: true as const }),
    'engine.start': async () => ({
      started: true,
      message: 'Docker Desktop is starting; this takes a few seconds.',
    }),
    'gateway.stats': async () =>
      status.phase === 'running' || status.phase === 'pairing-pending'
        ? {
            cpuPercent: 3.4,
            memoryBytes: 212 * 1024 * 1024,
            memoryLimitBytes: 2 * 1024 * 1024 * 1024,
          }
        : null,
    'settings.get': async () => ({
      settings: app,
      secretStorage: {
        kind: 'plaintext-file' as const,
        warning:
          'No system keychain (Secret Service) was found, so the app’s device key is kept in a file readable only by your user.',
      },
    }),
    'settings.update': async (patch) => ((app = { ...app, ...patch }), app),
    'diagnostics.run': async () => {
      await new Promise((r) => setTimeout(r, 400));
      return diagnostics(scenario, setUp);
    },
    'diagnostics.supportBundle': async () => ({
      file: '/home/me/.config/OpenClaw Desktop/support/openclaw-support-2026-03-14T09-30-12-118Z.zip',
      entries: [
        'versions.json',
        'diagnostics.json',
        'stack/.env (redacted)',
        'stack/docker-compose.yml',
        'logs/openclaw-gateway.log',
        'config/openclaw.json (redacted)',
      ],
    }),
    'images.base': async () => ({
      source: 'local' as const,
      image: 'openclaw-base/node:22-bookworm-slim',
      present: true,
      summary:
        'openclaw-base/node:22-bookworm-slim (made on this computer from Debian packages; no registry needed)',
      makeLocal: {
        possible: false,
        detail:
          'Making base images needs root the first time (debootstrap). Run `sudo scripts/make-base-images.sh` in a terminal, then build again.',
      },
    }),
    'images.makeBase': async () => {
      throw new OpenClawError('BASE_IMAGE_UNAVAILABLE', 'Making base images needs Linux.');
    },
    'images.usage': async () => ({
      imageTag: 'openclaw:local',
      totalBytes: setUp ? 231 * 1024 * 1024 : 0,
      images: setUp
        ? [
            {
              id: 'sha256:5d1c0f3e2b1a',
              tags: ['openclaw:local'],
              role: 'current' as const,
              created: Date.now() - 3_600_000,
              sizeBytes: 214 * 1024 * 1024,
              uniqueBytes: 15 * 1024 * 1024,
            },
            {
              id: 'sha256:34587662237c',
              tags: ['openclaw:previous'],
              role: 'previous' as const,
              created: Date.now() - 86_400_000,
              sizeBytes: 213 * 1024 * 1024,
              uniqueBytes: 14 * 1024 * 1024,
            },
          ]
        : [],
    }),
    'images.prune': async () => ({ removed: 0, freedBytes: 0, skipped: 0 }),
    'update.get': async () => ({
      currentVersion: '0.1.0',
      channel: 'latest',
      autoCheck: app.checkForUpdates,
      status: { state: 'idle' as const },
    }),
    'update.check': async () => {
      const view = {
        currentVersion: '0.1.0',
        channel: 'latest',
        autoCheck: app.checkForUpdates,
        lastCheckedAt: Date.now(),
        status: { state: 'up-to-date' as const, checkedAt: Date.now() },
      };
      handler.emit('update', view);
      return view;
    },
    'update.install': async () => ({ restarting: false }),
    'logs.tail': async () => (setUp ? logLines() : []),
    ...modelCalls,
    ...channels.calls,
    ...fakeSandboxCalls({
      engineReady: () => setUp,
      failing: () => scenario === 'failing',
      emit: (p) => handler.emit('operation.progress', p as OperationProgress),
      sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
    }),
  };
  handler.bind(impl);
  return {
    handler,
    close: async () => {
      channels.dispose();
      await closeModel();
    },
    setScenario(s) {
      scenario = s;
    },
    setPortBusy(port, busy) {
      if (busy) busyPorts.add(port);
      else busyPorts.delete(port);
    },
    addPaired(device) {
      paired = [...paired, device];
      handler.emit('approvals.changed', { pending: pending.length });
    },
  };
}

export async function startFakeHost(
  scenario: Scenario,
  port = 0,
  options: { channels?: FakeHostChannels } = {},
): Promise<HeadlessServer & { fake: FakeHost }> {
  const fake = createFakeHost(scenario, options);
  const server = await startHeadlessServer({
    handler: fake.handler,
    uiRoot: path.join(ROOT, 'dist/control-ui'),
    port,
  });
  const closeServer = server.close.bind(server);
  return Object.assign(server, {
    fake,
    close: async () => {
      await closeServer();
      await fake.close();
    },
  });
}

const invokedDirectly =
  process.argv[1] !== undefined && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url);
if (invokedDirectly) {
  const scenario = (process.argv[2] as Scenario | undefined) ?? 'fresh';
  const server = await startFakeHost(scenario, Number(process.env.PORT ?? 0));
  process.stdout.write(`fake host (${scenario}): ${server.launchUrl}\n`);
}
