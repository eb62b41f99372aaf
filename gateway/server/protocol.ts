/**
 * The protocol package's full validator set compiles ~800 ms of TypeBox schemas at import. The
 * gateway answers liveness before that: validators load in the background right after `listen`,
 * and the first handshake awaits them. Lightweight entry points (error codes, versions) stay static.
 */
import type * as ProtocolModule from '@openclaw/gateway-protocol';
import { PROTOCOL_VERSION } from '@openclaw/gateway-protocol/version';

export type ProtocolValidators = typeof ProtocolModule;

let loading: Promise<ProtocolValidators> | undefined;

export function loadProtocolValidators(): Promise<ProtocolValidators> {
  loading ??= import('@openclaw/gateway-protocol');
  return loading;
}

export { PROTOCOL_VERSION };

export const MAX_PAYLOAD_BYTES = 25 * 1024 * 1024;
/** A socket whose unsent output passes this is closed (slow consumer). */
export const MAX_BUFFERED_BYTES = 16 * 1024 * 1024;
/**
 * Replies are backpressured, not dropped: above this much unsent output a connection stops being
 * read until its socket drains, and at most MAX_INFLIGHT_REQUESTS of its requests run at once, so
 * a client that sends and never reads cannot make the gateway queue replies without bound.
 */
export const REPLY_PAUSE_ABOVE_BYTES = 1024 * 1024;
export const MAX_INFLIGHT_REQUESTS = 8;
/** Unsent output across all connections above which any connection still writing is paused too. */
export const MAX_TOTAL_BUFFERED_BYTES = 64 * 1024 * 1024;
/** Broadcast events are dropped for a socket whose send buffer is above this (slow consumer). */
export const DROP_EVENTS_ABOVE_BYTES = 1024 * 1024;
/**
 * Before hello a peer is a stranger: one frame may be at most this big (enforced by ws from the
 * frame header, so nothing larger is ever buffered) and all frames before hello together (the
 * connect plus anything pipelined behind it) at most PREAUTH_MAX_TOTAL_BYTES. A real connect is
 * 1–3 KB.
 */
export const PREAUTH_MAX_FRAME_BYTES = 32 * 1024;
export const PREAUTH_MAX_TOTAL_BYTES = 32 * 1024;
/**
 * Unauthenticated sockets allowed at once, per client address and in total; the excess gets 429
 * before the upgrade. Generous per address because behind Docker NAT every local client (app, UI
 * tabs, CLI) shares the bridge address; at most PREAUTH_MAX_FRAME_BYTES + PREAUTH_MAX_TOTAL_BYTES
 * each, so the total stays a few MiB.
 */
export const MAX_PREAUTH_SOCKETS_PER_ADDRESS = 64;
export const MAX_PREAUTH_SOCKETS = 256;
export const TICK_INTERVAL_MS = 30_000;
export const DEFAULT_HANDSHAKE_TIMEOUT_MS = 10_000;

export interface RequestFrame {
  type: 'req';
  id: string;
  method: string;
  params?: unknown;
}

export interface ErrorShape {
  code: string;
  message: string;
  details?: unknown;
  retryable?: boolean;
  retryAfterMs?: number;
}

export type ResponseFrame =
  | { type: 'res'; id: string; ok: true; payload?: unknown }
  | { type: 'res'; id: string; ok: false; error: ErrorShape };

export interface EventFrame {
  type: 'event';
  event: string;
  payload?: unknown;
  seq?: number;
  stateVersion?: { presence: number; health: number };
}

/** Compact one-line summary of validator errors for an INVALID_REQUEST message. */
export function describeValidationErrors(validators: ProtocolValidators, errors: unknown): string {
  try {
    return validators.formatValidationErrors(
      errors as Parameters<ProtocolValidators['formatValidationErrors']>[0],
    );
  } catch {
    return 'schema validation failed';
  }
}
