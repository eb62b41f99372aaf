/**
 * Host side of the contract: validates every incoming call against its schema once, here at the
 * edge, then runs the implementation. Both transports (Electron IPC, headless WebSocket) call
 * `handle`; neither trusts what the UI sends.
 */
import { Value } from 'typebox/value';
import {
  HostCalls,
  HostEvents,
  type HostCallError,
  type HostCallName,
  type HostCallParams,
  type HostCallResult,
  type HostEventName,
  type HostEventPayload,
} from '../../contract/host-api.js';
import { isOpenClawError, errorMessage } from '../../../gateway/infra/errors.js';
import { toDisposable, type Disposable } from '../../../gateway/infra/disposable.js';

export type HostImplementation = {
  [K in HostCallName]: (params: HostCallParams<K>) => Promise<HostCallResult<K>>;
};

export type HostCallOutcome = { ok: true; value: unknown } | { ok: false; error: HostCallError };

type EventListener = (name: HostEventName, payload: unknown) => void;

export class HostApiHandler {
  private readonly listeners = new Set<EventListener>();

  constructor(private impl?: HostImplementation) {}

  /** Attach the implementation (the composition root creates the handler first for its events). */
  bind(impl: HostImplementation): void {
    this.impl = impl;
  }

  /** Validate and run one call; never throws (errors become `{ ok: false }`). */
  async handle(name: unknown, params: unknown): Promise<HostCallOutcome> {
    if (typeof name !== 'string' || !Object.hasOwn(HostCalls, name)) {
      return {
        ok: false,
        error: { code: 'INVALID_ARGUMENT', message: `unknown host call: ${String(name)}` },
      };
    }
    const key = name as HostCallName;
    const schema = HostCalls[key].params;
    const input = params ?? {};
    if (!Value.Check(schema, input)) {
      const first = [...Value.Errors(schema, input)][0];
      const where = first
        ? `${(first as { instancePath?: string }).instancePath || '(root)'}: ${first.message}`
        : 'invalid';
      return {
        ok: false,
        error: { code: 'INVALID_ARGUMENT', message: `invalid arguments for ${key}: ${where}` },
      };
    }
    if (!this.impl)
      return {
        ok: false,
        error: { code: 'UNAVAILABLE', message: 'the app is still starting; try again' },
      };
    try {
      const handler = this.impl[key] as (p: unknown) => Promise<unknown>;
      return { ok: true, value: await handler(input) };
    } catch (err) {
      return {
        ok: false,
        error: isOpenClawError(err)
          ? { code: err.code, message: err.message }
          : { code: 'INTERNAL', message: errorMessage(err) },
      };
    }
  }

  emit<K extends HostEventName>(name: K, payload: HostEventPayload<K>): void {
    if (!Object.hasOwn(HostEvents, name)) return;
    for (const listener of this.listeners) {
      try {
        listener(name, payload);
      } catch {
        // a broken transport must not stop the others
      }
    }
  }

  subscribe(listener: EventListener): Disposable {
    this.listeners.add(listener);
    return toDisposable(() => this.listeners.delete(listener));
  }
}
