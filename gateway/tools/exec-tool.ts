/**
 * `exec`: run a shell command in the workspace, with upstream's parameters. A command that ends
 * within `yieldMs` answers with its output and exit code; one still running then (or started
 * with `background: true`) keeps running as a background process the `process` tool manages.
 * Every command has a lifetime limit (`timeout`, seconds; 0 = none) after which its whole process
 * tree is killed, and a stopped run kills a command it is still waiting for.
 */
import { Type } from '@mariozechner/pi-ai';
import type { AgentTool } from '@mariozechner/pi-agent-core';
import { ErrorCode, OpenClawError } from '../infra/errors.js';
import type { ExecutionTarget } from './execution-target.js';
import { MAX_OUTPUT_CHARS } from './file-tools.js';
import { cutMiddle } from './output-buffer.js';
import type { ProcessRegistry, ProcessSession } from './process-registry.js';
import { defineTool, textResult, type ToolResult } from './tool-def.js';

export interface ExecDefaults {
  /** Lifetime limit of a command without `timeout` (upstream's `tools.exec.timeoutSeconds`). */
  timeoutSeconds: number;
  /** Wait before backgrounding without `yieldMs` (upstream's `tools.exec.backgroundMs`). */
  yieldMs: number;
}

export const DEFAULT_EXEC: ExecDefaults = { timeoutSeconds: 1800, yieldMs: 10_000 };

const execParams = Type.Object({
  command: Type.String({ description: 'Shell command line to run (/bin/sh -c)' }),
  workdir: Type.Optional(
    Type.String({
      description: 'Working folder, relative to the workspace (default: the workspace)',
    }),
  ),
  env: Type.Optional(
    Type.Record(Type.String(), Type.String(), { description: 'Extra environment variables' }),
  ),
  timeout: Type.Optional(
    Type.Number({
      minimum: 0,
      description:
        'Kill the command (and everything it started) after this many seconds; 0 = no limit',
    }),
  ),
  timeoutSeconds: Type.Optional(Type.Number({ minimum: 0, description: 'Same as timeout' })),
  background: Type.Optional(
    Type.Boolean({ description: 'Return at once with a sessionId for the process tool' }),
  ),
  yieldMs: Type.Optional(
    Type.Number({
      minimum: 0,
      description:
        'Wait this long (ms) for the command; if it is still running then, it continues in the background',
    }),
  ),
});

function statusLine(session: ProcessSession, timeoutSeconds: number): string {
  if (session.status === 'timed-out')
    return `[the command ran longer than its ${timeoutSeconds} s timeout; it and everything it started were killed]`;
  if (session.status === 'killed') return '[the command was killed]';
  const exit = session.exit;
  if (exit?.code !== null && exit?.code !== undefined) return `[exit code ${exit.code}]`;
  return `[the command was ended by signal ${exit?.signal ?? 'unknown'}]`;
}

const sleep = (ms: number) =>
  new Promise<'yield'>((resolve) => setTimeout(() => resolve('yield'), ms).unref());

export function createExecTool(options: {
  target: ExecutionTarget;
  agentId: string;
  processes: ProcessRegistry;
  /** False when policy denies `process`: commands then always run to their end, as upstream. */
  canBackground: boolean;
  defaults?: ExecDefaults;
}): AgentTool {
  const { target, processes } = options;
  const defaults = options.defaults ?? DEFAULT_EXEC;
  return defineTool(
    'exec',
    'Run command',
    [
      'Run a shell command in the workspace and return its output and exit code.',
      options.canBackground
        ? `Commands still running after yieldMs (default ${defaults.yieldMs} ms) or started with background: true continue in the background; use the process tool with the returned sessionId to poll output, write input or kill them.`
        : 'The call waits for the command to end.',
      `A command running longer than timeout seconds (default ${defaults.timeoutSeconds}) is killed with everything it started.`,
      `Output is capped at ${MAX_OUTPUT_CHARS} characters (start and end kept).`,
    ].join(' '),
    execParams,
    async (params, signal): Promise<ToolResult> => {
      const command = typeof params.command === 'string' ? params.command : '';
      if (command.trim() === '')
        throw new OpenClawError(
          ErrorCode.INVALID_ARGUMENT,
          'command is empty; pass the shell command to run.',
        );
      const timeoutSeconds = params.timeout ?? params.timeoutSeconds ?? defaults.timeoutSeconds;
      const background = options.canBackground && params.background === true;
      const yieldMs = options.canBackground ? (params.yieldMs ?? defaults.yieldMs) : undefined;
      processes.assertCapacity();
      const workdir = params.workdir && params.workdir.trim() !== '' ? params.workdir : '.';
      if (signal?.aborted)
        throw new OpenClawError(ErrorCode.CANCELLED, 'The tool call was cancelled.');
      // No signal here: a command that goes to the background must outlive this run. While the
      // call waits for it, an abort kills it (below).
      const handle = await target.spawn(command, {
        cwd: workdir,
        ...(params.env ? { env: params.env } : {}),
      });
      const session = processes.add(handle, {
        agentId: options.agentId,
        command,
        workdir,
        timeoutMs: timeoutSeconds * 1000,
      });
      const backgrounded = (why: string): ToolResult => {
        const sofar = session.output.readFrom(0);
        session.pollCursor = sofar.next;
        const tail = cutMiddle(sofar.text, 4000);
        return textResult(
          `${why} It keeps running as background process ${session.id} (timeout ${timeoutSeconds > 0 ? `${timeoutSeconds} s` : 'none'}). Use the process tool with sessionId "${session.id}": poll for new output, write to send input, kill to stop it.${tail ? `\n\nOutput so far:\n${tail}` : ''}`,
          { status: 'running', sessionId: session.id, pid: handle.pid },
        );
      };
      if (background) return backgrounded('Started in the background.');

      let onAbort: (() => void) | undefined;
      const aborted = new Promise<'abort'>((resolve) => {
        onAbort = () => resolve('abort');
        signal?.addEventListener('abort', onAbort, { once: true });
      });
      const outcome = await Promise.race([
        session.done.then(() => 'done' as const),
        aborted,
        ...(yieldMs !== undefined ? [sleep(yieldMs)] : []),
      ]);
      if (onAbort) signal?.removeEventListener('abort', onAbort);
      if (outcome === 'yield')
        return backgrounded(`The command is still running after ${yieldMs} ms.`);
      if (outcome === 'abort') {
        await processes.kill(session);
        processes.clear(session);
        throw new OpenClawError(
          ErrorCode.CANCELLED,
          'The run was stopped; the command and everything it started were killed.',
        );
      }
      // Finished while we waited: the answer is the result, nothing stays in the registry.
      processes.clear(session);
      const output = cutMiddle(session.output.render(), MAX_OUTPUT_CHARS);
      const status = statusLine(session, timeoutSeconds);
      const body = `${output}${output && !output.endsWith('\n') ? '\n' : ''}${status}`;
      const code = session.exit?.code ?? null;
      if (session.status === 'exited' && code === 0) {
        return textResult(body, {
          status: 'completed',
          exitCode: 0,
          durationMs: (session.endedAt ?? Date.now()) - session.startedAt,
        });
      }
      // A failing command is an error result, so the model (and loop detection) see it failed.
      throw new OpenClawError(
        session.status === 'timed-out' ? ErrorCode.TIMEOUT : ErrorCode.INVALID_ARGUMENT,
        body,
      );
    },
  );
}
