/**
 * One agent run: the user's message into the session's transcript, pi-agent-core's `Agent` over
 * the session's context with our providers' `streamFn`, each message appended as it completes,
 * `chat`/`agent` events as it streams, usage recorded at the end. Whatever happens (unknown
 * model, provider failure, abort, a bug) the run ends with one terminal `chat` event and a
 * lifecycle end, so no client is left with a chat "in progress".
 */
import {
  Agent,
  type AgentEvent,
  type AgentMessage,
  type AgentTool,
} from '@mariozechner/pi-agent-core';
import type { ConfigSnapshot } from '../../config/config-store.js';
import type { Env, StatePaths } from '../../config/paths.js';
import { ErrorCode, OpenClawError, errorMessage } from '../../infra/errors.js';
import type { Logger } from '../../infra/logger.js';
import {
  textOf,
  THINKING_LEVELS,
  type ThinkingLevel,
  type AssistantMessage,
  type ImageContent,
  type Message,
  type OpenSession,
  type SessionStore,
  type Usage,
  type UserMessage,
} from '../../sessions/index.js';
import { inboundMediaNote, stageInboundMedia, type StagedFile } from '../media/inbound-media.js';
import type { ChainResult } from '../providers/model-fallback.js';
import { ModelProviders } from '../providers/model-providers.js';
import { parseModelRef } from '../providers/model-ref.js';
import { pickModel } from './model-choice.js';
import { compactCommand } from './compaction.js';
import { systemPromptForRun } from './system-prompt.js';
import { ToolLoopGuard } from './tool-loop-guard.js';
import { commandNote, runSlashCommand, type SlashCommand } from './slash-commands.js';
import type { ChatErrorDetail, ChatErrorKind, RunEvents } from './run-events.js';
import type { RunHandle, RunOutcome } from './run-registry.js';

export interface AgentRunDeps {
  sessions: SessionStore;
  config(): ConfigSnapshot;
  env: Env;
  paths: StatePaths;
  logger: Logger;
  /**
   * The tools a run may use, already filtered by policy; in a sandboxed session they act in its
   * container (see run-tools.ts), and a sandbox that cannot start fails the run here.
   */
  toolsFor(run: {
    agentId: string;
    sessionKey: string;
    workspace: string;
  }): Promise<{ tools: AgentTool[]; workspaceShown?: string; hostWorkspace?: string }>;
  workspaceFor(agentId: string): string;
  /** Tell session lists a session changed (`sessions.changed`). */
  sessionsChanged(sessionKey: string, reason: string): void;
  /** The agent's providers for the current config (cached); default: built per run. */
  providers?(agentId: string): Promise<ModelProviders>;
}

export interface RunInput {
  message: string;
  /** An explicit `provider/model` for this run only (the `agent` method's provider/model). */
  model?: string;
  /** A slash command to carry out instead of asking the model. */
  command?: SlashCommand;
  /** Thinking level for this run (chat.send `thinking`); else the session's. */
  thinking?: string;
  /** Images attached to the message (already checked; see attachments.ts). */
  images?: ImageContent[];
}

/**
 * The message's images, saved under `media/inbound/` where the tools can open them. A failure
 * (disk full, a refused path) is logged and the run goes on: the model still sees the images.
 */
async function stageImages(
  log: Logger,
  images: readonly ImageContent[],
  dir: string,
): Promise<StagedFile[]> {
  if (images.length === 0) return [];
  try {
    return await stageInboundMedia(dir, images);
  } catch (err) {
    log.warn('attachments not saved to media/inbound', { error: errorMessage(err) });
    return [];
  }
}

/** The run's thinking level: the call's, else the session's; only for models that reason. */
function thinkingLevelOf(
  input: RunInput,
  open: OpenSession,
  fromTranscript: string | undefined,
): ThinkingLevel {
  const wanted = input.thinking ?? open.entry.thinkingLevel ?? fromTranscript;
  return (THINKING_LEVELS as readonly string[]).includes(wanted ?? '')
    ? (wanted as ThinkingLevel)
    : 'off';
}

/** Our stable error codes in the protocol's `errorKind` vocabulary. */
function errorKindOf(code: string | undefined, message: string): ChatErrorKind {
  if (code === ErrorCode.PROVIDER_RATE_LIMITED) return 'rate_limit';
  if (code === ErrorCode.PROVIDER_TIMEOUT) return 'timeout';
  if (/context (length|window)|too many tokens|maximum context/i.test(message)) {
    return 'context_length';
  }
  return 'unknown';
}

