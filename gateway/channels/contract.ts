/**
 * The channels' shared vocabulary. A chat app (Telegram, Discord, WhatsApp) is an *adapter*: it
 * connects one configured account, turns what arrives into `InboundMessage`s and sends text,
 * media and typing back. Everything between — who may talk to the agent (DM pairing,
 * allowlists, group and mention gating), which session a chat maps to, running the agent,
 * chunking the answer to the channel's limits, supervision with restart backoff, status — is the
 * channel core's (`gateway/channels/core`), written once for every adapter. Adapters import only
 * this file and their client library; the core knows adapters only through `ChannelAdapter`.
 */
import type { OpenClawConfig } from '../config/config-types.js';
import type { Env, StatePaths } from '../config/paths.js';
import type { Logger } from '../infra/logger.js';

export const CHANNEL_IDS = ['telegram', 'discord', 'whatsapp'] as const;
export type ChannelId = (typeof CHANNEL_IDS)[number];

/** `dmPolicy`: who may start a direct conversation with the agent. */
export type DmPolicy = 'pairing' | 'allowlist' | 'open' | 'disabled';
/** `groupPolicy`: which group chats the agent answers in. */
export type GroupPolicy = 'allowlist' | 'open' | 'disabled';

/** A file that came with a message, already downloaded within the account's size cap. */
export interface InboundMedia {
  data: Buffer;
  mimeType: string;
  fileName?: string;
}

/** One message as the core sees it, whatever the channel. */
export interface InboundMessage {
  channel: ChannelId;
  accountId: string;
  /** Where a reply goes: Telegram chat id, Discord channel id, WhatsApp chat JID. */
  chatId: string;
  chatType: 'direct' | 'group';
  /** Telegram forum topic or Discord thread id, when the message is in one. */
  threadId?: string;
  /** The sender, normalized as `allowFrom` lists it (Telegram/Discord user id, WhatsApp E.164). */
  senderId: string;
  /** How people know the sender (username, display name, phone number). */
  senderLabel: string;
  /** The channel's id of this message (replies quote it). */
  messageId: string;
  text: string;
  /** The bot was @mentioned, matched a mention pattern, or the message replies to the bot. */
  mentioned: boolean;
  media: InboundMedia[];
  /** Media left out (over the size cap, failed download), said to the agent in words. */
  mediaSkipped?: string[];
  /** A group's name, for logs and the pairing list. */
  chatLabel?: string;
}

/** Where an answer goes: the chat (and thread) a message came from. */
export interface OutboundTarget {
  chatId: string;
  chatType: 'direct' | 'group';
  threadId?: string;
  /** Quote this message in the first chunk of the answer, where the channel supports it. */
  replyToMessageId?: string;
}

export interface OutboundMedia {
  data: Buffer;
  mimeType: string;
  fileName: string;
  caption?: string;
}

/** What an adapter reports about its connection; the core adds the rest of the status row. */
export interface AdapterStatus {
  connected: boolean;
  /** WhatsApp: credentials hold a linked device. Others: always true once configured. */
  linked?: boolean;
  /** The bot as the channel knows it (`@name`, phone number), for the status line. */
  identity?: string;
  lastError?: string | null;
}

/** The core's side, handed to a started account. */
export interface AdapterContext {
  logger: Logger;
  /** Deliver a message to the core (never throws; the core answers asynchronously). */
  onInbound(message: InboundMessage): void;
  onStatus(status: AdapterStatus): void;
  /** Aborted when the core stops this account. */
  signal: AbortSignal;
}

/** One running account connection. */
export interface AccountConnection {
  /** Sends one message of at most the adapter's `textLimit` characters; returns its id. */
  sendText(target: OutboundTarget, text: string): Promise<{ messageId: string }>;
  sendMedia(target: OutboundTarget, media: OutboundMedia): Promise<{ messageId: string }>;
  /** Shows "typing…" once (the core repeats it while a run lasts). */
  sendTyping(target: OutboundTarget): Promise<void>;
  /**
   * Settles when the connection ends by itself: resolves on a clean end, rejects with a
   * `ChannelError` saying why (the core decides whether and when to restart).
   */
  readonly closed: Promise<void>;
  /** Disconnects; resolves once nothing of this account runs any more. */
  stop(): Promise<void>;
}

