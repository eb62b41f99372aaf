/**
 * `openclaw agent --message <text>`: one agent turn through the running gateway, the way the
 * official CLI does it: the `agent` method with a final second answer (accepted first, the result
 * when the run ends) under a fresh idempotency key. On a terminal the answer streams from the
 * `chat` deltas as it arrives (tool calls are noted on stderr); piped, only the final text is
 * printed, so scripts get clean output. If the connection drops after the run was accepted, the
 * run goes on in the gateway: a new connection waits for it with `agent.wait` and takes the answer
 * from `chat.history`. Exit 0 when the run completed, 1 otherwise.
 */
import { randomUUID } from 'node:crypto';
import type { Env, StatePaths } from '../../config/paths.js';
import { ErrorCode, OpenClawError, errorMessage } from '../../infra/errors.js';
import { parseCommandArgs } from '../args.js';
import { REMOTE_OPTIONS, withGateway, type GatewayEvent, type GatewaySession } from '../remote.js';

const USAGE =
  'openclaw agent --message <text> [--agent <id>] [--session-key <key>] [--model <provider/model>] [--thinking <level>] [--json] [--timeout <seconds>] [--url ws://…] [--token T]';

/** As upstream: a turn may take 10 minutes before the CLI gives up waiting. */
const DEFAULT_TIMEOUT_SECONDS = 600;
/** Grace on top of the run's own timeout so the gateway's answer, not ours, reports it. */
const WAIT_GRACE_MS = 30_000;

export interface AgentIo {
  stdout(text: string): void;
  stderr(text: string): void;
  /** Stream deltas (a terminal) or print the final text only (a pipe). */
  streaming: boolean;
}

const processIo = (): AgentIo => ({
  stdout: (t) => process.stdout.write(t),
  stderr: (t) => process.stderr.write(t),
  streaming: process.stdout.isTTY === true,
});

/** The `agent` method's final answer (what the gateway sends when the run has ended). */
interface AgentFinal {
  runId?: string;
  status?: string;
  summary?: string;
  result?: { payloads?: Array<{ text?: string | null }>; meta?: Record<string, unknown> };
}

function usageError(message: string): OpenClawError {
  return new OpenClawError(ErrorCode.INVALID_ARGUMENT, `${message}\nUsage: ${USAGE}`, {
    exitCode: 2,
  });
}

export function parseTimeoutSeconds(value: string | undefined): number {
  if (value === undefined) return DEFAULT_TIMEOUT_SECONDS;
  if (!/^\d+$/.test(value.trim()))
    throw usageError(
      `--timeout takes whole seconds (e.g. 120; 0 waits without limit), got "${value}"`,
    );
  return Number(value.trim());
}

/** Where each selector must not be blank: an empty `--session-key ""` is a mistake, not "default". */
function optionalSelector(value: string | undefined, flag: string): string | undefined {
  if (value === undefined) return undefined;
  const trimmed = value.trim();
  if (!trimmed) throw usageError(`${flag} is empty; leave it out to use the default`);
  return trimmed;
}

/** Prints deltas of one run as they arrive; remembers what it printed. */
class DeltaPrinter {
  printed = '';
  private messageText = '';

  constructor(
    private readonly io: AgentIo,
    private readonly runId: string,
  ) {}

  handle(evt: GatewayEvent): void {
    const payload = evt.payload as Record<string, unknown> | undefined;
    if (!payload || payload.runId !== this.runId) return;
    if (evt.event === 'chat' && payload.state === 'delta') {
      const delta = typeof payload.deltaText === 'string' ? payload.deltaText : '';
      const full = messageText(payload.message);
      // A new assistant message (after a tool call) starts on its own line.
      if (full !== undefined && full.length <= delta.length && this.messageText && this.printed) {
        this.write(this.printed.endsWith('\n') ? '\n' : '\n\n');
      }
      this.messageText = full ?? this.messageText + delta;
      this.write(delta);
    } else if (evt.event === 'agent' && payload.stream === 'tool') {
      const data = (payload.data ?? {}) as Record<string, unknown>;
      if (data.phase === 'start') {
        this.ensureNewline();
        this.io.stderr(`· ${typeof data.name === 'string' ? data.name : 'tool'} …\n`);
      } else if (data.phase === 'result' && data.isError === true) {
        this.io.stderr(`· ${typeof data.name === 'string' ? data.name : 'tool'} failed\n`);
      }
    }
  }

