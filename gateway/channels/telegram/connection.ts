/**
 * One running Telegram account: `getMe` proves the token, `@grammyjs/runner` long-polls
 * `getUpdates`, and the connection object sends text, media and typing. The runner gives up by
 * itself on 401 (token revoked) and 409 (another poller); `closed` reports that to the core as a
 * `ChannelError`. Outgoing calls honour `retry_after` on 429 and retry 5xx (auto-retry); polling
 * retries on its own with backoff.
 */
import { autoRetry } from '@grammyjs/auto-retry';
import { run, sequentialize } from '@grammyjs/runner';
import { Bot, GrammyError, type Transformer } from 'grammy';
import type { Message, UserFromGetMe } from 'grammy/types';
import {
  ChannelError,
  type AccountConnection,
  type AdapterContext,
  type ResolvedAccount,
} from '../contract.js';
import { createBotFetch, grammySignal } from './bot-fetch.js';
import { connectError, pollError } from './errors.js';
import { isForAgent, mediaRefs, toInbound } from './inbound.js';
import { fetchMedia } from './media.js';
import { sendMedia, sendText, sendTyping } from './outbound.js';
import { describeError } from './redact.js';
import { checkApiRoot, isTokenShaped } from './settings.js';

export interface TelegramConnectOptions {
  /** `getUpdates` long-poll timeout in seconds; stop() aborts a poll in flight either way. */
  pollTimeoutSeconds: number;
}

const FAIL_FAST = new Set<string>(['getMe', 'deleteWebhook', 'getUpdates']);
const SEND_RETRY = autoRetry({ maxRetryAttempts: 3, maxDelaySeconds: 60, rethrowHttpErrors: true });

function checkedSettings(account: ResolvedAccount): { token: string; apiRoot: string } {
  const token = account.token?.trim();
  if (!token)
    throw new ChannelError(
      'No Telegram bot token. Create a bot with @BotFather and run `openclaw channels add --channel telegram --token <token>`.',
      'fatal',
    );
  if (!isTokenShaped(token))
    throw new ChannelError(
      'The Telegram bot token does not have the "<digits>:<secret>" shape @BotFather gives out. Copy it again from @BotFather.',
      'fatal',
    );
  const root = checkApiRoot(account.raw.apiRoot);
  if (!root.ok) throw new ChannelError(`channels.telegram.apiRoot ${root.problem}`, 'fatal');
  return { token, apiRoot: root.apiRoot };
}

