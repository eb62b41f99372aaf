/**
 * The Chat page's state as pure transitions: `chat` and `agent` events, history reads, sends and
 * reconnects. Pure so every ordering the network can produce (late, repeated, out of order,
 * missed while offline) is tested without a socket.
 *
 * Rules the gateway gives us: `chat` events carry a per-session `seq` and every delta the whole
 * answer so far; every run ends with exactly one terminal `chat` event (final, aborted, error);
 * `agent` events carry a per-run `seq`, and tool events name only the run.
 */
import { isRecord, optNumber, optString } from '../connection/hello.js';
import type { ChatItem, LiveRun, LiveTool, RunError, SessionChat } from './chat-types.js';
import { blocksText, parseUsage, toolOutputText } from './history-items.js';

export interface ChatData {
  sessions: Record<string, SessionChat>;
  runs: Record<string, LiveRun>;
  /** Tool durations measured live, by tool call id (the transcript does not keep them). */
  toolDurations: Record<string, number>;
  /** Counts handled events; a history read remembers the tick it started at. */
  tick: number;
}

export const EMPTY_CHAT: ChatData = { sessions: {}, runs: {}, toolDurations: {}, tick: 0 };

export const EMPTY_SESSION: SessionChat = {
  items: [],
  status: 'idle',
  lastSeq: 0,
  truncated: false,
  loadedTick: -1,
};

function session(state: ChatData, key: string): SessionChat {
  return state.sessions[key] ?? EMPTY_SESSION;
}

function withSession(state: ChatData, key: string, patch: Partial<SessionChat>): ChatData {
  return { ...state, sessions: { ...state.sessions, [key]: { ...session(state, key), ...patch } } };
}

function withRun(state: ChatData, run: LiveRun): ChatData {
  return { ...state, runs: { ...state.runs, [run.runId]: run } };
}

function newRun(runId: string, sessionKey: string | null, tick: number): LiveRun {
  return {
    runId,
    sessionKey,
    text: '',
    tools: [],
    state: 'running',
    lastAgentSeq: 0,
    seenTick: tick,
  };
}

function runError(payload: Record<string, unknown>): RunError {
  const detail = isRecord(payload.errorDetail) ? payload.errorDetail : {};
  return {
    message: optString(payload.errorMessage) ?? 'The run failed without saying why.',
    kind: optString(payload.errorKind),
    provider: optString(detail.provider),
    model: optString(detail.model),
  };
}

/** A `chat` event. Unknown shapes are ignored rather than breaking the page. */
export function applyChatEvent(state: ChatData, raw: unknown): ChatData {
  if (!isRecord(raw)) return state;
  const runId = optString(raw.runId);
  const sessionKey = optString(raw.sessionKey);
  const kind = optString(raw.state);
  if (!runId || !sessionKey || !kind) return state;
  const seq = optNumber(raw.seq) ?? 0;
  const current = session(state, sessionKey);
  // seq 0 is an out-of-run message (chat.inject); otherwise a repeat or a late frame is stale.
  if (seq > 0 && seq <= current.lastSeq) return state;
  let next: ChatData = { ...state, tick: state.tick + 1 };
  if (seq > 0) next = withSession(next, sessionKey, { lastSeq: seq });
  const known = next.runs[runId];
  const run: LiveRun = known
    ? { ...known, sessionKey: known.sessionKey ?? sessionKey }
    : newRun(runId, sessionKey, next.tick);
  if (kind === 'delta') {
    if (run.state !== 'running') return next;
    const full = isRecord(raw.message) ? blocksText(raw.message.content) : '';
    const piece = optString(raw.deltaText) ?? '';
    // The message holds the whole answer so far; a frame without it appends its piece.
    run.text = full.length >= run.text.length ? full : run.text + piece;
    return withRun(next, run);
  }
  if (kind === 'final' || kind === 'aborted' || kind === 'error') {
    if (run.state !== 'running' && known) return next;
    run.state = kind;
    run.endedTick = next.tick;
    const text = isRecord(raw.message) ? blocksText(raw.message.content) : '';
    // The final message is the last assistant message only; keep the longer run text.
    if (text.length > run.text.length) run.text = text;
    const usage = parseUsage(raw.usage);
    if (usage) run.usage = usage;
    if (kind === 'error') run.error = runError(raw);
    // A call still open when the run ended was cut off; the gateway records it as failed too.
    run.tools = run.tools.map((t) => (t.status === 'running' ? { ...t, status: 'error' } : t));
    return withRun(next, run);
  }
  return next;
}

