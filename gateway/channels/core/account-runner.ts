/**
 * Supervision of one account: connect, hand inbound messages to the pipeline, and when the
 * connection ends by itself reconnect with exponential backoff and jitter (reset once a
 * connection has stayed up a while). A `fatal` ChannelError (bad or revoked token, missing
 * intents, logged out) stops the account with its error until the user changes the config or
 * starts it again. Each account runs alone: its failures never touch another.
 */
import { errorMessage } from '../../infra/errors.js';
import type { Logger } from '../../infra/logger.js';
import {
  ChannelError,
  type AccountConnection,
  type AdapterEnvironment,
  type ChannelAdapter,
  type ResolvedAccount,
} from '../contract.js';
import type { ChannelAccountStatus } from '../service-api.js';
import type { AccountEntry } from './accounts.js';
import type { InboundPipeline, PipelineAccount } from './inbound-pipeline.js';
import { redactingLogger, scrubSecrets } from './redacting-logger.js';

export interface BackoffOptions {
  initialMs: number;
  maxMs: number;
  /** ± this fraction of the delay, so accounts that failed together do not retry together. */
  jitter: number;
  /** A connection up this long counts as healthy: the next failure starts from `initialMs`. */
  stableMs: number;
}

export const DEFAULT_BACKOFF: BackoffOptions = {
  initialMs: 2_000,
  maxMs: 5 * 60_000,
  jitter: 0.2,
  stableMs: 60_000,
};

export function backoffDelay(
  attempt: number,
  options: BackoffOptions,
  random = Math.random,
): number {
  const base = Math.min(options.maxMs, options.initialMs * 2 ** Math.max(0, attempt - 1));
  return Math.max(0, Math.round(base * (1 + options.jitter * (2 * random() - 1))));
}

export interface AccountRunnerDeps {
  pipeline: InboundPipeline;
  environment(): AdapterEnvironment;
  logger: Logger;
  backoff: BackoffOptions;
  now(): number;
}

export class AccountRunner implements PipelineAccount {
  private current?: AccountConnection;
  private loop?: Promise<void>;
  private abort?: AbortController;
  private wake?: () => void;
  readonly logger: Logger;
  running = false;
  connected = false;
  /** Stopped by a fatal error: waits for a config change or `channels.start`. */
  failed = false;
  linked?: boolean;
  identity?: string;
  reconnectAttempts = 0;
  lastConnectedAt: number | null = null;
  lastStartAt: number | null = null;
  lastStopAt: number | null = null;
  lastInboundAt: number | null = null;
  lastOutboundAt: number | null = null;
  lastError: string | null = null;

  constructor(
    readonly adapter: ChannelAdapter,
    public entry: AccountEntry,
    private readonly deps: AccountRunnerDeps,
  ) {
    this.logger = redactingLogger(
      deps.logger.child({ channel: entry.account.channel, accountId: entry.account.accountId }),
      () => this.secrets(),
    );
  }

  secrets(): string[] {
    return this.entry.account.token ? [this.entry.account.token] : [];
  }

  account(): ResolvedAccount {
    return this.entry.account;
  }

  connection(): AccountConnection | undefined {
    return this.current;
  }

  noteOutbound(): void {
    this.lastOutboundAt = this.deps.now();
  }

  noteError(message: string): void {
    this.lastError = scrubSecrets(message, this.secrets());
  }

  get active(): boolean {
    return this.loop !== undefined;
  }

  start(): void {
    if (this.loop) return;
    this.failed = false;
    const abort = new AbortController();
    this.abort = abort;
    this.running = true;
    this.loop = this.runLoop(abort.signal).finally(() => {
      this.running = false;
      this.connected = false;
      this.loop = undefined;
      this.lastStopAt = this.deps.now();
    });
  }

