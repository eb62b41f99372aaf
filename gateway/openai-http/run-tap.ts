/**
 * Listens in on the `chat` events agent runs broadcast, per run id, so an HTTP request can follow
 * the run it started exactly as a WebSocket client does (deltas, then one terminal event),
 * without a second event path through the agent runtime.
 */

export interface ChatRunEvent {
  runId: string;
  state: 'delta' | 'final' | 'aborted' | 'error';
  deltaText?: string;
  message?: { content?: unknown; stopReason?: string };
  stopReason?: string;
  usage?: { input?: number; output?: number; cacheRead?: number; cacheWrite?: number };
  errorMessage?: string;
  errorKind?: string;
}

export type ChatRunListener = (event: ChatRunEvent) => void;

export class RunEventTap {
  private readonly listeners = new Map<string, ChatRunListener>();

  /** Follow one run; call before starting it so no event is missed. Returns the unsubscribe. */
  follow(runId: string, listener: ChatRunListener): () => void {
    this.listeners.set(runId, listener);
    return () => {
      if (this.listeners.get(runId) === listener) this.listeners.delete(runId);
    };
  }

  /** Fed with every broadcast of the agent runtime; cheap when nobody follows. */
  observe(event: string, payload: unknown): void {
    if (event !== 'chat' || this.listeners.size === 0) return;
    const runId = (payload as { runId?: unknown } | undefined)?.runId;
    if (typeof runId !== 'string') return;
    this.listeners.get(runId)?.(payload as ChatRunEvent);
  }

  get following(): number {
    return this.listeners.size;
  }
}
