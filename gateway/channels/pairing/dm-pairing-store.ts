/**
 * DM pairing state, kept in files under `<stateDir>/credentials/` as upstream's earlier releases
 * did, so the CLI container, the desktop app and the gateway share it: `<channel>-pairing.json`
 * holds the pending requests of every account of a channel, `<channel>-<accountId>-allowFrom.json`
 * the senders approved for one account. Files are 0600, written atomically under the cross-process
 * lock. Approval grants DM access only; groups never consult this store.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import type { StatePaths } from '../../config/paths.js';
import { ErrorCode, OpenClawError } from '../../infra/errors.js';
import { readJsonFile, updateJsonFile } from '../../infra/json-file.js';
import type { ChannelId } from '../contract.js';
import { newPairingCode, normalizePairingCode } from './pairing-code.js';

export const PAIRING_TTL_MS = 60 * 60 * 1000;
export const PAIRING_PENDING_PER_ACCOUNT = 3;

export interface DmPairingRequest {
  /** The code the sender was given; also the request id. */
  code: string;
  accountId: string;
  senderId: string;
  senderLabel: string;
  metadata?: Record<string, string>;
  createdAt: number;
  lastSeenAt: number;
  expiresAt: number;
}

interface RequestsFile {
  version: 1;
  requests: DmPairingRequest[];
}

interface AllowFromFile {
  version: 1;
  allowFrom: string[];
}

export type PairingRequestOutcome =
  | { status: 'created'; request: DmPairingRequest }
  | { status: 'pending'; request: DmPairingRequest }
  | { status: 'full' };

export interface DmPairingStoreOptions {
  now?: () => number;
  ttlMs?: number;
  pendingPerAccount?: number;
}

const EMPTY_REQUESTS: RequestsFile = { version: 1, requests: [] };
const EMPTY_ALLOW: AllowFromFile = { version: 1, allowFrom: [] };

function safePart(value: string): string {
  // Account ids come from config keys; keep them from naming another folder.
  return value.replace(/[^A-Za-z0-9_.-]/g, '_');
}

export class DmPairingStore {
  readonly ttlMs: number;
  readonly pendingPerAccount: number;
  private readonly now: () => number;
  readonly dir: string;

  constructor(paths: Pick<StatePaths, 'stateDir'>, options: DmPairingStoreOptions = {}) {
    this.dir = path.join(paths.stateDir, 'credentials');
    this.now = options.now ?? Date.now;
    this.ttlMs = options.ttlMs ?? PAIRING_TTL_MS;
    this.pendingPerAccount = options.pendingPerAccount ?? PAIRING_PENDING_PER_ACCOUNT;
  }

  requestsPath(channel: ChannelId): string {
    return path.join(this.dir, `${channel}-pairing.json`);
  }

  allowFromPath(channel: ChannelId, accountId: string): string {
    return path.join(this.dir, `${channel}-${safePart(accountId)}-allowFrom.json`);
  }

  private async ensureDir(): Promise<void> {
    await fs.mkdir(this.dir, { recursive: true, mode: 0o700 });
  }

  private live(requests: DmPairingRequest[]): DmPairingRequest[] {
    const now = this.now();
    return requests.filter((r) => r.expiresAt > now);
  }

