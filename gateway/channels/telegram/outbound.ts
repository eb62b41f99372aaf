/**
 * Sending: plain text (no parse_mode, so the agent's Markdown or stray `<` never fails a send),
 * media as photo or document, and the typing indicator, each on the message's chat and topic.
 */
import { InputFile, type Api } from 'grammy';
import type { OutboundMedia, OutboundTarget } from '../contract.js';
import { grammySignal } from './bot-fetch.js';
import { GENERAL_TOPIC_ID } from './inbound.js';

/** Telegram's hard limits (UTF-16 code units, which JavaScript's `length` counts). */
export const TELEGRAM_TEXT_LIMIT = 4096;
export const TELEGRAM_CAPTION_LIMIT = 1024;
/** sendPhoto refuses larger images; they go as documents. */
const PHOTO_MAX_BYTES = 10 * 1024 * 1024;
const PHOTO_TYPES = new Set(['image/jpeg', 'image/png', 'image/webp']);

/** Telegram takes numeric chat ids as numbers; `@channelname` stays a string. */
function chatIdOf(target: OutboundTarget): number | string {
  return /^-?\d+$/.test(target.chatId) ? Number(target.chatId) : target.chatId;
}

/** Sends into a forum topic; General takes no thread id on sends. */
function threadOf(target: OutboundTarget): { message_thread_id?: number } {
  if (!target.threadId || target.threadId === GENERAL_TOPIC_ID) return {};
  return { message_thread_id: Number(target.threadId) };
}

function replyOf(target: OutboundTarget) {
  if (!target.replyToMessageId) return {};
  // The quoted message may be gone by the time the answer is ready; send anyway.
  return {
    reply_parameters: {
      message_id: Number(target.replyToMessageId),
      allow_sending_without_reply: true,
    },
  };
}

export async function sendText(
  api: Api,
  target: OutboundTarget,
  text: string,
  signal: AbortSignal,
): Promise<{ messageId: string }> {
  const sent = await api.sendMessage(
    chatIdOf(target),
    text,
    { ...threadOf(target), ...replyOf(target) },
    grammySignal(signal),
  );
  return { messageId: String(sent.message_id) };
}

export async function sendMedia(
  api: Api,
  target: OutboundTarget,
  media: OutboundMedia,
  signal: AbortSignal,
): Promise<{ messageId: string }> {
  const caption = media.caption ?? '';
  const fitsCaption = caption.length <= TELEGRAM_CAPTION_LIMIT;
  const options = {
    ...threadOf(target),
    ...replyOf(target),
    ...(caption && fitsCaption ? { caption } : {}),
  };
  const file = new InputFile(media.data, media.fileName);
  const asPhoto =
    PHOTO_TYPES.has(media.mimeType.toLowerCase()) && media.data.length <= PHOTO_MAX_BYTES;
  const sent = asPhoto
    ? await api.sendPhoto(chatIdOf(target), file, options, grammySignal(signal))
    : await api.sendDocument(chatIdOf(target), file, options, grammySignal(signal));
  if (caption && !fitsCaption) {
    // Too long for a caption: the words follow as text messages under the file.
    for (let start = 0; start < caption.length; start += TELEGRAM_TEXT_LIMIT)
      await sendText(
        api,
        { ...target, replyToMessageId: undefined },
        caption.slice(start, start + TELEGRAM_TEXT_LIMIT),
        signal,
      );
  }
  return { messageId: String(sent.message_id) };
}

export async function sendTyping(
  api: Api,
  target: OutboundTarget,
  signal: AbortSignal,
): Promise<void> {
  // Unlike sends, the typing action in a forum's General topic needs its thread id.
  const thread = target.threadId ? { message_thread_id: Number(target.threadId) } : {};
  await api.sendChatAction(chatIdOf(target), 'typing', thread, grammySignal(signal));
}
