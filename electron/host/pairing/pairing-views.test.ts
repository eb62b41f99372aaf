import { describe, expect, it } from 'vitest';
import { presentDeviceIds } from './pairing-views.js';

describe('presentDeviceIds', () => {
  it('collects the device ids of live connections, ignoring device-less and malformed entries', () => {
    expect(
      presentDeviceIds([
        { deviceId: 'browser-1', ts: 1 },
        { ts: 2 }, // a device-less client
        { deviceId: '', ts: 3 },
        'junk',
        { deviceId: 'browser-1', ts: 4 },
      ]),
    ).toEqual(new Set(['browser-1']));
    expect(presentDeviceIds({ presence: [{ deviceId: 'b' }] })).toEqual(new Set(['b']));
    expect(presentDeviceIds(null)).toEqual(new Set());
  });
});
