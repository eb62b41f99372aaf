/**
 * The channels of a running gateway: every configured, enabled (and, for WhatsApp, linked)
 * account is started in the background after the gateway listens, supervised on its own
 * (account-runner.ts), reported in `channels.status`, and restarted only when its own settings
 * change on a config reload (policy edits apply without reconnecting). Adapters load on demand.
 */
import type { OpenClawConfig } from '../../config/config-types.js';
import type { Env, StatePaths } from '../../config/paths.js';
import { ErrorCode, OpenClawError, errorMessage } from '../../infra/errors.js';
import type { Logger } from '../../infra/logger.js';
import { loadChannelAdapter, type AdapterLoader } from '../adapters.js';
import { CHANNEL_IDS, type AdapterEnvironment, type ChannelId } from '../contract.js';
import { DmPairingStore, type DmPairingStoreOptions } from '../pairing/dm-pairing-store.js';
import {
  commandOwnerConfigured,
  PairingActions,
  type OwnerBootstrap,
} from '../pairing/pairing-actions.js';
import type {
  ChannelAccountStatus,
  ChannelsApi,
  ChannelsStatus,
  PairingApproveResult,
  PairingList,
  StartOutcome,
} from '../service-api.js';
import { configuredChannels, resolveChannelAccounts, type AccountEntry } from './accounts.js';
import { AccountRunner, DEFAULT_BACKOFF, type BackoffOptions } from './account-runner.js';
import {
  CHANNEL_FACTS,
  FOREIGN_CHANNEL_IDS,
  accountKey as keyOf,
  parseChannel,
} from './channel-defaults.js';
import { QrLoginFlow } from './qr-login-flow.js';
import { checkStartable } from './start-check.js';
import { scrubSecrets } from './redacting-logger.js';
import {
  accountStatusRow,
  buildChannelsStatus,
  type SkipNote,
  type SkipReason,
} from './status-rows.js';
import { InboundPipeline, type AgentRunner } from './inbound-pipeline.js';
import { routeAgent } from './agent-route.js';
import { dmScopeOf } from './session-key.js';

export interface ChannelServiceDeps {
  config(): OpenClawConfig;
  env: Env;
  paths: StatePaths;
  logger: Logger;
  agent(): Promise<AgentRunner>;
  /** The agent channel messages go to, and its main session's key (`session.mainKey`). */
  defaultAgentId(): string;
  /** Every configured agent id (bindings naming another agent are ignored). */
  agentIds(): string[];
  mainKey(): string;
  activeWorkspace(agentId: string, sessionKey: string): Promise<string>;
  /**
   * Writes `commands.ownerAllowFrom: [owner]` unless the config on disk already has owners
   * (`isConfigured` tells); a config write with its baseHash, applied at once.
   */
  writeOwner(
    owner: string,
    isConfigured: (config: OpenClawConfig) => boolean,
  ): ReturnType<OwnerBootstrap>;
  loadAdapter?: AdapterLoader;
  now?: () => number;
  backoff?: Partial<BackoffOptions>;
  typingIntervalMs?: number;
  maxBacklogPerSession?: number;
  pairing?: DmPairingStoreOptions;
}

export class ChannelService implements ChannelsApi {
  private readonly runners = new Map<string, AccountRunner>();
  /** Why an account is not running (skipped at start), for status. */
  private readonly notes = new Map<string, SkipNote>();
  /** Accounts stopped by `channels.stop`, with the settings they had: a reload leaves them off. */
  private readonly manualStops = new Map<string, string>();
  private readonly pipeline: InboundPipeline;
  private readonly qrLogins: QrLoginFlow;
  readonly pairingStore: DmPairingStore;
  private readonly pairingActions: PairingActions;
  private readonly loadAdapter: AdapterLoader;
  private readonly backoff: BackoffOptions;
  private readonly now: () => number;
  private queue: Promise<unknown> = Promise.resolve();
  private closed = false;

