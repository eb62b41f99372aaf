/**
 * What the `channels` and `pairing` commands read from `openclaw.json` without a gateway: which
 * channels and accounts are configured, whether they are enabled, and where each token comes from
 * (never its value), plus the flag checks they share.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { isPlainObject } from '../../config/json-value.js';
import type { OpenClawConfig } from '../../config/config-types.js';
import { expandUserPath, type Env, type StatePaths } from '../../config/paths.js';
import { CHANNEL_IDS, type ChannelId } from '../../channels/contract.js';
import { ErrorCode, OpenClawError } from '../../infra/errors.js';

export const CHANNEL_LABELS: Record<ChannelId, string> = {
  telegram: 'Telegram',
  discord: 'Discord',
  whatsapp: 'WhatsApp',
};

/** The environment variable that supplies the default account's token. */
export const TOKEN_ENV: Partial<Record<ChannelId, string>> = {
  telegram: 'TELEGRAM_BOT_TOKEN',
  discord: 'DISCORD_BOT_TOKEN',
};

export const DEFAULT_ACCOUNT = 'default';

export interface ConfiguredAccount {
  channel: ChannelId;
  accountId: string;
  name?: string;
  enabled: boolean;
  /** `config`, `file <path>`, `env TELEGRAM_BOT_TOKEN`, `secretRef env:X`, `linked`, `none`… */
  tokenSource: string;
  /** A token (or WhatsApp link) is present, as far as the files show. */
  configured: boolean;
  dmPolicy: string;
  /** WhatsApp: where the link credentials live. */
  authDir?: string;
}

export function usageError(message: string, usage: string): OpenClawError {
  return new OpenClawError(ErrorCode.INVALID_ARGUMENT, `${message}\nUsage: ${usage}`, {
    exitCode: 2,
  });
}

export function parseChannel(value: string | undefined, usage: string): ChannelId | undefined {
  if (value === undefined) return undefined;
  const id = value.trim().toLowerCase();
  if ((CHANNEL_IDS as readonly string[]).includes(id)) return id as ChannelId;
  throw usageError(`unknown channel "${value}" (use one of ${CHANNEL_IDS.join(', ')})`, usage);
}

/** Account ids end up in config keys and file names: letters, digits, `-` and `_`. */
export function parseAccountId(value: string | undefined, usage: string): string | undefined {
  if (value === undefined) return undefined;
  const id = value.trim();
  if (id === '') throw usageError('--account must not be blank', usage);
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/.test(id)) {
    throw usageError(
      `--account "${value}" is not a valid account id (letters, digits, ., - and _, at most 64)`,
      usage,
    );
  }
  return id;
}

export function channelBlock(
  config: OpenClawConfig | Record<string, unknown>,
  channel: ChannelId,
): Record<string, unknown> | undefined {
  const channels = (config as { channels?: unknown }).channels;
  if (!isPlainObject(channels)) return undefined;
  const block = channels[channel];
  return isPlainObject(block) ? block : undefined;
}

export function accountsMap(block: Record<string, unknown>): Record<string, unknown> | undefined {
  return isPlainObject(block.accounts) && Object.keys(block.accounts).length > 0
    ? block.accounts
    : undefined;
}

/** Account ids of a channel block: the `accounts` keys, or `default` for the single-account form. */
export function accountIds(block: Record<string, unknown>): string[] {
  const accounts = accountsMap(block);
  return accounts ? Object.keys(accounts) : [DEFAULT_ACCOUNT];
}

/** The account a command means when none is named: `defaultAccount`, else `default`, else the first. */
export function defaultAccountId(block: Record<string, unknown> | undefined): string {
  if (!block) return DEFAULT_ACCOUNT;
  const ids = accountIds(block);
  const named = block.defaultAccount;
  if (typeof named === 'string' && ids.includes(named)) return named;
  return ids.includes(DEFAULT_ACCOUNT) ? DEFAULT_ACCOUNT : ids[0]!;
}

/** The account's own block (the channel root in the single-account form). */
export function accountBlock(
  block: Record<string, unknown>,
  accountId: string,
): Record<string, unknown> | undefined {
  const accounts = accountsMap(block);
  if (!accounts) return accountId === DEFAULT_ACCOUNT ? block : undefined;
  const own = accounts[accountId];
  return isPlainObject(own) ? own : undefined;
}

