/**
 * Workspace confinement of the local execution target: traversal, absolute paths, symlink
 * escapes (planted before and after a first check, dangling, in a parent folder), and what stays
 * allowed (nested paths, absolute paths inside, links that stay inside).
 */
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LocalWorkspaceTarget } from './local-target.js';

let dir: string;
let workspace: string;
let outsideDir: string;
let target: LocalWorkspaceTarget;

beforeEach(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'openclaw-tools-'));
  workspace = path.join(dir, 'workspace');
  outsideDir = path.join(dir, 'outside');
  await fs.mkdir(workspace);
  await fs.mkdir(outsideDir);
  await fs.writeFile(path.join(outsideDir, 'secret.txt'), 'top secret');
  target = new LocalWorkspaceTarget(workspace);
});

afterEach(async () => {
  await fs.rm(dir, { recursive: true, force: true });
});

const refused = { code: 'TOOL_PATH_REFUSED' };

describe('LocalWorkspaceTarget', () => {
  it('writes, reads and lists nested paths inside the workspace', async () => {
    await target.writeFile('a/b/c.txt', 'hello');
    expect((await target.readFile('a/b/c.txt', { maxBytes: 100 })).text).toBe('hello');
    expect(await target.list('a/b')).toEqual([{ name: 'c.txt', kind: 'file', size: 5 }]);
    expect((await target.readFile('./a//b/c.txt', { maxBytes: 100 })).text).toBe('hello');
  });

  it('refuses ".." anywhere, even when it would land back inside', async () => {
    await expect(target.readFile('../outside/secret.txt', { maxBytes: 100 })).rejects.toMatchObject(
      refused,
    );
    await expect(target.writeFile('a/../../x.txt', 'x')).rejects.toMatchObject(refused);
    await expect(target.writeFile('a/../b.txt', 'x')).rejects.toMatchObject(refused);
    await expect(fs.access(path.join(dir, 'x.txt'))).rejects.toThrow();
  });

  it('refuses absolute paths outside and accepts those inside', async () => {
    await expect(
      target.readFile(path.join(outsideDir, 'secret.txt'), { maxBytes: 100 }),
    ).rejects.toMatchObject(refused);
    await expect(target.writeFile('/etc/openclaw-test', 'x')).rejects.toMatchObject(refused);
    await target.writeFile(path.join(workspace, 'inside.txt'), 'ok');
    expect((await target.readFile('inside.txt', { maxBytes: 100 })).text).toBe('ok');
  });

  it('refuses a symlink leading outside, for reading, writing and listing', async () => {
    await fs.symlink(path.join(outsideDir, 'secret.txt'), path.join(workspace, 'link.txt'));
    await fs.symlink(outsideDir, path.join(workspace, 'linkdir'));
    await expect(target.readFile('link.txt', { maxBytes: 100 })).rejects.toMatchObject(refused);
    await expect(target.writeFile('link.txt', 'overwritten')).rejects.toMatchObject(refused);
    await expect(target.writeFile('linkdir/new.txt', 'x')).rejects.toMatchObject(refused);
    await expect(target.list('linkdir')).rejects.toMatchObject(refused);
    expect(await fs.readFile(path.join(outsideDir, 'secret.txt'), 'utf8')).toBe('top secret');
    await expect(fs.access(path.join(outsideDir, 'new.txt'))).rejects.toThrow();
  });

  it('checks at use: a link planted after a first successful access is refused', async () => {
    await target.writeFile('later/file.txt', 'first');
    await fs.rm(path.join(workspace, 'later'), { recursive: true });
    await fs.symlink(outsideDir, path.join(workspace, 'later'));
    await expect(target.writeFile('later/file.txt', 'second')).rejects.toMatchObject(refused);
    await expect(fs.access(path.join(outsideDir, 'file.txt'))).rejects.toThrow();
  });

  it('refuses a dangling symlink instead of creating its target', async () => {
    await fs.symlink(path.join(outsideDir, 'made-by-link.txt'), path.join(workspace, 'dangling'));
    await expect(target.writeFile('dangling', 'x')).rejects.toMatchObject(refused);
    await expect(fs.access(path.join(outsideDir, 'made-by-link.txt'))).rejects.toThrow();
  });

  it('allows a symlink that stays inside the workspace', async () => {
    await target.writeFile('real.txt', 'content');
    await fs.symlink(path.join(workspace, 'real.txt'), path.join(workspace, 'alias.txt'));
    expect((await target.readFile('alias.txt', { maxBytes: 100 })).text).toBe('content');
  });

  it('refuses a file over the read limit, empty paths and NUL bytes', async () => {
    await target.writeFile('big.txt', 'x'.repeat(200));
    await expect(target.readFile('big.txt', { maxBytes: 100 })).rejects.toThrow(/200 bytes/);
    await expect(target.readFile('', { maxBytes: 100 })).rejects.toMatchObject(refused);
    await expect(target.readFile('a\0b', { maxBytes: 100 })).rejects.toMatchObject(refused);
  });

  it('says plainly when a file does not exist', async () => {
    await expect(target.readFile('missing.txt', { maxBytes: 100 })).rejects.toThrow(
      /does not exist/,
    );
  });

  it('stat reports what is there and refuses what leads outside', async () => {
    await target.writeFile('f.txt', 'abc');
    expect(await target.stat('f.txt')).toEqual({ name: 'f.txt', kind: 'file', size: 3 });
    expect(await target.stat('missing.txt')).toBeUndefined();
    expect((await target.stat('.'))?.kind).toBe('dir');
    await fs.symlink(path.join(outsideDir, 'secret.txt'), path.join(workspace, 'out.txt'));
    await expect(target.stat('out.txt')).rejects.toMatchObject(refused);
    await expect(target.stat('../outside/secret.txt')).rejects.toMatchObject(refused);
  });

  it('removeFile unlinks a symlink itself, never its target, and refuses escapes', async () => {
    await fs.symlink(path.join(outsideDir, 'secret.txt'), path.join(workspace, 'out.txt'));
    await target.removeFile('out.txt');
    await expect(fs.lstat(path.join(workspace, 'out.txt'))).rejects.toThrow();
    expect(await fs.readFile(path.join(outsideDir, 'secret.txt'), 'utf8')).toBe('top secret');
    await fs.symlink(outsideDir, path.join(workspace, 'linkdir'));
    await expect(target.removeFile('linkdir/secret.txt')).rejects.toMatchObject(refused);
    await expect(target.removeFile('../outside/secret.txt')).rejects.toMatchObject(refused);
    await expect(target.removeFile(path.join(outsideDir, 'secret.txt'))).rejects.toMatchObject(
      refused,
    );
    await expect(target.removeFile('..')).rejects.toMatchObject(refused);
    await expect(target.removeFile('.')).rejects.toMatchObject(refused);
    expect(await fs.readFile(path.join(outsideDir, 'secret.txt'), 'utf8')).toBe('top secret');
    await target.writeFile('sub/x.txt', 'x');
    await expect(target.removeFile('sub')).rejects.toThrow(/is a folder/);
    await target.removeFile('sub/x.txt');
    expect(await target.list('sub')).toEqual([]);
  });
});
