/**
 * Whether an account can start, and if not why (for `channels.start` and status): disabled, its
 * token missing or unreadable, the adapter refusing its settings or failing to load, or — for
 * WhatsApp — not linked yet. Loads the adapter, which the caller then starts the account with.
 */
import { errorMessage } from '../../infra/errors.js';
import type { Logger } from '../../infra/logger.js';
import type { AdapterEnvironment, ChannelAdapter } from '../contract.js';
import type { AdapterLoader } from '../adapters.js';
import type { AccountEntry } from './accounts.js';
import { CHANNEL_FACTS } from './channel-defaults.js';
import type { SkipNote } from './status-rows.js';

export type StartCheck = { adapter: ChannelAdapter } | { skip: SkipNote };

export async function checkStartable(
  entry: AccountEntry,
  loadAdapter: AdapterLoader,
  environment: AdapterEnvironment,
  logger: Logger,
): Promise<StartCheck> {
  const { channel, accountId, raw } = entry.account;
  if (!entry.account.enabled) return { skip: { reason: 'disabled', message: null } };
  if (entry.problems.length > 0) {
    const tokenGiven =
      entry.configured ||
      raw.tokenFile !== undefined ||
      raw[CHANNEL_FACTS[channel].tokenKey ?? ''] !== undefined;
    return {
      skip: {
        reason: tokenGiven ? 'secret-unavailable' : 'unconfigured',
        message: entry.problems.join('; '),
      },
    };
  }
  let adapter: ChannelAdapter;
  try {
    adapter = await loadAdapter(channel);
  } catch (err) {
    logger.error('channel adapter failed to load', { channel, error: errorMessage(err) });
    return {
      skip: {
        reason: 'unconfigured',
        message: `The ${CHANNEL_FACTS[channel].label} adapter failed to load: ${errorMessage(err)}`,
      },
    };
  }
  const problems = adapter.validate(entry.account, entry.path);
  if (problems.length > 0)
    return { skip: { reason: 'unconfigured', message: problems.join('; ') } };
  if (adapter.isLinked && !(await adapter.isLinked(entry.account, environment))) {
    const account = accountId === 'default' ? '' : ` --account ${accountId}`;
    return {
      skip: {
        reason: 'unlinked',
        message: `Not linked yet: run \`openclaw channels login --channel ${channel}${account}\` and scan the QR code.`,
        linked: false,
      },
    };
  }
  return { adapter };
}
