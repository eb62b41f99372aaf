/**
 * What the Chat page shows, independent of the wire: conversation items built from `chat.history`,
 * and live runs built from `chat` and `agent` events while an answer streams.
 */

export type ToolStatus = 'running' | 'done' | 'error';

export interface ToolCallView {
  id: string;
  name: string;
  args: unknown;
  status: ToolStatus;
  /** The tool's text output (the final result, or the latest partial one while running). */
  output?: string;
  durationMs?: number;
}

export type ItemPart =
  | { kind: 'text'; text: string }
  | { kind: 'thinking'; text: string }
  | { kind: 'tool'; tool: ToolCallView };

export interface Usage {
  input: number;
  output: number;
  total: number;
}

/** One bubble: a user message, or an assistant turn (its text, tool calls and their results). */
export interface ChatItem {
  id: string;
  role: 'user' | 'assistant';
  parts: ItemPart[];
  timestamp?: number;
  model?: string;
  /** The provider's or the gateway's error for this turn, as it was recorded. */
  error?: string;
  stopReason?: string;
  usage?: Usage;
}

export type RunState = 'running' | 'final' | 'aborted' | 'error';

export interface LiveTool extends ToolCallView {
  /** Length of the run's text when the call started: where the card sits in the answer. */
  offset: number;
  startedAt?: number;
}

export interface RunError {
  message: string;
  kind?: string;
  provider?: string;
  model?: string;
}

/** An answer being streamed (or just ended and not yet replaced by the reloaded history). */
export interface LiveRun {
  runId: string;
  /** Null until an event names the session (tool events carry only the run id). */
  sessionKey: string | null;
  /** The answer so far: the gateway sends the whole run text with every delta. */
  text: string;
  tools: LiveTool[];
  state: RunState;
  /** What this page sent, shown until the history has it. Undefined for runs started elsewhere. */
  userText?: string;
  /** The store tick at which this page first heard of it (or sent it). */
  seenTick: number;
  error?: RunError;
  usage?: Usage;
  lastAgentSeq: number;
  /** The store tick at which the run ended (a history read begun after it includes the answer). */
  endedTick?: number;
}

export interface SessionChat {
  items: ChatItem[];
  status: 'idle' | 'loading' | 'ready' | 'error';
  error?: string;
  /** Highest `chat` seq seen for the session on this connection. */
  lastSeq: number;
  truncated: boolean;
  /** The store tick at which the shown history was requested. */
  loadedTick: number;
}
