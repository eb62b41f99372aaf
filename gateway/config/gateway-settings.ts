/**
 * Effective gateway settings: validated config plus environment plus built-in defaults, in one
 * place so the HTTP server, the auth layer and the CLI agree. CLI flags (`--port`, `--bind`, ...)
 * take precedence over all of this and are applied by the caller.
 */
import type { Env } from './paths.js';
import type {
  ConfigIssue,
  GatewayAuthMode,
  GatewayBindMode,
  GatewayMode,
  GatewayReloadMode,
  OpenClawConfig,
  SecretInput,
} from './config-types.js';
import { resolveSecretInputDetailed } from './env-subst.js';

export const DEFAULT_GATEWAY_PORT = 18789;
export const DEFAULT_RATE_LIMIT = {
  maxAttempts: 10,
  windowMs: 60_000,
  lockoutMs: 300_000,
  exemptLoopback: true,
} as const;
export const DEFAULT_RELOAD = {
  mode: 'hybrid',
  debounceMs: 500,
  deferralTimeoutMs: 300_000,
} as const;

export type SettingSource = 'env' | 'config' | 'default';

export interface GatewaySettings {
  /** `undefined` when unset: the start guard refuses to run until it is `local`. */
  mode: GatewayMode | undefined;
  port: number;
  portSource: SettingSource;
  bind: GatewayBindMode;
  customBindHost: string | undefined;
  auth: {
    mode: GatewayAuthMode;
    /** `inferred` when `gateway.auth.mode` is unset. */
    modeSource: 'config' | 'inferred';
    /** Resolved secret values (env var beats config), never logged. */
    token: string | undefined;
    tokenSource: 'env' | 'config' | undefined;
    password: string | undefined;
    passwordSource: 'env' | 'config' | undefined;
    rateLimit: {
      maxAttempts: number;
      windowMs: number;
      lockoutMs: number;
      exemptLoopback: boolean;
    };
  };
  controlUi: {
    enabled: boolean;
    basePath: string;
    root: string | undefined;
    allowedOrigins: string[];
    allowedOriginsSource: 'config' | 'default';
    allowInsecureAuth: boolean;
    dangerouslyDisableDeviceAuth: boolean;
    dangerouslyAllowHostHeaderOriginFallback: boolean;
  };
  trustedProxies: string[];
  allowRealIpFallback: boolean;
  reload: { mode: GatewayReloadMode; debounceMs: number; deferralTimeoutMs: number };
  /** Problems found while combining (bad env values, ambiguous auth, unresolvable SecretRefs). */
  issues: ConfigIssue[];
}

function envPort(env: Env, issues: ConfigIssue[]): number | undefined {
  const raw = env.OPENCLAW_GATEWAY_PORT?.trim();
  if (!raw) return undefined;
  const port = /^\d+$/.test(raw) ? Number(raw) : NaN;
  if (Number.isInteger(port) && port >= 1 && port <= 65535) return port;
  issues.push({
    path: 'env.OPENCLAW_GATEWAY_PORT',
    message: `must be a port number between 1 and 65535 (got "${raw}"); ignored`,
  });
  return undefined;
}

function resolveSecret(
  envValue: string | undefined,
  configValue: SecretInput | undefined,
  env: Env,
  at: string,
  issues: ConfigIssue[],
): { value: string | undefined; source: 'env' | 'config' | undefined } {
  if (envValue !== undefined && envValue !== '') return { value: envValue, source: 'env' };
  const resolved = resolveSecretInputDetailed(configValue, env, at);
  if (resolved.issue) issues.push(resolved.issue);
  return { value: resolved.value, source: resolved.value === undefined ? undefined : 'config' };
}

/** Normalise "openclaw/" or "/openclaw/" to "/openclaw"; "" or "/" means the root. */
function normaliseBasePath(value: string | undefined): string {
  const trimmed = (value ?? '').trim().replace(/^\/+|\/+$/g, '');
  return trimmed === '' ? '' : `/${trimmed}`;
}