  async stop(): Promise<void> {
    const loop = this.loop;
    if (!loop) return;
    this.abort?.abort();
    this.wake?.();
    const connection = this.current;
    if (connection)
      await connection
        .stop()
        .catch((err: unknown) =>
          this.logger.warn('stopping the connection failed', { error: errorMessage(err) }),
        );
    await loop;
  }

  private describe(err: unknown): { message: string; fatal: boolean } {
    const fatal = err instanceof ChannelError && err.kind === 'fatal';
    return { message: scrubSecrets(errorMessage(err), this.secrets()), fatal };
  }

  private async runLoop(signal: AbortSignal): Promise<void> {
    while (!signal.aborted) {
      this.lastStartAt = this.deps.now();
      let connection: AccountConnection;
      let connectedAt: number | undefined;
      let ended: unknown;
      try {
        connection = await this.adapter.connect(
          this.entry.account,
          {
            logger: this.logger,
            signal,
            onInbound: (message) => {
              if (signal.aborted) return;
              this.lastInboundAt = this.deps.now();
              void this.deps.pipeline.handle(this, message);
            },
            onStatus: (status) => {
              if (signal.aborted) return;
              this.connected = status.connected;
              if (status.connected) this.lastConnectedAt = this.deps.now();
              if (status.linked !== undefined) this.linked = status.linked;
              if (status.identity !== undefined) this.identity = status.identity;
              if (status.lastError !== undefined)
                this.lastError =
                  status.lastError === null ? null : scrubSecrets(status.lastError, this.secrets());
            },
          },
          this.deps.environment(),
        );
      } catch (err) {
        ended = err;
        connection = undefined as unknown as AccountConnection;
      }
      if (ended === undefined) {
        if (signal.aborted) {
          await connection.stop().catch(() => {});
          break;
        }
        this.current = connection;
        connectedAt = this.deps.now();
        this.connected = true;
        this.lastConnectedAt = connectedAt;
        this.lastError = null;
        this.logger.info(
          'channel account connected',
          this.identity ? { identity: this.identity } : {},
        );
        try {
          await connection.closed;
          ended = new ChannelError('the connection ended', 'transient');
        } catch (err) {
          ended = err;
        }
        this.current = undefined;
        this.connected = false;
      }
      if (signal.aborted) break;
      const { message, fatal } = this.describe(ended);
      this.lastError = message;
      if (fatal) {
        this.failed = true;
        this.logger.error(
          'channel account stopped; it waits for a config change or `openclaw channels start --channel <channel>`',
          { error: message },
        );
        break;
      }
      if (connectedAt !== undefined && this.deps.now() - connectedAt >= this.deps.backoff.stableMs)
        this.reconnectAttempts = 0;
      this.reconnectAttempts += 1;
      const delay = backoffDelay(this.reconnectAttempts, this.deps.backoff);
      this.logger.warn('channel account disconnected; reconnecting', {
        error: message,
        attempt: this.reconnectAttempts,
        delayMs: delay,
      });
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, delay);
        this.wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.wake = undefined;
    }
  }

  statusRow(configured: boolean): ChannelAccountStatus {
    const account = this.entry.account;
    return {
      accountId: account.accountId,
      ...(account.name ? { name: account.name } : {}),
      enabled: account.enabled,
      configured,
      linked: this.linked ?? configured,
      running: this.running,
      connected: this.connected,
      reconnectAttempts: this.reconnectAttempts,
      lastConnectedAt: this.lastConnectedAt,
      lastStartAt: this.lastStartAt,
      lastStopAt: this.lastStopAt,
      lastInboundAt: this.lastInboundAt,
      lastOutboundAt: this.lastOutboundAt,
      lastError: this.lastError,
      dmPolicy: account.dmPolicy,
      allowFrom: account.allowFrom,
      ...(account.tokenSource ? { tokenSource: account.tokenSource } : {}),
      ...(this.identity ? { identity: this.identity } : {}),
      healthState: this.failed
        ? 'failed'
        : this.connected
          ? 'healthy'
          : this.running
            ? 'connecting'
            : 'stopped',
    };
  }
}
