/**
 * Background processes in sandbox containers, kept by sandboxd: each one is a command of the
 * container's resident runner whose output stays in files on the container's tmpfs, read by
 * offset as the gateway follows it; its input is fed chunk by chunk; a kill signals everything
 * carrying its marker inside the container. A process nobody reads for a while (the gateway went
 * away) is killed, and all of a container's processes end with the container.
 */
import { randomUUID } from 'node:crypto';
import { ErrorCode, OpenClawError } from '../../infra/errors.js';
import type {
  SandboxProcessOutput,
  SandboxProcessReadRequest,
  SandboxProcessRequest,
} from '../contract.js';
import { RunnerGoneError, type ContainerRunner } from './container-runner.js';
import { killScript } from './exec-runner.js';
import { runnerCanRun } from './runner-exec.js';
import { commandScript } from './runner-script.js';

/** Bytes per stream in one answer. */
const CHUNK_BYTES = 256 * 1024;
const MAX_WAIT_MS = 30_000;
/** A running process not read for this long has lost its gateway: it is killed. */
const ABANDONED_MS = 120_000;
/** A finished process not read to its end for this long is forgotten. */
const FORGOTTEN_MS = 600_000;
const MAX_PROCESSES = 64;
/** Output one stream of a running process may hold in the container before it is stopped. */
export const MAX_PROCESS_OUTPUT_BYTES = 256 * 1024 * 1024;
const KILL_GRACE_MS = 3_000;

interface Proc {
  id: string;
  containerId: string;
  runner: ContainerRunner;
  ended: Promise<void>;
  running: boolean;
  exitCode: number | null;
  killed: boolean;
  /** Ended without printing anything: no read needed. */
  silent: boolean;
  /** Stopped for printing too much. */
  overflowed: boolean;
  inputSeq: number;
  inputEnded: boolean;
  lastReadAt: number;
}

export type RunnerFor = (
  containerName: string,
) => Promise<{ containerId: string; runner: ContainerRunner | undefined }>;

function notFound(id: string): OpenClawError {
  return new OpenClawError(
    ErrorCode.NOT_FOUND,
    `No sandbox process "${id}" (it ended and was read to its end, or sandboxd restarted).`,
  );
}

export class SandboxProcesses {
  private readonly procs = new Map<string, Proc>();
  private readonly sweeper: NodeJS.Timeout;

  constructor(
    private readonly runnerFor: RunnerFor,
    private readonly maxOutputBytes = MAX_PROCESS_OUTPUT_BYTES,
  ) {
    this.sweeper = setInterval(() => this.sweep(), 30_000);
    this.sweeper.unref();
  }

  async start(request: SandboxProcessRequest): Promise<{ processId: string }> {
    if ([...this.procs.values()].filter((p) => p.running).length >= MAX_PROCESSES)
      throw new OpenClawError(
        ErrorCode.INVALID_ARGUMENT,
        `${MAX_PROCESSES} sandbox processes are already running; kill one before starting another.`,
      );
    if (!runnerCanRun(request))
      throw new OpenClawError(
        ErrorCode.INVALID_ARGUMENT,
        'Environment variable names of a background command must be shell names (letters, digits, _).',
      );
    const { containerId, runner } = await this.runnerFor(request.containerName);
    if (!runner)
      throw new OpenClawError(
        ErrorCode.INVALID_ARGUMENT,
        `Background commands cannot run in sandbox ${request.containerName}: its image lacks what the runner needs (sh with head, tail, wc and mkfifo, and a writable /tmp).`,
        { details: { rule: 'runner-unavailable' } },
      );
    const id = randomUUID();
    const proc: Proc = {
      id,
      containerId,
      runner,
      ended: Promise.resolve(),
      running: true,
      exitCode: null,
      killed: false,
      silent: false,
      overflowed: false,
      inputSeq: 0,
      inputEnded: false,
      lastReadAt: Date.now(),
    };
    proc.ended = runner
      .start(id, commandScript({ ...request, id }), { kind: 'stream' })
      .then(({ code, output }) => {
        proc.running = false;
        proc.exitCode = code;
        proc.silent = !output;
        if (code === null) proc.killed = true;
      });
    this.procs.set(id, proc);
    return { processId: id };
  }

