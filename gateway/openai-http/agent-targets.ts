/**
 * The OpenAI `model` field names an agent, not a provider model: `openclaw` and `openclaw/default`
 * are the default agent, `openclaw/<agentId>`, `openclaw:<agentId>` and `agent:<agentId>` a given
 * one. `/v1/models` lists exactly these targets. The session a request runs in is an explicit
 * `x-openclaw-session-key`, else one derived from the OpenAI `user` field (the same user, the
 * same conversation), else a fresh one per request.
 */
import { createHash, randomUUID } from 'node:crypto';
import { parseSessionKey, type SessionKey } from '../sessions/session-key.js';
import { badRequest, OpenAiHttpError } from './openai-errors.js';

export interface AgentTarget {
  id: string;
  isDefault: boolean;
}

export const MODEL_PREFIX = 'openclaw';
export const DEFAULT_ALIAS = `${MODEL_PREFIX}/default`;

/** The model ids `/v1/models` lists, in order: the two default aliases, then every agent. */
export function modelIds(agents: readonly AgentTarget[]): string[] {
  return [MODEL_PREFIX, DEFAULT_ALIAS, ...agents.map((a) => `${MODEL_PREFIX}/${a.id}`)];
}

function defaultAgent(agents: readonly AgentTarget[]): AgentTarget {
  return agents.find((a) => a.isDefault) ?? agents[0]!;
}

/** The agent id a model name asks for, or undefined when it is not one of ours at all. */
function agentIdOf(model: string, agents: readonly AgentTarget[]): string | undefined {
  const name = model.trim();
  if (name === MODEL_PREFIX || name === DEFAULT_ALIAS) return defaultAgent(agents).id;
  for (const prefix of [`${MODEL_PREFIX}/`, `${MODEL_PREFIX}:`, 'agent:']) {
    if (name.toLowerCase().startsWith(prefix)) return name.slice(prefix.length).toLowerCase();
  }
  return undefined;
}

/** The agent a request runs: the `x-openclaw-agent-id` header wins over the model name. */
export function resolveAgent(
  model: string | undefined,
  agentHeader: string | undefined,
  agents: readonly AgentTarget[],
): string {
  const known = agents.map((a) => a.id);
  const list = modelIds(agents).join(', ');
  const header = agentHeader?.trim().toLowerCase();
  if (header) {
    if (!known.includes(header)) {
      throw badRequest(
        `Unknown agent "${agentHeader}" in x-openclaw-agent-id; this gateway has: ${known.join(', ')}.`,
        null,
        'model_not_found',
      );
    }
    return header;
  }
  if (model === undefined) return defaultAgent(agents).id;
  const id = agentIdOf(model, agents);
  if (id === undefined) {
    throw badRequest(
      `Unknown model "${model}". Models here are agents: use one of ${list} (GET /v1/models lists them). To pick a provider model, configure it on the agent or send the x-openclaw-model header.`,
      'model',
      'model_not_found',
    );
  }
  if (!known.includes(id)) {
    throw badRequest(
      `No agent "${id}" is configured (model "${model}"). Use one of ${list}, or add the agent to agents.list.`,
      'model',
      'model_not_found',
    );
  }
  return id;
}

/** Looks up one model id for `GET /v1/models/{id}`. */
export function findModel(id: string, agents: readonly AgentTarget[]): boolean {
  return modelIds(agents).includes(id);
}

/** Internal namespaces a caller must not route into (upstream refuses the same ones). */
const RESERVED = ['subagent:', 'cron:', 'acp:'];

/** Readable keys stay readable; anything else becomes a stable hash (no key leaks raw input). */
function keyPart(value: string): string {
  if (value.length <= 128 && /^[\w.@-]+(:[\w.@-]+)*$/.test(value)) return value;
  return `h${createHash('sha256').update(value).digest('hex').slice(0, 32)}`;
}

export interface SessionChoice {
  key: SessionKey;
  /** A key chosen for this request alone (no `user`, no header): nothing to continue. */
  ephemeral: boolean;
}

export function resolveSession(
  agentId: string,
  user: string | undefined,
  sessionHeader: string | undefined,
): SessionChoice {
  const explicit = sessionHeader?.trim();
  if (explicit) {
    const bare = explicit.replace(/^agent:[^:]+:/i, '');
    if (RESERVED.some((ns) => bare.toLowerCase().startsWith(ns))) {
      throw badRequest(
        `x-openclaw-session-key "${explicit}" uses a reserved namespace (${RESERVED.join(', ')}); choose a key of your own, e.g. "myapp:thread-1".`,
      );
    }
    const full = /^agent:/i.test(explicit) ? explicit : `agent:${agentId}:${explicit}`;
    const key = parseOrBadRequest(full, agentId);
    if (key.agentId !== agentId) {
      throw badRequest(
        `x-openclaw-session-key "${explicit}" belongs to agent "${key.agentId}", but the request targets agent "${agentId}"; make them agree.`,
      );
    }
    return { key, ephemeral: false };
  }
  if (user !== undefined && user.trim() !== '') {
    return {
      key: parseOrBadRequest(`agent:${agentId}:openai-user:${keyPart(user.trim())}`, agentId),
      ephemeral: false,
    };
  }
  return {
    key: parseOrBadRequest(`agent:${agentId}:openai:${randomUUID()}`, agentId),
    ephemeral: true,
  };
}

function parseOrBadRequest(input: string, agentId: string): SessionKey {
  try {
    return parseSessionKey(input, { agentId });
  } catch (err) {
    throw new OpenAiHttpError(400, err instanceof Error ? err.message : String(err));
  }
}
