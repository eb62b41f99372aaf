/**
 * Operator scopes in plain words, for the person deciding whether a device may in. Same wording as
 * the gateway's own list (gateway/pairing/scopes.ts), copied because the browser bundle must not
 * import gateway code; keep the two in step.
 */
export const SCOPE_WORDS: Record<string, { label: string; description: string }> = {
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
};

export interface ScopeWords {
  scope: string;
  label: string;
  description: string;
}

/** Unknown scopes are shown as they are, never hidden: the approver must see everything asked for. */
export function describeScopes(scopes: readonly string[]): ScopeWords[] {
  return scopes.map((scope) => {
    const known = SCOPE_WORDS[scope];
    return known
      ? { scope, ...known }
      : { scope, label: scope, description: 'a permission this app does not know' };
  });
}

/** Admin implies every operator scope: list it alone instead of a long, redundant row. */
export function summariseScopes(scopes: readonly string[]): ScopeWords[] {
  return describeScopes(
    scopes.includes('operator.admin')
      ? ['operator.admin', ...scopes.filter((s) => !s.startsWith('operator.'))]
      : scopes,
  );
}
