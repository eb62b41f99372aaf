/**
 * `apply_patch` on a real workspace: add, update (with @@ context, several hunks, end of file),
 * delete and move; a patch whose any hunk fails changes nothing and names the hunk; malformed
 * patches and paths that escape the workspace are refused before anything is written.
 */
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createApplyPatchTool } from './apply-patch-tool.js';
import { LocalWorkspaceTarget } from './local-target.js';

let dir: string;
let workspace: string;
const tool = () => createApplyPatchTool(new LocalWorkspaceTarget(workspace));

beforeEach(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'openclaw-patch-'));
  workspace = path.join(dir, 'workspace');
  await fs.mkdir(path.join(workspace, 'src'), { recursive: true });
  await fs.mkdir(path.join(dir, 'outside'));
  await fs.writeFile(path.join(dir, 'outside', 'victim.txt'), 'untouched\n');
});

afterEach(async () => {
  await fs.rm(dir, { recursive: true, force: true });
});

async function apply(input: string): Promise<string> {
  const result = await tool().execute('call_1', { input });
  return result.content.map((c) => (c.type === 'text' ? c.text : '')).join('');
}

const read = (p: string) => fs.readFile(path.join(workspace, p), 'utf8');
const exists = (p: string) =>
  fs.lstat(path.join(workspace, p)).then(
    () => true,
    () => false,
  );

/** Every file of the workspace with its content, to prove a refused patch changed nothing. */
async function snapshot(): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  const walk = async (rel: string) => {
    for (const e of await fs.readdir(path.join(workspace, rel), { withFileTypes: true })) {
      const p = path.join(rel, e.name);
      if (e.isDirectory()) await walk(p);
      else out[p] = e.isSymbolicLink() ? '<link>' : await read(p);
    }
  };
  await walk('.');
  return out;
}

const APP = [
  'import x from "x";',
  '',
  'function a() {',
  '  return 1;',
  '}',
  '',
  'function b() {',
  '  return 1;',
  '}',
  '',
].join('\n');

