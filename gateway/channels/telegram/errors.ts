/**
 * What a failed Bot API call means for the account: a refused token waits for the user (fatal),
 * everything else is worth another try (transient). Messages say what to do next and never
 * carry the token.
 */
import { GrammyError, HttpError } from 'grammy';
import { ChannelError } from '../contract.js';
import { describeError } from './redact.js';

const ADD_TOKEN_HINT =
  'Create a new token with @BotFather (/token or /revoke) and run `openclaw channels add --channel telegram --token <token>`.';

/** `getMe` at connect: 401/404 mean Telegram does not accept this token. */
export function connectError(error: unknown, apiRoot: string, token: string): ChannelError {
  if (error instanceof GrammyError) {
    if (error.error_code === 401)
      return new ChannelError(
        `Telegram refused the bot token (401 Unauthorized). ${ADD_TOKEN_HINT}`,
        'fatal',
      );
    if (error.error_code === 404)
      return new ChannelError(
        `The Bot API at ${apiRoot} does not know this bot token (404 Not Found). Check the token (${ADD_TOKEN_HINT}) and that apiRoot is a Telegram Bot API server root.`,
        'fatal',
      );
    return pollError(error, token);
  }
  if (error instanceof HttpError)
    return new ChannelError(
      `Cannot reach the Telegram Bot API at ${apiRoot}: ${describeError(error, token)}. Check the network (or apiRoot); retrying.`,
      'transient',
    );
  return new ChannelError(`Telegram connect failed: ${describeError(error, token)}`, 'transient');
}

/** The runner stopped on its own (it gives up on 401 and 409 without retrying). */
export function pollError(error: unknown, token: string): ChannelError {
  if (error instanceof GrammyError) {
    if (error.error_code === 401)
      return new ChannelError(
        `Telegram refused the bot token (401 Unauthorized); it was revoked or replaced. ${ADD_TOKEN_HINT}`,
        'fatal',
      );
    if (error.error_code === 409)
      return new ChannelError(
        'Telegram says another program polls this bot token (409 Conflict). Stop the other bot instance or gateway using this token (or remove its webhook); retrying.',
        'transient',
      );
    return new ChannelError(
      `Telegram answered ${error.error_code}: ${describeError(error.description, token)}`,
      'transient',
    );
  }
  return new ChannelError(`Telegram polling failed: ${describeError(error, token)}`, 'transient');
}
