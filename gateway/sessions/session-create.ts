/**
 * `sessions.create`: a new conversation next to the agent's main one (what the official Control
 * UI's "New conversation" calls; it keeps the button disabled on a gateway without the method).
 * Creates the index entry with the requested settings and, with `message`, starts the first run
 * as `chat.send` would (the UI's new-conversation composer sends it this way). Options this
 * gateway does not implement are refused by name rather than ignored.
 */
import { randomUUID } from 'node:crypto';
import { ErrorCode, OpenClawError } from '../infra/errors.js';
import type { MethodHandler } from '../server/gateway-server.js';
import type { SessionPatch } from './session-patch.js';
import type { SessionStore } from './session-store.js';

export interface SessionCreateDeps {
  sessions: SessionStore;
  defaultAgentId(): string;
  /** `key` as sent, qualified and checked against the configured agents. */
  keyOf(rawKey: unknown, agentId: unknown): string;
  changed(sessionKey: string, reason: string): void;
  /** Start a run as `chat.send` does (absent when the gateway runs no agent). */
  startRun?(sessionKey: string, message: string, runId: string): Promise<{ runId: string }>;
}

/**
 * Accepted and applied. `displayName` only names the conversation in the client's own list;
 * `parentSessionKey` (the session a `/new` was typed in) picks the agent and must exist;
 * `emitCommandHooks` has nothing to run, as this gateway has no command hooks.
 */
const SUPPORTED = new Set([
  'key',
  'idempotencyKey',
  'agentId',
  'label',
  'displayName',
  'model',
  'thinkingLevel',
  'fastMode',
  'message',
  'parentSessionKey',
  'emitCommandHooks',
  'succeedsParent',
]);
const SETTINGS = ['label', 'model', 'thinkingLevel', 'fastMode'] as const;
/** Remembered idempotency keys, so a retried create returns the same session. */
const MAX_REMEMBERED = 500;

export function createSessionCreateMethod(deps: SessionCreateDeps): MethodHandler {
  const byIdempotencyKey = new Map<string, string>();
  return {
    validator: 'validateSessionsCreateParams',
    handle: async (raw) => {
      const params = (raw && typeof raw === 'object' ? raw : {}) as Record<string, unknown>;
      const unsupported = Object.keys(params).filter((k) => !SUPPORTED.has(k));
      if (unsupported.length > 0) {
        throw new OpenClawError(
          ErrorCode.INVALID_ARGUMENT,
          `sessions.create on this gateway does not support ${unsupported.join(', ')}; create the session without them, then send its first message with chat.send.`,
        );
      }
      const message = params.message;
      if (message !== undefined && (typeof message !== 'string' || message.trim() === '')) {
        throw new OpenClawError(
          ErrorCode.INVALID_ARGUMENT,
          'sessions.create message must be non-empty text; leave it out to create an empty session.',
        );
      }
      if (message !== undefined && !deps.startRun) {
        throw new OpenClawError(
          ErrorCode.INVALID_ARGUMENT,
          'This gateway runs no agent, so sessions.create cannot send a first message; create the session without it.',
        );
      }
      if (params.succeedsParent === true) {
        throw new OpenClawError(
          ErrorCode.INVALID_ARGUMENT,
          'sessions.create cannot end its parent session on this gateway (succeedsParent); sessions here stay open until reset or deleted. Leave succeedsParent out.',
        );
      }
      const parent =
        typeof params.parentSessionKey === 'string'
          ? deps.keyOf(params.parentSessionKey, params.agentId)
          : undefined;
      const retry =
        typeof params.idempotencyKey === 'string'
          ? byIdempotencyKey.get(params.idempotencyKey)
          : undefined;
      const agentId =
        typeof params.agentId === 'string' && params.agentId !== ''
          ? params.agentId
          : (parent?.split(':')[1] ?? deps.defaultAgentId());
      const key =
        retry ??
        deps.keyOf(
          typeof params.key === 'string'
            ? params.key
            : `agent:${agentId}:dashboard:${randomUUID()}`,
          agentId,
        );
      const patch: SessionPatch = {};
      for (const field of SETTINGS) {
        if (field in params) (patch as Record<string, unknown>)[field] = params[field];
      }
      const existing = (await deps.sessions.get(key)).entry;
      // An existing session (a retry, or a key the client picked) is adopted as it is.
      const result = existing ? { key, entry: existing } : await deps.sessions.patch(key, patch);
      if (typeof params.idempotencyKey === 'string') {
        byIdempotencyKey.set(params.idempotencyKey, result.key);
        if (byIdempotencyKey.size > MAX_REMEMBERED) {
          byIdempotencyKey.delete(byIdempotencyKey.keys().next().value!);
        }
      }
      if (!existing) deps.changed(result.key, 'create');
      const created = {
        ok: true as const,
        key: result.key,
        sessionId: result.entry.sessionId,
        entry: result.entry,
      };
      if (message === undefined || !deps.startRun) return created;
      // The create's own idempotency key names the run, so a retried create never runs twice.
      const runId =
        typeof params.idempotencyKey === 'string' ? params.idempotencyKey : randomUUID();
      try {
        await deps.startRun(result.key, message, runId);
        return { ...created, runStarted: true, runId };
      } catch (err) {
        const failure =
          err instanceof OpenClawError
            ? { code: err.code, message: err.message }
            : {
                code: ErrorCode.INTERNAL,
                message: 'the first message could not be sent; send it again',
              };
        return { ...created, runStarted: false, runError: failure };
      }
    },
  };
}
