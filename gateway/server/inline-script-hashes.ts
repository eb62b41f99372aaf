/**
 * CSP hashes for the inline `<script>` blocks of a Control UI's index.html. Builds of the official
 * Control UI set up their theme and schema library in small inline scripts before any module loads;
 * allowing exactly those scripts by hash keeps `script-src 'self'` closed to anything injected.
 */
import { createHash } from 'node:crypto';

const SCRIPT_BLOCK = /<script\b([^>]*)>([\s\S]*?)<\/script\s*>/gi;
const SRC_ATTRIBUTE = /(?:^|\s)src\s*=/i;

/** `'sha256-…'` source expressions for every inline script with content, in document order. */
export function inlineScriptHashes(html: string): string[] {
  const hashes: string[] = [];
  for (const match of html.matchAll(SCRIPT_BLOCK)) {
    const attributes = match[1] ?? '';
    const body = match[2] ?? '';
    if (SRC_ATTRIBUTE.test(attributes) || body === '') continue;
    hashes.push(`'sha256-${createHash('sha256').update(body, 'utf8').digest('base64')}'`);
  }
  return hashes;
}

/** The gateway's CSP with `script-src` widened by the given hashes (unchanged when none). */
export function withScriptHashes(csp: string, hashes: readonly string[]): string {
  if (hashes.length === 0) return csp;
  return csp.replace(
    /script-src ([^;]*)/,
    (_all, sources: string) => `script-src ${sources.trim()} ${hashes.join(' ')}`,
  );
}
