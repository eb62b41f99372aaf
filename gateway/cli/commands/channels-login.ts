/**
 * `openclaw channels login|logout|qr-preview`. Login links WhatsApp through the running gateway
 * (`web.login.start`, then `web.login.wait` until the phone scanned): each QR is drawn as
 * terminal blocks and saved as a PNG next to the account's credentials, so it works in
 * `docker compose run --rm openclaw-cli channels login` and from a file when a terminal cannot
 * show it. Logout asks the gateway to forget the login, or cleans up locally when none runs.
 */
import { existsSync, promises as fs } from 'node:fs';
import path from 'node:path';
import { loadConfigSnapshot } from '../../config/config-store.js';
import type { Env, StatePaths } from '../../config/paths.js';
import type { ChannelId } from '../../channels/contract.js';
import { pngFromDataUrl, qrMatrixFromDataUrl } from '../../channels/qr/png-matrix.js';
import { qrMatrix, renderQrBlocks, writeQrPngFile } from '../../channels/qr/qr-code.js';
import { ErrorCode, OpenClawError, errorMessage } from '../../infra/errors.js';
import { createOutput, parseCommandArgs, parseDurationMs, type Output } from '../args.js';
import { REMOTE_OPTIONS } from '../remote.js';
import { conflictMessage, writeAccount } from './channels-add.js';
import { callChannels, isUnreachable, needsGateway } from './channels-gateway.js';
import {
  CHANNEL_LABELS,
  DEFAULT_ACCOUNT,
  accountBlock,
  accountIds,
  channelBlock,
  defaultAccountId,
  parseAccountId,
  parseChannel,
  usageError,
  whatsappAuthDir,
  whatsappLinked,
} from './channels-config.js';

const LOGIN_USAGE =
  'openclaw channels login [--channel whatsapp] [--account id] [--verbose] [--timeout ms]';
const LOGOUT_USAGE = 'openclaw channels logout [--channel c] [--account id]';

interface LoginStart {
  qrDataUrl?: string;
  message: string;
  sessionKey?: string;
}
interface LoginWait {
  connected: boolean;
  message: string;
  qrDataUrl?: string;
}

/** One `web.login.wait` round; the CLI asks again until the overall --timeout. */
const WAIT_ROUND_MS = 20_000;
/** A wait answer without a QR is still "pending" only when its words say so. */
const STILL_WAITING = /still waiting|pending/i;
/** Where docker-compose.yml mounts the host's OPENCLAW_CONFIG_DIR. */
const COMPOSE_STATE_DIR = '/home/node/.openclaw';

export function loginQrFile(paths: StatePaths, accountId: string): string {
  return path.join(paths.stateDir, 'credentials', 'whatsapp', accountId, 'login-qr.png');
}

async function showQr(
  out: Output,
  paths: StatePaths,
  dataUrl: string,
  file: string,
  rotated: boolean,
) {
  await writeQrPngFile(file, pngFromDataUrl(dataUrl));
  let blocks: string | undefined;
  try {
    blocks = renderQrBlocks(qrMatrixFromDataUrl(dataUrl));
  } catch (err) {
    out.print(`(cannot draw this QR in the terminal: ${errorMessage(err)}; open the PNG instead)`);
  }
  // In the compose CLI container the state dir is the host's OPENCLAW_CONFIG_DIR, mounted.
  const mounted = existsSync('/.dockerenv') && paths.stateDir === COMPOSE_STATE_DIR;
  out.print(
    [
      ...(rotated ? ['', 'The QR code changed; scan this one:'] : []),
      ...(blocks ? ['', blocks, ''] : []),
      'Scan it with WhatsApp on your phone: Settings → Linked devices → Link a device.',
      `The same QR is saved as ${file}${mounted ? ` (on the host: $OPENCLAW_CONFIG_DIR/${path.relative(paths.stateDir, file)})` : ''}.`,
    ].join('\n'),
  );
}

/**
 * Linking needs the account in the config, or the gateway would drop it at its next reload: the
 * seed's one-step `channels login` adds it (dmPolicy pairing) when it is missing.
 */
