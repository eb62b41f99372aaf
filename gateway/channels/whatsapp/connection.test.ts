import { stat } from 'node:fs/promises';
import path from 'node:path';
import { startWhatsAppServer } from '@openclaw/crabline';
import { afterEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../../infra/logger.js';
import { startWhatsAppLinkStandIn } from '../../testing/whatsapp-link-stand-in.js';
import type { AccountConnection, AdapterEnvironment } from '../contract.js';
import { LOGGED_OUT_MESSAGE, NOT_LINKED_MESSAGE } from './connection.js';
import { whatsappAdapter } from './index.js';
import { environmentFor, recordingContext, tempState, whatsappAccount } from './test-support.js';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (cleanups.length > 0) await cleanups.pop()?.();
});

interface RecordedEvent {
  type: string;
  method?: string;
  path?: string;
  body?: unknown;
}

/** Links an account through the stand-in the way a user does: QR, scan, 515, linked. */
async function linkAccount(stateDir: string): Promise<void> {
  const standIn = await startWhatsAppLinkStandIn();
  try {
    const login = await whatsappAdapter.startQrLogin!(
      whatsappAccount(),
      environmentFor(stateDir, standIn.url),
      silentLogger,
    );
    login.onQr((qr) => standIn.scan(qr));
    await login.linked;
  } finally {
    await standIn.close();
  }
}

async function startCrabline(stateDir: string) {
  const events: RecordedEvent[] = [];
  const server = await startWhatsAppServer({
    recorderPath: path.join(stateDir, 'crabline.jsonl'),
    onEvent: (event: RecordedEvent) => void events.push(event),
  });
  cleanups.push(() => server.close());
  const m = server.manifest;
  const inject = async (body: Record<string, unknown>) => {
    const res = await fetch(m.endpoints.adminInboundUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-crabline-admin-token': m.adminToken },
      body: JSON.stringify(body),
    });
    expect(res.status).toBe(200);
    return (await res.json()) as { delivery?: string };
  };
  return { url: m.endpoints.baileysWebSocketUrl, events, inject, selfJid: m.selfJid };
}

async function connect(environment: AdapterEnvironment, account = whatsappAccount()) {
  const context = recordingContext();
  const connection: AccountConnection = await whatsappAdapter.connect(
    account,
    context,
    environment,
  );
  cleanups.push(() => connection.stop());
  return { context, connection };
}

