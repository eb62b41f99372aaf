/**
 * One headless host per data folder, as Electron's single-instance lock gives the window app: two
 * hosts on one data folder would supervise the same stack twice and race on its files, and the
 * second would die on the first one's port with a raw EADDRINUSE. The instance file
 * (`headless-instance.json` in the data folder, mode 0600) says who runs (pid, host name), on which
 * loopback port, and holds a secret with which the next `npm start` asks the running host for a
 * fresh one-time link. The file is only readable by the user who owns the data folder, so knowing
 * the secret proves to the running host that the caller is that user.
 *
 * A file whose pid is gone on this machine is stale (a crash or SIGKILL leaves it behind) and is
 * taken over. Check and claim happen under the cross-process file lock so two starts racing on a
 * stale file cannot both win.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync, rmSync } from 'node:fs';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { writeFileAtomic } from '../../gateway/infra/atomic-write.js';
import { ErrorCode, OpenClawError, systemErrorCode } from '../../gateway/infra/errors.js';
import { withFileLock } from '../../gateway/infra/file-lock.js';

export const INSTANCE_FILE = 'headless-instance.json';

export interface InstanceRecord {
  pid: number;
  hostname: string;
  /** Loopback port of the host's server; null while the host is still starting. */
  port: number | null;
  /** Bearer secret for the running host's `/instance/launch-url` endpoint. */
  secret: string;
  startedAt: number;
}

export interface InstanceHandle {
  readonly file: string;
  readonly secret: string;
  /** Record the port once the server listens, so a second start can reach this instance. */
  setPort(port: number): Promise<void>;
  /** Remove the file if it is still ours (synchronous: also safe on a forced exit path). */
  release(): void;
}

export type AcquireResult =
  | { acquired: true; instance: InstanceHandle }
  | { acquired: false; file: string; running: InstanceRecord };

export interface AcquireOptions {
  pid?: number;
  hostname?: string;
  /** Whether a pid is alive on this machine (tests). */
  isAlive?: (pid: number) => boolean;
}

export function instanceFile(dataDir: string): string {
  return path.join(dataDir, INSTANCE_FILE);
}

export function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: it exists but belongs to someone else.
    return systemErrorCode(err) === 'EPERM';
  }
}

/** The file as a record, or undefined when it is missing, half-written or not ours in shape. */
export function parseInstanceRecord(raw: string): InstanceRecord | undefined {
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    return undefined;
  }
  if (!value || typeof value !== 'object') return undefined;
  const v = value as Record<string, unknown>;
  const port = v.port;
  if (
    !Number.isInteger(v.pid) ||
    (v.pid as number) <= 0 ||
    typeof v.hostname !== 'string' ||
    typeof v.secret !== 'string' ||
    v.secret.length < 16 ||
    !(port === null || (Number.isInteger(port) && (port as number) > 0 && (port as number) < 65536))
  ) {
    return undefined;
  }
  return {
    pid: v.pid as number,
    hostname: v.hostname,
    port: port as number | null,
    secret: v.secret,
    startedAt: typeof v.startedAt === 'number' ? v.startedAt : 0,
  };
}

async function readRecord(file: string): Promise<InstanceRecord | undefined> {
  try {
    return parseInstanceRecord(await fs.readFile(file, 'utf8'));
  } catch (err) {
    if (systemErrorCode(err) === 'ENOENT') return undefined;
    throw new OpenClawError(
      ErrorCode.STATE_WRITE_FAILED,
      `Cannot read ${file} (${systemErrorCode(err) ?? 'unknown error'}). Check the data folder's permissions, or set OPENCLAW_DESKTOP_DATA_DIR to a folder you own.`,
      { cause: err },
    );
  }
}

