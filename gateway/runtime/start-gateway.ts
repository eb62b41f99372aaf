/**
 * Composition root of `openclaw gateway run`: load and guard the config, open the log, wire the
 * pairing store, methods and server, hot-reload config changes, and stop gracefully.
 */
import { agentModelChain } from '../config/agent-model.js';
import { imageLimit, MAX_TOTAL_BYTES } from '../agent/run/attachments.js';
import { randomBytes } from 'node:crypto';
import { existsSync, promises as fs } from 'node:fs';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadConfigSnapshot, patchConfig, type ConfigSnapshot } from '../config/config-store.js';
import { watchConfig } from '../config/config-watcher.js';
import type { OpenClawConfig } from '../config/config-types.js';
import { expandUserPath, resolveStatePaths, type Env, type StatePaths } from '../config/paths.js';
import { removeOrphanTempFiles } from '../infra/atomic-write.js';
import { DisposableStore, toDisposable } from '../infra/disposable.js';
import { ErrorCode, OpenClawError, errorMessage } from '../infra/errors.js';
import { createLogger, jsonLineSink, type Logger, type LogLevel } from '../infra/logger.js';
import {
  DEFAULT_PENDING_TTL_MS,
  PairingStore,
  type PairingEvent,
} from '../pairing/pairing-store.js';
import { GatewayServer, type GatewayServerOptions } from '../server/gateway-server.js';
import type { ClientSession } from '../server/types.js';
import { createMethodTable, type AgentSummary } from './methods.js';
import { AgentMethods } from '../agent/run/agent-methods.js';
import { createOpenAiHttpApi } from '../openai-http/openai-http-api.js';
import { RunEventTap } from '../openai-http/run-tap.js';
import { LogFile, defaultLogFile } from './log-file.js';
import { watchPairingFiles, type PairingFilesWatcher } from './pairing-watcher.js';
import {
  bindHostFor,
  deriveRuntimeSettings,
  isLoopbackBind,
  type GatewayRunFlags,
  type ResolvedRuntime,
} from './runtime-settings.js';
import { SessionStore } from '../sessions/session-store.js';
import { sessionMainKey } from '../sandbox/config/sandbox-session.js';
import { buildSessionRow } from '../sessions/session-rows.js';
import { GATEWAY_VERSION } from './version.js';
import type { ChannelServiceDeps } from '../channels/core/channel-service.js';
import { LazyChannelService } from '../channels/lazy-channel-service.js';

/** Exit code for an invalid config (systemd units use RestartPreventExitStatus=78). */
export const EXIT_CONFIG_INVALID = 78;

export interface StartGatewayOptions {
  env?: Env;
  flags?: GatewayRunFlags;
  allowUnconfigured?: boolean;
  logLevel?: LogLevel;
  /** Also write records here (default: JSON lines on stderr). */
  consoleSink?: ((line: string) => void) | null;
  controlUiRoot?: string;
  handshakeTimeoutMs?: number;
  tickIntervalMs?: number;
  logFile?: string;
  preauthLimits?: GatewayServerOptions['preauthLimits'];
  /** Channel service overrides (tests: an in-process adapter, short backoff, a clock). */
  channels?: Pick<
    ChannelServiceDeps,
    'loadAdapter' | 'backoff' | 'typingIntervalMs' | 'maxBacklogPerSession' | 'now' | 'pairing'
  >;
}

export interface RunningGateway {
  readonly address: AddressInfo;
  readonly url: string;
  readonly paths: StatePaths;
  readonly server: GatewayServer;
  readonly logger: Logger;
  /** Session index and transcripts: what the agent loop appends through and reads history from. */
  readonly sessions: SessionStore;
  /** The chat channels (Telegram, Discord, WhatsApp accounts), loaded on demand. */
  readonly channels: LazyChannelService;
  runtime(): ResolvedRuntime;
  stop(reason?: string): Promise<void>;
}

