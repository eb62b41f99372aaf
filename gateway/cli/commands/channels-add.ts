/**
 * `openclaw channels add` (and the account write `channels login` shares): edits of
 * `channels.<channel>` in `openclaw.json` through the config store (guarded by the hash of the
 * file read first), so a running gateway applies them on its next reload. Tokens are written where upstream keeps them (Telegram
 * `botToken` / `tokenFile`, Discord `token`, a file SecretRef for `--token-file`) and never printed.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { loadConfigSnapshot, updateConfigDocument } from '../../config/config-store.js';
import { isPlainObject } from '../../config/json-value.js';
import type { Env, StatePaths } from '../../config/paths.js';
import type { ChannelId } from '../../channels/contract.js';
import { ErrorCode, OpenClawError, isOpenClawError } from '../../infra/errors.js';
import { createOutput, parseCommandArgs } from '../args.js';
import {
  CHANNEL_LABELS,
  DEFAULT_ACCOUNT,
  TOKEN_ENV,
  accountIds,
  accountsMap,
  channelBlock,
  parseAccountId,
  parseChannel,
  usageError,
  whatsappAuthDir,
} from './channels-config.js';
import { terminalIo, type PromptIo } from './channels-prompt.js';

export const ADD_USAGE = `openclaw channels add --channel telegram|discord|whatsapp [--account id] [--name n]
  Telegram / Discord: --token <token> | --token-file <path> | --use-env (TELEGRAM_BOT_TOKEN / DISCORD_BOT_TOKEN)
  WhatsApp: [--auth-dir <dir>], then: openclaw channels login --channel whatsapp`;

/** Keys that belong to one account; they move into `accounts.default` when a second one arrives. */
const ACCOUNT_KEYS = ['botToken', 'tokenFile', 'token', 'name', 'authDir'] as const;

export type TokenChoice =
  | { kind: 'value'; token: string }
  | { kind: 'file'; file: string }
  | { kind: 'env'; variable: string }
  | { kind: 'none' };

function checkTokenShape(channel: ChannelId, token: string): void {
  if (channel === 'telegram' && !/^\d+:[A-Za-z0-9_-]+$/.test(token)) {
    throw new OpenClawError(
      ErrorCode.INVALID_ARGUMENT,
      'that does not look like a Telegram bot token (digits, a colon, then letters: the token @BotFather gave you). Nothing was changed.',
      { exitCode: 2 },
    );
  }
  if (channel === 'discord' && !/^[A-Za-z0-9._-]{20,}$/.test(token)) {
    throw new OpenClawError(
      ErrorCode.INVALID_ARGUMENT,
      'that does not look like a Discord bot token (copy it from the Developer Portal: your app → Bot → Reset Token). Nothing was changed.',
      { exitCode: 2 },
    );
  }
}

async function checkTokenFile(raw: string): Promise<string> {
  const file = path.resolve(raw);
  let stat;
  try {
    stat = await fs.lstat(file);
  } catch {
    throw new OpenClawError(
      ErrorCode.INVALID_ARGUMENT,
      `--token-file ${file} does not exist; write the token into that file first.`,
      { exitCode: 2 },
    );
  }
  if (stat.isSymbolicLink() || !stat.isFile()) {
    throw new OpenClawError(
      ErrorCode.INVALID_ARGUMENT,
      `--token-file ${file} must be a regular file (not a symlink or folder).`,
      { exitCode: 2 },
    );
  }
  if ((await fs.readFile(file, 'utf8')).trim() === '') {
    throw new OpenClawError(ErrorCode.INVALID_ARGUMENT, `--token-file ${file} is empty.`, {
      exitCode: 2,
    });
  }
  return file;
}

