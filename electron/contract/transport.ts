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

/** IPC channel names (Electron transport). */
export const HOST_IPC = { call: 'openclaw-host:call', event: 'openclaw-host:event' } as const;

/** WebSocket frames (headless transport). */
export type HostWireMessage =
  | { type: 'call'; id: string; name: string; params: unknown }
  | { type: 'result'; id: string; ok: true; value: unknown }
  | { type: 'result'; id: string; ok: false; error: HostCallError }
  | { type: 'event'; name: string; payload: unknown };
