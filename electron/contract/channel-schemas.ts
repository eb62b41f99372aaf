/**
 * The Channels page and the chat-app half of Approvals: what the host answers about the gateway's
 * channels (`channels.status` rows, the WhatsApp QR login, DM pairing requests) and the channel
 * settings it writes into `openclaw.json`. Tokens never come back: only whether one is set.
 */
import { Type, type Static } from 'typebox';

export const ChannelIdSchema = Type.Union([
  Type.Literal('telegram'),
  Type.Literal('discord'),
  Type.Literal('whatsapp'),
]);
export type ChannelIdView = Static<typeof ChannelIdSchema>;

export const DmPolicySchema = Type.Union([
  Type.Literal('pairing'),
  Type.Literal('allowlist'),
  Type.Literal('open'),
  Type.Literal('disabled'),
]);
export type DmPolicyView = Static<typeof DmPolicySchema>;

const AccountId = Type.String({ minLength: 1, maxLength: 64 });
const Nullable = <T extends ReturnType<typeof Type.Number>>(t: T) => Type.Union([t, Type.Null()]);

export const ChannelAccountViewSchema = Type.Object({
  accountId: Type.String(),
  name: Type.Optional(Type.String()),
  enabled: Type.Boolean(),
  configured: Type.Boolean(),
  linked: Type.Boolean(),
  running: Type.Boolean(),
  connected: Type.Boolean(),
  reconnectAttempts: Type.Number(),
  lastConnectedAt: Nullable(Type.Number()),
  lastInboundAt: Nullable(Type.Number()),
  lastOutboundAt: Nullable(Type.Number()),
  lastError: Type.Union([Type.String(), Type.Null()]),
  dmPolicy: Type.String(),
  identity: Type.Optional(Type.String()),
  tokenSource: Type.Optional(Type.String()),
});
export type ChannelAccountView = Static<typeof ChannelAccountViewSchema>;

/** One channel as the page shows it: the gateway's status rows plus what the config says. */
export const ChannelViewSchema = Type.Object({
  channel: ChannelIdSchema,
  label: Type.String(),
  /** A `channels.<id>` block exists in openclaw.json. */
  inConfig: Type.Boolean(),
  enabled: Type.Boolean(),
  /** A token is written in the config (Telegram botToken / tokenFile, Discord token). */
  tokenSet: Type.Boolean(),
  dmPolicy: DmPolicySchema,
  allowFrom: Type.Array(Type.String()),
  accounts: Type.Array(ChannelAccountViewSchema),
});
export type ChannelView = Static<typeof ChannelViewSchema>;

export const ChannelsViewSchema = Type.Object({
  /** The config file's hash when read; a save names it so an edit made meanwhile is refused. */
  baseHash: Type.Union([Type.String(), Type.Null()]),
  channels: Type.Array(ChannelViewSchema),
  /** Why the live status is missing (gateway stopped, not connected); the config part still shows. */
  statusError: Type.Optional(Type.String()),
  warnings: Type.Array(Type.String()),
});
export type ChannelsView = Static<typeof ChannelsViewSchema>;

export const ChannelSaveSchema = Type.Object(
  {
    channel: ChannelIdSchema,
    baseHash: Type.Union([Type.String(), Type.Null()]),
    /** Telegram bot token or Discord bot token; omitted keeps the one written. */
    token: Type.Optional(Type.String({ minLength: 1, maxLength: 256 })),
    enabled: Type.Optional(Type.Boolean()),
    dmPolicy: Type.Optional(DmPolicySchema),
    allowFrom: Type.Optional(
      Type.Array(Type.String({ minLength: 1, maxLength: 128 }), { maxItems: 200 }),
    ),
  },
  { additionalProperties: false },
);
export type ChannelSave = Static<typeof ChannelSaveSchema>;

export const ChannelTargetSchema = Type.Object(
  { channel: ChannelIdSchema, accountId: Type.Optional(AccountId) },
  { additionalProperties: false },
);

export const WebLoginStartSchema = Type.Object(
  { accountId: Type.Optional(AccountId), force: Type.Optional(Type.Boolean()) },
  { additionalProperties: false },
);
export const WebLoginWaitSchema = Type.Object(
  {
    accountId: Type.Optional(AccountId),
    currentQrDataUrl: Type.Optional(Type.String({ maxLength: 200_000 })),
  },
  { additionalProperties: false },
);
export const WebLoginResultSchema = Type.Object({
  connected: Type.Boolean(),
  message: Type.String(),
  qrDataUrl: Type.Optional(Type.String()),
});
export type WebLoginResult = Static<typeof WebLoginResultSchema>;

/** A chat-app sender asking to talk to the agent (DM pairing, not device pairing). */
export const DmRequestViewSchema = Type.Object({
  requestId: Type.String(),
  channel: Type.String(),
  channelLabel: Type.String(),
  accountId: Type.String(),
  accountLabel: Type.Optional(Type.String()),
  senderId: Type.String(),
  senderLabel: Type.String(),
  /** The code the sender was sent (what `openclaw pairing approve` takes). */
  code: Type.String(),
  createdAt: Type.Number(),
  expiresAt: Type.Number(),
});
export type DmRequestView = Static<typeof DmRequestViewSchema>;

export const DmRequestsViewSchema = Type.Object({
  requests: Type.Array(DmRequestViewSchema),
  /** False: the first approval may make its sender the command owner. */
  commandOwnerConfigured: Type.Boolean(),
});
export type DmRequestsView = Static<typeof DmRequestsViewSchema>;

export const DmRequestActionSchema = Type.Object(
  {
    channel: ChannelIdSchema,
    accountId: AccountId,
    requestId: Type.String({ minLength: 1, maxLength: 128 }),
    bootstrapCommandOwner: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);
export type DmRequestAction = Static<typeof DmRequestActionSchema>;
