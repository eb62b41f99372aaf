/**
 * The agent runtime behind `chat.send`, `chat.abort`, `agent` and `agent.wait`: a run registry
 * (idempotency, one run at a time per session) whose runs are agent runs. Loaded with `import()`
 * on the first of those calls, so pi-agent-core and pi-ai stay out of the gateway's start.
 */
import { randomUUID } from 'node:crypto';
import type { AgentTool } from '@mariozechner/pi-agent-core';
import type { ConfigSnapshot } from '../../config/config-store.js';
import type { Env, StatePaths } from '../../config/paths.js';
import { ErrorCode, OpenClawError } from '../../infra/errors.js';
import type { Logger } from '../../infra/logger.js';
import type { SessionStore } from '../../sessions/index.js';
import { BrowserPool } from '../../browser/run-browser.js';
import { ProcessRegistry } from '../../tools/index.js';
import { executeAgentRun, type AgentRunDeps, type RunInput } from './agent-run.js';
import { imageLimit, parseAttachments } from './attachments.js';
import { compactSession, type CompactionResult } from './compaction.js';
import { ProvidersCache } from './providers-cache.js';
import { createRunTools } from './run-tools.js';
import { parseSlashCommand } from './slash-commands.js';
import { ChatSequence, RunEvents, type Broadcast } from './run-events.js';
import { RunRegistry, type RunHandle, type RunOutcome } from './run-registry.js';

/** Longest message a client may send in one call (characters). */
export const MAX_MESSAGE_CHARS = 256 * 1024;

/** `agent.wait` without `timeoutMs` waits this long (as upstream). */
const DEFAULT_WAIT_MS = 30_000;

export interface AgentRuntimeDeps {
  sessions: SessionStore;
  config(): ConfigSnapshot;
  env: Env;
  paths: StatePaths;
  logger: Logger;
  broadcast: Broadcast;
  workspaceFor(agentId: string): string;
  /** Override the tools of a run (tests); default: the workspace tools under the config's policy. */
  tools?: (agentId: string, workspace: string) => AgentTool[];
}

interface Params {
  [key: string]: unknown;
}

