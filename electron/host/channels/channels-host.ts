/**
 * The Channels page's host side: the gateway's `channels.status` rows merged with what
 * `openclaw.json` says (so a channel set up while the gateway is stopped still shows), and the
 * actions that go through the gateway (start, stop, log out, the WhatsApp QR login).
 */
import { errorMessage } from '../../../gateway/infra/errors.js';
import type {
  ChannelAccountView,
  ChannelIdView,
  ChannelSave,
  ChannelsView,
  WebLoginResult,
} from '../../contract/channel-schemas.js';
import type { ChannelRequestSource } from './channel-requests.js';
import {
  CHANNEL_NAMES,
  type ChannelSettings,
  type ChannelSettingsSnapshot,
} from './channel-settings.js';

/** A QR wait returns after this long without a scan, so the page can show a rotated code. */
const LOGIN_WAIT_MS = 20_000;

export class ChannelsHost {
  constructor(
    private readonly source: ChannelRequestSource,
    private readonly settings: ChannelSettings,
  ) {}

  async view(): Promise<ChannelsView> {
    const config = await this.settings.read();
    if (!this.source.connected)
      return mergeChannelsView(
        config,
        undefined,
        'The gateway is not connected; start it on the Dashboard to see live status.',
      );
    try {
      const status = await this.source.request<unknown>('channels.status', {});
      return mergeChannelsView(config, status);
    } catch (err) {
      return mergeChannelsView(config, undefined, errorMessage(err));
    }
  }

  save(input: ChannelSave): Promise<void> {
    return this.settings.save(input);
  }

  async start(channel: ChannelIdView, accountId?: string): Promise<void> {
    await this.source.request('channels.start', { channel, ...(accountId ? { accountId } : {}) });
  }

  async stop(channel: ChannelIdView, accountId?: string): Promise<void> {
    await this.source.request('channels.stop', { channel, ...(accountId ? { accountId } : {}) });
  }

  async logout(channel: ChannelIdView, accountId?: string): Promise<void> {
    await this.source.request('channels.logout', { channel, ...(accountId ? { accountId } : {}) });
  }

  async loginStart(accountId?: string, force?: boolean): Promise<WebLoginResult> {
    const result = await this.source.request<Record<string, unknown>>('web.login.start', {
      channel: 'whatsapp',
      ...(accountId ? { accountId } : {}),
      ...(force ? { force: true } : {}),
    });
    return loginResult(result, false);
  }

  async loginWait(accountId?: string, currentQrDataUrl?: string): Promise<WebLoginResult> {
    const result = await this.source.request<Record<string, unknown>>(
      'web.login.wait',
      {
        channel: 'whatsapp',
        ...(accountId ? { accountId } : {}),
        ...(currentQrDataUrl ? { currentQrDataUrl } : {}),
        timeoutMs: LOGIN_WAIT_MS,
      },
      { timeoutMs: LOGIN_WAIT_MS + 10_000 },
    );
    return loginResult(result, result.connected === true);
  }
}

function loginResult(raw: Record<string, unknown>, connected: boolean): WebLoginResult {
  const qr =
    typeof raw.qrDataUrl === 'string' && raw.qrDataUrl.startsWith('data:image/png;base64,')
      ? raw.qrDataUrl
      : undefined;
  return {
    connected,
    message: typeof raw.message === 'string' ? raw.message : '',
    ...(qr ? { qrDataUrl: qr } : {}),
  };
}

/** Config view + live rows (undefined when the gateway could not be asked, with the reason). */
export function mergeChannelsView(
  config: ChannelSettingsSnapshot,
  status: unknown,
  statusError?: string,
): ChannelsView {
  const live = isRecord(status) ? status : {};
  const rows = isRecord(live.channelAccounts) ? live.channelAccounts : {};
  const warnings = Array.isArray(live.warnings) ? live.warnings.map(String) : [];
  return {
    baseHash: config.baseHash,
    channels: config.channels.map((c) => ({
      ...c,
      label: CHANNEL_NAMES[c.channel],
      accounts: (Array.isArray(rows[c.channel]) ? (rows[c.channel] as unknown[]) : [])
        .filter(isRecord)
        .map(accountView),
    })),
    ...(statusError ? { statusError } : {}),
    warnings,
  };
}

function accountView(row: Record<string, unknown>): ChannelAccountView {
  const num = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : null);
  const text = (v: unknown) => (typeof v === 'string' && v !== '' ? v : undefined);
  const name = text(row.name);
  const identity = text(row.identity);
  const tokenSource = text(row.tokenSource);
  return {
    accountId: text(row.accountId) ?? 'default',
    ...(name ? { name } : {}),
    enabled: row.enabled !== false,
    configured: row.configured === true,
    linked: row.linked === true,
    running: row.running === true,
    connected: row.connected === true,
    reconnectAttempts: num(row.reconnectAttempts) ?? 0,
    lastConnectedAt: num(row.lastConnectedAt),
    lastInboundAt: num(row.lastInboundAt),
    lastOutboundAt: num(row.lastOutboundAt),
    lastError: text(row.lastError) ?? null,
    dmPolicy: text(row.dmPolicy) ?? 'pairing',
    ...(identity ? { identity } : {}),
    ...(tokenSource ? { tokenSource } : {}),
  };
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