  constructor(private readonly deps: ChannelServiceDeps) {
    this.loadAdapter = deps.loadAdapter ?? loadChannelAdapter;
    this.now = deps.now ?? Date.now;
    this.backoff = { ...DEFAULT_BACKOFF, ...deps.backoff };
    this.pairingStore = new DmPairingStore(deps.paths, { now: this.now, ...deps.pairing });
    this.pipeline = new InboundPipeline({
      logger: deps.logger,
      pairing: this.pairingStore,
      agent: deps.agent,
      routing: (message) => {
        const config = deps.config();
        const route = routeAgent(
          config.bindings,
          message,
          this.entries(message.channel).defaultAccountId,
          deps.agentIds(),
        );
        return {
          agentId: route?.agentId ?? deps.defaultAgentId(),
          mainKey: deps.mainKey(),
          dmScope: route?.dmScope ?? dmScopeOf(config.session),
        };
      },
      activeWorkspace: deps.activeWorkspace,
      // Upstream's `agents.defaults.typingIntervalSeconds` (6 s), the same for every channel.
      typingIntervalMs: () => {
        if (deps.typingIntervalMs !== undefined) return deps.typingIntervalMs;
        const seconds = deps.config().agents?.defaults?.typingIntervalSeconds;
        return seconds ? seconds * 1000 : 6_000;
      },
      maxBacklogPerSession: deps.maxBacklogPerSession,
    });
    this.qrLogins = new QrLoginFlow({
      loadAdapter: (channel) => this.loadAdapter(channel),
      environment: () => this.environment(),
      entries: (channel) => this.entries(channel),
      env: deps.env,
      logger: deps.logger,
      onLinked: async (channel, accountId) => {
        const key = keyOf(channel, accountId);
        this.notes.delete(key);
        this.manualStops.delete(key);
        await this.serial(async () => {
          this.runners.delete(key);
          await this.ensure(this.qrLogins.entryFor(channel, accountId));
        });
      },
    });
    this.pairingActions = new PairingActions({
      store: this.pairingStore,
      config: deps.config,
      entries: (channel) => this.entries(channel),
      runner: (channel, accountId) => this.runners.get(keyOf(channel, accountId)),
      bootstrapOwner: (owner) => deps.writeOwner(owner, commandOwnerConfigured),
      logger: deps.logger,
    });
  }

  /** Every bot token in use, for scrubbing logs. */
  secrets(): string[] {
    return [...this.runners.values()].flatMap((r) => r.secrets());
  }

  private environment(): AdapterEnvironment {
    return { config: this.deps.config(), env: this.deps.env, paths: this.deps.paths };
  }

  private entries(channel: ChannelId): { defaultAccountId: string; accounts: AccountEntry[] } {
    return resolveChannelAccounts(this.deps.config(), channel, this.deps.env);
  }

  private entry(channel: ChannelId, accountId: string | undefined): AccountEntry {
    const { defaultAccountId, accounts } = this.entries(channel);
    const id = accountId ?? defaultAccountId;
    const found = accounts.find((a) => a.account.accountId === id);
    if (!found)
      throw new OpenClawError(
        ErrorCode.NOT_FOUND,
        `No ${CHANNEL_FACTS[channel].label} account "${id}" is configured. Add it with \`openclaw channels add --channel ${channel}${id === 'default' ? '' : ` --account ${id}`}\`.`,
      );
    return found;
  }

  /** Runs one change at a time: start-up, reloads and start/stop calls never interleave. */
  private serial<T>(work: () => Promise<T>): Promise<T> {
    const next = this.queue.then(work, work);
    this.queue = next.catch(() => {});
    return next;
  }

  /** Starts every account that can start; resolves when all were handed to their runners. */
  startAll(): Promise<void> {
    return this.serial(async () => {
      const config = this.deps.config();
      for (const key of Object.keys((config.channels as Record<string, unknown> | undefined) ?? {}))
        if (FOREIGN_CHANNEL_IDS.has(key))
          this.deps.logger.warn(
            `channels.${key} is configured but this gateway does not run ${key}; it is ignored`,
          );
      for (const channel of configuredChannels(config))
        for (const entry of this.entries(channel).accounts) await this.ensure(entry);
    });
  }

  private skip(
    key: string,
    reason: SkipReason,
    message: string | null,
    linked?: boolean,
  ): StartOutcome {
    this.notes.set(key, { reason, message, ...(linked !== undefined ? { linked } : {}) });
    return { status: 'skipped', reason };
  }

  /** Starts one account if it can; whatever goes wrong stays with that account. */
  private async ensure(entry: AccountEntry): Promise<StartOutcome> {
    try {
      return await this.tryStart(entry);
    } catch (err) {
      const { channel, accountId } = entry.account;
      const message = scrubSecrets(
        errorMessage(err),
        entry.account.token ? [entry.account.token] : [],
      );
      this.deps.logger.error('channel account could not start', {
        channel,
        accountId,
        error: message,
      });
      return this.skip(keyOf(channel, accountId), 'unconfigured', message);
    }
  }

