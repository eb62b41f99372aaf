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
import {
  CHANNEL_IDS,
  type AdapterEnvironment,
  type ChannelAdapter,
  type ChannelId,
} from '../contract.js';
import { DmPairingStore, type DmPairingStoreOptions } from '../pairing/dm-pairing-store.js';
import { PairingActions, type OwnerBootstrap } from '../pairing/pairing-actions.js';
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
import { CHANNEL_FACTS, FOREIGN_CHANNEL_IDS } from './channel-defaults.js';
import { InboundPipeline, type AgentRunner } from './inbound-pipeline.js';
import type { DmScope } from './session-key.js';
import { WebLogins } from './web-login.js';

export interface ChannelServiceDeps {
  config(): OpenClawConfig;
  env: Env;
  paths: StatePaths;
  logger: Logger;
  agent(): Promise<AgentRunner>;
  routing(): { agentId: string; mainKey: string; dmScope: DmScope };
  activeWorkspace(agentId: string, sessionKey: string): Promise<string>;
  /** Makes `<channel>:<sender>` the command owner when none is configured (a config write). */
  bootstrapOwner: OwnerBootstrap;
  loadAdapter?: AdapterLoader;
  now?: () => number;
  backoff?: Partial<BackoffOptions>;
  typingIntervalMs?: number;
  maxBacklogPerSession?: number;
  pairing?: DmPairingStoreOptions;
}

type SkipReason = Extract<StartOutcome, { status: 'skipped' }>['reason'];

const keyOf = (channel: ChannelId, accountId: string) => `${channel}:${accountId}`;

export function parseChannel(value: string | undefined): ChannelId {
  if (value && (CHANNEL_IDS as readonly string[]).includes(value)) return value as ChannelId;
  throw new OpenClawError(
    ErrorCode.INVALID_ARGUMENT,
    `Unknown channel "${value ?? ''}"; use one of ${CHANNEL_IDS.join(', ')}.`,
  );
}

