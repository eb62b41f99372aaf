/**
 * A WebSocket peer on a plain TCP socket, for tests that must do what no well-behaved client does:
 * announce a frame and send only part of it, send 2,000 headers, stop reading. Server frames are
 * parsed just enough to see text messages and the close code.
 */
import { randomBytes } from 'node:crypto';
import net from 'node:net';

export interface RawUpgradeOptions {
  headers?: Record<string, string> | Array<[string, string]>;
  localAddress?: string;
  path?: string;
}

export interface ServerFrame {
  opcode: number;
  payload: Buffer;
}

export class RawSocketPeer {
  readonly frames: ServerFrame[] = [];
  /** Status line of the HTTP answer ("HTTP/1.1 101 Switching Protocols"). */
  statusLine = '';
  responseHead = '';
  responseBody = '';
  readonly ended: Promise<void>;
  private pending = Buffer.alloc(0);
  private upgraded = false;
  private waiters: Array<() => void> = [];

  private constructor(readonly socket: net.Socket) {
    this.ended = new Promise((resolve) => socket.once('close', () => resolve()));
    socket.on('error', () => {});
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.once('close', () => this.wake());
  }

  /** Connects and sends the upgrade request; resolves once the HTTP answer's head is in. */
  static async open(port: number, options: RawUpgradeOptions = {}): Promise<RawSocketPeer> {
    const socket = net.connect({ port, host: '127.0.0.1', localAddress: options.localAddress });
    const peer = new RawSocketPeer(socket);
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', resolve);
      socket.once('error', reject);
    });
    const extra = Array.isArray(options.headers)
      ? options.headers
      : Object.entries(options.headers ?? {});
    const headers: Array<[string, string]> = [
      // A Host given by the test replaces ours (a duplicate would leave ours in effect).
      ...(extra.some(([k]) => k.toLowerCase() === 'host')
        ? []
        : [['Host', `127.0.0.1:${port}`] as [string, string]]),
      ['Upgrade', 'websocket'],
      ['Connection', 'Upgrade'],
      ['Sec-WebSocket-Key', randomBytes(16).toString('base64')],
      ['Sec-WebSocket-Version', '13'],
      ...extra,
    ];
    socket.write(
      `GET ${options.path ?? '/'} HTTP/1.1\r\n${headers.map(([k, v]) => `${k}: ${v}`).join('\r\n')}\r\n\r\n`,
    );
    await peer.until(() => peer.statusLine !== '', 5000);
    return peer;
  }

  get status(): number {
    return Number(this.statusLine.split(' ')[1] ?? 0);
  }

  /** Writes a masked client frame header announcing `length` payload bytes. */
  writeFrameHeader(length: number, opcode = 0x1, fin = true): boolean {
    const head: number[] = [(fin ? 0x80 : 0) | opcode];
    if (length < 126) head.push(0x80 | length);
    else if (length < 65536) head.push(0x80 | 126, length >> 8, length & 0xff);
    else {
      head.push(0x80 | 127, 0, 0, 0, 0);
      head.push(
        (length >>> 24) & 0xff,
        (length >>> 16) & 0xff,
        (length >>> 8) & 0xff,
        length & 0xff,
      );
    }
    // An all-zero mask keeps the payload readable; the server only requires the mask bit.
    return this.socket.write(Buffer.from([...head, 0, 0, 0, 0]));
  }

  /** A complete masked text frame. */
  sendText(text: string): boolean {
    const body = Buffer.from(text, 'utf8');
    this.writeFrameHeader(body.length);
    return this.socket.write(body);
  }

  /** Close code from the server's close frame, if one arrived. */
  get closeCode(): number | undefined {
    const close = this.frames.find((f) => f.opcode === 0x8);
    return close && close.payload.length >= 2 ? close.payload.readUInt16BE(0) : undefined;
  }

  get closeReason(): string | undefined {
    const close = this.frames.find((f) => f.opcode === 0x8);
    return close ? close.payload.subarray(2).toString('utf8') : undefined;
  }

  texts(): string[] {
    return this.frames.filter((f) => f.opcode === 0x1).map((f) => f.payload.toString('utf8'));
  }

  /** Resolves when `predicate` holds (checked on every chunk and on close), rejects after the timeout. */
  until(predicate: () => boolean, timeoutMs: number): Promise<void> {
    if (predicate()) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== check);
        reject(new Error('timed out waiting on the raw socket'));
      }, timeoutMs);
      const check = () => {
        if (!predicate()) return;
        clearTimeout(timer);
        this.waiters = this.waiters.filter((w) => w !== check);
        resolve();
      };
      this.waiters.push(check);
    });
  }

  destroy(): void {
    this.socket.destroy();
  }

  private wake(): void {
    for (const waiter of [...this.waiters]) waiter();
  }

  private onData(chunk: Buffer): void {
    this.pending = Buffer.concat([this.pending, chunk]);
    if (!this.upgraded) {
      const end = this.pending.indexOf('\r\n\r\n');
      if (end < 0) return this.wake();
      this.responseHead = this.pending.subarray(0, end).toString('latin1');
      this.statusLine = this.responseHead.split('\r\n')[0] ?? '';
      this.pending = this.pending.subarray(end + 4);
      if (this.status !== 101) {
        this.responseBody = this.pending.toString('utf8');
        this.pending = Buffer.alloc(0);
        this.upgraded = true; // nothing more to parse as frames
        this.statusLine ||= 'HTTP/1.1 0';
        return this.wake();
      }
      this.upgraded = true;
    }
    if (this.status !== 101) {
      this.responseBody += chunk.toString('utf8');
      return this.wake();
    }
    for (;;) {
      if (this.pending.length < 2) break;
      const opcode = this.pending[0]! & 0x0f;
      let length = this.pending[1]! & 0x7f;
      let offset = 2;
      if (length === 126) {
        if (this.pending.length < 4) break;
        length = this.pending.readUInt16BE(2);
        offset = 4;
      } else if (length === 127) {
        if (this.pending.length < 10) break;
        length = Number(this.pending.readBigUInt64BE(2));
        offset = 10;
      }
      if (this.pending.length < offset + length) break;
      this.frames.push({ opcode, payload: this.pending.subarray(offset, offset + length) });
      this.pending = this.pending.subarray(offset + length);
    }
    this.wake();
  }
}
