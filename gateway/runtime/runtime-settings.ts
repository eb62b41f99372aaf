/**
 * Turns config + env (+ `gateway run` flags) into the settings the server reads on every request.
 * Flags beat env beat config, as upstream: `--port` > OPENCLAW_GATEWAY_PORT > gateway.port.
 */
import { resolveGatewaySettings, type GatewaySettings } from '../config/gateway-settings.js';
import type { OpenClawConfig } from '../config/config-types.js';
import type { Env } from '../config/paths.js';
import { AddressMatcher } from '../server/net.js';
import { defaultAllowedOrigins } from '../server/origin.js';
import type { AuthMode } from '../server/auth.js';
import type { BindMode, GatewayRuntimeSettings } from '../server/types.js';

export interface GatewayRunFlags {
  port?: number;
  bind?: BindMode;
  auth?: AuthMode;
  token?: string;
  password?: string;
}

export interface ResolvedRuntime {
  settings: GatewayRuntimeSettings;
  base: GatewaySettings;
  customBindHost: string | undefined;
}

export function deriveRuntimeSettings(
  config: OpenClawConfig,
  env: Env,
  flags: GatewayRunFlags = {},
): ResolvedRuntime {
  const base = resolveGatewaySettings(config, env);
  const port = flags.port ?? base.port;
  const token = flags.token ?? base.auth.token;
  const password = flags.password ?? base.auth.password;
  let mode: AuthMode = flags.auth ?? base.auth.mode;
  // A --password without --auth on a token-inferred config means password auth.
  if (!flags.auth && base.auth.modeSource === 'inferred' && flags.password && !flags.token)
    mode = 'password';
  const origins =
    base.controlUi.allowedOriginsSource === 'config'
      ? base.controlUi.allowedOrigins
      : [
          ...new Set([
            ...defaultAllowedOrigins(port),
            ...base.controlUi.allowedOrigins.filter((o) => o.endsWith(`:${port}`)),
          ]),
        ];
  return {
    base,
    customBindHost: base.customBindHost,
    settings: {
      port,
      bind: flags.bind ?? base.bind,
      auth: { mode, token, password },
      allowedOrigins: origins,
      allowHostHeaderFallback: base.controlUi.dangerouslyAllowHostHeaderOriginFallback,
      controlUi: {
        enabled: base.controlUi.enabled,
        basePath: base.controlUi.basePath,
        root: base.controlUi.root,
        allowInsecureAuth: base.controlUi.allowInsecureAuth,
        dangerouslyDisableDeviceAuth: base.controlUi.dangerouslyDisableDeviceAuth,
      },
      trustedProxies: new AddressMatcher(base.trustedProxies),
      allowRealIpFallback: base.allowRealIpFallback,
      rateLimit: base.auth.rateLimit,
    },
  };
}

/** The address `listen` uses for a bind mode. */
export function bindHostFor(bind: BindMode, customBindHost: string | undefined): string {
  switch (bind) {
    case 'lan':
      return '0.0.0.0';
    case 'custom':
      return customBindHost ?? '0.0.0.0';
    case 'loopback':
    case 'auto':
    case 'tailnet':
    default:
      return '127.0.0.1';
  }
}

export function isLoopbackBind(bind: BindMode, customBindHost: string | undefined): boolean {
  const host = bindHostFor(bind, customBindHost);
  return host === '127.0.0.1' || host === '::1';
}