  private write(text: string): void {
    if (!text) return;
    this.printed += text;
    this.io.stdout(text);
  }

  ensureNewline(): void {
    if (this.printed && !this.printed.endsWith('\n')) this.write('\n');
  }
}

function messageText(message: unknown): string | undefined {
  const content = (message as { content?: unknown } | undefined)?.content;
  if (!Array.isArray(content)) return undefined;
  return content
    .map((b: { type?: string; text?: string }) => (b.type === 'text' ? (b.text ?? '') : ''))
    .join('');
}

function finalText(response: AgentFinal): string {
  return (response.result?.payloads ?? [])
    .map((p) => (typeof p.text === 'string' ? p.text : ''))
    .filter(Boolean)
    .join('\n\n');
}

export async function agent(
  argv: string[],
  env: Env,
  paths: StatePaths,
  io: AgentIo = processIo(),
): Promise<number> {
  const { values, positionals } = parseCommandArgs(
    argv,
    {
      ...REMOTE_OPTIONS,
      message: { type: 'string', short: 'm' },
      agent: { type: 'string' },
      'session-key': { type: 'string' },
      'session-id': { type: 'string' },
      model: { type: 'string' },
      thinking: { type: 'string' },
    },
    USAGE,
  );
  if (positionals.length > 0)
    throw usageError(`unexpected argument "${positionals[0]}" (put the text after --message)`);
  const message = values.message?.trim();
  if (!message) throw usageError('--message is required and must not be empty');
  const agentId = optionalSelector(values.agent, '--agent');
  const sessionKey = optionalSelector(values['session-key'], '--session-key');
  const sessionId = optionalSelector(values['session-id'], '--session-id');
  const model = optionalSelector(values.model, '--model');
  const thinking = optionalSelector(values.thinking, '--thinking');
  const timeoutSeconds = parseTimeoutSeconds(values.timeout);
  const json = values.json === true;
  const streaming = io.streaming && !json;
  const runId = randomUUID();

  const remote = { url: values.url, token: values.token, password: values.password };
  const historyKey = sessionKey ?? (agentId ? `agent:${agentId}:main` : 'main');
  let accepted = false;
  let printed = '';
  let response: { final: AgentFinal; printed: string };
  try {
    response = await withGateway(
      paths,
      env,
      remote,
      async (session) => {
        const printer = new DeltaPrinter(io, runId);
        const stop = streaming ? session.onEvent((evt) => printer.handle(evt)) : () => {};
        const onSignal = () => void abortRun(session, runId, historyKey, io).then(() => exit(130));
        process.once('SIGINT', onSignal);
        try {
          const final = await session.request<AgentFinal>(
            'agent',
            {
              message,
              idempotencyKey: runId,
              ...(agentId ? { agentId } : {}),
              ...(sessionKey ? { sessionKey } : {}),
              ...(sessionId ? { sessionId } : {}),
              ...(model ? { model } : {}),
              ...(thinking ? { thinking } : {}),
              timeout: timeoutSeconds,
            },
            {
              expectFinal: true,
              timeoutMs: timeoutSeconds === 0 ? null : timeoutSeconds * 1000 + WAIT_GRACE_MS,
              onAccepted: () => {
                accepted = true;
              },
            },
          );
          return { final, printed: printer.printed };
        } finally {
          stop();
          process.removeListener('SIGINT', onSignal);
          printer.ensureNewline();
          printed = printer.printed;
        }
      },
      streaming ? { caps: ['tool-events'] } : {},
    );
  } catch (err) {
    if (!accepted || !isConnectionDrop(err)) throw describeRunFailure(err, runId, timeoutSeconds);
    // The run was accepted and goes on without us: wait for it on a new connection.
    io.stderr(`openclaw: the connection dropped; waiting for run ${runId} to finish…\n`);
    const final = await waitAfterDrop(paths, env, remote, runId, historyKey, timeoutSeconds).catch(
      (waitErr: unknown) => {
        throw describeRunFailure(waitErr, runId, timeoutSeconds);
      },
    );
    response = { final, printed: '' };
    if (printed && !json) io.stdout('\n');
  }

  const { final } = response;
  const ok = final.status === 'ok';
  if (json) {
    io.stdout(`${JSON.stringify(final, null, 2)}\n`);
    return ok ? 0 : 1;
  }
  if (final.status === 'in_flight') {
    io.stderr(`openclaw: run ${runId} is already in flight; not starting it twice.\n`);
    return 1;
  }
  if (!ok) {
    io.stderr(`openclaw: the agent run failed: ${final.summary ?? 'no reason given'}\n`);
    return 1;
  }
  const text = finalText(final);
  if (!response.printed) io.stdout(text ? `${text}\n` : '(the agent answered with no text)\n');
  return 0;
}

