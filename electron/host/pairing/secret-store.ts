/**
 * Where the app keeps its secrets (its operator private key and device token): encrypted with the
 * OS keychain through Electron's `safeStorage` when there is one, otherwise in a 0600 file — and
 * then it says so, because a user who believes a key is in the keychain when it is not is worse
 * off than one who knows. This module is plain Node: the Electron glue passes `safeStorage` in as
 * the cipher, the headless host passes nothing.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { writeFileAtomic } from '../../../gateway/infra/atomic-write.js';
import { ErrorCode, OpenClawError, errorMessage } from '../../../gateway/infra/errors.js';
import { withFileLock } from '../../../gateway/infra/file-lock.js';
import { readJsonFile } from '../../../gateway/infra/json-file.js';

export type SecretStoreKind = 'os-keychain' | 'plaintext-file';

export interface SecretStore {
  get(name: string): Promise<string | undefined>;
  set(name: string, value: string): Promise<void>;
  delete(name: string): Promise<void>;
  readonly kind: SecretStoreKind;
  /** Set whenever secrets are not really encrypted; meant to be shown to the user verbatim. */
  readonly warning?: string;
  /** The file holding the secrets (for diagnostics; its content is never shown). */
  readonly path: string;
}

/**
 * The subset of Electron's `safeStorage` this needs (`encryptString`, `decryptString`,
 * `isEncryptionAvailable`, and on Linux `getSelectedStorageBackend()` as `backend`).
 */
export interface SecretCipher {
  encrypt(plain: string): Buffer;
  decrypt(encrypted: Buffer): string;
  isAvailable(): boolean;
  /**
   * Linux only. `basic_text` means Chromium found no keyring and "encrypts" with a hard-coded
   * key: the bytes on disk are obfuscated, not protected, so the store reports itself as plaintext.
   */
  backend?: string;
}

export const PLAINTEXT_SECRETS_FILE = 'secrets.json';
export const ENCRYPTED_SECRETS_FILE = 'secrets.enc.json';

const NAME = /^[a-z0-9][a-z0-9._-]{0,63}$/;
const MAX_VALUE_CHARS = 64 * 1024;

export function plaintextWarning(file: string): string {
  return `Secrets are stored unencrypted in ${file} because the OS keychain is unavailable`;
}

function checkName(name: string): void {
  if (typeof name !== 'string' || !NAME.test(name)) {
    throw new OpenClawError(
      ErrorCode.INVALID_ARGUMENT,
      `Invalid secret name "${String(name)}": use lowercase letters, digits, ".", "_" or "-".`,
    );
  }
}

function checkValue(value: string): void {
  if (typeof value !== 'string' || value.length > MAX_VALUE_CHARS) {
    throw new OpenClawError(
      ErrorCode.INVALID_ARGUMENT,
      `A secret must be a string of at most ${MAX_VALUE_CHARS} characters.`,
    );
  }
}

type SecretMap = Record<string, string>;

/** Only `{ version: 1, secrets: { name: string } }` counts; anything else reads as empty. */
function parseSecretsFile(raw: unknown): SecretMap {
  const out = Object.create(null) as SecretMap;
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return out;
  const secrets = (raw as { secrets?: unknown }).secrets;
  if (typeof secrets !== 'object' || secrets === null || Array.isArray(secrets)) return out;
  for (const [name, value] of Object.entries(secrets)) {
    if (NAME.test(name) && typeof value === 'string') out[name] = value;
  }
  return out;
}

/**
 * A JSON map of name → stored string in one 0600 file. Mutations are a locked read-modify-write
 * so the Electron app and a headless host started by mistake cannot lose each other's writes.
 */
class SecretsFile {
  constructor(readonly file: string) {}

  async read(): Promise<SecretMap> {
    return parseSecretsFile(await readJsonFile<unknown>(this.file, {}));
  }

  async mutate(fn: (secrets: SecretMap) => boolean): Promise<void> {
    await withFileLock(this.file, async () => {
      const secrets = await this.read();
      if (!fn(secrets)) return;
      // forceMode: a file someone loosened to 0644 is tightened again on the next write.
      await writeFileAtomic(this.file, `${JSON.stringify({ version: 1, secrets }, null, 2)}\n`, {
        mode: 0o600,
        forceMode: true,
      });
    });
  }

