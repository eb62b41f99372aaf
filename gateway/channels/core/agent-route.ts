/**
 * Which agent a channel message goes to: upstream's `bindings` (`{agentId, match: {channel,
 * accountId?, peer?: {kind, id}}, session?: {dmScope}}`), most specific first — a concrete peer,
 * then a peer wildcard, then the account (an omitted `accountId` means the channel's default
 * account, `"*"` any account) — and in config order within a tier. Bindings that need facts a
 * message here does not carry (`guildId`, `teamId`, `roles`) are skipped. No match: the default
 * agent.
 */
import { isPlainObject } from '../../config/json-value.js';
import type { InboundMessage } from '../contract.js';
import { dmScopeOf, type DmScope } from './session-key.js';

export interface AgentRoute {
  agentId: string;
  /** A binding's own `session.dmScope`, when it sets one. */
  dmScope?: DmScope;
}

function peerKind(message: Pick<InboundMessage, 'channel' | 'chatType'>): string {
  if (message.chatType === 'direct') return 'direct';
  return message.channel === 'discord' ? 'channel' : 'group';
}

export function routeAgent(
  bindings: unknown,
  message: Pick<InboundMessage, 'channel' | 'accountId' | 'chatType' | 'chatId' | 'senderId'>,
  defaultAccountId: string,
  knownAgents: readonly string[],
): AgentRoute | undefined {
  if (!Array.isArray(bindings)) return undefined;
  let best: { tier: number; route: AgentRoute } | undefined;
  for (const binding of bindings) {
    if (!isPlainObject(binding) || binding.type === 'acp') continue;
    const agentId = typeof binding.agentId === 'string' ? binding.agentId.toLowerCase() : '';
    const match = binding.match;
    if (!knownAgents.includes(agentId) || !isPlainObject(match)) continue;
    if (match.channel !== message.channel) continue;
    if (match.guildId !== undefined || match.teamId !== undefined || match.roles !== undefined)
      continue;
    const accountId = match.accountId;
    if (
      accountId === undefined
        ? message.accountId !== defaultAccountId
        : accountId !== '*' && accountId !== message.accountId
    )
      continue;
    let tier = accountId === '*' ? 1 : 2;
    if (match.peer !== undefined) {
      const peer = match.peer;
      if (!isPlainObject(peer) || peer.kind !== peerKind(message)) continue;
      const wanted = message.chatType === 'direct' ? message.senderId : message.chatId;
      if (peer.id === '*') tier = 3;
      else if (String(peer.id) === wanted) tier = 4;
      else continue;
    }
    if (best && best.tier >= tier) continue;
    const session = isPlainObject(binding.session) ? binding.session : undefined;
    best = {
      tier,
      route: {
        agentId,
        ...(session?.dmScope !== undefined ? { dmScope: dmScopeOf(session) } : {}),
      },
    };
  }
  return best?.route;
}