describe('apply_patch', () => {
  it('adds, updates with context and several hunks, deletes and moves in one call', async () => {
    await fs.writeFile(path.join(workspace, 'src/app.ts'), APP);
    await fs.writeFile(path.join(workspace, 'old.txt'), 'bye\n');
    await fs.writeFile(path.join(workspace, 'src/name.ts'), 'export const n = 1;\n');
    const out = await apply(
      [
        '*** Begin Patch',
        '*** Add File: docs/new.md',
        '+# Title',
        '+text',
        '*** Update File: src/app.ts',
        '@@ function b() {',
        '-  return 1;',
        '+  return 2;',
        '@@',
        ' import x from "x";',
        '+import y from "y";',
        '*** Delete File: old.txt',
        '*** Update File: src/name.ts',
        '*** Move to: lib/name.ts',
        '@@',
        '-export const n = 1;',
        '+export const n = 2;',
        '*** End Patch',
      ].join('\n'),
    ).catch((err: Error) => err.message);
    // The second hunk comes before the first in the file: hunks are applied in file order only.
    expect(out).toMatch(/changed nothing/);
    expect(await snapshot()).toEqual({
      'old.txt': 'bye\n',
      'src/app.ts': APP,
      'src/name.ts': 'export const n = 1;\n',
    });

    const ok = await apply(
      [
        '*** Begin Patch',
        '*** Add File: docs/new.md',
        '+# Title',
        '+text',
        '*** Update File: src/app.ts',
        '@@',
        ' import x from "x";',
        '+import y from "y";',
        '@@ function b() {',
        '-  return 1;',
        '+  return 2;',
        '*** Delete File: old.txt',
        '*** Update File: src/name.ts',
        '*** Move to: lib/name.ts',
        '@@',
        '-export const n = 1;',
        '+export const n = 2;',
        '*** End Patch',
      ].join('\n'),
    );
    expect(ok).toContain('A docs/new.md');
    expect(ok).toContain('R src/name.ts -> lib/name.ts');
    expect(await read('docs/new.md')).toBe('# Title\ntext\n');
    expect(await read('src/app.ts')).toBe(
      APP.replace('"x";\n', '"x";\nimport y from "y";\n').replace(
        'function b() {\n  return 1;',
        'function b() {\n  return 2;',
      ),
    );
    // function a's identical line was left alone: the @@ context picked the right one.
    expect(await read('src/app.ts')).toContain('function a() {\n  return 1;');
    expect(await exists('old.txt')).toBe(false);
    expect(await exists('src/name.ts')).toBe(false);
    expect(await read('lib/name.ts')).toBe('export const n = 2;\n');
  });

  it('appends at the end of the file and keeps CRLF line ends', async () => {
    await fs.writeFile(path.join(workspace, 'win.txt'), 'one\r\ntwo\r\n');
    await apply(
      '*** Begin Patch\n*** Update File: win.txt\n@@\n two\n+three\n*** End of File\n*** End Patch',
    );
    expect(await read('win.txt')).toBe('one\r\ntwo\r\nthree\r\n');
  });

  it('a failing hunk changes nothing and says which hunk and patch line failed', async () => {
    await fs.writeFile(path.join(workspace, 'a.txt'), 'alpha\nbeta\n');
    await fs.writeFile(path.join(workspace, 'b.txt'), 'gamma\n');
    const before = await snapshot();
    const patch = [
      '*** Begin Patch',
      '*** Update File: a.txt',
      '@@',
      '-alpha',
      '+ALPHA',
      '*** Add File: c.txt',
      '+new',
      '*** Update File: b.txt',
      '@@',
      '-gamma',
      '+GAMMA',
      '@@',
      '-delta',
      '+DELTA',
      '*** End Patch',
    ].join('\n');
    await expect(apply(patch)).rejects.toThrow(
      /changed nothing: Update File b\.txt, hunk 2 \(patch line 12\): the lines to change \("delta"\) are not in the file/,
    );
    expect(await snapshot()).toEqual(before);
  });

  it('refuses to add over an existing file, to update or delete a missing one, to move onto a file', async () => {
    await fs.writeFile(path.join(workspace, 'here.txt'), 'x\n');
    await fs.writeFile(path.join(workspace, 'there.txt'), 'y\n');
    const before = await snapshot();
    await expect(
      apply('*** Begin Patch\n*** Add File: here.txt\n+z\n*** End Patch'),
    ).rejects.toThrow(/already exists/);
    await expect(
      apply('*** Begin Patch\n*** Update File: nope.txt\n@@\n-a\n+b\n*** End Patch'),
    ).rejects.toThrow(/does not exist; use Add File/);
    await expect(
      apply('*** Begin Patch\n*** Delete File: nope.txt\n*** End Patch'),
    ).rejects.toThrow(/does not exist/);
    await expect(
      apply(
        '*** Begin Patch\n*** Update File: here.txt\n*** Move to: there.txt\n@@\n-x\n+x2\n*** End Patch',
      ),
    ).rejects.toThrow(/move target "there.txt" already exists/);
    expect(await snapshot()).toEqual(before);
    // Deleting first makes room, as upstream documents.
    await apply(
      '*** Begin Patch\n*** Delete File: here.txt\n*** Add File: here.txt\n+new\n*** End Patch',
    );
    expect(await read('here.txt')).toBe('new\n');
  });

  it('refuses paths that leave the workspace (.., absolute, symlink) and changes nothing', async () => {
    await fs.writeFile(path.join(workspace, 'ok.txt'), 'ok\n');
    await fs.writeFile(path.join(workspace, 'other.txt'), 'other\n');
    await fs.symlink(path.join(dir, 'outside'), path.join(workspace, 'link'));
    await fs.symlink(
      path.join(dir, 'outside', 'victim.txt'),
      path.join(workspace, 'victim-link.txt'),
    );
    const before = await snapshot();
    const victim = path.join(dir, 'outside', 'victim.txt');
    for (const op of [
      '*** Add File: ../escape.txt\n+x',
      `*** Add File: ${path.join(dir, 'outside', 'abs.txt')}\n+x`,
      '*** Add File: link/through.txt\n+x',
      `*** Update File: ${victim}\n@@\n-untouched\n+pwned`,
      '*** Update File: victim-link.txt\n@@\n-untouched\n+pwned',
      `*** Delete File: ${victim}`,
      '*** Update File: other.txt\n*** Move to: ../moved.txt\n@@\n-other\n+other',
    ]) {
      await expect(
        apply(`*** Begin Patch\n*** Update File: ok.txt\n@@\n-ok\n+changed\n${op}\n*** End Patch`),
      ).rejects.toMatchObject({
        code: 'TOOL_PATH_REFUSED',
        message: expect.stringMatching(/^apply_patch changed nothing: /),
      });
    }
    expect(await snapshot()).toEqual(before);
    expect(await fs.readdir(path.join(dir, 'outside'))).toEqual(['victim.txt']);
    expect(await fs.readFile(victim, 'utf8')).toBe('untouched\n');
    expect(await fs.readdir(dir)).toEqual(['outside', 'workspace']);
  });

  it('explains malformed patches with their line', async () => {
    await expect(apply('*** Update File: a.txt\n*** End Patch')).rejects.toThrow(
      /line 1: the first line must be "\*\*\* Begin Patch"/,
    );
    await expect(apply('*** Begin Patch\n*** Add File: a.txt\n+a')).rejects.toThrow(
      /the last line must be "\*\*\* End Patch"/,
    );
    await expect(
      apply('*** Begin Patch\n*** Update File: a.txt\n@@\n?what\n*** End Patch'),
    ).rejects.toThrow(/line 4: a hunk line must start with/);
    await expect(apply('*** Begin Patch\n*** End Patch')).rejects.toThrow(/changes no file/);
  });

  it('puts back what it wrote when a later write fails (a disk error mid-way)', async () => {
    await fs.writeFile(path.join(workspace, 'a.txt'), 'a\n');
    await fs.writeFile(path.join(workspace, 'gone.txt'), 'keep me\n');
    const before = await snapshot();
    // A real target whose writes to one file fail, as a full disk or a read-only file would.
    class FailingTarget extends LocalWorkspaceTarget {
      override async writeFile(p: string, content: string) {
        if (p === 'z.txt') throw new Error('ENOSPC: no space left on device');
        return super.writeFile(p, content);
      }
    }
    const failing = createApplyPatchTool(new FailingTarget(workspace));
    await expect(
      failing.execute('call_1', {
        input: [
          '*** Begin Patch',
          '*** Update File: a.txt',
          '@@',
          '-a',
          '+A',
          '*** Delete File: gone.txt',
          '*** Add File: new.txt',
          '+n',
          '*** Add File: z.txt',
          '+z',
          '*** End Patch',
        ].join('\n'),
      }),
    ).rejects.toThrow(/changed nothing: writing failed \(ENOSPC.*restored/);
    expect(await snapshot()).toEqual(before);
  });
});