/** An `agent` event (lifecycle and tool streams; assistant text comes through `chat`). */
export function applyAgentEvent(state: ChatData, raw: unknown): ChatData {
  if (!isRecord(raw) || !isRecord(raw.data)) return state;
  const runId = optString(raw.runId);
  const stream = optString(raw.stream);
  if (!runId || (stream !== 'tool' && stream !== 'lifecycle')) return state;
  const seq = optNumber(raw.seq) ?? 0;
  const known = state.runs[runId];
  if (known && seq > 0 && seq <= known.lastAgentSeq) return state;
  const data = raw.data;
  const ts = optNumber(raw.ts);
  if (stream === 'lifecycle') {
    const sessionKey = optString(data.sessionKey) ?? null;
    // Only a start makes a run: an end without one is a run this page already forgot.
    if (!known && data.phase !== 'start') return state;
    const run = known ? { ...known } : newRun(runId, sessionKey, state.tick + 1);
    run.sessionKey ??= sessionKey;
    run.lastAgentSeq = Math.max(run.lastAgentSeq, seq);
    return withRun({ ...state, tick: state.tick + 1 }, run);
  }
  const phase = optString(data.phase);
  const toolCallId = optString(data.toolCallId);
  if (!toolCallId || !phase) return state;
  const run: LiveRun = known
    ? { ...known, tools: [...known.tools] }
    : newRun(runId, null, state.tick + 1);
  run.lastAgentSeq = Math.max(run.lastAgentSeq, seq);
  const index = run.tools.findIndex((t) => t.id === toolCallId);
  const existing = index >= 0 ? run.tools[index] : undefined;
  let tool: LiveTool = existing
    ? { ...existing }
    : {
        id: toolCallId,
        name: optString(data.name) ?? 'tool',
        args: {},
        status: 'running',
        offset: run.text.length,
        startedAt: ts,
      };
  let durations = state.toolDurations;
  if (phase === 'start') {
    tool = { ...tool, args: data.args ?? {}, name: optString(data.name) ?? tool.name };
  } else if (phase === 'update') {
    tool.output = toolOutputText(data.partialResult);
  } else if (phase === 'result') {
    tool.status = data.isError === true ? 'error' : 'done';
    tool.output = toolOutputText(data.result);
    if (ts !== undefined && tool.startedAt !== undefined) {
      tool.durationMs = Math.max(0, ts - tool.startedAt);
      durations = { ...durations, [tool.id]: tool.durationMs };
    }
  } else {
    return state;
  }
  if (index >= 0) run.tools[index] = tool;
  else run.tools.push(tool);
  return { ...withRun(state, run), toolDurations: durations, tick: state.tick + 1 };
}

/** This page sent a message (before the gateway's ack). */
export function runSent(
  state: ChatData,
  runId: string,
  sessionKey: string,
  userText: string,
): ChatData {
  const tick = state.tick + 1;
  return withRun({ ...state, tick }, { ...newRun(runId, sessionKey, tick), userText });
}

/** `chat.send` was refused: the run never started. */
export function sendFailed(state: ChatData, runId: string, message: string): ChatData {
  const run = state.runs[runId];
  if (!run) return state;
  const tick = state.tick + 1;
  return withRun(
    { ...state, tick },
    { ...run, state: 'error', endedTick: tick, error: { message, kind: 'not-sent' } },
  );
}

export function historyLoading(state: ChatData, sessionKey: string): ChatData {
  const current = session(state, sessionKey);
  return withSession(state, sessionKey, {
    status: current.status === 'ready' ? 'ready' : 'loading',
  });
}

/**
 * A history read that started at `startedTick` answered. Runs that ended before it started are in
 * it now, so their live copies go — except a send the gateway refused, which is not in any history.
 */
export function historyLoaded(
  state: ChatData,
  sessionKey: string,
  items: ChatItem[],
  truncated: boolean,
  startedTick: number,
): ChatData {
  const runs: Record<string, LiveRun> = {};
  for (const run of Object.values(state.runs)) {
    const settled =
      run.sessionKey === sessionKey &&
      run.state !== 'running' &&
      run.error?.kind !== 'not-sent' &&
      run.endedTick !== undefined &&
      run.endedTick <= startedTick;
    if (!settled) runs[run.runId] = run;
  }
  return {
    ...withSession({ ...state, runs }, sessionKey, {
      items,
      truncated,
      loadedTick: startedTick,
      status: 'ready',
      error: undefined,
    }),
  };
}

export function historyFailed(state: ChatData, sessionKey: string, message: string): ChatData {
  return withSession(state, sessionKey, { status: 'error', error: message });
}

/**
 * A new connection: `seq` numbering is per connection's view of the gateway (a restarted gateway
 * counts from 1 again), so forget what was seen; histories are read again by the caller.
 */
export function reconnected(state: ChatData): ChatData {
  const sessions: Record<string, SessionChat> = {};
  for (const [key, value] of Object.entries(state.sessions))
    sessions[key] = { ...value, lastSeq: 0 };
  return { ...state, sessions, tick: state.tick + 1 };
}

/**
 * After a reconnect, `agent.wait` said how a run we were showing stands: still running (keep
 * listening), or ended / unknown to the gateway (ended while we were away; the history has it).
 */
export function runSettledElsewhere(state: ChatData, runId: string): ChatData {
  const run = state.runs[runId];
  if (!run || run.state !== 'running') return state;
  const tick = state.tick + 1;
  return withRun({ ...state, tick }, { ...run, state: 'final', endedTick: tick });
}

/** Forget a session's live runs and history (reset or deleted). */
export function sessionCleared(state: ChatData, sessionKey: string): ChatData {
  const runs = Object.fromEntries(
    Object.entries(state.runs).filter(([, run]) => run.sessionKey !== sessionKey),
  );
  const sessions = { ...state.sessions };
  delete sessions[sessionKey];
  return { ...state, runs, sessions, tick: state.tick + 1 };
}

/** The run shown as "in progress" for a session, if any. */
export function activeRun(state: ChatData, sessionKey: string): LiveRun | undefined {
  return Object.values(state.runs).find(
    (r) => r.sessionKey === sessionKey && r.state === 'running',
  );
}
