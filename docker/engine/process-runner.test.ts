import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { LineSplitter } from './line-splitter.js';
import { runProcess, stripAnsi, type OutputStream } from './process-runner.js';

const node = process.execPath;
const posix = process.platform !== 'win32';

/** Running (a zombie waiting for its reaper counts as dead: it was killed). */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return true; // no procfs (macOS): signal 0 is all we have
  }
}

describe('LineSplitter', () => {
  it('joins lines across chunks, including a \\r\\n split between chunks', () => {
    const lines: string[] = [];
    const splitter = new LineSplitter((line) => lines.push(line));
    for (const chunk of ['one\r', '\ntw', 'o\nthree\rfour', '\r', '\n', 'tail'])
      splitter.push(chunk);
    splitter.flush();
    expect(lines).toEqual(['one', 'two', 'three', 'four', 'tail']);
  });
});

describe('stripAnsi', () => {
  it('removes colour and cursor sequences', () => {
    expect(stripAnsi('\u001b[32mCreating\u001b[0m x \u001b[2K\u001b[1A done')).toBe(
      'Creating x  done',
    );
  });
});

describe('runProcess', () => {
  it('passes arguments verbatim (no shell) and captures output and exit code', async () => {
    const hostile = '$(echo pwned); echo also-pwned `id` "quoted" \'single\'';
    const result = await runProcess(node, [
      '-e',
      'console.log(process.argv[1]); console.error("warn"); process.exit(7)',
      hostile,
    ]);
    expect(result).toEqual({ code: 7, stdout: `${hostile}\n`, stderr: 'warn\n' });
  });

  it('streams lines with their stream name, flushing a last line without newline', async () => {
    const seen: Array<[string, OutputStream]> = [];
    await runProcess(
      node,
      ['-e', 'process.stdout.write("a\\nb"); process.stderr.write("\\u001b[31me1\\u001b[0m\\n")'],
      {
        onLine: (line, stream) => seen.push([line, stream]),
      },
    );
    expect(seen).toEqual(
      expect.arrayContaining([
        ['a', 'stdout'],
        ['b', 'stdout'],
        ['e1', 'stderr'],
      ]),
    );
    expect(seen).toHaveLength(3);
  });

  it('closes stdin so a prompting command sees end-of-file instead of hanging', async () => {
    const result = await runProcess(node, [
      '-e',
      'process.stdin.on("data", () => {}).on("end", () => console.log("eof"))',
    ]);
    expect(result.stdout.trim()).toBe('eof');
  });

  it('inherits the terminal in interactive mode (nothing captured, exit code still reported)', async () => {
    const lines: string[] = [];
    const result = await runProcess(node, ['-e', 'process.exit(5)'], {
      interactive: true,
      onLine: (line) => lines.push(line),
    });
    expect(result).toEqual({ code: 5, stdout: '', stderr: '' });
    expect(lines).toEqual([]);
  });

  it('rejects with the spawn error when the binary is missing', async () => {
    await expect(runProcess('openclaw-no-such-binary-4711', [])).rejects.toMatchObject({
      code: 'ENOENT',
    });
  });

  it('rejects with CANCELLED at once when the signal is already aborted', async () => {
    await expect(
      runProcess(node, ['-e', ''], { signal: AbortSignal.abort() }),
    ).rejects.toMatchObject({ code: 'CANCELLED' });
  });

  it.skipIf(!posix)('kills the whole process tree on abort', async () => {
    const controller = new AbortController();
    let grandchild = 0;
    const started = Date.now();
    const run = runProcess('/bin/sh', ['-c', 'sleep 60 & echo $!; wait'], {
      signal: controller.signal,
      onLine: (line) => {
        grandchild = Number(line);
        controller.abort();
      },
    });
    await expect(run).rejects.toMatchObject({ code: 'CANCELLED' });
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(grandchild).toBeGreaterThan(0);
    // The orphaned `sleep` must be gone too, not just the shell.
    for (let i = 0; i < 50 && alive(grandchild); i++) await new Promise((r) => setTimeout(r, 50));
    expect(alive(grandchild)).toBe(false);
  });
});
