/**
 * What the rest of the gateway asks of the channels (the `channels.*`, `web.login.*` and
 * `channels.pairing.*` methods, the CLI through them, and start-up): one object, implemented by
 * the channel core. Result shapes follow `@openclaw/gateway-protocol` where it defines them
 * (status, pairing) and upstream's documented answers elsewhere (start, stop, logout, web login).
 */
import type { ChannelId } from './contract.js';

export interface ChannelAccountStatus {
  accountId: string;
  name?: string;
  enabled: boolean;
  configured: boolean;
  linked: boolean;
  running: boolean;
  connected: boolean;
  reconnectAttempts: number;
  lastConnectedAt: number | null;
  lastStartAt: number | null;
  lastStopAt: number | null;
  lastInboundAt: number | null;
  lastOutboundAt: number | null;
  lastError: string | null;
  dmPolicy: string;
  allowFrom: string[];
  tokenSource?: string;
  /** The bot as the channel knows it (`@name`, a phone number). */
  identity?: string;
  [key: string]: unknown;
}

/** `channels.status` (ChannelsStatusResult). */
export interface ChannelsStatus {
  ts: number;
  channelOrder: ChannelId[];
  channelLabels: Record<string, string>;
  channels: Record<string, { configured: boolean; running: boolean; connected: boolean }>;
  channelAccounts: Record<string, ChannelAccountStatus[]>;
  channelDefaultAccountId: Record<string, string>;
  warnings?: string[];
}

export type StartOutcome =
  | { status: 'handed-off' }
  | { status: 'retry'; reason: 'start-in-flight' | 'stop-in-flight' }
  | {
      status: 'skipped';
      reason: 'disabled' | 'unconfigured' | 'unlinked' | 'secret-unavailable';
    };

/** `channels.pairing.list` request rows (ChannelsPairingListResult). */
export interface PairingRequestRow {
  requestId: string;
  channel: ChannelId;
  channelLabel: string;
  accountId: string;
  accountLabel?: string;
  senderId: string;
  senderLabel: string;
  metadata?: Record<string, string>;
  createdAt: string;
  lastSeenAt: string;
  expiresAt: string;
  notifySupported: boolean;
}

export interface PairingList {
  accounts: Array<{
    channel: ChannelId;
    channelLabel: string;
    accountId: string;
    accountLabel?: string;
    notifySupported: boolean;
  }>;
  requests: PairingRequestRow[];
  commandOwnerConfigured: boolean;
  limits: { pendingPerAccount: number; ttlMs: number };
}

export interface PairingApproveResult {
  requestId: string;
  senderId: string;
  notification: 'not-requested' | 'sent' | 'unsupported' | 'failed';
  commandOwnerBootstrap: 'not-requested' | 'configured' | 'already-configured' | 'unavailable';
}

export interface ChannelsApi {
  status(options: {
    channel?: string;
    probe?: boolean;
    timeoutMs?: number;
  }): Promise<ChannelsStatus>;
  start(
    channel: string,
    accountId?: string,
  ): Promise<{
    channel: ChannelId;
    accountId: string;
    started: boolean;
    outcome: StartOutcome;
  }>;
  stop(
    channel: string,
    accountId?: string,
  ): Promise<{ channel: ChannelId; accountId: string; stopped: boolean }>;
  /** Stops the account and forgets its login (WhatsApp credentials); config is untouched. */
  logout(
    channel: string,
    accountId?: string,
  ): Promise<{ channel: ChannelId; accountId: string; cleared: boolean }>;
  /** A QR for linking WhatsApp (`qrDataUrl` is a PNG data URL). */
  webLoginStart(options: {
    channel?: string;
    accountId?: string;
    force?: boolean;
    timeoutMs?: number;
  }): Promise<{ qrDataUrl?: string; message: string; sessionKey?: string }>;
  /** Waits for the scan; on success the account is started. */
  webLoginWait(options: {
    channel?: string;
    accountId?: string;
    sessionKey?: string;
    timeoutMs?: number;
    currentQrDataUrl?: string;
  }): Promise<{ connected: boolean; message: string; qrDataUrl?: string }>;
  pairingList(options: { channel?: string; accountId?: string }): Promise<PairingList>;
  pairingApprove(options: {
    channel: string;
    accountId: string;
    requestId: string;
    notify?: boolean;
    bootstrapCommandOwner?: boolean;
  }): Promise<PairingApproveResult>;
  pairingDismiss(options: {
    channel: string;
    accountId: string;
    requestId: string;
  }): Promise<{ requestId: string; senderId: string }>;
  /** Apply a changed config: start, stop or restart only the accounts it changes. */
  reload(): Promise<void>;
  close(): Promise<void>;
}
