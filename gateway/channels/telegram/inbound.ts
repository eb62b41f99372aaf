/**
 * A Telegram `message` as the core sees it: who, where (chat, forum topic), whether the bot was
 * addressed, the text or caption, and which files to fetch. Messages from bots (the bot itself
 * included) are not for the agent.
 */
import type { Message, MessageEntity, UserFromGetMe } from 'grammy/types';
import type { InboundMessage } from '../contract.js';

/** A file attached to the message, not downloaded yet. */
export interface MediaRef {
  kind: 'photo' | 'document' | 'voice' | 'audio' | 'video';
  fileId: string;
  /** Telegram's size when it states one; checked against the cap before any download. */
  fileSize?: number;
  mimeType: string;
  fileName?: string;
}

/** General, the topic every forum has; sends there leave `message_thread_id` out. */
export const GENERAL_TOPIC_ID = '1';

export function mediaRefs(message: Message): MediaRef[] {
  const refs: MediaRef[] = [];
  if (message.photo && message.photo.length > 0) {
    // Telegram lists the sizes smallest first; the largest is the one worth reading.
    const largest = [...message.photo].sort(
      (a, b) => a.width * a.height - b.width * b.height || (a.file_size ?? 0) - (b.file_size ?? 0),
    )[message.photo.length - 1];
    if (largest)
      refs.push({
        kind: 'photo',
        fileId: largest.file_id,
        fileSize: largest.file_size,
        mimeType: 'image/jpeg',
      });
  }
  const { document, voice, audio, video } = message;
  if (document)
    refs.push({
      kind: 'document',
      fileId: document.file_id,
      fileSize: document.file_size,
      mimeType: document.mime_type ?? 'application/octet-stream',
      fileName: document.file_name,
    });
  if (voice)
    refs.push({
      kind: 'voice',
      fileId: voice.file_id,
      fileSize: voice.file_size,
      mimeType: voice.mime_type ?? 'audio/ogg',
    });
  if (audio)
    refs.push({
      kind: 'audio',
      fileId: audio.file_id,
      fileSize: audio.file_size,
      mimeType: audio.mime_type ?? 'audio/mpeg',
      fileName: audio.file_name,
    });
  if (video)
    refs.push({
      kind: 'video',
      fileId: video.file_id,
      fileSize: video.file_size,
      mimeType: video.mime_type ?? 'video/mp4',
      fileName: video.file_name,
    });
  return refs;
}

/** Whether a message is one the agent should see at all. */
export function isForAgent(message: Message, me: UserFromGetMe): boolean {
  if (!message.from || message.from.is_bot || message.from.id === me.id) return false;
  if (message.chat.type === 'channel') return false;
  return (
    typeof message.text === 'string' ||
    typeof message.caption === 'string' ||
    mediaRefs(message).length > 0
  );
}

function entityText(text: string, entity: MessageEntity): string {
  return text.slice(entity.offset, entity.offset + entity.length);
}

/**
 * Addressed to the bot: `@botname`, a text mention of the bot, `/command@botname`, or a reply to
 * one of the bot's messages (a forum's topic-creation message is every topic message's parent,
 * so it does not count).
 */
export function mentionsBot(message: Message, me: UserFromGetMe): boolean {
  const handle = `@${me.username}`.toLowerCase();
  const text = message.text ?? message.caption ?? '';
  const entities = message.entities ?? message.caption_entities ?? [];
  for (const entity of entities) {
    if (entity.type === 'mention' && entityText(text, entity).toLowerCase() === handle) return true;
    if (entity.type === 'text_mention' && entity.user.id === me.id) return true;
    if (entity.type === 'bot_command' && entityText(text, entity).toLowerCase().endsWith(handle))
      return true;
  }
  const parent = message.reply_to_message;
  return parent?.from?.id === me.id && parent.forum_topic_created === undefined;
}

export function threadIdOf(message: Message): string | undefined {
  if (message.is_topic_message && message.message_thread_id !== undefined)
    return String(message.message_thread_id);
  // A forum's General topic carries no thread id, but typing there still needs one.
  if (message.chat.type === 'supergroup' && message.chat.is_forum) return GENERAL_TOPIC_ID;
  return undefined;
}

function senderLabel(message: Message): string {
  const from = message.from;
  if (!from) return 'unknown';
  if (from.username) return `@${from.username}`;
  return [from.first_name, from.last_name].filter(Boolean).join(' ') || String(from.id);
}

/** The message without its media (filled in by the caller after downloading). */
export function toInbound(message: Message, me: UserFromGetMe, accountId: string): InboundMessage {
  const direct = message.chat.type === 'private';
  const inbound: InboundMessage = {
    channel: 'telegram',
    accountId,
    chatId: String(message.chat.id),
    chatType: direct ? 'direct' : 'group',
    senderId: String(message.from?.id ?? ''),
    senderLabel: senderLabel(message),
    messageId: String(message.message_id),
    text: message.text ?? message.caption ?? '',
    mentioned: mentionsBot(message, me),
    media: [],
  };
  const threadId = direct ? undefined : threadIdOf(message);
  if (threadId) inbound.threadId = threadId;
  if (!direct && 'title' in message.chat && message.chat.title)
    inbound.chatLabel = message.chat.title;
  return inbound;
}
