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

/** An error's message (and its cause's, which often holds the real reason), token removed. */
export function describeError(error: unknown, token?: string): string {
  if (!(error instanceof Error)) return redactBotToken(String(error), token);
  const cause = (error as { error?: unknown; cause?: unknown }).error ?? error.cause;
  const detail =
    cause instanceof Error && cause.message && !error.message.includes(cause.message)
      ? `${error.message} (${cause.message})`
      : error.message;
  return redactBotToken(detail, token);
}
