/**
 * Commands on this machine for the local execution target. Each command runs as `/bin/sh -c` in
 * a process group of its own (detached), so stopping it reaches everything it started: the
 * group gets SIGTERM, then SIGKILL after a grace period. When the shell itself exits, whatever
 * it left running in its group (a `cmd &` it did not wait for) is stopped the same way, so no
 * tool call leaves stray processes behind the gateway's back.
 */
import { spawn as spawnChild } from 'node:child_process';
import { once } from 'node:events';
import { readdir, readFile } from 'node:fs/promises';
import { ErrorCode, OpenClawError } from '../infra/errors.js';
import type { ProcessExit, ProcessHandle } from './execution-target.js';

/** Time between SIGTERM and SIGKILL when a command is stopped. */
export const KILL_GRACE_MS = 2000;
/** How long output may still drain after the shell exits before the streams are cut. */
const DRAIN_MS = 500;

function signalGroup(pid: number, signal: NodeJS.Signals): boolean {
  try {
    process.kill(-pid, signal);
    return true;
  } catch {
    return false; // ESRCH: the group is gone.
  }
}

/**
 * Whether any member of the group still runs. Signal 0 also succeeds for zombies, and a
 * grandchild reparented to an init that never reaps (common in containers) stays a zombie for
 * good, so on Linux the members' states are read from /proc instead.
 */
async function groupAlive(pid: number): Promise<boolean> {
  if (!signalGroup(pid, 0 as unknown as NodeJS.Signals)) return false;
  if (process.platform !== 'linux') return true;
  const entries = await readdir('/proc').catch(() => undefined);
  if (!entries) return true;
  for (const entry of entries) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = await readFile(`/proc/${entry}/stat`, 'utf8').catch(() => '');
    // Fields after the command name (which may contain spaces): state ppid pgrp ...
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    if (Number(fields[2]) === pid && fields[0] !== 'Z') return true;
  }
  return false;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** SIGTERM to the group, then SIGKILL once `graceMs` has passed and any member is left. */
async function stopGroup(pid: number, graceMs: number): Promise<void> {
  if (!signalGroup(pid, 'SIGTERM')) return;
  const deadline = Date.now() + graceMs;
  while (Date.now() < deadline) {
    await sleep(25);
    if (!(await groupAlive(pid))) return;
  }
  signalGroup(pid, 'SIGKILL');
}

export async function spawnLocal(
  command: string,
  options: { cwd: string; env: Record<string, string>; signal?: AbortSignal },
): Promise<ProcessHandle> {
  if (options.signal?.aborted)
    throw new OpenClawError(ErrorCode.CANCELLED, 'The tool call was cancelled.');
  const child = spawnChild('/bin/sh', ['-c', command], {
    cwd: options.cwd,
    env: options.env,
    detached: true,
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  try {
    await once(child, 'spawn');
  } catch (err) {
    throw new OpenClawError(
      ErrorCode.INVALID_ARGUMENT,
      `The command could not be started (${(err as NodeJS.ErrnoException).code ?? 'error'}).`,
      { cause: err },
    );
  }
  const pid = child.pid!;
  const onAbort = () => void kill();
  let stopping: Promise<void> | undefined;
  const kill = (graceMs = KILL_GRACE_MS): Promise<void> => {
    stopping ??= stopGroup(pid, graceMs);
    return stopping.then(() => exit.then(() => undefined));
  };

  const exit = (async (): Promise<ProcessExit> => {
    const [code, signal] = (await once(child, 'exit')) as [number | null, NodeJS.Signals | null];
    // Members left in the group (background jobs of the shell) go with it.
    if (await groupAlive(pid)) await (stopping ?? stopGroup(pid, Math.min(KILL_GRACE_MS, 500)));
    // Output still in the pipes is read; a stream held open by something outside the group
    // (it escaped with setsid) is cut rather than waited for.
    const drained = Promise.all(
      [child.stdout, child.stderr].map((s) =>
        s.readableEnded || s.destroyed ? undefined : once(s, 'close').catch(() => undefined),
      ),
    );
    const timer = sleep(DRAIN_MS).then(() => 'timeout' as const);
    if ((await Promise.race([drained, timer])) === 'timeout') {
      child.stdout.destroy();
      child.stderr.destroy();
    }
    options.signal?.removeEventListener('abort', onAbort);
    return { code, signal };
  })();

  options.signal?.addEventListener('abort', onAbort, { once: true });
  // A write after the command closed its input is an EPIPE on the stream; it must not crash.
  child.stdin.on('error', () => undefined);

  return {
    pid,
    stdout: child.stdout,
    stderr: child.stderr,
    write: (data) =>
      new Promise<void>((resolve, reject) => {
        if (child.exitCode !== null || child.signalCode !== null || child.stdin.writableEnded) {
          reject(
            new OpenClawError(
              ErrorCode.INVALID_ARGUMENT,
              'The process no longer accepts input (its input is closed or it has ended).',
            ),
          );
          return;
        }
        child.stdin.write(data, (err) => (err ? reject(err) : resolve()));
      }),
    endInput: () => {
      if (!child.stdin.writableEnded) child.stdin.end();
    },
    exit,
    kill,
  };
}