async function ensureWhatsappAccount(
  out: Output,
  env: Env,
  paths: StatePaths,
  accountId: string,
): Promise<void> {
  const snapshot = await loadConfigSnapshot(paths, env);
  if (snapshot.exists && snapshot.parsed === undefined) {
    throw new OpenClawError(
      ErrorCode.CONFIG_INVALID,
      `${paths.configPath} cannot be parsed; fix it first (openclaw config get shows what is wrong).`,
    );
  }
  const block = channelBlock(snapshot.parsed ?? {}, 'whatsapp');
  if (block && accountIds(block).includes(accountId)) return;
  try {
    await writeAccount(paths, env, snapshot.hash, {
      channel: 'whatsapp',
      accountId,
      choice: { kind: 'none' },
    });
  } catch (err) {
    throw conflictMessage(err, paths);
  }
  out.print(`Added WhatsApp account ${accountId} to ${paths.configPath} (DMs need pairing).`);
}

export async function channelsLogin(argv: string[], env: Env, paths: StatePaths): Promise<number> {
  const { values, positionals } = parseCommandArgs(
    argv,
    {
      ...REMOTE_OPTIONS,
      channel: { type: 'string' },
      account: { type: 'string' },
      verbose: { type: 'boolean' },
      force: { type: 'boolean' },
    },
    LOGIN_USAGE,
  );
  if (positionals.length > 0)
    throw usageError(`unexpected argument "${positionals[0]}"`, LOGIN_USAGE);
  const channel = parseChannel(values.channel, LOGIN_USAGE) ?? 'whatsapp';
  if (channel !== 'whatsapp') {
    throw usageError(
      `${CHANNEL_LABELS[channel]} signs in with a bot token, not a QR code: openclaw channels add --channel ${channel} --token <token>`,
      LOGIN_USAGE,
    );
  }
  const accountId = parseAccountId(values.account, LOGIN_USAGE);
  const totalMs = parseDurationMs(values.timeout, '--timeout', 180_000);
  const out = createOutput(false);
  // A local gateway reads the same file; a remote one (--url) has its own config.
  let target = accountId ?? DEFAULT_ACCOUNT;
  if (!values.url) {
    if (!accountId) {
      const snapshot = await loadConfigSnapshot(paths, env);
      target = defaultAccountId(
        channelBlock(snapshot.config as Record<string, unknown>, 'whatsapp'),
      );
    }
    await ensureWhatsappAccount(out, env, paths, target);
  }
  const file = loginQrFile(paths, target);
  const ids = accountId ? { accountId } : {};
  try {
    return await callChannels(paths, env, values, 10_000, async (session) => {
      const start = await session.request<LoginStart>(
        'web.login.start',
        { channel, ...ids, ...(values.force ? { force: true } : {}), verbose: !!values.verbose },
        { timeoutMs: 60_000 },
      );
      if (!start.qrDataUrl) {
        // Already linked is a success; anything else (no QR came) means try again.
        if (/already linked/i.test(start.message)) {
          out.print(`${start.message} (to link another phone: openclaw channels login --force)`);
          return 0;
        }
        process.stderr.write(`openclaw: ${start.message}\n`);
        return 1;
      }
      if (values.verbose) out.print(start.message);
      let current = start.qrDataUrl;
      await showQr(out, paths, current, file, false);
      const deadline = Date.now() + totalMs;
      while (Date.now() < deadline) {
        const roundMs = Math.min(WAIT_ROUND_MS, Math.max(1000, deadline - Date.now()));
        const wait = await session.request<LoginWait>(
          'web.login.wait',
          {
            channel,
            ...ids,
            ...(start.sessionKey ? { sessionKey: start.sessionKey } : {}),
            timeoutMs: roundMs,
            currentQrDataUrl: current,
          },
          { timeoutMs: roundMs + 15_000 },
        );
        if (wait.connected) {
          await fs.rm(file, { force: true });
          out.print(wait.message);
          return 0;
        }
        if (values.verbose) out.print(`… ${wait.message}`);
        if (wait.qrDataUrl && wait.qrDataUrl !== current) {
          current = wait.qrDataUrl;
          await showQr(out, paths, current, file, true);
        } else if (!wait.qrDataUrl && !STILL_WAITING.test(wait.message)) {
          await fs.rm(file, { force: true });
          process.stderr.write(
            `openclaw: ${wait.message}\nStart again with: openclaw channels login --channel whatsapp${accountId ? ` --account ${accountId}` : ''}\n`,
          );
          return 1;
        }
      }
      await fs.rm(file, { force: true });
      process.stderr.write(
        `openclaw: no scan within ${Math.round(totalMs / 1000)} s; run openclaw channels login again for a fresh QR code\n`,
      );
      return 1;
    });
  } catch (err) {
    if (isUnreachable(err)) throw needsGateway('channels login', err);
    throw err;
  }
}

