/**
 * The Electron transport: the preload bridge `window.openclawHost`. The main process answers every
 * call with the handler's outcome (`{ ok, value }` or `{ ok: false, error }`) because Electron only
 * carries `message` across a rejected invoke; this unwraps it into a value or a HostError. A plain
 * value (a bridge that already unwraps) passes through unchanged.
 */
import type {
  HostCallName,
  HostCallParams,
  HostCallResult,
  HostEventName,
  HostEventPayload,
} from '../../../electron/contract/host-api.js';
import type { HostApi } from '../../../electron/contract/transport.js';
import { HostError, toHostError } from './host-error.js';
import { Listeners, type HostConnection, type HostConnectionState } from './host-connection.js';

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Turn one transport answer into a value, or throw the host's error. */
export function unwrapOutcome(answer: unknown): unknown {
  if (isRecord(answer) && answer.ok === false && isRecord(answer.error)) {
    const { code, message } = answer.error;
    throw new HostError(
      typeof code === 'string' ? code : 'INTERNAL',
      typeof message === 'string' ? message : 'the host call failed',
    );
  }
  // No host result has both `ok` and `value` keys, so this shape is always the envelope.
  if (isRecord(answer) && answer.ok === true && 'value' in answer) return answer.value;
  return answer;
}

/** Whether `value` looks like the preload bridge (both functions present). */
export function isHostBridge(value: unknown): value is HostApi {
  return isRecord(value) && typeof value.call === 'function' && typeof value.on === 'function';
}

export function createIpcHost(bridge: HostApi): HostConnection {
  const states = new Listeners<HostConnectionState>();
  const unsubscribers = new Set<() => void>();
  // The preload filters by event name at run time, so the tray's "navigate" arrives through `on`
  // even though it is not a typed host event.
  const onUntyped = bridge.on as unknown as (
    event: string,
    listener: (payload: unknown) => void,
  ) => () => void;

  return {
    kind: 'electron',
    async call<K extends HostCallName>(
      name: K,
      params: HostCallParams<K>,
    ): Promise<HostCallResult<K>> {
      let answer: unknown;
      try {
        answer = await bridge.call(name, params);
      } catch (err) {
        throw toHostError(err);
      }
      return unwrapOutcome(answer) as HostCallResult<K>;
    },
    on<K extends HostEventName>(event: K, listener: (payload: HostEventPayload<K>) => void) {
      const off = bridge.on(event, listener);
      unsubscribers.add(off);
      return () => {
        unsubscribers.delete(off);
        off();
      };
    },
    getState: () => 'open',
    onStateChange: (listener) => states.add(listener),
    onNavigate(listener) {
      const off = onUntyped('navigate', (payload) => {
        if (isRecord(payload) && typeof payload.page === 'string')
          listener(payload.page, typeof payload.focus === 'string' ? payload.focus : undefined);
      });
      unsubscribers.add(off);
      return () => {
        unsubscribers.delete(off);
        off();
      };
    },
    dispose() {
      for (const off of unsubscribers) off();
      unsubscribers.clear();
      states.clear();
    },
  };
}
