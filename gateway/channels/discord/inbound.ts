/**
 * A discord.js `Message` as the core's `InboundMessage`. DMs are direct chats keyed by the DM
 * channel; guild messages are group chats keyed by the channel, and a thread keeps its parent
 * as the chat with the thread in `threadId` (replies go into the thread). The bot's own messages
 * and, unless `allowBots`, other bots' are dropped here.
 */
import { ChannelType, type Message } from 'discord.js';
import type { InboundMessage } from '../contract.js';
import { downloadAttachments } from './attachments.js';
import { isBotMentioned, stripBotMentions } from './mentions.js';
import { rememberPlace } from './places.js';

export interface InboundOptions {
  accountId: string;
  botId: string;
  allowBots: boolean;
  /** The guild's `ignoreOtherMentions`: drop messages addressed to someone else. */
  ignoreOtherMentions(guildId: string, guildName: string): boolean;
  mediaMaxBytes: number;
  signal: AbortSignal;
}

function botRoleIds(message: Message, botId: string): string[] {
  const guild = message.guild;
  if (!guild) return [];
  const roles = new Set<string>();
  for (const role of guild.members.me?.roles.cache.values() ?? []) roles.add(role.id);
  const managed = guild.roles.botRoleFor(botId);
  if (managed) roles.add(managed.id);
  roles.delete(guild.id); // @everyone
  return [...roles];
}

/** An explicit user or role mention (not @everyone/@here), or a reply to another bot. */
function addressesSomeoneElse(message: Message, botId: string): boolean {
  const replied = message.mentions.repliedUser;
  return (
    [...message.mentions.users.keys()].some((id) => id !== botId) ||
    message.mentions.roles.size > 0 ||
    (replied !== null && replied.bot && replied.id !== botId)
  );
}

export async function toInbound(
  message: Message,
  options: InboundOptions,
): Promise<InboundMessage | undefined> {
  const { author } = message;
  if (author.id === options.botId) return undefined;
  if ((author.bot || message.webhookId) && !options.allowBots) return undefined;
  if (message.system) return undefined;
  const channel = message.channel;
  // Group DMs are off, as upstream's default (`dm.groupEnabled: false`).
  if (channel.type === ChannelType.GroupDM) return undefined;

  const roles = botRoleIds(message, options.botId);
  const mentioned = isBotMentioned({
    botId: options.botId,
    mentionedUserIds: [...message.mentions.users.keys()],
    mentionedRoleIds: [...message.mentions.roles.keys()],
    botRoleIds: roles,
    repliedToUserId: message.mentions.repliedUser?.id,
  });
  if (
    !mentioned &&
    message.guild &&
    addressesSomeoneElse(message, options.botId) &&
    options.ignoreOtherMentions(message.guild.id, message.guild.name)
  ) {
    return undefined;
  }
  const text = stripBotMentions(message.content, options.botId, roles);
  const attachments = [...message.attachments.values()].map((attachment) => ({
    url: attachment.url,
    name: attachment.name,
    size: attachment.size,
    contentType: attachment.contentType,
  }));
  if (text === '' && attachments.length === 0) return undefined;

  const guild = message.guild;
  const thread = channel.isThread() ? channel : undefined;
  const chatId = thread?.parentId ?? channel.id;
  let chatLabel: string | undefined;
  if (guild) {
    const parentName = thread ? thread.parent?.name : 'name' in channel ? channel.name : undefined;
    chatLabel = `${guild.name} #${parentName ?? chatId}${thread ? ` › ${thread.name}` : ''}`;
    rememberPlace(message.id, {
      guildId: guild.id,
      guildName: guild.name,
      channelId: chatId,
      channelName: parentName ?? undefined,
      threadId: thread?.id,
      threadName: thread?.name,
      senderRoles: [...(message.member?.roles.cache.keys() ?? [])],
    });
  }

  const { media, skipped } = await downloadAttachments(
    attachments,
    options.mediaMaxBytes,
    options.signal,
  );
  return {
    channel: 'discord',
    accountId: options.accountId,
    chatId,
    chatType: guild ? 'group' : 'direct',
    ...(thread ? { threadId: thread.id } : {}),
    senderId: author.id,
    senderLabel: message.member?.displayName ?? author.globalName ?? author.username,
    messageId: message.id,
    text,
    mentioned,
    media,
    ...(skipped.length > 0 ? { mediaSkipped: skipped } : {}),
    ...(chatLabel ? { chatLabel } : {}),
  };
}