function inferLogoutChannel(config: Record<string, unknown>): ChannelId {
  // Only WhatsApp keeps a login besides its config; it is the one logout is for.
  if (channelBlock(config, 'whatsapp')) return 'whatsapp';
  throw usageError('no WhatsApp account is configured; pass --channel', LOGOUT_USAGE);
}

export async function channelsLogout(argv: string[], env: Env, paths: StatePaths): Promise<number> {
  const { values, positionals } = parseCommandArgs(
    argv,
    { ...REMOTE_OPTIONS, channel: { type: 'string' }, account: { type: 'string' } },
    LOGOUT_USAGE,
  );
  if (positionals.length > 0)
    throw usageError(`unexpected argument "${positionals[0]}"`, LOGOUT_USAGE);
  const out = createOutput(values.json === true);
  const snapshot = await loadConfigSnapshot(paths, env);
  const config = snapshot.config as Record<string, unknown>;
  const channel = parseChannel(values.channel, LOGOUT_USAGE) ?? inferLogoutChannel(config);
  const accountId = parseAccountId(values.account, LOGOUT_USAGE);
  const label = `${CHANNEL_LABELS[channel]} account ${accountId ?? DEFAULT_ACCOUNT}`;
  try {
    const result = await callChannels(paths, env, values, 10_000, (session) =>
      session.request<{ accountId: string; cleared: boolean }>(
        'channels.logout',
        { channel, ...(accountId ? { accountId } : {}) },
        { timeoutMs: 30_000 },
      ),
    );
    out.result({ ok: true, channel, ...result, source: 'gateway' }, () =>
      result.cleared
        ? `Logged out ${CHANNEL_LABELS[channel]} account ${result.accountId}: its login is forgotten and it is stopped.`
        : `${CHANNEL_LABELS[channel]} account ${result.accountId} had no login to forget (stopped if it ran).`,
    );
    return 0;
  } catch (err) {
    if (!isUnreachable(err) || values.url) throw err;
  }
  // No gateway: nothing can be using the credentials, so clear them here.
  if (channel !== 'whatsapp') {
    out.result(
      { ok: true, channel, cleared: false, source: 'local' },
      () =>
        `${label} keeps no login besides its token in the config; to stop using it: openclaw channels remove --channel ${channel}`,
    );
    return 0;
  }
  const block = channelBlock(config, 'whatsapp');
  const id = accountId ?? defaultAccountId(block);
  const authDir = whatsappAuthDir(paths, id, block ? accountBlock(block, id) : undefined);
  const had = existsSync(path.join(authDir, 'creds.json'));
  const linked = whatsappLinked(authDir);
  // Only a folder holding WhatsApp credentials is removed, never an arbitrary --auth-dir.
  if (had) await fs.rm(authDir, { recursive: true, force: true });
  out.result({ ok: true, channel, accountId: id, cleared: had, source: 'local', authDir }, () =>
    had
      ? `Gateway not running: removed the WhatsApp credentials in ${authDir}${linked ? ' (also remove the device under Linked devices on your phone)' : ''}.`
      : `Gateway not running and no WhatsApp credentials in ${authDir}: nothing to forget.`,
  );
  return 0;
}

/** Draws a QR code without a gateway: proves a terminal (or the image, as `node`) renders one. */
export async function channelsQrPreview(argv: string[]): Promise<number> {
  const usage = 'openclaw channels qr-preview <text> [--dark-blocks]';
  const { values, positionals } = parseCommandArgs(
    argv,
    { 'dark-blocks': { type: 'boolean' } },
    usage,
  );
  const text = positionals.join(' ');
  if (text.trim() === '') throw usageError('qr-preview needs the text to encode', usage);
  const matrix = qrMatrix(text);
  process.stdout.write(
    `${renderQrBlocks(matrix, { blocks: values['dark-blocks'] ? 'dark' : 'light' })}\nQR preview: ${matrix.length}x${matrix.length} modules, ${text.length} characters\n`,
  );
  return 0;
}
