/**
 * (Test-only) A proxy in front of crabline's Discord server for what crabline cannot do: answer a
 * message send with Discord's 429 (`retry_after` body and `Retry-After` header), close gateway
 * sessions with a chosen code (on IDENTIFY, as Discord does for disallowed intents, or at any
 * time), add file attachments to the next MESSAGE_CREATE (crabline's inbound injection carries
 * text only) and serve the files, or change any other dispatch (a bot author, the bot's role).
 * Other traffic passes through unchanged; the gateway URLs (`/gateway/bot`, READY's
 * `resume_gateway_url`) are rewritten to the proxy so the WebSocket comes through it too.
 */
import { randomUUID } from 'node:crypto';
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { WebSocket, WebSocketServer } from 'ws';

export interface ProxyFile {
  name: string;
  data: Buffer;
  contentType: string;
  /** The size the attachment claims (Discord's `size`); defaults to the real size. */
  announcedSize?: number;
}

export interface ProxiedRequest {
  method: string;
  path: string;
  status: number;
}

export interface DiscordFaultProxy {
  /** The versioned REST base, what `DISCORD_API_URL` takes. */
  readonly apiUrl: string;
  readonly requests: ProxiedRequest[];
  /** Answer the next POST of a channel message with 429 and this `retry_after`. */
  rateLimitNextMessage(retryAfterSeconds: number): void;
  /** Answer the next POST of a channel message with this Discord error (401, 403 50013 …). */
  refuseNextMessage(status: number, code: number, message: string): void;
  /** Close each gateway session with this code when the client sends IDENTIFY. */
  closeOnIdentify(code: number | undefined): void;
  /** Close the live gateway sessions with this code, as Discord does on an error or a restart. */
  closeGateway(code: number): void;
  /** Change the payload of the next gateway dispatch of this event (GUILD_CREATE, …). */
  editNextDispatch(event: string, change: (payload: Record<string, unknown>) => void): void;
  /** Attach these files to the next MESSAGE_CREATE the gateway dispatches. */
  attachToNextMessage(files: ProxyFile[]): void;
  close(): Promise<void>;
}

const HOP_HEADERS = new Set(['host', 'connection', 'content-length', 'transfer-encoding']);

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

