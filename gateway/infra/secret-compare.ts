/** Constant-time secret comparison, independent of length (both sides are hashed first). */
import { createHash, timingSafeEqual } from 'node:crypto';

export function safeEqualSecret(provided: string, expected: string): boolean {
  const a = createHash('sha256').update(provided, 'utf8').digest();
  const b = createHash('sha256').update(expected, 'utf8').digest();
  return timingSafeEqual(a, b) && provided.length === expected.length;
}
