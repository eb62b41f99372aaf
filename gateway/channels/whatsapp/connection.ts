/**
 * A linked account connected: Baileys' `messages.upsert` (type `notify`, i.e. new messages)
 * becomes `onInbound`, the core's sends become `sendMessage`/`sendPresenceUpdate`. A close the
 * core did not ask for settles `closed`: logged out (the phone removed this device) is fatal and
 * the dead credentials are removed; anything else is transient and the core reconnects.
 */
import type { AnyMessageContent, WAMessage } from 'baileys';
import type { Env } from '../../config/paths.js';
import {
  ChannelError,
  type AccountConnection,
  type AdapterContext,
  type OutboundMedia,
  type OutboundTarget,
  type ResolvedAccount,
} from '../contract.js';
import { openAuthStore, removeAuthDir } from './auth-store.js';
import { toInboundMessage } from './inbound.js';
import { identityFromJid } from './qr-login.js';
import { LOGGED_OUT, closeReasonText, closeStatusCode, openSocket } from './socket.js';

export const LOGGED_OUT_MESSAGE =
  'WhatsApp logged this device out; link it again with `openclaw channels login --channel whatsapp`';
export const NOT_LINKED_MESSAGE =
  'WhatsApp is not linked yet; run `openclaw channels login --channel whatsapp` and scan the QR code with the phone';

/** Recent inbound messages, so a reply can quote the one it answers. */
const QUOTE_CACHE_SIZE = 200;

/** Running connections by credentials folder, so logout can unlink through the live one. */
export const liveConnections = new Map<string, { logout(): Promise<void> }>();

export interface ConnectOptions {
  account: ResolvedAccount;
  context: AdapterContext;
  authDir: string;
  env: Env;
}

