/**
 * `process`: manage the background commands `exec` started, with upstream's actions: `list`,
 * `poll` (new output since the last poll, optionally waiting up to `timeout` ms for some),
 * `log` (the kept output by lines, `offset`/`limit`), `write` (stdin, `eof` closes it), `kill`,
 * `clear` (forget a finished one) and `remove` (kill if running, then forget). An agent sees
 * only its own commands.
 */
import { Type } from '@mariozechner/pi-ai';
import type { AgentTool } from '@mariozechner/pi-agent-core';
import { ErrorCode, OpenClawError } from '../infra/errors.js';
import { MAX_OUTPUT_CHARS } from './file-tools.js';
import { cutMiddle } from './output-buffer.js';
import type { ProcessRegistry, ProcessSession } from './process-registry.js';
import { defineTool, textResult } from './tool-def.js';

const ACTIONS = ['list', 'poll', 'log', 'write', 'kill', 'clear', 'remove'] as const;
/** Longest a poll may wait for output (ms), as upstream. */
const MAX_POLL_WAIT_MS = 30_000;
/** Lines `log` shows without offset/limit: the last ones. */
const DEFAULT_LOG_LINES = 200;

const processParams = Type.Object({
  action: Type.Union(
    ACTIONS.map((a) => Type.Literal(a)),
    { description: ACTIONS.join(' | ') },
  ),
  sessionId: Type.Optional(Type.String({ description: 'The id exec returned' })),
  data: Type.Optional(Type.String({ description: 'write: text to send to standard input' })),
  eof: Type.Optional(Type.Boolean({ description: 'write: close standard input afterwards' })),
  timeout: Type.Optional(
    Type.Number({
      minimum: 0,
      description: `poll: wait up to this many ms for output (max ${MAX_POLL_WAIT_MS})`,
    }),
  ),
  offset: Type.Optional(Type.Integer({ minimum: 0, description: 'log: first line (0-based)' })),
  limit: Type.Optional(Type.Integer({ minimum: 1, description: 'log: number of lines' })),
});

function describe(s: ProcessSession): string {
  if (s.status === 'running') return 'running';
  if (s.status === 'timed-out') return 'killed (timeout)';
  if (s.status === 'killed') return 'killed';
  return s.exit?.code !== null && s.exit?.code !== undefined
    ? `exited with code ${s.exit.code}`
    : `ended by signal ${s.exit?.signal ?? 'unknown'}`;
}

function details(s: ProcessSession): Record<string, unknown> {
  return {
    sessionId: s.id,
    status: s.status,
    ...(s.exit ? { exitCode: s.exit.code, signal: s.exit.signal } : {}),
    pid: s.handle.pid,
  };
}

/** Until the command writes or ends, `ms` pass, or the run is stopped. */
function waitForChange(s: ProcessSession, ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      s.changed.removeEventListener('change', done);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    s.changed.addEventListener('change', done);
    signal?.addEventListener('abort', done);
  });
}

export function createProcessTool(options: {
  agentId: string;
  processes: ProcessRegistry;
}): AgentTool {
  const { processes, agentId } = options;
  return defineTool(
    'process',
    'Manage background process',
    'Manage commands exec left running in the background: list; poll (new output and status; timeout waits up to that many ms); log (kept output by lines, offset/limit); write (send data to stdin, eof closes it); kill; clear (forget a finished one); remove (kill if running, then forget).',
    processParams,
    async (params, signal) => {
      const action = params.action;
      if (action === 'list') {
        const all = processes.list(agentId);
        if (all.length === 0) return textResult('No background processes.', { sessions: [] });
        const now = Date.now();
        const lines = all.map((s) => {
          const secs = Math.round(((s.endedAt ?? now) - s.startedAt) / 1000);
          const cmd = s.command.length > 80 ? `${s.command.slice(0, 77)}...` : s.command;
          return `${s.id}  ${describe(s)}  ${secs}s  ${cmd}`;
        });
        return textResult(lines.join('\n'), { sessions: all.map(details) });
      }
      const s = processes.get(agentId, params.sessionId);
      switch (action) {
        case 'poll': {
          const wait = Math.min(params.timeout ?? 0, MAX_POLL_WAIT_MS);
          if (
            wait > 0 &&
            s.status === 'running' &&
            s.output.length === s.pollCursor &&
            !signal?.aborted
          )
            await waitForChange(s, wait, signal);
          const read = s.output.readFrom(s.pollCursor);
          s.pollCursor = read.next;
          const lost =
            read.skipped > 0
              ? `[${read.skipped} characters of output were dropped before this poll (the buffer is capped)]\n`
              : '';
          const body =
            read.text === '' ? '(no new output)' : cutMiddle(read.text, MAX_OUTPUT_CHARS);
          return textResult(`${lost}${body}\n[process ${s.id}: ${describe(s)}]`, details(s));
        }
        case 'log': {
          const all = s.output.readFrom(0);
          const lines = all.text.split('\n');
          if (lines.at(-1) === '') lines.pop();
          const start =
            params.offset ??
            (params.limit === undefined ? Math.max(0, lines.length - DEFAULT_LOG_LINES) : 0);
          const end = params.limit === undefined ? lines.length : start + params.limit;
          const page = lines.slice(start, end);
          const notes: string[] = [];
          if (all.skipped > 0)
            notes.push(`[${all.skipped} characters from the middle of the output were not kept]`);
          notes.push(
            `[lines ${start}-${start + page.length} of ${lines.length}; process ${s.id}: ${describe(s)}]`,
          );
          return textResult(
            `${cutMiddle(page.join('\n'), MAX_OUTPUT_CHARS)}\n${notes.join('\n')}`,
            {
              ...details(s),
              totalLines: lines.length,
            },
          );
        }
        case 'write': {
          if (s.status !== 'running')
            throw new OpenClawError(
              ErrorCode.INVALID_ARGUMENT,
              `Process ${s.id} has ${describe(s)}; it takes no input.`,
            );
          if (params.data === undefined && !params.eof)
            throw new OpenClawError(
              ErrorCode.INVALID_ARGUMENT,
              'write needs data (text for stdin) or eof: true.',
            );
          if (params.data) await s.handle.write(params.data);
          if (params.eof) s.handle.endInput();
          return textResult(
            `Sent ${params.data?.length ?? 0} characters to ${s.id}${params.eof ? ' and closed its input' : ''}.`,
            details(s),
          );
        }
        case 'kill': {
          if (s.status !== 'running')
            return textResult(`Process ${s.id} had already ${describe(s)}.`, details(s));
          await processes.kill(s);
          return textResult(`Killed ${s.id} and everything it started.`, details(s));
        }
        case 'clear': {
          processes.clear(s);
          return textResult(`Forgot ${s.id}.`, { sessionId: s.id });
        }
        case 'remove': {
          if (s.status === 'running') await processes.kill(s);
          processes.clear(s);
          return textResult(`Removed ${s.id}.`, { sessionId: s.id });
        }
        default:
          throw new OpenClawError(
            ErrorCode.INVALID_ARGUMENT,
            `Unknown action "${String(action)}"; use one of ${ACTIONS.join(', ')}.`,
          );
      }
    },
  );
}
