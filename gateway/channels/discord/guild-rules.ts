/**
 * `guilds.<guildId|slug>`: which servers and channels the bot answers in, whether a mention is
 * needed there, and who may talk to it. Adding any entry under a guild's `channels` turns that
 * map into an allowlist; `"*"` keeps the other channels. A thread uses its own entry when it has
 * one, else its parent channel's.
 */
import type { DiscordPlace } from './places.js';

export interface ChannelEntry {
  enabled?: boolean;
  requireMention?: boolean;
  users?: string[];
  roles?: string[];
  /** Older configs say `allow` for `enabled`. */
  allow?: boolean;
}

export interface GuildEntry {
  requireMention?: boolean;
  ignoreOtherMentions?: boolean;
  users?: string[];
  roles?: string[];
  channels?: Record<string, ChannelEntry>;
}

export interface GroupRule {
  listed: boolean;
  requireMention: boolean;
  allowFrom?: string[];
}

const GUILD_KEYS = new Set(['requireMention', 'ignoreOtherMentions', 'users', 'roles', 'channels']);
const CHANNEL_KEYS = new Set(['enabled', 'requireMention', 'users', 'roles', 'allow']);

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** How names become keys: `My Server` → `my-server`, `#General Chat` → `general-chat`. */
export function slugify(name: string): string {
  return name
    .toLowerCase()
    .replace(/^#/, '')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
}

/** `discord:123`, `user:123` and `<@123>` all mean the user 123. */
export function normalizeUserEntry(entry: string): string {
  const trimmed = entry.trim();
  const mention = /^<@!?(\d+)>$/.exec(trimmed);
  if (mention) return mention[1]!;
  return trimmed.replace(/^(discord|user):/i, '');
}

function idListProblems(value: unknown, path: string, what: string): string[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) return [`${path}: must be a list of ${what} (strings)`];
  return value.flatMap((entry, index) =>
    typeof entry === 'string' && entry.trim() !== ''
      ? []
      : typeof entry === 'number'
        ? [
            `${path}[${index}]: write Discord ids as quoted strings ("${String(entry)}" loses digits as a number)`,
          ]
        : [`${path}[${index}]: must be a non-empty string`],
  );
}

function booleanProblem(value: unknown, path: string): string[] {
  return value === undefined || typeof value === 'boolean'
    ? []
    : [`${path}: must be true or false`];
}

/** Every problem with a `guilds` map, each with its config path. */
export function guildsProblems(value: unknown, path: string): string[] {
  if (value === undefined) return [];
  if (!isRecord(value)) {
    return [
      `${path}: must be an object keyed by server id or slug ({"123…": {requireMention: true}})`,
    ];
  }
  const problems: string[] = [];
  for (const [key, guild] of Object.entries(value)) {
    const at = `${path}.${key}`;
    if (!isRecord(guild)) {
      problems.push(`${at}: must be an object ({requireMention, users, roles, channels})`);
      continue;
    }
    for (const unknownKey of Object.keys(guild).filter((k) => !GUILD_KEYS.has(k))) {
      problems.push(`${at}.${unknownKey}: unknown key (known: ${[...GUILD_KEYS].join(', ')})`);
    }
    problems.push(...booleanProblem(guild.requireMention, `${at}.requireMention`));
    problems.push(...booleanProblem(guild.ignoreOtherMentions, `${at}.ignoreOtherMentions`));
    problems.push(...idListProblems(guild.users, `${at}.users`, 'user ids'));
    problems.push(...idListProblems(guild.roles, `${at}.roles`, 'role ids'));
    if (guild.channels === undefined) continue;
    if (!isRecord(guild.channels)) {
      problems.push(`${at}.channels: must be an object keyed by channel id, name or "*"`);
      continue;
    }
    for (const [channelKey, channel] of Object.entries(guild.channels)) {
      const cat = `${at}.channels.${channelKey}`;
      if (!isRecord(channel)) {
        problems.push(`${cat}: must be an object ({enabled, requireMention, users})`);
        continue;
      }
      for (const unknownKey of Object.keys(channel).filter((k) => !CHANNEL_KEYS.has(k))) {
        problems.push(
          `${cat}.${unknownKey}: unknown key (known: enabled, requireMention, users, roles)`,
        );
      }
      problems.push(...booleanProblem(channel.enabled, `${cat}.enabled`));
      problems.push(...booleanProblem(channel.allow, `${cat}.allow`));
      problems.push(...booleanProblem(channel.requireMention, `${cat}.requireMention`));
      problems.push(...idListProblems(channel.users, `${cat}.users`, 'user ids'));
      problems.push(...idListProblems(channel.roles, `${cat}.roles`, 'role ids'));
    }
  }
  return problems;
}

function readGuilds(value: unknown): Record<string, GuildEntry> {
  return isRecord(value) ? (value as Record<string, GuildEntry>) : {};
}

function strings(value: unknown): string[] | undefined {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : undefined;
}

function lookup<T>(map: Record<string, T>, id: string, name: string | undefined): T | undefined {
  if (map[id] !== undefined) return map[id];
  if (name === undefined) return undefined;
  if (map[name] !== undefined) return map[name];
  const slug = slugify(name);
  return map[slug] ?? map[`#${slug}`];
}

function channelEntry(guild: GuildEntry, place: DiscordPlace): ChannelEntry | undefined {
  const channels = guild.channels as Record<string, ChannelEntry>;
  if (place.threadId) {
    const own = lookup(channels, place.threadId, place.threadName);
    if (own) return own;
  }
  return lookup(channels, place.channelId, place.channelName) ?? channels['*'];
}

/** A guild's entry by id, name or slug, else the `"*"` entry. */
export function guildEntryFor(
  guildsValue: unknown,
  guildId: string,
  guildName: string | undefined,
): GuildEntry | undefined {
  const guilds = readGuilds(guildsValue);
  const guild = lookup(guilds, guildId, guildName) ?? guilds['*'];
  return isRecord(guild) ? guild : undefined;
}

/** The rule for a guild message at `place`; unknown places (no guild) are not listed. */
export function resolveGroupRule(
  guildsValue: unknown,
  place: DiscordPlace | undefined,
  senderId: string,
): GroupRule {
  if (!place?.guildId) return { listed: false, requireMention: true };
  const guild = guildEntryFor(guildsValue, place.guildId, place.guildName);
  if (!guild) return { listed: false, requireMention: true };
  let entry: ChannelEntry | undefined;
  if (isRecord(guild.channels)) {
    entry = channelEntry(guild, place);
    if (!isRecord(entry)) return { listed: false, requireMention: true };
    if (entry.enabled === false || (entry.enabled === undefined && entry.allow === false)) {
      return { listed: false, requireMention: true };
    }
  }
  const requireMention =
    typeof entry?.requireMention === 'boolean'
      ? entry.requireMention
      : typeof guild.requireMention === 'boolean'
        ? guild.requireMention
        : true;
  const users = strings(entry?.users) ?? strings(guild.users);
  const roles = strings(entry?.roles) ?? strings(guild.roles);
  if (users === undefined && roles === undefined) return { listed: true, requireMention };
  const allowFrom = (users ?? []).map(normalizeUserEntry);
  // Roles are checked here (the core sees only sender ids): a sender holding a listed role is
  // allowed by id. An empty list means nobody matched.
  if (roles?.some((role) => place.senderRoles.includes(role.trim()))) allowFrom.push(senderId);
  return { listed: true, requireMention, allowFrom };
}
