// @vitest-environment happy-dom
import { afterEach, describe, expect, it } from 'vitest';
import type { DmRequestsView } from '../../../../electron/contract/channel-schemas.js';
import { HostProvider } from '../../host/host-context.js';
import { HostError } from '../../host/host-error.js';
import { cleanup, click, flush, getButton, render } from '../../testing/dom.js';
import { deferred, fakeHostApi } from '../../testing/fake-host-api.js';
import { DmRequestsCard, expiresIn } from './dm-requests.js';
import { tokenProblem } from './channel-card.js';
import { dmPolicyProblem } from './dm-policy-form.js';
import { WhatsAppLink } from './whatsapp-link.js';

afterEach(() => cleanup());

const QR1 = 'data:image/png;base64,AAAA';
const QR2 = 'data:image/png;base64,BBBB';
const now = Date.now();
const ALICE: DmRequestsView = {
  commandOwnerConfigured: false,
  requests: [
    {
      requestId: 'ABCD2345',
      code: 'ABCD2345',
      channel: 'telegram',
      channelLabel: 'Telegram',
      accountId: 'default',
      senderId: '777',
      senderLabel: '@alice',
      createdAt: now - 120_000,
      expiresAt: now + 58 * 60_000,
    },
  ],
};

function mount(ui: React.ReactNode, handlers: Parameters<typeof fakeHostApi>[0]) {
  const host = fakeHostApi(handlers);
  return { host, ...render(<HostProvider connection={host}>{ui}</HostProvider>) };
}

describe('DmRequestsCard', () => {
  it('shows sender, code, age and expiry; approves with the owner choice', async () => {
    let view = ALICE;
    const { host, container } = mount(<DmRequestsCard />, {
      'channels.requests': () => view,
      'channels.approve': () => (
        (view = { ...view, requests: [] }),
        { ok: true, commandOwner: true }
      ),
    });
    await flush();
    const text = container.textContent ?? '';
    expect(text).toContain('@alice');
    expect(text).toContain('ABCD2345');
    expect(text).toContain('sender 777');
    expect(text).toContain('asked 2 min ago');
    expect(text).toContain('expires in 58 min');
    expect(text).toContain('Make this sender the command owner');
    click(getButton(container, 'Approve @alice'));
    await flush();
    expect(host.callsTo('channels.approve')).toEqual([
      {
        channel: 'telegram',
        accountId: 'default',
        requestId: 'ABCD2345',
        bootstrapCommandOwner: true,
      },
    ]);
    expect(container.textContent).toContain('No chat senders waiting');
  });

  it('offers no owner box once an owner exists; a failed action says what to do next', async () => {
    const { host, container } = mount(<DmRequestsCard />, {
      'channels.requests': () => ({ ...ALICE, commandOwnerConfigured: true }),
      'channels.dismiss': () => {
        throw new HostError('NOT_FOUND', 'No pending pairing request ABCD2345 for telegram.');
      },
    });
    await flush();
    expect(container.textContent).not.toContain('command owner');
    click(getButton(container, 'Dismiss @alice'));
    await flush();
    expect(host.callsTo('channels.dismiss')).toHaveLength(1);
    expect(container.textContent).toContain('No pending pairing request ABCD2345');
    expect(container.textContent).toContain('press Refresh');
  });

  it('asks again when the host says approvals changed', async () => {
    const { host } = mount(<DmRequestsCard />, { 'channels.requests': () => ALICE });
    await flush();
    host.emit('approvals.changed', { pending: 2 });
    await flush();
    expect(host.callsTo('channels.requests').length).toBeGreaterThanOrEqual(2);
  });
});

describe('WhatsAppLink', () => {
  it('shows the QR, swaps in each rotated code, and ends linked', async () => {
    const rounds = [
      deferred<{ connected: boolean; message: string; qrDataUrl?: string }>(),
      deferred<{ connected: boolean; message: string; qrDataUrl?: string }>(),
    ];
    let round = 0;
    let linked = 0;
    const { host, container } = mount(<WhatsAppLink onLinked={() => (linked += 1)} />, {
      'channels.loginStart': () => ({ connected: false, message: 'Scan this', qrDataUrl: QR1 }),
      'channels.loginWait': () => rounds[round++]!.promise,
    });
    click(getButton(container, 'Link a phone'));
    await flush();
    const img = () => container.querySelector('img')?.getAttribute('src');
    expect(img()).toBe(QR1);
    rounds[0]!.resolve({ connected: false, message: 'new code', qrDataUrl: QR2 });
    await flush();
    expect(img()).toBe(QR2);
    expect(host.callsTo('channels.loginWait')[1]).toEqual({ currentQrDataUrl: QR2 });
    rounds[1]!.resolve({ connected: true, message: 'Linked as +15550000000.' });
    await flush();
    expect(container.textContent).toContain('Linked as +15550000000');
    expect(linked).toBe(1);
  });

  it('an expired login says so and offers a fresh code', async () => {
    const { container } = mount(<WhatsAppLink onLinked={() => undefined} />, {
      'channels.loginStart': () => ({ connected: false, message: '', qrDataUrl: QR1 }),
      'channels.loginWait': () => ({
        connected: false,
        message: 'The QR code expired before it was scanned.',
      }),
    });
    click(getButton(container, 'Link a phone'));
    await flush();
    expect(container.textContent).toContain('The QR code expired');
    expect(getButton(container, 'Try again')).toBeTruthy();
  });
});

describe('input checks', () => {
  it('token shapes and the empty allowlist', () => {
    expect(
      tokenProblem('telegram', '123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw'),
    ).toBeUndefined();
    expect(tokenProblem('telegram', 'hello')).toMatch(/BotFather/);
    expect(tokenProblem('discord', 'short')).toMatch(/Developer Portal/);
    expect(tokenProblem('discord', '')).toMatch(/Paste/);
    expect(dmPolicyProblem('allowlist', [])).toMatch(/at least one/);
    expect(dmPolicyProblem('allowlist', ['42'])).toBeUndefined();
    expect(dmPolicyProblem('open', [])).toBeUndefined();
    expect(expiresIn(now - 1, now)).toBe('expired');
    expect(expiresIn(now + 30_000, now)).toBe('expires in under a minute');
  });
});