export async function connectAccount(options: ConnectOptions): Promise<AccountConnection> {
  const { account, context, authDir } = options;
  const logger = context.logger;
  const store = await openAuthStore(authDir);
  const me = store.state.creds.me?.id;
  if (!me) throw new ChannelError(NOT_LINKED_MESSAGE, 'fatal');
  const identity = identityFromJid(me);

  const socket = openSocket({ store, env: options.env, logger });
  const recent = new Map<string, WAMessage>();
  // Upstream's `sendReadReceipts` (default on): the sender sees the blue ticks.
  const sendReadReceipts = account.raw.sendReadReceipts !== false;
  let open = false;
  let stopping = false;
  let ended = false;
  // Media downloads take a while: one queue keeps the core's view in arrival order.
  let inboundQueue = Promise.resolve();
  let settleClosed!: { resolve: () => void; reject: (error: ChannelError) => void };
  const closed = new Promise<void>((resolve, reject) => {
    settleClosed = { resolve, reject };
  });
  closed.catch(() => {});
  let settleOpened!: { resolve: () => void; reject: (error: ChannelError) => void };
  const opened = new Promise<void>((resolve, reject) => {
    settleOpened = { resolve, reject };
  });
  opened.catch(() => {});

  const onAbort = () => void stop();
  const live = {
    // A logout the user asked for ends the connection cleanly, not as "logged out by the phone".
    logout: async () => {
      stopping = true;
      await socket.logout().catch(() => socket.end(undefined));
      await closed.catch(() => {});
    },
  };
  socket.ev.on('connection.update', (update) => {
    if (update.connection === 'open') {
      open = true;
      liveConnections.set(authDir, live);
      context.onStatus({ connected: true, linked: true, identity, lastError: null });
      settleOpened.resolve();
      return;
    }
    if (update.connection !== 'close' || ended) return;
    ended = true;
    open = false;
    if (liveConnections.get(authDir) === live) liveConnections.delete(authDir);
    context.signal.removeEventListener('abort', onAbort);
    const code = closeStatusCode(update.lastDisconnect?.error);
    void store.flush().then(async () => {
      if (stopping) {
        context.onStatus({ connected: false, linked: code !== LOGGED_OUT, identity });
        settleOpened.reject(new ChannelError('The WhatsApp connection was stopped', 'transient'));
        settleClosed.resolve();
        return;
      }
      let error: ChannelError;
      if (code === LOGGED_OUT) {
        await removeAuthDir(authDir).catch(() => {});
        error = new ChannelError(LOGGED_OUT_MESSAGE, 'fatal');
        context.onStatus({ connected: false, linked: false, lastError: error.message });
      } else {
        error = new ChannelError(
          `The WhatsApp connection closed: ${closeReasonText(code)}`,
          'transient',
        );
        context.onStatus({ connected: false, linked: true, identity, lastError: error.message });
      }
      settleOpened.reject(error);
      settleClosed.reject(error);
    });
  });

  socket.ev.on('messages.upsert', ({ messages, type }) => {
    if (type !== 'notify') return;
    for (const message of messages) {
      inboundQueue = inboundQueue
        .then(() =>
          toInboundMessage(message, {
            accountId: account.accountId,
            socket,
            mediaMaxBytes: account.mediaMaxBytes,
            logger,
          }),
        )
        .then((inbound) => {
          if (!inbound) return;
          if (sendReadReceipts) void socket.readMessages([message.key]).catch(() => {});
          recent.set(`${inbound.chatId}/${inbound.messageId}`, message);
          if (recent.size > QUOTE_CACHE_SIZE) recent.delete(recent.keys().next().value as string);
          context.onInbound(inbound);
        })
        .catch((err: unknown) =>
          logger.warn('whatsapp: could not read an incoming message', {
            err: err instanceof Error ? err.message : String(err),
          }),
        );
    }
  });

  async function stop(): Promise<void> {
    if (!stopping) {
      stopping = true;
      socket.end(undefined);
    }
    await closed.catch(() => {});
  }

  if (context.signal.aborted) await stop();
  else context.signal.addEventListener('abort', onAbort, { once: true });
  await opened;

  const requireOpen = () => {
    if (!open)
      throw new ChannelError(
        'WhatsApp is not connected right now; the message was not sent',
        'transient',
      );
  };
  const quoteFor = (target: OutboundTarget) =>
    target.replyToMessageId ? recent.get(`${target.chatId}/${target.replyToMessageId}`) : undefined;
  const send = async (target: OutboundTarget, content: AnyMessageContent) => {
    requireOpen();
    const quoted = quoteFor(target);
    try {
      const sent = await socket.sendMessage(target.chatId, content, quoted ? { quoted } : {});
      return { messageId: sent?.key.id ?? '' };
    } catch (err) {
      // Baileys' Boom errors say little on their own ("Media upload failed on all hosts").
      const reason = err instanceof Error ? err.message : String(err);
      throw new ChannelError(`WhatsApp did not take the message: ${reason}`, 'transient', {
        cause: err,
      });
    }
  };

  return {
    sendText: (target, text) => send(target, { text }),
    sendMedia: async (target, media) => {
      if (media.data.length > account.mediaMaxBytes)
        throw new ChannelError(
          `${media.fileName} is ${(media.data.length / 1024 / 1024).toFixed(1)} MB, over this WhatsApp account's mediaMaxMb`,
          'transient',
        );
      return send(target, mediaContent(media));
    },
    sendTyping: async (target) => {
      requireOpen();
      await socket.sendPresenceUpdate('composing', target.chatId);
    },
    closed,
    stop,
  };
}

function mediaContent(media: OutboundMedia): AnyMessageContent {
  const caption = media.caption ? { caption: media.caption } : {};
  if (media.mimeType.startsWith('image/') && media.mimeType !== 'image/svg+xml')
    return { image: media.data, mimetype: media.mimeType, ...caption };
  if (media.mimeType.startsWith('video/'))
    return { video: media.data, mimetype: media.mimeType, ...caption };
  if (media.mimeType.startsWith('audio/')) return { audio: media.data, mimetype: media.mimeType };
  return { document: media.data, mimetype: media.mimeType, fileName: media.fileName, ...caption };
}
