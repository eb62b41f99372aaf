import { describe, expect, it } from 'vitest';
import { ManualClock, settle } from '../pairing/testing/fakes.js';
import { computeStatus } from '../supervisor/status-phase.js';
import { buildTrayMenu } from '../supervisor/tray-model.js';
import {
  ChannelRequests,
  parseDmRequests,
  pendingApprovals,
  type ChannelRequestSource,
} from './channel-requests.js';

const HOUR = 3_600_000;

/** The gateway's side as the poller sees it: a list that changes, and the two actions. */
class GatewayRows implements ChannelRequestSource {
  connected = true;
  rows: Record<string, unknown>[] = [];
  ownerConfigured = false;
  readonly calls: Array<{ method: string; params: Record<string, unknown> }> = [];

  async request<T>(method: string, params: unknown = {}): Promise<T> {
    const p = params as Record<string, unknown>;
    this.calls.push({ method, params: p });
    if (method === 'channels.pairing.list')
      return { requests: this.rows, commandOwnerConfigured: this.ownerConfigured } as T;
    if (method === 'channels.pairing.approve' || method === 'channels.pairing.dismiss') {
      this.rows = this.rows.filter((r) => r.requestId !== p.requestId);
      const bootstrap = p.bootstrapCommandOwner === true;
      if (bootstrap) this.ownerConfigured = true;
      return {
        requestId: p.requestId,
        commandOwnerBootstrap: bootstrap ? 'configured' : 'not-requested',
      } as T;
    }
    throw new Error(`unexpected ${method}`);
  }
}

function row(clock: ManualClock, code: string, sender: string, ageMs = 0) {
  const created = clock.now() - ageMs;
  return {
    requestId: code,
    channel: 'telegram',
    channelLabel: 'Telegram',
    accountId: 'default',
    senderId: sender,
    senderLabel: `@user${sender}`,
    createdAt: new Date(created).toISOString(),
    lastSeenAt: new Date(created).toISOString(),
    expiresAt: new Date(created + HOUR).toISOString(),
    notifySupported: true,
  };
}

function setup() {
  const clock = new ManualClock(Date.parse('2026-12-04T12:00:00Z'));
  const gateway = new GatewayRows();
  const requests = new ChannelRequests(gateway, {
    intervalMs: 4000,
    now: clock.now,
    setTimer: clock.setTimer,
  });
  const changes: number[] = [];
  requests.onChange((view) => changes.push(view.requests.length));
  return { clock, gateway, requests, changes };
}