export function defaultAllowedOrigins(port: number): string[] {
  return [`http://localhost:${port}`, `http://127.0.0.1:${port}`];
}

export function resolveGatewaySettings(config: OpenClawConfig, env: Env): GatewaySettings {
  const issues: ConfigIssue[] = [];
  const gateway = config.gateway ?? {};
  const auth = gateway.auth ?? {};

  const fromEnv = envPort(env, issues);
  const port = fromEnv ?? gateway.port ?? DEFAULT_GATEWAY_PORT;
  const portSource: SettingSource =
    fromEnv !== undefined ? 'env' : gateway.port !== undefined ? 'config' : 'default';

  const token = resolveSecret(
    env.OPENCLAW_GATEWAY_TOKEN,
    auth.token,
    env,
    'gateway.auth.token',
    issues,
  );
  const password = resolveSecret(
    env.OPENCLAW_GATEWAY_PASSWORD,
    auth.password,
    env,
    'gateway.auth.password',
    issues,
  );
  const tokenSet = token.value !== undefined || auth.token !== undefined;
  const passwordSet = password.value !== undefined || auth.password !== undefined;
  let mode: GatewayAuthMode;
  if (auth.mode) {
    mode = auth.mode;
  } else {
    mode = passwordSet && !tokenSet ? 'password' : 'token';
    if (passwordSet && tokenSet) {
      issues.push({
        path: 'gateway.auth.mode',
        message:
          'both a token and a password are configured; set gateway.auth.mode to "token" or "password"',
      });
    }
  }

  const configuredOrigins = gateway.controlUi?.allowedOrigins;
  const controlUi = gateway.controlUi ?? {};
  const reload = gateway.reload ?? {};

  return {
    mode: gateway.mode,
    port,
    portSource,
    bind: gateway.bind ?? 'loopback',
    customBindHost: gateway.customBindHost,
    auth: {
      mode,
      modeSource: auth.mode ? 'config' : 'inferred',
      token: token.value,
      tokenSource: token.source,
      password: password.value,
      passwordSource: password.source,
      rateLimit: {
        maxAttempts: auth.rateLimit?.maxAttempts ?? DEFAULT_RATE_LIMIT.maxAttempts,
        windowMs: auth.rateLimit?.windowMs ?? DEFAULT_RATE_LIMIT.windowMs,
        lockoutMs: auth.rateLimit?.lockoutMs ?? DEFAULT_RATE_LIMIT.lockoutMs,
        exemptLoopback: auth.rateLimit?.exemptLoopback ?? DEFAULT_RATE_LIMIT.exemptLoopback,
      },
    },
    controlUi: {
      enabled: controlUi.enabled ?? true,
      basePath: normaliseBasePath(controlUi.basePath),
      root: controlUi.root,
      // Seeded instead of refusing to start: the local origins are what the published port serves.
      allowedOrigins:
        configuredOrigins && configuredOrigins.length > 0
          ? [...configuredOrigins]
          : defaultAllowedOrigins(port),
      allowedOriginsSource:
        configuredOrigins && configuredOrigins.length > 0 ? 'config' : 'default',
      allowInsecureAuth: controlUi.allowInsecureAuth ?? false,
      dangerouslyDisableDeviceAuth: controlUi.dangerouslyDisableDeviceAuth ?? false,
      dangerouslyAllowHostHeaderOriginFallback:
        controlUi.dangerouslyAllowHostHeaderOriginFallback ?? false,
    },
    trustedProxies: [...(gateway.trustedProxies ?? [])],
    allowRealIpFallback: gateway.allowRealIpFallback ?? false,
    reload: {
      mode: reload.mode ?? DEFAULT_RELOAD.mode,
      debounceMs: reload.debounceMs ?? DEFAULT_RELOAD.debounceMs,
      deferralTimeoutMs: reload.deferralTimeoutMs ?? DEFAULT_RELOAD.deferralTimeoutMs,
    },
    issues,
  };
}
