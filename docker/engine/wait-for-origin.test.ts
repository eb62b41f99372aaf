import http from 'node:http';
import type net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { probeOrigin, waitForOrigins } from './wait-for-origin.js';

let server: http.Server | undefined;
afterEach(async () => {
  await new Promise<void>((r) => (server ? server.close(() => r()) : r()));
  server = undefined;
});

/** A gateway stand-in: refuses upgrades from origins not (yet) allowed, like the real origin gate. */
async function gateway(allowed: Set<string>): Promise<string> {
  server = http.createServer((_q, r) => r.end('ok'));
  server.on('upgrade', (req, socket: net.Socket) => {
    if (allowed.has(String(req.headers.origin))) {
      socket.end(
        'HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n',
      );
    } else {
      socket.end('HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\nConnection: close\r\n\r\n');
    }
  });
  await new Promise<void>((r) => server!.listen(0, '127.0.0.1', () => r()));
  return `ws://127.0.0.1:${(server!.address() as net.AddressInfo).port}/`;
}

describe('waitForOrigins', () => {
  it('tells an accepted origin from a refused one', async () => {
    const url = await gateway(new Set(['http://a.test:1']));
    expect(await probeOrigin(url, 'http://a.test:1')).toBe('accepted');
    expect(await probeOrigin(url, 'http://b.test:1')).toBe('refused');
    expect(await probeOrigin('ws://127.0.0.1:1/', 'http://a.test:1')).toBe('error');
  });

  it('waits until a config reload lets the new origins in', async () => {
    const allowed = new Set(['http://127.0.0.1:46001']);
    const url = await gateway(allowed);
    setTimeout(() => allowed.add('http://192.168.1.23:46001'), 300);
    const started = Date.now();
    const result = await waitForOrigins(
      url,
      ['http://127.0.0.1:46001', 'http://192.168.1.23:46001'],
      {
        intervalMs: 50,
      },
    );
    expect(result).toEqual({ ok: true, refused: [] });
    expect(Date.now() - started).toBeGreaterThanOrEqual(250);
  });

  it('gives up after the timeout and names what is still refused', async () => {
    const url = await gateway(new Set());
    expect(
      await waitForOrigins(url, ['http://x.test:1'], { timeoutMs: 200, intervalMs: 50 }),
    ).toEqual({ ok: false, refused: ['http://x.test:1'] });
  });
});
