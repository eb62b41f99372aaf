/**
 * Strict validation of `openclaw.json` (after `${VAR}` substitution). Every problem is listed with
 * its dotted path and a message that says what is allowed; unknown keys are errors (only `$schema`
 * is tolerated at the root) because a typo such as `gateway.auht` must not silently fall back to
 * defaults. Upstream sections this gateway does not interpret are accepted as plain objects.
 */
import { isIP, isIPv4 } from 'node:net';
import {
  arrayOf,
  bool,
  byShape,
  type Check,
  describe,
  looseArray,
  looseObject,
  num,
  obj,
  oneOf,
  str,
} from './config-checks.js';
import { joinConfigPath } from './config-path.js';
import { agentModelCheck, modelsCheck } from './models-schema.js';
import { sandboxConfigCheck, sandboxToolsSectionCheck } from './sandbox-schema.js';
import {
  type AgentEntryConfig,
  type AgentModelConfig,
  type AgentsConfig,
  type ConfigIssue,
  GATEWAY_AUTH_MODES,
  GATEWAY_BIND_MODES,
  GATEWAY_MODES,
  GATEWAY_RELOAD_MODES,
  type GatewayConfig,
  LOG_LEVELS,
  type OpenClawConfig,
  SECRET_REF_SOURCES,
  type SecretInput,
  type SecretRef,
  TOOL_PROFILES,
  type ToolsConfig,
} from './config-types.js';
import { isPlainObject } from './json-value.js';
import { channelsConfigCheck } from '../channels/core/channel-config-check.js';

export * from './config-types.js';
export { resolveGatewaySettings, type GatewaySettings } from './gateway-settings.js';

export interface ConfigValidationResult {
  ok: boolean;
  /** Only the values that passed validation; invalid ones are left out (defaults apply). */
  config: OpenClawConfig;
  issues: ConfigIssue[];
}

export const AGENT_ID_PATTERN = /^[a-z0-9][a-z0-9_-]{0,63}$/i;
const ENV_NAME_PATTERN = /^[A-Za-z_][A-Za-z0-9_]*$/;

const nonEmpty = str({ nonEmpty: true });
const nonNegativeInt = num({ integer: true, min: 0 });
const positiveInt = num({ integer: true, min: 1 });
const looseObj = looseObject();

const secretRefFields = obj(
  {
    source: oneOf(SECRET_REF_SOURCES),
    provider: nonEmpty,
    id: nonEmpty,
  },
  {
    required: ['source', 'provider', 'id'],
    refine: (out, _raw, path, issues) => {
      if (out.source === 'env' && out.id !== undefined && !ENV_NAME_PATTERN.test(out.id)) {
        issues.push({
          path: joinConfigPath(path, 'id'),
          message: 'must be an environment variable name like OPENCLAW_GATEWAY_TOKEN',
        });
      }
    },
  },
);

export const secretRefCheck: Check<SecretRef> = (value, path, issues) => {
  const before = issues.length;
  const out = secretRefFields(value, path, issues);
  if (!out || issues.length > before || !out.source || !out.provider || !out.id) return undefined;
  return { source: out.source, provider: out.provider, id: out.id };
};

export const secretInputCheck: Check<SecretInput> = byShape<SecretInput>(
  (v) => (typeof v === 'string' ? nonEmpty : isPlainObject(v) ? secretRefCheck : undefined),
  'must be a string or a SecretRef {source: "env"|"file"|"exec", provider, id}',
);

function bindHint(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  const v = value.trim().toLowerCase();
  if (v === '0.0.0.0' || v === '::' || v === '[::]' || v === '*' || v === 'all') {
    return 'host addresses are not accepted here; use "lan" to listen on all interfaces';
  }
  if (v === 'localhost' || v === '127.0.0.1' || v === '::1' || v === '[::1]') {
    return 'host addresses are not accepted here; use "loopback" to listen on 127.0.0.1 only';
  }
  if (isIP(v)) return 'to listen on one specific address set bind "custom" and customBindHost';
  return undefined;
}

function originProblem(value: string): string | undefined {
  const hint =
    'must be an origin like "http://localhost:18789" (scheme, host and optional port; no path) or "*"';
  if (value === '*') return undefined;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return hint;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return hint;
  if (url.username || url.password || url.search || url.hash || url.pathname !== '/') return hint;
  return undefined;
}

/** Browsers send `https://host` for port 443; normalising here avoids "origin not allowed" surprises. */
const originCheck: Check<string> = (value, path, issues) => {
  const checked = str({ refine: originProblem })(value, path, issues);
  if (checked === undefined || checked === '*') return checked;
  return new URL(checked).origin;
};

function ipOrCidrProblem(value: string): string | undefined {
  const hint = 'must be an IP address or CIDR range like "10.0.0.0/8" or "fd00::/8"';
  const parts = value.trim().split('/');
  if (parts.length > 2) return hint;
  const family = isIP(parts[0] ?? '');
  if (family === 0) return hint;
  const prefix = parts[1];
  if (
    prefix !== undefined &&
    (!/^\d{1,3}$/.test(prefix) || Number(prefix) > (family === 4 ? 32 : 128))
  )
    return hint;
  return undefined;
}

