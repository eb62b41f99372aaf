import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  createSecretStore,
  EncryptedSecretStore,
  ENCRYPTED_SECRETS_FILE,
  FileSecretStore,
  PLAINTEXT_SECRETS_FILE,
  type SecretCipher,
} from './secret-store.js';

let dir: string;

beforeEach(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'openclaw-secrets-'));
});

afterEach(async () => {
  await fs.rm(dir, { recursive: true, force: true });
});

/** Stands in for Electron's safeStorage: real AES-GCM under a key only this object holds. */
function aesCipher(options: { backend?: string; available?: () => boolean } = {}): SecretCipher {
  const key = randomBytes(32);
  return {
    backend: options.backend,
    isAvailable: options.available ?? (() => true),
    encrypt(plain) {
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', key, iv);
      const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
      return Buffer.concat([iv, cipher.getAuthTag(), body]);
    },
    decrypt(buf) {
      const decipher = createDecipheriv('aes-256-gcm', key, buf.subarray(0, 12));
      decipher.setAuthTag(buf.subarray(12, 28));
      return Buffer.concat([decipher.update(buf.subarray(28)), decipher.final()]).toString('utf8');
    },
  };
}

const SECRET = 'super-secret-value-0123456789';

describe('FileSecretStore', () => {
  it('stores in a 0600 file, says it is plaintext and where, and survives a new instance', async () => {
    const store = new FileSecretStore(dir);
    const file = path.join(dir, PLAINTEXT_SECRETS_FILE);
    expect(store.kind).toBe('plaintext-file');
    expect(store.path).toBe(file);
    expect(store.warning).toBe(
      `Secrets are stored unencrypted in ${file} because the OS keychain is unavailable`,
    );

    expect(await store.get('operator-device-token')).toBeUndefined();
    await store.set('operator-device-token', SECRET);
    expect(await store.get('operator-device-token')).toBe(SECRET);
    if (process.platform !== 'win32') {
      expect((await fs.stat(file)).mode & 0o777).toBe(0o600);
      // A loosened file is tightened again on the next write.
      await fs.chmod(file, 0o644);
      await store.set('other', 'x');
      expect((await fs.stat(file)).mode & 0o777).toBe(0o600);
    }

    const again = new FileSecretStore(dir);
    expect(await again.get('operator-device-token')).toBe(SECRET);
    await again.delete('operator-device-token');
    expect(await store.get('operator-device-token')).toBeUndefined();
    expect(await store.get('other')).toBe('x');
  });

  it('keeps concurrent writes of different names', async () => {
    const store = new FileSecretStore(dir);
    await Promise.all(Array.from({ length: 10 }, (_, i) => store.set(`name-${i}`, `v${i}`)));
    for (let i = 0; i < 10; i += 1) expect(await store.get(`name-${i}`)).toBe(`v${i}`);
  });

  it('rejects names that could escape or collide', async () => {
    const store = new FileSecretStore(dir);
    for (const bad of ['', '../x', 'UPPER', '__proto__', 'a b']) {
      await expect(store.set(bad, 'v')).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    }
  });
});

describe('EncryptedSecretStore', () => {
  it('reports the keychain and never writes the plaintext to disk', async () => {
    const store = new EncryptedSecretStore(dir, aesCipher({ backend: 'gnome_libsecret' }));
    expect(store.kind).toBe('os-keychain');
    expect(store.warning).toBeUndefined();
    await store.set('operator-private-key', SECRET);
    expect(await store.get('operator-private-key')).toBe(SECRET);
    const onDisk = await fs.readFile(path.join(dir, ENCRYPTED_SECRETS_FILE), 'utf8');
    expect(onDisk).not.toContain(SECRET);
    expect(onDisk).not.toContain(Buffer.from(SECRET).toString('base64'));
  });

  it("treats Linux 'basic_text' as plaintext and warns", () => {
    const store = new EncryptedSecretStore(dir, aesCipher({ backend: 'basic_text' }));
    expect(store.kind).toBe('plaintext-file');
    expect(store.warning).toBe(
      `Secrets are stored unencrypted in ${path.join(dir, ENCRYPTED_SECRETS_FILE)} because the OS keychain is unavailable`,
    );
  });

  it('fails clearly when the value cannot be decrypted or the keychain is locked', async () => {
    let available = true;
    await new EncryptedSecretStore(dir, aesCipher()).set('k', SECRET);
    // Another key (the keychain was reset): decrypting fails with a stable code.
    const other = new EncryptedSecretStore(dir, aesCipher({ available: () => available }));
    await expect(other.get('k')).rejects.toMatchObject({ code: 'SECRET_STORE_UNAVAILABLE' });
    available = false;
    await expect(other.set('k', 'v')).rejects.toMatchObject({ code: 'SECRET_STORE_UNAVAILABLE' });
    await expect(other.get('k')).rejects.toMatchObject({ code: 'SECRET_STORE_UNAVAILABLE' });
  });
});

describe('createSecretStore', () => {
  it('falls back to the plaintext file without a working cipher', async () => {
    expect((await createSecretStore(dir)).kind).toBe('plaintext-file');
    const unavailable = await createSecretStore(dir, aesCipher({ available: () => false }));
    expect(unavailable).toBeInstanceOf(FileSecretStore);
    expect(unavailable.warning).toContain(path.join(dir, PLAINTEXT_SECRETS_FILE));
  });

  it('moves secrets from an earlier plaintext fallback into the keychain and deletes the file', async () => {
    await new FileSecretStore(dir).set('operator-private-key', SECRET);
    const cipher = aesCipher();
    const store = await createSecretStore(dir, cipher);
    expect(store.kind).toBe('os-keychain');
    expect(await store.get('operator-private-key')).toBe(SECRET);
    await expect(fs.access(path.join(dir, PLAINTEXT_SECRETS_FILE))).rejects.toThrow();
    const encrypted = await fs.readFile(path.join(dir, ENCRYPTED_SECRETS_FILE), 'utf8');
    expect(encrypted).not.toContain(SECRET);
  });
});
