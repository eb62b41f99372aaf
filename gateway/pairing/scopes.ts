/**
 * Operator scopes and the one rule for "does what was granted cover what is asked". Used by
 * pairing (scope-upgrade detection), device-token verification and token reuse, so all three
 * agree. The descriptions are shown to the person approving a device in the desktop app.
 */
export const SCOPES = {
  'operator.read': { label: 'Read', description: 'read status, sessions and logs' },
  'operator.write': {
    label: 'Write',
    description: 'chat with agents and change sessions (includes read)',
  },
  'operator.admin': {
    label: 'Admin',
    description: 'full control: configuration, agents, tools and every other operator scope',
  },
  'operator.approvals': {
    label: 'Approvals',
    description: 'approve or deny commands the agents want to run',
  },
  'operator.pairing': {
    label: 'Pairing',
    description: 'approve, reject and remove paired devices',
  },
  'operator.talk.secrets': {
    label: 'Talk secrets',
    description: 'use the voice (talk) credentials',
  },
} as const satisfies Record<string, { label: string; description: string }>;

export type OperatorScope = keyof typeof SCOPES;

export const ADMIN_SCOPE = 'operator.admin';
const OPERATOR_PREFIX = 'operator.';

function grantCovers(granted: ReadonlySet<string>, scope: string): boolean {
  if (granted.has(scope)) return true;
  if (scope.startsWith(OPERATOR_PREFIX) && granted.has(ADMIN_SCOPE)) return true;
  return scope === 'operator.read' && granted.has('operator.write');
}

/** True when every requested scope is granted directly or implied (admin ⊇ operator.*, write ⊇ read). */
export function scopesCover(granted: readonly string[], requested: readonly string[]): boolean {
  const set = new Set(granted);
  return requested.every((scope) => grantCovers(set, scope));
}

/** Order-preserving union without duplicates. */
export function mergeScopes(...lists: ReadonlyArray<readonly string[] | undefined>): string[] {
  const out: string[] = [];
  for (const list of lists) {
    for (const scope of list ?? []) if (!out.includes(scope)) out.push(scope);
  }
  return out;
}

export function describeScope(scope: string): string {
  return scope in SCOPES ? SCOPES[scope as OperatorScope].description : scope;
}
