/**
 * Bot tokens never leave this adapter in clear: every log line and error message goes through
 * here. grammy and its fetch put the token into request URLs (`/bot<id>:<secret>/method`), and a
 * file download URL carries it too.
 */
const TOKEN_IN_URL = /bot\d+:[A-Za-z0-9_-]+/g;
const BARE_TOKEN = /\b\d{3,}:[A-Za-z0-9_-]{20,}\b/g;

export function redactBotToken(text: string, token?: string): string {
  let out = text;
  if (token && token.length > 0) out = out.split(token).join('<redacted>');
  return out.replace(TOKEN_IN_URL, 'bot<redacted>').replace(BARE_TOKEN, '<redacted>');
}

/**
 * An error's message with the causes under it (grammy's HttpError wraps fetch's "fetch failed",
 * which wraps the useful "connect ECONNREFUSED …"), token removed.
 */
export function describeError(error: unknown, token?: string): string {
  if (!(error instanceof Error)) return redactBotToken(String(error), token);
  const parts = [error.message];
  let current: unknown = error;
  for (let depth = 0; depth < 4; depth += 1) {
    const next =
      (current as { error?: unknown; cause?: unknown }).error ?? (current as Error).cause;
    if (!(next instanceof Error) || next === current) break;
    if (next.message && !parts.some((part) => part.includes(next.message)))
      parts.push(next.message);
    current = next;
  }
  const [head, ...causes] = parts;
  return redactBotToken(causes.length > 0 ? `${head} (${causes.join(': ')})` : (head ?? ''), token);
}
