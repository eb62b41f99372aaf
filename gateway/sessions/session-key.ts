/**
 * Session keys name a conversation bucket: `agent:<agentId>:<rest>` (the main chat of an agent is
 * `agent:<agentId>:<mainKey>`, by default `agent:main:main`). The key stays stable across resets;
 * the session id (transcript file) behind it changes.
 */
import { ErrorCode, OpenClawError } from '../infra/errors.js';

export const DEFAULT_AGENT_ID = 'main';
export const DEFAULT_MAIN_KEY = 'main';
/** Same bound as `chat.send`'s sessionKey in the protocol. */
export const MAX_SESSION_KEY_LENGTH = 512;

const AGENT_ID = /^[a-z0-9][a-z0-9_-]{0,63}$/;
// Printable, no whitespace, no path separators: the key never becomes a file name, but it is
// shown in UIs and logs, and upstream keys never carry these.
const KEY_PART = /^[^\s/\\]+$/;

function hasControlCharacter(value: string): boolean {
  for (let i = 0; i < value.length; i += 1) {
    const code = value.charCodeAt(i);
    if (code < 0x20 || code === 0x7f) return true;
  }
  return false;
}

export interface SessionKey {
  /** The canonical key, e.g. `agent:main:main`. */
  key: string;
  agentId: string;
  /** Everything after `agent:<agentId>:`, e.g. `main` or `telegram:group:42`. */
  rest: string;
}

export function isValidAgentId(agentId: string): boolean {
  return AGENT_ID.test(agentId);
}

/** Upstream treats agent ids case-insensitively and stores them lower-case. */
export function normalizeAgentId(agentId: string): string {
  const id = agentId.trim().toLowerCase();
  if (!isValidAgentId(id)) {
    throw new OpenClawError(
      ErrorCode.INVALID_ARGUMENT,
      `Invalid agent id "${agentId}": use 1-64 letters, digits, "-" or "_" (e.g. "main").`,
    );
  }
  return id;
}

export function formatSessionKey(agentId: string, rest: string = DEFAULT_MAIN_KEY): string {
  return `agent:${normalizeAgentId(agentId)}:${rest}`;
}

/**
 * Parse a key as clients send it. Besides full `agent:<id>:<rest>` keys this accepts the short
 * forms upstream clients use for the main chat: `main` (or the configured main key) means the
 * default agent's main session. Anything else without the `agent:` prefix is refused: those keys
 * (`cron:…`, `hook:…`, `global`) belong to features this gateway does not run yet.
 */
export function parseSessionKey(
  input: string,
  defaults: { agentId?: string; mainKey?: string } = {},
): SessionKey {
  const raw = input.trim();
  const defaultAgent = normalizeAgentId(defaults.agentId ?? DEFAULT_AGENT_ID);
  const mainKey = defaults.mainKey ?? DEFAULT_MAIN_KEY;
  const invalid = (why: string) =>
    new OpenClawError(
      ErrorCode.INVALID_ARGUMENT,
      `Invalid session key "${truncateForMessage(input)}": ${why}. Use agent:<agentId>:<name>, e.g. agent:${defaultAgent}:${mainKey}.`,
    );
  if (raw.length === 0) throw invalid('it is empty');
  if (raw.length > MAX_SESSION_KEY_LENGTH)
    throw invalid(`it is longer than ${MAX_SESSION_KEY_LENGTH} characters`);
  if (raw === 'main' || raw === mainKey) {
    return { key: `agent:${defaultAgent}:${mainKey}`, agentId: defaultAgent, rest: mainKey };
  }
  const parts = raw.split(':');
  if (parts[0]?.toLowerCase() !== 'agent' || parts.length < 3) {
    throw invalid('it does not start with agent:<agentId>:');
  }
  const agentId = parts[1]!.toLowerCase();
  if (!isValidAgentId(agentId)) throw invalid(`"${parts[1]}" is not a valid agent id`);
  const restParts = parts.slice(2);
  if (restParts.some((p) => p === '' || !KEY_PART.test(p) || hasControlCharacter(p))) {
    throw invalid(
      'its parts must be non-empty and contain no spaces, slashes or control characters',
    );
  }
  const rest = restParts.join(':');
  return { key: `agent:${agentId}:${rest}`, agentId, rest };
}

/** The key kind sessions.list reports (direct chats vs group/room buckets). */
export function sessionKindOf(
  key: string,
  chatType?: unknown,
): 'direct' | 'group' | 'global' | 'unknown' {
  if (key === 'global') return 'global';
  if (chatType === 'group' || chatType === 'room' || chatType === 'channel') return 'group';
  if (/:(group|channel|room):/.test(key)) return 'group';
  if (key.startsWith('agent:')) return 'direct';
  return 'unknown';
}

function truncateForMessage(value: string): string {
  return value.length > 80 ? `${value.slice(0, 80)}…` : value;
}
