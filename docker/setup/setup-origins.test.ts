import type os from 'node:os';
import { describe, expect, it } from 'vitest';
import { dashboardUrl, setupAllowedOrigins } from './run-setup.js';

const interfaces = () =>
  ({
    lo: [{ address: '127.0.0.1', family: 'IPv4', internal: true }],
    eth0: [{ address: '192.168.1.23', family: 'IPv4', internal: false }],
    wlan0: [{ address: '10.1.2.3', family: 'IPv4', internal: false }],
  }) as unknown as NodeJS.Dict<os.NetworkInterfaceInfo[]>;

describe('setupAllowedOrigins', () => {
  it('allows this computer only while the port is published on loopback', () => {
    expect(
      setupAllowedOrigins({ gatewayPort: 18789, publishAddress: '127.0.0.1' }, interfaces),
    ).toEqual(['http://127.0.0.1:18789', 'http://localhost:18789']);
  });

  it('adds every LAN address other devices use when published on 0.0.0.0', () => {
    expect(
      setupAllowedOrigins({ gatewayPort: 18790, publishAddress: '0.0.0.0' }, interfaces, [
        'http://127.0.0.1:18790',
        'http://127.0.0.1:46123',
      ]),
    ).toEqual([
      'http://127.0.0.1:18790',
      'http://localhost:18790',
      'http://10.1.2.3:18790',
      'http://192.168.1.23:18790',
      'http://127.0.0.1:46123',
    ]);
  });

  it('adds the one address when published on a single interface', () => {
    expect(
      setupAllowedOrigins({ gatewayPort: 18789, publishAddress: '10.1.2.3' }, interfaces),
    ).toContain('http://10.1.2.3:18789');
    expect(dashboardUrl(18789, 'a b', '10.1.2.3')).toBe('http://10.1.2.3:18789/#token=a%20b');
  });
});