function addUsage(total: Usage | undefined, usage: Usage): Usage {
  if (!total) return structuredClone(usage);
  return {
    input: total.input + usage.input,
    output: total.output + usage.output,
    cacheRead: total.cacheRead + usage.cacheRead,
    cacheWrite: total.cacheWrite + usage.cacheWrite,
    totalTokens: total.totalTokens + usage.totalTokens,
    cost: {
      input: total.cost.input + usage.cost.input,
      output: total.cost.output + usage.cost.output,
      cacheRead: total.cost.cacheRead + usage.cost.cacheRead,
      cacheWrite: total.cost.cacheWrite + usage.cost.cacheWrite,
      total: total.cost.total + usage.cost.total,
    },
  };
}

function isAssistant(message: AgentMessage | undefined): message is AssistantMessage {
  return (message as Message | undefined)?.role === 'assistant';
}

function plainMessage(err: unknown): string {
  if (err instanceof OpenClawError) return err.message;
  return 'The agent run failed unexpectedly; the gateway log has the details.';
}

async function prepareModel(deps: AgentRunDeps, open: OpenSession, input: RunInput, log: Logger) {
  const providers = deps.providers
    ? await deps.providers(open.agentId)
    : await ModelProviders.fromSnapshot(deps.config(), deps.env, deps.paths, open.agentId, log);
  const picked = pickModel(providers, open, input);
  return { providers, picked, resolved: providers.resolve(picked.ref) };
}

