/**
 * The sessions room's public surface. The agent loop opens a session through `SessionStore`,
 * appends pi-shaped messages through the returned `Transcript` and records usage afterwards;
 * protocol methods come from `createSessionMethods`.
 */
export {
  SessionStore,
  type OpenSession,
  type RunRecord,
  type SessionStoreOptions,
} from './session-store.js';
export { Transcript, type TranscriptContext, type TranscriptRepairs } from './transcript.js';
export type { SessionEntry, SessionEntries } from './session-index.js';
export {
  DEFAULT_AGENT_ID,
  DEFAULT_MAIN_KEY,
  formatSessionKey,
  parseSessionKey,
  type SessionKey,
} from './session-key.js';
export { THINKING_LEVELS, type SessionPatch, type ThinkingLevel } from './session-patch.js';
export { createSessionMethods, INJECTED_MODEL, type SessionMethodDeps } from './session-methods.js';
export { buildHistory, type HistoryOptions, type HistoryView } from './chat-history.js';
export * from './messages.js';
export type {
  CompactionEntry,
  MessageEntry,
  ModelChangeEntry,
  SessionHeader,
  ThinkingLevelChangeEntry,
  TranscriptEntry,
} from './transcript-format.js';
export {
  DEFAULT_KEEP_RECENT_TOKENS,
  estimateContextTokens,
  planCompaction,
  planTruncation,
  type CompactionPlan,
} from './compaction-plan.js';
