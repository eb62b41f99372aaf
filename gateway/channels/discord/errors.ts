/**
 * Discord's failures as `ChannelError`s that say what to do next. A refused token and disallowed
 * intents need the user (fatal); an unreachable or failing Discord is worth retrying
 * (transient). Messages are ours: library messages may quote request details, so the token is
 * scrubbed from anything passed through.
 */
import { redactText } from '../../infra/logger.js';
import { ChannelError } from '../contract.js';

export const TOKEN_REFUSED =
  'Discord refused the bot token (401). Reset it in the Developer Portal (your application → Bot → Reset Token), then run `openclaw channels add --channel discord --token <new token>` and start the channel again.';

export const INTENTS_DISALLOWED =
  'Discord refused the connection: the bot asked for an intent it is not allowed (4014). In the Developer Portal open your application → Bot → Privileged Gateway Intents, enable Message Content Intent, then start the channel again (or set channels.discord.intents.messageContent to false to answer only when mentioned).';

/** Gateway close codes after which Discord will not take the same connection back. */
export function closeCodeError(code: number): ChannelError | undefined {
  switch (code) {
    case 4004:
      return new ChannelError(TOKEN_REFUSED, 'fatal');
    case 4014:
      return new ChannelError(INTENTS_DISALLOWED, 'fatal');
    case 4013:
      return new ChannelError(
        'Discord rejected the requested gateway intents as invalid (4013); this is a bug in the gateway, please report it.',
        'fatal',
      );
    case 4010:
    case 4011:
    case 4012:
      return new ChannelError(
        `Discord refused the gateway connection (close code ${code}: sharding or API version); the bot may be in too many servers for one connection.`,
        'fatal',
      );
    default:
      return undefined;
  }
}

function field(error: unknown, key: string): unknown {
  return typeof error === 'object' && error !== null
    ? (error as Record<string, unknown>)[key]
    : undefined;
}

/** A short, token-free description of a library or network error. */
export function describeError(error: unknown, token: string): string {
  const cause = field(error, 'cause');
  const code = field(cause, 'code') ?? field(error, 'code');
  const message = error instanceof Error ? error.message : String(error);
  const text =
    typeof code === 'string' && !message.includes(code) ? `${message} (${code})` : message;
  return redactText(text, [token]);
}

export function toChannelError(error: unknown, token: string): ChannelError {
  if (error instanceof ChannelError) return error;
  const status = field(error, 'status');
  if (field(error, 'code') === 'TokenInvalid' || status === 401) {
    return new ChannelError(TOKEN_REFUSED, 'fatal', { cause: error });
  }
  const detail = describeError(error, token);
  if (typeof status === 'number' && status >= 500) {
    return new ChannelError(
      `Discord answered ${status} (${detail}); the channel will try again.`,
      'transient',
    );
  }
  if (typeof status === 'number') {
    return new ChannelError(`Discord refused the request (${status}: ${detail}).`, 'transient');
  }
  return new ChannelError(
    `Discord is unreachable (${detail}); the channel will try again. Check the network, or DISCORD_API_URL if you set it.`,
    'transient',
  );
}

/** What Discord's usual refusals of a send mean for the user. */
const SEND_HINTS: Record<number, string> = {
  50001: 'the bot cannot see that channel; invite it to the server or give it View Channel there',
  50013:
    'the bot lacks a permission there; give it Send Messages (and Send Messages in Threads, Attach Files) in that channel',
  10003: 'the channel no longer exists, or the bot was removed from its server',
  50007: 'the user does not accept direct messages from the bot',
};

/** A refused send (not a token problem) as an error that says what to do. */
export function sendRefusal(error: unknown, token: string): Error {
  const code = field(error, 'code');
  const hint = typeof code === 'number' ? SEND_HINTS[code] : undefined;
  const detail = describeError(error, token);
  return new Error(`Discord did not accept it: ${detail}${hint ? ` (${hint})` : ''}`, {
    cause: error,
  });
}