export async function connectTelegram(
  account: ResolvedAccount,
  context: AdapterContext,
  options: TelegramConnectOptions,
): Promise<AccountConnection> {
  const { token, apiRoot } = checkedSettings(account);
  const logger = context.logger.child({ channel: 'telegram', accountId: account.accountId });
  const stopping = new AbortController();
  const signal = stopping.signal;
  const stopOnAbort = () => stopping.abort();
  context.signal.addEventListener('abort', stopOnAbort, { once: true });

  const bot = new Bot(token, { client: { apiRoot, fetch: createBotFetch() as never } });
  let connected = false;
  const pollWatch: Transformer = async (prev, method, payload, callSignal) => {
    // Connect-time calls and polling fail fast (the core and the runner retry); sends get
    // auto-retry.
    if (!FAIL_FAST.has(method)) return SEND_RETRY(prev, method, payload, callSignal);
    if (method !== 'getUpdates') return prev(method, payload, callSignal);
    try {
      const result = await prev(method, payload, callSignal);
      if (result.ok) {
        if (!connected) context.onStatus({ connected: (connected = true), lastError: null });
      } else if (result.error_code !== 401 && result.error_code !== 409) {
        // 401 and 409 end the runner; `closed` reports those.
        noteFailure(`${result.error_code}: ${result.description}`);
      }
      return result;
    } catch (error) {
      if (!signal.aborted) noteFailure(describeError(error, token));
      throw error;
    }
  };
  const noteFailure = (reason: string) => {
    const message = `Telegram getUpdates failed (${describeError(reason, token)}); retrying`;
    logger.warn(message);
    connected = false;
    context.onStatus({ connected: false, lastError: message });
  };
  bot.api.config.use(pollWatch);

  // Polling and a webhook exclude each other (getUpdates answers 409 while one is set), so a
  // webhook left by an earlier setup goes. A network hiccup here is no reason to stop: a webhook
  // that stays shows up as a 409 on the first poll.
  const dropWebhook = async () => {
    try {
      await bot.api.deleteWebhook({}, grammySignal(signal));
    } catch (error) {
      if (error instanceof GrammyError && error.error_code === 401) {
        context.signal.removeEventListener('abort', stopOnAbort);
        throw connectError(error, apiRoot, token);
      }
      logger.warn('Telegram deleteWebhook failed; polling anyway', {
        error: describeError(error, token),
      });
    }
  };

  let me: UserFromGetMe;
  try {
    // Not `bot.init()`: it retries network errors forever, and the core should hear about them.
    me = await bot.api.getMe(grammySignal(signal));
    bot.botInfo = me;
  } catch (error) {
    context.signal.removeEventListener('abort', stopOnAbort);
    if (signal.aborted) throw new ChannelError('Telegram connect was cancelled.', 'transient');
    const mapped = connectError(error, apiRoot, token);
    logger.warn(mapped.message);
    throw mapped;
  }
  await dropWebhook();
  const identity = `@${me.username}`;
  connected = true;
  context.onStatus({ connected: true, linked: true, identity, lastError: null });
  logger.info('Telegram bot connected', { identity, apiRoot });

  const handleMessage = async (message: Message) => {
    if (!isForAgent(message, me)) return;
    const inbound = toInbound(message, me, account.accountId);
    logger.debug('Telegram message received', {
      chatId: inbound.chatId,
      chatType: inbound.chatType,
      messageId: inbound.messageId,
    });
    const skipped: string[] = [];
    for (const ref of mediaRefs(message)) {
      const outcome = await fetchMedia(ref, {
        api: bot.api,
        apiRoot,
        token,
        maxBytes: account.mediaMaxBytes,
        signal,
      });
      if (outcome.ok) inbound.media.push(outcome.media);
      else skipped.push(outcome.skipped);
    }
    if (skipped.length > 0) {
      inbound.mediaSkipped = skipped;
      logger.info('Telegram media left out', { chatId: inbound.chatId, skipped });
    }
    if (signal.aborted) {
      logger.warn('Telegram message dropped: the account stopped while it arrived', {
        chatId: inbound.chatId,
        messageId: inbound.messageId,
      });
      return;
    }
    context.onInbound(inbound);
  };

  // One chat's messages reach the core in order, even when one of them waits for a download.
  bot.use(sequentialize((ctx) => ctx.chat?.id.toString()));
  bot.on('message', (ctx) => handleMessage(ctx.message));
  bot.catch((error) => {
    logger.warn('Telegram update failed', { error: describeError(error.error, token) });
  });

  const runner = run(bot, {
    runner: {
      // The runner would print fetch errors whose text holds the request URL (with the token).
      silent: true,
      fetch: { timeout: options.pollTimeoutSeconds, allowed_updates: ['message'] },
    },
  });

  const closed = (runner.task() ?? Promise.resolve()).then(
    () => undefined,
    (error: unknown) => {
      const mapped = pollError(error, token);
      logger.warn(mapped.message);
      context.onStatus({ connected: false, lastError: mapped.message });
      throw mapped;
    },
  );
  // The core reads `closed` when it wants; an early failure must not count as unhandled.
  closed.catch(() => {});

  let stopped: Promise<void> | undefined;
  const stop = (): Promise<void> =>
    (stopped ??= (async () => {
      stopping.abort();
      context.signal.removeEventListener('abort', stopOnAbort);
      await Promise.resolve(runner.isRunning() ? runner.stop() : undefined).catch(() => {});
      context.onStatus({ connected: false });
      logger.info('Telegram bot stopped', { identity });
    })());
  if (context.signal.aborted) await stop();
  else context.signal.addEventListener('abort', () => void stop(), { once: true });

  return {
    sendText: (target, text) => sendText(bot.api, target, text, signal),
    sendMedia: (target, media) => sendMedia(bot.api, target, media, signal),
    sendTyping: (target) => sendTyping(bot.api, target, signal),
    closed,
    stop,
  };
}