function urlProblem(schemes: readonly string[]): (value: string) => string | undefined {
  return (value) => {
    try {
      if (schemes.includes(new URL(value).protocol)) return undefined;
    } catch {
      // fall through to the message
    }
    return `must be a URL starting with ${schemes.map((s) => `${s}//`).join(' or ')}`;
  };
}

const gatewayCheck: Check<GatewayConfig> = obj(
  {
    mode: oneOf(GATEWAY_MODES),
    port: num({ integer: true, min: 1, max: 65535 }),
    bind: oneOf(GATEWAY_BIND_MODES, bindHint),
    customBindHost: str({
      refine: (v) => (isIPv4(v) ? undefined : 'must be an IPv4 address like "192.168.1.10"'),
    }),
    auth: obj({
      mode: oneOf(GATEWAY_AUTH_MODES),
      token: secretInputCheck,
      password: secretInputCheck,
      rateLimit: obj({
        maxAttempts: positiveInt,
        windowMs: positiveInt,
        lockoutMs: nonNegativeInt,
        exemptLoopback: bool(),
      }),
      allowTailscale: bool(),
      trustedProxy: looseObj,
    }),
    controlUi: obj({
      enabled: bool(),
      basePath: str({
        pattern: /^\/?[A-Za-z0-9._~\-/]*$/,
        patternHint:
          'must be a URL path prefix like "/openclaw" (letters, digits, "-", "_", ".", "/")',
      }),
      root: nonEmpty,
      allowedOrigins: arrayOf(originCheck),
      allowInsecureAuth: bool(),
      dangerouslyDisableDeviceAuth: bool(),
      dangerouslyAllowHostHeaderOriginFallback: bool(),
    }),
    trustedProxies: arrayOf(str({ refine: ipOrCidrProblem })),
    allowRealIpFallback: bool(),
    reload: obj({
      mode: oneOf(GATEWAY_RELOAD_MODES),
      debounceMs: nonNegativeInt,
      deferralTimeoutMs: nonNegativeInt,
    }),
    remote: obj({
      url: str({ refine: urlProblem(['ws:', 'wss:', 'http:', 'https:']) }),
      token: secretInputCheck,
      password: secretInputCheck,
      transport: oneOf(['ssh', 'direct'] as const),
      tlsFingerprint: nonEmpty,
    }),
    tls: looseObj,
    tailscale: looseObj,
    http: obj({
      endpoints: obj({
        chatCompletions: obj({ enabled: bool(), images: looseObj }),
        responses: looseObj,
        embeddings: looseObj,
      }),
      securityHeaders: looseObj,
    }),
    tools: looseObj,
    nodes: looseObj,
    push: looseObj,
    webchat: looseObj,
    channelHealthCheckMinutes: nonNegativeInt,
    channelStaleEventThresholdMinutes: nonNegativeInt,
    channelMaxRestartsPerHour: nonNegativeInt,
  },
  {
    refine: (out, raw, path, issues) => {
      if (out.bind === 'custom' && raw.customBindHost === undefined) {
        issues.push({
          path: joinConfigPath(path, 'customBindHost'),
          message: 'is required when bind is "custom"',
        });
      }
    },
  },
);

const toolsCheck: Check<ToolsConfig> = (value, path, issues) => {
  const out = looseObj(value, path, issues);
  if (!out) return undefined;
  const { profile, allow, deny, sandbox, ...rest } = out;
  const lists: Pick<ToolsConfig, 'allow' | 'deny' | 'sandbox'> = {};
  if (sandbox !== undefined) {
    const checked = sandboxToolsSectionCheck(sandbox, joinConfigPath(path, 'sandbox'), issues);
    if (checked) lists.sandbox = checked;
  }
  // Tool names or groups (`group:fs`); deny wins over allow, an empty allow means all.
  if (allow !== undefined) {
    const checked = arrayOf(nonEmpty)(allow, joinConfigPath(path, 'allow'), issues);
    if (checked) lists.allow = checked;
  }
  if (deny !== undefined) {
    const checked = arrayOf(nonEmpty)(deny, joinConfigPath(path, 'deny'), issues);
    if (checked) lists.deny = checked;
  }
  if (profile === undefined) return { ...rest, ...lists };
  const checked = oneOf(TOOL_PROFILES)(profile, joinConfigPath(path, 'profile'), issues);
  return checked === undefined ? { ...rest, ...lists } : { ...rest, ...lists, profile: checked };
};

const modelCheck: Check<AgentModelConfig> = agentModelCheck;

