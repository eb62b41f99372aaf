/**
 * JSON Merge Patch (RFC 7396): objects merge key by key, `null` deletes a key, anything else
 * (arrays included) replaces the target value wholesale. This is what `config.patch` speaks.
 */
import { cloneJson, isPlainObject } from './json-value.js';

const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

/** Returns a new value; neither argument is modified. */
export function applyMergePatch(target: unknown, patch: unknown): unknown {
  if (!isPlainObject(patch)) return cloneJson(patch);
  const result: Record<string, unknown> = isPlainObject(target) ? cloneJson(target) : {};
  for (const [key, value] of Object.entries(patch)) {
    // A patch arrives from the network; never let it reach Object.prototype.
    if (FORBIDDEN_KEYS.has(key)) continue;
    if (value === null) {
      delete result[key];
    } else {
      result[key] = applyMergePatch(result[key], value);
    }
  }
  return result;
}
