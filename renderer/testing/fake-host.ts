/**
 * A scripted host for looking at the renderer without Docker: the real HostApiHandler (so every
 * call is validated as in the app) over canned data, with a setup run that streams progress like
 * the real one. Used by the screenshot script and handy for manual UI work:
 *
 *   npx tsx renderer/testing/fake-host.ts [fresh|running|failing]
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type {
  AppSettings,
  PairedDeviceView,
  PairingRequestView,
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
import { OpenClawError } from '../../gateway/infra/errors.js';
import {
  baseStatus,
  diagnostics,
  HOUR,
  logLines,
  SCOPES,
  type Scenario,
} from './fake-host-data.js';

export type { Scenario } from './fake-host-data.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export interface FakeHost {
  handler: HostApiHandler;
  setScenario(s: Scenario): void;
}

export function createFakeHost(initial: Scenario): FakeHost {
  const handler = new HostApiHandler();
  let scenario = initial;
  let setUp = initial === 'running';
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
  };
  let pending: PairingRequestView[] = [
    {
      requestId: '7c1e9b2a-4f0d-4b61-9a55-2f1d9c0e8b13',
      deviceId: 'd2f0c9a1b8e7',
      displayName: 'Chrome on Linux',
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

  const emitStatus = () => handler.emit('status', status);
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
        ['files', 'Writing .env and the compose files'],
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
      const total = 9;
      for (let i = 1; i <= total; i++) {
        emit({
          step: { index: i, total },
          message:
            i === 5
              ? `RUN apt-get install -y ${next.aptPackages.join(' ') || '--no-install-recommends'}`
              : `Step ${i}`,
        });
        emit({
          log: `#${i + 3} [${i}/${total}] ${i === 5 ? 'RUN apt-get update && apt-get install -y …' : 'COPY dist/gateway /app'}\n#${i + 3} DONE 0.${i}s`,
        });
        if (scenario === 'failing' && i === 5) {
          emit({ log: 'E: Unable to locate package jqq' });
          throw new OpenClawError(
            'APT_PACKAGE_NOT_FOUND',
            'Building openclaw:local failed at step 5/9. Debian has no package named “jqq” (apt reached the mirror and did not find it). Check the spelling or remove it from the extra packages, then build again.',
          );
        }
        await sleep(300, signal);
      }
      for (const [phase, message] of [
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
      status = baseStatus('running');
      emit({ done: true, message: 'The gateway is running' });
    } catch (err) {
      emit({ done: true, error: err instanceof Error ? err.message : String(err) });
      status = baseStatus(setUp ? 'running' : 'not-set-up');
      throw err;
    } finally {
      cancel = undefined;
      emitStatus();
    }
  }

  const impl: HostImplementation = {
    'status.get': async () => status,
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
      if (next.extraMounts.some((m) => m.target.startsWith('/home/node/.openclaw/')))
        throw new OpenClawError(
          'STACK_INPUT_INVALID',
          `OPENCLAW_EXTRA_MOUNTS: extra mount "${next.extraMounts[0]?.source}": container path is not allowed here (fake host rule for screenshots)`,
        );
      await runSetup(next, 'setup');
      return { dashboardUrl: 'http://127.0.0.1:18789/#token=3f9a0c5e1d7b42a8c6e0f9d1b3a5c7e9' };
    },
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
      const action =
        reasons.length === 0 ? 'none' : reasons[0]!.startsWith('The apt') ? 'rebuild' : 'recreate';
      return { action, reasons };
    },
    'stack.apply': async (next) => {
      const plan = await impl['stack.plan'](next);
      if (plan.action !== 'none') await runSetup(next, 'apply');
      return plan;
    },
    'approvals.list': async () => ({ pending, paired }),
    'approvals.approve': async ({ requestId }) => {
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
            scopes: r.scopes,
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
    'logs.tail': async () => (setUp ? logLines() : []),
  };
  handler.bind(impl);
  return {
    handler,
    setScenario(s) {
      scenario = s;
    },
  };
}

export async function startFakeHost(
  scenario: Scenario,
  port = 0,
): Promise<HeadlessServer & { fake: FakeHost }> {
  const fake = createFakeHost(scenario);
  const server = await startHeadlessServer({
    handler: fake.handler,
    uiRoot: path.join(ROOT, 'dist/control-ui'),
    port,
  });
  return Object.assign(server, { fake });
}

const invokedDirectly =
  process.argv[1] !== undefined && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url);
if (invokedDirectly) {
  const scenario = (process.argv[2] as Scenario | undefined) ?? 'fresh';
  const server = await startFakeHost(scenario, Number(process.env.PORT ?? 0));
  process.stdout.write(`fake host (${scenario}): ${server.launchUrl}\n`);
}