  async set(name: string, stored: string): Promise<void> {
    await this.mutate((secrets) => {
      if (secrets[name] === stored) return false;
      secrets[name] = stored;
      return true;
    });
  }

  async delete(name: string): Promise<void> {
    await this.mutate((secrets) => {
      if (!(name in secrets)) return false;
      delete secrets[name];
      return true;
    });
  }
}

/** Used headless and whenever the OS offers no keychain. Always honest about it. */
export class FileSecretStore implements SecretStore {
  readonly kind = 'plaintext-file' as const;
  readonly warning: string;
  readonly path: string;
  private readonly file: SecretsFile;

  constructor(dir: string) {
    this.path = path.join(dir, PLAINTEXT_SECRETS_FILE);
    this.file = new SecretsFile(this.path);
    this.warning = plaintextWarning(this.path);
  }

  async get(name: string): Promise<string | undefined> {
    checkName(name);
    return (await this.file.read())[name];
  }

  async set(name: string, value: string): Promise<void> {
    checkName(name);
    checkValue(value);
    await this.file.set(name, value);
  }

  async delete(name: string): Promise<void> {
    checkName(name);
    await this.file.delete(name);
  }

  /** Every stored name (used to migrate into the keychain once it becomes available). */
  async names(): Promise<string[]> {
    return Object.keys(await this.file.read());
  }
}

/** Values encrypted by the cipher (the OS keychain holds the key), base64 in a 0600 file. */
export class EncryptedSecretStore implements SecretStore {
  readonly kind: SecretStoreKind;
  readonly warning?: string;
  readonly path: string;
  private readonly file: SecretsFile;

  constructor(
    dir: string,
    private readonly cipher: SecretCipher,
  ) {
    this.path = path.join(dir, ENCRYPTED_SECRETS_FILE);
    this.file = new SecretsFile(this.path);
    const reallyEncrypted = cipher.isAvailable() && cipher.backend !== 'basic_text';
    this.kind = reallyEncrypted ? 'os-keychain' : 'plaintext-file';
    if (!reallyEncrypted) this.warning = plaintextWarning(this.path);
  }

  async get(name: string): Promise<string | undefined> {
    checkName(name);
    const stored = (await this.file.read())[name];
    if (stored === undefined) return undefined;
    this.requireCipher();
    try {
      return this.cipher.decrypt(Buffer.from(stored, 'base64'));
    } catch (err) {
      throw new OpenClawError(
        ErrorCode.SECRET_STORE_UNAVAILABLE,
        `Could not decrypt the secret "${name}" in ${this.path} (${errorMessage(err)}). Unlock the OS keychain and retry; if the keychain was reset, delete that file and the app will register itself again.`,
        { cause: err },
      );
    }
  }

  async set(name: string, value: string): Promise<void> {
    checkName(name);
    checkValue(value);
    this.requireCipher();
    await this.file.set(name, this.cipher.encrypt(value).toString('base64'));
  }

  async delete(name: string): Promise<void> {
    checkName(name);
    await this.file.delete(name);
  }

  private requireCipher(): void {
    if (!this.cipher.isAvailable()) {
      throw new OpenClawError(
        ErrorCode.SECRET_STORE_UNAVAILABLE,
        'The OS keychain is not available right now; unlock it (or log in to a desktop session) and retry.',
      );
    }
  }
}

/**
 * The store to use: the keychain when the cipher works, else the plaintext file. When the
 * keychain becomes available after an earlier fallback, the plaintext secrets move into it and
 * the plaintext file is deleted, so a secret never stays unencrypted longer than necessary.
 */
export async function createSecretStore(dir: string, cipher?: SecretCipher): Promise<SecretStore> {
  if (!cipher || !cipher.isAvailable()) return new FileSecretStore(dir);
  const encrypted = new EncryptedSecretStore(dir, cipher);
  if (encrypted.kind !== 'os-keychain') return encrypted;
  const plain = new FileSecretStore(dir);
  let names: string[];
  try {
    names = await plain.names();
  } catch {
    return encrypted;
  }
  if (names.length === 0) return encrypted;
  for (const name of names) {
    const value = await plain.get(name);
    if (value !== undefined && (await encrypted.get(name).catch(() => undefined)) === undefined) {
      await encrypted.set(name, value);
    }
  }
  await fs.rm(plain.path, { force: true });
  return encrypted;
}
