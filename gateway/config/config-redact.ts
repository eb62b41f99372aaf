/**
 * Secrets in config documents sent to clients (Control UI, desktop app). Values under secret-looking
 * keys become a fixed placeholder; when the client sends the document back, every placeholder that
 * is still there is replaced by the secret currently stored at the same path, so a UI can edit a
 * redacted config without ever seeing, or accidentally wiping, the secrets.
 */
import { ErrorCode, OpenClawError } from '../infra/errors.js';
import { joinConfigPath } from './config-path.js';
import { isPlainObject } from './json-value.js';

export const REDACTED_PLACEHOLDER = '__OPENCLAW_REDACTED__';

/**
 * Keys whose string values are secrets. Anchored at the end so `maxTokens`, `tokenFile` or
 * `passwordFile` (counts and paths) stay visible while `botToken`, `apiKey`, `OPENAI_API_KEY`,
 * `clientSecret` or `privateKey` are hidden.
 */
const SECRET_KEY =
  /(?:token|password|passwd|passphrase|secret|api[-_]?key|private[-_]?key|access[-_]?key|credentials?|cookie|authorization|signing[-_]?key)$/i;

/** A value that only points at an env var (`${OPENAI_API_KEY}`) reveals nothing and stays readable. */
const ENV_REFERENCE_ONLY = /^\$\{[A-Z_][A-Z0-9_]*\}$/;

export function isSecretConfigKey(key: string): boolean {
  return SECRET_KEY.test(key);
}

function redactInner(value: unknown, secretKey: boolean): unknown {
  if (secretKey && (typeof value === 'string' || typeof value === 'number')) {
    if (typeof value === 'string' && (value === '' || ENV_REFERENCE_ONLY.test(value))) return value;
    return REDACTED_PLACEHOLDER;
  }
  if (Array.isArray(value)) return value.map((item) => redactInner(item, secretKey));
  if (isPlainObject(value)) {
    const out: Record<string, unknown> = {};
    // SecretRef objects under a secret key ({source, provider, id}) are pointers, not secrets:
    // their own keys are not secret-looking, so they pass through readable.
    for (const [key, child] of Object.entries(value))
      out[key] = redactInner(child, isSecretConfigKey(key));
    return out;
  }
  return value;
}

/** Deep copy with secret values replaced by `__OPENCLAW_REDACTED__`. */
export function redactConfigForClient<T>(value: T): T {
  return redactInner(value, false) as T;
}

function lookupSameShape(
  current: unknown,
  segments: readonly (string | number)[],
): { found: boolean; value: unknown } {
  let node: unknown = current;
  for (const seg of segments) {
    if (typeof seg === 'number') {
      if (!Array.isArray(node) || seg >= node.length) return { found: false, value: undefined };
      node = node[seg];
    } else {
      if (!isPlainObject(node) || !Object.hasOwn(node, seg))
        return { found: false, value: undefined };
      node = node[seg];
    }
  }
  return { found: true, value: node };
}

/**
 * Put current secrets back wherever `newDoc` still carries the placeholder. Returns a new document.
 * A placeholder with no stored secret at that path is an error: writing the placeholder itself as
 * a password would lock the user out.
 */
export function restoreRedactedSecrets<T>(newDoc: T, currentDoc: unknown): T {
  const missing: string[] = [];
  const visit = (value: unknown, segments: (string | number)[], pathText: string): unknown => {
    if (value === REDACTED_PLACEHOLDER) {
      const stored = lookupSameShape(currentDoc, segments);
      if (stored.found && stored.value !== undefined && stored.value !== REDACTED_PLACEHOLDER)
        return stored.value;
      missing.push(pathText);
      return value;
    }
    if (Array.isArray(value))
      return value.map((item, i) => visit(item, [...segments, i], joinConfigPath(pathText, i)));
    if (isPlainObject(value)) {
      const out: Record<string, unknown> = {};
      for (const [key, child] of Object.entries(value))
        out[key] = visit(child, [...segments, key], joinConfigPath(pathText, key));
      return out;
    }
    return value;
  };
  const restored = visit(newDoc, [], '') as T;
  if (missing.length > 0) {
    throw new OpenClawError(
      ErrorCode.INVALID_ARGUMENT,
      `The redaction placeholder ${REDACTED_PLACEHOLDER} was sent for ${missing.join(', ')}, but no secret is stored there. Enter the real value instead.`,
      { details: { paths: missing } },
    );
  }
  return restored;
}
