import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SessionIndex } from './session-index.js';

let dir: string;
let file: string;

beforeEach(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'openclaw-index-'));
  file = path.join(dir, 'agents', 'main', 'sessions', 'sessions.json');
});

afterEach(async () => {
  await fs.rm(dir, { recursive: true, force: true });
});

describe('sessions.json index', () => {
  it('round-trips entries and keeps fields it does not know', async () => {
    const upstream = {
      'agent:main:main': {
        sessionId: 'a1b2',
        updatedAt: 1,
        deliveryContext: { channel: 'telegram', to: '42' },
        origin: { label: 'Alice' },
        memoryFlushAt: 7,
      },
    };
    await fs.mkdir(path.dirname(file), { recursive: true });
    await fs.writeFile(file, JSON.stringify(upstream));
    const index = new SessionIndex(file);
    await index.update((entries) => {
      entries['agent:main:main']!.label = 'Daily';
      return { result: undefined };
    });
    const onDisk = JSON.parse(await fs.readFile(file, 'utf8')) as Record<
      string,
      Record<string, unknown>
    >;
    expect(onDisk['agent:main:main']).toEqual({ ...upstream['agent:main:main'], label: 'Daily' });
  });

  it('serialises concurrent updates: none is lost', async () => {
    const index = new SessionIndex(file);
    await Promise.all(
      Array.from({ length: 40 }, (_, i) =>
        index.update((entries) => {
          entries[`agent:main:k${i}`] = { sessionId: `s${i}`, updatedAt: i };
          return { result: undefined };
        }),
      ),
    );
    expect(Object.keys(await index.read())).toHaveLength(40);
    // A new index holds conversation metadata: owner-only.
    expect((await fs.stat(file)).mode & 0o777).toBe(0o600);
  });

  it('a failing update does not block the ones queued after it', async () => {
    const index = new SessionIndex(file);
    const failing = index.update(() => {
      throw new Error('boom');
    });
    const next = index.update((entries) => {
      entries['agent:main:main'] = { sessionId: 's', updatedAt: 1 };
      return { result: 'done' };
    });
    await expect(failing).rejects.toThrow('boom');
    await expect(next).resolves.toBe('done');
  });

  it('moves an unreadable file aside instead of overwriting it', async () => {
    await fs.mkdir(path.dirname(file), { recursive: true });
    await fs.writeFile(file, '{ not json');
    const index = new SessionIndex(file);
    expect(await index.read()).toEqual({});
    const names = await fs.readdir(path.dirname(file));
    const aside = names.find((n) => n.startsWith('sessions.json.corrupt-'));
    expect(aside).toBeDefined();
    expect(await fs.readFile(path.join(path.dirname(file), aside!), 'utf8')).toBe('{ not json');
  });
});