export class ChannelService implements ChannelsApi {
  private readonly runners = new Map<string, AccountRunner>();
  /** Why an account is not running (skipped at start), for status. */
  private readonly notes = new Map<
    string,
    { reason: SkipReason; message: string | null; linked?: boolean }
  >();
  /** Accounts stopped by `channels.stop`, with the settings they had: a reload leaves them off. */
  private readonly manualStops = new Map<string, string>();
  private readonly pipeline: InboundPipeline;
  private readonly logins: WebLogins;
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
      routing: deps.routing,
      activeWorkspace: deps.activeWorkspace,
      typingIntervalMs: deps.typingIntervalMs ?? 6_000,
      maxBacklogPerSession: deps.maxBacklogPerSession,
    });
    this.logins = new WebLogins(deps.logger);
    this.pairingActions = new PairingActions({
      store: this.pairingStore,
      config: deps.config,
      entries: (channel) => this.entries(channel),
      runner: (channel, accountId) => this.runners.get(keyOf(channel, accountId)),
      bootstrapOwner: deps.bootstrapOwner,
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

  private async ensure(entry: AccountEntry): Promise<StartOutcome> {
    const { channel, accountId } = entry.account;
    const key = keyOf(channel, accountId);
    if (this.closed) return { status: 'retry', reason: 'stop-in-flight' };
    const running = this.runners.get(key);
    if (running?.active) return { status: 'handed-off' };
    if (!entry.account.enabled) return this.skip(key, 'disabled', null);
    if (entry.problems.length > 0)
      return this.skip(
        key,
        entry.configured ||
          entry.account.raw.tokenFile !== undefined ||
          entry.account.raw[CHANNEL_FACTS[channel].tokenKey ?? ''] !== undefined
          ? 'secret-unavailable'
          : 'unconfigured',
        entry.problems.join('; '),
      );
    let adapter: ChannelAdapter;
    try {
      adapter = await this.loadAdapter(channel);
    } catch (err) {
      this.deps.logger.error('channel adapter failed to load', {
        channel,
        error: errorMessage(err),
      });
      return this.skip(
        key,
        'unconfigured',
        `The ${CHANNEL_FACTS[channel].label} adapter failed to load: ${errorMessage(err)}`,
      );
    }
    const problems = adapter.validate(entry.account, entry.path);
    if (problems.length > 0) return this.skip(key, 'unconfigured', problems.join('; '));
    if (adapter.isLinked && !(await adapter.isLinked(entry.account, this.environment())))
      return this.skip(
        key,
        'unlinked',
        `Not linked yet: run \`openclaw channels login --channel ${channel}${accountId === 'default' ? '' : ` --account ${accountId}`}\` and scan the QR code.`,
        false,
      );
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
    const config = this.deps.config();
    const wanted = options.channel !== undefined ? parseChannel(options.channel) : undefined;
    const channels = configuredChannels(config).filter((c) => !wanted || c === wanted);
    const result: ChannelsStatus = {
      ts: this.now(),
      channelOrder: channels,
      channelLabels: Object.fromEntries(channels.map((c) => [c, CHANNEL_FACTS[c].label])),
      channels: {},
      channelAccounts: {},
      channelDefaultAccountId: {},
    };
    const warnings = Object.keys((config.channels as Record<string, unknown> | undefined) ?? {})
      .filter((k) => FOREIGN_CHANNEL_IDS.has(k))
      .map((k) => `channels.${k} is configured, but this gateway does not run ${k}.`);
    if (warnings.length > 0) result.warnings = warnings;
    for (const channel of channels) {
      const { defaultAccountId, accounts } = this.entries(channel);
      const rows = accounts.map((entry) => this.row(entry));
      result.channelAccounts[channel] = rows;
      result.channelDefaultAccountId[channel] = defaultAccountId;
      result.channels[channel] = {
        configured: rows.some((r) => r.configured),
        running: rows.some((r) => r.running),
        connected: rows.some((r) => r.connected),
      };
    }
    return result;
  }

  private row(entry: AccountEntry): ChannelAccountStatus {
    const key = keyOf(entry.account.channel, entry.account.accountId);
    const runner = this.runners.get(key);
    if (runner) {
      const row = runner.statusRow(entry.configured);
      // Policy edits apply at once; the row shows the settings in force.
      return {
        ...row,
        enabled: entry.account.enabled,
        dmPolicy: entry.account.dmPolicy,
        allowFrom: entry.account.allowFrom,
      };
    }
    const note = this.notes.get(key);
    const account = entry.account;
    return {
      accountId: account.accountId,
      ...(account.name ? { name: account.name } : {}),
      enabled: account.enabled,
      configured: entry.configured,
      linked: note?.linked ?? entry.configured,
      running: false,
      connected: false,
      reconnectAttempts: 0,
      lastConnectedAt: null,
      lastStartAt: null,
      lastStopAt: null,
      lastInboundAt: null,
      lastOutboundAt: null,
      lastError: note?.message ?? (entry.problems.length > 0 ? entry.problems.join('; ') : null),
      dmPolicy: account.dmPolicy,
      allowFrom: account.allowFrom,
      ...(account.tokenSource ? { tokenSource: account.tokenSource } : {}),
      healthState: this.manualStops.has(key) ? 'stopped' : (note?.reason ?? 'stopped'),
    };
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
      await this.runners.get(key)?.stop();
      this.runners.delete(key);
      await this.logins.remove(key);
      const adapter = await this.loadAdapter(id);
      const { cleared } = adapter.logout
        ? await adapter.logout(entry.account, this.environment())
        : { cleared: false };
      if (adapter.isLinked)
        this.skip(key, 'unlinked', 'Logged out: link again with `openclaw channels login`.', false);
      return { channel: id, accountId: entry.account.accountId, cleared };
    });
  }

  async webLoginStart(options: {
    channel?: string;
    accountId?: string;
    force?: boolean;
    timeoutMs?: number;
  }) {
    const channel = parseChannel(options.channel ?? 'whatsapp');
    const adapter = await this.loadAdapter(channel);
    if (!adapter.startQrLogin)
      throw new OpenClawError(
        ErrorCode.INVALID_ARGUMENT,
        `${adapter.label} does not log in with a QR code; add its bot token with \`openclaw channels add --channel ${channel} --token …\`.`,
      );
    const entry = this.loginEntry(channel, options.accountId);
    const key = keyOf(channel, entry.account.accountId);
    let state = this.logins.find(key);
    if (state?.outcome || options.force) {
      await this.logins.remove(key);
      state = undefined;
    }
    if (!state) {
      if (
        !options.force &&
        adapter.isLinked &&
        (await adapter.isLinked(entry.account, this.environment()))
      )
        return {
          message: `${adapter.label} is already linked for account "${entry.account.accountId}". Use force to link again.`,
        };
      const login = await adapter.startQrLogin(
        entry.account,
        this.environment(),
        this.deps.logger.child({ channel, accountId: entry.account.accountId }),
      );
      state = this.logins.add(key, login, async () => {
        this.notes.delete(key);
        this.manualStops.delete(key);
        await this.serial(async () => {
          this.runners.delete(key);
          await this.ensure(this.loginEntry(channel, entry.account.accountId));
        });
      });
    }
    await this.logins.waitForQr(state, options.timeoutMs ?? 30_000);
    if (state.outcome && !state.outcome.connected) return { message: state.outcome.message };
    if (!state.qrDataUrl)
      return {
        message: 'No QR code yet; call web.login.start again.',
        sessionKey: state.sessionKey,
      };
    return {
      qrDataUrl: state.qrDataUrl,
      message: `Scan this QR code in ${adapter.label}: Settings → Linked devices → Link a device.`,
      sessionKey: state.sessionKey,
    };
  }

  async webLoginWait(options: {
    channel?: string;
    accountId?: string;
    sessionKey?: string;
    timeoutMs?: number;
    currentQrDataUrl?: string;
  }) {
    const channel = parseChannel(options.channel ?? 'whatsapp');
    const entry = this.loginEntry(channel, options.accountId);
    const key = keyOf(channel, entry.account.accountId);
    const state = this.logins.find(key, options.sessionKey);
    if (!state)
      return { connected: false, message: 'No login in progress; call web.login.start first.' };
    const outcome = await this.logins.waitForOutcome(state, options.timeoutMs ?? 120_000);
    if (outcome) {
      await this.logins.remove(state.key);
      return outcome;
    }
    const fresh =
      state.qrDataUrl && state.qrDataUrl !== options.currentQrDataUrl
        ? { qrDataUrl: state.qrDataUrl }
        : {};
    return { connected: false, message: 'Still waiting for the QR code to be scanned.', ...fresh };
  }

  /** The account to link: configured, or the default one before its block exists. */
  private loginEntry(channel: ChannelId, accountId: string | undefined): AccountEntry {
    const { accounts, defaultAccountId } = this.entries(channel);
    const id = accountId ?? defaultAccountId;
    return (
      accounts.find((a) => a.account.accountId === id) ??
      resolveChannelAccounts(
        { channels: { [channel]: { accounts: { [id]: {} } } } },
        channel,
        this.deps.env,
      ).accounts[0]!
    );
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
    await this.logins.close();
    await Promise.all([...this.runners.values()].map((r) => r.stop()));
  }
}
