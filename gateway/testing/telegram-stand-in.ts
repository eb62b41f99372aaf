/**
 * (Test-only) A small Telegram Bot API server for what crabline does not serve: `getFile` and
 * `/file/bot<token>/<path>` downloads, updates carrying media, Telegram's JSON 401 for a wrong
 * token, and scripted error answers (429 with `retry_after`, 409, 5xx) on any method. Answers
 * follow the Bot API's shapes (`{ ok, result }` / `{ ok: false, error_code, description }`).
 */
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';

export interface TelegramStandInOptions {
  token?: string;
  botId?: number;
  botUsername?: string;
}

export interface RecordedCall {
  method: string;
  /** The JSON body (empty for multipart uploads, whose size is in `bytes`). */
  body: Record<string, unknown>;
  bytes: number;
  contentType: string;
}

export interface ScriptedAnswer {
  status: number;
  /** JSON, or a string sent as `text/html` (what a proxy in front of the Bot API answers). */
  body: unknown;
}

export interface StoredFile {
  file_id: string;
  file_unique_id: string;
  file_size: number;
  file_path: string;
}

export interface TelegramStandIn {
  readonly apiRoot: string;
  readonly token: string;
  readonly botId: number;
  readonly calls: RecordedCall[];
  /** Queues an update (`update_id` is assigned) for the next `getUpdates`. */
  pushUpdate(update: Record<string, unknown>): void;
  /**
   * Stores bytes the way the Bot API keeps uploaded files; returns what `getFile` will answer.
   * `unsized`: getFile leaves `file_size` out and the download is chunked (no content-length),
   * as some self-hosted servers and proxies do.
   */
  addFile(data: Buffer, filePath: string, options?: { unsized?: boolean }): StoredFile;
  /** Answers the next `times` calls of `method` with this instead of the normal result. */
  failNext(method: string, answer: ScriptedAnswer, times?: number): void;
  close(): Promise<void>;
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(text),
  });
  res.end(text);
}

