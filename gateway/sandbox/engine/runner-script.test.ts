// The runner's shell protocol without Docker: the same script under this machine's /bin/sh
// (POSIX sh and coreutils, as in a container), driven byte for byte as sandboxd drives it. The
// real-engine side is in container-runner.integration.test.ts.
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { PREPEND_PATH_ENV } from './create-options.js';
import { killScript } from './exec-runner.js';
import { RUNNER_SCRIPT, commandScript } from './runner-script.js';

let home: string;
let runner: ChildProcessWithoutNullStreams;
let out = Buffer.alloc(0);
let err = '';

function waitFor<T>(check: () => T | undefined, ms = 5000): Promise<T> {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const tick = () => {
      const value = check();
      if (value !== undefined) return resolve(value);
      if (Date.now() - started > ms) return reject(new Error(`timed out; stderr: ${err}`));
      setTimeout(tick, 10);
    };
    tick();
  });
}

/** The next answer on stdout: its header line and the bytes the header announces. */
async function answer(size: (header: string) => number): Promise<{ header: string; body: string }> {
  return waitFor(() => {
    const nl = out.indexOf(10);
    if (nl < 0) return undefined;
    const header = out.subarray(0, nl).toString();
    const n = size(header);
    if (out.length < nl + 1 + n) return undefined;
    const body = out.subarray(nl + 1, nl + 1 + n).toString();
    out = out.subarray(nl + 1 + n);
    return { header, body };
  });
}

const ended = (id: string) => waitFor(() => err.split('\n').find((l) => l.startsWith(`D ${id} `)));

function start(id: string, script: string, stdin?: string): void {
  const input = stdin === undefined ? '' : stdin;
  const mode = stdin === undefined ? -1 : Buffer.byteLength(input);
  runner.stdin.write(`X ${id} ${Buffer.byteLength(script)} ${mode}\n${script}${input}`);
}

async function read(id: string, which: 'o' | 'e', offset = 0): Promise<string> {
  runner.stdin.write(`R ${id} ${which} ${offset} 100000\n`);
  return (await answer((h) => Number(h.split(' ')[0]))).body;
}

beforeEach(async () => {
  home = await fs.mkdtemp(path.join(os.tmpdir(), 'oc-runner-'));
  out = Buffer.alloc(0);
  err = '';
  runner = spawn('/bin/sh', ['-c', RUNNER_SCRIPT], {
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: home, [PREPEND_PATH_ENV]: '/opt/x' },
  });
  runner.stdout.on('data', (c: Buffer) => (out = Buffer.concat([out, c])));
  runner.stderr.on('data', (c: Buffer) => (err += c.toString()));
  const hello = await answer(() => 0);
  expect(hello.header).toMatch(/^OK \//);
});

afterEach(async () => {
  runner.stdin.end();
  await new Promise((r) => runner.once('exit', r));
  await fs.rm(home, { recursive: true, force: true });
});

describe('the runner script', () => {
  it('runs commands with their folder, env, stdin and PATH, and says whether they printed', async () => {
    start(
      'a1',
      commandScript({
        id: 'a1',
        command:
          'read l; printf "%s|%s|%s|%s" "$l" "$V" "$(pwd)" "${PATH%%:*}"; echo e >&2; exit 5',
        workdir: home,
        env: { V: `it's "$HOME"` },
      }),
      'line\n',
    );
    start('a2', commandScript({ id: 'a2', command: 'true' }));
    expect(await ended('a1')).toBe('D a1 5 1');
    expect(await ended('a2')).toBe('D a2 0 0');
    expect(await read('a1', 'o')).toBe(`line|it's "$HOME"|${home}|/opt/x`);
    expect(await read('a1', 'e')).toBe('e\n');
    // A later read from an offset gets only what follows it.
    expect(await read('a1', 'o', 5)).toBe(`it's "$HOME"|${home}|/opt/x`);
  });

  it('caps both streams to their head and tail, with the full sizes', async () => {
    start('b1', commandScript({ id: 'b1', command: 'seq 1 1000; printf abc >&2' }));
    await ended('b1');
    runner.stdin.write('T b1 10\n');
    const { header, body } = await answer((h) => {
      const [, o, , e] = h.split(' ').map(Number);
      return (o ?? 0) + (e ?? 0);
    });
    expect(header).toBe('3893 10 3 3');
    expect(body).toBe('1\n2\n3' + '1000\n' + 'abc');
  });

  it('feeds input written in chunks, ends it, and kills by marker', async () => {
    // Without streamed input a command reads end of file at once.
    start('c1', commandScript({ id: 'c1', command: 'cat; echo done' }));
    const fed = commandScript({ id: 'c3', command: 'while read l; do echo "got $l"; done' });
    runner.stdin.write(`X c3 ${Buffer.byteLength(fed)} -2\n${fed}`);
    runner.stdin.write('W c3 4 0\none\nW c3 4 1\ntwo\nE c3\n');
    expect(await ended('c3')).toBe('D c3 0 1');
    expect(await read('c3', 'o')).toBe('got one\ngot two\n');
    expect(await ended('c1')).toBe('D c1 0 1');
    const long = commandScript({ id: 'k1', command: 'sleep 30 & sleep 31' });
    runner.stdin.write(`X k1 ${Buffer.byteLength(long)} -2\n${long}`);
    await new Promise((r) => setTimeout(r, 200));
    const kill = killScript('k1');
    runner.stdin.write(`K k1 ${Buffer.byteLength(kill)}\n${kill}`);
    expect(await ended('k1')).toMatch(/^D k1 137 /);
    await waitFor(() => (err.includes('K k1\n') ? true : undefined));
  });
});
