/**
 * The fingerprint of a sandbox container's configuration. It goes into the container's label, so
 * it must be stable across runs and Node versions: keys are sorted at every level, undefined
 * values dropped, and array order kept (bind order decides which overlapping mount wins).
 */
import { createHash } from 'node:crypto';

export { SANDBOX_MOUNT_FORMAT_VERSION } from '../contract.js';

function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map((v) => (v === undefined ? null : canonical(v)));
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value).sort()) {
      const v = (value as Record<string, unknown>)[key];
      if (v !== undefined) out[key] = canonical(v);
    }
    return out;
  }
  return value;
}

export function stableJson(value: unknown): string {
  return JSON.stringify(canonical(value));
}

export function sandboxConfigHash(input: unknown): string {
  return createHash('sha256').update(stableJson(input)).digest('hex');
}
