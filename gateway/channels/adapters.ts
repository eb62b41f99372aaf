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
  // The adapter modules come from their own branches; until they are merged these imports have
  // no target, hence the suppressions (remove them once gateway/channels/<id>/index.ts exist).
  switch (channel) {
    case 'telegram':
      // eslint-disable-next-line @typescript-eslint/ban-ts-comment
      // @ts-ignore
      return ((await import('./telegram/index.js')) as { telegramAdapter: ChannelAdapter })
        .telegramAdapter;
    case 'discord':
      // eslint-disable-next-line @typescript-eslint/ban-ts-comment
      // @ts-ignore
      return ((await import('./discord/index.js')) as { discordAdapter: ChannelAdapter })
        .discordAdapter;
    case 'whatsapp':
      // eslint-disable-next-line @typescript-eslint/ban-ts-comment
      // @ts-ignore
      return ((await import('./whatsapp/index.js')) as { whatsappAdapter: ChannelAdapter })
        .whatsappAdapter;
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
