/**
 * One Baileys socket as both the QR login and the running account open it, plus what a close
 * means. `OPENCLAW_WHATSAPP_WEB_SOCKET_URL` points Baileys at another WhatsApp Web endpoint
 * (tests, a proxy); without it Baileys uses WhatsApp's own.
 */
import makeWASocket, { Browsers, DisconnectReason, jidDecode, type WASocket } from 'baileys';
import type { Env } from '../../config/paths.js';
import type { Logger } from '../../infra/logger.js';
import type { AuthStore } from './auth-store.js';
import { baileysLogger } from './baileys-logger.js';

export const WEB_SOCKET_URL_ENV = 'OPENCLAW_WHATSAPP_WEB_SOCKET_URL';

export interface SocketOptions {
  store: AuthStore;
  env: Env;
  logger: Logger;
  /** How long the first QR code lives (Baileys: 60 s, the following ones 20 s). */
  qrTimeoutMs?: number;
}

export function openSocket(options: SocketOptions): WASocket {
  const url = options.env[WEB_SOCKET_URL_ENV]?.trim();
  const socket = makeWASocket({
    auth: options.store.state,
    ...(url ? { waWebSocketUrl: url } : {}),
    logger: baileysLogger(options.logger),
    browser: Browsers.ubuntu('OpenClaw'),
    // The phone keeps its notifications while the gateway is connected.
    markOnlineOnConnect: false,
    // The agent answers new messages; old chats are not replayed into it.
    syncFullHistory: false,
    shouldSyncHistoryMessage: () => false,
    ...(options.qrTimeoutMs ? { qrTimeout: options.qrTimeoutMs } : {}),
  });
  socket.ev.on('creds.update', () => {
    options.store.saveCreds().catch((err: unknown) => {
      options.logger.warn('whatsapp: could not save the credentials', {
        err: err instanceof Error ? err.message : String(err),
      });
    });
  });
  return socket;
}

/** The status code of a `connection.update` close (a Boom error from Baileys). */
export function closeStatusCode(error: unknown): number | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const output = (error as { output?: { statusCode?: unknown } }).output;
  return typeof output?.statusCode === 'number' ? output.statusCode : undefined;
}

export function closeReasonText(code: number | undefined): string {
  if (code === undefined) return 'the connection closed';
  const name = (DisconnectReason as unknown as Record<number, string>)[code];
  return name ? `${name} (${code})` : `code ${code}`;
}

export const LOGGED_OUT = DisconnectReason.loggedOut;
export const RESTART_REQUIRED = DisconnectReason.restartRequired;
export const TIMED_OUT = DisconnectReason.timedOut;

/** `+15551234567` from `15551234567:7@s.whatsapp.net`; undefined for LIDs and groups. */
export function phoneFromJid(jid: string | undefined | null): string | undefined {
  const decoded = jid ? jidDecode(jid) : undefined;
  if (!decoded || decoded.server !== 's.whatsapp.net' || !/^\d+$/.test(decoded.user))
    return undefined;
  return `+${decoded.user}`;
}