const agentEntryFields = obj(
  {
    id: str({
      pattern: AGENT_ID_PATTERN,
      patternHint: 'must be 1-64 letters, digits, "-" or "_", starting with a letter or digit',
    }),
    default: bool(),
    name: nonEmpty,
    workspace: nonEmpty,
    agentDir: nonEmpty,
    model: modelCheck,
    identity: obj({ name: str(), theme: str(), emoji: str(), avatar: str() }),
    tools: toolsCheck,
    sandbox: sandboxConfigCheck,
    thinkingDefault: nonEmpty,
    skills: arrayOf(nonEmpty),
    groupChat: looseObj,
    subagents: looseObj,
    runtime: looseObj,
    heartbeat: looseObj,
  },
  { required: ['id'] },
);

/** An entry without a usable id is left out of the validated list (it cannot be addressed). */
const agentEntryCheck: Check<AgentEntryConfig> = (value, path, issues) => {
  const out = agentEntryFields(value, path, issues);
  if (!out || out.id === undefined) return undefined;
  return { ...out, id: out.id };
};

const agentListCheck: Check<AgentEntryConfig[]> = (value, path, issues) => {
  if (!Array.isArray(value)) {
    issues.push({
      path,
      message: `must be an array of agents like [{id: "main"}] (got ${describe(value)})`,
    });
    return undefined;
  }
  const seen = new Map<string, number>();
  const out: AgentEntryConfig[] = [];
  value.forEach((entry, i) => {
    const entryPath = joinConfigPath(path, i);
    const checked = agentEntryCheck(entry, entryPath, issues);
    if (!checked) return;
    // Agent ids are case-insensitive (they name directories on case-insensitive filesystems too).
    const key = checked.id.toLowerCase();
    const first = seen.get(key);
    if (first !== undefined) {
      issues.push({
        path: joinConfigPath(entryPath, 'id'),
        message: `duplicate agent id "${checked.id}" (already used by ${joinConfigPath(path, first)}); agent ids must be unique`,
      });
      return;
    }
    seen.set(key, i);
    out.push(checked);
  });
  return out;
};

const agentsCheck: Check<AgentsConfig> = obj({
  defaults: obj({
    workspace: nonEmpty,
    model: modelCheck,
    thinkingDefault: nonEmpty,
    sandbox: sandboxConfigCheck,
    skipBootstrap: bool(),
    heartbeat: looseObj,
    models: looseObj,
    skills: arrayOf(nonEmpty),
    compaction: looseObj,
    contextPruning: looseObj,
    subagents: looseObj,
    userTimezone: nonEmpty,
    timeFormat: nonEmpty,
    imageMaxDimensionPx: positiveInt,
    // How often channels repeat "typing…" while a run lasts (upstream key; default 6).
    typingIntervalSeconds: positiveInt,
    mediaMaxMb: num({ min: 0 }),
    bootstrapMaxChars: positiveInt,
    bootstrapTotalMaxChars: positiveInt,
    cliBackends: looseObj,
  }),
  list: agentListCheck,
});

const rootCheck: Check<OpenClawConfig> = obj({
  $schema: str(),
  gateway: gatewayCheck,
  agents: agentsCheck,
  wizard: obj({
    lastRunAt: str({
      refine: (v) => (Number.isNaN(Date.parse(v)) ? 'must be an ISO date-time string' : undefined),
    }),
    lastRunVersion: str(),
    lastRunCommit: str(),
    lastRunCommand: str(),
    lastRunMode: oneOf(GATEWAY_MODES),
  }),
  logging: obj({
    level: oneOf(LOG_LEVELS),
    file: nonEmpty,
    redactSensitive: byShape<boolean | 'off' | 'tools'>(
      (v) =>
        typeof v === 'boolean'
          ? bool()
          : typeof v === 'string'
            ? oneOf(['off', 'tools'] as const)
            : undefined,
      'must be "off", "tools", true or false',
    ),
  }),
  session: looseObj,
  tools: toolsCheck,
  channels: channelsConfigCheck,
  messages: looseObj,
  commands: looseObj,
  hooks: looseObj,
  cron: looseObj,
  models: modelsCheck(secretInputCheck),
  plugins: looseObj,
  skills: looseObj,
  browser: looseObj,
  talk: looseObj,
  ui: looseObj,
  diagnostics: looseObj,
  discovery: looseObj,
  canvasHost: looseObj,
  web: looseObj,
  update: looseObj,
  auth: looseObj,
  env: looseObj,
  bindings: looseArray(),
  meta: looseObj,
  secrets: looseObj,
  approvals: looseObj,
  memory: looseObj,
});

/** Validate a parsed (and env-substituted) config document, listing every problem. */
export function validateConfig(value: unknown): ConfigValidationResult {
  const issues: ConfigIssue[] = [];
  if (!isPlainObject(value)) {
    issues.push({
      path: '',
      message: `the config file must contain a JSON5 object like { gateway: { mode: "local" } } (got ${describe(value)})`,
    });
    return { ok: false, config: {}, issues };
  }
  const config = rootCheck(value, '', issues) ?? {};
  return { ok: issues.length === 0, config, issues };
}