export async function executeAgentRun(
  deps: AgentRunDeps,
  run: RunHandle,
  input: RunInput,
  events: RunEvents,
): Promise<RunOutcome> {
  const log = deps.logger.child({ runId: run.runId, sessionKey: run.sessionKey });
  const startedAt = Date.now();
  events.lifecycle('start', { startedAt });
  if (input.command) return executeCommand(deps, run, input.command, events, startedAt);
  let open: OpenSession | undefined;
  let usage: Usage | undefined;
  let lastAssistant: AssistantMessage | undefined;
  let usedRef: string | undefined;
  let chain: ChainResult | undefined;
  let outcome: RunOutcome;
  /** An answer the model gave that the transcript failed to keep (sent with the error). */
  let unsaved: AssistantMessage | undefined;
  try {
    open = await deps.sessions.openSession(run.sessionKey);
    const images = input.images ?? [];
    const user: UserMessage = {
      role: 'user',
      content:
        images.length > 0 ? [{ type: 'text', text: input.message }, ...images] : input.message,
      timestamp: Date.now(),
      idempotencyKey: run.runId,
    };
    // With images, the model must take them: refused before anything is written.
    const prepared = images.length > 0 ? await prepareModel(deps, open, input, log) : undefined;
    if (prepared) {
      usedRef = prepared.picked.ref;
      if (!prepared.resolved.model.input.includes('image')) {
        throw new OpenClawError(
          ErrorCode.INVALID_ARGUMENT,
          `${prepared.picked.ref} does not accept images. Pick a model with image input (/model <provider/model>) or send the message without attachments.`,
        );
      }
    }
    // What the model sees before this message. The message's line then goes to disk while the
    // model is already being asked (its fdatasync is off the first delta's path); the
    // transcript's queue still writes it before any answer, and a failed write fails the run.
    const context = open.transcript.context();
    const userSaved = open.transcript.appendMessage(user).then(() => undefined);
    userSaved.catch(() => undefined); // awaited below; not unhandled meanwhile
    if (run.signal.aborted) {
      await userSaved;
      events.aborted(undefined);
      outcome = { status: 'aborted', endedAt: Date.now() };
    } else {
      const { providers, picked, resolved } =
        prepared ?? (await prepareModel(deps, open, input, log));
      usedRef = picked.ref;
      const workspace = deps.workspaceFor(open.agentId);
      const { tools, workspaceShown, hostWorkspace } = await deps.toolsFor({
        agentId: open.agentId,
        sessionKey: run.sessionKey,
        workspace,
      });
      // Where the tools act on this machine: media is saved and bootstrap files are read there.
      const toolsDir = hostWorkspace ?? workspace;
      const staged = await stageImages(log, images, toolsDir);
      const systemPrompt =
        (await systemPromptForRun(
          deps.config().config,
          workspace,
          tools.map((t) => t.name),
          log,
          workspaceShown,
          toolsDir,
        )) + inboundMediaNote(staged, workspaceShown ?? workspace);
      const prior: Message[] = [...context.messages];
      if (context.compactionSummary) {
        prior.unshift({
          role: 'user',
          content: `Summary of the earlier conversation:\n${context.compactionSummary}`,
          timestamp: 0,
        });
      }
      const loopGuard = new ToolLoopGuard();
      const agent = new Agent({
        initialState: {
          systemPrompt,
          model: resolved.model,
          thinkingLevel: resolved.model.reasoning
            ? thinkingLevelOf(input, open, context.thinkingLevel)
            : 'off',
          messages: prior,
          tools,
        },
        streamFn: providers.streamFn({
          strict: picked.strict,
          onResult: (result) => (chain = result),
          onFallback: (event) => log.warn('model fallback', { ...event }),
        }),
        sessionId: open.sessionId,
        beforeToolCall: async (context) => loopGuard.before(context),
        afterToolCall: async (context) => {
          loopGuard.after(context);
          return undefined;
        },
      });
      const session = open;
      const appended = new Set<AgentMessage>([user]);
      userSaved.catch(() => agent.abort());
      let appends: Promise<void> = userSaved;
      let appendFailure: unknown;
      const append = (message: AgentMessage) => {
        if (appended.has(message)) return;
        appended.add(message);
        // Appends resolve in order; a failed one is logged and the run goes on (the answer is
        // still streamed and the transcript stays loadable), but the run then ends in an error
        // saying the history misses it, never "ok".
        appends = appends.then(() =>
          session.transcript.appendMessage(message as Message).then(
            () => undefined,
            (err: unknown) => {
              appendFailure ??= err;
              log.error('transcript append failed', { error: String(err) });
            },
          ),
        );
      };
      let runText = '';
      let messageText = '';
      const onEvent = (event: AgentEvent) => {
        switch (event.type) {
          case 'message_start':
            if (isAssistant(event.message)) messageText = '';
            break;
          case 'message_update': {
            const e = event.assistantMessageEvent;
            if (e.type !== 'text_delta' || e.delta === '') break;
            // Text of several assistant messages (before and after tool calls) reads as one.
            const piece = messageText === '' && runText !== '' ? `\n\n${e.delta}` : e.delta;
            messageText += e.delta;
            runText += piece;
            events.assistantDelta(runText, piece);
            break;
          }
          case 'message_end':
            if (event.message === user) break;
            if (isAssistant(event.message)) {
              lastAssistant = event.message;
              usage = addUsage(usage, event.message.usage);
            }
            append(event.message);
            break;
          case 'tool_execution_start':
            events.tool('start', {
              toolCallId: event.toolCallId,
              name: event.toolName,
              args: event.args as unknown,
            });
            break;
          case 'tool_execution_update':
            events.tool('update', {
              toolCallId: event.toolCallId,
              name: event.toolName,
              partialResult: event.partialResult as unknown,
            });
            break;
          case 'tool_execution_end':
            events.tool('result', {
              toolCallId: event.toolCallId,
              name: event.toolName,
              result: event.result as unknown,
              isError: event.isError,
            });
            break;
          default:
            break;
        }
      };
      const unsubscribe = agent.subscribe(onEvent);
      const onAbort = () => agent.abort();
      run.signal.addEventListener('abort', onAbort, { once: true });
      try {
        const prompting = agent.prompt(user);
        // An abort that landed while the run was getting ready (before the listener) still
        // counts: prompt() has made its controller synchronously, so abort() reaches it.
        if (run.signal.aborted) agent.abort();
        await prompting;
      } finally {
        run.signal.removeEventListener('abort', onAbort);
        unsubscribe();
      }
      // A failure inside the loop ends it with a message that never had a message_end.
      for (const message of agent.state.messages.slice(prior.length)) {
        if (isAssistant(message) && !appended.has(message)) lastAssistant = message;
        append(message);
      }
      await appends;
      if (appendFailure !== undefined) {
        unsaved = lastAssistant;
        throw new OpenClawError(
          ErrorCode.STATE_WRITE_FAILED,
          `The answer was shown but could not be saved to this conversation's history (${errorMessage(appendFailure)}), so it will be missing after a reload. Check the free disk space and the permissions of the agent's sessions folder, then send the message again.`,
          { cause: appendFailure },
        );
      }
      outcome = finish(events, run, lastAssistant, usage, chain);
    }
  } catch (err) {
    const message = plainMessage(err);
    if (!(err instanceof OpenClawError)) log.error('agent run failed', { error: String(err) });
    const code = err instanceof OpenClawError ? err.code : undefined;
    const ref = usedRef ? parseModelRef(usedRef) : undefined;
    events.error(
      message,
      errorKindOf(code, message),
      {
        ...(ref ? { provider: ref.provider, model: ref.modelId } : {}),
        ...(code ? { failoverReason: code } : {}),
      },
      unsaved,
    );
    outcome = { status: 'error', error: message, endedAt: Date.now() };
  } finally {
    if (open) {
      const ref = lastAssistant
        ? { provider: lastAssistant.provider, model: lastAssistant.model }
        : undefined;
      await deps.sessions
        .recordRun(open.key, {
          ...(usage ? { usage } : {}),
          ...(ref ?? {}),
          aborted: run.signal.aborted,
          interaction: true,
        })
        .catch((err: unknown) => log.error('recording the run failed', { error: String(err) }));
      open.release();
      deps.sessionsChanged(open.key, 'run');
    }
  }
  // The catch above covers every path that did not send its terminal event; this is the net.
  if (!events.terminated)
    events.error('The agent run ended without an answer.', 'unknown', undefined);
  const endedAt = Date.now();
  // As upstream: a failed run's lifecycle ends with phase `error` (what agent.wait waits for).
  events.lifecycle(outcome.status === 'error' ? 'error' : 'end', {
    startedAt,
    endedAt,
    status: outcome.status,
    ...(outcome.error ? { error: outcome.error } : {}),
  });
  return { ...outcome, startedAt, endedAt };
}

