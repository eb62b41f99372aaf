/**
 * The Discord adapter: a bot account over discord.js (gateway WebSocket for inbound, REST for
 * sending), with upstream's config keys (`token`, `guilds`, `allowBots`, `intents`) and
 * `DISCORD_API_URL` for self-hosted proxies and test servers.
 */
import { probeDiscordAccount } from './probe.js';
import type { ChannelAdapter, InboundMessage, ResolvedAccount } from '../contract.js';
import { botTokenProblem } from './bot-token.js';
import { connectDiscord } from './connection.js';
import { guildsProblems, resolveGroupRule } from './guild-rules.js';
import { DISCORD_TEXT_LIMIT } from './outbound.js';
import { placeOf } from './places.js';

function validate(account: ResolvedAccount, path: string): string[] {
  const problems: string[] = [];
  const raw = account.raw;
  if (!account.token?.trim()) {
    problems.push(
      `${path}.token: no Discord bot token; set it (or DISCORD_BOT_TOKEN for the default account) to the token from the Developer Portal → your application → Bot → Reset Token`,
    );
  } else {
    const problem = botTokenProblem(account.token);
    if (problem) problems.push(`${path}.token: ${problem}`);
  }
  if (raw.allowBots !== undefined && typeof raw.allowBots !== 'boolean') {
    problems.push(`${path}.allowBots: must be true or false`);
  }
  if (raw.intents !== undefined) {
    const intents = raw.intents;
    if (typeof intents !== 'object' || intents === null || Array.isArray(intents)) {
      problems.push(`${path}.intents: must be an object ({messageContent: true})`);
    } else {
      const messageContent = (intents as Record<string, unknown>).messageContent;
      if (messageContent !== undefined && typeof messageContent !== 'boolean') {
        problems.push(`${path}.intents.messageContent: must be true or false`);
      }
    }
  }
  problems.push(...guildsProblems(raw.guilds, `${path}.guilds`));
  return problems;
}

function groupRule(account: ResolvedAccount, message: InboundMessage) {
  if (message.chatType === 'direct') return { listed: true, requireMention: false };
  return resolveGroupRule(
    account.raw.guilds,
    placeOf(message.messageId, message.chatId, message.threadId),
    message.senderId,
  );
}

export const discordAdapter: ChannelAdapter = {
  id: 'discord',
  label: 'Discord',
  textLimit: DISCORD_TEXT_LIMIT,
  maxLines: 17,
  defaults: { textChunkLimit: 2000, mediaMaxMb: 100 },
  validate,
  groupRule,
  connect: connectDiscord,
  probe: (account, environment, timeoutMs) =>
    probeDiscordAccount(account, environment.env, timeoutMs),
};