async function chooseToken(
  channel: ChannelId,
  accountId: string,
  values: { token?: string; 'token-file'?: string; 'use-env'?: boolean },
  env: Env,
  io: PromptIo,
): Promise<TokenChoice> {
  const given = [
    values.token !== undefined,
    values['token-file'] !== undefined,
    !!values['use-env'],
  ];
  if (given.filter(Boolean).length > 1)
    throw usageError('use only one of --token, --token-file and --use-env', ADD_USAGE);
  if (channel === 'whatsapp') {
    if (given.some(Boolean)) {
      throw usageError(
        'WhatsApp has no token: add it, then link it with `openclaw channels login --channel whatsapp`',
        ADD_USAGE,
      );
    }
    return { kind: 'none' };
  }
  const variable = TOKEN_ENV[channel]!;
  if (values['use-env']) {
    if (accountId !== DEFAULT_ACCOUNT) {
      throw usageError(
        `--use-env works for the default account only (${variable} is read for it alone); pass --token or --token-file for "${accountId}"`,
        ADD_USAGE,
      );
    }
    if (!env[variable]?.trim()) {
      throw new OpenClawError(
        ErrorCode.INVALID_ARGUMENT,
        `${variable} is not set in this environment; set it where the gateway runs (in Docker: add ${variable}=… to the stack's .env and restart the gateway), or pass --token. Nothing was changed.`,
        { exitCode: 2 },
      );
    }
    return { kind: 'env', variable };
  }
  if (values['token-file'] !== undefined)
    return { kind: 'file', file: await checkTokenFile(values['token-file']) };
  let token = values.token?.trim();
  if (token === undefined) {
    if (!io.interactive) {
      throw usageError(
        `${CHANNEL_LABELS[channel]} needs a bot token: pass --token <token>, --token-file <path> or --use-env (${variable})`,
        ADD_USAGE,
      );
    }
    token = (await io.askSecret(`${CHANNEL_LABELS[channel]} bot token (input hidden): `)).trim();
  }
  if (token === '') throw usageError('the token is empty', ADD_USAGE);
  checkTokenShape(channel, token);
  return { kind: 'value', token };
}

function applyToken(channel: ChannelId, target: Record<string, unknown>, choice: TokenChoice) {
  if (choice.kind === 'none') return;
  delete target.botToken;
  delete target.tokenFile;
  delete target.token;
  if (choice.kind === 'value') target[channel === 'telegram' ? 'botToken' : 'token'] = choice.token;
  if (choice.kind === 'file') {
    if (channel === 'telegram') target.tokenFile = choice.file;
    else target.token = { source: 'file', provider: 'default', id: choice.file };
  }
}

function describeChoice(choice: TokenChoice): string {
  if (choice.kind === 'value') return 'token saved in the config';
  if (choice.kind === 'file') return `token read from ${choice.file}`;
  if (choice.kind === 'env') return `token from ${choice.variable}`;
  return 'no token needed';
}

export function conflictMessage(err: unknown, paths: StatePaths): unknown {
  if (isOpenClawError(err) && err.code === ErrorCode.CONFIG_CONFLICT) {
    return new OpenClawError(
      ErrorCode.CONFIG_CONFLICT,
      `${paths.configPath} changed while the channel was being saved; nothing was written. Run the command again.`,
      { cause: err },
    );
  }
  return err;
}

export async function readSnapshot(env: Env, paths: StatePaths) {
  const snapshot = await loadConfigSnapshot(paths, env);
  if (snapshot.exists && snapshot.parsed === undefined) {
    throw new OpenClawError(
      ErrorCode.CONFIG_INVALID,
      `${paths.configPath} cannot be parsed; fix it first (openclaw config get shows what is wrong).`,
    );
  }
  return snapshot;
}

export interface AccountWrite {
  channel: ChannelId;
  accountId: string;
  choice: TokenChoice;
  name?: string;
  authDir?: string;
}

/**
 * Creates or updates one account under `channels.<channel>` (enabled, dmPolicy pairing unless set)
 * and returns whether the single-account form moved into `accounts.default` to make room.
 */
export async function writeAccount(
  paths: StatePaths,
  env: Env,
  baseHash: string | null,
  write: AccountWrite,
): Promise<boolean> {
  const { channel, accountId } = write;
  let moved = false;
  await updateConfigDocument(
    paths,
    (doc) => {
      const channels = isPlainObject(doc.channels) ? doc.channels : (doc.channels = {});
      const fresh = !isPlainObject(channels[channel]);
      const block = fresh
        ? (channels[channel] = {})
        : (channels[channel] as Record<string, unknown>);
      let target: Record<string, unknown>;
      const accounts = accountsMap(block);
      if (accounts) {
        target = isPlainObject(accounts[accountId])
          ? accounts[accountId]
          : (accounts[accountId] = {});
      } else if (accountId === DEFAULT_ACCOUNT) {
        target = block;
      } else {
        // A second account: the one in the single-account form becomes `accounts.default`.
        const all: Record<string, unknown> = {};
        if (!fresh) {
          const previous: Record<string, unknown> = {};
          for (const key of ACCOUNT_KEYS) {
            if (key in block) {
              previous[key] = block[key];
              delete block[key];
            }
          }
          all[DEFAULT_ACCOUNT] = previous;
          moved = true;
        }
        target = all[accountId] = {};
        block.accounts = all;
      }
      applyToken(channel, target, write.choice);
      if (write.name !== undefined) target.name = write.name;
      if (write.authDir !== undefined) target.authDir = write.authDir;
      delete target.enabled;
      delete block.enabled;
      if (block.dmPolicy === undefined && target.dmPolicy === undefined) block.dmPolicy = 'pairing';
    },
    { env, baseHash },
  );
  return moved;
}

