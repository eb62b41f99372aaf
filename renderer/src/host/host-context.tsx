/**
 * React access to the host. One connection is made at startup (main.tsx) and provided here;
 * `useHost()` gives pages the API (or null when served by the gateway) and the live transport state.
 */
import { createContext, useContext, useSyncExternalStore, type ReactNode } from 'react';
import type { HostApi } from '../../../electron/contract/transport.js';
import type { HostConnection, HostConnectionState, HostKind } from './host-connection.js';

const HostContext = createContext<HostConnection | null>(null);

export function HostProvider({
  connection,
  children,
}: {
  connection: HostConnection | null;
  children: ReactNode;
}) {
  return <HostContext.Provider value={connection}>{children}</HostContext.Provider>;
}

export interface HostView {
  /** "none": served by the gateway, only the Control UI pages exist. */
  kind: HostKind | 'none';
  /** The typed host API, or null without a host. */
  api: HostApi | null;
  /** The transport behind `api` (for connection-level needs: navigate events, disposal). */
  connection: HostConnection | null;
  state: HostConnectionState | 'none';
}

const noop = () => () => {};

export function useHost(): HostView {
  const connection = useContext(HostContext);
  const state = useSyncExternalStore(
    connection ? (cb) => connection.onStateChange(cb) : noop,
    () => (connection ? connection.getState() : 'none'),
    () => (connection ? connection.getState() : 'none'),
  );
  return { kind: connection?.kind ?? 'none', api: connection, connection, state };
}

/** The host API inside app pages, which only render when a host exists. */
export function useHostApi(): HostApi {
  const connection = useContext(HostContext);
  if (!connection)
    throw new Error('useHostApi() used outside a host (app pages need the host API)');
  return connection;
}