describe('WhatsApp connection', () => {
  it('receives DMs and group mentions, replies, types, and logs out', async () => {
    const { stateDir, cleanup } = await tempState();
    cleanups.push(cleanup);
    await linkAccount(stateDir);
    const crabline = await startCrabline(stateDir);
    const environment = environmentFor(stateDir, crabline.url);
    const { context, connection } = await connect(environment);
    expect(context.statuses.at(-1)).toEqual({
      connected: true,
      linked: true,
      identity: '+15550000000',
      lastError: null,
    });

    const dm = context.nextInbound();
    expect(
      await crabline.inject({
        chatJid: '15551234567@s.whatsapp.net',
        senderJid: '15551234567@s.whatsapp.net',
        pushName: 'Alice',
        text: 'hello bot',
      }),
    ).toMatchObject({ delivery: 'delivered' });
    const message = await dm;
    expect(message).toMatchObject({
      channel: 'whatsapp',
      accountId: 'default',
      chatId: '15551234567@s.whatsapp.net',
      chatType: 'direct',
      senderId: '+15551234567',
      senderLabel: 'Alice',
      text: 'hello bot',
      mentioned: false,
      media: [],
    });
    expect(message.messageId).not.toBe('');

    const target = {
      chatId: message.chatId,
      chatType: message.chatType,
      replyToMessageId: message.messageId,
    };
    await connection.sendTyping(target);
    const sent = await connection.sendText(target, 'hi Alice');
    expect(sent.messageId).not.toBe('');

    const group = context.nextInbound();
    await crabline.inject({
      chatJid: '120363000000000001@g.us',
      senderJid: '15557654321@s.whatsapp.net',
      text: '@15550000000 what is up?',
    });
    expect(await group).toMatchObject({
      chatId: '120363000000000001@g.us',
      chatType: 'group',
      senderId: '+15557654321',
      text: '@15550000000 what is up?',
      mentioned: true,
    });
    const unmentioned = context.nextInbound();
    await crabline.inject({
      chatJid: '120363000000000001@g.us',
      senderJid: '15557654321@s.whatsapp.net',
      text: 'just chatting',
    });
    expect(await unmentioned).toMatchObject({ chatType: 'group', mentioned: false });

    const stanzas = crabline.events.filter((e) => e.type === 'api').map((e) => e.body);
    expect(stanzas).toContainEqual(
      expect.objectContaining({
        tag: 'chatstate',
        attrs: expect.objectContaining({ to: '15551234567@s.whatsapp.net' }) as unknown,
        content: [expect.objectContaining({ tag: 'composing' })],
      }),
    );
    expect(stanzas).toContainEqual(
      expect.objectContaining({
        key: { fromMe: true, id: sent.messageId, remoteJid: '15551234567@s.whatsapp.net' },
        message: { conversation: 'hi Alice' },
      }),
    );

    await connection.stop();
    await expect(connection.closed).resolves.toBeUndefined();
    const authDir = path.join(stateDir, 'credentials', 'whatsapp', 'default');
    expect((await stat(authDir)).isDirectory()).toBe(true);
    await expect(whatsappAdapter.logout!(whatsappAccount(), environment)).resolves.toEqual({
      cleared: true,
    });
    await expect(stat(authDir)).rejects.toMatchObject({ code: 'ENOENT' });
    expect(await whatsappAdapter.isLinked!(whatsappAccount(), environment)).toBe(false);
  });

  it('downloads an inbound voice note within mediaMaxMb and skips it above', async () => {
    const { stateDir, cleanup } = await tempState();
    cleanups.push(cleanup);
    await linkAccount(stateDir);
    const crabline = await startCrabline(stateDir);
    const environment = environmentFor(stateDir, crabline.url);
    const audio = Buffer.from('OggS fake opus payload for the test '.repeat(40));
    const voice = {
      chatJid: '15551234567@s.whatsapp.net',
      senderJid: '15551234567@s.whatsapp.net',
      audio: {
        contentBase64: audio.toString('base64'),
        mimeType: 'audio/ogg; codecs=opus',
        ptt: true,
      },
    };

    const roomy = await connect(environment);
    const received = roomy.context.nextInbound();
    await crabline.inject(voice);
    const message = await received;
    expect(message.media).toHaveLength(1);
    expect(message.media[0]!.mimeType).toBe('audio/ogg');
    expect(message.media[0]!.data.equals(audio)).toBe(true);
    expect(message.mediaSkipped).toBeUndefined();
    await roomy.connection.stop();

    const tight = await connect(environment, { ...whatsappAccount(), mediaMaxBytes: 100 });
    const skipped = tight.context.nextInbound();
    await crabline.inject(voice);
    const small = await skipped;
    expect(small.media).toEqual([]);
    expect(small.mediaSkipped).toEqual([expect.stringMatching(/^audio .*limit\)$/)]);
  });

  it('refuses to connect without linked credentials', async () => {
    const { stateDir, cleanup } = await tempState();
    cleanups.push(cleanup);
    const crabline = await startCrabline(stateDir);
    await expect(
      whatsappAdapter.connect(
        whatsappAccount(),
        recordingContext(),
        environmentFor(stateDir, crabline.url),
      ),
    ).rejects.toMatchObject({ kind: 'fatal', message: NOT_LINKED_MESSAGE });
  });

  it('a device logged out on the phone ends fatally and its credentials are removed', async () => {
    const { stateDir, cleanup } = await tempState();
    cleanups.push(cleanup);
    const standIn = await startWhatsAppLinkStandIn();
    cleanups.push(() => standIn.close());
    const environment = environmentFor(stateDir, standIn.url);
    const login = await whatsappAdapter.startQrLogin!(whatsappAccount(), environment, silentLogger);
    login.onQr((qr) => standIn.scan(qr));
    await login.linked;

    const { context, connection } = await connect(environment);
    standIn.logOutDevices();
    await expect(connection.closed).rejects.toMatchObject({
      kind: 'fatal',
      message: LOGGED_OUT_MESSAGE,
    });
    expect(context.statuses.at(-1)).toMatchObject({ connected: false, linked: false });
    expect(await whatsappAdapter.isLinked!(whatsappAccount(), environment)).toBe(false);
    await expect(
      stat(path.join(stateDir, 'credentials', 'whatsapp', 'default')),
    ).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('a dropped connection ends transiently (the core reconnects)', async () => {
    const { stateDir, cleanup } = await tempState();
    cleanups.push(cleanup);
    const standIn = await startWhatsAppLinkStandIn();
    cleanups.push(() => standIn.close());
    const environment = environmentFor(stateDir, standIn.url);
    const login = await whatsappAdapter.startQrLogin!(whatsappAccount(), environment, silentLogger);
    login.onQr((qr) => standIn.scan(qr));
    await login.linked;

    const { connection } = await connect(environment);
    await standIn.close();
    await expect(connection.closed).rejects.toMatchObject({ kind: 'transient' });
    expect(await whatsappAdapter.isLinked!(whatsappAccount(), environment)).toBe(true);
    await expect(
      connection.sendText({ chatId: '1@s.whatsapp.net', chatType: 'direct' }, 'x'),
    ).rejects.toMatchObject({
      kind: 'transient',
    });
  });

  it('marks messages read and logs out through the live connection', async () => {
    const { stateDir, cleanup } = await tempState();
    cleanups.push(cleanup);
    await linkAccount(stateDir);
    const crabline = await startCrabline(stateDir);
    const environment = environmentFor(stateDir, crabline.url);
    const { context, connection } = await connect(environment);
    const received = context.nextInbound();
    await crabline.inject({
      chatJid: '15551234567@s.whatsapp.net',
      senderJid: '15551234567@s.whatsapp.net',
      text: 'are you there?',
    });
    const message = await received;
    const stanzas = () => crabline.events.filter((e) => e.type === 'api').map((e) => e.body);
    await expect.poll(stanzas).toContainEqual(
      expect.objectContaining({
        tag: 'receipt',
        attrs: expect.objectContaining({ id: message.messageId, type: 'read' }) as unknown,
      }),
    );

    await expect(
      connection.sendMedia(
        { chatId: message.chatId, chatType: 'direct' },
        {
          data: Buffer.alloc(51 * 1024 * 1024),
          mimeType: 'application/pdf',
          fileName: 'big.pdf',
        },
      ),
    ).rejects.toMatchObject({
      kind: 'transient',
      message: "big.pdf is 51.0 MB, over this WhatsApp account's mediaMaxMb",
    });

    await expect(whatsappAdapter.logout!(whatsappAccount(), environment)).resolves.toEqual({
      cleared: true,
    });
    // The user's own logout ends the connection cleanly (not "logged out by the phone").
    await expect(connection.closed).resolves.toBeUndefined();
    await expect.poll(stanzas).toContainEqual(
      expect.objectContaining({
        tag: 'iq',
        content: [expect.objectContaining({ tag: 'remove-companion-device' })],
      }),
    );
    expect(await whatsappAdapter.isLinked!(whatsappAccount(), environment)).toBe(false);
  });
});
