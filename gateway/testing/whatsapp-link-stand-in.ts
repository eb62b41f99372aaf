/**
 * (Test-only) A WhatsApp Web endpoint that can *link* a device, the part crabline's Baileys
 * websocket (which opens every connection as already linked) does not do. It speaks the real
 * wire protocol to an unmodified Baileys client:
 *
 * - Noise XX handshake (our own implementation on node:crypto and Baileys' Curve25519);
 * - a client without credentials gets `<pair-device>` with QR refs; Baileys shows them as QR
 *   codes, rotating, and ends with 408 when they run out;
 * - `scan(qr)` plays the phone: it signs an ADV device identity with a fresh account key and
 *   sends `<pair-success>`; when Baileys confirms (`pair-device-sign`) the stream ends with 515
 *   "restart required", as WhatsApp does;
 * - a linked client gets `<success>`, every iq is acknowledged, and `logOutDevices()` ends the
 *   stream with 401 as when the user removes the device on the phone.
 *
 * Baileys only accepts a server certificate chain signed by WhatsApp's root key, so the chain is
 * read from crabline's WhatsApp server module by file path (it is not an export). That couples
 * this file to @openclaw/crabline 0.1.27, pinned exactly in package.json: on an upgrade, check
 * that `dist/src/servers/whatsapp-baileys-websocket.js` still holds `WHATSAPP_NOISE_CERT_CHAIN`.
 */
import {
  createHash,
  createCipheriv,
  createDecipheriv,
  createHmac,
  hkdfSync,
  randomBytes,
} from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  Curve,
  NOISE_MODE,
  NOISE_WA_HEADER,
  WA_ADV_ACCOUNT_SIG_PREFIX,
  decodeBinaryNode,
  encodeBinaryNode,
  proto,
  type BinaryNode,
} from 'baileys';
import { WebSocketServer, type WebSocket } from 'ws';

async function crablineCertChain(): Promise<Buffer> {
  // Node's resolver refuses paths outside the package's exports: look for the file itself.
  const relative = 'node_modules/@openclaw/crabline/dist/src/servers/whatsapp-baileys-websocket.js';
  let dir = path.dirname(fileURLToPath(import.meta.url));
  let file = path.join(dir, relative);
  while (!existsSync(file) && path.dirname(dir) !== dir) {
    dir = path.dirname(dir);
    file = path.join(dir, relative);
  }
  const source = await readFile(file, 'utf8');
  const match = /WHATSAPP_NOISE_CERT_CHAIN = Buffer\.from\("([A-Za-z0-9+/=]+)", "base64"\)/.exec(
    source,
  );
  if (!match?.[1])
    throw new Error(`no WhatsApp certificate chain found in ${file}; crabline changed`);
  return Buffer.from(match[1], 'base64');
}

const sha256 = (data: Uint8Array) => createHash('sha256').update(data).digest();
const nonce = (counter: number) => {
  const iv = Buffer.alloc(12);
  iv.writeUInt32BE(counter, 8);
  return iv;
};
function gcmEncrypt(key: Buffer, iv: Buffer, plain: Uint8Array, aad: Uint8Array): Buffer {
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(aad);
  return Buffer.concat([cipher.update(plain), cipher.final(), cipher.getAuthTag()]);
}
function gcmDecrypt(key: Buffer, iv: Buffer, sealed: Uint8Array, aad: Uint8Array): Buffer {
  const data = Buffer.from(sealed);
  const decipher = createDecipheriv('aes-256-gcm', key, iv);
  decipher.setAAD(aad);
  decipher.setAuthTag(data.subarray(data.length - 16));
  return Buffer.concat([decipher.update(data.subarray(0, data.length - 16)), decipher.final()]);
}
const split64 = (ikm: Uint8Array, salt: Buffer): [Buffer, Buffer] => {
  const out = Buffer.from(hkdfSync('sha256', ikm, salt, Buffer.alloc(0), 64));
  return [out.subarray(0, 32), out.subarray(32)];
};
const framed = (data: Uint8Array) => {
  const out = Buffer.alloc(3 + data.length);
  out.writeUIntBE(data.length, 0, 3);
  out.set(data, 3);
  return out;
};

/** The server side of one connection's Noise XX handshake, then its transport keys. */
class NoiseServer {
  private hash: Buffer;
  private salt: Buffer;
  private key: Buffer;
  private counter = 0;
  private ephemeral = Curve.generateKeyPair();
  private transport?: { read: Buffer; write: Buffer; reads: number; writes: number };

  constructor() {
    const mode = Buffer.from(NOISE_MODE);
    this.hash = mode.length === 32 ? mode : sha256(mode);
    this.salt = this.hash;
    this.key = this.hash;
    this.authenticate(NOISE_WA_HEADER);
  }

