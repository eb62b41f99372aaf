/**
 * `channels.pairing.list / approve / dismiss`: the pending DM pairing requests in the protocol's
 * shapes, approval (with the optional "you can talk now" message and the first command owner),
 * and dismissal. The code doubles as the request id, so the CLI and the app name requests alike.
 */
import type { OpenClawConfig } from '../../config/config-types.js';
import { errorMessage } from '../../infra/errors.js';
import type { Logger } from '../../infra/logger.js';
import type { AccountConnection, ChannelId } from '../contract.js';
import { CHANNEL_FACTS } from '../core/channel-defaults.js';
import type { AccountEntry } from '../core/accounts.js';
import type { PairingApproveResult, PairingList, PairingRequestRow } from '../service-api.js';
import { CHANNEL_IDS } from '../contract.js';
import type { DmPairingRequest, DmPairingStore } from './dm-pairing-store.js';

export type OwnerBootstrap = (
  owner: string,
) => Promise<'configured' | 'already-configured' | 'unavailable'>;

export interface PairingActionsDeps {
  store: DmPairingStore;
  config(): OpenClawConfig;
  entries(channel: ChannelId): { accounts: AccountEntry[] };
  runner(
    channel: ChannelId,
    accountId: string,
  ): { connection(): AccountConnection | undefined } | undefined;
  bootstrapOwner: OwnerBootstrap;
  logger: Logger;
}

export const APPROVED_NOTICE = 'You can now talk to the agent.';

export function commandOwnerConfigured(config: OpenClawConfig): boolean {
  const owners = (config.commands as Record<string, unknown> | undefined)?.ownerAllowFrom;
  return Array.isArray(owners) && owners.length > 0;
}

export class PairingActions {
  constructor(private readonly deps: PairingActionsDeps) {}

  private accountLabel(channel: ChannelId, accountId: string): string | undefined {
    return this.deps.entries(channel).accounts.find((a) => a.account.accountId === accountId)
      ?.account.name;
  }

  private row(channel: ChannelId, request: DmPairingRequest): PairingRequestRow {
    const accountLabel = this.accountLabel(channel, request.accountId);
    return {
      requestId: request.code,
      channel,
      channelLabel: CHANNEL_FACTS[channel].label,
      accountId: request.accountId,
      ...(accountLabel ? { accountLabel } : {}),
      senderId: request.senderId,
      senderLabel: request.senderLabel || request.senderId,
      ...(request.metadata ? { metadata: request.metadata } : {}),
      createdAt: new Date(request.createdAt).toISOString(),
      lastSeenAt: new Date(request.lastSeenAt).toISOString(),
      expiresAt: new Date(request.expiresAt).toISOString(),
      notifySupported: true,
    };
  }

  async list(channel: ChannelId | undefined, accountId: string | undefined): Promise<PairingList> {
    const channels = channel ? [channel] : [...CHANNEL_IDS];
    const accounts: PairingList['accounts'] = [];
    const requests: PairingRequestRow[] = [];
    for (const c of channels) {
      for (const entry of this.deps.entries(c).accounts) {
        if (accountId !== undefined && entry.account.accountId !== accountId) continue;
        accounts.push({
          channel: c,
          channelLabel: CHANNEL_FACTS[c].label,
          accountId: entry.account.accountId,
          ...(entry.account.name ? { accountLabel: entry.account.name } : {}),
          notifySupported: true,
        });
      }
      for (const request of await this.deps.store.list(c, accountId))
        requests.push(this.row(c, request));
    }
    requests.sort((a, b) => a.createdAt.localeCompare(b.createdAt));
    return {
      accounts,
      requests,
      commandOwnerConfigured: commandOwnerConfigured(this.deps.config()),
      limits: {
        pendingPerAccount: this.deps.store.pendingPerAccount,
        ttlMs: this.deps.store.ttlMs,
      },
    };
  }

  async approve(options: {
    channel: ChannelId;
    accountId: string;
    requestId: string;
    notify?: boolean;
    bootstrapCommandOwner?: boolean;
  }): Promise<PairingApproveResult> {
    const request = await this.deps.store.approve(
      options.channel,
      options.accountId,
      options.requestId,
    );
    this.deps.logger.info('pairing approved', {
      channel: options.channel,
      accountId: options.accountId,
      senderId: request.senderId,
    });
    const notification = options.notify
      ? await this.notify(options.channel, request)
      : 'not-requested';
    let commandOwnerBootstrap: PairingApproveResult['commandOwnerBootstrap'] = 'not-requested';
    if (options.bootstrapCommandOwner) {
      try {
        commandOwnerBootstrap = await this.deps.bootstrapOwner(
          `${options.channel}:${request.senderId}`,
        );
      } catch (err) {
        this.deps.logger.warn('command owner not written', { error: errorMessage(err) });
        commandOwnerBootstrap = 'unavailable';
      }
    }
    return {
      requestId: request.code,
      senderId: request.senderId,
      notification,
      commandOwnerBootstrap,
    };
  }

  private async notify(
    channel: ChannelId,
    request: DmPairingRequest,
  ): Promise<PairingApproveResult['notification']> {
    const chatId = request.metadata?.chatId;
    if (!chatId) return 'unsupported';
    const connection = this.deps.runner(channel, request.accountId)?.connection();
    if (!connection) return 'failed';
    try {
      await connection.sendText({ chatId, chatType: 'direct' }, APPROVED_NOTICE);
      return 'sent';
    } catch (err) {
      this.deps.logger.warn('approval notice not sent', { channel, error: errorMessage(err) });
      return 'failed';
    }
  }

  async dismiss(
    channel: ChannelId,
    accountId: string,
    requestId: string,
  ): Promise<{ requestId: string; senderId: string }> {
    const request = await this.deps.store.dismiss(channel, accountId, requestId);
    return { requestId: request.code, senderId: request.senderId };
  }
}
