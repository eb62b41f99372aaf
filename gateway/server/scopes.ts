import { scopesCover } from '../pairing/scopes.js';

/**
 * Which operator scope each method needs. `operator.admin` satisfies everything and
 * `operator.write` satisfies `operator.read`; a method not listed here needs admin (default-deny).
 */
export const OperatorScope = {
  READ: 'operator.read',
  WRITE: 'operator.write',
  ADMIN: 'operator.admin',
  APPROVALS: 'operator.approvals',
  PAIRING: 'operator.pairing',
  TALK_SECRETS: 'operator.talk.secrets',
} as const;

export type OperatorScope = (typeof OperatorScope)[keyof typeof OperatorScope];

const METHOD_SCOPES: Record<string, OperatorScope> = {
  health: OperatorScope.READ,
  status: OperatorScope.READ,
  'system-presence': OperatorScope.READ,
  'logs.tail': OperatorScope.READ,
  'agents.list': OperatorScope.READ,
  'agent.identity.get': OperatorScope.READ,
  'sessions.describe': OperatorScope.READ,
  'sessions.list': OperatorScope.READ,
  'chat.history': OperatorScope.READ,
  'chat.startup': OperatorScope.READ,
  'sessions.resolve': OperatorScope.READ,
  'sessions.messages.subscribe': OperatorScope.READ,
  'sessions.messages.unsubscribe': OperatorScope.READ,
  // Era A's table: session maintenance and transcript injection are admin operations.
  'sessions.patch': OperatorScope.ADMIN,
  // A new conversation is what sending a message to a new key does anyway.
  'sessions.create': OperatorScope.WRITE,
  'sessions.reset': OperatorScope.ADMIN,
  'sessions.delete': OperatorScope.ADMIN,
  'chat.inject': OperatorScope.ADMIN,
  'chat.send': OperatorScope.WRITE,
  'chat.abort': OperatorScope.WRITE,
  agent: OperatorScope.WRITE,
  'agent.wait': OperatorScope.WRITE,
  'models.list': OperatorScope.READ,
  'sandboxes.list': OperatorScope.READ,
  // Removing containers interrupts whatever runs in them.
  'sandboxes.recreate': OperatorScope.ADMIN,
  'config.get': OperatorScope.ADMIN,
  'config.set': OperatorScope.ADMIN,
  'config.patch': OperatorScope.ADMIN,
  'config.apply': OperatorScope.ADMIN,
  'config.schema': OperatorScope.ADMIN,
  'device.pair.list': OperatorScope.PAIRING,
  'device.pair.approve': OperatorScope.PAIRING,
  'device.pair.reject': OperatorScope.PAIRING,
  'device.pair.remove': OperatorScope.PAIRING,
  'device.token.rotate': OperatorScope.PAIRING,
  'device.token.revoke': OperatorScope.PAIRING,
  // Channels: status is read-only; start/stop/logout and web.login stay admin (the default).
  'channels.status': OperatorScope.READ,
  'channels.pairing.list': OperatorScope.PAIRING,
  // bootstrapCommandOwner additionally needs admin (checked by the method).
  'channels.pairing.approve': OperatorScope.PAIRING,
  'channels.pairing.dismiss': OperatorScope.PAIRING,
};

export function requiredScopeFor(method: string): OperatorScope {
  // Admin-only prefixes stay admin even if a future entry above tried to loosen them.
  if (/^(config|exec\.approvals|wizard|update)\./.test(method)) return OperatorScope.ADMIN;
  return METHOD_SCOPES[method] ?? OperatorScope.ADMIN;
}

/** One coverage rule for the whole gateway: the pairing module's (admin ⊇ all, write ⊇ read). */
export function hasScope(granted: readonly string[], required: string): boolean {
  return scopesCover(granted, [required]);
}

/** Scopes a client may request; anything else is dropped at connect. */
export const KNOWN_OPERATOR_SCOPES: readonly string[] = Object.values(OperatorScope);