function defaultControlUiRoot(env: Env): string {
  // dist/gateway/openclaw.mjs (entry) or dist/gateway/chunks/*.mjs (this code, code-split) with the
  // UI at dist/control-ui; /app/gateway + /app/control-ui in the image; the source tree in dev.
  const here = path.dirname(fileURLToPath(import.meta.url));
  const entryDir = process.argv[1] ? path.dirname(path.resolve(process.argv[1])) : here;
  const candidates = [
    env.OPENCLAW_CONTROL_UI_ROOT,
    path.resolve(entryDir, '../control-ui'),
    path.resolve(here, '../control-ui'),
    path.resolve(here, '../../control-ui'),
    path.resolve(here, '../../dist/control-ui'),
  ].filter((c): c is string => Boolean(c));
  return candidates.find((c) => existsSync(path.join(c, 'index.html'))) ?? candidates[0]!;
}

function configuredAgents(config: OpenClawConfig): AgentSummary[] {
  const modelOf = (agentId: string): AgentSummary['model'] => {
    const { primary, fallbacks } = agentModelChain(config, agentId);
    return primary ? { primary, fallbacks } : undefined;
  };
  const list = config.agents?.list ?? [];
  if (list.length === 0)
    return [
      {
        id: 'main',
        isDefault: true,
        workspace: config.agents?.defaults?.workspace,
        model: modelOf('main'),
      },
    ];
  const explicitDefault = list.find((a) => a.default)?.id ?? list[0]!.id;
  return list.map((a) => ({
    id: a.id,
    name: a.name,
    workspace: a.workspace ?? config.agents?.defaults?.workspace,
    identity: a.identity as Record<string, string> | undefined,
    model: modelOf(a.id),
    isDefault: a.id === explicitDefault,
  }));
}

function formatIssues(snapshot: ConfigSnapshot): string {
  return snapshot.issues
    .map((issue) => `  - ${issue.path || '(root)'}: ${issue.message}`)
    .join('\n');
}

