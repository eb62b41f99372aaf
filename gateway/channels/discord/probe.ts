/**
 * `channels status --probe` for Discord: one REST call (`GET /users/@me`) with the bot token,
 * no gateway session, so it works while the account runs and while it is stopped.
 */
import type { ChannelProbe, ResolvedAccount } from '../contract.js';
import { resolveDiscordApiBase } from './api-url.js';
import { botTokenProblem, normalizeBotToken } from './bot-token.js';

export async function probeDiscordAccount(
  account: ResolvedAccount,
  env: Record<string, string | undefined>,
  timeoutMs: number,
): Promise<ChannelProbe> {
  const token = account.token ? normalizeBotToken(account.token) : '';
  const problem = token ? botTokenProblem(token) : 'no bot token is set';
  if (problem) return { ok: false, error: `Discord bot token: ${problem}.` };
  let base: string;
  try {
    base = resolveDiscordApiBase(env.DISCORD_API_URL).url;
  } catch (err) {
    return { ok: false, error: (err as Error).message };
  }
  try {
    const response = await fetch(`${base}/users/@me`, {
      headers: { authorization: `Bot ${token}` },
      signal: AbortSignal.timeout(timeoutMs),
    });
    if (response.status === 401)
      return {
        ok: false,
        error:
          'Discord refused the bot token (401). Reset it in the Developer Portal (Bot → Reset Token) and run `openclaw channels add --channel discord --token …`.',
      };
    if (!response.ok) return { ok: false, error: `Discord answered HTTP ${response.status}.` };
    const me = (await response.json()) as { id?: string; username?: string };
    return { ok: true, identity: `@${me.username ?? me.id ?? 'unknown'}`, botId: me.id };
  } catch (err) {
    const cause = (err as { cause?: { code?: string } }).cause?.code;
    return {
      ok: false,
      error: `Cannot reach the Discord API at ${base} (${cause ?? (err as Error).message}).`,
    };
  }
}
