/**
 * Whether a guild message addresses the bot: an @mention of the bot user, a mention of a role
 * the bot holds (Discord's autocomplete often picks the bot's managed role), or a reply to one of
 * the bot's messages. The mention itself is not part of what the agent should read.
 */
export interface MentionFacts {
  botId: string;
  mentionedUserIds: readonly string[];
  mentionedRoleIds: readonly string[];
  /** Roles the bot holds in this guild (without @everyone). */
  botRoleIds: readonly string[];
  repliedToUserId?: string;
}

export function isBotMentioned(facts: MentionFacts): boolean {
  return (
    facts.mentionedUserIds.includes(facts.botId) ||
    facts.repliedToUserId === facts.botId ||
    facts.mentionedRoleIds.some((role) => facts.botRoleIds.includes(role))
  );
}

/** The content without `<@bot>`, `<@!bot>` and mentions of the bot's roles. */
export function stripBotMentions(
  content: string,
  botId: string,
  botRoleIds: readonly string[],
): string {
  return content
    .replace(/<@!?(\d+)>|<@&(\d+)>/g, (whole, user?: string, role?: string) =>
      user === botId || (role !== undefined && botRoleIds.includes(role)) ? '' : whole,
    )
    .replace(/[ \t]{2,}/g, ' ')
    .trim();
}
