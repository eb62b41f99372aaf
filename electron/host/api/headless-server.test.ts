import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import WebSocket from 'ws';
import { afterEach, describe, expect, it } from 'vitest';
import { HostApiHandler, type HostImplementation } from './host-api-handler.js';
import { startHeadlessServer, type HeadlessServer } from './headless-server.js';

const status = {
  phase: 'running' as const,
  summary: 'Gateway: running',
  canStart: false,
  canStop: true,
  canRestart: true,
  canRebuild: true,
  pendingApprovals: 0,
  port: 18789,
  operator: 'connected',
};

function fakeImpl(): HostImplementation {
  const notImplemented = async () => {
    throw new Error('not used in this test');
  };
  return new Proxy({} as HostImplementation, {
    get: (_t, name) => {
      if (name === 'status.get') return async () => status;
      if (name === 'approvals.approve') return async () => ({ ok: true });
      return notImplemented;
    },
  });
}

let server: HeadlessServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

function open(url: string, headers: Record<string, string> = {}): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { headers });
    ws.once('open', () => resolve(ws));
    ws.once('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
    ws.once('error', reject);
  });
}

function next(ws: WebSocket): Promise<Record<string, unknown>> {
  return new Promise((resolve) =>
    ws.once('message', (d) => resolve(JSON.parse(d.toString()) as Record<string, unknown>)),
  );
}

function closed(ws: WebSocket): Promise<number> {
  return new Promise((resolve) => ws.once('close', (code) => resolve(code)));
}

describe('headless host', () => {
  it('trades the one-time token for a session, then serves validated calls and events', async () => {
    const ui = await fs.mkdtemp(path.join(os.tmpdir(), 'openclaw-ui-'));
    await fs.writeFile(path.join(ui, 'index.html'), '<title>app</title>');
    const handler = new HostApiHandler(fakeImpl());
    server = await startHeadlessServer({ handler, uiRoot: ui });
    const token = new URL(server.launchUrl).hash.replace('#hostToken=', '');
    const origin = `http://127.0.0.1:${server.port}`;
    expect(await (await fetch(`${server.url}settings`)).text()).toContain('<title>app</title>');

    const ws = await open(`ws://127.0.0.1:${server.port}/host`, { Origin: origin });
    ws.send(JSON.stringify({ type: 'auth', token }));
    const auth = await next(ws);
    expect(auth.type).toBe('auth-ok');

    ws.send(JSON.stringify({ type: 'call', id: '1', name: 'status.get', params: {} }));
    expect(await next(ws)).toMatchObject({
      type: 'result',
      id: '1',
      ok: true,
      value: { phase: 'running' },
    });

    ws.send(
      JSON.stringify({
        type: 'call',
        id: '2',
        name: 'approvals.approve',
        params: { requestId: 7 },
      }),
    );
    const bad = await next(ws);
    expect(bad).toMatchObject({ ok: false, error: { code: 'INVALID_ARGUMENT' } });

    ws.send(JSON.stringify({ type: 'call', id: '3', name: 'shell.exec', params: {} }));
    expect(await next(ws)).toMatchObject({
      ok: false,
      error: { message: 'unknown host call: shell.exec' },
    });

    const event = next(ws);
    handler.emit('approvals.changed', { pending: 2 });
    expect(await event).toEqual({
      type: 'event',
      name: 'approvals.changed',
      payload: { pending: 2 },
    });

    // The printed token is spent; the session token keeps working after a reload.
    const replay = await open(`ws://127.0.0.1:${server.port}/host`, { Origin: origin });
    replay.send(JSON.stringify({ type: 'auth', token }));
    expect(await closed(replay)).toBe(4401);
    const reload = await open(`ws://127.0.0.1:${server.port}/host`, { Origin: origin });
    reload.send(JSON.stringify({ type: 'auth', token: auth.sessionToken }));
    expect((await next(reload)).type).toBe('auth-ok');
    ws.close();
    reload.close();
    await fs.rm(ui, { recursive: true, force: true });
  });

  it('refuses other origins before the upgrade', async () => {
    server = await startHeadlessServer({
      handler: new HostApiHandler(fakeImpl()),
      uiRoot: os.tmpdir(),
    });
    await expect(
      open(`ws://127.0.0.1:${server.port}/host`, { Origin: 'http://evil.test' }),
    ).rejects.toThrow('HTTP 403');
  });

  it('hands a fresh one-time link to the owner of the instance secret, and only to them', async () => {
    const secret = 'k'.repeat(32);
    server = await startHeadlessServer({
      handler: new HostApiHandler(fakeImpl()),
      uiRoot: os.tmpdir(),
      instanceSecret: secret,
    });
    const endpoint = `${server.url}instance/launch-url`;
    const post = (headers: Record<string, string>) => fetch(endpoint, { method: 'POST', headers });
    expect((await post({})).status).toBe(401);
    expect((await post({ Authorization: `Bearer ${'x'.repeat(32)}` })).status).toBe(401);
    // A web page cannot use it even if it guessed the secret: browsers send Origin on POST.
    expect(
      (await post({ Authorization: `Bearer ${secret}`, Origin: 'http://evil.test' })).status,
    ).toBe(403);
    expect((await fetch(endpoint, { headers: { Authorization: `Bearer ${secret}` } })).status).toBe(
      405,
    );

    const res = await post({ Authorization: `Bearer ${secret}` });
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-store');
    const { launchUrl } = (await res.json()) as { launchUrl: string };
    expect(launchUrl).toMatch(new RegExp(`^${server.url}#hostToken=[\\w-]{32}$`));
    expect(launchUrl).not.toBe(server.launchUrl);

    // Both links work, each once (the handed-out one is tried a second time last).
    const origin = `http://127.0.0.1:${server.port}`;
    const outcomes: unknown[] = [];
    for (const link of [launchUrl, server.launchUrl, launchUrl]) {
      const token = new URL(link).hash.replace('#hostToken=', '');
      const ws = await open(`ws://127.0.0.1:${server.port}/host`, { Origin: origin });
      const reply = Promise.race([next(ws).then((m) => m.type), closed(ws).then((code) => code)]);
      ws.send(JSON.stringify({ type: 'auth', token }));
      outcomes.push(await reply);
      ws.close();
    }
    expect(outcomes).toEqual(['auth-ok', 'auth-ok', 4401]);
  });

  it('without an instance secret there is no link endpoint', async () => {
    server = await startHeadlessServer({
      handler: new HostApiHandler(fakeImpl()),
      uiRoot: os.tmpdir(),
    });
    const res = await fetch(`${server.url}instance/launch-url`, { method: 'POST' });
    expect(res.status).toBe(404);
  });

  it('says who holds a busy port and how to pick another, instead of a raw EADDRINUSE', async () => {
    server = await startHeadlessServer({
      handler: new HostApiHandler(fakeImpl()),
      uiRoot: os.tmpdir(),
    });
    await expect(
      startHeadlessServer({
        handler: new HostApiHandler(fakeImpl()),
        uiRoot: os.tmpdir(),
        port: server.port,
      }),
    ).rejects.toMatchObject({
      code: 'HOST_PORT_IN_USE',
      message: expect.stringMatching(
        new RegExp(
          `Port ${server.port} on 127.0.0.1 is already in use.*npm start -- --port ${server.port + 1}.*OPENCLAW_DESKTOP_PORT`,
        ),
      ),
    });
  });
});