export async function startDiscordFaultProxy(upstreamOrigin: string): Promise<DiscordFaultProxy> {
  const upstream = new URL(upstreamOrigin);
  const requests: ProxiedRequest[] = [];
  const files = new Map<string, ProxyFile>();
  const sockets = new Set<Socket>();
  let rateLimit: number | undefined;
  let refusal: { status: number; code: number; message: string } | undefined;
  let identifyCloseCode: number | undefined;
  const edits: { event: string; change: (payload: Record<string, unknown>) => void }[] = [];
  let origin = '';

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? '/', origin);
    const method = req.method ?? 'GET';
    const served = /^\/files\/([^/]+)\//.exec(url.pathname);
    if (method === 'GET' && served) {
      const file = files.get(served[1]!);
      res.writeHead(file ? 200 : 404, { 'content-type': file?.contentType ?? 'text/plain' });
      res.end(file ? file.data : 'not found');
      return;
    }
    const body = await readBody(req);
    const isMessagePost =
      method === 'POST' && /^\/api\/v10\/channels\/\d+\/messages$/.test(url.pathname);
    if (isMessagePost && rateLimit !== undefined) {
      const retryAfter = rateLimit;
      rateLimit = undefined;
      requests.push({ method, path: url.pathname, status: 429 });
      res.writeHead(429, {
        'content-type': 'application/json',
        'retry-after': String(Math.ceil(retryAfter)),
        'x-ratelimit-scope': 'user',
      });
      res.end(
        JSON.stringify({
          message: 'You are being rate limited.',
          retry_after: retryAfter,
          global: false,
        }),
      );
      return;
    }
    if (isMessagePost && refusal) {
      const { status, code, message } = refusal;
      refusal = undefined;
      requests.push({ method, path: url.pathname, status });
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ message, code }));
      return;
    }
    const headers: Record<string, string> = {};
    for (const [key, value] of Object.entries(req.headers)) {
      if (!HOP_HEADERS.has(key) && typeof value === 'string') headers[key] = value;
    }
    const answer = await fetch(new URL(url.pathname + url.search, upstream), {
      method,
      headers,
      ...(body.length > 0 ? { body: new Uint8Array(body) } : {}),
    });
    let payload = Buffer.from(await answer.arrayBuffer());
    if (/^\/api\/v10\/gateway(\/bot)?$/.test(url.pathname) && answer.ok) {
      const info = JSON.parse(payload.toString('utf8')) as { url: string };
      const gateway = new URL(info.url);
      info.url = `ws://${new URL(origin).host}${gateway.pathname}`;
      payload = Buffer.from(JSON.stringify(info));
    }
    requests.push({ method, path: url.pathname, status: answer.status });
    const out: Record<string, string> = {};
    answer.headers.forEach((value, key) => {
      if (!HOP_HEADERS.has(key) && key !== 'content-encoding') out[key] = value;
    });
    res.writeHead(answer.status, out);
    res.end(payload);
  };

  const attachment = (file: ProxyFile, index: number): Record<string, unknown> => {
    const key = randomUUID();
    files.set(key, file);
    const link = `${origin}/files/${key}/${encodeURIComponent(file.name)}`;
    return {
      id: `${Date.now()}${index}`.padEnd(18, '0').slice(0, 18),
      filename: file.name,
      size: file.announcedSize ?? file.data.length,
      url: link,
      proxy_url: link,
      content_type: file.contentType,
    };
  };

  const rewrite = (data: string): string => {
    const frame = JSON.parse(data) as { op: number; t?: string; d?: Record<string, unknown> };
    if (frame.op !== 0 || !frame.d) return data;
    let changed = false;
    // Resuming goes to READY's `resume_gateway_url`, which names crabline; keep it on the proxy.
    if (frame.t === 'READY' && typeof frame.d.resume_gateway_url === 'string') {
      const resume = new URL(frame.d.resume_gateway_url);
      frame.d.resume_gateway_url = `ws://${new URL(origin).host}${resume.pathname}`;
      changed = true;
    }
    const index = edits.findIndex((edit) => edit.event === frame.t);
    if (index >= 0) {
      const [edit] = edits.splice(index, 1);
      edit!.change(frame.d);
      changed = true;
    }
    return changed ? JSON.stringify(frame) : data;
  };

  const server = http.createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      res.writeHead(502, { 'content-type': 'text/plain' });
      res.end(`proxy error: ${String(error)}`);
    });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  const wss = new WebSocketServer({ noServer: true });
  server.on('upgrade', (req, socket, head) => {
    wss.handleUpgrade(req, socket, head, (client) => {
      const target = new URL(req.url ?? '/', `ws://${upstream.host}`);
      const backend = new WebSocket(target);
      const queued: string[] = [];
      backend.on('open', () => queued.splice(0).forEach((frame) => backend.send(frame)));
      // Discord's JSON gateway speaks text frames; `ws` hands them over as buffers.
      backend.on('message', (data, isBinary) =>
        client.send(isBinary ? data : rewrite(data.toString())),
      );
      backend.on('close', (code) =>
        code >= 4000 || code === 1000 ? client.close(code) : client.terminate(),
      );
      backend.on('error', () => client.terminate());
      client.on('message', (raw) => {
        const data = raw.toString();
        const frame = JSON.parse(data) as { op: number };
        if (frame.op === 2 && identifyCloseCode !== undefined) {
          client.close(identifyCloseCode, 'Disallowed intent(s).');
          backend.close();
          return;
        }
        if (backend.readyState === WebSocket.OPEN) backend.send(data);
        else queued.push(data);
      });
      client.on('close', () => backend.close());
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    apiUrl: `${origin}/api/v10`,
    requests,
    rateLimitNextMessage: (seconds) => {
      rateLimit = seconds;
    },
    refuseNextMessage: (status, code, message) => {
      refusal = { status, code, message };
    },
    closeOnIdentify: (code) => {
      identifyCloseCode = code;
    },
    closeGateway: (code) => {
      for (const client of wss.clients) client.close(code, 'closed by the test');
    },
    editNextDispatch: (event, change) => {
      edits.push({ event, change });
    },
    attachToNextMessage: (list) => {
      edits.push({
        event: 'MESSAGE_CREATE',
        change: (message) => {
          message.attachments = list.map(attachment);
        },
      });
    },
    close: async () => {
      for (const client of wss.clients) client.terminate();
      wss.close();
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
