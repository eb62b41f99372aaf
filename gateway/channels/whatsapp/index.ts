/**
 * WhatsApp through WhatsApp Web's multi-device protocol (Baileys): the gateway is one of the
 * phone's linked devices. Linking is a QR login; the credentials then live in the account's
 * folder (`<stateDir>/credentials/whatsapp/<accountId>/` or its `authDir`).
 */
import { promises as fs } from 'node:fs';
import type { WASocket } from 'baileys';
import type { ChannelAdapter } from '../contract.js';
import { authDirFor, groupRuleFor, validateAccount } from './account.js';
import { openAuthStore, readLinkedJid, removeAuthDir } from './auth-store.js';
import { connectAccount, liveConnections } from './connection.js';
import { identityFromJid, startQrLogin } from './qr-login.js';
import { openSocket } from './socket.js';
import { silentLogger, type Logger } from '../../infra/logger.js';
import type { Env } from '../../config/paths.js';

/** How long logout waits to reach WhatsApp to unlink the device before only deleting files. */
const LOGOUT_CONNECT_TIMEOUT_MS = 10_000;

export const whatsappAdapter: ChannelAdapter = {
  id: 'whatsapp',
  label: 'WhatsApp',
  // WhatsApp has no small hard limit; the configured textChunkLimit (4000) is what splits answers.
  textLimit: 65_536,
  defaults: { textChunkLimit: 4000, mediaMaxMb: 50 },
  validate: (account, path) => validateAccount(account, path),
  groupRule: (account, message) => groupRuleFor(account, message),
  connect: (account, context, environment) =>
    connectAccount({
      account,
      context,
      authDir: authDirFor(account, environment),
      env: environment.env,
    }),
  isLinked: async (account, environment) =>
    (await readLinkedJid(authDirFor(account, environment))) !== undefined,
  // The credentials say whether a device is linked; only a connection shows the phone still
  // accepts it, and that is the running account's own status.
  probe: async (account, environment) => {
    const jid = await readLinkedJid(authDirFor(account, environment));
    return jid
      ? { ok: true, identity: identityFromJid(jid) }
      : { ok: false, error: 'Not linked: run `openclaw channels login --channel whatsapp`.' };
  },
  startQrLogin: (account, environment, logger) =>
    startQrLogin({ authDir: authDirFor(account, environment), env: environment.env, logger }),
  logout: async (account, environment) => {
    const authDir = authDirFor(account, environment);
    const existed = await fs.stat(authDir).then(
      () => true,
      () => false,
    );
    if (await readLinkedJid(authDir)) await unlinkDevice(authDir, environment.env, silentLogger);
    await removeAuthDir(authDir);
    return { cleared: existed };
  },
};

/**
 * Tells WhatsApp to drop this linked device (it disappears from the phone's list), through the
 * running connection or a short-lived one. Unreachable WhatsApp is no reason to keep the files.
 */
async function unlinkDevice(authDir: string, env: Env, logger: Logger): Promise<void> {
  const live = liveConnections.get(authDir);
  if (live) {
    await live.logout();
    return;
  }
  const store = await openAuthStore(authDir);
  const socket: WASocket = openSocket({ store, env, logger });
  try {
    const opened = await new Promise<boolean>((resolve) => {
      const timer = setTimeout(() => resolve(false), LOGOUT_CONNECT_TIMEOUT_MS);
      socket.ev.on('connection.update', (update) => {
        if (update.connection === 'open' || update.connection === 'close') {
          clearTimeout(timer);
          resolve(update.connection === 'open');
        }
      });
    });
    if (opened) await socket.logout().catch(() => {});
  } finally {
    socket.end(undefined);
    await store.flush().catch(() => {});
  }
}
