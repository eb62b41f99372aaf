/**
 * `web.login.start` / `web.login.wait`: a QR login (WhatsApp) from the first QR to a linked,
 * started account. The login lives between the two calls, found by account or by the opaque
 * session key; an account not configured yet can be linked as `default` (or the given id).
 */
import { ErrorCode, OpenClawError } from '../../infra/errors.js';
import type { Logger } from '../../infra/logger.js';
import type { Env } from '../../config/paths.js';
import type { AdapterEnvironment, ChannelAdapter, ChannelId } from '../contract.js';
import { resolveChannelAccounts, type AccountEntry } from './accounts.js';
import { accountKey as keyOf, parseChannel } from './channel-defaults.js';
import { WebLogins } from './web-login.js';

export interface QrLoginFlowDeps {
  loadAdapter(channel: ChannelId): Promise<ChannelAdapter>;
  environment(): AdapterEnvironment;
  entries(channel: ChannelId): { defaultAccountId: string; accounts: AccountEntry[] };
  env: Env;
  logger: Logger;
  /** Starts the account once the phone linked it. */
  onLinked(channel: ChannelId, accountId: string): Promise<void>;
}

export class QrLoginFlow {
  private readonly logins: WebLogins;

  constructor(private readonly deps: QrLoginFlowDeps) {
    this.logins = new WebLogins(deps.logger);
  }

  async start(options: {
    channel?: string;
    accountId?: string;
    force?: boolean;
    timeoutMs?: number;
  }) {
    const channel = parseChannel(options.channel ?? 'whatsapp');
    const adapter = await this.deps.loadAdapter(channel);
    if (!adapter.startQrLogin)
      throw new OpenClawError(
        ErrorCode.INVALID_ARGUMENT,
        `${adapter.label} does not log in with a QR code; add its bot token with \`openclaw channels add --channel ${channel} --token …\`.`,
      );
    const entry = this.entryFor(channel, options.accountId);
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
        (await adapter.isLinked(entry.account, this.deps.environment()))
      )
        return {
          message: `${adapter.label} is already linked for account "${entry.account.accountId}". Use force to link again.`,
        };
      const login = await adapter.startQrLogin(
        entry.account,
        this.deps.environment(),
        this.deps.logger.child({ channel, accountId: entry.account.accountId }),
      );
      const accountId = entry.account.accountId;
      state = this.logins.add(key, login, () => this.deps.onLinked(channel, accountId));
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

  async wait(options: {
    channel?: string;
    accountId?: string;
    sessionKey?: string;
    timeoutMs?: number;
    currentQrDataUrl?: string;
  }) {
    const channel = parseChannel(options.channel ?? 'whatsapp');
    const entry = this.entryFor(channel, options.accountId);
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
  entryFor(channel: ChannelId, accountId: string | undefined): AccountEntry {
    const { accounts, defaultAccountId } = this.deps.entries(channel);
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

  cancel(key: string): Promise<void> {
    return this.logins.remove(key);
  }

  close(): Promise<void> {
    return this.logins.close();
  }
}
