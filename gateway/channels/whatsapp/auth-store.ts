/**
 * The linked device's credentials, one folder per account, in the layout upstream's Baileys
 * multi-file store uses (`creds.json` plus one `<type>-<id>.json` per signal key), so an existing
 * `~/.openclaw/credentials/whatsapp/<accountId>/` keeps working. Unlike Baileys' own helper, the
 * folder is 0700 and every file 0600 (they hold the device's private keys), writes are atomic
 * (temp file + rename: a crash mid-write never leaves half a creds.json) and the last good
 * creds.json is kept as `creds.json.bak` for the same reason upstream keeps one.
 */
import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import {
  BufferJSON,
  initAuthCreds,
  proto,
  type AuthenticationCreds,
  type AuthenticationState,
  type SignalDataSet,
  type SignalDataTypeMap,
} from 'baileys';

const DIR_MODE = 0o700;
const FILE_MODE = 0o600;
const CREDS_FILE = 'creds.json';
const CREDS_BACKUP = 'creds.json.bak';

export interface AuthStore {
  readonly dir: string;
  readonly state: AuthenticationState;
  /** Persists `state.creds` (Baileys' `creds.update`). */
  saveCreds(): Promise<void>;
  /** Resolves once every write started so far is on disk. */
  flush(): Promise<void>;
}

/**
 * What this store writes. `authDir` can point anywhere, so removal and chmod touch only these:
 * a mistaken `authDir: "~"` must never cost the user their home folder.
 */
const STORE_FILE =
  /^(?:creds\.json(?:\.bak)?|(?:pre-key|session|sender-key|sender-key-memory|app-state-sync-key|app-state-sync-version|lid-mapping|device-list|tctoken|identity-key)-[^/\\]+\.json)(?:\.[0-9a-f]{12}\.tmp)?$/;

/** Same file names as Baileys' multi-file store: `/` and `:` are not portable in names. */
function fileNameFor(key: string): string {
  return key.replace(/\//g, '__').replace(/:/g, '-');
}

/** Creates the folder (and missing parents) 0700 and tightens what an older store left 0644. */
async function ensurePrivateDir(dir: string): Promise<void> {
  const existing = await fs.stat(dir).catch(() => undefined);
  if (existing && !existing.isDirectory())
    throw new Error(
      `${dir} exists and is not a folder; move it away or set another authDir for this WhatsApp account`,
    );
  await fs.mkdir(dir, { recursive: true, mode: DIR_MODE });
  await fs.chmod(dir, DIR_MODE);
  for (const name of await fs.readdir(dir)) {
    if (!STORE_FILE.test(name)) continue;
    const file = path.join(dir, name);
    const st = await fs.lstat(file);
    if (st.isFile() && (st.mode & 0o777) !== FILE_MODE) await fs.chmod(file, FILE_MODE);
  }
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text, BufferJSON.reviver) as unknown;
  } catch {
    return undefined;
  }
}

async function readJson(file: string): Promise<unknown> {
  const text = await fs.readFile(file, 'utf8').catch(() => undefined);
  return text === undefined ? undefined : parseJson(text);
}

function isCreds(value: unknown): value is AuthenticationCreds {
  return (
    typeof value === 'object' &&
    value !== null &&
    'noiseKey' in value &&
    'signedIdentityKey' in value
  );
}

/** The linked phone's JID (`15551234567:7@s.whatsapp.net`), or undefined when not linked. */
export async function readLinkedJid(dir: string): Promise<string | undefined> {
  for (const name of [CREDS_FILE, CREDS_BACKUP]) {
    const creds = await readJson(path.join(dir, name));
    if (isCreds(creds)) return creds.me?.id || undefined;
  }
  return undefined;
}

/**
 * Removes the store's files, then the folder when nothing else is in it; true when there was a
 * folder. Anything the store did not write stays where it is.
 */
export async function removeAuthDir(dir: string): Promise<boolean> {
  const names = await fs.readdir(dir).catch(() => undefined);
  if (names === undefined) return false;
  for (const name of names) {
    if (!STORE_FILE.test(name)) continue;
    const file = path.join(dir, name);
    if ((await fs.lstat(file)).isFile()) await fs.rm(file, { force: true });
  }
  await fs.rmdir(dir).catch(() => {}); // not empty: someone else's files share the folder
  return true;
}

export async function openAuthStore(dir: string): Promise<AuthStore> {
  await ensurePrivateDir(dir);
  // One queue per file keeps writes of the same key in order (Baileys fires them concurrently).
  const queues = new Map<string, Promise<void>>();
  const enqueue = (name: string, job: () => Promise<void>): Promise<void> => {
    const next = (queues.get(name) ?? Promise.resolve()).then(job, job);
    const settled = next.catch(() => {});
    queues.set(name, settled);
    void settled.then(() => {
      if (queues.get(name) === settled) queues.delete(name);
    });
    return next;
  };
  const writeAtomic = async (name: string, text: string) => {
    const target = path.join(dir, name);
    const temp = `${target}.${randomBytes(6).toString('hex')}.tmp`;
    await fs.writeFile(temp, text, { mode: FILE_MODE });
    try {
      await fs.rename(temp, target);
    } catch (err) {
      await fs.rm(temp, { force: true });
      throw err;
    }
  };
  const write = (name: string, value: unknown) =>
    enqueue(name, () => writeAtomic(name, JSON.stringify(value, BufferJSON.replacer)));
  const remove = (name: string) =>
    enqueue(name, () => fs.rm(path.join(dir, name), { force: true }));

  let creds = await readJson(path.join(dir, CREDS_FILE));
  if (!isCreds(creds)) creds = await readJson(path.join(dir, CREDS_BACKUP));
  const state: AuthenticationState = {
    creds: isCreds(creds) ? creds : initAuthCreds(),
    keys: {
      get: async <T extends keyof SignalDataTypeMap>(type: T, ids: string[]) => {
        const found: { [id: string]: SignalDataTypeMap[T] } = {};
        await Promise.all(
          ids.map(async (id) => {
            const name = fileNameFor(`${type}-${id}.json`);
            await queues.get(name);
            let value = await readJson(path.join(dir, name));
            if (value === undefined || value === null) return;
            if (type === 'app-state-sync-key')
              value = proto.Message.AppStateSyncKeyData.fromObject(value as object);
            found[id] = value as SignalDataTypeMap[T];
          }),
        );
        return found;
      },
      set: async (data: SignalDataSet) => {
        const jobs: Promise<void>[] = [];
        for (const [type, entries] of Object.entries(data)) {
          for (const [id, value] of Object.entries(entries ?? {})) {
            const name = fileNameFor(`${type}-${id}.json`);
            jobs.push(value ? write(name, value) : remove(name));
          }
        }
        await Promise.all(jobs);
      },
    },
  };

  return {
    dir,
    state,
    saveCreds: () =>
      enqueue(CREDS_FILE, async () => {
        const previous = await fs.readFile(path.join(dir, CREDS_FILE), 'utf8').catch(() => '');
        if (previous && isCreds(parseJson(previous))) await writeAtomic(CREDS_BACKUP, previous);
        await writeAtomic(CREDS_FILE, JSON.stringify(state.creds, BufferJSON.replacer));
      }),
    flush: async () => {
      while (queues.size > 0) await Promise.all([...queues.values()]);
    },
  };
}