export async function startTelegramStandIn(
  options: TelegramStandInOptions = {},
): Promise<TelegramStandIn> {
  const botId = options.botId ?? 777001;
  const token = options.token ?? `${botId}:stand-in-secret-ABCDEFGHIJKLMNOP`;
  const username = options.botUsername ?? 'standin_bot';
  const calls: RecordedCall[] = [];
  const updates: Record<string, unknown>[] = [];
  const files = new Map<string, { info: StoredFile; data: Buffer; unsized: boolean }>();
  const scripted = new Map<string, ScriptedAnswer[]>();
  const waiters = new Set<() => void>();
  const sockets = new Set<Socket>();
  let nextUpdateId = 1;
  let nextMessageId = 1000;

  const wake = () => {
    for (const waiter of [...waiters]) waiter();
  };

  const result = (res: ServerResponse, value: unknown) =>
    sendJson(res, 200, { ok: true, result: value });

  async function getUpdates(
    body: Record<string, unknown>,
    req: IncomingMessage,
    res: ServerResponse,
  ) {
    const offset = typeof body.offset === 'number' ? body.offset : 0;
    const timeout = typeof body.timeout === 'number' ? body.timeout : 0;
    // Telegram forgets updates below the offset: that confirms them.
    while (updates.length > 0 && (updates[0]?.update_id as number) < offset) updates.shift();
    if (updates.length === 0 && timeout > 0) {
      await new Promise<void>((resolve) => {
        const done = () => {
          clearTimeout(timer);
          waiters.delete(done);
          req.off('close', done);
          resolve();
        };
        const timer = setTimeout(done, timeout * 1000);
        waiters.add(done);
        req.on('close', done);
      });
    }
    if (res.destroyed) return;
    result(res, updates.slice(0, typeof body.limit === 'number' ? body.limit : 100));
  }

  function message(chatId: unknown, extra: Record<string, unknown>) {
    const id = Number(chatId);
    return {
      message_id: (nextMessageId += 1),
      date: Math.floor(Date.now() / 1000),
      chat:
        id > 0
          ? { id, type: 'private', first_name: 'User' }
          : { id, type: 'supergroup', title: 'Group' },
      from: { id: botId, is_bot: true, first_name: 'Stand-in', username },
      ...extra,
    };
  }

  async function handle(req: IncomingMessage, res: ServerResponse) {
    const url = new URL(req.url ?? '/', 'http://stand-in');
    const fileMatch = /^\/file\/bot([^/]+)\/(.+)$/.exec(url.pathname);
    if (fileMatch) {
      const stored =
        fileMatch[1] === token ? files.get(decodeURIComponent(fileMatch[2] ?? '')) : undefined;
      if (!stored)
        return sendJson(res, 404, { ok: false, error_code: 404, description: 'Not Found' });
      if (stored.unsized) {
        res.writeHead(200, { 'content-type': 'application/octet-stream' });
        for (let at = 0; at < stored.data.length; at += 1024)
          res.write(stored.data.subarray(at, at + 1024));
        return res.end();
      }
      res.writeHead(200, {
        'content-type': 'application/octet-stream',
        'content-length': stored.data.length,
      });
      return res.end(stored.data);
    }
    const apiMatch = /^\/bot([^/]+)\/([A-Za-z]+)$/.exec(url.pathname);
    if (!apiMatch)
      return sendJson(res, 404, { ok: false, error_code: 404, description: 'Not Found' });
    const raw = await readBody(req);
    const contentType = req.headers['content-type'] ?? '';
    let body: Record<string, unknown> = {};
    if (contentType.includes('json') && raw.length > 0)
      body = JSON.parse(raw.toString('utf8')) as Record<string, unknown>;
    const method = apiMatch[2] ?? '';
    calls.push({ method, body, bytes: raw.length, contentType });
    if (apiMatch[1] !== token)
      return sendJson(res, 401, { ok: false, error_code: 401, description: 'Unauthorized' });
    const queued = scripted.get(method);
    const answer = queued?.shift();
    if (answer && typeof answer.body === 'string') {
      res.writeHead(answer.status, { 'content-type': 'text/html' });
      return res.end(answer.body);
    }
    if (answer) return sendJson(res, answer.status, answer.body);
    switch (method) {
      case 'getMe':
        return result(res, {
          id: botId,
          is_bot: true,
          first_name: 'Stand-in',
          username,
          can_join_groups: true,
          can_read_all_group_messages: false,
          supports_inline_queries: false,
        });
      case 'getUpdates':
        return getUpdates(body, req, res);
      case 'getFile': {
        const stored = [...files.values()].find((f) => f.info.file_id === body.file_id);
        if (!stored)
          return sendJson(res, 400, {
            ok: false,
            error_code: 400,
            description: 'Bad Request: invalid file_id',
          });
        if (!stored.unsized) return result(res, stored.info);
        const { file_size: _size, ...unsized } = stored.info;
        return result(res, unsized);
      }
      case 'sendMessage':
        return result(res, message(body.chat_id, { text: body.text }));
      case 'sendChatAction':
        return result(res, true);
      case 'sendPhoto':
      case 'sendDocument':
        return result(res, message(body.chat_id, {}));
      default:
        return sendJson(res, 404, {
          ok: false,
          error_code: 404,
          description: 'Not Found: method not found',
        });
    }
  }

  const server = http.createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (!res.headersSent)
        sendJson(res, 500, { ok: false, error_code: 500, description: String(error) });
    });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };

  return {
    apiRoot: `http://127.0.0.1:${port}`,
    token,
    botId,
    calls,
    pushUpdate(update) {
      updates.push({ ...update, update_id: nextUpdateId++ });
      wake();
    },
    addFile(data, filePath, options = {}) {
      const info: StoredFile = {
        file_id: `file-${files.size + 1}-${data.length}`,
        file_unique_id: `u${files.size + 1}`,
        file_size: data.length,
        file_path: filePath,
      };
      files.set(filePath, { info, data, unsized: options.unsized === true });
      return info;
    },
    failNext(method, answer, times = 1) {
      const queue = scripted.get(method) ?? [];
      for (let i = 0; i < times; i += 1) queue.push(answer);
      scripted.set(method, queue);
    },
    close: () =>
      new Promise<void>((resolve) => {
        wake();
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
