/**
 * One Discord account's connection: a discord.js client with the intents the bot needs, REST
 * pointed at `DISCORD_API_URL`, inbound messages handed to the core, status reported while
 * discord.js reconnects by itself, and `closed` settled when the connection ends for good.
 * discord.js's debug stream can carry the token, so it is never forwarded; warnings are scrubbed.
 */
import { Client, Events, GatewayIntentBits, Partials, type Message } from 'discord.js';
import { redactText } from '../../infra/logger.js';
import {
  ChannelError,
  type AccountConnection,
  type AdapterContext,
  type AdapterEnvironment,
  type ResolvedAccount,
} from '../contract.js';
import { resolveDiscordApiBase } from './api-url.js';
import { normalizeBotToken } from './bot-token.js';
import { closeCodeError, describeError, sendRefusal, toChannelError } from './errors.js';
import { guildEntryFor } from './guild-rules.js';
import { toInbound } from './inbound.js';
import { postMedia, postText, postTyping } from './outbound.js';

/** READY can take a while for a bot in many servers; longer than this means something is wrong. */
const READY_TIMEOUT_MS = 60_000;
/** Upstream's gateway budget: after this many reconnects in a row, let the core restart us. */
const MAX_RECONNECTS = 50;

function readSettings(raw: Record<string, unknown>): {
  allowBots: boolean;
  messageContent: boolean;
} {
  const intents = raw.intents;
  const messageContent =
    typeof intents === 'object' && intents !== null
      ? (intents as Record<string, unknown>).messageContent !== false
      : true;
  return { allowBots: raw.allowBots === true, messageContent };
}