export async function startGateway(options: StartGatewayOptions = {}): Promise<RunningGateway> {
  const env = options.env ?? process.env;
  const paths = resolveStatePaths(env);
  // Writers killed mid-write leave `.openclaw.json.<pid>.<rand>.tmp` and the like behind.
  await removeOrphanTempFiles([paths.stateDir, paths.devicesDir, paths.identityDir]);
  let snapshot = await loadConfigSnapshot(paths, env);

  if (!snapshot.valid) {
    throw new OpenClawError(
      ErrorCode.CONFIG_INVALID,
      `Config ${snapshot.path} is invalid:\n${formatIssues(snapshot)}\nFix these entries (or run \`openclaw config unset <path>\`) and start again.`,
      { exitCode: EXIT_CONFIG_INVALID, details: { issues: snapshot.issues } },
    );
  }
  if (!options.allowUnconfigured) {
    if (!snapshot.exists) {
      throw new OpenClawError(
        ErrorCode.GATEWAY_UNCONFIGURED,
        'Missing config. Run `openclaw onboard --non-interactive --accept-risk --mode local` or set gateway.mode=local (or pass --allow-unconfigured).',
        { exitCode: EXIT_CONFIG_INVALID },
      );
    }
    if (snapshot.config.gateway?.mode !== 'local') {
      throw new OpenClawError(
        ErrorCode.GATEWAY_UNCONFIGURED,
        `Gateway start blocked: set gateway.mode=local (current: ${snapshot.config.gateway?.mode ?? 'unset'}) or pass --allow-unconfigured.`,
        { exitCode: EXIT_CONFIG_INVALID },
      );
    }
  }

  const flags = options.flags ?? {};
  let runtime = deriveRuntimeSettings(snapshot.config, env, flags);
  if (runtime.base.issues.length > 0) {
    throw new OpenClawError(
      ErrorCode.CONFIG_INVALID,
      `Gateway settings are not usable:\n${runtime.base.issues.map((i) => `  - ${i.path}: ${i.message}`).join('\n')}`,
      { exitCode: EXIT_CONFIG_INVALID },
    );
  }
  const secretProblem = blankSecretProblem(runtime, flags);
  if (secretProblem) {
    throw new OpenClawError(ErrorCode.GATEWAY_AUTH_INVALID, secretProblem, {
      exitCode: EXIT_CONFIG_INVALID,
    });
  }
  const loopback = isLoopbackBind(runtime.settings.bind, runtime.customBindHost);
  const auth = runtime.settings.auth;
  const hasSecret =
    (auth.mode === 'token' && auth.token) || (auth.mode === 'password' && auth.password);
  if (!loopback && !hasSecret) {
    throw new OpenClawError(
      ErrorCode.GATEWAY_INSECURE_BIND,
      `Refusing to bind the gateway to ${bindHostFor(runtime.settings.bind, runtime.customBindHost)} without auth. Set OPENCLAW_GATEWAY_TOKEN (or gateway.auth.token), or use --bind loopback.`,
      { exitCode: EXIT_CONFIG_INVALID },
    );
  }

  const logFile = new LogFile(options.logFile ?? snapshot.config.logging?.file ?? defaultLogFile());
  await logFile.open();
  const consoleSink = options.consoleSink === null ? undefined : (options.consoleSink ?? undefined);
  const stderr = jsonLineSink(process.stderr);
  const channelSecrets: { current: () => string[] } = { current: () => [] };
  const logger = createLogger({
    level: options.logLevel ?? snapshot.config.logging?.level ?? 'info',
    secrets: () =>
      [
        runtime.settings.auth.token,
        runtime.settings.auth.password,
        ...channelSecrets.current(),
      ].filter((s): s is string => Boolean(s)),
    sink: (record) => {
      logFile.sink()(record);
      if (consoleSink) consoleSink(JSON.stringify(record));
      else if (options.consoleSink !== null) stderr(record);
    },
  });

  if (auth.mode === 'token' && !auth.token) {
    // Loopback only (non-loopback refused above): mint one and persist it, so the gateway is never
    // reachable without a secret; the token itself never reaches a log.
    const token = randomBytes(24).toString('hex');
    try {
      await patchConfig(paths, { gateway: { auth: { token } } }, { env });
      snapshot = await loadConfigSnapshot(paths, env);
      runtime = deriveRuntimeSettings(snapshot.config, env, flags);
      logger.warn(
        'Gateway auth token was missing. Generated a new token and saved it to config (gateway.auth.token).',
      );
    } catch (err) {
      runtime.settings.auth.token = token;
      logger.warn(
        'Gateway auth token was missing. Generated a runtime-only token (could not save it to config).',
        {
          error: errorMessage(err),
        },
      );
    }
  }

  const uiRoot = defaultControlUiRoot(env);
  const disposables = new DisposableStore();
  const emitted = new Set<string>();
  // Assigned once the method table exists; closures below run only after that.
  const ref: { server?: GatewayServer; watcher?: PairingFilesWatcher } = {};
  const onPairingEvent = (event: PairingEvent) => {
    const key = `${event.event}:${event.payload.requestId}`;
    if (emitted.has(key)) return;
    emitted.add(key);
    if (emitted.size > 2000) emitted.delete(emitted.values().next().value as string);
    if (event.event === 'device.pair.requested') ref.watcher?.noteRequested(event.payload);
    ref.server?.broadcast(event.event, event.payload);
  };
  const pairing = new PairingStore(paths, { onEvent: onPairingEvent });

  const agents = () => configuredAgents(snapshot.config);
  const sessionWorkspace = (agentId: string): string => {
    const agent = agents().find((a) => a.id === agentId);
    if (agent?.workspace) return expandUserPath(agent.workspace, paths);
    // Upstream's layout: the default agent uses ~/.openclaw/workspace, others workspace-<id>.
    return agent?.isDefault === false
      ? path.join(paths.stateDir, `workspace-${agentId}`)
      : paths.workspaceDir;
  };
  const sessions = new SessionStore({
    paths,
    defaultAgentId: () => agents().find((a) => a.isDefault)?.id ?? 'main',
    workspaceFor: (agentId) => sessionWorkspace(agentId),
    mainKey: () => sessionMainKey(snapshot.config),
    logger: logger.child({ mod: 'sessions' }),
  });
  let healthCache: { at: number; value: Record<string, unknown> } | undefined;
  const health = async (): Promise<Record<string, unknown>> => {
    if (healthCache && Date.now() - healthCache.at < 5_000) return healthCache.value;
    const started = Date.now();
    const list = agents();
    const defaultAgent = list.find((a) => a.isDefault) ?? list[0]!;
    const { path: sessionsPath, entries } = await sessions.list(defaultAgent.id);
    const rows = (
      await Promise.all(
        Object.entries(entries).map(([key, entry]) =>
          buildSessionRow(
            key,
            defaultAgent.id,
            entry,
            sessions.transcriptPath(defaultAgent.id, entry),
          ),
        ),
      )
    ).sort((a, b) => (b.updatedAt ?? 0) - (a.updatedAt ?? 0));
    const value = {
      ok: true as const,
      ts: Date.now(),
      durationMs: Date.now() - started,
      defaultAgentId: defaultAgent.id,
      sessions: {
        path: sessionsPath,
        count: rows.length,
        recent: rows.slice(0, 5).map((r) => ({
          key: r.key,
          updatedAt: r.updatedAt,
          age: r.updatedAt === null ? null : Date.now() - r.updatedAt,
        })),
      },
    };
    healthCache = { at: Date.now(), value };
    return value;
  };

  // HTTP API requests follow the runs they start through the same events clients get.
  const runTap = new RunEventTap();
  const agentMethods = new AgentMethods({
    sessions,
    config: () => snapshot,
    env,
    paths,
    logger: logger.child({ mod: 'agent' }),
    broadcast: (event, payload, broadcastOptions) => {
      runTap.observe(event, payload);
      ref.server?.broadcast(event, payload, broadcastOptions);
    },
    workspaceFor: (agentId) => sessionWorkspace(agentId),
  });
  const channels = new LazyChannelService(() => ({
    ...options.channels,
    config: () => snapshot.config,
    env,
    paths,
    logger: logger.child({ mod: 'channels' }),
    agent: () => agentMethods.load(),
    defaultAgentId: () => agents().find((a) => a.isDefault)?.id ?? 'main',
    agentIds: () => agents().map((a) => a.id.toLowerCase()),
    mainKey: () => sessionMainKey(snapshot.config),
    // run-tools pulls in the sandbox engine client: loaded only when a message brings files.
    activeWorkspace: async (agentId, sessionKey) =>
      (await import('../agent/run/run-tools.js')).activeWorkspaceDir(
        { config: () => snapshot, paths },
        { agentId, sessionKey, workspace: sessionWorkspace(agentId) },
      ),
    writeOwner: async (owner, isConfigured) => {
      const current = await loadConfigSnapshot(paths, env);
      if (isConfigured(current.config)) return 'already-configured';
      await patchConfig(
        paths,
        { commands: { ownerAllowFrom: [owner] } },
        { baseHash: current.hash, env },
      );
      await applySnapshot(await loadConfigSnapshot(paths, env), 'rpc');
      return 'configured';
    },
  }));
  channelSecrets.current = () => channels.secrets();
  const methods = createMethodTable({
    paths,
    env,
    serverVersion: GATEWAY_VERSION,
    config: () => snapshot,
    reloadConfig: async () => {
      await applySnapshot(await loadConfigSnapshot(paths, env), 'rpc');
      return snapshot;
    },
    pairing,
    presence: () => ref.server?.presence() ?? [],
    health,
    status: async () => {
      const [pending, paired] = await Promise.all([pairing.listPending(), pairing.listPaired()]);
      return {
        version: GATEWAY_VERSION,
        uptimeMs: ref.server?.uptimeMs ?? 0,
        pid: process.pid,
        node: process.versions.node,
        gateway: {
          port: runtime.settings.port,
          bind: runtime.settings.bind,
          authMode: runtime.settings.auth.mode,
          listening: `${address.address}:${address.port}`,
        },
        connections: ref.server?.connectionCount ?? 0,
        presence: ref.server?.presence().length ?? 0,
        pairing: { pending: pending.length, paired: paired.length },
        config: {
          path: snapshot.path,
          exists: snapshot.exists,
          valid: snapshot.valid,
          hash: snapshot.hash,
        },
        stateDir: paths.stateDir,
      };
    },
    logFile: () => logFile.file,
    agents,
    disconnectDevice: (deviceId, role) => ref.server?.disconnectDevice(deviceId, role),
    sessions,
    broadcast: (event, payload) => ref.server?.broadcast(event, payload),
    agentMethods,
    channels: () => channels.api(),
  });

  const server = new GatewayServer({
    logger,
    pairing,
    serverVersion: GATEWAY_VERSION,
    settings: () => runtime.settings,
    methods,
    controlUiRoot: () => runtime.settings.controlUi.root ?? options.controlUiRoot ?? uiRoot,
    snapshot: async (session: ClientSession) => {
      const list = agents();
      const defaultAgentId = list.find((a) => a.isDefault)?.id ?? 'main';
      const admin = session.scopes.includes('operator.admin');
      return {
        health: await health(),
        sessionDefaults: {
          defaultAgentId,
          mainKey: sessions.mainKey,
          mainSessionKey: `agent:${defaultAgentId}:${sessions.mainKey}`,
          scope: 'per-sender',
        },
        authMode: runtime.settings.auth.mode,
        ...(admin ? { configPath: snapshot.path, stateDir: paths.stateDir } : {}),
      };
    },
    handshakeTimeoutMs: options.handshakeTimeoutMs,
    tickIntervalMs: options.tickIntervalMs,
    attachmentLimits: () => ({
      maxBytes: MAX_TOTAL_BYTES,
      maxImageBytes: imageLimit(snapshot.config),
    }),
    preauthLimits: options.preauthLimits,
    httpApi: createOpenAiHttpApi({
      config: () => snapshot.config,
      settings: () => runtime.settings,
      agents,
      runtime: () => agentMethods.load(),
      sessions,
      tap: runTap,
      logger: logger.child({ mod: 'openai-http' }),
    }),
  });

  async function applySnapshot(next: ConfigSnapshot, source: string): Promise<void> {
    if (next.hash === snapshot.hash && source !== 'rpc') return;
    if (!next.valid) {
      logger.warn(
        'config change ignored: the new config is invalid; the gateway keeps the previous one',
        {
          issues: next.issues.map((i) => `${i.path}: ${i.message}`),
        },
      );
      return;
    }
    const nextRuntime = deriveRuntimeSettings(next.config, env, flags);
    if (nextRuntime.base.issues.length > 0) {
      logger.warn('config change ignored: gateway settings are not usable', {
        issues: nextRuntime.base.issues,
      });
      return;
    }
    // The start guard again: a config edit (`config set gateway.auth.mode none`) must not open a
    // gateway that listens beyond loopback — in Docker it always does, and with LAN publishing
    // other devices reach it — without a token or password.
    const nextAuth = nextRuntime.settings.auth;
    const nextHasSecret =
      (nextAuth.mode === 'token' && nextAuth.token) ||
      (nextAuth.mode === 'password' && nextAuth.password);
    if (!isLoopbackBind(runtime.settings.bind, runtime.customBindHost) && !nextHasSecret) {
      logger.warn(
        'config change ignored: the gateway listens beyond loopback, so it keeps requiring a token (or password); set gateway.auth.token instead of removing it',
        { authMode: nextAuth.mode },
      );
      return;
    }
    const restartNeeded =
      nextRuntime.settings.port !== runtime.settings.port ||
      nextRuntime.settings.bind !== runtime.settings.bind;
    snapshot = next;
    runtime = nextRuntime;
    healthCache = undefined;
    ref.server?.settingsChanged();
    ref.server?.broadcast('config.changed', { hash: next.hash, source });
    logger.info('config reloaded', { source });
    // Only the accounts whose own settings changed reconnect; this never delays the reload.
    void channels
      .reload(next.config)
      .catch((err: unknown) => logger.error('channel reload failed', { error: errorMessage(err) }));
    if (restartNeeded)
      logger.warn('gateway.port / gateway.bind changed: restart the gateway to apply them');
  }

  ref.server = server;
  const address = await server.listen(
    runtime.settings.port,
    bindHostFor(runtime.settings.bind, runtime.customBindHost),
  );
  const reloadMode = runtime.base.reload.mode;
  if (reloadMode !== 'off') {
    disposables.add(
      watchConfig(
        paths,
        env,
        (next) => {
          void applySnapshot(next, 'file').catch((err: unknown) =>
            logger.error('config reload failed', { error: errorMessage(err) }),
          );
        },
        { debounceMs: runtime.base.reload.debounceMs },
      ),
    );
  }
  // Approvals done by another process (the CLI container, the desktop app) reach clients too.
  ref.watcher = watchPairingFiles(
    pairing,
    { ...paths, pendingTtlMs: DEFAULT_PENDING_TTL_MS },
    onPairingEvent,
  );
  disposables.add(ref.watcher);
  disposables.add(toDisposable(() => void logFile.close()));

  // Accounts connect in the background: the gateway answers before any channel is up, and a
  // gateway without `channels` loads no adapter at all.
  void channels
    .start(snapshot.config)
    .catch((err: unknown) =>
      logger.error('channels failed to start', { error: errorMessage(err) }),
    );

  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  const url = `ws://${host}:${address.port}`;
  logger.info(`listening on ${url} (PID ${process.pid})`, {
    version: GATEWAY_VERSION,
    bind: runtime.settings.bind,
  });

  let stopping: Promise<void> | undefined;
  return {
    address,
    url,
    paths,
    server,
    logger,
    sessions,
    channels,
    runtime: () => runtime,
    stop(reason = 'gateway stopping') {
      stopping ??= (async () => {
        logger.info('shutting down', { reason });
        // Channels first: no new inbound message starts a run while runs are ending.
        await channels.close();
        // Runs end first (aborted, transcripts consistent) while clients can still hear their
        // terminal events; new runs are refused from here on.
        await agentMethods.close();
        await server.close(reason);
        await sessions.close();
        disposables.dispose();
        await logFile.close();
      })();
      return stopping;
    },
  };
}

