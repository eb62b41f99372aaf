// The resident runner against the REAL engine (the base image as the sandbox image): commands go
// through it (no Docker exec each), many at once on one container, with exact head+tail caps,
// stdin and the env; it comes back after it was killed; an image it cannot use falls back to one
// Docker exec per command; background processes stream output, take input, and a kill or the
// container's removal leaves no process behind. Containers are openclaw-it-sbx-<runId>-run-….
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ErrorCode, isOpenClawError } from '../../infra/errors.js';
import type { SandboxPlan } from '../contract.js';
import { DockerSandboxEngine } from './docker-sandbox-engine.js';
import { sandboxEngineFixture, testPlan } from './engine-test-support.js';
import { HeadTailBuffer } from './output-cap.js';

const { docker, ready, skipNote, runId } = await sandboxEngineFixture();
const prefix = `openclaw-it-sbx-${runId}-run`;
let root = '';
let ws = '';
let engine: DockerSandboxEngine;

const PROCS = `for d in /proc/[0-9]*; do tr '\\0' ' ' < $d/cmdline 2>/dev/null; echo; done`;

async function container(suffix: string, overrides: Parameters<typeof testPlan>[2] = {}) {
  const plan: SandboxPlan = testPlan(`${prefix}-${suffix}`, ws, overrides);
  await engine.ensure(plan);
  return plan.containerName;
}

/** Docker execs created through the engine's client: each one a command without the runner. */
let dockerExecs = 0;
const getContainer = docker.getContainer.bind(docker);
docker.getContainer = (id: string) => {
  const c = getContainer(id);
  const exec = c.exec.bind(c) as (options: object) => Promise<unknown>;
  c.exec = ((options: object) => {
    dockerExecs += 1;
    return exec(options);
  }) as typeof c.exec;
  return c;
};

async function readAll(
  processId: string,
  until: (text: string) => boolean,
  from = { out: '', err: '' },
) {
  let out = from.out;
  let err = from.err;
  let last;
  for (let i = 0; i < 100; i++) {
    last = await engine.readProcess({
      processId,
      stdoutOffset: Buffer.byteLength(out),
      stderrOffset: Buffer.byteLength(err),
      waitMs: 200,
    });
    out += Buffer.from(last.stdout, 'base64').toString();
    err += Buffer.from(last.stderr, 'base64').toString();
    if (until(out) || (!last.running && !last.more)) break;
  }
  return { out, err, last: last! };
}

beforeAll(async () => {
  root = await fs.mkdtemp(path.join(os.tmpdir(), 'oc-sbx-run-'));
  ws = path.join(root, 'ws');
  await fs.mkdir(ws);
  await fs.chmod(ws, 0o777);
  await fs.chmod(root, 0o755);
  engine = new DockerSandboxEngine({
    docker,
    stateDir: path.join(root, 'state'),
    images: [testPlan('x', '/x').spec.image],
    maxProcessOutputBytes: 1024 * 1024,
  });
});

afterAll(async () => {
  engine?.dispose();
  if (ready) {
    const mine = await docker.listContainers({ all: true, filters: { name: [prefix] } });
    await Promise.all(mine.map((c) => docker.getContainer(c.Id).remove({ force: true })));
  }
  if (root) await fs.rm(root, { recursive: true, force: true });
}, 30_000);

