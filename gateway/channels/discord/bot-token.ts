/**
 * Discord bot tokens: three dot-separated base64url parts, the first being the bot's user id.
 * Checking the shape catches the common paste mistakes (the client secret, the public key, the
 * application id) before a login attempt the user would only see fail.
 */
const PART = /^[A-Za-z0-9_-]+$/;

/** The token as discord.js wants it: without a pasted `Bot ` prefix or surrounding spaces. */
export function normalizeBotToken(token: string): string {
  return token.trim().replace(/^Bot\s+/i, '');
}

/** Why the value cannot be a bot token, or undefined when it looks like one. */
export function botTokenProblem(token: string): string | undefined {
  const parts = normalizeBotToken(token).split('.');
  if (parts.length !== 3 || parts.some((part) => !PART.test(part))) {
    return 'does not look like a Discord bot token (three parts separated by dots); copy it from the Developer Portal → your application → Bot → Reset Token (not the client secret or public key)';
  }
  const id = Buffer.from(parts[0]!, 'base64url').toString('utf8');
  if (!/^\d{15,21}$/.test(id)) {
    return 'does not look like a Discord bot token (its first part should encode the bot user id); copy it from the Developer Portal → Bot → Reset Token';
  }
  return undefined;
}
