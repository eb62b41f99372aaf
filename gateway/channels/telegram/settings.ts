/**
 * The Telegram account keys this adapter owns (`apiRoot`, `groups`), read from the merged account
 * block, and the checks `validate()` reports with their config paths.
 */
import type { ResolvedAccount } from '../contract.js';

export const DEFAULT_API_ROOT = 'https://api.telegram.org';

/** `<bot id>:<secret>`, as @BotFather hands it out. */
const TOKEN_SHAPE = /^\d+:[A-Za-z0-9_-]+$/;

export interface GroupSettings {
  requireMention?: boolean;
  allowFrom?: string[];
  topics?: Record<string, { requireMention?: boolean; allowFrom?: string[] }>;
}

export type ApiRootCheck = { ok: true; apiRoot: string } | { ok: false; problem: string };

/**
 * The Bot API root (scheme, host, optional path prefix) without a trailing slash. A value that
 * already ends in `/bot<TOKEN>` is refused: grammy appends that part itself, and a token in the
 * URL would also be a token in the config file's clear text.
 */
export function checkApiRoot(value: unknown): ApiRootCheck {
  if (value === undefined || value === null || value === '')
    return { ok: true, apiRoot: DEFAULT_API_ROOT };
  if (typeof value !== 'string')
    return { ok: false, problem: 'must be a URL such as "https://api.telegram.org"' };
  let url: URL;
  try {
    url = new URL(value.trim());
  } catch {
    return { ok: false, problem: 'is not a valid URL; use e.g. "http://127.0.0.1:8081"' };
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    return { ok: false, problem: `must use http or https, not ${url.protocol.replace(':', '')}` };
  if (url.username || url.password || url.search || url.hash)
    return { ok: false, problem: 'must be the plain server root (no credentials, query or #)' };
  const path = url.pathname.replace(/\/+$/, '');
  if (/\/bot[^/]*$/i.test(path)) {
    const root = `${url.origin}${path.replace(/\/bot[^/]*$/i, '')}`;
    return {
      ok: false,
      problem: `must be the server root only, without "/bot<TOKEN>": use "${root}"`,
    };
  }
  return { ok: true, apiRoot: `${url.origin}${path}` };
}

export function isTokenShaped(token: string): boolean {
  return TOKEN_SHAPE.test(token);
}

function isStringList(value: unknown): value is unknown[] {
  return Array.isArray(value) && value.every((v) => typeof v === 'string' || typeof v === 'number');
}

/** `allowFrom` entries as the core compares them: numeric ids, `telegram:`/`tg:` prefixes dropped. */
export function normalizeSenderList(value: unknown): string[] | undefined {
  if (!isStringList(value)) return undefined;
  return value.map((v) =>
    String(v)
      .trim()
      .replace(/^(telegram|tg):/i, ''),
  );
}

export function readGroups(account: ResolvedAccount): Record<string, GroupSettings> {
  const groups = account.raw.groups;
  return groups && typeof groups === 'object' && !Array.isArray(groups)
    ? (groups as Record<string, GroupSettings>)
    : {};
}

/** Problems with the adapter's own keys, each prefixed with its config path. */
export function validateTelegramAccount(account: ResolvedAccount, path: string): string[] {
  const problems: string[] = [];
  const tokenPath = `${path}.botToken`;
  if (account.token === undefined || account.token === '') {
    if (account.enabled)
      problems.push(
        `${tokenPath}: no bot token. Create a bot with @BotFather and set botToken, tokenFile or TELEGRAM_BOT_TOKEN`,
      );
  } else if (!isTokenShaped(account.token.trim())) {
    problems.push(
      `${tokenPath}: does not look like a Telegram bot token ("<digits>:<secret>", as @BotFather shows it)`,
    );
  }
  const root = checkApiRoot(account.raw.apiRoot);
  if (!root.ok) problems.push(`${path}.apiRoot: ${root.problem}`);

  const groups = account.raw.groups;
  if (groups !== undefined) {
    if (!groups || typeof groups !== 'object' || Array.isArray(groups)) {
      problems.push(`${path}.groups: must be a map of chat id (or "*") to group settings`);
    } else {
      for (const [chatId, entry] of Object.entries(groups as Record<string, unknown>)) {
        problems.push(...checkGroupEntry(entry, `${path}.groups.${chatId}`, chatId));
      }
    }
  }
  return problems;
}

function checkGroupEntry(entry: unknown, path: string, chatId: string): string[] {
  const problems: string[] = [];
  if (chatId !== '*' && !/^-?\d+$/.test(chatId))
    problems.push(`${path}: group keys are numeric chat ids (e.g. "-1001234567890") or "*"`);
  if (!entry || typeof entry !== 'object' || Array.isArray(entry)) {
    problems.push(`${path}: must be an object such as { "requireMention": true }`);
    return problems;
  }
  const group = entry as Record<string, unknown>;
  if (group.requireMention !== undefined && typeof group.requireMention !== 'boolean')
    problems.push(`${path}.requireMention: must be true or false`);
  if (group.allowFrom !== undefined && !isStringList(group.allowFrom))
    problems.push(`${path}.allowFrom: must be a list of Telegram user ids`);
  if (group.topics !== undefined) {
    if (!group.topics || typeof group.topics !== 'object' || Array.isArray(group.topics)) {
      problems.push(`${path}.topics: must be a map of topic id to settings`);
    } else {
      for (const [topicId, topic] of Object.entries(group.topics as Record<string, unknown>)) {
        const topicPath = `${path}.topics.${topicId}`;
        if (!topic || typeof topic !== 'object' || Array.isArray(topic)) {
          problems.push(`${topicPath}: must be an object`);
          continue;
        }
        const t = topic as Record<string, unknown>;
        if (t.requireMention !== undefined && typeof t.requireMention !== 'boolean')
          problems.push(`${topicPath}.requireMention: must be true or false`);
        if (t.allowFrom !== undefined && !isStringList(t.allowFrom))
          problems.push(`${topicPath}.allowFrom: must be a list of Telegram user ids`);
      }
    }
  }
  return problems;
}