  private async tryStart(entry: AccountEntry): Promise<StartOutcome> {
    const { channel, accountId } = entry.account;
    const key = keyOf(channel, accountId);
    if (this.closed) return { status: 'retry', reason: 'stop-in-flight' };
    const running = this.runners.get(key);
    if (running?.active) return { status: 'handed-off' };
    // One bot token, one connection: a second poller on the same Telegram token gets 409s forever
    // and Discord closes one of two sessions. The account started first keeps it.
    const token = entry.account.token;
    const twin =
      token === undefined
        ? undefined
        : [...this.runners.values()].find(
            (r) =>
              r !== running &&
              r.active &&
              r.entry.account.channel === channel &&
              r.entry.account.token === token,
          );
    if (twin) {
      const other = twin.entry.account.accountId;
      this.deps.logger.warn('channel account not started: its bot token is already in use', {
        channel,
        accountId,
        usedBy: other,
      });
      return this.skip(
        key,
        'unconfigured',
        `Uses the same bot token as ${channel} account "${other}", which already runs; one token carries one connection. Give this account its own bot token, or remove it (openclaw channels remove --channel ${channel} --account ${accountId}).`,
      );
    }
    const check = await checkStartable(
      entry,
      this.loadAdapter,
      this.environment(),
      this.deps.logger,
    );
    if ('skip' in check) {
      this.notes.set(key, check.skip);
      return { status: 'skipped', reason: check.skip.reason };
    }
    const { adapter } = check;
    this.notes.delete(key);
    const runner = new AccountRunner(adapter, entry, {
      pipeline: this.pipeline,
      environment: () => this.environment(),
      logger: this.deps.logger,
      backoff: this.backoff,
      now: this.now,
    });
    if (running) {
      // Keep the counters a user reads in status across a restart.
      runner.lastInboundAt = running.lastInboundAt;
      runner.lastOutboundAt = running.lastOutboundAt;
    }
    this.runners.set(key, runner);
    runner.start();
    return { status: 'handed-off' };
  }

  async status(options: {
    channel?: string;
    probe?: boolean;
    timeoutMs?: number;
  }): Promise<ChannelsStatus> {
    const wanted = options.channel !== undefined ? parseChannel(options.channel) : undefined;
    const result = buildChannelsStatus(this.deps.config(), this.now(), wanted, (channel) => {
      const { defaultAccountId, accounts } = this.entries(channel);
      return { defaultAccountId, rows: accounts.map((entry) => this.row(entry)) };
    });
    if (options.probe) await this.probeRows(result, options.timeoutMs ?? 10_000);
    return result;
  }

  /** `--probe`: each configured account's credentials checked live, in parallel, never thrown. */
  private async probeRows(result: ChannelsStatus, timeoutMs: number): Promise<void> {
    const environment = this.environment();
    const jobs: Promise<void>[] = [];
    for (const channel of result.channelOrder) {
      const rows = result.channelAccounts[channel] ?? [];
      const entries = this.entries(channel).accounts;
      for (const row of rows) {
        const entry = entries.find((e) => e.account.accountId === row.accountId);
        if (!entry || !row.configured) continue;
        jobs.push(
          (async () => {
            const adapter = await this.loadAdapter(channel);
            const probe = adapter.probe
              ? await adapter.probe(entry.account, environment, timeoutMs)
              : {
                  ok: row.connected,
                  error: row.connected ? undefined : 'no live check for this channel',
                };
            const secrets = entry.account.token ? [entry.account.token] : [];
            row.probe = {
              ...probe,
              ...(typeof probe.error === 'string'
                ? { error: scrubSecrets(probe.error, secrets) }
                : {}),
            };
            row.lastProbeAt = this.now();
          })().catch((err: unknown) => {
            row.probe = { ok: false, error: errorMessage(err) };
          }),
        );
      }
    }
    await Promise.all(jobs);
  }

  private row(entry: AccountEntry): ChannelAccountStatus {
    const key = keyOf(entry.account.channel, entry.account.accountId);
    return accountStatusRow(
      entry,
      this.runners.get(key),
      this.notes.get(key),
      this.manualStops.has(key),
    );
  }

