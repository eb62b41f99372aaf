import { describe, expect, it } from 'vitest';
import { GatewayNotifier, type GatewayNotification } from './notifications.js';

function setup(options?: { maxRememberedRequests?: number }) {
  const sent: GatewayNotification[] = [];
  const notifier = new GatewayNotifier((n) => sent.push(n), options);
  return { sent, notifier, titles: () => sent.map((n) => n.title) };
}

describe('GatewayNotifier', () => {
  it('announces a crash once per episode, then "back" once when it is healthy again', () => {
    const { notifier, sent, titles } = setup();
    expect(notifier.crashed({ attempt: 1, description: 'exited with code 1' })).toBe(true);
    expect(notifier.crashed({ attempt: 2 })).toBe(false);
    expect(notifier.running()).toBe(true);
    expect(notifier.running()).toBe(false);
    // flapping within the same episode stays quiet
    expect(notifier.crashed({ attempt: 3 })).toBe(false);
    expect(notifier.running()).toBe(false);
    expect(titles()).toEqual([
      'The gateway crashed and is restarting (attempt 1)',
      'Gateway is back',
    ]);
    expect(sent[0]).toMatchObject({
      kind: 'gateway-crashed',
      body: expect.stringContaining('exited with code 1'),
    });
    expect(sent[1]?.kind).toBe('gateway-back');
    // once the episode is over, a crash is news again
    notifier.episodeOver();
    expect(notifier.crashed({ attempt: 1 })).toBe(true);
    expect(notifier.running()).toBe(true);
    expect(titles()).toHaveLength(4);
    // ids are unique so the OS does not merge different incidents
    expect(new Set(sent.map((n) => n.id)).size).toBe(sent.length);
  });

  it('"back" is never sent without a crash or failure first', () => {
    const { notifier, sent } = setup();
    expect(notifier.running()).toBe(false);
    notifier.episodeOver();
    expect(notifier.running()).toBe(false);
    expect(sent).toEqual([]);
  });

  it('out of memory is worded as such', () => {
    const { notifier, titles } = setup();
    notifier.crashed({ attempt: 1, oom: true });
    expect(titles()).toEqual(['The gateway ran out of memory and is restarting (attempt 1)']);
  });

  it('"failed" once, suppresses further crash notices, and the recovery says "back"', () => {
    const { notifier, sent, titles } = setup();
    notifier.crashed({ attempt: 1 });
    expect(
      notifier.failed({ crashes: 5, reason: 'The gateway crashed 5 times within 5 minutes' }),
    ).toBe(true);
    expect(notifier.failed({ crashes: 5 })).toBe(false);
    expect(notifier.crashed({ attempt: 6 })).toBe(false);
    expect(titles()).toEqual([
      'The gateway crashed and is restarting (attempt 1)',
      'The gateway failed to start after 5 attempts',
    ]);
    expect(sent[1]?.body).toMatch(
      /^Open OpenClaw Desktop to see what happened\. The gateway crashed 5 times/,
    );
    notifier.running();
    expect(titles().at(-1)).toBe('Gateway is back');
    expect(notifier.running()).toBe(false);
  });

  it('"stopped" once per outside stop; re-armed when the gateway runs again', () => {
    const { notifier, titles } = setup();
    expect(notifier.stoppedExternally()).toBe(true);
    expect(notifier.stoppedExternally()).toBe(false);
    // running after a plain stop is not a "back" situation
    expect(notifier.running()).toBe(false);
    expect(notifier.stoppedExternally()).toBe(true);
    expect(titles()).toEqual(['The gateway stopped', 'The gateway stopped']);
  });

  it('a user action re-arms silently: no "back" after the user restarts a failed gateway', () => {
    const { notifier, titles } = setup();
    notifier.failed({ crashes: 5 });
    notifier.userActed();
    expect(notifier.running()).toBe(false);
    expect(notifier.failed({ crashes: 5 })).toBe(true);
    expect(titles()).toHaveLength(2);
  });

  it('pairing requests once per request id, with a cleaned device name', () => {
    const { notifier, sent } = setup();
    expect(
      notifier.pairingRequested({
        requestId: 'r1',
        deviceName: 'Pixel\u0007 8\n',
        platform: 'android',
      }),
    ).toBe(true);
    expect(notifier.pairingRequested({ requestId: 'r1', deviceName: 'Pixel 8' })).toBe(false);
    expect(notifier.pairingRequested({ requestId: 'r2' })).toBe(true);
    expect(notifier.pairingRequested({ requestId: '' })).toBe(false);
    expect(sent).toEqual([
      {
        id: 'pairing:r1',
        kind: 'pairing-request',
        title: 'New device wants to connect: Pixel 8',
        body: 'android. Open Approvals to allow or reject it.',
      },
      {
        id: 'pairing:r2',
        kind: 'pairing-request',
        title: 'New device wants to connect: Unknown device',
        body: 'Open Approvals to allow or reject it.',
      },
    ]);
    notifier.pairingRequested({ requestId: 'r3', deviceName: 'x'.repeat(200) });
    expect(sent.at(-1)?.title.length).toBeLessThanOrEqual(
      'New device wants to connect: '.length + 60,
    );
  });

  it('remembers a bounded number of request ids', () => {
    const { notifier } = setup({ maxRememberedRequests: 2 });
    notifier.pairingRequested({ requestId: 'a' });
    notifier.pairingRequested({ requestId: 'b' });
    notifier.pairingRequested({ requestId: 'c' });
    expect(notifier.pairingRequested({ requestId: 'c' })).toBe(false);
    // 'a' was forgotten first
    expect(notifier.pairingRequested({ requestId: 'a' })).toBe(true);
  });

  it('a throwing sink does not break the notifier', () => {
    const notifier = new GatewayNotifier(() => {
      throw new Error('no notification daemon');
    });
    expect(notifier.crashed({ attempt: 1 })).toBe(true);
    expect(notifier.crashed({ attempt: 2 })).toBe(false);
  });
});
