/**
 * One account's row of `channels.status`: the runner's live state when it has one, otherwise
 * why it is not running (disabled, not configured, a secret missing, not linked, stopped).
 */
import type { ChannelAccountStatus, StartOutcome } from '../service-api.js';
import type { AccountEntry } from './accounts.js';
import type { AccountRunner } from './account-runner.js';
import { CHANNEL_FACTS } from './channel-defaults.js';

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