/**
 * A secret that is given but blank would start a gateway that refuses everyone (the comparison
 * trims) or, on loopback with a password, one that nobody can use: say so and do not start.
 * A token that is simply absent is still minted on loopback (see below).
 */
function blankSecretProblem(runtime: ResolvedRuntime, flags: GatewayRunFlags): string | undefined {
  const { auth } = runtime.settings;
  const blank = (value: string | undefined) => value !== undefined && value.trim() === '';
  const where = (kind: 'token' | 'password') => {
    if (flags[kind] !== undefined) return `--${kind}`;
    const source =
      kind === 'token' ? runtime.base.auth.tokenSource : runtime.base.auth.passwordSource;
    const envName = kind === 'token' ? 'OPENCLAW_GATEWAY_TOKEN' : 'OPENCLAW_GATEWAY_PASSWORD';
    return source === 'env' ? envName : `gateway.auth.${kind}`;
  };
  for (const kind of ['token', 'password'] as const) {
    if (blank(flags[kind]) || (auth.mode === kind && blank(auth[kind]))) {
      return `Refusing to start: the gateway ${kind} from ${where(kind)} is blank. Give a real ${kind} (OPENCLAW_GATEWAY_${kind.toUpperCase()} or --${kind}-file keep it off the command line) or remove the empty value.`;
    }
  }
  if (auth.mode === 'password' && auth.password === undefined) {
    return 'Refusing to start: gateway auth mode is password but no password is set. Set OPENCLAW_GATEWAY_PASSWORD (or gateway.auth.password, or --password-file), or use --auth token.';
  }
  return undefined;
}

/** Used by tests and the bench to make a state dir with a ready local config. */
export async function writeLocalConfig(
  paths: StatePaths,
  config: Record<string, unknown>,
): Promise<void> {
  await fs.mkdir(paths.stateDir, { recursive: true, mode: 0o700 });
  await fs.writeFile(paths.configPath, JSON.stringify(config, null, 2), { mode: 0o600 });
}
