/**
 * Who may reach the agent. DMs follow `dmPolicy` (pairing | allowlist | open | disabled) with the
 * configured `allowFrom` and, for `pairing`, the senders approved by code. Groups follow
 * `groupPolicy`, the adapter's group rule (is the group listed, does it need a mention), and the
 * group sender list — `groupAllowFrom`, which falls back to `allowFrom` but never to the pairing
 * store: an approval by code grants DMs only.
 */
import type { ChannelAdapter, InboundMessage, ResolvedAccount } from '../contract.js';

export type AccessDecision =
  | { action: 'run' }
  /** An unknown DM sender under `pairing`: offer a code, do not process the message. */
  | { action: 'pair' }
  | { action: 'drop'; reason: string };

function listed(list: readonly string[], senderId: string): boolean {
  return list.includes('*') || list.includes(senderId);
}

export function decideAccess(
  message: InboundMessage,
  account: ResolvedAccount,
  adapter: Pick<ChannelAdapter, 'groupRule'>,
  approvedSenders: readonly string[],
): AccessDecision {
  if (message.chatType === 'direct') {
    switch (account.dmPolicy) {
      case 'disabled':
        return { action: 'drop', reason: 'direct messages are disabled (dmPolicy "disabled")' };
      case 'open':
      case 'allowlist':
        return listed(account.allowFrom, message.senderId)
          ? { action: 'run' }
          : {
              action: 'drop',
              reason: `sender is not in allowFrom (dmPolicy "${account.dmPolicy}")`,
            };
      default:
        return listed(account.allowFrom, message.senderId) ||
          approvedSenders.includes(message.senderId)
          ? { action: 'run' }
          : { action: 'pair' };
    }
  }
  if (account.groupPolicy === 'disabled')
    return { action: 'drop', reason: 'group messages are disabled (groupPolicy "disabled")' };
  const rule = adapter.groupRule(account, message);
  if (account.groupPolicy === 'allowlist' && !rule.listed)
    return { action: 'drop', reason: 'the group is not listed (groupPolicy "allowlist")' };
  const senders = rule.allowFrom ?? account.groupAllowFrom;
  if (senders.length > 0 && !listed(senders, message.senderId))
    return { action: 'drop', reason: 'sender is not in the group sender list (groupAllowFrom)' };
  if (rule.requireMention && !message.mentioned)
    return { action: 'drop', reason: 'the bot was not mentioned (requireMention)' };
  return { action: 'run' };
}