  private get(id: string): Proc {
    const proc = this.procs.get(id);
    if (!proc) throw notFound(id);
    return proc;
  }

  async read(request: SandboxProcessReadRequest): Promise<SandboxProcessOutput> {
    const proc = this.get(request.processId);
    proc.lastReadAt = Date.now();
    const wait = Math.min(Math.max(request.waitMs ?? 0, 0), MAX_WAIT_MS);
    if (proc.running && wait > 0)
      await Promise.race([proc.ended, new Promise((resolve) => setTimeout(resolve, wait).unref())]);
    const running = proc.running;
    // The container may have gone with the output: the process has ended, nothing more to read.
    const none = { data: Buffer.alloc(0), size: 0 };
    const gone = (err: unknown) => {
      if (err instanceof RunnerGoneError) return none;
      throw err;
    };
    const [o, e] =
      // Nothing printed, or a flood that was stopped: the rest is not worth passing on.
      !running && (proc.silent || proc.overflowed)
        ? [none, none]
        : await Promise.all([
            proc.runner.read(proc.id, 'o', request.stdoutOffset, CHUNK_BYTES).catch(gone),
            proc.runner.read(proc.id, 'e', request.stderrOffset, CHUNK_BYTES).catch(gone),
          ]);
    const stdout = o.data;
    let stderr = e.data;
    // Output waits in the container's tmpfs (its memory) until the command ends: a command
    // flooding it is stopped rather than allowed to fill it.
    if (running && !proc.killed && Math.max(o.size, e.size) > this.maxOutputBytes) {
      proc.overflowed = true;
      void this.kill(proc.id);
    }
    const more = stdout.length === CHUNK_BYTES || stderr.length === CHUNK_BYTES;
    if (!running && !more && proc.overflowed)
      stderr = Buffer.concat([
        stderr,
        Buffer.from(
          `\n[sandbox: the command printed more than ${Math.round(this.maxOutputBytes / 1024 / 1024)} MiB and was stopped; send big output to a file instead]\n`,
        ),
      ]);
    if (!running && !more) this.forget(proc);
    proc.lastReadAt = Date.now();
    return {
      stdout: stdout.toString('base64'),
      stderr: stderr.toString('base64'),
      running,
      more,
      // A killed command's shell reports 137; the caller hears "ended by a signal" instead.
      exitCode: proc.killed ? null : proc.exitCode,
      // Stopped for its output: a kill of ours, not the container going away.
      killed: proc.killed && !proc.overflowed,
    };
  }

  write(request: { processId: string; data?: string; end?: boolean }): void {
    const proc = this.get(request.processId);
    if (!proc.running || proc.inputEnded)
      throw new OpenClawError(
        ErrorCode.INVALID_ARGUMENT,
        'The process no longer accepts input (its input is closed or it has ended).',
      );
    if (request.data) proc.runner.write(proc.id, proc.inputSeq++, Buffer.from(request.data));
    if (request.end) {
      proc.inputEnded = true;
      proc.runner.endInput(proc.id);
    }
  }

  async kill(processId: string): Promise<void> {
    const proc = this.get(processId);
    if (!proc.running) return;
    proc.killed = true;
    let killing: Promise<void>;
    try {
      killing = proc.runner.kill(proc.id, killScript(proc.id));
    } catch {
      return; // the runner is gone, and the process with it
    }
    // Its children too are gone when this resolves (the kill's rounds have run).
    await Promise.race([
      Promise.all([proc.ended, killing]),
      new Promise((resolve) => setTimeout(resolve, KILL_GRACE_MS).unref()),
    ]);
  }

  /** The container is being removed: its processes end with it. */
  containerGone(containerId: string): void {
    for (const proc of this.procs.values())
      if (proc.containerId === containerId && proc.running) proc.killed = true;
  }

  private forget(proc: Proc): void {
    this.procs.delete(proc.id);
    if (proc.runner.alive) proc.runner.forget(proc.id);
  }

  private sweep(): void {
    const now = Date.now();
    for (const proc of [...this.procs.values()]) {
      if (proc.running && now - proc.lastReadAt > ABANDONED_MS) void this.kill(proc.id);
      else if (!proc.running && now - proc.lastReadAt > FORGOTTEN_MS) this.forget(proc);
    }
  }

  dispose(): void {
    clearInterval(this.sweeper);
  }
}
