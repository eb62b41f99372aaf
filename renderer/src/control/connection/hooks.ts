/**
 * React hooks over the Control UI store: the connection status, gateway events, and gateway reads
 * that refetch when the events a page names say its data is stale.
 */
import { useCallback, useEffect, useRef } from 'react';
import type { EventFrame } from '@openclaw/gateway-client/browser';
import { gatewayRequest, getGatewayConnection, useControlStore } from './control-store.js';
import type { GatewayConnectionStatus } from './gateway-connection.js';
import type { GatewayHello, PresenceEntry } from './hello.js';
import { EMPTY_QUERY } from './queries-slice.js';

export function useGatewayStatus(): GatewayConnectionStatus {
  return useControlStore((s) => s.gatewayStatus);
}

export function useGatewayHello(): GatewayHello | null {
  return useControlStore((s) => s.gatewayHello);
}

export function useGatewayPresence(): PresenceEntry[] {
  return useControlStore((s) => s.gatewayPresence);
}

export function useGatewayConnected(): boolean {
  return useControlStore((s) => s.gatewayStatus.state === 'connected');
}

/** Calls `handler` for each gateway event whose name is in `names`, on whatever connection is live. */
export function useGatewayEvent(
  names: readonly string[],
  handler: (event: EventFrame) => void,
): void {
  const url = useControlStore((s) => s.gatewayUrl);
  const handlerRef = useRef(handler);
  handlerRef.current = handler;
  const namesKey = names.join('\n');
  useEffect(() => {
    const connection = getGatewayConnection();
    if (!connection) return;
    const wanted = new Set(namesKey.split('\n'));
    return connection.onEvent((event) => {
      if (wanted.has(event.event)) handlerRef.current(event);
    });
  }, [url, namesKey]);
}

export interface GatewayQuery<T> {
  data: T | undefined;
  error: string | null;
  loading: boolean;
  updatedAt: number | null;
  refetch: () => Promise<void>;
}

export interface GatewayQueryOptions<T> {
  /** Validates and narrows the gateway's answer (it crossed the network). */
  parse: (raw: unknown) => T;
  /** Gateway events that make this data stale. */
  refetchOn?: readonly string[];
  enabled?: boolean;
}

/**
 * Reads `method` once connected, again after every reconnect, on an event gap, and whenever one
 * of `refetchOn` arrives. The result is cached under `key` in the store.
 */
export function useGatewayQuery<T>(
  key: string,
  method: string,
  params: unknown,
  options: GatewayQueryOptions<T>,
): GatewayQuery<T> {
  const entry = useControlStore((s) => s.queries[key] ?? EMPTY_QUERY);
  const connected = useGatewayConnected();
  const url = useControlStore((s) => s.gatewayUrl);
  const enabled = options.enabled ?? true;
  const parseRef = useRef(options.parse);
  parseRef.current = options.parse;
  const paramsJson = JSON.stringify(params ?? {});
  const refetchOnKey = (options.refetchOn ?? []).join('\n');

  const refetch = useCallback(
    () =>
      useControlStore
        .getState()
        .runQuery(key, async () =>
          parseRef.current(await gatewayRequest(method, JSON.parse(paramsJson) as unknown)),
        ),
    [key, method, paramsJson],
  );

  useEffect(() => {
    if (connected && enabled) void refetch();
  }, [connected, enabled, refetch]);

  useEffect(() => {
    const connection = getGatewayConnection();
    if (!connection || !enabled) return;
    const wanted = new Set(refetchOnKey ? refetchOnKey.split('\n') : []);
    const offEvent = connection.onEvent((event) => {
      if (wanted.has(event.event)) void refetch();
    });
    const offResync = connection.onResync((reason) => {
      if (reason === 'gap') void refetch();
    });
    return () => {
      offEvent();
      offResync();
    };
  }, [url, enabled, refetch, refetchOnKey]);

  return {
    data: entry.data as T | undefined,
    error: entry.error,
    loading: entry.loading || (entry.updatedAt === null && entry.error === null),
    updatedAt: entry.updatedAt,
    refetch,
  };
}
