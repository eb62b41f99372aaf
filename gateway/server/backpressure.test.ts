/**
 * Issue 10, finding 5: replies are backpressured. A client that sends many requests and stops
 * reading makes the gateway stop reading it, not queue every reply in memory; once it reads
 * again, every reply arrives.
 */
import { promises as fs } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WebSocket } from 'ws';
import { RawClient, startTestGateway, type TestGateway } from '../testing/test-gateway.js';

let gw: TestGateway;

beforeAll(async () => {
  gw = await startTestGateway();
  // About 1 MB of log so each logs.tail reply is about 1 MB.
  const line = `${JSON.stringify({ level: 'info', msg: 'x'.repeat(2000) })}\n`;
  await fs.appendFile(`${gw.dir}/gateway.log`, line.repeat(Math.ceil(1_100_000 / line.length)));
});

afterAll(async () => {
  await gw.stop();
});

/** Unsent output of the gateway's own sockets, read in-process (the gateway runs in this test). */
function serverBuffered(): number {
  const wss = (gw.gateway.server as unknown as { wss: { clients: Set<WebSocket> } }).wss;
  let sum = 0;
  for (const ws of wss.clients) sum += ws.bufferedAmount;
  return sum;
}

describe('reply backpressure', () => {
  it('stops reading a client that does not read its replies, and delivers them all later', async () => {
    const client = await RawClient.open(gw.url);
    expect((await client.connect({ scopes: ['operator.read'] })).ok).toBe(true);
    const replies = new Set<string>();
    client.ws.on('message', (data) => {
      const frame = JSON.parse(data.toString()) as { type: string; id?: string };
      if (frame.type === 'res' && frame.id?.startsWith('t')) replies.add(frame.id);
    });
    client.ws.pause();
    const count = 120;
    for (let i = 0; i < count; i += 1) {
      client.send({
        type: 'req',
        id: `t${i}`,
        method: 'logs.tail',
        params: { maxBytes: 1_000_000, limit: 5000 },
      });
    }
    // Sample the gateway's unsent output while the client is not reading (bounded loop).
    let peak = 0;
    for (let i = 0; i < 40; i += 1) {
      peak = Math.max(peak, serverBuffered());
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    // One reply past the 1 MiB pause point plus the few already running, never ~120 MB.
    expect(peak).toBeLessThan(16 * 1024 * 1024);
    expect(client.ws.readyState).toBe(client.ws.OPEN);

    client.ws.resume();
    for (let i = 0; i < 400 && replies.size < count; i += 1) {
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    expect(replies.size).toBe(count);
    expect(client.ws.readyState).toBe(client.ws.OPEN);
    client.close();
  });
});
