/**
 * Where recent guild messages came from (server, channel, thread, the sender's roles). The core
 * asks `groupRule` with only the `InboundMessage`, which carries ids, not names or roles; names
 * are what slug keys in `guilds` match. Snowflakes are unique across Discord, so one bounded map
 * per process serves every account.
 */
export interface DiscordPlace {
  guildId: string;
  guildName?: string;
  /** The channel the chat is (a thread's parent). */
  channelId: string;
  channelName?: string;
  threadId?: string;
  threadName?: string;
  senderRoles: string[];
}

const LIMIT = 5_000;
const byMessage = new Map<string, DiscordPlace>();
const byChat = new Map<string, DiscordPlace>();

function remember(map: Map<string, DiscordPlace>, key: string, place: DiscordPlace): void {
  map.delete(key);
  map.set(key, place);
  if (map.size > LIMIT) map.delete(map.keys().next().value as string);
}

export function rememberPlace(messageId: string, place: DiscordPlace): void {
  remember(byMessage, messageId, place);
  remember(byChat, place.threadId ?? place.channelId, { ...place, senderRoles: [] });
}

/** The message's own place, else the last known place of its chat (without sender roles). */
export function placeOf(
  messageId: string,
  chatId: string,
  threadId: string | undefined,
): DiscordPlace | undefined {
  return byMessage.get(messageId) ?? byChat.get(threadId ?? chatId);
}
