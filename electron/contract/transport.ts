/**
 * Transport-level pieces of the host API contract, free of runtime dependencies so the preload
 * (and a browser client) can import them without pulling in the schemas.
 */
import type {
  HostCallName,
  HostCallParams,
  HostCallResult,
  HostEventName,
  HostEventPayload,
} from './host-api.js';

/** The API as the UI sees it, whatever the transport. */
export interface HostApi {
  call<K extends HostCallName>(name: K, params: HostCallParams<K>): Promise<HostCallResult<K>>;
  on<K extends HostEventName>(
    event: K,
    listener: (payload: HostEventPayload<K>) => void,
  ): () => void;
}

/** A failed call crosses the transport as this shape (Electron only carries `message` on errors). */
export interface HostCallError {
  code: string;
  message: string;
}

/** What a call answers on the wire (IPC and WebSocket): the value, or a structured error. */
export type HostCallOutcome = { ok: true; value: unknown } | { ok: false; error: HostCallError };

/**
 * The preload's `window.openclawHost`: calls answer the outcome as-is (Electron keeps only an
 * error's message across IPC, so errors travel as data); the renderer unwraps it into `HostApi`.
 */
export interface HostBridge {
  call(name: HostCallName, params: unknown): Promise<HostCallOutcome>;
  on<K extends HostEventName>(
    event: K,
    listener: (payload: HostEventPayload<K>) => void,
  ): () => void;
}

/** IPC channel names (Electron transport). */
export const HOST_IPC = { call: 'openclaw-host:call', event: 'openclaw-host:event' } as const;

/** WebSocket frames (headless transport). */
export type HostWireMessage =
  | { type: 'call'; id: string; name: string; params: unknown }
  | { type: 'result'; id: string; ok: true; value: unknown }
  | { type: 'result'; id: string; ok: false; error: HostCallError }
  | { type: 'event'; name: string; payload: unknown };