describe('ChannelRequests (DM pairing for the Approvals page)', () => {
  it('lists every few seconds while connected and tells listeners only on a change', async () => {
    const { clock, gateway, requests, changes } = setup();
    gateway.rows = [row(clock, 'ABCD2345', '42', 60_000)];
    clock.advance(0);
    await settle();
    expect(requests.current().requests.map((r) => [r.code, r.senderLabel])).toEqual([
      ['ABCD2345', '@user42'],
    ]);
    expect(requests.current().commandOwnerConfigured).toBe(false);
    clock.advance(4000);
    await settle();
    expect(changes).toEqual([1]);
    gateway.rows.push(row(clock, 'WXYZ6789', '43'));
    clock.advance(4000);
    await settle();
    expect(changes).toEqual([1, 2]);
    expect(gateway.calls.filter((c) => c.method === 'channels.pairing.list')).toHaveLength(3);
  });

  it('announces each new request once, however often it is listed', async () => {
    const { clock, gateway, requests } = setup();
    const arrivals: string[] = [];
    requests.onArrival((r) => arrivals.push(r.code));
    gateway.rows = [row(clock, 'ABCD2345', '42')];
    await requests.refresh();
    gateway.rows.push(row(clock, 'WXYZ6789', '43'));
    await requests.refresh();
    await requests.refresh();
    expect(arrivals).toEqual(['ABCD2345', 'WXYZ6789']);
  });

  it('drops a request past its expiry without waiting for the gateway', async () => {
    const { clock, gateway, requests } = setup();
    gateway.rows = [row(clock, 'ABCD2345', '42', HOUR - 1000)];
    clock.advance(0);
    await settle();
    expect(requests.count()).toBe(1);
    gateway.connected = false; // no new list: the expiry alone removes it
    clock.advance(1000);
    expect(requests.count()).toBe(0);
  });

  it('approves with the command-owner choice and dismisses through the gateway', async () => {
    const { clock, gateway, requests } = setup();
    gateway.rows = [row(clock, 'ABCD2345', '42'), row(clock, 'WXYZ6789', '43')];
    await requests.refresh();
    const first = await requests.approve({
      channel: 'telegram',
      accountId: 'default',
      requestId: 'ABCD2345',
      bootstrapCommandOwner: true,
    });
    expect(first).toEqual({ commandOwner: true });
    expect(requests.current().commandOwnerConfigured).toBe(true);
    await requests.dismiss({ channel: 'telegram', accountId: 'default', requestId: 'WXYZ6789' });
    expect(requests.count()).toBe(0);
    expect(gateway.calls.filter((c) => c.method !== 'channels.pairing.list')).toEqual([
      {
        method: 'channels.pairing.approve',
        params: {
          channel: 'telegram',
          accountId: 'default',
          requestId: 'ABCD2345',
          bootstrapCommandOwner: true,
        },
      },
      {
        method: 'channels.pairing.dismiss',
        params: { channel: 'telegram', accountId: 'default', requestId: 'WXYZ6789' },
      },
    ]);
  });

  it('counts nothing while the gateway is not connected (nothing shown could be acted on)', async () => {
    const { clock, gateway, requests } = setup();
    gateway.rows = [row(clock, 'ABCD2345', '42')];
    clock.advance(0);
    await settle();
    expect(requests.count()).toBe(1);
    gateway.connected = false;
    clock.advance(4000);
    await settle();
    expect(requests.count()).toBe(0);
  });

  it('skips rows it cannot read and sorts oldest first', () => {
    const now = Date.parse('2026-12-04T12:00:00Z');
    const clock = new ManualClock(now);
    const view = parseDmRequests({
      requests: [
        row(clock, 'NEW22222', '2'),
        { requestId: 'BROKEN' },
        row(clock, 'OLD33333', '3', 5000),
      ],
      commandOwnerConfigured: true,
    });
    expect(view.requests.map((r) => r.code)).toEqual(['OLD33333', 'NEW22222']);
    expect(parseDmRequests(null)).toEqual({ requests: [], commandOwnerConfigured: true });
  });
});

describe('the tray badge count', () => {
  it('adds device requests and chat senders waiting', async () => {
    const { clock, gateway, requests } = setup();
    gateway.rows = [row(clock, 'ABCD2345', '42'), row(clock, 'WXYZ6789', '43')];
    await requests.refresh();
    expect(pendingApprovals(1, requests.count())).toBe(3);
    expect(pendingApprovals(0, 0)).toBe(0);
  });

  it('two chat senders and no device: the tray asks for attention with "Approvals (2)…"', async () => {
    const { clock, gateway, requests } = setup();
    gateway.rows = [row(clock, 'ABCD2345', '42'), row(clock, 'WXYZ6789', '43')];
    await requests.refresh();
    const now = clock.now();
    const status = computeStatus({
      now,
      port: 18789,
      engine: 'ready',
      stackSetUp: true,
      container: { state: 'running', health: 'healthy', startedAt: now - 60_000 },
      httpReady: true,
      operator: 'connected',
      pendingApprovals: pendingApprovals(0, requests.count()),
      userStopped: false,
    });
    expect(status.phase).toBe('pairing-pending');
    expect(status.summary).toContain('2 approvals pending');
    const tray = buildTrayMenu(status, { startAtLogin: false });
    expect(tray.iconState).toBe('attention');
    expect(tray.items.find((i) => i.id === 'approvals')).toMatchObject({
      label: 'Approvals (2)…',
      badge: 2,
    });
  });
});
