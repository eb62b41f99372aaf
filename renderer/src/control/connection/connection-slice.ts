/**
 * The zustand slice that mirrors the one live `GatewayConnection`: its status and hello, plus the
 * actions screens call. The connection object itself lives outside the store (it is not state,
 * and must never be serialised by devtools); so does the token, which is never put into state.
 */
import type { StateCreator } from 'zustand';
import type { GatewayConnection, GatewayConnectionStatus } from './gateway-connection.js';
import type { GatewayHello, PresenceEntry } from './hello.js';

export interface GatewayTarget {
  /** `ws://host:port` (or `wss://`). */
  url: string;
  /** The gateway's shared token; kept in sessionStorage for exactly this gateway. */
  token?: string;
}

export interface GatewaySlice {
  gatewayUrl: string | null;
  gatewayStatus: GatewayConnectionStatus;
  gatewayHello: GatewayHello | null;
  /** Live presence: the hello snapshot, then every `presence` event. */
  gatewayPresence: PresenceEntry[];
  /** Last `tick`/`health` the gateway pushed (for "last heard"). */
  gatewayLastEventAt: number | null;
  /** Whether this page holds a gateway token (never the token itself). */
  gatewayHasToken: boolean;
  /**
   * When the desktop app was told this window's device key (`controlUi.expectDevice`): the app
   * approves that key by itself within a second or two, so "pairing required" is not news yet.
   */
  appApprovalSince: number | null;
  setAppApproval(since: number | null): void;
  bindGatewayConnection(connection: GatewayConnection | null): void;
  setGatewayStatus(status: GatewayConnectionStatus, hello: GatewayHello | null): void;
  setGatewayPresence(presence: PresenceEntry[]): void;
  noteGatewayEvent(at: number): void;
}

export const createGatewaySlice: StateCreator<GatewaySlice, [], [], GatewaySlice> = (set) => ({
  gatewayUrl: null,
  gatewayStatus: { state: 'idle' },
  gatewayHello: null,
  gatewayPresence: [],
  gatewayLastEventAt: null,
  gatewayHasToken: false,
  appApprovalSince: null,
  setAppApproval: (since) => set({ appApprovalSince: since }),
  bindGatewayConnection: (connection) =>
    set({
      gatewayUrl: connection?.url ?? null,
      gatewayStatus: connection?.status ?? { state: 'idle' },
      gatewayHello: connection?.hello ?? null,
      gatewayPresence: connection?.hello?.presence ?? [],
      gatewayHasToken: connection?.hasToken ?? false,
    }),
  setGatewayStatus: (status, hello) =>
    set((state) => ({
      gatewayStatus: status,
      gatewayHello: hello,
      gatewayPresence:
        status.state === 'connected' && hello && hello !== state.gatewayHello
          ? hello.presence
          : state.gatewayPresence,
    })),
  setGatewayPresence: (presence) => set({ gatewayPresence: presence }),
  noteGatewayEvent: (at) => set({ gatewayLastEventAt: at }),
});
