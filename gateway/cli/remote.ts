/**
 * How the CLI reaches a gateway: URL and credentials (`--url` disables config/env credential
 * fallback), its own device identity from the state dir, and the reference client
 * `@openclaw/gateway-client` for the handshake.
 */
import {
  ConnectErrorDetailCodes,
  readConnectErrorDetailCode,
} from '@openclaw/gateway-protocol/connect-error-details';
import { loadConfigSnapshot } from '../config/config-store.js';
import { resolveGatewaySettings } from '../config/gateway-settings.js';
import { resolveSecretInput } from '../config/env-subst.js';
import type { Env, StatePaths } from '../config/paths.js';
import { ErrorCode, OpenClawError, errorMessage } from '../infra/errors.js';
import type { GatewayClientRequestOptions } from '@openclaw/gateway-client';
import { createGatewayClientHostDeps } from '../pairing/client-identity-store.js';
import { GATEWAY_VERSION } from '../runtime/version.js';

export interface RemoteOptions {
  url?: string;
  token?: string;
  password?: string;
  timeoutMs?: number;
}

export interface ResolvedTarget {
  url: string;
  token?: string;
  password?: string;
  /** True when the URL came from --url (no credential fallback, no local file fallback). */
  explicitUrl: boolean;
  port: number;
}

/** Flags every command that talks to a gateway accepts. */
export const REMOTE_OPTIONS = {
  url: { type: 'string' },
  token: { type: 'string' },
  password: { type: 'string' },
  timeout: { type: 'string' },
  json: { type: 'boolean' },
} as const;

export const CLI_SCOPES = [
  'operator.admin',
  'operator.read',
  'operator.write',
  'operator.approvals',
  'operator.pairing',
];

export async function resolveTarget(
  paths: StatePaths,
  env: Env,
  opts: RemoteOptions,
): Promise<ResolvedTarget> {
  const snapshot = await loadConfigSnapshot(paths, env);
  const settings = resolveGatewaySettings(snapshot.config, env);
  if (opts.url) {
    return {
      url: opts.url,
      token: opts.token,
      password: opts.password,
      explicitUrl: true,
      port: settings.port,
    };
  }
  const remote = snapshot.config.gateway?.remote;
  const useRemote = snapshot.config.gateway?.mode === 'remote' && typeof remote?.url === 'string';
  // Inside the container the CLI shares the gateway's network namespace: 127.0.0.1 is the gateway,
  // never the container's LAN address (which would make it a remote, unpaired client).
  const url =
    env.OPENCLAW_GATEWAY_URL?.trim() ||
    (useRemote ? String(remote!.url) : `ws://127.0.0.1:${settings.port}`);
  const token =
    opts.token ??
    settings.auth.token ??
    (useRemote || !settings.auth.token ? resolveSecretInput(remote?.token, env) : undefined);
  const password =
    opts.password ?? settings.auth.password ?? resolveSecretInput(remote?.password, env);
  return { url, token, password, explicitUrl: false, port: settings.port };
}

/** Per-request options of the reference client (`expectFinal` for staged answers such as `agent`). */
export type GatewayRequestOptions = GatewayClientRequestOptions;

/** A server-pushed event (`chat`, `agent`, ...). */
export interface GatewayEvent {
  event: string;
  payload: unknown;
}

export interface GatewaySession {
  request<T = Record<string, unknown>>(
    method: string,
    params?: unknown,
    opts?: GatewayRequestOptions,
  ): Promise<T>;
  /** Listen to server events; returns the unsubscribe function. */
  onEvent(listener: (event: GatewayEvent) => void): () => void;
  hello: Record<string, unknown>;
  close(): Promise<void>;
}

export interface ConnectOptions {
  /** Capabilities to advertise (e.g. `tool-events` to receive tool start/result events). */
  caps?: string[];
}

/** A connect failure with the gateway's structured details (pairing required, auth, ...). */
export class GatewayConnectError extends OpenClawError {
  constructor(
    message: string,
    readonly detailCode: string | null,
    readonly gatewayDetails: unknown,
    cause?: unknown,
  ) {
    super(ErrorCode.GATEWAY_UNREACHABLE, message, { cause, details: { detailCode } });
  }

  get pairingRequired(): boolean {
    return this.detailCode === ConnectErrorDetailCodes.PAIRING_REQUIRED;
  }

  get unreachable(): boolean {
    return this.detailCode === null;
  }
}

export async function connectGateway(
  paths: StatePaths,
  target: ResolvedTarget,
  timeoutMs = 10_000,
  connectOptions: ConnectOptions = {},
): Promise<GatewaySession> {
  const { GatewayClient } = await import('@openclaw/gateway-client');
  const deps = createGatewayClientHostDeps(paths);
  const listeners = new Set<(event: GatewayEvent) => void>();
  return new Promise<GatewaySession>((resolve, reject) => {
    let settled = false;
    const timer = setTimeout(() => {
      fail(
        new GatewayConnectError(
          `gateway at ${target.url} did not answer within ${timeoutMs} ms (is it running? try \`openclaw status\`)`,
          null,
          undefined,
        ),
      );
    }, timeoutMs);
    const client = new GatewayClient({
      url: target.url,
      token: target.token,
      password: target.password,
      clientName: 'cli',
      mode: 'cli',
      clientDisplayName: 'openclaw CLI',
      clientVersion: GATEWAY_VERSION,
      platform: process.platform,
      role: 'operator',
      scopes: CLI_SCOPES,
      ...(connectOptions.caps ? { caps: connectOptions.caps } : {}),
      requestTimeoutMs: timeoutMs,
      onEvent: (evt) => {
        for (const listener of listeners) listener({ event: evt.event, payload: evt.payload });
      },
      hostDeps: { ...deps, logDebug: () => {}, logError: () => {} },
      onHelloOk: (hello) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        resolve({
          hello: hello as unknown as Record<string, unknown>,
          request: (method, params, opts) => client.request(method, params ?? {}, opts),
          onEvent: (listener) => {
            listeners.add(listener);
            return () => listeners.delete(listener);
          },
          close: () => client.stopAndWait({ timeoutMs: 2000 }).catch(() => {}),
        });
      },
      onConnectError: (err) => {
        const details = (err as { details?: unknown }).details;
        fail(
          new GatewayConnectError(
            describeConnectError(err, target),
            readConnectErrorDetailCode(details),
            details,
            err,
          ),
        );
      },
      onClose: (code, reason) => {
        if (!settled && code === 1008)
          fail(
            new GatewayConnectError(
              `gateway closed the connection (${code}): ${reason}`,
              null,
              undefined,
            ),
          );
      },
    });
    function fail(error: GatewayConnectError) {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      client.stop();
      reject(error);
    }
    client.start();
  });
}

function describeConnectError(err: Error, target: ResolvedTarget): string {
  const message = errorMessage(err);
  if (/ECONNREFUSED|ENOTFOUND|EHOSTUNREACH|socket hang up/i.test(message)) {
    return `cannot reach the gateway at ${target.url} (${message}); start it with \`openclaw gateway run\` or check --url`;
  }
  return message;
}

/** Open a session, run `fn`, always close. */
export async function withGateway<T>(
  paths: StatePaths,
  env: Env,
  opts: RemoteOptions,
  fn: (session: GatewaySession, target: ResolvedTarget) => Promise<T>,
  connectOptions: ConnectOptions = {},
): Promise<T> {
  const target = await resolveTarget(paths, env, opts);
  const session = await connectGateway(paths, target, opts.timeoutMs, connectOptions);
  try {
    return await fn(session, target);
  } finally {
    await session.close();
  }
}
