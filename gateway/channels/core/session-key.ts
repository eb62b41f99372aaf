/**
 * Which agent session a chat maps to, in upstream's key formats. DMs share the agent's main
 * session by default (`session.dmScope` "main": the owner talks to one agent wherever they write
 * from); the other scopes give each sender (and channel, and account) its own. Groups always get
 * their own session, per thread or forum topic when the message is in one.
 */
import type { ChannelId, InboundMessage } from '../contract.js';

export type DmScope = 'main' | 'per-peer' | 'per-channel-peer' | 'per-account-channel-peer';

const DM_SCOPES: readonly string[] = [
  'main',
  'per-peer',
  'per-channel-peer',
  'per-account-channel-peer',
];

export function dmScopeOf(session: Record<string, unknown> | undefined): DmScope {
  const value = session?.dmScope;
  return typeof value === 'string' && DM_SCOPES.includes(value) ? (value as DmScope) : 'main';
}

/** Session key parts may not hold spaces, slashes or control characters. */
function part(value: string): string {
  return value.replace(/[\s/\\\p{Cc}]+/gu, '_') || '_';
}

const GROUP_KIND: Record<ChannelId, string> = {
  telegram: 'group',
  discord: 'channel',
  whatsapp: 'group',
};
const THREAD_KIND: Record<ChannelId, string> = {
  telegram: 'topic',
  discord: 'thread',
  whatsapp: 'thread',
};

export function sessionKeyFor(
  message: Pick<
    InboundMessage,
    'channel' | 'accountId' | 'chatType' | 'chatId' | 'threadId' | 'senderId'
  >,
  options: { agentId: string; mainKey: string; dmScope: DmScope },
): string {
  const agent = `agent:${options.agentId}`;
  const channel = message.channel;
  if (message.chatType === 'direct') {
    const peer = part(message.senderId);
    switch (options.dmScope) {
      case 'per-peer':
        return `${agent}:direct:${peer}`;
      case 'per-channel-peer':
        return `${agent}:${channel}:direct:${peer}`;
      case 'per-account-channel-peer':
        return `${agent}:${channel}:${part(message.accountId)}:direct:${peer}`;
      default:
        return `${agent}:${options.mainKey}`;
    }
  }
  const base = `${agent}:${channel}:${GROUP_KIND[channel]}:${part(message.chatId)}`;
  return message.threadId ? `${base}:${THREAD_KIND[channel]}:${part(message.threadId)}` : base;
}
