/**
 * The adapter registry. Each adapter (and its client library: grammy, discord.js, baileys) loads
 * with `import()` the first time one of its accounts starts, never at gateway start: a gateway
 * without `channels` loads none of them (scripts/build.mjs fails the build if one enters the
 * static graph of `gateway run`).
 */
import type { ChannelAdapter, ChannelId } from './contract.js';

export type AdapterLoader = (channel: ChannelId) => Promise<ChannelAdapter>;

const loaded = new Map<ChannelId, Promise<ChannelAdapter>>();

async function importAdapter(channel: ChannelId): Promise<ChannelAdapter> {
  switch (channel) {
    case 'telegram':
      return (await import('./telegram/index.js')).telegramAdapter;
    case 'discord':
      return (await import('./discord/index.js')).discordAdapter;
    case 'whatsapp':
      return (await import('./whatsapp/index.js')).whatsappAdapter;
  }
}

/** The adapter of a channel, loaded once; a failed load is retried on the next call. */
export const loadChannelAdapter: AdapterLoader = (channel) => {
  let pending = loaded.get(channel);
  if (!pending) {
    pending = importAdapter(channel);
    loaded.set(channel, pending);
    pending.catch(() => loaded.delete(channel));
  }
  return pending;
};
