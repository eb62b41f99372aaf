/**
 * Params of the `sandboxes.list` and `sandboxes.recreate` gateway methods. They are not in the
 * protocol package, so they are checked here: strict objects, one clear INVALID_ARGUMENT each.
 */
import { ErrorCode, OpenClawError } from '../../infra/errors.js';
import type { RecreateTarget } from './sandbox-inventory.js';

function invalid(method: string, message: string): OpenClawError {
  return new OpenClawError(ErrorCode.INVALID_ARGUMENT, `invalid ${method} params: ${message}`);
}

function strictObject(
  method: string,
  raw: unknown,
  allowed: readonly string[],
): Record<string, unknown> {
  if (raw === undefined || raw === null) return {};
  if (typeof raw !== 'object' || Array.isArray(raw))
    throw invalid(
      method,
      `expected an object, got ${Array.isArray(raw) ? 'an array' : typeof raw}`,
    );
  const params = raw as Record<string, unknown>;
  const unknown = Object.keys(params).filter((k) => !allowed.includes(k));
  if (unknown.length > 0)
    throw invalid(
      method,
      `unknown field(s) ${unknown.join(', ')} (allowed: ${allowed.join(', ')})`,
    );
  return params;
}

function optionalBoolean(method: string, params: Record<string, unknown>, key: string): boolean {
  const value = params[key];
  if (value === undefined) return false;
  if (typeof value !== 'boolean') throw invalid(method, `${key} must be a boolean`);
  return value;
}

function optionalKey(
  method: string,
  params: Record<string, unknown>,
  key: string,
): string | undefined {
  const value = params[key];
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || value.trim() === '')
    throw invalid(method, `${key} must be a non-empty string`);
  return value.trim();
}

/** `{ browser?: boolean }`. */
export function parseSandboxesListParams(raw: unknown): { browser: boolean } {
  const params = strictObject('sandboxes.list', raw, ['browser']);
  return { browser: optionalBoolean('sandboxes.list', params, 'browser') };
}

/** Exactly one of `all: true`, `agentId`, `sessionKey`; the same rule as the CLI's flags. */
export function recreateTargetFrom(
  method: string,
  choice: { all: boolean; agentId?: string; sessionKey?: string },
): RecreateTarget {
  const chosen = [choice.all, choice.agentId !== undefined, choice.sessionKey !== undefined].filter(
    Boolean,
  ).length;
  if (chosen !== 1)
    throw invalid(
      method,
      chosen === 0
        ? 'say which sandboxes: all: true, agentId or sessionKey'
        : 'give only one of all, agentId and sessionKey',
    );
  if (choice.all) return { all: true };
  if (choice.agentId !== undefined) return { agentId: choice.agentId };
  return { sessionKey: choice.sessionKey! };
}

/** `{ all?: true, agentId?: string, sessionKey?: string, browser?: boolean }`. */
export function parseSandboxesRecreateParams(raw: unknown): {
  target: RecreateTarget;
  browser: boolean;
} {
  const method = 'sandboxes.recreate';
  const params = strictObject(method, raw, ['all', 'agentId', 'sessionKey', 'browser']);
  const target = recreateTargetFrom(method, {
    all: optionalBoolean(method, params, 'all'),
    agentId: optionalKey(method, params, 'agentId'),
    sessionKey: optionalKey(method, params, 'sessionKey'),
  });
  return { target, browser: optionalBoolean(method, params, 'browser') };
}
