import type os from 'node:os';
import { describe, expect, it } from 'vitest';
import {
  checkPublishAddress,
  isLoopbackPublish,
  lanIPv4Addresses,
  lanOrigins,
  localProbeHost,
  reachableAddresses,
} from './publish-address.js';

const IFACES = {
  lo: [
    { address: '127.0.0.1', family: 'IPv4', internal: true },
    { address: '::1', family: 'IPv6', internal: true },
  ],
  wlan0: [
    { address: '192.168.1.23', family: 'IPv4', internal: false },
    { address: 'fe80::abcd', family: 'IPv6', internal: false },
  ],
  eth1: [
    { address: '10.0.0.5', family: 4, internal: false },
    { address: '169.254.3.4', family: 'IPv4', internal: false },
  ],
  docker0: [{ address: '172.17.0.1', family: 'IPv4', internal: false }],
  'br-a3a939666678': [{ address: '172.18.0.1', family: 'IPv4', internal: false }],
  eth2: [{ address: '172.16.4.4', family: 'IPv4', internal: false }],
} as unknown as NodeJS.Dict<os.NetworkInterfaceInfo[]>;

describe('publish address', () => {
  it('lists non-internal IPv4 addresses only, without link-local ones or bridges, sorted', () => {
    expect(lanIPv4Addresses(IFACES)).toEqual(['10.0.0.5', '172.16.4.4', '192.168.1.23']);
    expect(lanIPv4Addresses({})).toEqual([]);
  });

  it('accepts loopback, all interfaces and own addresses only', () => {
    expect(checkPublishAddress('127.0.0.1', IFACES)).toBeUndefined();
    expect(checkPublishAddress('0.0.0.0', IFACES)).toBeUndefined();
    expect(checkPublishAddress('192.168.1.23', IFACES)).toBeUndefined();
    expect(checkPublishAddress('192.168.1.24', IFACES)).toMatch(/not an address of this computer/);
    expect(checkPublishAddress('169.254.3.4', IFACES)).toMatch(/not an address/);
    expect(checkPublishAddress('172.17.0.1', IFACES)).toMatch(/not an address/);
    expect(checkPublishAddress('fe80::abcd', IFACES)).toMatch(/IPv4/);
    expect(checkPublishAddress('localhost', IFACES)).toMatch(/IPv4/);
    expect(checkPublishAddress('1.2.3.4', {})).toMatch(/none besides 127\.0\.0\.1/);
  });

  it('says where browsers reach the port and which origins the gateway must allow', () => {
    expect(isLoopbackPublish('127.0.0.1')).toBe(true);
    expect(isLoopbackPublish('0.0.0.0')).toBe(false);
    expect(reachableAddresses('127.0.0.1', IFACES)).toEqual(['127.0.0.1']);
    expect(reachableAddresses('0.0.0.0', IFACES)).toEqual([
      '10.0.0.5',
      '172.16.4.4',
      '192.168.1.23',
    ]);
    expect(reachableAddresses('10.0.0.5', IFACES)).toEqual(['10.0.0.5']);
    expect(lanOrigins('127.0.0.1', 18789, IFACES)).toEqual([]);
    expect(lanOrigins('0.0.0.0', 18790, IFACES)).toEqual([
      'http://10.0.0.5:18790',
      'http://172.16.4.4:18790',
      'http://192.168.1.23:18790',
    ]);
    expect(localProbeHost('0.0.0.0')).toBe('127.0.0.1');
    expect(localProbeHost('127.0.0.1')).toBe('127.0.0.1');
    expect(localProbeHost('192.168.1.23')).toBe('192.168.1.23');
  });
});
