/** Shapes shared by the gateway's connection, method and runtime modules. */
import type { AuthSettings } from './auth.js';
import type { AddressMatcher } from './net.js';
import type { RateLimitSettings } from './rate-limit.js';

export type BindMode = 'loopback' | 'lan' | 'auto' | 'custom' | 'tailnet';

/** Effective gateway settings, re-derived whenever the config changes (resolved per request). */
export interface GatewayRuntimeSettings {
  port: number;
  bind: BindMode;
  auth: AuthSettings;
  allowedOrigins: string[];
  allowHostHeaderFallback: boolean;
  controlUi: {
    enabled: boolean;
    basePath: string;
    root: string | undefined;
    allowInsecureAuth: boolean;
    dangerouslyDisableDeviceAuth: boolean;
  };
  trustedProxies: AddressMatcher;
  allowRealIpFallback: boolean;
  rateLimit: RateLimitSettings & { exemptLoopback: boolean };
}

export type AuthMethod = 'none' | 'token' | 'password' | 'device-token';

/** What the gateway knows about one authenticated connection. */
export interface ClientSession {
  connId: string;
  role: string;
  scopes: string[];
  clientId: string;
  clientMode: string;
  clientVersion: string;
  platform: string;
  deviceFamily?: string;
  displayName?: string;
  instanceId?: string;
  deviceId?: string;
  authMethod: AuthMethod;
  /** Shared-secret generation at connect; a rotated secret closes the session (4001). */
  authGeneration: number;
  clientIp: string;
  localDirect: boolean;
  origin?: string;
  connectedAtMs: number;
  /** Optional features the client asked for at connect (e.g. `tool-events`). */
  caps?: readonly string[];
}

export interface PresenceEntry {
  host?: string;
  ip?: string;
  version?: string;
  platform?: string;
  deviceFamily?: string;
  mode?: string;
  reason?: string;
  text?: string;
  ts: number;
  onlineSince?: number;
  deviceId?: string;
  roles?: string[];
  scopes?: string[];
  instanceId?: string;
}

/**
 * A two-stage answer (the protocol's `agent`): `ack` goes out at once, then `final` as a second
 * `res` with the same request id. Clients waiting for the final ignore the `accepted` ack.
 */
export class StagedResponse {
  constructor(
    readonly ack: unknown,
    readonly final: Promise<unknown>,
  ) {}
}
