/** The one status a Control UI screen renders for its gateway connection. */
import type { AuthProblem } from './connect-failure.js';

export type GatewayConnectionStatus =
  | { state: 'idle' }
  | { state: 'connecting'; since: number }
  | { state: 'connected'; since: number }
  | {
      state: 'pairing-required';
      since: number;
      requestId: string | null;
      reason: string | null;
      deviceId: string | null;
      /** When the gateway last answered "still pending". */
      lastCheckedAt: number;
      retryEveryMs: number;
    }
  | { state: 'auth-failed'; since: number; problem: AuthProblem; retryAt: number | null }
  | {
      state: 'disconnected';
      since: number;
      code: number;
      reason: string;
      /** Set when the gateway announced a shutdown or restart before the socket closed. */
      shutdownReason: string | null;
    };
