/**
 * A command in a sandbox container as a process handle the exec and process tools follow like a
 * local one: output streams in while it runs (read by offset from sandboxd, waiting a little
 * longer between reads while it is quiet), input is passed on, and a kill ends it and everything
 * it started inside the container. When the container or sandboxd goes away the handle ends with
 * a note saying so, rather than waiting for an end that will never be reported.
 */
import { PassThrough } from 'node:stream';
import { ErrorCode, OpenClawError, errorMessage, isOpenClawError } from '../infra/errors.js';
import type { SandboxApi, SandboxProcessRequest } from '../sandbox/contract.js';
import type { ProcessExit, ProcessHandle } from './execution-target.js';

type ProcessApi = Required<
  Pick<SandboxApi, 'startProcess' | 'readProcess' | 'writeProcess' | 'killProcess'>
>;

/** Waits between reads: short at first and after output, longer while the command is quiet. */
const WAIT_FIRST_MS = 250;
const WAIT_MAX_MS = 1_000;
/** Failed reads in a row before the handle gives up on sandboxd. */
const MAX_READ_FAILURES = 5;

export function hasProcessApi(api: SandboxApi): api is SandboxApi & ProcessApi {
  return !!(api.startProcess && api.readProcess && api.writeProcess && api.killProcess);
}

export async function startSandboxProcess(
  api: ProcessApi,
  request: SandboxProcessRequest,
  signal?: AbortSignal,
): Promise<ProcessHandle> {
  if (signal?.aborted) throw new OpenClawError(ErrorCode.CANCELLED, 'The tool call was cancelled.');
  const { processId } = await api.startProcess(request);
  return new SandboxProcess(api, processId, signal);
}

class SandboxProcess implements ProcessHandle {
  readonly pid = undefined;
  readonly stdout = new PassThrough();
  readonly stderr = new PassThrough();
  readonly exit: Promise<ProcessExit>;
  private ended = false;
  private inputEnded = false;
  private killing: Promise<void> | undefined;
  private killed = false;

  constructor(
    private readonly api: ProcessApi,
    private readonly id: string,
    signal?: AbortSignal,
  ) {
    const onAbort = () => void this.kill();
    signal?.addEventListener('abort', onAbort, { once: true });
    this.exit = this.follow().finally(() => {
      this.ended = true;
      signal?.removeEventListener('abort', onAbort);
    });
  }

  private async follow(): Promise<ProcessExit> {
    let stdoutOffset = 0;
    let stderrOffset = 0;
    let wait = WAIT_FIRST_MS;
    let failures = 0;
    let more = false;
    for (;;) {
      let answer;
      try {
        answer = await this.api.readProcess({
          processId: this.id,
          stdoutOffset,
          stderrOffset,
          waitMs: more ? 0 : wait,
        });
        failures = 0;
      } catch (err) {
        failures += 1;
        const gone = isOpenClawError(err, ErrorCode.NOT_FOUND);
        if (gone || failures >= MAX_READ_FAILURES) {
          this.stdout.end();
          this.stderr.end(
            `\n[the sandbox process could not be followed any more: ${errorMessage(err)}]\n`,
          );
          return { code: null, signal: 'SIGKILL' };
        }
        await new Promise((resolve) => setTimeout(resolve, 200 * failures));
        continue;
      }
      more = answer.more;
      const out = Buffer.from(answer.stdout, 'base64');
      const err = Buffer.from(answer.stderr, 'base64');
      if (out.length > 0) this.stdout.write(out);
      if (err.length > 0) this.stderr.write(err);
      stdoutOffset += out.length;
      stderrOffset += err.length;
      if (!answer.running && !answer.more) {
        this.stdout.end();
        const gone = answer.killed && !this.killed;
        this.stderr.end(
          gone ? '\n[the sandbox container went away; the command ended with it]\n' : '',
        );
        return answer.killed || answer.exitCode === null
          ? { code: null, signal: 'SIGKILL' }
          : { code: answer.exitCode, signal: null };
      }
      // sandboxd answers at once when the command ends, so a quick command costs one read;
      // while it runs, reads come as often as output does, less often while it is quiet.
      wait =
        answer.more || out.length > 0 || err.length > 0
          ? WAIT_FIRST_MS
          : Math.min(wait * 2, WAIT_MAX_MS);
    }
  }

  async write(data: string): Promise<void> {
    if (this.ended || this.inputEnded)
      throw new OpenClawError(
        ErrorCode.INVALID_ARGUMENT,
        'The process no longer accepts input (its input is closed or it has ended).',
      );
    await this.api.writeProcess({ processId: this.id, data });
  }

  endInput(): void {
    if (this.ended || this.inputEnded) return;
    this.inputEnded = true;
    void this.api.writeProcess({ processId: this.id, end: true }).catch(() => undefined);
  }

  kill(): Promise<void> {
    if (!this.ended) {
      this.killed = true;
      this.killing ??= this.api.killProcess(this.id).catch(() => undefined);
    }
    return (this.killing ?? Promise.resolve()).then(() => this.exit.then(() => undefined));
  }
}