function finish(
  events: RunEvents,
  run: RunHandle,
  last: AssistantMessage | undefined,
  usage: Usage | undefined,
  chain: ChainResult | undefined,
): RunOutcome {
  const endedAt = Date.now();
  if (run.signal.aborted || last?.stopReason === 'aborted') {
    events.aborted(last);
    return { status: 'aborted', endedAt, ...(last ? { text: textOf(last) } : {}) };
  }
  if (!last || last.stopReason === 'error') {
    const failed = chain?.attempts.at(-1);
    const message =
      last?.errorMessage || failed?.message || 'The model returned no answer; try again.';
    const ref = last
      ? { provider: last.provider, model: last.model }
      : failed
        ? (({ provider, modelId }) => ({ provider, model: modelId }))(parseModelRef(failed.ref))
        : undefined;
    const detail: ChatErrorDetail = {
      ...(ref ?? {}),
      ...(failed ? { failoverReason: failed.code } : {}),
    };
    events.error(message, errorKindOf(failed?.code, message), detail, last);
    return { status: 'error', error: message, endedAt };
  }
  events.final(last, usage);
  return { status: 'ok', endedAt, text: textOf(last) };
}

async function executeCommand(
  deps: AgentRunDeps,
  run: RunHandle,
  command: SlashCommand,
  events: RunEvents,
  startedAt: number,
): Promise<RunOutcome> {
  let outcome: RunOutcome;
  try {
    const text =
      command.name === 'compact'
        ? await compactCommand(deps, run.sessionKey, run.signal, command.arg)
        : await runSlashCommand(deps.sessions, run.sessionKey, command, deps.sessionsChanged);
    events.final(commandNote(text), undefined);
    outcome = { status: 'ok', text, endedAt: Date.now() };
  } catch (err) {
    const message = plainMessage(err);
    if (!(err instanceof OpenClawError)) {
      deps.logger.error('slash command failed', { command: command.name, error: String(err) });
    }
    events.error(message, 'unknown', undefined);
    outcome = { status: 'error', error: message, endedAt: Date.now() };
  }
  events.lifecycle(outcome.status === 'error' ? 'error' : 'end', {
    startedAt,
    endedAt: outcome.endedAt,
    status: outcome.status,
    ...(outcome.error ? { error: outcome.error } : {}),
  });
  return { ...outcome, startedAt };
}