  /**
   * A DM from a sender who is not approved: a new request (the bot sends the code once), the
   * sender's request still pending (no second message), or no room (the sender is ignored).
   */
  async request(
    channel: ChannelId,
    accountId: string,
    sender: { id: string; label: string; metadata?: Record<string, string> },
  ): Promise<PairingRequestOutcome> {
    await this.ensureDir();
    return updateJsonFile<RequestsFile, PairingRequestOutcome>(
      this.requestsPath(channel),
      EMPTY_REQUESTS,
      (current) => {
        const now = this.now();
        const requests = this.live(current.requests ?? []);
        const mine = requests.filter((r) => r.accountId === accountId);
        const existing = mine.find((r) => r.senderId === sender.id);
        if (existing) {
          existing.lastSeenAt = now;
          return {
            value: { version: 1, requests },
            result: { status: 'pending', request: existing },
          };
        }
        if (mine.length >= this.pendingPerAccount) {
          const changed = requests.length !== (current.requests ?? []).length;
          return { value: { version: 1, requests }, result: { status: 'full' }, changed };
        }
        const taken = new Set(requests.map((r) => r.code));
        let code = newPairingCode();
        while (taken.has(code)) code = newPairingCode();
        const request: DmPairingRequest = {
          code,
          accountId,
          senderId: sender.id,
          senderLabel: sender.label,
          ...(sender.metadata && Object.keys(sender.metadata).length > 0
            ? { metadata: sender.metadata }
            : {}),
          createdAt: now,
          lastSeenAt: now,
          expiresAt: now + this.ttlMs,
        };
        requests.push(request);
        return { value: { version: 1, requests }, result: { status: 'created', request } };
      },
    );
  }

  /** Pending (unexpired) requests of a channel, optionally of one account. */
  async list(channel: ChannelId, accountId?: string): Promise<DmPairingRequest[]> {
    const file = await readJsonFile<RequestsFile>(this.requestsPath(channel), EMPTY_REQUESTS);
    return this.live(Array.isArray(file.requests) ? file.requests : []).filter(
      (r) => accountId === undefined || r.accountId === accountId,
    );
  }

  /** Removes the request named by its code and returns it; `approve` also allows the sender. */
  private async take(
    channel: ChannelId,
    accountId: string,
    requestId: string,
  ): Promise<DmPairingRequest> {
    await this.ensureDir();
    const code = normalizePairingCode(requestId);
    const found = await updateJsonFile<RequestsFile, DmPairingRequest | undefined>(
      this.requestsPath(channel),
      EMPTY_REQUESTS,
      (current) => {
        const requests = this.live(current.requests ?? []);
        const match = requests.find((r) => r.code === code && r.accountId === accountId);
        return {
          value: { version: 1, requests: requests.filter((r) => r !== match) },
          result: match,
        };
      },
    );
    if (!found) {
      throw new OpenClawError(
        ErrorCode.NOT_FOUND,
        `No pending ${channel} pairing request with code ${code} for account "${accountId}" (codes expire after ${Math.round(this.ttlMs / 60000)} minutes). Run \`openclaw pairing list ${channel}\` to see the pending ones; the sender gets a new code by writing again.`,
      );
    }
    return found;
  }

  async approve(
    channel: ChannelId,
    accountId: string,
    requestId: string,
  ): Promise<DmPairingRequest> {
    const request = await this.take(channel, accountId, requestId);
    await this.allow(channel, accountId, request.senderId);
    return request;
  }

  /** Forgets the request; the sender may ask again (not a block). */
  dismiss(channel: ChannelId, accountId: string, requestId: string): Promise<DmPairingRequest> {
    return this.take(channel, accountId, requestId);
  }

  async allow(channel: ChannelId, accountId: string, senderId: string): Promise<void> {
    await this.ensureDir();
    await updateJsonFile<AllowFromFile>(
      this.allowFromPath(channel, accountId),
      EMPTY_ALLOW,
      (current) => {
        const list = Array.isArray(current.allowFrom) ? current.allowFrom : [];
        if (list.includes(senderId)) return { value: current, result: undefined, changed: false };
        return { value: { version: 1, allowFrom: [...list, senderId] }, result: undefined };
      },
    );
  }

  async approvedSenders(channel: ChannelId, accountId: string): Promise<string[]> {
    const file = await readJsonFile<AllowFromFile>(
      this.allowFromPath(channel, accountId),
      EMPTY_ALLOW,
    );
    return Array.isArray(file.allowFrom) ? file.allowFrom.map(String) : [];
  }
}
