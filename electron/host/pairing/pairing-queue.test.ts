import { describe, expect, it } from 'vitest';
import { ErrorCode, OpenClawError } from '../../../gateway/infra/errors.js';
import { PairingQueue, type PairingSnapshot } from './pairing-queue.js';
import { FakeOperatorSource, ManualClock, settle } from './testing/fakes.js';

const TTL = 60_000;
const OWN = 'own-device';

function request(
  clock: ManualClock,
  id: string,
  deviceId: string,
  extra: Record<string, unknown> = {},
) {
  return {
    requestId: id,
    deviceId,
    publicKey: `key-${deviceId}`,
    displayName: `Device ${deviceId}`,
    platform: 'web',
    clientId: 'openclaw-control-ui',
    clientMode: 'webchat',
    remoteIp: '192.168.1.20',
    role: 'operator',
    scopes: ['operator.read', 'operator.write'],
    isRepair: false,
    ts: clock.now(),
    ...extra,
  };
}

function setup(
  configure?: (source: FakeOperatorSource, clock: ManualClock) => void,
  relistIntervalMs = 100 * TTL,
) {
  const clock = new ManualClock();
  const source = new FakeOperatorSource();
  configure?.(source, clock);
  const queue = new PairingQueue(source, {
    ownDeviceId: OWN,
    pendingTtlMs: TTL,
    relistIntervalMs,
    now: clock.now,
    setTimer: clock.setTimer,
  });
  const changes: PairingSnapshot[] = [];
  queue.onChange((snapshot) => changes.push(snapshot));
  return { clock, source, queue, changes };
}

const ids = (queue: PairingQueue) => queue.pending().map((item) => item.requestId);