function exit(code: number): void {
  process.exit(code);
}

/** Ctrl-C: stop the run on the gateway too, so it does not go on answering nobody. */
async function abortRun(
  session: GatewaySession,
  runId: string,
  sessionKey: string,
  io: AgentIo,
): Promise<void> {
  io.stderr('\nopenclaw: stopping the run…\n');
  await session
    .request('chat.abort', { sessionKey, runId }, { timeoutMs: 3000 })
    .catch(() => undefined);
}

function isConnectionDrop(err: unknown): boolean {
  const code = (err as { code?: string }).code;
  if (code === 'CLIENT_TIMEOUT') return false;
  return /closed|ECONNRESET|socket hang up|disconnect/i.test(errorMessage(err));
}

/**
 * `agent.wait` on a new connection, then the answer from the session's history (the wait says
 * how the run ended, not what it said).
 */
async function waitAfterDrop(
  paths: StatePaths,
  env: Env,
  remote: { url?: string; token?: string; password?: string },
  runId: string,
  historyKey: string,
  timeoutSeconds: number,
): Promise<AgentFinal> {
  const waitMs = timeoutSeconds === 0 ? 24 * 3_600_000 : timeoutSeconds * 1000;
  const attempt = () =>
    withGateway(paths, env, remote, async (session) => {
      const wait = await session.request<{ status?: string; error?: string }>(
        'agent.wait',
        { runId, timeoutMs: waitMs },
        { timeoutMs: waitMs + WAIT_GRACE_MS },
      );
      if (wait.status === 'timeout') {
        throw new OpenClawError(ErrorCode.TIMEOUT, `run ${runId} did not end in time`);
      }
      if (wait.status !== 'ok') {
        return { runId, status: 'error', summary: wait.error ?? 'The run failed.' };
      }
      const history = await session.request<{ messages?: Array<Record<string, unknown>> }>(
        'chat.history',
        { sessionKey: historyKey, limit: 20 },
      );
      const last = [...(history.messages ?? [])].reverse().find((m) => m.role === 'assistant');
      const text = messageText(last) ?? '';
      return {
        runId,
        status: 'ok',
        summary: 'completed',
        result: { payloads: text ? [{ text }] : [], meta: { recovered: true } },
      };
    });
  try {
    return await attempt();
  } catch (err) {
    // A gateway that is restarting answers a moment later; one more try, then give up.
    if (!(err instanceof Error) || !/cannot reach|did not answer/.test(err.message)) throw err;
    await new Promise((resolve) => setTimeout(resolve, 1000));
    return attempt();
  }
}

function describeRunFailure(err: unknown, runId: string, timeoutSeconds: number): Error {
  const text = errorMessage(err);
  const code = (err as { code?: string }).code;
  if (code === 'CLIENT_TIMEOUT' || /timed? ?out/i.test(text)) {
    return new OpenClawError(
      ErrorCode.TIMEOUT,
      `no answer from the gateway within ${timeoutSeconds} s; run ${runId} may still be going (raise --timeout, or look at \`openclaw gateway call chat.history\` before retrying so it does not run twice)`,
      { cause: err },
    );
  }
  if (/closed|ECONNRESET|socket hang up/i.test(text)) {
    return new OpenClawError(
      ErrorCode.GATEWAY_UNREACHABLE,
      `the connection to the gateway dropped during run ${runId} (${text}); the gateway may still finish it. Check \`openclaw status\` before retrying.`,
      { cause: err },
    );
  }
  return err instanceof Error ? err : new Error(text);
}
