/**
 * Commands through the resident runner: one runner per container, opened on first use and again
 * when it went away, and the one-shot exec (`SandboxApi.exec`) on top of it with the same
 * semantics as a Docker exec: login shell, PATH, stdin, head+tail caps, and a timeout or abort
 * that kills the command inside the container through its marker.
 */
import { randomUUID } from 'node:crypto';
import type Dockerode from 'dockerode';
import type { SandboxExecRequest, SandboxExecResult } from '../contract.js';
import { ContainerRunner, RunnerGoneError, type RunnerEnd } from './container-runner.js';
import {
  DEFAULT_EXEC_TIMEOUT_MS,
  DEFAULT_MAX_OUTPUT_BYTES,
  MAX_OUTPUT_BYTES,
  killScript,
} from './exec-runner.js';
import { SHELL_NAME, commandScript } from './runner-script.js';

/** How long a killed command may take to be reported ended before the caller gets its answer. */
const KILL_GRACE_MS = 3_000;

/** Whether the runner can carry this request (else it goes through a Docker exec). */
export function runnerCanRun(request: { env?: Record<string, string> }): boolean {
  return Object.keys(request.env ?? {}).every((key) => SHELL_NAME.test(key));
}

export class RunnerPool {
  private readonly runners = new Map<string, Promise<ContainerRunner | undefined>>();

  constructor(private readonly docker: Dockerode) {}

  /** The container's runner, started when missing or gone; undefined when it cannot run. */
  async get(containerId: string): Promise<ContainerRunner | undefined> {
    const known = this.runners.get(containerId);
    if (known) {
      const runner = await known.catch(() => null);
      if (runner === undefined) return undefined;
      if (runner?.alive) return runner;
      if (this.runners.get(containerId) !== known) return this.get(containerId);
    }
    const opening = ContainerRunner.open(this.docker, containerId);
    this.runners.set(containerId, opening);
    try {
      return await opening;
    } catch (err) {
      this.runners.delete(containerId);
      throw err;
    }
  }

  /** Stops the container's runner (the container is going away). */
  close(containerId: string): void {
    const known = this.runners.get(containerId);
    this.runners.delete(containerId);
    void known?.then((r) => r?.close()).catch(() => undefined);
  }

  closeAll(): void {
    for (const id of [...this.runners.keys()]) this.close(id);
  }
}

function bounded(maxOutputBytes: number | undefined): number {
  // The cap comes over the wire: bound it so a request cannot make sandboxd hold gigabytes.
  return Math.min(Math.max(maxOutputBytes ?? DEFAULT_MAX_OUTPUT_BYTES, 256), MAX_OUTPUT_BYTES);
}

function capped(buffer: Buffer, size: number, dropped: number): string {
  if (dropped <= 0) return buffer.toString('utf8');
  const head = Math.ceil(size / 2);
  return `${buffer.subarray(0, head).toString('utf8')}\n[… ${dropped} bytes left out …]\n${buffer.subarray(head).toString('utf8')}`;
}

/**
 * Waits for a started command, killing it inside the container on timeout or abort. Its code is
 * null when it was stopped or the runner went away.
 */
export async function awaitWithKill(
  runner: ContainerRunner,
  id: string,
  ended: Promise<RunnerEnd>,
  timeoutMs: number,
  signal?: AbortSignal,
): Promise<{ end: RunnerEnd; stopped?: 'timeout' | 'abort' }> {
  let stopped: 'timeout' | 'abort' | undefined;
  let killing: Promise<void> = Promise.resolve();
  let wake: () => void = () => undefined;
  // If the kill cannot end the command (a process that scrubbed its environment), the caller
  // still gets its answer a while after the kill.
  const givenUp = new Promise<RunnerEnd>((resolve) => {
    wake = () => setTimeout(() => resolve({ code: null, output: true }), KILL_GRACE_MS).unref();
  });
  const stop = (why: 'timeout' | 'abort') => {
    if (stopped) return;
    stopped = why;
    try {
      killing = runner.kill(id, killScript(id));
    } catch {
      // The runner is gone: so is the command.
    }
    wake();
  };
  const timer = timeoutMs > 0 ? setTimeout(() => stop('timeout'), timeoutMs) : undefined;
  const onAbort = () => stop('abort');
  signal?.addEventListener('abort', onAbort, { once: true });
  if (signal?.aborted) stop('abort');
  try {
    const end = await Promise.race([ended, givenUp]);
    // Everything the command started is gone too before the caller hears it ended.
    if (stopped) await Promise.race([killing, givenUp]);
    return stopped ? { end: { code: null, output: true }, stopped } : { end };
  } finally {
    if (timer) clearTimeout(timer);
    signal?.removeEventListener('abort', onAbort);
  }
}

export async function runOnRunner(
  runner: ContainerRunner,
  request: SandboxExecRequest,
  signal?: AbortSignal,
): Promise<SandboxExecResult> {
  const started = performance.now();
  const maxBytes = bounded(request.maxOutputBytes);
  const id = randomUUID();
  const script = commandScript({ ...request, id });
  const ended = runner.start(
    id,
    script,
    request.stdin === undefined
      ? { kind: 'none' }
      : { kind: 'data', data: Buffer.from(request.stdin, 'utf8') },
  );
  const { end, stopped } = await awaitWithKill(
    runner,
    id,
    ended,
    request.timeoutMs ?? DEFAULT_EXEC_TIMEOUT_MS,
    signal,
  );
  if (!stopped && end.code === null && !runner.alive) throw new RunnerGoneError();
  const nothing = {
    stdout: Buffer.alloc(0),
    stderr: Buffer.alloc(0),
    stdoutDropped: 0,
    stderrDropped: 0,
  };
  // A command that printed nothing costs no read.
  const out = !end.output
    ? nothing
    : await runner.collect(id, maxBytes).catch((err: unknown) => {
        if (err instanceof RunnerGoneError && stopped) return nothing;
        throw err;
      });
  if (runner.alive) runner.forget(id);
  return {
    exitCode: stopped ? null : end.code,
    stdout: capped(out.stdout, maxBytes, out.stdoutDropped),
    stderr: capped(out.stderr, maxBytes, out.stderrDropped),
    timedOut: stopped === 'timeout',
    truncatedBytes: out.stdoutDropped + out.stderrDropped,
    durationMs: Math.round(performance.now() - started),
  };
}