export async function connectDiscord(
  account: ResolvedAccount,
  context: AdapterContext,
  environment: AdapterEnvironment,
): Promise<AccountConnection> {
  const token = normalizeBotToken(account.token ?? '');
  if (token === '') {
    throw new ChannelError(
      'No Discord bot token: set channels.discord.token (or DISCORD_BOT_TOKEN for the default account) to the token from the Developer Portal → Bot.',
      'fatal',
    );
  }
  let base;
  try {
    base = resolveDiscordApiBase(environment.env.DISCORD_API_URL);
  } catch (error) {
    throw new ChannelError((error as Error).message, 'fatal');
  }
  if (context.signal.aborted) {
    throw new ChannelError('The channel was stopped while connecting.', 'transient');
  }
  const settings = readSettings(account.raw);
  const logger = context.logger.child({ channel: 'discord', accountId: account.accountId });
  const client = new Client({
    intents: [
      GatewayIntentBits.Guilds,
      GatewayIntentBits.GuildMessages,
      GatewayIntentBits.DirectMessages,
      ...(settings.messageContent ? [GatewayIntentBits.MessageContent] : []),
    ],
    partials: [Partials.Channel],
    rest: { api: base.api, version: base.version },
  });

  let identity: string | undefined = undefined;
  let ready = false;
  let reconnects = 0;
  let ending: Promise<void> | undefined;
  let failConnect: (error: ChannelError) => void = () => undefined;
  let settle: { resolve: () => void; reject: (error: ChannelError) => void } | undefined;
  const closed = new Promise<void>((resolve, reject) => (settle = { resolve, reject }));
  closed.catch(() => undefined); // the core observes it; never an unhandled rejection

  const end = (error?: ChannelError): Promise<void> => {
    ending ??= (async () => {
      context.onStatus({ connected: false, identity, lastError: error?.message ?? null });
      if (error) logger.error('discord connection ended', { error: error.message });
      await client.destroy().catch(() => undefined);
      if (error) settle?.reject(error);
      else settle?.resolve();
    })();
    return ending;
  };

  client.on(Events.Warn, (warning) =>
    logger.warn('discord.js warning', { detail: redactText(warning, [token]) }),
  );
  // An 'error' event without a listener would throw and take the gateway down.
  client.on(Events.Error, (error) =>
    logger.warn('discord client error', { error: describeError(error, token) }),
  );
  client.on(Events.ShardError, (error) =>
    logger.warn('discord connection error', { error: describeError(error, token) }),
  );
  client.rest.on('rateLimited', (info) =>
    logger.info('discord rate limit, waiting', {
      route: info.route,
      method: info.method,
      retryAfterMs: info.retryAfter,
    }),
  );
  client.on(Events.ShardReconnecting, () => {
    // destroy() closes the socket with 1000, which discord.js also reports as reconnecting.
    if (ending) return;
    reconnects += 1;
    context.onStatus({ connected: false, identity, lastError: 'reconnecting to Discord' });
    if (reconnects === 1) logger.warn('discord connection lost, reconnecting');
    if (reconnects >= MAX_RECONNECTS) {
      void end(
        new ChannelError(
          `Discord did not take the connection back after ${MAX_RECONNECTS} attempts; the channel will try again.`,
          'transient',
        ),
      );
    }
  });
  const onConnected = (): void => {
    if (!ready || ending) return;
    if (reconnects > 0) logger.info('discord reconnected', { attempts: reconnects });
    reconnects = 0;
    context.onStatus({ connected: true, identity, lastError: null });
  };
  client.on(Events.ShardReady, onConnected);
  client.on(Events.ShardResume, onConnected);
  client.on(Events.ShardDisconnect, (event) => {
    const error =
      closeCodeError(event.code) ??
      new ChannelError(`Discord closed the connection (code ${event.code}).`, 'transient');
    if (ready) void end(error);
    else failConnect(error);
  });
  client.on(Events.Invalidated, () => {
    void end(
      new ChannelError(
        'Discord invalidated the session; the channel will start again.',
        'transient',
      ),
    );
  });
  // One chain per channel: a message whose files are still downloading must not be overtaken by
  // the next one from the same chat.
  const chains = new Map<string, Promise<void>>();
  client.on(Events.MessageCreate, (message: Message) => {
    if (!client.user) return;
    const botId = client.user.id;
    const previous = chains.get(message.channelId) ?? Promise.resolve();
    const next = previous
      .then(() =>
        toInbound(message, {
          accountId: account.accountId,
          botId,
          allowBots: settings.allowBots,
          ignoreOtherMentions: (guildId, guildName) =>
            guildEntryFor(account.raw.guilds, guildId, guildName)?.ignoreOtherMentions === true,
          mediaMaxBytes: account.mediaMaxBytes,
          signal: context.signal,
        }),
      )
      .then((inbound) => {
        if (inbound) context.onInbound(inbound);
      })
      .catch((error: unknown) =>
        logger.warn('discord message dropped', {
          messageId: message.id,
          error: describeError(error, token),
        }),
      )
      .finally(() => {
        if (chains.get(message.channelId) === next) chains.delete(message.channelId);
      });
    chains.set(message.channelId, next);
  });

  // Registered before login: against a fast server READY can arrive before login() resolves.
  const readyEvent = new Promise<void>((resolve) =>
    client.once(Events.ClientReady, () => resolve()),
  );
  const failure = new Promise<never>((_, reject) => {
    failConnect = reject;
    context.signal.addEventListener('abort', () =>
      reject(new ChannelError('The channel was stopped while connecting.', 'transient')),
    );
  });
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () =>
        reject(
          new ChannelError(
            `Discord did not finish connecting within ${READY_TIMEOUT_MS / 1000} s; the channel will try again.`,
            'transient',
          ),
        ),
      READY_TIMEOUT_MS,
    );
  });
  const login = client.login(token).then(() => readyEvent);
  login.catch(() => undefined);
  failure.catch(() => undefined);
  try {
    await Promise.race([login, failure, timeout]);
  } catch (error) {
    await client.destroy().catch(() => undefined);
    throw toChannelError(error, token);
  } finally {
    clearTimeout(timer);
  }

  ready = true;
  identity = client.user ? `@${client.user.username}` : undefined;
  logger.info('discord connected', { identity, apiBase: base.url });
  context.onStatus({ connected: true, linked: true, identity, lastError: null });
  context.signal.addEventListener('abort', () => void end());

  const guarded = async <T>(send: () => Promise<T>): Promise<T> => {
    if (ending) {
      throw new Error(
        `The Discord connection of account ${account.accountId} has ended; start the channel again.`,
      );
    }
    try {
      return await send();
    } catch (error) {
      if ((error as { status?: unknown }).status === 401) {
        const fatal = toChannelError(error, token);
        void end(fatal);
        throw fatal;
      }
      throw error instanceof Error && !(error instanceof ChannelError) && 'status' in error
        ? sendRefusal(error, token)
        : error;
    }
  };

  return {
    sendText: (target, text) => guarded(() => postText(client.rest, target, text)),
    sendMedia: (target, media) =>
      guarded(() => postMedia(client.rest, target, media, account.mediaMaxBytes)),
    sendTyping: (target) => guarded(() => postTyping(client.rest, target)),
    closed,
    stop: () => end(),
  };
}
