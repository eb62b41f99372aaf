import { describe, expect, it } from 'vitest';
import {
  generateDeviceIdentity,
  publicKeyRawBase64UrlFromPem,
} from '../../../gateway/pairing/device-crypto.js';
import { ErrorCode, OpenClawError } from '../../../gateway/infra/errors.js';
import { ControlUiApprover, controlUiUrl } from './control-ui-approval.js';
import { PairingQueue } from './pairing-queue.js';
import { FakeOperatorSource, ManualClock, settle } from './testing/fakes.js';

function key() {
  const identity = generateDeviceIdentity();
  return {
    deviceId: identity.deviceId,
    pem: identity.publicKeyPem,
    b64: publicKeyRawBase64UrlFromPem(identity.publicKeyPem),
  };
}

function pending(
  clock: ManualClock,
  id: string,
  device: { deviceId: string; b64: string },
  role = 'operator',
) {
  return {
    requestId: id,
    deviceId: device.deviceId,
    publicKey: device.b64,
    clientId: 'openclaw-control-ui',
    clientMode: 'webchat',
    role,
    scopes: ['operator.admin'],
    ts: clock.now(),
  };
}

function setup() {
  const clock = new ManualClock();
  const source = new FakeOperatorSource();
  const queue = new PairingQueue(source, { now: clock.now, setTimer: clock.setTimer });
  const approver = new ControlUiApprover(queue, { setTimer: clock.setTimer });
  const approved = () =>
    source.calls.filter((c) => c.method === 'device.pair.approve').map((c) => c.params.requestId);
  return { clock, source, queue, approver, approved };
}

describe('ControlUiApprover', () => {
  it('approves only the exact key, never another device that claims the Control UI client id', async () => {
    const { clock, source, approver, approved } = setup();
    const window = key();
    const imposter = key();
    const expectation = approver.expectControlUi(window.b64);
    source.emit('device.pair.requested', pending(clock, 'imposter', imposter));
    source.emit('device.pair.requested', pending(clock, 'node-role', window, 'node'));
    await settle();
    expect(approved()).toEqual([]);

    source.emit('device.pair.requested', pending(clock, 'window', window));
    await expect(expectation.outcome).resolves.toEqual({
      status: 'approved',
      requestId: 'window',
      deviceId: window.deviceId,
    });
    expect(approved()).toEqual(['window']);

    // One expectation approves one request.
    source.emit('device.pair.requested', pending(clock, 'window-again', window));
    await settle();
    expect(approved()).toEqual(['window']);
  });

  it('matches a request that was already waiting, and accepts the key as PEM', async () => {
    const { clock, source, approver } = setup();
    const window = key();
    source.emit('device.pair.requested', pending(clock, 'early', window));
    const expectation = approver.expectControlUi(window.pem);
    expect(expectation.publicKey).toBe(window.b64);
    await expect(expectation.outcome).resolves.toMatchObject({
      status: 'approved',
      requestId: 'early',
    });
  });

  it('times out, can be cancelled, and keeps waiting when its request was superseded', async () => {
    const { clock, source, approver } = setup();
    const timedOut = approver.expectControlUi(key().b64, { timeoutMs: 1000 });
    clock.advance(1000);
    await expect(timedOut.outcome).resolves.toEqual({ status: 'timeout' });

    const cancelled = approver.expectControlUi(key().b64);
    cancelled.dispose();
    await expect(cancelled.outcome).resolves.toEqual({ status: 'cancelled' });

    const window = key();
    let first = true;
    source.handlers.set('device.pair.approve', () => {
      if (first) {
        first = false;
        throw new OpenClawError(ErrorCode.PAIRING_NOT_FOUND, 'gone');
      }
      return { ok: true };
    });
    const expectation = approver.expectControlUi(window.b64);
    source.emit('device.pair.requested', pending(clock, 'stale', window));
    await settle();
    source.emit('device.pair.requested', pending(clock, 'newer', window));
    await expect(expectation.outcome).resolves.toMatchObject({
      status: 'approved',
      requestId: 'newer',
    });
  });

  it('rejects a key that is not an Ed25519 public key', () => {
    const { approver } = setup();
    expect(() => approver.expectControlUi('openclaw-control-ui')).toThrow(
      /not a valid Ed25519 key/,
    );
  });
});

describe('controlUiUrl', () => {
  it('puts the token in the fragment, so it never reaches the server', () => {
    expect(controlUiUrl(18789, 'tok en/+')).toBe('http://127.0.0.1:18789/#token=tok%20en%2F%2B');
    const url = new URL(controlUiUrl(18789, 'abc'));
    expect(url.search).toBe('');
    expect(url.hash).toBe('#token=abc');
    expect(() => controlUiUrl(0, 'abc')).toThrow(/port/);
    expect(() => controlUiUrl(18789, ' ')).toThrow(/token/);
  });
});
