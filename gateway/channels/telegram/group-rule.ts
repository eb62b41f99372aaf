/**
 * Which `groups` entry applies to a group message: the chat's own (`groups.<chatId>`) or the
 * wildcard (`groups["*"]`); inside a forum topic, `topics.<threadId>` refines it.
 */
import type { InboundMessage, ResolvedAccount } from '../contract.js';
import { normalizeSenderList, readGroups } from './settings.js';

export function telegramGroupRule(
  account: ResolvedAccount,
  message: InboundMessage,
): { listed: boolean; requireMention: boolean; allowFrom?: string[] } {
  const groups = readGroups(account);
  const own = groups[message.chatId];
  const wildcard = groups['*'];
  const entry = own ?? wildcard;
  if (!entry || typeof entry !== 'object') return { listed: false, requireMention: true };
  const topic = message.threadId ? entry.topics?.[message.threadId] : undefined;
  const requireMention =
    topic?.requireMention ?? entry.requireMention ?? wildcard?.requireMention ?? true;
  const allowFrom = normalizeSenderList(topic?.allowFrom) ?? normalizeSenderList(entry.allowFrom);
  return allowFrom ? { listed: true, requireMention, allowFrom } : { listed: true, requireMention };
}
