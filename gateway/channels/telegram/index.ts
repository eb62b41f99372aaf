/**
 * The Telegram adapter: a bot account over the Bot API (grammy), long polling, plain-text sends.
 * `createTelegramAdapter` exists for tests that want a short long-poll timeout.
 */
import type { ChannelAdapter } from '../contract.js';
import { connectTelegram, type TelegramConnectOptions } from './connection.js';
import { telegramGroupRule } from './group-rule.js';
import { TELEGRAM_TEXT_LIMIT } from './outbound.js';
import { probeTelegramAccount } from './probe.js';
export { probeTelegramAccount, type TelegramProbe } from './probe.js';
import { validateTelegramAccount } from './settings.js';

const DEFAULT_OPTIONS: TelegramConnectOptions = { pollTimeoutSeconds: 30 };

export function createTelegramAdapter(
  options: Partial<TelegramConnectOptions> = {},
): ChannelAdapter {
  const connectOptions = { ...DEFAULT_OPTIONS, ...options };
  return {
    id: 'telegram',
    label: 'Telegram',
    textLimit: TELEGRAM_TEXT_LIMIT,
    defaults: { textChunkLimit: 4000, mediaMaxMb: 100 },
    validate: validateTelegramAccount,
    groupRule: telegramGroupRule,
    connect: (account, context) => connectTelegram(account, context, connectOptions),
    probe: (account, _environment, timeoutMs) => probeTelegramAccount(account, timeoutMs),
  };
}

export const telegramAdapter: ChannelAdapter = createTelegramAdapter();