  private authenticate(data: Uint8Array) {
    this.hash = sha256(Buffer.concat([this.hash, data]));
  }
  private mix(ikm: Uint8Array) {
    [this.salt, this.key] = split64(ikm, this.salt);
    this.counter = 0;
  }
  private encrypt(plain: Uint8Array) {
    const sealed = gcmEncrypt(this.key, nonce(this.counter++), plain, this.hash);
    this.authenticate(sealed);
    return sealed;
  }
  private decrypt(sealed: Uint8Array) {
    const plain = gcmDecrypt(this.key, nonce(this.counter++), sealed, this.hash);
    this.authenticate(sealed);
    return plain;
  }

  serverHello(clientHello: Uint8Array, certChain: Buffer): Buffer {
    const { clientHello: hello } = proto.HandshakeMessage.decode(clientHello);
    if (!hello?.ephemeral) throw new Error('client hello without an ephemeral key');
    const staticPair = Curve.generateKeyPair();
    this.authenticate(hello.ephemeral);
    this.authenticate(this.ephemeral.public);
    this.mix(Curve.sharedKey(this.ephemeral.private, hello.ephemeral));
    const sealedStatic = this.encrypt(staticPair.public);
    this.mix(Curve.sharedKey(staticPair.private, hello.ephemeral));
    const payload = this.encrypt(certChain);
    return Buffer.from(
      proto.HandshakeMessage.encode({
        serverHello: { ephemeral: this.ephemeral.public, static: sealedStatic, payload },
      }).finish(),
    );
  }

  clientFinish(message: Uint8Array): proto.ClientPayload {
    const { clientFinish } = proto.HandshakeMessage.decode(message);
    if (!clientFinish?.static || !clientFinish.payload) throw new Error('incomplete client finish');
    const clientStatic = this.decrypt(clientFinish.static);
    this.mix(Curve.sharedKey(this.ephemeral.private, clientStatic));
    const payload = proto.ClientPayload.decode(this.decrypt(clientFinish.payload));
    const [read, write] = split64(Buffer.alloc(0), this.salt);
    this.transport = { read, write, reads: 0, writes: 0 };
    return payload;
  }

  async readNode(frame: Uint8Array): Promise<BinaryNode> {
    const t = this.transport!;
    return decodeBinaryNode(gcmDecrypt(t.read, nonce(t.reads++), frame, Buffer.alloc(0)));
  }

  writeNode(node: BinaryNode): Buffer {
    const t = this.transport!;
    return framed(gcmEncrypt(t.write, nonce(t.writes++), encodeBinaryNode(node), Buffer.alloc(0)));
  }
}

/** Splits the byte stream into frames, dropping the client's intro header first. */
class FrameReader {
  private buffer = Buffer.alloc(0);
  private sawIntro = false;

  push(data: Buffer): Buffer[] {
    this.buffer = Buffer.concat([this.buffer, data]);
    if (!this.sawIntro) {
      let skip = 0;
      if (this.buffer.subarray(0, 2).toString() === 'ED') skip = 7 + this.buffer.readUIntBE(4, 3);
      if (this.buffer.length < skip + NOISE_WA_HEADER.length) return [];
      this.buffer = this.buffer.subarray(skip + NOISE_WA_HEADER.length);
      this.sawIntro = true;
    }
    const frames: Buffer[] = [];
    while (this.buffer.length >= 3) {
      const size = this.buffer.readUIntBE(0, 3);
      if (this.buffer.length < 3 + size) break;
      frames.push(this.buffer.subarray(3, 3 + size));
      this.buffer = this.buffer.subarray(3 + size);
    }
    return frames;
  }
}

export interface WhatsAppLinkStandInOptions {
  /** QR refs offered to an unlinked client (Baileys shows one QR per ref). Default 3. */
  refs?: number;
  /** The phone's number (digits) that scans. Default 15550000000. */
  phone?: string;
}

export interface WhatsAppLinkStandIn {
  /** For `OPENCLAW_WHATSAPP_WEB_SOCKET_URL`. */
  url: string;
  /** The phone scans this QR text; throws when it is not a QR this server issued. */
  scan(qr: string): void;
  /** Ends every linked session with 401, as removing the device on the phone does. */
  logOutDevices(): void;
  /** What happened, in order: `pair-device`, `pair-success`, `restart-515`, `login`, `logout` … */
  readonly events: string[];
  close(): Promise<void>;
}

interface Session {
  socket: WebSocket;
  noise: NoiseServer;
  refs: Set<string>;
  linked: boolean;
}