function str(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

function checkMessage(message: unknown, hasImages = false): string {
  const text = typeof message === 'string' ? message : '';
  if (text.trim() === '' && !hasImages) {
    throw new OpenClawError(
      ErrorCode.INVALID_ARGUMENT,
      'The message is empty; type something to send.',
    );
  }
  if (text.length > MAX_MESSAGE_CHARS) {
    throw new OpenClawError(
      ErrorCode.INVALID_ARGUMENT,
      `The message is ${text.length} characters; the limit is ${MAX_MESSAGE_CHARS}. Send a shorter message or put the text in a file in the workspace.`,
    );
  }
  return text;
}

/** A `sessions.compact` call waiting its turn in the session's queue. */
interface CompactionJob {
  maxLines?: number;
  settle(result: CompactionResult | Error): void;
}

type RuntimeInput = RunInput & { agentId?: string; compaction?: CompactionJob };

export class AgentRuntime {
  private readonly chatSeq = new ChatSequence();
  private readonly registry: RunRegistry<RuntimeInput>;
  private readonly runDeps: AgentRunDeps;
  /** Runs that have sent their terminal `chat` event (forgotten when they end). */
  private readonly answered = new Set<string>();
  /** Background commands of `exec`, shared by every run; killed when the runtime closes. */
  private readonly processes = new ProcessRegistry();
  /** Browsers the `browser` tool opened (a launched Chromium exits when the runtime closes). */
  private readonly browsers = new BrowserPool();

  constructor(private readonly deps: AgentRuntimeDeps) {
    const override = deps.tools;
    const toolsFor = override
      ? async (run: { agentId: string; workspace: string }) => ({
          tools: override(run.agentId, run.workspace),
        })
      : createRunTools({
          config: deps.config,
          env: deps.env,
          paths: deps.paths,
          logger: deps.logger,
          processes: this.processes,
          browsers: this.browsers,
        });
    const providersCache = new ProvidersCache(deps.env, deps.paths, deps.logger);
    this.runDeps = {
      sessions: deps.sessions,
      config: deps.config,
      env: deps.env,
      paths: deps.paths,
      logger: deps.logger,
      toolsFor,
      workspaceFor: deps.workspaceFor,
      sessionsChanged: (sessionKey, reason) =>
        deps.broadcast('sessions.changed', { sessionKey, reason, ts: Date.now() }),
      providers: (agentId) => providersCache.get(deps.config(), agentId),
    };
    this.registry = new RunRegistry({
      execute: (run, input) =>
        input.compaction
          ? this.executeCompaction(run, input.compaction)
          : this.executeRun(run, input),
    });
  }

  private async executeRun(run: RunHandle, input: RuntimeInput): Promise<RunOutcome> {
    const broadcast: Broadcast = (event, payload, options) => {
      const state = (payload as { state?: unknown } | null)?.state;
      if (event === 'chat' && (state === 'final' || state === 'error' || state === 'aborted')) {
        this.answered.add(run.runId);
      }
      this.deps.broadcast(event, payload, options);
    };
    const events = new RunEvents(broadcast, this.chatSeq, run.runId, run.sessionKey, input.agentId);
    try {
      return await executeAgentRun(this.runDeps, run, input, events);
    } finally {
      this.answered.delete(run.runId);
    }
  }

  private async executeCompaction(run: RunHandle, job: CompactionJob): Promise<RunOutcome> {
    try {
      const result = await compactSession(this.runDeps, {
        sessionKey: run.sessionKey,
        signal: run.signal,
        ...(job.maxLines !== undefined ? { maxLines: job.maxLines } : {}),
      });
      if (result.compacted) this.runDeps.sessionsChanged(run.sessionKey, 'compact');
      job.settle(result);
      return { status: 'ok', endedAt: Date.now() };
    } catch (err) {
      job.settle(err instanceof Error ? err : new Error(String(err)));
      return { status: 'error', error: String(err), endedAt: Date.now() };
    }
  }

  /**
   * `sessions.compact`: refused while the session has a run queued or going (the summary would
   * miss its messages); otherwise it takes the session's turn, so a message sent meanwhile waits.
   */
  async compact(raw: unknown): Promise<Record<string, unknown>> {
    const params = (raw ?? {}) as Params;
    const rawKey = String(params.key);
    const agentId = str(params.agentId);
    const key = this.deps.sessions.resolveKey(
      agentId && !rawKey.startsWith('agent:') ? `agent:${agentId}:${rawKey}` : rawKey,
    );
    const pending = this.registry.pending(key.key);
    // A run whose answer is out is only writing its bookkeeping: wait for it rather than refuse
    // a client that compacts right after seeing the final event.
    if (!pending.every((run) => this.answered.has(run.runId))) {
      throw new OpenClawError(
        ErrorCode.INVALID_ARGUMENT,
        `Session ${key.key} has a run in progress; wait for it to finish or stop it (chat.abort or /stop), then compact again.`,
      );
    }
    await Promise.all(pending.map((run) => run.done));
    const maxLines = typeof params.maxLines === 'number' ? params.maxLines : undefined;
    const settled = new Promise<CompactionResult | Error>((settle) => {
      this.registry.submit(`compact:${randomUUID()}`, key.key, {
        message: '',
        agentId: key.agentId,
        compaction: { ...(maxLines !== undefined ? { maxLines } : {}), settle },
      });
    });
    const result = await settled;
    if (result instanceof Error) throw result;
    if (!result.compacted) {
      return { ok: true, key: key.key, compacted: false, reason: result.reason };
    }
    return {
      ok: true,
      key: key.key,
      compacted: true,
      ...(maxLines !== undefined
        ? { kept: result.kept }
        : { result: { tokensBefore: result.tokensBefore, tokensAfter: result.tokensAfter } }),
    };
  }

  /** `chat.send`: ack at once with the idempotency key as run id; the answer streams as events. */
  chatSend(raw: unknown): { runId: string; status: 'started' | 'in_flight' | 'ok' } {
    const params = (raw ?? {}) as Params;
    const runId = String(params.idempotencyKey);
    const known = this.registry.get(runId);
    if (known) return { runId, status: known.outcome ? 'ok' : 'in_flight' };
    const images = parseAttachments(params.attachments, imageLimit(this.deps.config().config));
    const message = checkMessage(params.message, images.length > 0);
    const key = this.deps.sessions.resolveKey(String(params.sessionKey));
    const command = images.length > 0 ? undefined : parseSlashCommand(message);
    // /stop acts at once; its own run (the answer) then queues behind the aborted ones.
    if (command?.name === 'stop') this.registry.abort(key.key);
    const thinking = str(params.thinking);
    const result = this.registry.submit(runId, key.key, {
      message,
      agentId: key.agentId,
      ...(command ? { command } : {}),
      ...(thinking ? { thinking } : {}),
      ...(images.length > 0 ? { images } : {}),
    });
    this.armTimeout(result.run, params.timeoutMs);
    return { runId, status: result.status };
  }

  /** `timeoutMs` of chat.send: the run is aborted when it has not ended by then. */
  private armTimeout(run: RunHandle, timeoutMs: unknown): void {
    if (typeof timeoutMs !== 'number' || timeoutMs <= 0) return;
    const timer = setTimeout(() => this.registry.abort(run.sessionKey, run.runId), timeoutMs);
    timer.unref();
    void run.done.then(() => clearTimeout(timer));
  }

  /** `chat.abort`: one run, or every queued and running run of the session. */
  chatAbort(raw: unknown): { ok: true; aborted: boolean; runIds: string[] } {
    const params = (raw ?? {}) as Params;
    const key = this.deps.sessions.resolveKey(String(params.sessionKey));
    const runIds = this.registry.abort(key.key, str(params.runId));
    return { ok: true, aborted: runIds.length > 0, runIds };
  }

  /**
   * `agent` (what `openclaw agent` calls): accepted at once, the final answer when the run ends.
   * The same idempotency key answers from the run it already started.
   */
  agent(raw: unknown): { ack: Record<string, unknown>; final: Promise<Record<string, unknown>> } {
    const params = (raw ?? {}) as Params;
    const runId = String(params.idempotencyKey);
    const acceptedAt = Date.now();
    let run: RunHandle;
    const known = this.registry.get(runId);
    if (known) {
      run = known;
    } else {
      const images = parseAttachments(params.attachments, imageLimit(this.deps.config().config));
      const message = checkMessage(params.message, images.length > 0);
      const agentId = str(params.agentId);
      const key = this.deps.sessions.resolveKey(
        str(params.sessionKey) ??
          (agentId ? `agent:${agentId}:${this.deps.sessions.mainKey}` : 'main'),
      );
      const provider = str(params.provider);
      const modelParam = str(params.model);
      const model =
        modelParam && !modelParam.includes('/') && provider
          ? `${provider}/${modelParam}`
          : modelParam;
      // Slash commands work from `openclaw agent --message "/status"` as from a chat.
      const command = images.length > 0 ? undefined : parseSlashCommand(message);
      if (command?.name === 'stop') this.registry.abort(key.key);
      run = this.registry.submit(runId, key.key, {
        message,
        agentId: key.agentId,
        ...(command ? { command } : {}),
        ...(model ? { model } : {}),
        ...(str(params.thinking) ? { thinking: str(params.thinking) } : {}),
        ...(images.length > 0 ? { images } : {}),
      }).run;
      // `timeout` is in seconds here (0: none), as the CLI's --timeout.
      if (typeof params.timeout === 'number') this.armTimeout(run, params.timeout * 1000);
    }
    return {
      ack: { runId, status: 'accepted', acceptedAt },
      final: run.done.then((outcome) => agentFinal(runId, outcome)),
    };
  }

  /** `agent.wait`: the run's end, or `timeout` (the run goes on). */
  async agentWait(raw: unknown): Promise<Record<string, unknown>> {
    const params = (raw ?? {}) as Params;
    const runId = String(params.runId);
    if (!this.registry.get(runId)) {
      throw new OpenClawError(
        ErrorCode.NOT_FOUND,
        `No run with id "${runId}" is known to this gateway (runs are remembered for 5 minutes after they end).`,
      );
    }
    const timeoutMs = typeof params.timeoutMs === 'number' ? params.timeoutMs : DEFAULT_WAIT_MS;
    const outcome = await this.registry.wait(runId, timeoutMs);
    if (!outcome) return { runId, status: 'timeout' };
    return {
      runId,
      status: outcome.status === 'ok' ? 'ok' : 'error',
      ...(outcome.startedAt !== undefined ? { startedAt: outcome.startedAt } : {}),
      endedAt: outcome.endedAt,
      ...(outcome.status === 'aborted' ? { error: 'The run was aborted.' } : {}),
      ...(outcome.error ? { error: outcome.error } : {}),
    };
  }

  async close(): Promise<void> {
    await this.registry.close();
    await this.processes.dispose();
    await this.browsers.dispose();
  }
}

function agentFinal(runId: string, outcome: RunOutcome): Record<string, unknown> {
  const durationMs = outcome.startedAt !== undefined ? outcome.endedAt - outcome.startedAt : 0;
  if (outcome.status === 'ok') {
    return {
      runId,
      status: 'ok',
      summary: 'completed',
      result: {
        payloads: outcome.text ? [{ text: outcome.text, mediaUrl: null }] : [],
        meta: { durationMs },
      },
    };
  }
  return {
    runId,
    status: 'error',
    summary:
      outcome.status === 'aborted' ? 'The run was aborted.' : (outcome.error ?? 'The run failed.'),
    result: { payloads: [], meta: { durationMs, aborted: outcome.status === 'aborted' } },
  };
}
