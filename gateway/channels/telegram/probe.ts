/**
 * A live check of a token without polling (for `channels status --probe` and the app's "paste
 * a token" step): `getMe` answers with the bot's name, or the error says what is wrong.
 */
import { Bot } from 'grammy';
import type { ResolvedAccount } from '../contract.js';
import { createBotFetch, grammySignal } from './bot-fetch.js';
import { connectError } from './errors.js';
import { checkApiRoot, isTokenShaped } from './settings.js';

export type TelegramProbe =
  | { ok: true; identity: string; botId: number; canReadAllGroupMessages: boolean }
  | { ok: false; error: string; kind: 'fatal' | 'transient' };

export async function probeTelegramAccount(
  account: ResolvedAccount,
  timeoutMs = 10_000,
): Promise<TelegramProbe> {
  const token = account.token?.trim();
  if (!token || !isTokenShaped(token))
    return {
      ok: false,
      kind: 'fatal',
      error: 'No valid Telegram bot token ("<digits>:<secret>"). Copy it from @BotFather.',
    };
  const root = checkApiRoot(account.raw.apiRoot);
  if (!root.ok) return { ok: false, kind: 'fatal', error: `apiRoot ${root.problem}` };
  const bot = new Bot(token, {
    client: { apiRoot: root.apiRoot, fetch: createBotFetch() as never },
  });
  try {
    const me = await bot.api.getMe(grammySignal(AbortSignal.timeout(timeoutMs)));
    return {
      ok: true,
      identity: `@${me.username}`,
      botId: me.id,
      // With privacy mode on, the bot sees only commands and mentions in groups.
      canReadAllGroupMessages: me.can_read_all_group_messages,
    };
  } catch (error) {
    const mapped = connectError(error, root.apiRoot, token);
    return { ok: false, kind: mapped.kind, error: mapped.message };
  }
}
