/**
 * Locked access to `devices/pending.json` and `devices/paired.json`. The gateway, the CLI
 * container and the desktop app all mutate these files, so every mutation is a cross-process
 * locked read-modify-write (`updateJsonFile`) of what is on disk now — nothing is cached. When both
 * files change in one operation, the pending lock is always taken first and paired second, so two
 * processes can never deadlock on each other. Expired pending requests are dropped on every read.
 */
import type { StatePaths } from '../config/paths.js';
import { readJsonFile, updateJsonFile } from '../infra/json-file.js';
import {
  emptyDict,
  parsePairedFile,
  parsePendingFile,
  type PairedFile,
  type PendingFile,
  type PendingPairingRequest,
} from './pairing-records.js';

export type PairingFilePaths = Pick<StatePaths, 'pendingDevicesPath' | 'pairedDevicesPath'>;

export interface MutationResult<F, R> {
  value: F;
  result: R;
  /** false = nothing changed, skip the write. */
  changed?: boolean;
}

type Mutator<F, R> = (file: F) => Promise<MutationResult<F, R>> | MutationResult<F, R>;

export class PairingFiles {
  constructor(
    private readonly paths: PairingFilePaths,
    private readonly now: () => number,
    private readonly pendingTtlMs: number,
  ) {}

  /** Live (unexpired) pending requests and whether expired ones are still on disk. */
  async readPending(): Promise<{ pending: PendingFile; hasExpired: boolean }> {
    const all = parsePendingFile(await readJsonFile<unknown>(this.paths.pendingDevicesPath, {}));
    const pending = this.prune(all);
    return { pending, hasExpired: Object.keys(pending).length !== Object.keys(all).length };
  }

  async readPaired(): Promise<PairedFile> {
    return parsePairedFile(await readJsonFile<unknown>(this.paths.pairedDevicesPath, {}));
  }

  /** Locked update of pending.json; the mutator sees only live requests, so expired ones go. */
  mutatePending<R>(fn: Mutator<PendingFile, R>): Promise<R> {
    return updateJsonFile<unknown, R>(this.paths.pendingDevicesPath, {}, async (raw) => {
      const live = this.prune(parsePendingFile(raw));
      const { value, result } = await fn(live);
      return { value, result };
    });
  }

  /** Locked update of paired.json. May be nested inside `mutatePending`, never the reverse. */
  mutatePaired<R>(fn: Mutator<PairedFile, R>): Promise<R> {
    return updateJsonFile<unknown, R>(this.paths.pairedDevicesPath, {}, (raw) =>
      fn(parsePairedFile(raw)),
    );
  }

  private prune(pending: PendingFile): PendingFile {
    const cutoff = this.now() - this.pendingTtlMs;
    const live = emptyDict<PendingPairingRequest>();
    for (const [id, request] of Object.entries(pending)) {
      if (request.ts >= cutoff) live[id] = request;
    }
    return live;
  }
}
