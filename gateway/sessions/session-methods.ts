/**
 * Protocol methods over the session store: `sessions.list|patch|reset|delete` and
 * `chat.history|inject`. Params arrive already checked by the protocol package's validators
 * (named per handler); scopes are checked by the connection (see server/scopes.ts).
 */
import { randomUUID } from 'node:crypto';
import { ErrorCode, OpenClawError } from '../infra/errors.js';
import type { MethodHandler } from '../server/gateway-server.js';
import { buildHistory, MAX_HISTORY_BYTES } from './chat-history.js';
import { emptyUsage, type AssistantMessage } from './messages.js';
import { createSessionCreateMethod } from './session-create.js';
import { createSessionResolveMethod } from './session-resolve.js';
import { buildSessionRow, type SessionRow } from './session-rows.js';
import type { SessionPatch } from './session-patch.js';
import type { SessionStore } from './session-store.js';

export interface SessionMethodDeps {
  sessions: SessionStore;
  agents(): ReadonlyArray<{ id: string; isDefault: boolean }>;
  /** The configured default model, for `sessions.list` defaults. */
  defaultModel(): { provider: string | null; model: string | null; contextTokens: number | null };
  /** `gateway.webchat.chatHistoryMaxChars`, when configured. */
  historyMaxChars(): number | undefined;
  broadcast(event: string, payload: unknown): void;
  /** Start a run as `chat.send` does, for `sessions.create` with a first message. */
  startRun?(sessionKey: string, message: string, runId: string): Promise<{ runId: string }>;
}

/** Identifies transcript messages written by the gateway itself rather than a model. */
export const INJECTED_MODEL = {
  api: 'openclaw',
  provider: 'openclaw',
  model: 'gateway-injected',
} as const;

type Params = Record<string, unknown>;

function asParams(value: unknown): Params {
  return value && typeof value === 'object' ? (value as Params) : {};
}