  start(channel: string, accountId?: string) {
    const id = parseChannel(channel);
    return this.serial(async () => {
      const entry = this.entry(id, accountId);
      const key = keyOf(id, entry.account.accountId);
      this.manualStops.delete(key);
      const runner = this.runners.get(key);
      if (runner && !runner.active) this.runners.delete(key);
      const outcome = await this.ensure(entry);
      return {
        channel: id,
        accountId: entry.account.accountId,
        started: this.runners.get(key)?.running ?? false,
        outcome,
      };
    });
  }

  stop(channel: string, accountId?: string) {
    const id = parseChannel(channel);
    return this.serial(async () => {
      const entry = this.entry(id, accountId);
      const key = keyOf(id, entry.account.accountId);
      const runner = this.runners.get(key);
      this.manualStops.set(key, entry.connectionHash);
      if (!runner?.active)
        return { channel: id, accountId: entry.account.accountId, stopped: false };
      await runner.stop();
      return { channel: id, accountId: entry.account.accountId, stopped: true };
    });
  }

  logout(channel: string, accountId?: string) {
    const id = parseChannel(channel);
    return this.serial(async () => {
      const entry = this.entry(id, accountId);
      const key = keyOf(id, entry.account.accountId);
      const adapter = await this.loadAdapter(id);
      // A bot-token channel has no login to forget: logging out would only stop the bot, with
      // nothing on the CLI side that brings it back. Say what does what instead.
      if (!adapter.logout)
        throw new OpenClawError(
          ErrorCode.INVALID_ARGUMENT,
          `${CHANNEL_FACTS[id].label} has no login to forget (it uses a bot token). To stop the bot use \`openclaw channels stop --channel ${id}\`; to remove it, \`openclaw channels remove --channel ${id}\`.`,
        );
      await this.runners.get(key)?.stop();
      this.runners.delete(key);
      await this.qrLogins.cancel(key);
      const { cleared } = await adapter.logout(entry.account, this.environment());
      if (adapter.isLinked)
        this.skip(key, 'unlinked', 'Logged out: link again with `openclaw channels login`.', false);
      return { channel: id, accountId: entry.account.accountId, cleared };
    });
  }

  webLoginStart(options: {
    channel?: string;
    accountId?: string;
    force?: boolean;
    timeoutMs?: number;
  }) {
    return this.qrLogins.start(options);
  }

  webLoginWait(options: {
    channel?: string;
    accountId?: string;
    sessionKey?: string;
    timeoutMs?: number;
    currentQrDataUrl?: string;
  }) {
    return this.qrLogins.wait(options);
  }

  pairingList(options: { channel?: string; accountId?: string }): Promise<PairingList> {
    return this.pairingActions.list(
      options.channel !== undefined ? parseChannel(options.channel) : undefined,
      options.accountId,
    );
  }

  pairingApprove(options: {
    channel: string;
    accountId: string;
    requestId: string;
    notify?: boolean;
    bootstrapCommandOwner?: boolean;
  }): Promise<PairingApproveResult> {
    return this.pairingActions.approve({ ...options, channel: parseChannel(options.channel) });
  }

  pairingDismiss(options: { channel: string; accountId: string; requestId: string }) {
    return this.pairingActions.dismiss(
      parseChannel(options.channel),
      options.accountId,
      options.requestId,
    );
  }

  reload(): Promise<void> {
    return this.serial(async () => {
      if (this.closed) return;
      const seen = new Set<string>();
      for (const channel of CHANNEL_IDS) {
        for (const entry of this.entries(channel).accounts) {
          const key = keyOf(channel, entry.account.accountId);
          seen.add(key);
          const stoppedWith = this.manualStops.get(key);
          if (stoppedWith !== undefined) {
            if (stoppedWith === entry.connectionHash) continue;
            this.manualStops.delete(key);
          }
          const runner = this.runners.get(key);
          if (runner && runner.entry.connectionHash === entry.connectionHash) {
            runner.entry = entry;
            continue;
          }
          if (runner) {
            this.deps.logger.info('channel account settings changed; restarting it', {
              channel,
              accountId: entry.account.accountId,
            });
            await runner.stop();
            this.runners.delete(key);
          }
          await this.ensure(entry);
        }
      }
      for (const [key, runner] of this.runners) {
        if (seen.has(key)) continue;
        await runner.stop();
        this.runners.delete(key);
      }
      for (const key of this.notes.keys()) if (!seen.has(key)) this.notes.delete(key);
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.queue;
    await this.qrLogins.close();
    await Promise.all([...this.runners.values()].map((r) => r.stop()));
  }
}
