/**
 * Issue 10, finding 1: a peer that has not sent a valid connect can make the gateway hold only a
 * few tens of KiB, and only a bounded number of such sockets per address and in total.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { RawSocketPeer } from '../testing/raw-socket.js';
import { RawClient, startTestGateway, type TestGateway } from '../testing/test-gateway.js';

let gw: TestGateway;
const peers: RawSocketPeer[] = [];
const clients: RawClient[] = [];

beforeAll(async () => {
  // A long handshake timeout: nothing below may pass because the gateway gave up on a slow peer.
  gw = await startTestGateway(
    {},
    { handshakeTimeoutMs: 30_000, preauthLimits: { perAddress: 3, total: 5 } },
  );
});

afterEach(async () => {
  for (const peer of peers.splice(0)) peer.destroy();
  for (const client of clients.splice(0)) client.ws.terminate();
  // Slots are given back on the server's close event; wait until they are all free again.
  for (let i = 0; i < 300 && gw.gateway.server.connectionCount > 0; i += 1) {
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
});

afterAll(async () => {
  await gw.stop();
});

async function peer(localAddress = '127.0.0.1'): Promise<RawSocketPeer> {
  const p = await RawSocketPeer.open(gw.port, { localAddress });
  peers.push(p);
  return p;
}

describe('pre-auth memory', () => {
  it('refuses a frame announcing 8 MiB at its header instead of buffering it', async () => {
    const p = await peer();
    expect(p.status).toBe(101);
    await p.until(() => p.texts().some((t) => t.includes('connect.challenge')), 5000);
    p.writeFrameHeader(8 * 1024 * 1024);
    // Stream part of the payload: the gateway must not wait for (and buffer) the rest.
    const chunk = Buffer.alloc(64 * 1024, 0x78);
    for (let i = 0; i < 4 && !p.socket.destroyed; i += 1) p.socket.write(chunk);
    await p.until(() => p.closeCode !== undefined || p.socket.destroyed, 5000);
    expect(p.closeCode).toBe(1009);
  });

  it('lets an authenticated client send frames above the pre-auth limit', async () => {
    const client = await RawClient.open(gw.url);
    clients.push(client);
    expect((await client.connect()).ok).toBe(true);
    const res = await client.request('big', 'health', { pad: 'x'.repeat(200 * 1024) });
    // Refused by the params schema, but answered: the frame itself was accepted.
    expect(res.type).toBe('res');
    expect(client.ws.readyState).toBe(client.ws.OPEN);
  });
});

describe('pre-auth socket limits', () => {
  it('refuses the excess per address at once with 429', async () => {
    for (let i = 0; i < 3; i += 1) expect((await peer()).status).toBe(101);
    const refused = await peer();
    expect(refused.status).toBe(429);
    expect(refused.responseBody).toContain('too many connections waiting to authenticate');
    // Another address still gets in.
    expect((await peer('127.0.0.2')).status).toBe(101);
  });

  it('refuses the excess in total, and frees a slot once a socket authenticates', async () => {
    const first = await RawClient.open(gw.url);
    clients.push(first);
    for (let i = 0; i < 2; i += 1) expect((await peer()).status).toBe(101);
    for (let i = 0; i < 2; i += 1) expect((await peer('127.0.0.2')).status).toBe(101);
    expect((await peer('127.0.0.3')).status).toBe(429);
    expect((await first.connect()).ok).toBe(true);
    expect((await peer('127.0.0.3')).status).toBe(101);
  });

  it('frees the slot of a socket that closes before hello', async () => {
    const early = await Promise.all([peer(), peer(), peer()]);
    expect(early.map((p) => p.status)).toEqual([101, 101, 101]);
    early[0]!.destroy();
    await early[0]!.ended;
    let status = 0;
    // The server sees the close a moment later; bounded retries instead of a fixed sleep.
    for (let i = 0; i < 50 && status !== 101; i += 1) {
      const next = await peer();
      status = next.status;
      if (status !== 101) await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect(status).toBe(101);
  });
});
