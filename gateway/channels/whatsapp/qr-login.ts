/**
 * Linking this gateway as a WhatsApp "linked device". A socket without linked credentials gets QR
 * codes from WhatsApp (each text rotates after 60 s, then 20 s); the phone scans one, WhatsApp
 * stores the pairing and ends the stream with 515 "restart required"; a second socket with the
 * saved credentials then opens as the linked device. Running out of QR codes ends in 408.
 */
import type { WASocket } from 'baileys';
import type { Env } from '../../config/paths.js';
import type { Logger } from '../../infra/logger.js';
import { ChannelError, type QrLogin } from '../contract.js';
import { openAuthStore, readLinkedJid, removeAuthDir, type AuthStore } from './auth-store.js';
import {
  LOGGED_OUT,
  RESTART_REQUIRED,
  TIMED_OUT,
  closeReasonText,
  closeStatusCode,
  openSocket,
  phoneFromJid,
  WEB_SOCKET_URL_ENV,
} from './socket.js';

export interface QrLoginOptions {
  authDir: string;
  env: Env;
  logger: Logger;
  /** Lifetime of the first QR code (tests shorten it). */
  qrTimeoutMs?: number;
}

export function identityFromJid(jid: string): string {
  return phoneFromJid(jid) ?? jid;
}

export async function startQrLogin(options: QrLoginOptions): Promise<QrLogin> {
  const { authDir, logger } = options;
  const listeners = new Set<(qr: string) => void>();
  let currentQr: string | undefined;
  let settled = false;
  let socket: WASocket | undefined;
  let store: AuthStore | undefined;
  let resolveLinked!: (value: { identity: string }) => void;
  let rejectLinked!: (error: ChannelError) => void;
  const linked = new Promise<{ identity: string }>((resolve, reject) => {
    resolveLinked = resolve;
    rejectLinked = reject;
  });
  // The caller may await `linked` late (after cancel); that must not count as unhandled.
  linked.catch(() => {});

  const closeSocket = () => {
    const current = socket;
    socket = undefined;
    current?.ev.removeAllListeners('connection.update');
    current?.end(undefined);
  };
  const finish = async (outcome: { identity: string } | ChannelError) => {
    if (settled) return;
    settled = true;
    closeSocket();
    await store?.flush().catch(() => {});
    if (outcome instanceof ChannelError) rejectLinked(outcome);
    else resolveLinked(outcome);
  };

  const already = await readLinkedJid(authDir);
  if (already) {
    // Nothing to scan: the core starts the account with the credentials it has.
    await finish({ identity: identityFromJid(already) });
    return { onQr: (listener) => void listeners.add(listener), linked, cancel: async () => {} };
  }
  // Leftovers of an earlier attempt that never linked: start from fresh keys.
  await removeAuthDir(authDir);

  let restarted = false;
  const connect = async () => {
    store = await openAuthStore(authDir);
    if (settled) return; // cancelled while the 515 reconnect was on its way
    const current = openSocket({
      store,
      env: options.env,
      logger,
      ...(options.qrTimeoutMs ? { qrTimeoutMs: options.qrTimeoutMs } : {}),
    });
    socket = current;
    current.ev.on('connection.update', (update) => {
      if (settled || socket !== current) return;
      if (update.qr) {
        currentQr = update.qr;
        for (const listener of listeners) notify(listener, update.qr);
      }
      if (update.connection === 'open') {
        const jid = store?.state.creds.me?.id;
        void finish(
          jid
            ? { identity: identityFromJid(jid) }
            : new ChannelError(
                'WhatsApp opened a session without linking this device.',
                'transient',
              ),
        );
        return;
      }
      if (update.connection !== 'close') return;
      const code = closeStatusCode(update.lastDisconnect?.error);
      if (code === RESTART_REQUIRED && !restarted && store?.state.creds.me?.id) {
        // The scan went through; WhatsApp wants a fresh connection as the linked device.
        restarted = true;
        logger.info('whatsapp: paired, reconnecting as the linked device');
        socket = undefined;
        void store
          .flush()
          .then(connect)
          .catch((err: unknown) =>
            finish(
              new ChannelError('Could not reconnect after linking WhatsApp', 'transient', {
                cause: err,
              }),
            ),
          );
        return;
      }
      // After the 515 no QR is on screen any more: a timeout then is the network's.
      void finish(
        loginError(
          code,
          currentQr !== undefined && !restarted,
          options.env[WEB_SOCKET_URL_ENV]?.trim(),
        ),
      ).then(async () => {
        if (code === LOGGED_OUT) await removeAuthDir(authDir);
      });
    });
  };
  await connect();

  return {
    onQr(listener) {
      listeners.add(listener);
      // A QR that arrived before the listener did still needs showing.
      if (currentQr !== undefined && !settled) notify(listener, currentQr);
    },
    linked,
    cancel: () => finish(new ChannelError('The WhatsApp login was cancelled', 'transient')),
  };
}

/** A failing listener (a renderer) must not break Baileys' event loop or the other listeners. */
function notify(listener: (qr: string) => void, qr: string): void {
  try {
    listener(qr);
  } catch {
    // the listener's own problem; the login goes on
  }
}

function loginError(
  code: number | undefined,
  sawQr: boolean,
  customUrl: string | undefined,
): ChannelError {
  // Baileys reports a connection that failed before any QR (refused, no DNS, no answer) as 408.
  const where = customUrl
    ? `${customUrl} (${WEB_SOCKET_URL_ENV})`
    : 'WhatsApp Web (web.whatsapp.com)';
  if (code === TIMED_OUT)
    return sawQr
      ? new ChannelError('The QR code expired before it was scanned.', 'transient')
      : new ChannelError(
          `Could not reach ${where} before a QR code came (connection refused, no DNS or no answer); check the network or proxy settings.`,
          'transient',
        );
  if (code === LOGGED_OUT)
    return new ChannelError('WhatsApp refused to link this device (logged out).', 'fatal');
  return new ChannelError(`The WhatsApp login ended: ${closeReasonText(code)}.`, 'transient');
}
