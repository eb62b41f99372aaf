/**
 * Accounts from config: `channels.<channel>` is the single-account form (account `default`);
 * `channels.<channel>.accounts.<id>` lists several, each inheriting the channel root's keys it
 * leaves out. The bot token comes from the config (a string or a SecretRef), a `tokenFile`
 * (a regular file; symlinks are refused), or for the default account the channel's environment
 * variable. Problems are said with their config path and never contain a token.
 */
import { createHash } from 'node:crypto';
import { lstatSync, readFileSync } from 'node:fs';
import type { OpenClawConfig } from '../../config/config-types.js';
import { resolveSecretInputDetailed } from '../../config/env-subst.js';
import { expandUserPath, type Env } from '../../config/paths.js';
import { isPlainObject } from '../../config/json-value.js';
import { systemErrorCode } from '../../infra/errors.js';
import type { ChannelId, DmPolicy, GroupPolicy, ResolvedAccount } from '../contract.js';
import { CHANNEL_FACTS, normalizeSenderId } from './channel-defaults.js';

export const DEFAULT_ACCOUNT_ID = 'default';

/** Keys that change who may talk or how answers are cut: applied without reconnecting. */
const HOT_KEYS = new Set([
  'name',
  'dmPolicy',
  'allowFrom',
  'dm',
  'groupPolicy',
  'groupAllowFrom',
  'groups',
  'guilds',
  'textChunkLimit',
  'maxLinesPerMessage',
  'requireMention',
  'mentionPatterns',
]);

export interface AccountEntry {
  account: ResolvedAccount;
  /** The config path of the account block (`channels.telegram` or `…accounts.work`). */
  path: string;
  isDefault: boolean;
  /** Has what it needs to connect (a token; WhatsApp: a config block). */
  configured: boolean;
  /** Why it cannot start, each with its config path; empty when it can. */
  problems: string[];
  /** Changes when a reconnect is needed (token, endpoints …), not for policy edits. */
  connectionHash: string;
}

export interface ChannelAccounts {
  channel: ChannelId;
  defaultAccountId: string;
  accounts: AccountEntry[];
}

function channelBlock(
  config: OpenClawConfig,
  channel: ChannelId,
): Record<string, unknown> | undefined {
  const block = (config.channels as Record<string, unknown> | undefined)?.[channel];
  return isPlainObject(block) ? block : undefined;
}

export function configuredChannels(config: OpenClawConfig): ChannelId[] {
  return (Object.keys(CHANNEL_FACTS) as ChannelId[]).filter((c) => channelBlock(config, c));
}

function stringList(channel: ChannelId, value: unknown): string[] | undefined {
  if (!Array.isArray(value)) return undefined;
  return value
    .filter((v): v is string | number => typeof v === 'string' || typeof v === 'number')
    .map((v) => normalizeSenderId(channel, v))
    .filter((v) => v !== '');
}

function positive(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) && value > 0 ? value : undefined;
}

function readTokenFile(file: string, at: string, env: Env): { value?: string; problem?: string } {
  const full = expandUserPath(file, { home: env.OPENCLAW_HOME || env.HOME || '' });
  try {
    const stat = lstatSync(full);
    if (stat.isSymbolicLink())
      return {
        problem: `${at}: ${full} is a symbolic link; point tokenFile at the regular file itself`,
      };
    if (!stat.isFile()) return { problem: `${at}: ${full} is not a regular file` };
    const text = readFileSync(full, 'utf8').trim();
    return text ? { value: text } : { problem: `${at}: ${full} is empty; put the bot token in it` };
  } catch (err) {
    return { problem: `${at}: cannot read ${full} (${systemErrorCode(err) ?? 'error'})` };
  }
}

function resolveToken(
  channel: ChannelId,
  raw: Record<string, unknown>,
  path: string,
  isDefault: boolean,
  env: Env,
): { token?: string; source?: ResolvedAccount['tokenSource']; problem?: string } {
  const facts = CHANNEL_FACTS[channel];
  if (!facts.tokenKey) return {};
  const configured = raw[facts.tokenKey];
  if (configured !== undefined && configured !== '') {
    const at = `${path}.${facts.tokenKey}`;
    const resolved = resolveSecretInputDetailed(configured, env, at);
    if (resolved.value)
      return {
        token: resolved.value,
        source: typeof configured === 'string' ? 'config' : 'secretRef',
      };
    return { problem: `${at}: ${resolved.issue?.message ?? 'the token is empty'}` };
  }
  if (typeof raw.tokenFile === 'string' && raw.tokenFile.trim() !== '') {
    const file = readTokenFile(raw.tokenFile.trim(), `${path}.tokenFile`, env);
    return file.value ? { token: file.value, source: 'file' } : { problem: file.problem };
  }
  const fromEnv = isDefault && facts.tokenEnv ? env[facts.tokenEnv]?.trim() : undefined;
  if (fromEnv) return { token: fromEnv, source: 'env' };
  return {
    problem: `${path}: no bot token. Set ${path}.${facts.tokenKey} or ${path}.tokenFile${isDefault ? `, or the ${facts.tokenEnv} environment variable` : ''} (e.g. \`openclaw channels add --channel ${channel} --token …\`)`,
  };
}

