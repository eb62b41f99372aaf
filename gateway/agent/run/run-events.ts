/**
 * The protocol's `chat` and `agent` events for runs. `chat` carries a per-session sequence (a
 * client following one session sees gaps as lost frames); `agent` a per-run one starting at 1.
 * Tool events go only to connections that advertised the `tool-events` capability.
 *
 * Every delta carries the whole answer so far (the protocol's rule), so one event per model token
 * would cost the square of the answer's length on every connection. Deltas are coalesced instead:
 * the first goes out at once (time to first text matters), later ones at most every
 * `DELTA_INTERVAL_MS`, and whatever is pending goes out before any tool, lifecycle or terminal
 * event, so clients always see the text in order and complete.
 */
import type { AssistantMessage, Usage } from '../../sessions/messages.js';

export type Broadcast = (
  event: string,
  payload: unknown,
  options?: { requireCap?: string },
) => void;

export const TOOL_EVENTS_CAP = 'tool-events';

/** Upstream's pace for `chat` deltas; a person reads no faster. */
export const DELTA_INTERVAL_MS = 150;

export type ChatErrorKind = 'refusal' | 'timeout' | 'rate_limit' | 'context_length' | 'unknown';

export interface ChatErrorDetail {
  provider?: string;
  model?: string;
  failoverReason?: string;
}

/** The `chat` sequence of every session, shared by all runs of the gateway. */
export class ChatSequence {
  private readonly seqs = new Map<string, number>();

  next(sessionKey: string): number {
    const seq = (this.seqs.get(sessionKey) ?? 0) + 1;
    this.seqs.set(sessionKey, seq);
    return seq;
  }
}

/** What one run says: every method builds a schema-valid payload. */
export class RunEvents {
  private agentSeq = 0;
  private ended = false;
  /** Delta text not sent yet, and the whole text it ends. */
  private pendingDelta = '';
  private pendingText = '';
  private lastDeltaAt = 0;
  private deltaTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly broadcast: Broadcast,
    private readonly chatSeq: ChatSequence,
    readonly runId: string,
    readonly sessionKey: string,
    private readonly agentId: string | undefined,
  ) {}

  /** True once a terminal `chat` event went out (each run sends exactly one). */
  get terminated(): boolean {
    return this.ended;
  }

  lifecycle(phase: 'start' | 'end' | 'error', fields: Record<string, unknown> = {}): void {
    this.flushDelta();
    this.agent('lifecycle', { phase, sessionKey: this.sessionKey, ...fields });
  }

  assistantDelta(text: string, delta: string): void {
    if (this.ended) return;
    this.pendingDelta += delta;
    this.pendingText = text;
    const wait = this.lastDeltaAt + DELTA_INTERVAL_MS - Date.now();
    if (wait <= 0) this.flushDelta();
    else this.deltaTimer ??= setTimeout(() => this.flushDelta(), wait);
  }

  /** Sends the coalesced delta now, if any. */
  flushDelta(): void {
    if (this.deltaTimer) clearTimeout(this.deltaTimer);
    this.deltaTimer = undefined;
    if (this.pendingDelta === '') return;
    const text = this.pendingText;
    const delta = this.pendingDelta;
    this.pendingDelta = '';
    this.lastDeltaAt = Date.now();
    this.agent('assistant', { text, delta });
    this.chat({
      state: 'delta',
      deltaText: delta,
      message: { role: 'assistant', content: [{ type: 'text', text }], timestamp: Date.now() },
    });
  }

  tool(phase: 'start' | 'update' | 'result', data: Record<string, unknown>): void {
    this.flushDelta();
    this.agent('tool', { phase, ...data }, TOOL_EVENTS_CAP);
  }

  final(message: AssistantMessage | undefined, usage: Usage | undefined): void {
    this.terminal({
      state: 'final',
      ...(message ? { message, stopReason: message.stopReason } : {}),
      ...(usage ? { usage } : {}),
    });
  }

  aborted(message: AssistantMessage | undefined): void {
    this.terminal({
      state: 'aborted',
      ...(message ? { message } : {}),
      stopReason: 'aborted',
    });
  }

  error(
    errorMessage: string,
    errorKind: ChatErrorKind,
    detail: ChatErrorDetail | undefined,
    message?: AssistantMessage,
  ): void {
    this.terminal({
      state: 'error',
      errorMessage,
      errorKind,
      ...(detail && Object.keys(detail).length > 0 ? { errorDetail: detail } : {}),
      ...(message ? { message } : {}),
      stopReason: 'error',
    });
  }

  private terminal(payload: Record<string, unknown>): void {
    if (this.ended) return;
    this.flushDelta();
    this.ended = true;
    this.chat(payload);
  }

  private chat(fields: Record<string, unknown>): void {
    this.broadcast('chat', {
      runId: this.runId,
      sessionKey: this.sessionKey,
      ...(this.agentId ? { agentId: this.agentId } : {}),
      seq: this.chatSeq.next(this.sessionKey),
      ...fields,
    });
  }

  private agent(stream: string, data: Record<string, unknown>, requireCap?: string): void {
    this.agentSeq += 1;
    this.broadcast(
      'agent',
      { runId: this.runId, seq: this.agentSeq, stream, ts: Date.now(), data },
      requireCap ? { requireCap } : undefined,
    );
  }
}
