// @vitest-environment happy-dom
// The wizard's Chat apps step: the Channels page's cards, optional (Skip), a token saved through
// the same host call, an unreadable config said plainly without holding the wizard up.
import { afterEach, describe, expect, it } from 'vitest';
import type { ChannelsView, ChannelView } from '../../../../electron/contract/channel-schemas.js';
import { HostProvider } from '../../host/host-context.js';
import { HostError } from '../../host/host-error.js';
import {
  cleanup,
  click,
  flush,
  getButton,
  getByLabel,
  render,
  typeInto,
} from '../../testing/dom.js';
import { fakeHostApi } from '../../testing/fake-host-api.js';
import { ChannelsStep } from './channels-step.js';

afterEach(() => cleanup());

const blank = (channel: ChannelView['channel'], label: string): ChannelView => ({
  channel,
  label,
  inConfig: false,
  enabled: false,
  tokenSet: false,
  dmPolicy: 'pairing',
  allowFrom: [],
  accounts: [],
});
const NONE: ChannelsView = {
  baseHash: 'h1',
  channels: [
    blank('telegram', 'Telegram'),
    blank('discord', 'Discord'),
    blank('whatsapp', 'WhatsApp'),
  ],
  warnings: [],
};
const TOKEN = '123456789:AAbbCCddEEffGGhhIIjjKKllMMnnOOppQQr';

function mount(handlers: Parameters<typeof fakeHostApi>[0], onDone: () => void) {
  const host = fakeHostApi(handlers);
  const view = render(
    <HostProvider connection={host}>
      <ChannelsStep onDone={onDone} />
    </HostProvider>,
  );
  return { host, ...view };
}

describe('ChannelsStep', () => {
  it('says what it does, shows the three cards, and Skip goes on without saving', async () => {
    let done = 0;
    const { host, container } = mount({ 'channels.view': () => NONE }, () => (done += 1));
    await flush();
    expect(container.textContent).toContain(
      'Talk to your agent from Telegram, Discord or WhatsApp',
    );
    expect(container.textContent).toContain('you approve them on Approvals');
    const titles = [...container.querySelectorAll('.ui-card__title')].map((t) => t.textContent);
    expect(titles).toEqual(['Telegram', 'Discord', 'WhatsApp']);
    expect(getButton(container, 'Add Telegram')).toBeTruthy();
    expect(getButton(container, 'Link a phone')).toBeTruthy();
    click(getButton(container, 'Skip for now'));
    expect(done).toBe(1);
    expect(host.callsTo('channels.save')).toEqual([]);
  });

  it('saves a Telegram token through channels.save, then Continue goes on', async () => {
    let done = 0;
    let view = NONE;
    const { host, container } = mount(
      {
        'channels.view': () => view,
        'channels.save': (p) => {
          view = {
            ...view,
            baseHash: 'h2',
            channels: view.channels.map((c) =>
              c.channel === p.channel ? { ...c, inConfig: true, enabled: true, tokenSet: true } : c,
            ),
          };
          return view;
        },
      },
      () => (done += 1),
    );
    await flush();
    typeInto(getByLabel(container, 'Bot token') as HTMLInputElement, TOKEN);
    click(getButton(container, 'Add Telegram'));
    await flush();
    expect(host.callsTo('channels.save')).toEqual([
      { channel: 'telegram', baseHash: 'h1', token: TOKEN, enabled: true },
    ]);
    expect(container.textContent).toContain('Replace the bot token');
    expect(container.textContent).not.toContain(TOKEN);
    // A channel is set up: nothing is being skipped any more.
    expect(container.textContent).not.toContain('Skip for now');
    click(getButton(container, 'Continue'));
    expect(done).toBe(1);
  });

  it('says plainly when the settings cannot be read, and still lets the wizard finish', async () => {
    let done = 0;
    const { container } = mount(
      {
        'channels.view': () => {
          throw new HostError('CONFIG_UNREADABLE', 'openclaw.json is not valid JSON.');
        },
      },
      () => (done += 1),
    );
    await flush();
    expect(container.textContent).toContain('Could not read the channel settings');
    expect(container.textContent).toContain('openclaw.json is not valid JSON.');
    click(getButton(container, 'Continue'));
    expect(done).toBe(1);
  });
});
