import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { startWhatsAppServer } from '@openclaw/crabline';
import { afterEach, describe, expect, it } from 'vitest';
import { createLogger, silentLogger, type LogRecord } from '../../infra/logger.js';
import {
  startWhatsAppLinkStandIn,
  type WhatsAppLinkStandIn,
} from '../../testing/whatsapp-link-stand-in.js';
import { ChannelError } from '../contract.js';
import { openAuthStore } from './auth-store.js';
import { whatsappAdapter } from './index.js';
import { startQrLogin } from './qr-login.js';
import { environmentFor, tempState, whatsappAccount } from './test-support.js';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (cleanups.length > 0) await cleanups.pop()?.();
});

async function setup(refs = 4): Promise<{ standIn: WhatsAppLinkStandIn; stateDir: string }> {
  const standIn = await startWhatsAppLinkStandIn({ refs });
  const { stateDir, cleanup } = await tempState();
  cleanups.push(cleanup, () => standIn.close());
  return { standIn, stateDir };
}

describe('WhatsApp QR login', () => {
  it('links on a scan of a rotated QR: 515 restart, then the linked device opens', async () => {
    const { standIn, stateDir } = await setup();
    const environment = environmentFor(stateDir, standIn.url);
    const account = whatsappAccount();
    const authDir = path.join(stateDir, 'credentials', 'whatsapp', 'default');
    expect(await whatsappAdapter.isLinked!(account, environment)).toBe(false);

    const records: LogRecord[] = [];
    const login = await startQrLogin({
      authDir,
      env: environment.env,
      logger: createLogger({ level: 'debug', sink: (record) => void records.push(record) }),
      qrTimeoutMs: 400,
    });
    cleanups.push(() => login.cancel());
    const qrs: string[] = [];
    login.onQr((qr) => {
      qrs.push(qr);
      // The phone scans the second code, after one rotation.
      if (qrs.length === 2) standIn.scan(qr);
    });

    await expect(login.linked).resolves.toEqual({ identity: '+15550000000' });
    expect(qrs).toHaveLength(2);
    expect(qrs[0]).not.toBe(qrs[1]);
    expect(qrs[0]!.split(',')).toHaveLength(5); // ref, noise key, identity key, ADV secret, platform
    expect(standIn.events).toEqual(['pair-device', 'pair-success', 'restart-515', 'login']);

    expect((await stat(authDir)).mode & 0o777).toBe(0o700);
    const files = await readdir(authDir);
    expect(files).toContain('creds.json');
    for (const file of files) {
      expect({ file, mode: (await stat(path.join(authDir, file))).mode & 0o777 }).toEqual({
        file,
        mode: 0o600,
      });
    }
    expect(await whatsappAdapter.isLinked!(account, environment)).toBe(true);
    expect(() => standIn.scan(qrs[0]!)).toThrow(/not issued here/);

    // Baileys logged through ours (at debug), and none of the device's keys went with it.
    expect(records.length).toBeGreaterThan(0);
    const { creds } = (await openAuthStore(authDir)).state;
    const secrets = [
      creds.noiseKey.private,
      creds.signedIdentityKey.private,
      creds.signedPreKey.keyPair.private,
    ].map((key) => Buffer.from(key).toString('base64'));
    const logged = JSON.stringify(records);
    for (const secret of [...secrets, creds.advSecretKey]) expect(logged).not.toContain(secret);
  });

  it('fails with a transient error when every QR code expires unscanned', async () => {
    const { standIn, stateDir } = await setup(2);
    const environment = environmentFor(stateDir, standIn.url);
    const authDir = path.join(stateDir, 'credentials', 'whatsapp', 'default');
    const login = await startQrLogin({
      authDir,
      env: environment.env,
      logger: silentLogger,
      qrTimeoutMs: 200,
    });
    const qrs: string[] = [];
    login.onQr((qr) => qrs.push(qr));
    const error = await login.linked.then(
      () => undefined,
      (err: unknown) => err,
    );
    expect(error).toBeInstanceOf(ChannelError);
    expect(error).toMatchObject({
      kind: 'transient',
      message: 'The QR code expired before it was scanned.',
    });
    expect(qrs).toHaveLength(2);
    expect(await whatsappAdapter.isLinked!(whatsappAccount(), environment)).toBe(false);
  });

  it('cancel() ends the login and rejects it', async () => {
    const { standIn, stateDir } = await setup();
    const environment = environmentFor(stateDir, standIn.url);
    const login = await whatsappAdapter.startQrLogin!(whatsappAccount(), environment, silentLogger);
    const first = new Promise<string>((resolve) => login.onQr(resolve));
    expect(await first).toMatch(/^[^,]+,[^,]+,[^,]+,[^,]+,/);
    await login.cancel();
    await expect(login.linked).rejects.toMatchObject({ kind: 'transient' });
  });

  it('an account already linked resolves at once, without a QR code', async () => {
    const { standIn, stateDir } = await setup();
    const environment = environmentFor(stateDir, standIn.url);
    const first = await whatsappAdapter.startQrLogin!(whatsappAccount(), environment, silentLogger);
    first.onQr((qr) => standIn.scan(qr));
    await first.linked;
    const events = standIn.events.length;

    const second = await whatsappAdapter.startQrLogin!(
      whatsappAccount(),
      environment,
      silentLogger,
    );
    const qrs: string[] = [];
    second.onQr((qr) => qrs.push(qr));
    await expect(second.linked).resolves.toEqual({ identity: '+15550000000' });
    expect(qrs).toEqual([]);
    expect(standIn.events).toHaveLength(events); // no connection was made
  });

  it('a server that opens the session without pairing fails the login instead of hanging', async () => {
    const { stateDir, cleanup } = await tempState();
    cleanups.push(cleanup);
    const server = await startWhatsAppServer({
      recorderPath: path.join(stateDir, 'crabline.jsonl'),
    });
    cleanups.push(() => server.close());
    const environment = environmentFor(stateDir, server.manifest.endpoints.baileysWebSocketUrl);
    const login = await whatsappAdapter.startQrLogin!(whatsappAccount(), environment, silentLogger);
    await expect(login.linked).rejects.toMatchObject({
      kind: 'transient',
      message: 'WhatsApp opened a session without linking this device.',
    });
    expect(await whatsappAdapter.isLinked!(whatsappAccount(), environment)).toBe(false);
  });
});