/** Claim the data folder for this process, or say which instance already runs there. */
export async function acquireInstanceLock(
  dataDir: string,
  options: AcquireOptions = {},
): Promise<AcquireResult> {
  const file = instanceFile(dataDir);
  const pid = options.pid ?? process.pid;
  const hostname = options.hostname ?? os.hostname();
  const isAlive = options.isAlive ?? pidAlive;
  await fs.mkdir(dataDir, { recursive: true, mode: 0o700 });
  return withFileLock(file, async (): Promise<AcquireResult> => {
    const existing = await readRecord(file);
    // A record from another machine (a data folder on a shared disk) cannot be checked: respect it.
    if (
      existing &&
      existing.pid !== pid &&
      (existing.hostname !== hostname || isAlive(existing.pid))
    ) {
      return { acquired: false, file, running: existing };
    }
    const record: InstanceRecord = {
      pid,
      hostname,
      port: null,
      secret: randomBytes(24).toString('base64url'),
      startedAt: Date.now(),
    };
    await writeFileAtomic(file, `${JSON.stringify(record, null, 2)}\n`, {
      mode: 0o600,
      dirMode: 0o700,
      forceMode: true,
    });
    let released = false;
    return {
      acquired: true,
      instance: {
        file,
        secret: record.secret,
        async setPort(port) {
          if (released) return;
          record.port = port;
          await withFileLock(file, () =>
            writeFileAtomic(file, `${JSON.stringify(record, null, 2)}\n`, {
              mode: 0o600,
              forceMode: true,
            }),
          );
        },
        release() {
          if (released) return;
          released = true;
          let current: InstanceRecord | undefined;
          try {
            current = parseInstanceRecord(readFileSync(file, 'utf8'));
          } catch {
            return;
          }
          // Only our own record: had it been taken over, the file would belong to someone else.
          if (current?.pid === pid && current.secret === record.secret)
            rmSync(file, { force: true });
        },
      },
    };
  });
}

/**
 * The headless host running on this data folder, if any (for the desktop app, which must not
 * supervise the same stack at the same time). A stale or foreign-machine record counts as none.
 */
export async function runningHeadlessInstance(
  dataDir: string,
  options: Pick<AcquireOptions, 'hostname' | 'isAlive'> = {},
): Promise<InstanceRecord | undefined> {
  let record: InstanceRecord | undefined;
  try {
    record = parseInstanceRecord(await fs.readFile(instanceFile(dataDir), 'utf8'));
  } catch {
    return undefined;
  }
  if (!record || record.hostname !== (options.hostname ?? os.hostname())) return undefined;
  return (options.isAlive ?? pidAlive)(record.pid) ? record : undefined;
}

/**
 * The desktop (Electron) app on the same data folder, if it runs: Chromium's single-instance lock
 * is a `SingletonLock` symlink there pointing at `<hostname>-<pid>` (Linux, macOS). Both hosts
 * would supervise the same stack, so the headless host defers to it.
 */
export async function desktopAppPid(
  dataDir: string,
  options: Pick<AcquireOptions, 'hostname' | 'isAlive'> = {},
): Promise<number | undefined> {
  let target: string;
  try {
    target = await fs.readlink(path.join(dataDir, 'SingletonLock'));
  } catch {
    return undefined;
  }
  const match = /^(.*)-(\d+)$/.exec(target);
  if (!match) return undefined;
  const pid = Number(match[2]);
  const sameHost = match[1] === (options.hostname ?? os.hostname());
  return sameHost && (options.isAlive ?? pidAlive)(pid) ? pid : undefined;
}

export type LaunchUrlOutcome =
  { ok: true; launchUrl: string } | { ok: false; reason: 'unreachable' | 'refused' | 'starting' };

/**
 * Ask the running instance for a fresh one-time link over loopback, authenticated with the
 * instance secret. Bounded by `timeoutMs`; never throws.
 */
export async function requestLaunchUrl(
  running: InstanceRecord,
  timeoutMs = 3000,
): Promise<LaunchUrlOutcome> {
  if (running.port === null) return { ok: false, reason: 'starting' };
  try {
    const res = await fetch(`http://127.0.0.1:${running.port}/instance/launch-url`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${running.secret}` },
      signal: AbortSignal.timeout(timeoutMs),
    });
    if (!res.ok) return { ok: false, reason: 'refused' };
    const body = (await res.json()) as { launchUrl?: unknown };
    if (typeof body.launchUrl !== 'string' || !body.launchUrl.startsWith('http://127.0.0.1:'))
      return { ok: false, reason: 'refused' };
    return { ok: true, launchUrl: body.launchUrl };
  } catch {
    return { ok: false, reason: 'unreachable' };
  }
}
