/** Electron's safeStorage as the host's cipher. On Linux "basic_text" is not encryption: say so. */
import { safeStorage } from 'electron';
import type { SecretCipher } from '../host/pairing/secret-store.js';

export function safeStorageCipher(): SecretCipher {
  const backend = process.platform === 'linux' ? safeStorage.getSelectedStorageBackend() : 'os';
  return {
    isAvailable: () =>
      safeStorage.isEncryptionAvailable() && backend !== 'basic_text' && backend !== 'unknown',
    encrypt: (plain) => safeStorage.encryptString(plain),
    decrypt: (buf) => safeStorage.decryptString(buf),
    backend,
  };
}
