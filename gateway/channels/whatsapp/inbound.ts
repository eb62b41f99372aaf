/**
 * A Baileys message → the core's `InboundMessage`. Status updates, broadcasts, newsletters and
 * our own messages are not conversations with the agent and are dropped here. Senders are E.164
 * (`+15551234567`) as `allowFrom` lists them; a sender WhatsApp only names by its privacy id
 * (`…@lid`) with no known phone number keeps that JID, so it can still pair and be allowlisted.
 */
import {
  areJidsSameUser,
  downloadMediaMessage,
  getContentType,
  isJidBroadcast,
  isJidGroup,
  isJidNewsletter,
  isJidStatusBroadcast,
  isLidUser,
  isPnUser,
  jidDecode,
  normalizeMessageContent,
  type WAMessage,
  type WASocket,
  type proto,
} from 'baileys';
import type { Logger } from '../../infra/logger.js';
import type { InboundMedia, InboundMessage } from '../contract.js';
import { baileysLogger } from './baileys-logger.js';
import { phoneFromJid } from './socket.js';

type MediaKind = 'imageMessage' | 'videoMessage' | 'audioMessage' | 'documentMessage';
const MEDIA_KINDS: readonly MediaKind[] = [
  'imageMessage',
  'videoMessage',
  'audioMessage',
  'documentMessage',
];
const MEDIA_WORD: Record<MediaKind, string> = {
  imageMessage: 'image',
  videoMessage: 'video',
  audioMessage: 'audio',
  documentMessage: 'document',
};

export interface InboundContext {
  accountId: string;
  socket: WASocket;
  mediaMaxBytes: number;
  logger: Logger;
}

/** The bot's own JIDs (phone and privacy id), for mentions and quoted replies. */
function selfJids(socket: WASocket): string[] {
  return [socket.user?.id, socket.user?.lid].filter((j): j is string => typeof j === 'string');
}

async function senderIdOf(socket: WASocket, jid: string, alt: string | undefined): Promise<string> {
  for (const candidate of [jid, alt]) {
    const phone = isPnUser(candidate) ? phoneFromJid(candidate) : undefined;
    if (phone) return phone;
  }
  if (isLidUser(jid)) {
    const known = await socket.signalRepository.lidMapping.getPNForLID(jid).catch(() => null);
    const phone = known ? phoneFromJid(known) : undefined;
    if (phone) return phone;
  }
  return jid;
}

function textOf(content: proto.IMessage): string {
  const candidates = [
    content.conversation,
    content.extendedTextMessage?.text,
    content.imageMessage?.caption,
    content.videoMessage?.caption,
    content.documentMessage?.caption,
    content.documentWithCaptionMessage?.message?.documentMessage?.caption,
  ];
  return candidates.find((t): t is string => typeof t === 'string' && t.length > 0) ?? '';
}

function contextInfoOf(content: proto.IMessage): proto.IContextInfo | undefined {
  const type = getContentType(content);
  if (!type) return undefined;
  const inner = content[type] as { contextInfo?: proto.IContextInfo | null } | null | undefined;
  return (typeof inner === 'object' && inner?.contextInfo) || undefined;
}

/**
 * An @mention of the bot (WhatsApp lists it in `mentionedJid` and writes `@<number>` into the
 * text; a client that only does the latter still counts) or a reply quoting one of its messages.
 */
export function mentionsSelf(content: proto.IMessage, text: string, self: string[]): boolean {
  const isSelf = (jid: string | null | undefined) =>
    !!jid && self.some((own) => areJidsSameUser(own, jid));
  const info = contextInfoOf(content);
  if ((info?.mentionedJid ?? []).some(isSelf)) return true;
  if (info?.quotedMessage && isSelf(info.participant)) return true;
  return self.some((own) => {
    const user = jidDecode(own)?.user;
    return !!user && new RegExp(`(^|\\W)@${user}(\\b|$)`).test(text);
  });
}

async function downloadCapped(
  message: WAMessage,
  socket: WASocket,
  maxBytes: number,
  logger: Logger,
): Promise<Buffer | 'too-large'> {
  const stream = await downloadMediaMessage(
    message,
    'stream',
    {},
    { logger: baileysLogger(logger), reuploadRequest: (m) => socket.updateMediaMessage(m) },
  );
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > maxBytes) {
      stream.destroy();
      return 'too-large';
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

async function mediaOf(
  message: WAMessage,
  content: proto.IMessage,
  context: InboundContext,
): Promise<{ media: InboundMedia[]; skipped: string[] }> {
  const media: InboundMedia[] = [];
  const skipped: string[] = [];
  const document = content.documentWithCaptionMessage?.message?.documentMessage;
  for (const kind of MEDIA_KINDS) {
    const part = kind === 'documentMessage' ? (content.documentMessage ?? document) : content[kind];
    if (!part) continue;
    const word = MEDIA_WORD[kind];
    const mimeType = part.mimetype?.split(';')[0]?.trim() || 'application/octet-stream';
    const declared = Number(part.fileLength ?? 0);
    const name = 'fileName' in part && part.fileName ? part.fileName : undefined;
    const label = name ? `${word} "${name}"` : word;
    const limitMb = (context.mediaMaxBytes / 1024 / 1024).toFixed(0);
    if (declared > context.mediaMaxBytes) {
      skipped.push(
        `${label} (${(declared / 1024 / 1024).toFixed(1)} MB, over the ${limitMb} MB limit)`,
      );
      continue;
    }
    try {
      const data = await downloadCapped(
        message,
        context.socket,
        context.mediaMaxBytes,
        context.logger,
      );
      if (data === 'too-large') skipped.push(`${label} (over the ${limitMb} MB limit)`);
      else media.push({ data, mimeType, ...(name ? { fileName: name } : {}) });
    } catch (err) {
      context.logger.warn('whatsapp: could not download media', {
        kind: word,
        err: err instanceof Error ? err.message : String(err),
      });
      skipped.push(`${label} (download failed)`);
    }
  }
  return { media, skipped };
}

/** Undefined when the message is not for the agent (own, status, broadcast, empty, …). */
export async function toInboundMessage(
  message: WAMessage,
  context: InboundContext,
): Promise<InboundMessage | undefined> {
  const { key } = message;
  const chatJid = key.remoteJid;
  if (!chatJid || key.fromMe || !message.message) return undefined;
  if (isJidStatusBroadcast(chatJid) || isJidBroadcast(chatJid) || isJidNewsletter(chatJid))
    return undefined;
  const group = isJidGroup(chatJid) === true;
  if (!group && !isPnUser(chatJid) && !isLidUser(chatJid)) return undefined;
  const content = normalizeMessageContent(message.message);
  if (!content) return undefined;

  const text = textOf(content);
  const { media, skipped } = await mediaOf(message, content, context);
  if (!text && media.length === 0 && skipped.length === 0) return undefined; // reactions, receipts …

  const senderJid = group ? key.participant : chatJid;
  if (!senderJid) return undefined;
  const senderAlt = (group ? key.participantAlt : key.remoteJidAlt) ?? undefined;
  const senderId = await senderIdOf(context.socket, senderJid, senderAlt);

  const mentioned = mentionsSelf(content, text, selfJids(context.socket));

  return {
    channel: 'whatsapp',
    accountId: context.accountId,
    chatId: chatJid,
    chatType: group ? 'group' : 'direct',
    senderId,
    senderLabel: message.pushName?.trim() || senderId,
    messageId: key.id ?? '',
    text,
    mentioned,
    media,
    ...(skipped.length > 0 ? { mediaSkipped: skipped } : {}),
  };
}
