import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { waitForHttp } from './wait-for-http.js';

const servers: http.Server[] = [];

async function serve(handler: http.RequestListener): Promise<string> {
  const server = http.createServer(handler);
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

afterEach(async () => {
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
});

describe('waitForHttp', () => {
  it('polls until the endpoint answers 2xx', async () => {
    let hits = 0;
    const base = await serve((req, res) => {
      hits += 1;
      res.writeHead(hits < 3 ? 503 : 200).end(req.url === '/healthz' ? '{"ok":true}' : '');
    });
    expect(await waitForHttp(`${base}/healthz`, { intervalMs: 20, timeoutMs: 5_000 })).toEqual({
      status: 200,
    });
    expect(hits).toBe(3);
  });

  it('times out with HEALTH_TIMEOUT naming the last failure but not the query string', async () => {
    const base = await serve((_req, res) => res.writeHead(503).end());
    const err = await waitForHttp(`${base}/healthz?token=abcdef123456`, {
      intervalMs: 20,
      timeoutMs: 300,
    }).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'HEALTH_TIMEOUT' });
    expect((err as Error).message).toContain('HTTP 503');
    expect((err as Error).message).not.toContain('abcdef123456');
  });

  it('reports a refused connection and stops at once on abort', async () => {
    const base = await serve((_req, res) => res.end());
    const port = new URL(base).port;
    servers[0]?.close();
    const refused = await waitForHttp(`http://127.0.0.1:${port}/healthz`, {
      intervalMs: 20,
      timeoutMs: 200,
    }).catch((e: unknown) => e);
    expect((refused as Error).message).toContain('ECONNREFUSED');

    const controller = new AbortController();
    const started = Date.now();
    setTimeout(() => controller.abort(), 50);
    await expect(
      waitForHttp(`http://127.0.0.1:${port}/healthz`, {
        signal: controller.signal,
        timeoutMs: 10_000,
      }),
    ).rejects.toMatchObject({
      code: 'CANCELLED',
    });
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  it('refuses non-http URLs', async () => {
    await expect(waitForHttp('file:///etc/passwd')).rejects.toMatchObject({
      code: 'INVALID_ARGUMENT',
    });
  });
});
