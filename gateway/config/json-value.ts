/**
 * Helpers for plain JSON-shaped values (what JSON5 parsing produces). Config code works on these
 * rather than on class instances, so structural equality and cloning stay simple.
 */

export type JsonObject = Record<string, unknown>;

/** A plain object: not an array, not null, not a class instance such as Date or Buffer. */
export function isPlainObject(value: unknown): value is JsonObject {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === Object.prototype || proto === null;
}

/** Structural equality for JSON values; key order does not matter. */
export function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    return a.every((item, i) => jsonEqual(item, b[i]));
  }
  if (isPlainObject(a)) {
    if (!isPlainObject(b)) return false;
    const aKeys = Object.keys(a).filter((k) => a[k] !== undefined);
    const bKeys = Object.keys(b).filter((k) => b[k] !== undefined);
    if (aKeys.length !== bKeys.length) return false;
    return aKeys.every((k) => Object.hasOwn(b, k) && jsonEqual(a[k], b[k]));
  }
  // NaN never appears in JSON, so plain identity (checked above) is enough for primitives.
  return false;
}

/** Deep copy of a JSON value (structuredClone keeps prototypes of plain objects plain). */
export function cloneJson<T>(value: T): T {
  return structuredClone(value);
}

/** Freeze a JSON value and everything inside it (validated config is read-only once loaded). */
export function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value as object)) deepFreeze(child);
  }
  return value;
}
