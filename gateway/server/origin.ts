/**
 * Browser origin gate. Checked before the WebSocket upgrade completes (403, no 101), so a page on
 * another origin cannot even receive a challenge (cross-site WebSocket hijacking).
 */
import { isLocalHostname } from './net.js';

/** `HTTP://LocalHost:80` → `http://localhost`; undefined for anything that is not an http(s) origin. */
export function normalizeOrigin(origin: string): string | undefined {
  if (origin === 'null') return 'null';
  let url: URL;
  try {
    url = new URL(origin);
  } catch {
    return undefined;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return undefined;
  if (
    url.username ||
    url.password ||
    (url.pathname !== '/' && url.pathname !== '') ||
    url.search ||
    url.hash
  ) {
    return undefined;
  }
  return `${url.protocol}//${url.host}`.toLowerCase();
}

/** Origins a fresh install accepts without configuration: the gateway's own loopback URLs. */
export function defaultAllowedOrigins(port: number): string[] {
  return [`http://localhost:${port}`, `http://127.0.0.1:${port}`, `http://[::1]:${port}`];
}

/**
 * The origins the gateway serves its own Control UI from: every loopback spelling of the port it
 * actually listens on, and the bound address when it is a specific one.
 */
export function ownOrigins(port: number, boundAddress: string | undefined): string[] {
  const origins = defaultAllowedOrigins(port);
  const bound = boundAddress?.trim();
  if (bound && bound !== '0.0.0.0' && bound !== '::' && !isLocalHostname(bound)) {
    origins.push(`http://${bound.includes(':') ? `[${bound}]` : bound}:${port}`);
  }
  return origins;
}

export interface OriginCheckInput {
  origin: string;
  hostHeader: string | undefined;
  allowedOrigins: readonly string[];
  allowHostHeaderFallback: boolean;
  /** The gateway's own origins (see ownOrigins); always allowed. */
  ownOrigins: readonly string[];
}

export type OriginDecision = { ok: true } | { ok: false; reason: string };

export function checkOrigin(input: OriginCheckInput): OriginDecision {
  const normalized = normalizeOrigin(input.origin);
  if (!normalized) return { ok: false, reason: 'malformed origin' };
  const allowed = new Set(
    input.allowedOrigins.map((o) => (o === '*' ? '*' : normalizeOrigin(o))).filter(Boolean),
  );
  // A literal "null" origin (sandboxed iframe, data: URL) is only accepted when listed explicitly;
  // "*" deliberately does not cover it.
  if (normalized === 'null')
    return allowed.has('null') ? { ok: true } : { ok: false, reason: 'null origin' };
  if (allowed.has('*') || allowed.has(normalized)) return { ok: true };
  // Only the gateway's own origins, not any loopback one: a page on http://localhost:3000 is some
  // other local program (a dev server, a tool with an XSS) and must be listed to get in.
  if (input.ownOrigins.some((o) => normalizeOrigin(o) === normalized)) return { ok: true };
  if (input.allowHostHeaderFallback && input.hostHeader) {
    if (new URL(normalized).host === input.hostHeader.trim().toLowerCase()) return { ok: true };
  }
  return { ok: false, reason: 'origin not in gateway.controlUi.allowedOrigins' };
}