function optString(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

function optNumber(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

export function createSessionMethods(deps: SessionMethodDeps): Map<string, MethodHandler> {
  const methods = new Map<string, MethodHandler>();
  /** Lets session lists (ours refetch on it) follow changes made by other clients. */
  const changed = (sessionKey: string, reason: string) =>
    deps.broadcast('sessions.changed', { sessionKey, reason, ts: Date.now() });

  /** `key` as sent, qualified by `agentId` when the client used a short key such as `main`. */
  const keyOf = (rawKey: unknown, agentId: unknown): string => {
    const key = String(rawKey);
    const agent = optString(agentId);
    const resolved = deps.sessions.resolveKey(
      agent && !key.startsWith('agent:') ? `agent:${agent}:${key}` : key,
    );
    if (!deps.agents().some((a) => a.id === resolved.agentId)) {
      throw new OpenClawError(
        ErrorCode.NOT_FOUND,
        `Unknown agent "${resolved.agentId}" in session key ${resolved.key}; configured agents: ${deps
          .agents()
          .map((a) => a.id)
          .join(', ')}.`,
      );
    }
    return resolved.key;
  };

  methods.set('sessions.list', {
    validator: 'validateSessionsListParams',
    handle: async (raw) => {
      const params = asParams(raw);
      const limit = Math.min(Math.max(optNumber(params.limit) ?? 200, 1), 1000);
      const offset = Math.max(optNumber(params.offset) ?? 0, 0);
      const agentFilter = optString(params.agentId)?.toLowerCase();
      const search = optString(params.search)?.toLowerCase();
      const label = optString(params.label);
      const spawnedBy = optString(params.spawnedBy);
      const activeMinutes = optNumber(params.activeMinutes);
      const rowOptions = {
        includeDerivedTitles: params.includeDerivedTitles === true || search !== undefined,
        includeLastMessage: params.includeLastMessage === true,
      };
      const now = Date.now();
      let firstPath = '';
      const rows: SessionRow[] = [];
      for (const agent of deps.agents()) {
        if (agentFilter && agent.id !== agentFilter) continue;
        const { path, entries } = await deps.sessions.list(agent.id);
        if (!firstPath || agent.isDefault) firstPath = path;
        for (const [key, entry] of Object.entries(entries)) {
          if (typeof entry.sessionId !== 'string') continue;
          if (label && entry.label !== label) continue;
          if (spawnedBy && entry.spawnedBy !== spawnedBy) continue;
          const updatedAt = optNumber(entry.updatedAt);
          if (
            activeMinutes !== undefined &&
            (updatedAt === undefined || now - updatedAt > activeMinutes * 60_000)
          )
            continue;
          const file = deps.sessions.transcriptPath(agent.id, entry);
          rows.push(await buildSessionRow(key, agent.id, entry, file, rowOptions));
        }
      }
      const visible = rows
        .filter((row) => row.kind !== 'global' || params.includeGlobal === true)
        .filter((row) => row.kind !== 'unknown' || params.includeUnknown === true)
        .filter(
          (row) =>
            !search ||
            [row.key, row.label, row.displayName, row.derivedTitle].some((v) =>
              v?.toLowerCase().includes(search),
            ),
        )
        .sort((a, b) => (b.updatedAt ?? 0) - (a.updatedAt ?? 0));
      const model = deps.defaultModel();
      return {
        ts: now,
        path: firstPath,
        count: visible.length,
        defaults: {
          modelProvider: model.provider,
          model: model.model,
          contextTokens: model.contextTokens,
        },
        sessions: visible.slice(offset, offset + limit),
      };
    },
  });

  methods.set(
    'sessions.create',
    createSessionCreateMethod({
      sessions: deps.sessions,
      defaultAgentId: () => deps.agents().find((a) => a.isDefault)?.id ?? 'main',
      keyOf,
      changed,
      startRun: deps.startRun,
    }),
  );

  // One session's row as sessions.list shows it (null when it does not exist yet).
  methods.set('sessions.describe', {
    validator: 'validateSessionsDescribeParams',
    handle: async (raw) => {
      const params = asParams(raw);
      const key = keyOf(params.key, undefined);
      const { key: parsed, entry } = await deps.sessions.get(key);
      if (!entry || typeof entry.sessionId !== 'string') return { session: null };
      const file = deps.sessions.transcriptPath(parsed.agentId, entry);
      const session = await buildSessionRow(parsed.key, parsed.agentId, entry, file, {
        includeDerivedTitles: params.includeDerivedTitles === true,
        includeLastMessage: params.includeLastMessage === true,
      });
      return { session };
    },
  });

  methods.set(
    'sessions.resolve',
    createSessionResolveMethod({
      sessions: deps.sessions,
      defaultAgentId: () => deps.agents().find((a) => a.isDefault)?.id ?? 'main',
      keyOf,
    }),
  );

  methods.set('sessions.patch', {
    validator: 'validateSessionsPatchParams',
    handle: async (raw) => {
      const params = asParams(raw);
      const key = keyOf(params.key, params.agentId);
      const patch: SessionPatch = {};
      const fields = [
        'label',
        'thinkingLevel',
        'model',
        'verboseLevel',
        'reasoningLevel',
        'elevatedLevel',
        'fastMode',
        'responseUsage',
        'sendPolicy',
      ] as const;
      for (const field of fields) {
        if (field in params) (patch as Record<string, unknown>)[field] = params[field];
      }
      if (typeof params.expectedSessionId === 'string') {
        const { entry } = await deps.sessions.get(key);
        if (entry && entry.sessionId !== params.expectedSessionId) {
          throw new OpenClawError(
            ErrorCode.CONFIG_CONFLICT,
            `Session ${key} was reset meanwhile (now ${entry.sessionId}); reload the session list and retry.`,
          );
        }
      }
      const result = await deps.sessions.patch(key, patch);
      changed(result.key, 'patch');
      return { ok: true, path: result.path, key: result.key, entry: result.entry };
    },
  });

  methods.set('sessions.reset', {
    validator: 'validateSessionsResetParams',
    handle: async (raw) => {
      const params = asParams(raw);
      const key = keyOf(params.key, params.agentId);
      const reason = params.reason === 'new' ? 'new' : 'reset';
      const result = await deps.sessions.reset(key, reason);
      changed(result.key, reason);
      return { ok: true, key: result.key, entry: result.entry };
    },
  });

  methods.set('sessions.delete', {
    validator: 'validateSessionsDeleteParams',
    handle: async (raw) => {
      const params = asParams(raw);
      const key = keyOf(params.key, params.agentId);
      if (typeof params.expectedSessionId === 'string') {
        const { entry } = await deps.sessions.get(key);
        if (entry && entry.sessionId !== params.expectedSessionId) {
          throw new OpenClawError(
            ErrorCode.CONFIG_CONFLICT,
            `Session ${key} was reset meanwhile (now ${entry.sessionId}); reload the session list and retry.`,
          );
        }
      }
      const result = await deps.sessions.delete(key, {
        deleteTranscript: params.deleteTranscript === true,
      });
      if (result.deleted) changed(result.key, 'delete');
      return {
        ok: true as const,
        key: result.key,
        deleted: result.deleted,
        archived: result.archived,
      };
    },
  });

  const history = async (params: Params, maxBytes?: number) => {
    const key = keyOf(params.sessionKey, params.agentId);
    const { entry, messages, messageIds } = await deps.sessions.readSession(key);
    const view = buildHistory(messages, {
      messageIds,
      limit: optNumber(params.limit),
      maxChars: optNumber(params.maxChars) ?? deps.historyMaxChars(),
      maxTotalBytes: maxBytes === undefined ? undefined : Math.min(maxBytes, MAX_HISTORY_BYTES),
    });
    const result: Record<string, unknown> = { sessionKey: key, messages: view.messages };
    if (entry) result.sessionId = entry.sessionId;
    if (entry?.thinkingLevel) result.thinkingLevel = entry.thinkingLevel;
    if (entry?.fastMode !== undefined) result.fastMode = entry.fastMode;
    if (entry?.verboseLevel) result.verboseLevel = entry.verboseLevel;
    if (view.truncated) {
      result.truncated = true;
      result.omittedMessages = view.omitted;
    }
    return result;
  };

  /** `maxBytes` (newer clients): the history's size budget, on top of the gateway's own cap. */
  const maxBytesOf = (params: Params): number | undefined => {
    const value = params.maxBytes;
    if (value === undefined) return undefined;
    if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) {
      throw new OpenClawError(
        ErrorCode.INVALID_ARGUMENT,
        'maxBytes must be a positive whole number of bytes; leave it out for the default size cap.',
      );
    }
    return value;
  };

  methods.set('chat.history', {
    validator: 'validateChatHistoryParams',
    // Sent by the official Control UI 2026.9.x; the published schema predates it.
    extensionParams: ['maxBytes'],
    handle: async (raw) => {
      const params = asParams(raw);
      return history(params, maxBytesOf(params));
    },
  });

  // Newer Control UIs open a chat with `chat.startup` (the history plus optional metadata we do
  // not have) and refuse to send until it answered. Only the `sessionKey` form is served: the
  // short-id/slug lookup needs session short ids, which this gateway does not assign.
  methods.set('chat.startup', {
    handle: async (raw) => {
      const params = asParams(raw);
      if (optString(params.sessionKey) === undefined) {
        throw new OpenClawError(
          ErrorCode.INVALID_ARGUMENT,
          'chat.startup needs a sessionKey on this gateway (short session ids are not supported); open the session by its key.',
        );
      }
      return history(params, maxBytesOf(params));
    },
  });

  // Every connection with read scope already receives every session's `chat` and `agent`
  // events, so a per-session subscription has nothing to add; clients still need the ack (and an
  // empty approval replay, as no tool here waits for approval) before they show the session.
  methods.set('sessions.messages.subscribe', {
    validator: 'validateSessionsMessagesSubscribeParams',
    handle: (raw) => {
      const params = asParams(raw);
      const key = keyOf(params.key, params.agentId);
      const result: Record<string, unknown> = { subscribed: true, key };
      if (params.includeApprovals === true) {
        result.approvalReplay = {
          sessionKey: key,
          updatedAtMs: Date.now(),
          approvals: [],
          truncated: false,
        };
      }
      return result;
    },
  });

  methods.set('sessions.messages.unsubscribe', {
    validator: 'validateSessionsMessagesUnsubscribeParams',
    handle: (raw) => {
      const params = asParams(raw);
      return { subscribed: false, key: keyOf(params.key, params.agentId) };
    },
  });

  methods.set('chat.inject', {
    validator: 'validateChatInjectParams',
    handle: async (raw) => {
      const params = asParams(raw);
      const key = keyOf(params.sessionKey, params.agentId);
      const label = optString(params.label);
      const text = String(params.message);
      const message: AssistantMessage = {
        role: 'assistant',
        content: [{ type: 'text', text: label ? `[${label}]\n\n${text}` : text }],
        ...INJECTED_MODEL,
        usage: emptyUsage(),
        stopReason: 'stop',
        timestamp: Date.now(),
      };
      const session = await deps.sessions.openSession(key);
      const appended = await session.transcript.appendMessage(message).finally(session.release);
      await deps.sessions.touch(key);
      deps.broadcast('chat', {
        runId: `inject-${randomUUID()}`,
        sessionKey: key,
        seq: 0,
        state: 'final',
        message,
      });
      changed(key, 'inject');
      return { ok: true, messageId: appended.id };
    },
  });

  return methods;
}
