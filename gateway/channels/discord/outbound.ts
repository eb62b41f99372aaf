/**
 * Sending through Discord's REST API: text, files and typing, to the thread when there is one,
 * else the channel. The first chunk quotes the message it answers. Mentions are limited to
 * users: a model's answer must never ping @everyone, @here or a role.
 */
import { Routes, type APIMessage, type RawFile, type REST } from 'discord.js';
import type { OutboundMedia, OutboundTarget } from '../contract.js';

export const DISCORD_TEXT_LIMIT = 2000;

const ALLOWED_MENTIONS = { parse: ['users'], replied_user: true };

function destination(target: OutboundTarget): string {
  return target.threadId ?? target.chatId;
}

function reference(target: OutboundTarget): Record<string, unknown> {
  return target.replyToMessageId
    ? {
        // A deleted original must not cost the answer.
        message_reference: { message_id: target.replyToMessageId, fail_if_not_exists: false },
      }
    : {};
}

function checkText(text: string, what: string): void {
  if (text.length > DISCORD_TEXT_LIMIT) {
    throw new Error(
      `Discord takes at most ${DISCORD_TEXT_LIMIT} characters per message; this ${what} has ${text.length}. Split it into chunks of ${DISCORD_TEXT_LIMIT} or fewer.`,
    );
  }
}

export async function postText(
  rest: REST,
  target: OutboundTarget,
  text: string,
): Promise<{ messageId: string }> {
  checkText(text, 'message');
  if (text.trim() === '') throw new Error('Discord does not accept an empty message.');
  const sent = (await rest.post(Routes.channelMessages(destination(target)), {
    body: { content: text, allowed_mentions: ALLOWED_MENTIONS, ...reference(target) },
  })) as APIMessage;
  return { messageId: sent.id };
}

export async function postMedia(
  rest: REST,
  target: OutboundTarget,
  media: OutboundMedia,
  maxBytes: number,
): Promise<{ messageId: string }> {
  if (media.data.length > maxBytes) {
    throw new Error(
      `${media.fileName} is ${(media.data.length / 1048576).toFixed(1)} MB, over this account's ${(maxBytes / 1048576).toFixed(1)} MB limit (channels.discord.mediaMaxMb).`,
    );
  }
  const caption = media.caption ?? '';
  checkText(caption, 'caption');
  const file: RawFile = { name: media.fileName, data: media.data, contentType: media.mimeType };
  const sent = (await rest.post(Routes.channelMessages(destination(target)), {
    body: {
      ...(caption ? { content: caption } : {}),
      attachments: [{ id: 0, filename: media.fileName }],
      allowed_mentions: ALLOWED_MENTIONS,
      ...reference(target),
    },
    files: [file],
  })) as APIMessage;
  return { messageId: sent.id };
}

export async function postTyping(rest: REST, target: OutboundTarget): Promise<void> {
  await rest.post(Routes.channelTyping(destination(target)));
}