describe.skipIf(!ready)(`the resident runner on the real engine${skipNote}`, () => {
  it('carries warm commands without a Docker exec each, many at once, with exact caps', async () => {
    const name = await container('warm');
    await engine.exec({ containerName: name, command: 'true' });
    const before = dockerExecs;
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        engine.exec({
          containerName: name,
          command: `read x; echo "$x-$N-$(pwd)"; echo e$N >&2; exit $((N % 7))`,
          env: { N: String(i) },
          stdin: `in${i}\n`,
          workdir: '/tmp',
        }),
      ),
    );
    results.forEach((r, i) => {
      expect(r).toMatchObject({
        stdout: `in${i}-${i}-/tmp\n`,
        stderr: `e${i}\n`,
        exitCode: i % 7,
        timedOut: false,
      });
    });
    // The caps keep the head and the tail exactly as the Docker exec path did.
    const big = await engine.exec({
      containerName: name,
      command: 'seq 1 20000; seq 1 500 >&2',
      maxOutputBytes: 1000,
    });
    const want = new HeadTailBuffer(1000);
    want.push(Buffer.from(Array.from({ length: 20000 }, (_, i) => `${i + 1}\n`).join('')));
    expect(big.stdout).toBe(want.text());
    expect(big.truncatedBytes).toBe(want.dropped + (1892 - 1000));
    // A missing working folder fails the command only; the runner's own umask stays its own.
    const lost = await engine.exec({ containerName: name, command: 'true', workdir: '/nope' });
    expect(lost).toMatchObject({ exitCode: 126, stderr: expect.stringMatching(/cannot enter/) });
    expect((await engine.exec({ containerName: name, command: 'umask' })).stdout).toBe('0022\n');
    // 24 commands, and not one more Docker exec (kills and fallbacks would add some).
    expect(dockerExecs).toBe(before);
  });

  it('starts the runner again when it was killed', async () => {
    const name = await container('restart');
    expect((await engine.exec({ containerName: name, command: 'echo one' })).stdout).toBe('one\n');
    const killer = await docker.getContainer(name).exec({
      Cmd: [
        '/bin/sh',
        '-c',
        `m=openclaw-; m=\${m}runner; for d in /proc/[0-9]*; do [ "\${d#/proc/}" = $$ ] && continue; tr '\\0' ' ' < $d/cmdline 2>/dev/null | grep -q "$m" && kill -9 \${d#/proc/}; done`,
      ],
      AttachStdout: true,
    });
    const stream = await killer.start({ hijack: true, stdin: false });
    stream.resume();
    await new Promise((r) => stream.once('end', r));
    await new Promise((r) => setTimeout(r, 200));
    expect((await engine.exec({ containerName: name, command: 'echo two' })).stdout).toBe('two\n');
  });

  it('falls back to one Docker exec per command where the runner cannot work', async () => {
    // Nowhere to write: read-only root, no tmpfs but a read-only /dev/shm, HOME on the root.
    const name = await container('fallback', {
      spec: { tmpfs: ['/dev/shm:ro'], env: { HOME: '/' } },
    });
    const before = dockerExecs;
    const r = await engine.exec({ containerName: name, command: 'echo hi; cat', stdin: 'x' });
    expect(r).toMatchObject({ stdout: 'hi\nx', exitCode: 0 });
    expect(dockerExecs).toBeGreaterThan(before);
    // A variable name the runner's shell cannot export goes through a Docker exec too.
    const warm = await container('oddenv');
    const odd = await engine.exec({
      containerName: warm,
      command: `tr '\\0' '\\n' < /proc/$$/environ | grep ^A-B=`,
      env: { 'A-B': 'v' },
    });
    expect(odd.stdout).toBe('A-B=v\n');
    const err = await engine.startProcess({ containerName: name, command: 'true' }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(isOpenClawError(err, ErrorCode.INVALID_ARGUMENT)).toBe(true);
    expect((err as { details?: { rule?: string } }).details?.rule).toBe('runner-unavailable');
  });

  it('streams a background process, feeds its input, and kills it inside the container', async () => {
    const name = await container('proc');
    const { processId } = await engine.startProcess({
      containerName: name,
      command: 'echo ready; while read l; do echo "got $l"; done; echo bye; echo err >&2; exit 4',
    });
    const first = await readAll(processId, (t) => t.includes('ready'));
    expect(first.out).toBe('ready\n');
    expect(first.last.running).toBe(true);
    await engine.writeProcess({ processId, data: 'one\n' });
    await engine.writeProcess({ processId, data: 'two\n', end: true });
    const rest = await readAll(processId, () => false, first);
    expect(rest.out).toBe('ready\ngot one\ngot two\nbye\n');
    expect(rest.err).toBe('err\n');
    expect(rest.last).toMatchObject({ running: false, exitCode: 4, killed: false });
    // Read to its end: forgotten.
    await expect(
      engine.readProcess({ processId, stdoutOffset: 0, stderrOffset: 0 }),
    ).rejects.toMatchObject({ code: ErrorCode.NOT_FOUND });

    const long = await engine.startProcess({
      containerName: name,
      command: 'sleep 1001 & setsid sleep 1002 & sleep 1000',
    });
    await new Promise((r) => setTimeout(r, 300));
    await engine.killProcess(long.processId);
    const ended = await readAll(long.processId, () => false);
    expect(ended.last).toMatchObject({ running: false, killed: true });
    const ps = await engine.exec({ containerName: name, command: PROCS });
    expect(ps.stdout).not.toMatch(/sleep 100[012]/);
  });

  it('stops a background process that floods the container with output', async () => {
    const name = await container('flood');
    const { processId } = await engine.startProcess({ containerName: name, command: 'yes' });
    let err = '';
    let last;
    let stdoutOffset = 0;
    for (let i = 0; i < 200; i++) {
      last = await engine.readProcess({ processId, stdoutOffset, stderrOffset: 0, waitMs: 100 });
      stdoutOffset += Buffer.from(last.stdout, 'base64').length;
      err += Buffer.from(last.stderr, 'base64').toString();
      if (!last.running && !last.more) break;
    }
    expect(last).toMatchObject({ running: false, exitCode: null, killed: false });
    expect(err).toMatch(/printed more than 1 MiB and was stopped/);
    const ps = await engine.exec({ containerName: name, command: PROCS });
    expect(ps.stdout).not.toMatch(/^yes/m);
  });

  it('ends background processes with their container', async () => {
    const name = await container('gone');
    const { processId } = await engine.startProcess({ containerName: name, command: 'sleep 1000' });
    await new Promise((r) => setTimeout(r, 200));
    await engine.remove(name);
    const ended = await readAll(processId, () => false);
    expect(ended.last).toMatchObject({ running: false, killed: true });
  });
});
