/**
 * How a sandbox scope maps to a container: the scope key (what the registry and labels record),
 * a Docker-safe slug of it, and the container name. The hash suffix keeps two keys that slug the
 * same (case or punctuation differences) in separate containers.
 */
import { createHash } from 'node:crypto';
import type { SandboxScope } from '../contract.js';

/** Docker's own limit for a container name is higher; 63 keeps names usable as DNS labels. */
const MAX_CONTAINER_NAME = 63;
const SLUG_BODY_MAX = 32;

/** `shared`, the trimmed session key (`main` when empty), or `agent:<agentId>`. */
export function sandboxScopeKey(scope: SandboxScope, sessionKey: string, agentId: string): string {
  if (scope === 'shared') return 'shared';
  if (scope === 'session') return sessionKey.trim() || 'main';
  return `agent:${agentId}`;
}

/** e.g. `agent:main` → `agent-main-f331f052`. */
export function sandboxSlug(scopeKey: string): string {
  const trimmed = scopeKey.trim();
  const body =
    (trimmed.toLowerCase() || 'session')
      .replace(/[^a-z0-9._-]+/g, '-')
      .replace(/^-+|-+$/g, '')
      .slice(0, SLUG_BODY_MAX) || 'session';
  const hash = createHash('sha256').update(trimmed).digest('hex').slice(0, 8);
  return `${body}-${hash}`;
}

export function sandboxContainerName(
  prefix: string,
  scope: SandboxScope,
  scopeKey: string,
): string {
  const suffix = scope === 'shared' ? 'shared' : sandboxSlug(scopeKey);
  return `${prefix}${suffix}`.slice(0, MAX_CONTAINER_NAME);
}