export async function startWhatsAppLinkStandIn(
  options: WhatsAppLinkStandInOptions = {},
): Promise<WhatsAppLinkStandIn> {
  const certChain = await crablineCertChain();
  const phone = options.phone ?? '15550000000';
  const server = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  await new Promise<void>((resolve) => server.once('listening', resolve));
  const sessions = new Set<Session>();
  const events: string[] = [];
  const send = (session: Session, node: BinaryNode) =>
    session.socket.send(session.noise.writeNode(node));

  const handleNode = (session: Session, node: BinaryNode) => {
    const first = Array.isArray(node.content) ? node.content[0] : undefined;
    if (node.tag === 'iq' && node.attrs.type === 'result' && first?.tag === 'pair-device-sign') {
      // WhatsApp has stored the pairing: the client must reconnect as the linked device.
      events.push('restart-515');
      send(session, { tag: 'stream:error', attrs: { code: '515' } });
      setTimeout(() => session.socket.close(), 20);
      return;
    }
    if (node.tag === 'iq' && (node.attrs.type === 'get' || node.attrs.type === 'set')) {
      if (first?.tag === 'remove-companion-device') events.push('logout');
      send(session, {
        tag: 'iq',
        attrs: { id: node.attrs.id!, type: 'result', from: 's.whatsapp.net' },
      });
    }
  };

  server.on('connection', (socket) => {
    const session: Session = { socket, noise: new NoiseServer(), refs: new Set(), linked: false };
    sessions.add(session);
    socket.on('close', () => sessions.delete(session));
    const reader = new FrameReader();
    let phase: 'hello' | 'finish' | 'open' = 'hello';
    socket.on('message', (data: Buffer) => {
      void (async () => {
        for (const frame of reader.push(data)) {
          if (phase === 'hello') {
            socket.send(framed(session.noise.serverHello(frame, certChain)));
            phase = 'finish';
          } else if (phase === 'finish') {
            const payload = session.noise.clientFinish(frame);
            phase = 'open';
            if (payload.username) {
              session.linked = true;
              events.push('login');
              send(session, {
                tag: 'success',
                attrs: { t: String(Math.floor(Date.now() / 1000)), lid: `${phone}@lid` },
              });
            } else {
              const refs = Array.from({ length: options.refs ?? 3 }, () =>
                randomBytes(16).toString('base64url'),
              );
              for (const ref of refs) session.refs.add(ref);
              events.push('pair-device');
              send(session, {
                tag: 'iq',
                attrs: { id: 'pair-device-1', type: 'set', from: 's.whatsapp.net', xmlns: 'md' },
                content: [
                  {
                    tag: 'pair-device',
                    attrs: {},
                    content: refs.map((ref) => ({
                      tag: 'ref',
                      attrs: {},
                      content: Buffer.from(ref),
                    })),
                  },
                ],
              });
            }
          } else {
            handleNode(session, await session.noise.readNode(frame));
          }
        }
      })().catch(() => socket.terminate());
    });
  });

  /** The phone's side of a scan: proves the account owns this device's identity key. */
  const scan = (qr: string) => {
    // `https://wa.me/settings/linked_devices#<ref>,<noise key>,<identity key>,<ADV secret>,<platform>`
    const [link, , identityKey, advSecret] = qr.split(',');
    const ref = link?.slice(link.indexOf('#') + 1);
    const session = [...sessions].find((s) => ref !== undefined && s.refs.has(ref));
    if (!session || !identityKey || !advSecret) throw new Error('this QR code was not issued here');
    session.refs.clear();
    const account = Curve.generateKeyPair();
    const details = proto.ADVDeviceIdentity.encode({
      rawId: 1,
      timestamp: Math.floor(Date.now() / 1000),
      keyIndex: 1,
    }).finish();
    const accountSignature = Curve.sign(
      account.private,
      Buffer.concat([WA_ADV_ACCOUNT_SIG_PREFIX, details, Buffer.from(identityKey, 'base64')]),
    );
    const signed = proto.ADVSignedDeviceIdentity.encode({
      details,
      accountSignatureKey: account.public,
      accountSignature,
    }).finish();
    const hmac = createHmac('sha256', Buffer.from(advSecret, 'base64')).update(signed).digest();
    const identity = proto.ADVSignedDeviceIdentityHMAC.encode({ details: signed, hmac }).finish();
    events.push('pair-success');
    send(session, {
      tag: 'iq',
      attrs: { id: 'pair-success-1', type: 'result', from: 's.whatsapp.net' },
      content: [
        {
          tag: 'pair-success',
          attrs: {},
          content: [
            { tag: 'device-identity', attrs: {}, content: Buffer.from(identity) },
            { tag: 'platform', attrs: { name: 'android' } },
            { tag: 'device', attrs: { jid: `${phone}:7@s.whatsapp.net`, lid: `${phone}:7@lid` } },
          ],
        },
      ],
    });
  };

  const { port } = server.address() as { port: number };
  return {
    url: `ws://127.0.0.1:${port}/ws/chat`,
    scan,
    logOutDevices: () => {
      for (const session of sessions) {
        if (!session.linked) continue;
        send(session, {
          tag: 'stream:error',
          attrs: { code: '401' },
          content: [{ tag: 'conflict', attrs: { type: 'device_removed' } }],
        });
        setTimeout(() => session.socket.close(), 20);
      }
    },
    events,
    close: () =>
      new Promise<void>((resolve) => {
        for (const session of sessions) session.socket.terminate();
        server.close(() => resolve());
      }),
  };
}