describe('PairingQueue', () => {
  it('lists on start, in plain words, without the app’s own requests', async () => {
    const { queue, clock } = setup((source, c) => {
      source.listResult = {
        pending: [
          request(c, 'r1', 'dev-1'),
          request(c, 'r-own', OWN),
          { requestId: 'broken' }, // malformed: dropped, never shown
        ],
        paired: [
          {
            deviceId: OWN,
            roles: ['operator'],
            approvedScopes: ['operator.admin'],
            tokens: [{ role: 'operator', scopes: ['operator.admin'], lastUsedAtMs: 5 }],
          },
          { deviceId: 'dev-0', role: 'operator', scopes: ['operator.read'], tokens: [] },
        ],
      };
    });
    await settle();
    expect(queue.pending()).toEqual([
      {
        requestId: 'r1',
        deviceId: 'dev-1',
        publicKey: 'key-dev-1',
        displayName: 'Device dev-1',
        platform: 'web',
        clientId: 'openclaw-control-ui',
        clientMode: 'webchat',
        remoteIp: '192.168.1.20',
        role: 'operator',
        scopes: [
          { scope: 'operator.read', label: 'Read', description: 'read status, sessions and logs' },
          {
            scope: 'operator.write',
            label: 'Write',
            description: 'chat with agents and change sessions (includes read)',
          },
        ],
        isRepair: false,
        ts: clock.now(),
        expiresAt: clock.now() + TTL,
      },
    ]);
    const paired = queue.paired();
    expect(paired.find((d) => d.deviceId === OWN)).toMatchObject({
      isThisApp: true,
      lastUsedAtMs: 5,
      scopes: [{ scope: 'operator.admin', label: 'Admin' }],
    });
    expect(paired.find((d) => d.deviceId === 'dev-0')).toMatchObject({
      isThisApp: false,
      roles: ['operator'],
    });
  });

  it('follows requested/resolved events; a newer request from the same device replaces the old', async () => {
    const { queue, source, clock, changes } = setup();
    await settle();
    source.emit('device.pair.requested', request(clock, 'r1', 'dev-1'));
    source.emit('device.pair.requested', request(clock, 'r2', 'dev-2'));
    expect(ids(queue)).toEqual(['r1', 'r2']);
    clock.advance(10);
    source.emit(
      'device.pair.requested',
      request(clock, 'r1b', 'dev-1', { scopes: ['operator.admin'] }),
    );
    expect(ids(queue)).toEqual(['r2', 'r1b']);

    const listsBefore = source.callsOf('device.pair.list');
    source.emit('device.pair.resolved', {
      requestId: 'r2',
      deviceId: 'dev-2',
      decision: 'rejected',
      ts: 1,
    });
    expect(ids(queue)).toEqual(['r1b']);
    await settle();
    // The paired list is fetched again after a resolution.
    expect(source.callsOf('device.pair.list')).toBeGreaterThan(listsBefore);
    expect(changes.length).toBeGreaterThanOrEqual(4);

    source.emit('device.pair.requested', { requestId: 'x' }); // malformed
    source.emit('device.pair.requested', request(clock, 'r-own', OWN));
    source.emit('device.pair.requested', request(clock, 'old', 'dev-9', { ts: clock.now() - TTL }));
    expect(ids(queue)).toEqual([]);
  });

  it('drops what the gateway no longer lists on reconnect or after a sequence gap', async () => {
    const { queue, source, clock } = setup((s, c) => {
      s.listResult = {
        pending: [request(c, 'r1', 'dev-1'), request(c, 'r2', 'dev-2')],
        paired: [],
      };
    });
    await settle();
    expect(ids(queue)).toEqual(['r1', 'r2']);
    // Resolved by the CLI while the app was not listening: no event ever arrives.
    source.listResult = { pending: [request(clock, 'r2', 'dev-2')], paired: [] };
    source.resync('connected');
    await settle();
    expect(ids(queue)).toEqual(['r2']);
    source.listResult = { pending: [], paired: [] };
    source.resync('gap');
    await settle();
    expect(ids(queue)).toEqual([]);
  });

  it('lists again while requests wait, so one resolved without an event does not linger', async () => {
    const { queue, source, clock } = setup(undefined, 5_000);
    await settle();
    const lists = () => source.callsOf('device.pair.list');
    const initial = lists();
    clock.advance(20_000);
    await settle();
    expect(lists()).toBe(initial); // nothing pending: no polling
    source.emit('device.pair.requested', request(clock, 'r1', 'dev-1'));
    source.listResult = { pending: [request(clock, 'r1', 'dev-1')], paired: [] };
    clock.advance(5_000);
    await settle();
    expect(lists()).toBe(initial + 1);
    expect(ids(queue)).toEqual(['r1']);
    // Resolved by another process; no event reached the app.
    source.listResult = { pending: [], paired: [] };
    clock.advance(5_000);
    await settle();
    expect(ids(queue)).toEqual([]);
    clock.advance(20_000);
    await settle();
    expect(lists()).toBe(initial + 2);
  });

  it('applies events that arrive while a list is in flight on top of its (older) result', async () => {
    const { queue, source, clock, changes } = setup((s) => {
      s.connected = false;
    });
    const r1 = request(clock, 'r1', 'dev-1');
    const r2 = request(clock, 'r2', 'dev-2');
    // The gateway took its snapshot before r1 was resolved and r2 was asked for.
    source.nextLists.push({ pending: [r1], paired: [] });
    source.listResult = { pending: [r2], paired: [] };
    source.hold();
    const refreshed = queue.refresh();
    await settle();
    source.emit('device.pair.resolved', {
      requestId: 'r1',
      deviceId: 'dev-1',
      decision: 'approved',
      ts: 1,
    });
    source.emit('device.pair.requested', r2);
    expect(ids(queue)).toEqual([]); // held back until the snapshot is in
    source.release();
    await refreshed;
    await settle();
    expect(ids(queue)).toEqual(['r2']);
    // The resolved request never flickered back into view.
    expect(changes.some((c) => c.pending.some((p) => p.requestId === 'r1'))).toBe(false);
  });

  it('keeps a request that arrived during a list whose snapshot predates it', async () => {
    const { queue, source, clock } = setup((s) => {
      s.connected = false;
    });
    source.hold();
    const refreshed = queue.refresh();
    await settle();
    source.emit('device.pair.requested', request(clock, 'r2', 'dev-2'));
    source.release(); // the snapshot (empty) was taken before r2 existed
    await refreshed;
    expect(ids(queue)).toEqual(['r2']);
  });

  it('drops a request when it expires, on the injected clock', async () => {
    const { queue, source, clock, changes } = setup();
    await settle();
    source.emit('device.pair.requested', request(clock, 'r1', 'dev-1'));
    clock.advance(TTL / 2);
    source.emit('device.pair.requested', request(clock, 'r2', 'dev-2'));
    clock.advance(TTL / 2 - 1);
    expect(ids(queue)).toEqual(['r1', 'r2']);
    const before = changes.length;
    clock.advance(1);
    expect(ids(queue)).toEqual(['r2']);
    expect(changes.length).toBe(before + 1);
    expect(changes.at(-1)?.pending.map((p) => p.requestId)).toEqual(['r2']);
    clock.advance(TTL / 2);
    expect(ids(queue)).toEqual([]);
    expect(clock.pendingTimers).toBe(0);
  });

  it('approves and rejects by request id; a request gone elsewhere leaves the queue with a clear error', async () => {
    const { queue, source, clock } = setup();
    await settle();
    const [r1, r2, r3] = ['1', '2', '3'].map((n) => request(clock, `r${n}`, `dev-${n}`));
    for (const r of [r1, r2, r3]) source.emit('device.pair.requested', r);
    // The gateway's view after each decision, for the re-lists that follow them.
    source.listResult = { pending: [r2, r3], paired: [] };

    await queue.approve('r1');
    await settle();
    expect(ids(queue)).toEqual(['r2', 'r3']);
    source.listResult = { pending: [r3], paired: [] };
    expect(source.calls.find((c) => c.method === 'device.pair.approve')?.params).toEqual({
      requestId: 'r1',
    });
    await queue.reject('r2');
    expect(source.calls.find((c) => c.method === 'device.pair.reject')?.params).toEqual({
      requestId: 'r2',
    });
    expect(ids(queue)).toEqual(['r3']);

    // Fewer scopes than asked for travel to the gateway, which enforces "never more".
    source.emit('device.pair.requested', request(clock, 'r4', 'dev-4'));
    await queue.approve('r4', ['operator.read']);
    expect(
      source.calls.filter((c) => c.method === 'device.pair.approve').map((c) => c.params),
    ).toContainEqual({ requestId: 'r4', scopes: ['operator.read'] });

    source.handlers.set('device.pair.approve', () => {
      throw new OpenClawError(ErrorCode.PAIRING_NOT_FOUND, 'No pending pairing request r3.');
    });
    await expect(queue.approve('r3')).rejects.toMatchObject({
      code: 'PAIRING_NOT_FOUND',
      message: expect.stringContaining('no longer pending'),
    });
    expect(ids(queue)).toEqual([]);
    await expect(queue.approve('')).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
  });

  it('manages paired devices but refuses to cut off the app itself', async () => {
    const { queue, source } = setup();
    await settle();
    source.handlers.set('device.token.rotate', (p) => ({
      deviceId: p.deviceId,
      role: p.role,
      token: 'new-token',
      scopes: ['operator.read'],
      rotatedAtMs: 1,
    }));
    await expect(queue.rotateToken('dev-1')).resolves.toEqual({
      deviceId: 'dev-1',
      role: 'operator',
      token: 'new-token',
      scopes: ['operator.read'],
    });
    await queue.revokeToken('dev-1', 'operator');
    await queue.removeDevice('dev-1');
    expect(
      source.calls.filter((c) => c.method !== 'device.pair.list').map((c) => c.method),
    ).toEqual(['device.token.rotate', 'device.token.revoke', 'device.pair.remove']);
    await expect(queue.removeDevice(OWN)).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    await expect(queue.revokeToken(OWN)).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
  });

  it('stops listening when disposed', async () => {
    const { queue, source, clock, changes } = setup();
    await settle();
    const before = changes.length;
    queue.dispose();
    source.emit('device.pair.requested', request(clock, 'r1', 'dev-1'));
    source.resync('connected');
    await settle();
    expect(ids(queue)).toEqual([]);
    expect(changes.length).toBe(before);
    expect(source.callsOf('device.pair.list')).toBe(1);
  });
});
