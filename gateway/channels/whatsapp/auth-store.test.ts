import { chmod, mkdir, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openAuthStore, readLinkedJid, removeAuthDir } from './auth-store.js';
import { tempState } from './test-support.js';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (cleanups.length > 0) await cleanups.pop()?.();
});

async function tempDir(): Promise<string> {
  const { stateDir, cleanup } = await tempState();
  cleanups.push(cleanup);
  return stateDir;
}

const mode = async (file: string) => (await stat(file)).mode & 0o777;

describe('WhatsApp auth store', () => {
  it('writes creds and keys 0600 in a 0700 folder, readable again, with a creds backup', async () => {
    const dir = path.join(await tempDir(), 'credentials', 'whatsapp', 'default');
    const store = await openAuthStore(dir);
    expect(await mode(dir)).toBe(0o700);
    store.state.creds.me = { id: '15550000000:7@s.whatsapp.net' };
    await store.saveCreds();
    store.state.creds.me = { id: '15550000000:8@s.whatsapp.net' };
    await store.saveCreds();
    await store.state.keys.set({
      session: { '15551234567.0': new Uint8Array([1, 2, 3]) },
      'lid-mapping': { '1234/x:y': '15551234567' },
    });
    await store.flush();
    const files = (await readdir(dir)).sort();
    expect(files).toEqual([
      'creds.json',
      'creds.json.bak',
      'lid-mapping-1234__x-y.json',
      'session-15551234567.0.json',
    ]);
    for (const file of files) expect(await mode(path.join(dir, file))).toBe(0o600);

    const again = await openAuthStore(dir);
    expect(again.state.creds.me?.id).toBe('15550000000:8@s.whatsapp.net');
    const sessions = await again.state.keys.get('session', ['15551234567.0', 'missing']);
    expect(Buffer.from(sessions['15551234567.0']!)).toEqual(Buffer.from([1, 2, 3]));
    expect(sessions.missing).toBeUndefined();
    await again.state.keys.set({ session: { '15551234567.0': null } });
    expect(await readdir(dir)).not.toContain('session-15551234567.0.json');
  });

  it('falls back to creds.json.bak when creds.json is torn', async () => {
    const dir = path.join(await tempDir(), 'auth');
    const store = await openAuthStore(dir);
    store.state.creds.me = { id: '15550000000:7@s.whatsapp.net' };
    await store.saveCreds();
    await store.saveCreds();
    await writeFile(path.join(dir, 'creds.json'), '{"noiseKey": {"priv');
    expect(await readLinkedJid(dir)).toBe('15550000000:7@s.whatsapp.net');
    expect((await openAuthStore(dir)).state.creds.me?.id).toBe('15550000000:7@s.whatsapp.net');
  });

  it('tightens an older store left 0644 and never touches files it did not write', async () => {
    const dir = path.join(await tempDir(), 'shared');
    await mkdir(dir, { mode: 0o755 });
    await writeFile(path.join(dir, 'creds.json'), '{}', { mode: 0o644 });
    await writeFile(path.join(dir, 'pre-key-1.json'), '{}', { mode: 0o644 });
    await writeFile(path.join(dir, 'notes.json'), 'mine', { mode: 0o644 });
    await chmod(path.join(dir, 'notes.json'), 0o644);
    await openAuthStore(dir);
    expect(await mode(dir)).toBe(0o700);
    expect(await mode(path.join(dir, 'creds.json'))).toBe(0o600);
    expect(await mode(path.join(dir, 'pre-key-1.json'))).toBe(0o600);
    expect(await mode(path.join(dir, 'notes.json'))).toBe(0o644);

    expect(await removeAuthDir(dir)).toBe(true);
    expect(await readdir(dir)).toEqual(['notes.json']);
    expect(await readFile(path.join(dir, 'notes.json'), 'utf8')).toBe('mine');
    expect(await removeAuthDir(path.join(dir, 'nothing-here'))).toBe(false);
  });

  it('refuses a file where the folder should be', async () => {
    const file = path.join(await tempDir(), 'auth');
    await writeFile(file, 'x');
    await expect(openAuthStore(file)).rejects.toThrow(
      /not a folder; move it away or set another authDir/,
    );
  });
});
