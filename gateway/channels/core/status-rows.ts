/**
 * `channels.status`, and one account's row of it: the runner's live state when it has one, otherwise
 * why it is not running (disabled, not configured, a secret missing, not linked, stopped).
 */
import type { OpenClawConfig } from '../../config/config-types.js';
import type { ChannelId } from '../contract.js';
import type { ChannelAccountStatus, ChannelsStatus, StartOutcome } from '../service-api.js';
import { configuredChannels } from './accounts.js';
import type { AccountEntry } from './accounts.js';
import type { AccountRunner } from './account-runner.js';
import { CHANNEL_FACTS, FOREIGN_CHANNEL_IDS } from './channel-defaults.js';

export type SkipReason = Extract<StartOutcome, { status: 'skipped' }>['reason'];

/** Why an account was not started, kept for status. */
export interface SkipNote {
  reason: SkipReason;
  message: string | null;
  linked?: boolean;
}

export function accountStatusRow(
  entry: AccountEntry,
  runner: AccountRunner | undefined,
  note: SkipNote | undefined,
  manuallyStopped: boolean,
): ChannelAccountStatus {
  const account = entry.account;
  if (runner) {
    // Policy edits apply at once; the row shows the settings in force.
    return {
      ...runner.statusRow(entry.configured),
      enabled: account.enabled,
      dmPolicy: account.dmPolicy,
      allowFrom: account.allowFrom,
    };
  }
  return {
    accountId: account.accountId,
    ...(account.name ? { name: account.name } : {}),
    enabled: account.enabled,
    configured: entry.configured,
    // A QR channel counts as linked only once its adapter said so.
    linked: note?.linked ?? (CHANNEL_FACTS[account.channel].tokenKey ? entry.configured : false),
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
    healthState: manuallyStopped ? 'stopped' : (note?.reason ?? 'stopped'),
  };
}

/** The whole answer: configured channels (or the one asked for), their rows, and warnings. */
export function buildChannelsStatus(
  config: OpenClawConfig,
  now: number,
  wanted: ChannelId | undefined,
  rowsOf: (channel: ChannelId) => { defaultAccountId: string; rows: ChannelAccountStatus[] },
): ChannelsStatus {
  const channels = configuredChannels(config).filter((c) => !wanted || c === wanted);
  const result: ChannelsStatus = {
    ts: now,
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
    const { defaultAccountId, rows } = rowsOf(channel);
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
