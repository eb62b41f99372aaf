/**
 * The channel service loads with `import()`: at gateway start only when the config has a
 * `channels` block, otherwise on the first `channels.*` call. A gateway without channels keeps
 * its start-up graph as it was (the core is ~60 KB of code it would otherwise parse at start).
 */
import type { OpenClawConfig } from '../config/config-types.js';
import type { ChannelService, ChannelServiceDeps } from './core/channel-service.js';
import type { ChannelsApi } from './service-api.js';

export class LazyChannelService {
  private service?: Promise<ChannelService>;
  private ready?: ChannelService;
  private closed = false;

  constructor(private readonly deps: () => ChannelServiceDeps) {}

  private load(): Promise<ChannelService> {
    this.service ??= import('./core/channel-service.js').then((m) => {
      this.ready = new m.ChannelService(this.deps());
      return this.ready;
    });
    return this.service;
  }

  /** Bot tokens in use (for log scrubbing); none before the service loads. */
  secrets(): string[] {
    return this.ready?.secrets() ?? [];
  }

  /** Gateway start: start the configured accounts, loading nothing when there are none. */
  async start(config: OpenClawConfig): Promise<void> {
    if (!hasChannels(config) || this.closed) return;
    await (await this.load()).startAll();
  }

  /** Config change: the loaded service reloads; a first `channels` block loads and starts it. */
  async reload(config: OpenClawConfig): Promise<void> {
    if (this.closed) return;
    if (this.service) await (await this.service).reload();
    else if (hasChannels(config)) await (await this.load()).startAll();
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.service) await (await this.service).close();
  }

  /** The API the gateway methods call; the service loads on the first call. */
  api(): ChannelsApi {
    const use = () => this.load();
    return {
      status: async (o) => (await use()).status(o),
      start: async (c, a) => (await use()).start(c, a),
      stop: async (c, a) => (await use()).stop(c, a),
      logout: async (c, a) => (await use()).logout(c, a),
      webLoginStart: async (o) => (await use()).webLoginStart(o),
      webLoginWait: async (o) => (await use()).webLoginWait(o),
      pairingList: async (o) => (await use()).pairingList(o),
      pairingApprove: async (o) => (await use()).pairingApprove(o),
      pairingDismiss: async (o) => (await use()).pairingDismiss(o),
      reload: async () => (await use()).reload(),
      close: () => this.close(),
    };
  }
}

function hasChannels(config: OpenClawConfig): boolean {
  const channels = config.channels as Record<string, unknown> | undefined;
  return channels !== undefined && Object.keys(channels).length > 0;
}