/** Why a connection ended, and whether trying again can help. */
export class ChannelError extends Error {
  constructor(
    message: string,
    /** `fatal`: a bad or revoked token, missing intents, logged out — wait for the user. */
    readonly kind: 'fatal' | 'transient',
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'ChannelError';
  }
}

/**
 * One account's settings, merged (account over channel root) and with its secret resolved. The
 * adapter reads its own keys from `raw`; the core reads the policy fields.
 */
export interface ResolvedAccount {
  channel: ChannelId;
  accountId: string;
  name?: string;
  enabled: boolean;
  /** The bot token (Telegram, Discord); undefined for WhatsApp. Never logged. */
  token?: string;
  /** Where the token came from, for status: `config`, `file`, `env`, `secretRef`. */
  tokenSource?: 'config' | 'file' | 'env' | 'secretRef';
  dmPolicy: DmPolicy;
  allowFrom: string[];
  groupPolicy: GroupPolicy;
  groupAllowFrom: string[];
  textChunkLimit: number;
  mediaMaxBytes: number;
  /** The account block as configured (root keys merged under the account's own). */
  raw: Record<string, unknown>;
}

/** Everything an adapter may need besides the account. */
export interface AdapterEnvironment {
  config: OpenClawConfig;
  env: Env;
  paths: StatePaths;
}

/** What a probe found: `ok` with the identity, or the problem in words. */
export interface ChannelProbe {
  ok: boolean;
  identity?: string;
  error?: string;
  [detail: string]: unknown;
}

/** A QR login in progress (WhatsApp). */
export interface QrLogin {
  /** Called with each QR code's text as it rotates (the core renders it), until linked. */
  onQr(listener: (qr: string) => void): void;
  /** Resolves when linked, rejects with a `ChannelError` (expired: transient; refused: fatal). */
  readonly linked: Promise<{ identity: string }>;
  cancel(): Promise<void>;
}

export interface ChannelAdapter {
  readonly id: ChannelId;
  /** `Telegram`, `Discord`, `WhatsApp`. */
  readonly label: string;
  /** Hard limit of one message, in characters (the core chunks to the smaller of this and the config). */
  readonly textLimit: number;
  /** Discord's readability limit on lines per message; none elsewhere. */
  readonly maxLines?: number;
  /** Default `textChunkLimit` and `mediaMaxMb` when the config leaves them out. */
  readonly defaults: { textChunkLimit: number; mediaMaxMb: number };
  /**
   * Problems with an account's own keys (token shape, apiRoot URL, guild map …), each with its
   * config path; the core adds the shared policy checks.
   */
  validate(account: ResolvedAccount, path: string): string[];
  /**
   * The group settings that apply to a group message (Telegram `groups.<chatId>`, Discord
   * `guilds.<id>.channels.<id>`, WhatsApp `groups.<jid>`): whether the group is listed (what
   * `groupPolicy: "allowlist"` needs), whether a mention is required (default true), and a
   * group-specific sender list. The core applies `groupPolicy`, `groupAllowFrom` and mentions.
   */
  groupRule(
    account: ResolvedAccount,
    message: InboundMessage,
  ): { listed: boolean; requireMention: boolean; allowFrom?: string[] };
  /** Connects the account; rejects with a `ChannelError` when it cannot (bad token …). */
  connect(
    account: ResolvedAccount,
    context: AdapterContext,
    environment: AdapterEnvironment,
  ): Promise<AccountConnection>;
  /**
   * A live check of the account's credentials without connecting it (`channels status --probe`):
   * the bot as the service knows it, or what is wrong. Never throws.
   */
  probe?(
    account: ResolvedAccount,
    environment: AdapterEnvironment,
    timeoutMs: number,
  ): Promise<ChannelProbe>;
  /** Whether the account can start without a login step (WhatsApp: linked credentials exist). */
  isLinked?(account: ResolvedAccount, environment: AdapterEnvironment): Promise<boolean>;
  /** Starts a QR login (WhatsApp). */
  startQrLogin?(
    account: ResolvedAccount,
    environment: AdapterEnvironment,
    logger: Logger,
  ): Promise<QrLogin>;
  /** Forgets the account's login (WhatsApp: removes its credentials folder). */
  logout?(account: ResolvedAccount, environment: AdapterEnvironment): Promise<{ cleared: boolean }>;
}
