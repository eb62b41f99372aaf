/**
 * The Channels page's settings in `openclaw.json`: a chat app's bot token, whether it is on, and
 * who may write to the agent in a DM (dmPolicy, allowFrom). Written through the config store
 * against the hash the page read, so an edit made meanwhile (CLI, Control UI, an editor) is
 * refused rather than overwritten; the gateway applies the change on its config reload. Keys are
 * upstream's (Telegram `botToken`, Discord `token`); the app edits the channel's top-level
 * (default) account, and never hands a token back, only whether one is set.
 */
import { loadConfigSnapshot, updateConfigDocument } from '../../../gateway/config/config-store.js';
import { isPlainObject } from '../../../gateway/config/json-value.js';
import type { StatePaths } from '../../../gateway/config/paths.js';
import { ErrorCode, OpenClawError } from '../../../gateway/infra/errors.js';
import type { ChannelIdView, ChannelSave, DmPolicyView } from '../../contract/channel-schemas.js';
import { keepOwnership } from '../../../docker/setup/sandbox-config.js';
import { assumeSet } from '../model/model-view.js';

export const CHANNEL_IDS: readonly ChannelIdView[] = ['telegram', 'discord', 'whatsapp'];
export const CHANNEL_NAMES: Record<ChannelIdView, string> = {
  telegram: 'Telegram',
  discord: 'Discord',
  whatsapp: 'WhatsApp',
};
const DM_POLICIES: readonly DmPolicyView[] = ['pairing', 'allowlist', 'open', 'disabled'];

export interface ChannelConfigView {
  channel: ChannelIdView;
  inConfig: boolean;
  enabled: boolean;
  tokenSet: boolean;
  dmPolicy: DmPolicyView;
  allowFrom: string[];
}

export interface ChannelSettingsSnapshot {
  baseHash: string | null;
  channels: ChannelConfigView[];
}

/** The token's shape, checked before anything is written (the same rule as the CLI's). */
export function checkTokenShape(channel: ChannelIdView, token: string): string | undefined {
  if (channel === 'telegram' && !/^\d+:[A-Za-z0-9_-]{20,}$/.test(token))
    return 'That does not look like a Telegram bot token: it is digits, a colon, then about 35 letters, as @BotFather sends it. Copy it again from your chat with @BotFather.';
  if (channel === 'discord' && !/^[A-Za-z0-9._-]{50,}$/.test(token))
    return 'That does not look like a Discord bot token. In the Discord Developer Portal open your application → Bot → Reset Token, and paste the whole token.';
  if (channel === 'whatsapp')
    return 'WhatsApp has no token: link a phone with its QR code instead.';
  return undefined;
}

/** Why this DM policy cannot be saved as it stands, in words (undefined: it can). */
export function checkDmPolicy(
  policy: DmPolicyView,
  allowFrom: readonly string[],
): string | undefined {
  if (policy === 'allowlist' && allowFrom.filter((s) => s !== '*').length === 0)
    return 'An allowlist with nobody on it lets nobody in. Add the sender ids allowed to write, or choose "Pairing" to approve senders one by one.';
  return undefined;
}

export class ChannelSettings {
  constructor(private readonly statePaths: () => StatePaths) {}

  async read(): Promise<ChannelSettingsSnapshot> {
    const paths = this.statePaths();
    const snapshot = await loadConfigSnapshot(paths, await assumeSet(paths.configPath));
    const doc = isPlainObject(snapshot.parsed) ? snapshot.parsed : {};
    const channels = isPlainObject(doc.channels) ? doc.channels : {};
    return {
      baseHash: snapshot.hash,
      channels: CHANNEL_IDS.map((channel) => viewOf(channel, channels[channel])),
    };
  }

  async save(input: ChannelSave): Promise<void> {
    const token = input.token?.trim();
    if (token !== undefined) {
      const problem = checkTokenShape(input.channel, token);
      if (problem) throw new OpenClawError(ErrorCode.INVALID_ARGUMENT, problem);
    }
    const allowFrom = input.allowFrom?.map((s) => s.trim()).filter(Boolean);
    const paths = this.statePaths();
    await updateConfigDocument(
      paths,
      (doc) => {
        const channels = isPlainObject(doc.channels) ? doc.channels : {};
        const block: Record<string, unknown> = isPlainObject(channels[input.channel])
          ? { ...(channels[input.channel] as Record<string, unknown>) }
          : {};
        if (token !== undefined) {
          if (input.channel === 'telegram') {
            block.botToken = token;
            // One source for the token: a stale file would otherwise win on the next start.
            delete block.tokenFile;
          } else block.token = token;
        }
        if (input.enabled !== undefined) block.enabled = input.enabled;
        const policy = input.dmPolicy ?? (block.dmPolicy as DmPolicyView | undefined);
        if (input.dmPolicy !== undefined || allowFrom !== undefined) {
          const nextPolicy = policy ?? 'pairing';
          let list = allowFrom ?? strings(block.allowFrom);
          // "open" means anyone: upstream spells that as "*" in allowFrom.
          if (nextPolicy === 'open' && !list.includes('*')) list = [...list, '*'];
          if (nextPolicy !== 'open') list = list.filter((s) => s !== '*');
          const problem = checkDmPolicy(nextPolicy, list);
          if (problem) throw new OpenClawError(ErrorCode.INVALID_ARGUMENT, problem);
          block.dmPolicy = nextPolicy;
          if (list.length > 0) block.allowFrom = list;
          else delete block.allowFrom;
        }
        return { ...doc, channels: { ...channels, [input.channel]: block } };
      },
      { env: await assumeSet(paths.configPath), baseHash: input.baseHash },
    );
    await keepOwnership(paths.configPath);
  }
}

function viewOf(channel: ChannelIdView, raw: unknown): ChannelConfigView {
  const block = isPlainObject(raw) ? raw : undefined;
  const accounts = block && isPlainObject(block.accounts) ? Object.values(block.accounts) : [];
  const hasToken = (b: Record<string, unknown>) =>
    channel === 'telegram'
      ? b.botToken !== undefined || b.tokenFile !== undefined
      : channel === 'discord'
        ? b.token !== undefined
        : false;
  const policy = block?.dmPolicy;
  return {
    channel,
    inConfig: block !== undefined,
    enabled: block !== undefined && block.enabled !== false,
    tokenSet: block
      ? hasToken(block) || accounts.some((a) => isPlainObject(a) && hasToken(a))
      : false,
    dmPolicy: DM_POLICIES.includes(policy as DmPolicyView) ? (policy as DmPolicyView) : 'pairing',
    allowFrom: strings(block?.allowFrom),
  };
}

function strings(v: unknown): string[] {
  return Array.isArray(v) ? v.map(String) : [];
}
