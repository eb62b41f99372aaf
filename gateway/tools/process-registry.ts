/**
 * The gateway's background commands (`exec` with `background` or past `yieldMs`), for the
 * `process` tool. In memory only, as upstream: a gateway restart forgets them, and `dispose()`
 * (called when the gateway stops) kills every one still running. Caps keep a chatty or runaway
 * command from growing the gateway: a limit on commands running at once, a bounded output
 * buffer per command, and a bounded number of finished ones kept for reading.
 */
import { randomBytes } from 'node:crypto';
import { ErrorCode, OpenClawError } from '../infra/errors.js';
import type { ProcessExit, ProcessHandle } from './execution-target.js';
import { OutputBuffer } from './output-buffer.js';

export interface ProcessRegistryLimits {
  /** Background commands running at once (all agents). */
  maxRunning: number;
  /** Finished commands kept for `poll`/`log`; the oldest go first. */
  maxFinished: number;
  /** Output characters kept per command (the first quarter and the most recent rest). */
  outputChars: number;
}

export const DEFAULT_PROCESS_LIMITS: ProcessRegistryLimits = {
  maxRunning: 16,
  maxFinished: 50,
  outputChars: 200_000,
};

export type ProcessStatus = 'running' | 'exited' | 'killed' | 'timed-out';

export interface ProcessSession {
  readonly id: string;
  readonly agentId: string;
  readonly command: string;
  readonly workdir: string;
  readonly startedAt: number;
  endedAt?: number;
  status: ProcessStatus;
  exit?: ProcessExit;
  readonly output: OutputBuffer;
  /** Where the last `poll` stopped reading. */
  pollCursor: number;
  readonly handle: ProcessHandle;
  /** Settles when the command has ended and its status is final. */
  readonly done: Promise<void>;
  /** Wakes waiting polls when output arrives or the command ends. */
  readonly changed: EventTarget;
}

export class ProcessRegistry {
  private readonly sessions = new Map<string, ProcessSession>();
  private disposed = false;

  constructor(readonly limits: ProcessRegistryLimits = DEFAULT_PROCESS_LIMITS) {}

  /** Refuse before starting when no slot is free, so nothing is spawned only to be killed. */
  assertCapacity(): void {
    if (this.disposed)
      throw new OpenClawError(ErrorCode.CANCELLED, 'The gateway is shutting down.');
    const running = [...this.sessions.values()].filter((s) => s.status === 'running').length;
    if (running >= this.limits.maxRunning) {
      throw new OpenClawError(
        ErrorCode.INVALID_ARGUMENT,
        `${running} background commands are already running (the limit is ${this.limits.maxRunning}). Stop one with process kill, or wait for one to finish.`,
      );
    }
  }

  /**
   * Track a started command. Output is collected from now on; `timeoutMs` (0 = none) kills the
   * command's whole tree when it runs that long.
   */
  add(
    handle: ProcessHandle,
    info: { agentId: string; command: string; workdir: string; timeoutMs: number },
  ): ProcessSession {
    const output = new OutputBuffer(
      Math.floor(this.limits.outputChars / 4),
      this.limits.outputChars - Math.floor(this.limits.outputChars / 4),
    );
    const changed = new EventTarget();
    const onData = (chunk: Buffer | string) => {
      output.append(chunk.toString());
      changed.dispatchEvent(new Event('change'));
    };
    handle.stdout.setEncoding('utf8');
    handle.stderr.setEncoding('utf8');
    handle.stdout.on('data', onData);
    handle.stderr.on('data', onData);
    let timer: NodeJS.Timeout | undefined;
    const session: ProcessSession = {
      id: this.newId(),
      agentId: info.agentId,
      command: info.command,
      workdir: info.workdir,
      startedAt: Date.now(),
      status: 'running',
      output,
      pollCursor: 0,
      handle,
      changed,
      done: handle.exit.then((exit) => {
        if (timer) clearTimeout(timer);
        session.exit = exit;
        session.endedAt = Date.now();
        if (session.status === 'running') session.status = 'exited';
        changed.dispatchEvent(new Event('change'));
        this.evictFinished();
      }),
    };
    if (info.timeoutMs > 0) {
      timer = setTimeout(() => {
        if (session.status !== 'running') return;
        session.status = 'timed-out';
        void handle.kill();
      }, info.timeoutMs);
      timer.unref();
    }
    this.sessions.set(session.id, session);
    return session;
  }

  private newId(): string {
    for (;;) {
      const id = `proc_${randomBytes(4).toString('hex')}`;
      if (!this.sessions.has(id)) return id;
    }
  }

  /** An agent's commands, oldest first (an agent never sees another agent's commands). */
  list(agentId: string): ProcessSession[] {
    return [...this.sessions.values()].filter((s) => s.agentId === agentId);
  }

  get(agentId: string, id: string | undefined): ProcessSession {
    const session = id ? this.sessions.get(id.trim()) : undefined;
    if (!session || session.agentId !== agentId) {
      throw new OpenClawError(
        ErrorCode.NOT_FOUND,
        id
          ? `No background process "${id}"; process list shows the ones there are.`
          : 'sessionId is required for this action; process list shows the ones there are.',
      );
    }
    return session;
  }

  /** Stop a running command (its whole tree) and wait until it has ended. */
  async kill(session: ProcessSession): Promise<void> {
    if (session.status === 'running') session.status = 'killed';
    await session.handle.kill();
    await session.done;
  }

  /** Forget a finished command. */
  clear(session: ProcessSession): void {
    if (session.status === 'running') {
      throw new OpenClawError(
        ErrorCode.INVALID_ARGUMENT,
        `Process ${session.id} is still running; kill it first, or use remove to kill and forget it.`,
      );
    }
    this.sessions.delete(session.id);
  }

  private evictFinished(): void {
    const finished = [...this.sessions.values()].filter((s) => s.status !== 'running');
    for (const old of finished.slice(0, Math.max(0, finished.length - this.limits.maxFinished)))
      this.sessions.delete(old.id);
  }

  /** Kill every running command (gateway shutdown); later starts are refused. */
  async dispose(): Promise<void> {
    this.disposed = true;
    await Promise.all(
      [...this.sessions.values()]
        .filter((s) => s.status === 'running')
        .map((s) => this.kill(s).catch(() => undefined)),
    );
  }
}