export async function channelsAdd(
  argv: string[],
  env: Env,
  paths: StatePaths,
  io: PromptIo = terminalIo,
): Promise<number> {
  const { values, positionals } = parseCommandArgs(
    argv,
    {
      channel: { type: 'string' },
      account: { type: 'string' },
      name: { type: 'string' },
      token: { type: 'string' },
      'token-file': { type: 'string' },
      'use-env': { type: 'boolean' },
      'auth-dir': { type: 'string' },
      json: { type: 'boolean' },
    },
    ADD_USAGE,
  );
  if (positionals.length > 1 || (positionals[0] && values.channel))
    throw usageError(`unexpected argument "${positionals.at(-1)}"`, ADD_USAGE);
  let channel = parseChannel(values.channel ?? positionals[0], ADD_USAGE);
  if (!channel) {
    if (!io.interactive) throw usageError('channels add needs --channel', ADD_USAGE);
    channel = parseChannel(await io.ask('Channel (telegram, discord, whatsapp): '), ADD_USAGE)!;
  }
  const accountId = parseAccountId(values.account, ADD_USAGE) ?? DEFAULT_ACCOUNT;
  if (values['auth-dir'] !== undefined && channel !== 'whatsapp')
    throw usageError('--auth-dir is for WhatsApp only', ADD_USAGE);
  if (values.name !== undefined && values.name.trim() === '')
    throw usageError('--name must not be blank', ADD_USAGE);
  const choice = await chooseToken(channel, accountId, values, env, io);
  const out = createOutput(values.json === true);
  const snapshot = await readSnapshot(env, paths);
  const before = channelBlock(snapshot.parsed ?? {}, channel);
  const existed = before !== undefined && accountIds(before).includes(accountId);
  let moved: boolean;
  try {
    moved = await writeAccount(paths, env, snapshot.hash, {
      channel,
      accountId,
      choice,
      ...(values.name !== undefined ? { name: values.name.trim() } : {}),
      ...(values['auth-dir'] !== undefined ? { authDir: path.resolve(values['auth-dir']) } : {}),
    });
  } catch (err) {
    throw conflictMessage(err, paths);
  }
  const label = CHANNEL_LABELS[channel];
  const next =
    channel === 'whatsapp'
      ? [
          `Link it now: openclaw channels login --channel whatsapp${accountId === DEFAULT_ACCOUNT ? '' : ` --account ${accountId}`}`,
          `(credentials will live in ${whatsappAuthDir(paths, accountId, values['auth-dir'] ? { authDir: path.resolve(values['auth-dir']) } : undefined)})`,
        ]
      : [
          choice.kind === 'env'
            ? `The gateway reads ${choice.variable} from its own environment: a gateway started before it was set must be restarted (in Docker: put it in the stack's .env, then docker compose up -d). Check with: openclaw channels status`
            : 'A running gateway starts it within seconds; check with: openclaw channels status',
          `Direct messages need approval: senders get a code, approve it with openclaw pairing approve ${channel} <CODE>`,
          ...(channel === 'discord'
            ? [
                'In the Discord Developer Portal enable the Message Content intent (Bot → Privileged Gateway Intents).',
              ]
            : []),
        ];
  out.result(
    {
      ok: true,
      channel,
      accountId,
      updated: existed,
      movedToAccountsDefault: moved,
      tokenSource: choice.kind,
      configPath: paths.configPath,
    },
    () =>
      [
        `${existed ? 'Updated' : 'Added'} ${label} account ${accountId} (${describeChoice(choice)}) in ${paths.configPath}.`,
        ...(moved
          ? ['The existing account now lives under accounts.default (it keeps working as before).']
          : []),
        ...next,
      ].join('\n'),
  );
  return 0;
}
