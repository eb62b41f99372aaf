/**
 * Bot tokens never reach a log: a logger for one account that scrubs its token (and anything
 * shaped like Telegram's `/bot<id>:<secret>` URL part, which client libraries put in errors)
 * from every message and field before the gateway's logger sees it.
 */
import { REDACTED, redactText, redactValue, type Logger } from '../../infra/logger.js';

const BOT_URL = /(\/bot)\d+:[A-Za-z0-9_-]+/g;

export function scrubSecrets(text: string, secrets: readonly string[]): string {
  return redactText(text, secrets).replace(BOT_URL, `$1${REDACTED}`);
}

export function redactingLogger(logger: Logger, secrets: () => readonly string[]): Logger {
  const clean = (fields?: Record<string, unknown>) => {
    if (!fields) return fields;
    const scrubbed = redactValue(fields, secrets()) as Record<string, unknown>;
    return JSON.parse(JSON.stringify(scrubbed).replace(BOT_URL, `$1${REDACTED}`)) as Record<
      string,
      unknown
    >;
  };
  return {
    debug: (msg, fields) => logger.debug(scrubSecrets(msg, secrets()), clean(fields)),
    info: (msg, fields) => logger.info(scrubSecrets(msg, secrets()), clean(fields)),
    warn: (msg, fields) => logger.warn(scrubSecrets(msg, secrets()), clean(fields)),
    error: (msg, fields) => logger.error(scrubSecrets(msg, secrets()), clean(fields)),
    child: (fields) => redactingLogger(logger.child(fields), secrets),
  };
}
