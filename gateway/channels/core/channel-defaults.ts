/**
 * What the core knows about each channel without loading its adapter (whose client library is
 * heavy): the label, the defaults the config falls back to, where a token may come from. The
 * adapters' own `defaults` say the same; the adapter tests check they agree.
 */
import { ErrorCode, OpenClawError } from '../../infra/errors.js';
import { CHANNEL_IDS, type ChannelId } from '../contract.js';

export interface ChannelFacts {
  label: string;
  textChunkLimit: number;
  mediaMaxMb: number;
  /** The config key of the bot token (`undefined`: the channel links by QR instead). */
  tokenKey?: 'botToken' | 'token';
  /** Read for the default account only, as upstream does. */
  tokenEnv?: string;
  /** Prefixes people write in `allowFrom` that name the same id. */
  senderPrefixes: string[];
}

export const CHANNEL_FACTS: Record<ChannelId, ChannelFacts> = {
  telegram: {
    label: 'Telegram',
    textChunkLimit: 4000,
    mediaMaxMb: 100,
    tokenKey: 'botToken',
    tokenEnv: 'TELEGRAM_BOT_TOKEN',
    senderPrefixes: ['telegram:', 'tg:'],
  },
  discord: {
    label: 'Discord',
    textChunkLimit: 2000,
    mediaMaxMb: 100,
    tokenKey: 'token',
    tokenEnv: 'DISCORD_BOT_TOKEN',
    senderPrefixes: ['discord:', 'user:'],
  },
  whatsapp: {
    label: 'WhatsApp',
    textChunkLimit: 4000,
    mediaMaxMb: 50,
    senderPrefixes: ['whatsapp:'],
  },
};

/** Channel ids upstream ships that this gateway does not run: accepted in config, reported. */
export const FOREIGN_CHANNEL_IDS = new Set([
  'slack',
  'signal',
  'imessage',
  'googlechat',
  'msteams',
  'matrix',
  'mattermost',
  'irc',
  'line',
  'nostr',
  'feishu',
  'twitch',
  'zalo',
  'zalouser',
  'wechat',
  'wecom',
  'qqbot',
  'sms',
  'tlon',
  'nextcloud-talk',
  'synology-chat',
  'bluebubbles',
]);

/** `telegram:123` / `tg:123` → `123`; WhatsApp numbers lose spaces and dashes. `*` stays. */
export function normalizeSenderId(channel: ChannelId, value: string | number): string {
  let id = String(value).trim();
  const lower = id.toLowerCase();
  for (const prefix of CHANNEL_FACTS[channel].senderPrefixes) {
    if (lower.startsWith(prefix)) {
      id = id.slice(prefix.length).trim();
      break;
    }
  }
  if (channel === 'whatsapp' && id !== '*') {
    id = id.replace(/[\s().-]/g, '');
    if (/^\d{6,}$/.test(id)) id = `+${id}`;
  }
  return id;
}

/** A channel id from a request, or an error listing the ones this gateway runs. */
export function parseChannel(value: string | undefined): ChannelId {
  if (value && (CHANNEL_IDS as readonly string[]).includes(value)) return value as ChannelId;
  throw new OpenClawError(
    ErrorCode.INVALID_ARGUMENT,
    `Unknown channel "${value ?? ''}"; use one of ${CHANNEL_IDS.join(', ')}.`,
  );
}

export const accountKey = (channel: ChannelId, accountId: string): string =>
  `${channel}:${accountId}`;
