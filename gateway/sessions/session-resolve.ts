/**
 * `sessions.resolve`: which session a client's reference means. The official Control UI puts a
 * session in its address as `<title-slug>-<short id>`, the short id being the start of the UUID in
 * the session key (dashes left out), and resolves it on a reload; a key, a session id or a label
 * work too. Several matches answer with candidates, none with `{ok: false}` when the client
 * allows a missing session.
 */
import { ErrorCode, OpenClawError } from '../infra/errors.js';
import type { MethodHandler } from '../server/gateway-server.js';
import type { SessionEntries } from './session-index.js';
import type { SessionStore } from './session-store.js';

export interface SessionResolveDeps {
  sessions: SessionStore;
  defaultAgentId(): string;
  keyOf(rawKey: unknown, agentId: unknown): string;
}

const UUID_IN_KEY = /([0-9a-f]{8})-?([0-9a-f]{4})-?([0-9a-f]{4})-?([0-9a-f]{4})-?([0-9a-f]{12})/i;
const MAX_CANDIDATES = 10;

function str(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/** The key's UUID without dashes, lower case (what short ids are cut from). */
function compactUuidOf(key: string): string | undefined {
  const match = UUID_IN_KEY.exec(key.split(':').slice(2).join(':'));
  return match ? match.slice(1).join('').toLowerCase() : undefined;
}

export function createSessionResolveMethod(deps: SessionResolveDeps): MethodHandler {
  return {
    validator: 'validateSessionsResolveParams',
    handle: async (raw) => {
      const params = (raw && typeof raw === 'object' ? raw : {}) as Record<string, unknown>;
      const agentId = str(params.agentId) ?? deps.defaultAgentId();
      const found = (key: string, label?: string) => ({
        ok: true as const,
        key,
        agentId: key.split(':')[1] ?? agentId,
        ...(label ? { displayName: label } : {}),
      });
      const key = str(params.key);
      if (key) return found(deps.keyOf(key, params.agentId));

      const { entries } = await deps.sessions.list(agentId);
      const matches = pick(entries, params);
      if (matches.length === 1) return found(matches[0]!, str(entries[matches[0]!]?.label));
      if (matches.length > 1) {
        return {
          ok: false as const,
          candidates: matches.slice(0, MAX_CANDIDATES).map((k) => {
            const { ok: _ok, ...candidate } = found(k, str(entries[k]?.label));
            return candidate;
          }),
        };
      }
      if (params.allowMissing === true) return { ok: false as const };
      throw new OpenClawError(
        ErrorCode.NOT_FOUND,
        `No session of agent "${agentId}" matches ${describe(params)}; list them with sessions.list.`,
      );
    },
  };
}

function pick(entries: SessionEntries, params: Record<string, unknown>): string[] {
  const keys = Object.keys(entries);
  const sessionId = str(params.sessionId);
  if (sessionId) return keys.filter((k) => entries[k]?.sessionId === sessionId);
  const label = str(params.label);
  if (label) return keys.filter((k) => entries[k]?.label === label);
  const shortId = str(params.shortId)?.toLowerCase().replace(/-/g, '');
  if (!shortId) return [];
  return keys.filter((k) => compactUuidOf(k)?.startsWith(shortId) === true);
}

function describe(params: Record<string, unknown>): string {
  for (const field of ['sessionId', 'label', 'shortId'] as const) {
    const value = str(params[field]);
    if (value) return `${field} "${value.slice(0, 80)}"`;
  }
  return 'nothing (give key, sessionId, label or shortId)';
}