function hashOf(account: ResolvedAccount): string {
  const connection = Object.fromEntries(
    Object.entries(account.raw)
      .filter(([k]) => !HOT_KEYS.has(k))
      .sort(([a], [b]) => a.localeCompare(b)),
  );
  return createHash('sha256')
    .update(
      JSON.stringify([account.enabled, account.token ?? null, account.mediaMaxBytes, connection]),
    )
    .digest('hex');
}

function resolveOne(
  channel: ChannelId,
  accountId: string,
  raw: Record<string, unknown>,
  path: string,
  isDefault: boolean,
  rootEnabled: boolean,
  env: Env,
  config: OpenClawConfig,
): AccountEntry {
  const facts = CHANNEL_FACTS[channel];
  const dm = isPlainObject(raw.dm) ? raw.dm : {};
  const dmPolicy = (
    typeof raw.dmPolicy === 'string'
      ? raw.dmPolicy
      : typeof dm.policy === 'string'
        ? dm.policy
        : 'pairing'
  ) as DmPolicy;
  const allowFrom = stringList(channel, raw.allowFrom) ?? stringList(channel, dm.allowFrom) ?? [];
  const defaults = (config.channels as Record<string, unknown> | undefined)?.defaults;
  const defaultGroupPolicy =
    isPlainObject(defaults) && typeof defaults.groupPolicy === 'string'
      ? defaults.groupPolicy
      : undefined;
  const groupPolicy = (
    typeof raw.groupPolicy === 'string' ? raw.groupPolicy : (defaultGroupPolicy ?? 'allowlist')
  ) as GroupPolicy;
  const token = resolveToken(channel, raw, path, isDefault, env);
  const account: ResolvedAccount = {
    channel,
    accountId,
    ...(typeof raw.name === 'string' && raw.name.trim() ? { name: raw.name.trim() } : {}),
    enabled: rootEnabled && raw.enabled !== false,
    ...(token.token ? { token: token.token, tokenSource: token.source } : {}),
    dmPolicy,
    allowFrom,
    groupPolicy,
    // Group senders fall back to allowFrom, never to the pairing store (upstream's rule).
    groupAllowFrom: stringList(channel, raw.groupAllowFrom) ?? allowFrom,
    textChunkLimit: Math.floor(positive(raw.textChunkLimit) ?? facts.textChunkLimit),
    mediaMaxBytes: Math.floor((positive(raw.mediaMaxMb) ?? facts.mediaMaxMb) * 1024 * 1024),
    raw,
  };
  const problems = token.problem ? [token.problem] : [];
  return {
    account,
    path,
    isDefault,
    configured: facts.tokenKey ? Boolean(token.token) : true,
    problems,
    connectionHash: hashOf(account),
  };
}

/** Every account of a channel with its settings resolved; none when the channel has no block. */
export function resolveChannelAccounts(
  config: OpenClawConfig,
  channel: ChannelId,
  env: Env,
): ChannelAccounts {
  const block = channelBlock(config, channel);
  if (!block) return { channel, defaultAccountId: DEFAULT_ACCOUNT_ID, accounts: [] };
  const { accounts: accountMap, defaultAccount, ...root } = block;
  const ids = isPlainObject(accountMap)
    ? Object.keys(accountMap).filter((id) => isPlainObject(accountMap[id]))
    : [];
  const rootEnabled = root.enabled !== false;
  const base = `channels.${channel}`;
  if (ids.length === 0) {
    return {
      channel,
      defaultAccountId: DEFAULT_ACCOUNT_ID,
      accounts: [
        resolveOne(channel, DEFAULT_ACCOUNT_ID, root, base, true, rootEnabled, env, config),
      ],
    };
  }
  const defaultAccountId =
    typeof defaultAccount === 'string' && ids.includes(defaultAccount)
      ? defaultAccount
      : ids.includes(DEFAULT_ACCOUNT_ID)
        ? DEFAULT_ACCOUNT_ID
        : ids[0]!;
  return {
    channel,
    defaultAccountId,
    accounts: ids.map((id) => {
      const own = (accountMap as Record<string, Record<string, unknown>>)[id]!;
      const { enabled: _rootOnly, ...inherited } = root;
      return resolveOne(
        channel,
        id,
        { ...inherited, ...own },
        `${base}.accounts.${id}`,
        id === defaultAccountId,
        rootEnabled,
        env,
        config,
      );
    }),
  };
}
