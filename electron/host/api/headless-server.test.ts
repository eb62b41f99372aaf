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
});
