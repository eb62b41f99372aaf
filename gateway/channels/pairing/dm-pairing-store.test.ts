/** The DM pairing store: codes, the pending limit, expiry (injected clock), approval, file modes. */
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DmPairingStore } from './dm-pairing-store.js';
import { PAIRING_CODE_ALPHABET } from './pairing-code.js';

let dir: string;
let now: number;
let store: DmPairingStore;

beforeEach(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'dm-pairing-'));
  now = Date.parse('2026-12-01T10:00:00Z');
  store = new DmPairingStore({ stateDir: dir }, { now: () => now });
});

afterEach(async () => {
  await fs.rm(dir, { recursive: true, force: true });
});

const sender = (id: string) => ({ id, label: `user ${id}`, metadata: { chatId: id } });

describe('DM pairing store', () => {
  it('gives an 8-character code once per sender, at most 3 pending per account', async () => {
    const first = await store.request('telegram', 'default', sender('1'));
    expect(first.status).toBe('created');
    const code = first.status === 'created' ? first.request.code : '';
    expect(code).toHaveLength(8);
    expect([...code].every((c) => PAIRING_CODE_ALPHABET.includes(c))).toBe(true);
    expect(code).not.toMatch(/[01OI]/);
    expect((await store.request('telegram', 'default', sender('1'))).status).toBe('pending');
    expect((await store.request('telegram', 'default', sender('2'))).status).toBe('created');
    expect((await store.request('telegram', 'default', sender('3'))).status).toBe('created');
    expect((await store.request('telegram', 'default', sender('4'))).status).toBe('full');
    // Another account has its own limit.
    expect((await store.request('telegram', 'work', sender('4'))).status).toBe('created');
    expect(await store.list('telegram', 'default')).toHaveLength(3);
    const stat = await fs.stat(store.requestsPath('telegram'));
    expect(stat.mode & 0o777).toBe(0o600);
    expect((await fs.stat(store.dir)).mode & 0o777).toBe(0o700);
  });

  it('expires requests after an hour, which frees a slot', async () => {
    for (const id of ['1', '2', '3']) await store.request('discord', 'default', sender(id));
    now += 59 * 60_000;
    expect((await store.request('discord', 'default', sender('4'))).status).toBe('full');
    now += 2 * 60_000;
    expect(await store.list('discord')).toHaveLength(0);
    expect((await store.request('discord', 'default', sender('4'))).status).toBe('created');
  });

  it('approves by code (any case), allows the sender, and dismiss is not a block', async () => {
    const made = await store.request('telegram', 'default', sender('77'));
    const code = made.status === 'created' ? made.request.code : '';
    const approved = await store.approve('telegram', 'default', code.toLowerCase());
    expect(approved.senderId).toBe('77');
    expect(await store.approvedSenders('telegram', 'default')).toEqual(['77']);
    expect((await fs.stat(store.allowFromPath('telegram', 'default'))).mode & 0o777).toBe(0o600);
    await expect(store.approve('telegram', 'default', code)).rejects.toThrow(
      /No pending telegram pairing request/,
    );

    const other = await store.request('telegram', 'default', sender('88'));
    await store.dismiss(
      'telegram',
      'default',
      other.status === 'created' ? other.request.code : '',
    );
    expect(await store.list('telegram')).toEqual([]);
    expect((await store.request('telegram', 'default', sender('88'))).status).toBe('created');
    expect(await store.approvedSenders('telegram', 'default')).toEqual(['77']);
  });

  it('a code of another account does not approve', async () => {
    const made = await store.request('telegram', 'work', sender('5'));
    const code = made.status === 'created' ? made.request.code : '';
    await expect(store.approve('telegram', 'default', code)).rejects.toThrow(/account "default"/);
  });
});