export function whatsappAuthDir(
  paths: StatePaths,
  accountId: string,
  account: Record<string, unknown> | undefined,
): string {
  const custom = account?.authDir;
  if (typeof custom === 'string' && custom.trim() !== '') return expandUserPath(custom, paths);
  return path.join(paths.stateDir, 'credentials', 'whatsapp', accountId);
}

/** Linked means the saved credentials name this device's account (`creds.me.id`). */
export function whatsappLinked(authDir: string): boolean {
  const file = path.join(authDir, 'creds.json');
  if (!existsSync(file)) return false;
  try {
    const creds = JSON.parse(readFileSync(file, 'utf8')) as { me?: { id?: unknown } };
    return typeof creds.me?.id === 'string' && creds.me.id !== '';
  } catch {
    return false;
  }
}

function describeSecret(value: unknown): string | undefined {
  if (typeof value === 'string' && value.trim() !== '') return 'config';
  if (isPlainObject(value) && typeof value.source === 'string' && typeof value.id === 'string') {
    return value.source === 'file'
      ? `secretRef file ${value.id}`
      : `secretRef ${value.source} ${value.id}`;
  }
  return undefined;
}

function tokenSource(
  channel: ChannelId,
  accountId: string,
  own: Record<string, unknown>,
  env: Env,
): string {
  if (channel === 'telegram') {
    const fromConfig = describeSecret(own.botToken);
    if (fromConfig) return fromConfig;
    if (typeof own.tokenFile === 'string' && own.tokenFile.trim() !== '')
      return `file ${own.tokenFile}`;
  } else if (channel === 'discord') {
    const fromConfig = describeSecret(own.token);
    if (fromConfig) return fromConfig;
  }
  const variable = TOKEN_ENV[channel];
  if (variable && accountId === DEFAULT_ACCOUNT) {
    return env[variable]?.trim() ? `env ${variable}` : `none (${variable} is not set)`;
  }
  return 'none';
}

export function configuredAccounts(
  config: OpenClawConfig | Record<string, unknown>,
  env: Env,
  paths: StatePaths,
  channelFilter?: ChannelId,
): ConfiguredAccount[] {
  const rows: ConfiguredAccount[] = [];
  for (const channel of CHANNEL_IDS) {
    if (channelFilter && channel !== channelFilter) continue;
    const block = channelBlock(config, channel);
    if (!block) continue;
    const rootEnabled = block.enabled !== false;
    const multi = accountsMap(block) !== undefined;
    for (const accountId of accountIds(block)) {
      const own = accountBlock(block, accountId) ?? {};
      // Policy keys fall back to the channel root; secrets and names are the account's own.
      const dmPolicy = (own.dmPolicy ?? block.dmPolicy ?? 'pairing') as string;
      const enabled = rootEnabled && (!multi || own.enabled !== false);
      if (channel === 'whatsapp') {
        const authDir = whatsappAuthDir(paths, accountId, own);
        const linked = whatsappLinked(authDir);
        rows.push({
          channel,
          accountId,
          ...(typeof own.name === 'string' ? { name: own.name } : {}),
          enabled,
          tokenSource: linked ? 'linked' : 'not linked',
          configured: linked,
          dmPolicy: String(dmPolicy),
          authDir,
        });
        continue;
      }
      const source = tokenSource(channel, accountId, own, env);
      rows.push({
        channel,
        accountId,
        ...(typeof own.name === 'string' ? { name: own.name } : {}),
        enabled,
        tokenSource: source,
        configured: !source.startsWith('none'),
        dmPolicy: String(dmPolicy),
      });
    }
  }
  return rows;
}

export function formatAccountLine(row: ConfiguredAccount): string {
  const name = row.name ? ` (${row.name})` : '';
  const state = row.enabled ? '' : ', disabled';
  const credential = row.channel === 'whatsapp' ? row.tokenSource : `token: ${row.tokenSource}`;
  return `  ${CHANNEL_LABELS[row.channel]} ${row.accountId}${name}: ${credential}, dmPolicy ${row.dmPolicy}${state}`;
}
