/**
 * Issue 10, finding 6: header floods get 431 instead of a silently truncated request, and HTTP
 * routes refuse Host names that are not ours (DNS rebinding).
 */
import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RawSocketPeer } from '../testing/raw-socket.js';
import { startTestGateway, type TestGateway } from '../testing/test-gateway.js';

let gw: TestGateway;

beforeAll(async () => {
  gw = await startTestGateway({
    gateway: { controlUi: { allowedOrigins: ['https://openclaw.example.test'] } },
  });
});

afterAll(async () => {
  await gw.stop();
});

function get(
  path: string,
  headers: Record<string, string>,
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.get(
      { host: '127.0.0.1', port: gw.port, path, headers, agent: false },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (body += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      },
    );
    req.on('error', reject);
  });
}

describe('header floods', () => {
  it('refuses an upgrade with 2,000 small headers instead of answering 101', async () => {
    const headers = Array.from({ length: 2000 }, (_, i): [string, string] => [`x-h${i}`, '1']);
    const peer = await RawSocketPeer.open(gw.port, { headers });
    expect(peer.status).not.toBe(101);
    peer.destroy();
  });

  it('refuses 101 headers with 431, so an Origin placed last is never silently dropped', async () => {
    const headers = Array.from({ length: 96 }, (_, i): [string, string] => [`x-h${i}`, '1']);
    headers.push(['Origin', 'http://evil.test']);
    const peer = await RawSocketPeer.open(gw.port, { headers });
    expect(peer.status).toBe(431);
    peer.destroy();
  });
});

describe('Host names', () => {
  it('refuses a foreign Host name on HTTP routes with 421 and a clear body', async () => {
    const res = await get('/healthz', { Host: `evil.test:${gw.port}` });
    expect(res.status).toBe(421);
    expect(res.body).toContain('DNS rebinding');
  });

  it('serves loopback names, IP literals and configured origins’ hosts', async () => {
    for (const host of [
      `127.0.0.1:${gw.port}`,
      `localhost:${gw.port}`,
      `[::1]:${gw.port}`,
      `192.168.1.20:${gw.port}`,
      'openclaw.example.test',
    ]) {
      expect((await get('/healthz', { Host: host })).status, host).toBe(200);
    }
  });

  it('refuses a browser upgrade under a foreign Host name', async () => {
    const peer = await RawSocketPeer.open(gw.port, {
      headers: [
        ['Host', `evil.test:${gw.port}`],
        ['Origin', `http://localhost:${gw.port}`],
      ],
    });
    expect(peer.status).toBe(421);
    peer.destroy();
  });
});
