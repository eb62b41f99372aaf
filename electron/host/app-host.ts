/**
 * Composition root of the app's brain: settings, engine, stack, supervisor, operator connection,
 * pairing queue and diagnostics, exposed through the host API. Both the Electron shell and the
 * headless host create exactly this, so both run the same code paths.
 */
import { randomUUID } from 'node:crypto';
import { existsSync, promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type {
  AppSettings,
  GatewayStatus,
  HostNotification,
  NodeBaseView,
  StackSettings,
  UpdateView,
} from '../contract/host-api.js';
import { DisposableStore, toDisposable, type Disposable } from '../../gateway/infra/disposable.js';
import { ErrorCode, OpenClawError, errorMessage } from '../../gateway/infra/errors.js';
import { resolveStatePaths } from '../../gateway/config/paths.js';
import {
  createDockerClient,
  engineEnv,
  readContainerLogs,
  resolveEngineEndpoint,
  findStackContainers,
  imageInfo,
  type ComposeCommand,
  type StackContainer,
} from '../../docker/engine/index.js';
import { detectCompose } from '../../docker/engine/index.js';
import {
  hostProbe,
  localBaseSupport,
  makeLocalBaseImages,
} from '../../docker/setup/local-base-images.js';
import { HostApiHandler, type HostImplementation } from './api/host-api-handler.js';
import type { AppHost, AppHostOptions, TrayMenuModel } from './app-host-types.js';
import { createDiagnosticsContext } from './diagnostics/context.js';
import { runDiagnostics } from './diagnostics/checks.js';
import { createSupportBundle } from './diagnostics/support-bundle.js';
import { watchStackEvents } from './engine/docker-events.js';
import { probeEngine } from './engine/engine-probe.js';
import { containerStats } from './engine/container-stats.js';
import { startEngine } from './engine/engine-start.js';
import { ContainerLogHistory } from './logs/log-history.js';
import { ModelSetup } from './model/model-setup.js';
import { SandboxContainers } from './sandbox/sandbox-containers.js';
import {
  SandboxPolicyStore,
  SandboxSectionStore,
  STANDARD_SANDBOX_IMAGES,
} from './sandbox/sandbox-policy.js';
import { sandboxOperationKind, switchSandbox } from './sandbox/sandbox-switch.js';
import { setupEventProgress } from './stack/setup-progress.js';
import { createChannelCalls } from './channels/channel-calls.js';
import { pendingApprovals } from './channels/channel-requests.js';
import { registerOperatorDevice } from './pairing/bootstrap.js';
import {
  ControlUiApprover,
  controlUiUrl,
  type ControlUiExpectation,
} from './pairing/control-ui-approval.js';
import { OperatorConnection } from './pairing/operator-connection.js';
import { loadOrCreateOperatorIdentity } from './pairing/operator-identity.js';
import { PairingQueue } from './pairing/pairing-queue.js';
import { presentDeviceIds } from './pairing/pairing-views.js';
import { createSecretStore } from './pairing/secret-store.js';
import {
  checkAppSettingsPatch,
  loadAppSettings,
  updateAppSettings,
  type DesktopSettings,
} from './settings/app-settings.js';
import { planStackChange } from './settings/apply-plan.js';
import { checkStackSettings, stackRefusal } from './stack/stack-check.js';
import { runStackChange, StackChangeStore, type StackChangeKind } from './settings/stack-change.js';
import { resetHomeVolume } from './stack/home-reset.js';
import { StackManager } from './stack/stack-manager.js';
import { Supervisor } from './supervisor/supervisor.js';
import type { GatewayEvent } from './supervisor/crash-detector.js';
import type { ContainerRunState, OperatorState } from './supervisor/status-phase.js';
import { buildTrayMenu, type TrayUpdate } from './supervisor/tray-model.js';
import { refreshGatewayAfterUpdate } from './update/gateway-refresh-run.js';
import { bundleStamp } from '../../docker/setup/run-setup.js';
import { BUNDLE_LABEL } from '../../docker/setup/image-retention.js';

function stackSettingsOf(s: DesktopSettings): StackSettings {
  return {
    configDir: s.configDir,
    workspaceDir: s.workspaceDir,
    gatewayPort: s.gatewayPort,
    exposeOnLan: s.exposeOnLan,
    extraMounts: s.extraMounts,
    aptPackages: s.aptPackages,
    homeVolume: s.homeVolume,
  };
}

function appSettingsOf(s: DesktopSettings): AppSettings {
  return {
    startAtLogin: s.startAtLogin,
    startInBackground: s.startInBackground,
    closeToTray: s.closeToTray,
    stopGatewayOnQuit: s.stopGatewayOnQuit,
    checkForUpdates: s.checkForUpdates,
  };
}

function containerState(state: string): ContainerRunState {
  switch (state) {
    case 'running':
    case 'exited':
    case 'restarting':
    case 'created':
    case 'paused':
    case 'dead':
      return state;
    case 'removing':
      return 'exited';
    default:
      return 'missing';
  }
}

/** Files root wrote into the gateway's state dir must stay writable for the container user. */
async function handBackToGateway(dir: string): Promise<void> {
  const owner = await fs.stat(path.dirname(dir)).catch(() => undefined);
  if (!owner || owner.uid === 0) return;
  const entries = await fs.readdir(dir).catch(() => [] as string[]);
  for (const name of ['.', ...entries]) {
    await fs.chown(path.join(dir, name), owner.uid, owner.gid).catch(() => {});
  }
}

export async function createAppHost(options: AppHostOptions): Promise<AppHost> {
  const { dataDir, platform } = options;
  const PROJECT = options.projectName ?? 'openclaw';
  await fs.mkdir(dataDir, { recursive: true, mode: 0o700 });
  const loaded = await loadAppSettings(dataDir, { platform });
  let settings = loaded.settings;
  // settings.json holds only what the stack runs; a change on its way (or one that failed) is here.
  const changes = (await StackChangeStore.open(dataDir)).store;

  const endpoint = resolveEngineEndpoint({ env: options.env, platform });
  const docker = createDockerClient({ env: options.env, platform, endpoint });
  const composeEnv: NodeJS.ProcessEnv = { ...options.env, ...engineEnv(endpoint) };
  let compose: ComposeCommand | null = null;
  const controlUiDir = existsSync(path.join(options.uiRoot, 'index.html')) ? options.uiRoot : null;
  // The packaged app's copies of the sandbox Dockerfiles (scripts/dist stages them there).
  const sandboxRecipeDir = options.resourcesDir
    ? path.join(options.resourcesDir, 'docker', 'sandbox')
    : undefined;
  const makeStack = () =>
    new StackManager({
      stackDir: settings.stackDir,
      docker,
      env: composeEnv,
      bundleDir: options.bundleDir,
      controlUiDir,
      projectName: PROJECT,
      imageTag: options.imageTag,
      sandboxImageTag: options.sandboxImages?.default,
      nodeImage: options.env.OPENCLAW_NODE_IMAGE,
      composeTemplate: options.resourcesDir
        ? path.join(options.resourcesDir, 'docker-compose.yml')
        : undefined,
      dockerfilePath: options.resourcesDir
        ? path.join(options.resourcesDir, 'docker', 'gateway.Dockerfile')
        : undefined,
      sandboxRecipeDir,
      shippedPackagesDir: options.resourcesDir
        ? path.join(options.resourcesDir, 'node_modules')
        : undefined,
      platform,
      onWarning: (text) =>
        notify({
          id: randomUUID(),
          kind: 'warning',
          title: 'Gateway container replaced',
          body: text,
        }),
    });
  let stack = makeStack();

  const secrets = await createSecretStore(path.join(dataDir, 'secrets'), options.secretCipher);
  const identity = await loadOrCreateOperatorIdentity(secrets, path.join(dataDir, 'identity'));
  let sharedToken = await stack.readToken();

  const pairingPaths = () => resolveStatePaths({ OPENCLAW_STATE_DIR: settings.configDir });
  // The Model step writes into the same state dir the container mounts (settings.configDir).
  const model = new ModelSetup({ statePaths: pairingPaths, platform });
  const sandboxes = new SandboxContainers({ docker, statePaths: pairingPaths });
  const sandboxImages = options.sandboxImages ?? STANDARD_SANDBOX_IMAGES;
  const sandboxPolicy = new SandboxPolicyStore({
    statePaths: pairingPaths,
    stackDir: () => settings.stackDir,
    images: sandboxImages,
  });
  const sandboxSection = new SandboxSectionStore(pairingPaths);
  const operatorUrl = () => `ws://127.0.0.1:${settings.gatewayPort}`;
  const disposables = new DisposableStore();
  const notificationListeners = new Set<(n: HostNotification) => void>();
  const trayListeners = new Set<() => void>();

  const makeOperator = () =>
    new OperatorConnection({
      url: operatorUrl(),
      identity,
      sharedToken: () => sharedToken,
      // The app owns the config dir (it created the stack), so it is an operator by the trust
      // model: it registers its own key in the pairing files, under the gateway's lock.
      register: () => registerApp(),
    });
  /**
   * Register the app's own key with the gateway. Directly in the pairing files when this process
   * may write them as the gateway can still read them (same uid, root, or Docker Desktop's file
   * sharing); otherwise through the CLI container (uid 1000), approving exactly the app's request.
   */
  async function registerApp(): Promise<unknown> {
    if (!existsSync(settings.configDir))
      throw new OpenClawError(ErrorCode.NOT_FOUND, 'the gateway is not set up yet');
    const uid = process.getuid?.();
    const direct =
      platform !== 'linux' ||
      uid === undefined ||
      uid === 0 ||
      uid === (await fs.stat(settings.configDir)).uid;
    if (direct) {
      const result = await registerOperatorDevice(pairingPaths(), identity);
      if (platform === 'linux' && uid === 0)
        await handBackToGateway(path.join(settings.configDir, 'devices'));
      return result;
    }
    const requestId = operator.status.lastError?.requestId;
    if (!requestId)
      throw new OpenClawError(ErrorCode.PAIRING_NOT_FOUND, 'no pairing request from the app yet');
    const project = await stack.project();
    const approved = await project.run('openclaw-cli', ['devices', 'approve', requestId], {
      rm: true,
    });
    if (approved.code !== 0)
      throw new OpenClawError(
        ErrorCode.COMPOSE_FAILED,
        `could not approve the app through the CLI container: ${approved.stderr.trim()}`,
      );
    return { requestId };
  }

  let controlUiExpectation: ControlUiExpectation | undefined;
  let operator = makeOperator();
  let queue = new PairingQueue(operator, { ownDeviceId: identity.deviceId });
  let approver = new ControlUiApprover(queue);
  // The channel calls follow `operator` (replaced when the port or config dir changes) through a live view.
  const operatorView = {
    get connected() {
      return operator.connected;
    },
    request: <T>(method: string, params?: unknown, opts?: { timeoutMs?: number }) =>
      operator.request<T>(method, params, opts),
  };
  const channels = createChannelCalls(operatorView, pairingPaths);
  const approvalCount = () => pendingApprovals(queue.pending().length, channels.pendingCount());

  const handler = new HostApiHandler();

  function notify(n: HostNotification): void {
    handler.emit('notification', n);
    for (const listener of notificationListeners) listener(n);
  }

  const operatorState = (): OperatorState => {
    const state = operator.status.state;
    if (state === 'connected' || state === 'connecting' || state === 'not-paired') return state;
    return 'disconnected';
  };

  const supervisor = new Supervisor({
    engine: {
      probe: async () => (await probeEngine(docker, { env: options.env, platform })).state,
    },
    stack: {
      isSetUp: () => stack.isSetUp(),
      inspectGateway: async () => {
        const info = await stack.inspectGateway();
        if (!info) return undefined;
        return {
          id: info.id,
          state: containerState(info.state),
          health: (['healthy', 'unhealthy', 'starting'].includes(info.health)
            ? info.health
            : 'none') as 'healthy' | 'unhealthy' | 'starting' | 'none',
          startedAt: info.startedAt,
        };
      },
      start: (signal) => stack.start(signal),
      stop: (signal) => stack.stop(signal),
      restart: (signal) => stack.restart(signal),
    },
    events: {
      subscribe: (onEvent) =>
        watchStackEvents(docker, PROJECT, (e) => {
          if (e.service !== 'openclaw-gateway') return;
          onEvent({
            action: e.action,
            containerId: e.containerId,
            ts: e.ts,
            exitCode: e.exitCode,
            signal: e.signal,
          } as GatewayEvent);
        }),
    },
    probeReady: async () => {
      try {
        const res = await fetch(`http://127.0.0.1:${settings.gatewayPort}/readyz`, {
          signal: AbortSignal.timeout(2000),
        });
        return res.ok;
      } catch {
        return false;
      }
    },
    operator: { state: operatorState, pendingCount: approvalCount },
    notify,
    port: () => settings.gatewayPort,
    pollIntervalMs: options.pollIntervalMs,
  });
  disposables.add(supervisor);

  const wireOperator = () => {
    disposables.add(
      operator.onStateChange(() => {
        void supervisor.refresh();
      }),
    );
    disposables.add(
      queue.onChange(() => {
        const pending = queue.pending();
        handler.emit('approvals.changed', { pending: approvalCount() });
        for (const p of pending) {
          // The app's own Control UI is approved by key without asking anyone: no notification.
          if (controlUiExpectation && p.publicKey === controlUiExpectation.publicKey) continue;
          supervisor.notifications.pairingRequested({
            requestId: p.requestId,
            deviceName: p.displayName ?? p.clientId,
            platform: p.platform,
            remoteIp: p.remoteIp,
          });
        }
        void supervisor.refresh();
      }),
    );
    operator.start();
  };
  wireOperator();
  disposables.add(channels);
  disposables.add(
    channels.onArrival((r) =>
      notify({
        id: randomUUID(),
        kind: 'pairing-request',
        title: `${r.senderLabel.slice(0, 60)} wants to talk to your agent on ${r.channelLabel}`,
        body: 'Open Approvals to approve or dismiss them.',
      }),
    ),
  );
  disposables.add(
    channels.onChange(() => {
      handler.emit('approvals.changed', { pending: approvalCount() });
      void supervisor.refresh();
    }),
  );

  // After an app update: rebuild the image once when it carries another gateway bundle. Waits for
  // the first status with a reachable engine and a stack, so the comparison can be made.
  let refreshPending = options.refreshGatewayOnStart === true;
  const refreshGateway = async (): Promise<void> => {
    const explicit = options.env.OPENCLAW_IMAGE?.trim();
    await refreshGatewayAfterUpdate({
      dataDir,
      appVersion: options.appVersion ?? 'unknown',
      explicitImage: Boolean(explicit && explicit !== 'openclaw:local'),
      isSetUp: () => stack.isSetUp(),
      bundleStamp: () => bundleStamp(options.bundleDir, controlUiDir ?? undefined),
      imageStamp: async () =>
        (await imageInfo(docker, stack.imageTag).catch(() => undefined))?.labels[BUNDLE_LABEL],
      // The same operation as the Dashboard's Rebuild: progress, queueing and the rollback.
      rebuild: async () => void (await impl['gateway.rebuild']({})),
      notify: (kind, title, body) => notify({ id: randomUUID(), kind, title, body }),
      now: () => Date.now(),
    }).catch((err: unknown) =>
      notify({
        id: randomUUID(),
        kind: 'error',
        title: 'Could not compare the gateway image with this app',
        body: errorMessage(err),
      }),
    );
  };

  let lastStatus: GatewayStatus = supervisor.status();
  disposables.add(
    supervisor.onStatus(async (status) => {
      if (refreshPending && !['engine-missing', 'engine-stopped'].includes(status.phase)) {
        refreshPending = false;
        void refreshGateway();
      }
      const wasRunning = lastStatus.phase === 'running' || lastStatus.phase === 'pairing-pending';
      lastStatus = status;
      handler.emit('status', status);
      for (const listener of trayListeners) listener();
      const running = status.phase === 'running' || status.phase === 'pairing-pending';
      if (running && !wasRunning) {
        sharedToken = await stack.readToken();
        if (!operator.connected) operator.retry();
      }
    }),
  );

  /** Rebuild the parts that depend on stack settings (port, config dir, stack dir). */
  async function settingsChanged(previous: DesktopSettings): Promise<void> {
    if (previous.stackDir !== settings.stackDir) stack = makeStack();
    if (
      previous.gatewayPort !== settings.gatewayPort ||
      previous.configDir !== settings.configDir
    ) {
      approver.dispose();
      queue.dispose();
      await operator.stop();
      operator = makeOperator();
      queue = new PairingQueue(operator, { ownDeviceId: identity.deviceId });
      approver = new ControlUiApprover(queue);
      wireOperator();
    }
  }

  /** App behaviour settings, from the window or the tray: one path, and the tray re-renders. */
  async function saveAppSettings(patch: Partial<AppSettings>): Promise<AppSettings> {
    const result = await updateAppSettings(dataDir, patch, { platform });
    settings = result.settings;
    for (const listener of trayListeners) listener();
    options.updates?.settingsChanged();
    return appSettingsOf(settings);
  }

  async function saveStackSettings(next: StackSettings): Promise<void> {
    const previous = settings;
    const result = await updateAppSettings(dataDir, next, { platform });
    settings = result.settings;
    await settingsChanged(previous);
  }

  const progress = (kind: string) => {
    const operationId = randomUUID();
    return {
      operationId,
      kind,
      emit: (p: {
        phase?: string;
        message?: string;
        step?: { index: number; total: number; label?: string; instruction?: string };
        log?: string;
        done?: boolean;
        error?: string;
      }) => handler.emit('operation.progress', { operationId, kind, ...p }),
    };
  };

  /** The wizard's per-step check and Install's gate: one rule set (stack/stack-check.ts). */
  function checkStack(next: StackSettings) {
    const appPorts = (options.uiOrigins?.() ?? [])
      .map((origin) => Number(new URL(origin).port))
      .filter((port) => Number.isInteger(port) && port > 0);
    return checkStackSettings(next, {
      homeDir: os.homedir(),
      appPorts,
      checkPort: (port) => stack.checkPort(port),
    });
  }

  /**
   * Setup and every later change: checked first (refused input is not a change, nothing is
   * recorded), then applied through the change state machine, so settings.json only moves once the
   * stack has the new settings and a failure stays visible as "not applied" with its error.
   */
  async function runStackSetup(kind: StackChangeKind, next: StackSettings): Promise<string> {
    // Install's gate is the wizard's per-step check (plain words, each problem on its field).
    const refusal = stackRefusal(await checkStack(next));
    if (refusal) throw refusal;
    checkAppSettingsPatch(settings, next, { platform });
    const op = progress(kind);
    try {
      const result = await runStackChange(changes, kind, next, {
        apply: (desired) =>
          supervisor.runOperation(kind, async (signal) =>
            stack.setup(desired, {
              signal,
              extraAllowedOrigins: options.uiOrigins?.() ?? [],
              // A re-run for another change keeps the sandbox policy the user chose.
              sandboxPolicy: await sandboxSection.currentPolicy().catch(() => undefined),
              onEvent: (event) => op.emit(setupEventProgress(event)),
            }),
          ),
        commit: (desired) => saveStackSettings(desired),
      });
      sharedToken = result.token;
      try {
        await registerApp();
      } catch (err) {
        op.emit({ log: `could not register the app with the gateway yet: ${errorMessage(err)}` });
      }
      operator.retry();
      op.emit({ done: true, message: 'The gateway is running' });
      return result.dashboardUrl;
    } catch (err) {
      op.emit({ done: true, error: errorMessage(err) });
      throw err;
    }
  }

  async function dashboardUrl(): Promise<string> {
    sharedToken = (await stack.readToken()) ?? sharedToken;
    if (!sharedToken)
      throw new OpenClawError(
        ErrorCode.NOT_FOUND,
        'The gateway is not set up yet: run the setup first.',
      );
    return controlUiUrl(settings.gatewayPort, sharedToken);
  }

  // scripts/make-base-images.sh ships next to the compose template (the repo root in development).
  const makeBaseScript = options.resourcesDir
    ? path.join(options.resourcesDir, 'scripts', 'make-base-images.sh')
    : undefined;
  const makeBaseSupport = () => localBaseSupport(hostProbe(makeBaseScript, composeEnv));

  async function nodeBaseView(): Promise<NodeBaseView> {
    const choice = await stack.nodeBase();
    // Probing sudo and apt is only worth it when there is no base to build on.
    const support = choice.present
      ? { possible: false, detail: `Not needed: ${choice.image} is on this engine.` }
      : await makeBaseSupport();
    return {
      source: choice.source,
      image: choice.image,
      present: choice.present,
      summary: choice.summary,
      ...(choice.nextStep ? { nextStep: choice.nextStep } : {}),
      makeLocal: { possible: support.possible, detail: support.detail },
    };
  }

  const diagnosticsContext = async () => {
    compose ??= await detectCompose({ env: composeEnv }).catch(() => null);
    return createDiagnosticsContext({
      settings,
      docker,
      compose,
      env: composeEnv,
      projectName: PROJECT,
      extraSecrets: () =>
        [identity.deviceToken()?.token, sharedToken].filter((s): s is string => Boolean(s)),
      platform,
    });
  };

  const logHistory = new ContainerLogHistory();
  const readForHistory = async (c: StackContainer, tail = 500) => {
    const source = c.oneOff ? `${c.service} (run)` : c.service;
    const read = await readContainerLogs(docker, c.id, { tail, timestamps: true }).catch(() => []);
    return {
      id: c.id,
      source,
      oneOff: c.oneOff,
      createdAt: c.createdAt,
      lines: read.map((l) => ({ source, stream: l.stream, ts: l.timestamp, text: l.text })),
    };
  };
  // A stopped container is about to be removed when compose recreates it: read its lines while
  // it still exists, so the Logs page has them even if it was not open at that moment.
  disposables.add(
    watchStackEvents(docker, PROJECT, (event) => {
      if (event.action !== 'die') return;
      void findStackContainers(docker, PROJECT)
        .then(async (list) => {
          const container = list.find((c) => c.id === event.containerId);
          if (container) logHistory.capture(await readForHistory(container));
        })
        .catch(() => {});
    }),
  );

  const impl: HostImplementation = {
    'status.get': async () => supervisor.status(),
    'gateway.start': async () => (await supervisor.start(), { ok: true as const }),
    'gateway.stop': async () => (await supervisor.stop(), { ok: true as const }),
    'gateway.restart': async () => (await supervisor.restart(), { ok: true as const }),
    'gateway.rebuild': async () => {
      const op = progress('rebuild');
      await supervisor.rebuild(async (signal) => {
        await stack.upgrade(stackSettingsOf(settings), {
          signal,
          onEvent: (e) => e.kind === 'phase' && op.emit({ phase: e.phase, message: e.message }),
        });
      });
      op.emit({ done: true });
      return { ok: true as const };
    },
    'operation.cancel': async () => ({ cancelled: supervisor.cancelOperation() }),
    'setup.run': async (next) => ({ dashboardUrl: await runStackSetup('setup', next) }),
    'stack.getSettings': async () => ({
      settings: stackSettingsOf(settings),
      setUp: await stack.isSetUp(),
    }),
    'stack.check': async (next) => ({ problems: await checkStack(next) }),
    'stack.plan': async (next) => planStackChange(stackSettingsOf(settings), next),
    'stack.apply': async (next) => {
      const plan = planStackChange(stackSettingsOf(settings), next);
      if (plan.action !== 'none') await runStackSetup('apply', next);
      // Edited back to what runs: a failed change is no longer wanted.
      else if (changes.current.state === 'failed') await changes.discard();
      return plan;
    },
    'stack.reachability': async () => stack.reachability(settings),
    'stack.cliCommand': async ({ args }) => stack.cliCommand(args),
    'stack.change': async () => changes.current,
    'stack.retry': async () => {
      const pending = changes.current;
      if (pending.state !== 'failed')
        throw new OpenClawError(
          ErrorCode.NOT_FOUND,
          'There are no failed changes to retry; the settings shown are the ones in use.',
        );
      const plan = planStackChange(stackSettingsOf(settings), pending.desired);
      await runStackSetup(pending.kind, pending.desired);
      return plan;
    },
    'stack.discard': () => changes.discard(),
    'stack.resetHome': async ({ volume }) => {
      const home = settings.homeVolume;
      if (home?.kind !== 'volume')
        throw new OpenClawError(
          ErrorCode.INVALID_ARGUMENT,
          'The home folder is not a Docker volume, so there is nothing to reset here. A home folder on this computer is emptied with your file manager.',
        );
      if (volume !== home.name)
        throw new OpenClawError(
          ErrorCode.INVALID_ARGUMENT,
          `Type the volume name exactly (${home.name}) to confirm the reset.`,
        );
      if (changes.current.state === 'applying')
        throw new OpenClawError(
          ErrorCode.APPLY_IN_PROGRESS,
          'Stack changes are being applied; reset the home volume when they are done.',
        );
      const op = progress('reset-home');
      try {
        const result = await supervisor.runOperation(
          'reset-home',
          async (signal) => {
            const wasRunning = (await stack.inspectGateway(signal))?.state === 'running';
            op.emit({ phase: 'reset', message: `Emptying the home volume ${home.name}` });
            return resetHomeVolume(
              {
                docker,
                projectName: PROJECT,
                project: () => stack.project((line) => op.emit({ log: line })),
              },
              { volume: home.name, wasRunning, signal },
            );
          },
          { stopsGateway: true },
        );
        op.emit({ done: true, message: 'The home volume was reset' });
        return result;
      } catch (err) {
        op.emit({ done: true, error: errorMessage(err) });
        throw err;
      }
    },
    'approvals.list': async () => {
      // Who is connected right now; best effort (an older gateway or a dropped connection just
      // leaves "Last used" to the tokens' stamps).
      const online = await operator
        .request('system-presence', {}, { timeoutMs: 2000 })
        .then(presentDeviceIds, () => new Set<string>());
      // The queue stays current through pairing events and its periodic re-list.
      return {
        pending: queue.pending().map((p) => ({
          requestId: p.requestId,
          deviceId: p.deviceId,
          displayName: p.displayName,
          platform: p.platform,
          clientId: p.clientId,
          clientMode: p.clientMode,
          remoteIp: p.remoteIp,
          role: p.role,
          scopes: p.scopes,
          isRepair: p.isRepair,
          ts: p.ts,
        })),
        paired: queue.paired().map((d) => ({
          deviceId: d.deviceId,
          displayName: d.displayName,
          platform: d.platform,
          clientId: d.clientId,
          roles: d.roles,
          scopes: d.scopes,
          createdAtMs: d.createdAtMs,
          lastUsedAtMs: d.lastUsedAtMs,
          ...(online.has(d.deviceId) ? { connectedNow: true } : {}),
          isThisApp: d.isThisApp,
        })),
      };
    },
    'approvals.approve': async ({ requestId, scopes }) => (
      await queue.approve(requestId, scopes),
      { ok: true as const }
    ),
    'approvals.reject': async ({ requestId }) => (
      await queue.reject(requestId),
      { ok: true as const }
    ),
    ...channels.calls,
    'devices.revoke': async ({ deviceId, role }) => (
      await queue.revokeToken(deviceId, role),
      { ok: true as const }
    ),
    'devices.remove': async ({ deviceId }) => (
      await queue.removeDevice(deviceId),
      { ok: true as const }
    ),
    'controlUi.url': async () => ({ url: await dashboardUrl() }),
    'controlUi.expectDevice': async ({ publicKey }) => {
      // One expectation at a time: the renderer announces its key right before it connects.
      controlUiExpectation?.dispose();
      controlUiExpectation = approver.expectControlUi(publicKey);
      return { ok: true as const };
    },
    'engine.start': async () => {
      const result = await startEngine(platform);
      void supervisor.refresh();
      return result;
    },
    'gateway.stats': async () => {
      const info = await stack.inspectGateway().catch(() => undefined);
      if (!info || info.state !== 'running') return null;
      return containerStats(docker, info.id);
    },
    'settings.get': async () => ({
      settings: appSettingsOf(settings),
      secretStorage: {
        kind: secrets.kind,
        ...(secrets.warning ? { warning: secrets.warning } : {}),
      },
    }),
    'settings.update': (patch) => saveAppSettings(patch),
    'diagnostics.run': async () =>
      (await runDiagnostics(await diagnosticsContext())).map(
        ({ id, title, status, detail, fix }) => ({
          id,
          title,
          status,
          detail,
          ...(fix
            ? {
                fix: {
                  label: fix.label,
                  ...(fix.command ? { command: fix.command } : {}),
                  ...(fix.docs ? { docs: fix.docs } : {}),
                },
              }
            : {}),
        }),
      ),
    'diagnostics.supportBundle': async () => {
      const outFile = path.join(
        dataDir,
        'support',
        `openclaw-support-${new Date().toISOString().replace(/[:.]/g, '-')}.zip`,
      );
      await fs.mkdir(path.dirname(outFile), { recursive: true, mode: 0o700 });
      const bundle = await createSupportBundle(await diagnosticsContext(), { outFile });
      return { file: bundle.file, entries: bundle.entries };
    },
    'images.base': () => nodeBaseView(),
    'images.makeBase': async () => {
      const op = progress('make-base');
      try {
        const support = await makeBaseSupport();
        // Where it cannot run, the answer is the explanation — not a failed operation in the status.
        if (!support.possible)
          throw new OpenClawError(ErrorCode.BASE_IMAGE_UNAVAILABLE, support.detail);
        await supervisor.runOperation(
          'make-base',
          (signal) =>
            makeLocalBaseImages(support, {
              env: composeEnv,
              signal,
              onLine: (line) => op.emit({ log: line }),
            }),
          { stopsGateway: false },
        );
        const view = await nodeBaseView();
        op.emit({ done: true, message: `Base image: ${view.summary}` });
        return view;
      } catch (err) {
        op.emit({ done: true, error: errorMessage(err) });
        throw err;
      }
    },
    'images.usage': async () => {
      const usage = await stack.imageUsage();
      return {
        imageTag: usage.imageTag,
        totalBytes: usage.totalBytes,
        images: usage.images.map(({ id, tags, role, created, sizeBytes, uniqueBytes }) => ({
          id,
          tags,
          role,
          created,
          sizeBytes,
          uniqueBytes,
        })),
      };
    },
    'images.prune': async () => {
      const before = await stack.imageUsage();
      const result = await supervisor.runOperation(
        'prune-images',
        (signal) => stack.pruneImages(signal),
        { stopsGateway: false },
      );
      // Measured, not summed: removed images share layers with the ones kept.
      const after = await stack.imageUsage();
      return {
        removed: result.removed.length,
        freedBytes: Math.max(0, before.totalBytes - after.totalBytes),
        skipped: result.skipped.length,
      };
    },
    'model.get': () => model.view(),
    'model.catalog': () => model.catalog(),
    'model.ollama': ({ url }) => model.ollama(url),
    'model.test': (input) => model.test(input),
    'model.save': (input) => model.save(input),
    'sandbox.settings': () => sandboxPolicy.view(),
    'sandbox.savePolicy': ({ policy, baseHash }) => sandboxPolicy.save(policy, baseHash),
    'sandbox.apply': async (request) => {
      if (!(await stack.isSetUp()))
        throw new OpenClawError(
          ErrorCode.NOT_FOUND,
          'The agent sandbox runs beside the gateway: set up the gateway first, then turn the sandbox on.',
        );
      const view = await sandboxPolicy.view();
      if (view.configProblem) throw new OpenClawError(ErrorCode.CONFIG_INVALID, view.configProblem);
      const current = {
        policy: await sandboxSection.currentPolicy(),
        image:
          view.imageKind === 'custom'
            ? { kind: 'custom' as const, tag: view.image }
            : { kind: view.imageKind },
      };
      const op = progress(sandboxOperationKind(request.enabled));
      try {
        await supervisor.runOperation(op.kind, (signal) =>
          switchSandbox(
            {
              docker,
              config: sandboxSection,
              images: sandboxImages,
              buildEnv: {
                OPENCLAW_BASE_IMAGE: options.env.OPENCLAW_BASE_IMAGE,
                OPENCLAW_NODE_IMAGE: options.env.OPENCLAW_NODE_IMAGE,
              },
              ...(sandboxRecipeDir ? { recipeDir: sandboxRecipeDir } : {}),
              stackEnabled: () => sandboxPolicy.stackEnabled(),
              runSetup: async ({ enabled, policy, signal: setupSignal }) => {
                const result = await stack.setup(stackSettingsOf(settings), {
                  signal: setupSignal,
                  extraAllowedOrigins: options.uiOrigins?.() ?? [],
                  sandbox: enabled,
                  sandboxPolicy: policy,
                  // The switch ends with its own last phase.
                  onEvent: (event) =>
                    event.kind === 'phase' && event.phase === 'done'
                      ? undefined
                      : op.emit(setupEventProgress(event)),
                });
                sharedToken = result.token;
              },
              restartSandboxd: (restartSignal) => stack.restartSandboxd(restartSignal),
              emit: op.emit,
            },
            request,
            current,
            signal,
          ),
        );
        await registerApp().catch((err: unknown) =>
          op.emit({ log: `could not register the app with the gateway yet: ${errorMessage(err)}` }),
        );
        operator.retry();
        op.emit({
          phase: 'done',
          done: true,
          message: request.enabled ? 'The agent sandbox is on' : 'The agent sandbox is off',
        });
      } catch (err) {
        op.emit({ done: true, error: errorMessage(err) });
        throw err;
      }
      return sandboxPolicy.view();
    },
    'sandboxes.list': () => sandboxes.overview(),
    'sandboxes.remove': async ({ name }) => {
      await sandboxes.remove(name);
      return { ok: true as const };
    },
    'sandboxes.prune': ({ idleHours }) => sandboxes.prune(idleHours),
    'sandboxes.logs': ({ name, tail }) => sandboxes.logs(name, tail),
    'sandboxes.liveView': async ({ name }) => {
      const { url } = await sandboxes.liveView(name);
      if (!options.openExternal) return { url, opened: false };
      await options.openExternal(url);
      return { url, opened: true };
    },
    'update.get': async () => updateView(),
    'update.check': async () => (options.updates ? options.updates.checkNow() : updateView()),
    'update.install': async () => ({ restarting: options.updates?.install() ?? false }),
    'logs.tail': async ({ tail }) => {
      const containers = await findStackContainers(docker, PROJECT).catch(() => []);
      const reads = await Promise.all(containers.map((c) => readForHistory(c, tail ?? 500)));
      // Lines of containers that were recreated or removed stay, from the history.
      return logHistory.update(reads);
    },
  };
  handler.bind(impl);

  const trayActions: Record<string, () => Promise<unknown>> = {
    start: () => supervisor.start(),
    stop: () => supervisor.stop(),
    restart: () => supervisor.restart(),
    'check-updates': async () => options.updates?.checkNow(),
    'install-update': async () => options.updates?.install(),
  };
  const trayUpdate = (): TrayUpdate => {
    const status = options.updates?.view().status;
    if (status?.state === 'downloading') return { downloadingPercent: status.percent };
    if (status?.state === 'downloaded') return { readyVersion: status.version };
    return {};
  };
  if (options.updates) {
    disposables.add(
      options.updates.onChange((view) => {
        handler.emit('update', view);
        for (const listener of trayListeners) listener();
      }),
    );
  }

  function updateView(): UpdateView {
    if (options.updates) return options.updates.view();
    return {
      currentVersion: options.appVersion ?? 'unknown',
      channel: 'latest',
      autoCheck: settings.checkForUpdates,
      status: {
        state: 'unsupported',
        reason:
          'The headless host does not update itself: update it with `git pull`, `npm ci` and `npm run build`, or use the desktop app.',
      },
    };
  }

  return {
    handler,
    trayMenu: (): TrayMenuModel =>
      buildTrayMenu(
        supervisor.status(),
        { startAtLogin: settings.startAtLogin },
        trayUpdate(),
      ) as TrayMenuModel,
    onTrayChange: (listener) => {
      trayListeners.add(listener);
      return toDisposable(() => trayListeners.delete(listener));
    },
    runTrayAction: async (id) => {
      const action = trayActions[id];
      if (action) await action();
    },
    controlUiUrl: dashboardUrl,
    expectControlUiDevice: (publicKey): Disposable => approver.expectControlUi(publicKey),
    appSettings: () => appSettingsOf(settings),
    updateAppSettings: saveAppSettings,
    onNotification: (listener) => {
      notificationListeners.add(listener);
      return toDisposable(() => notificationListeners.delete(listener));
    },
    shutdown: async ({ stopGateway }) => {
      if (stopGateway) await supervisor.stop().catch(() => {});
      approver.dispose();
      queue.dispose();
      await operator.stop();
      disposables.dispose();
    },
  };
}
