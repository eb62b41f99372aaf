/**
 * The shape of `~/.openclaw/openclaw.json` after validation. Sections this gateway acts on are
 * typed in depth; upstream sections it only stores (channels, hooks, ...) stay loose records so
 * existing OpenClaw configs keep validating. Every field is optional: a missing file is valid.
 */

export interface ConfigIssue {
  /** Dotted path of the offending value, e.g. `gateway.auth.mode` or `agents.list[1].id`; '' = the whole file. */
  path: string;
  message: string;
}

export type LooseObject = Record<string, unknown>;

export const SECRET_REF_SOURCES = ['env', 'file', 'exec'] as const;
export type SecretRefSource = (typeof SECRET_REF_SOURCES)[number];

/** A pointer to a secret kept outside the config file. */
export interface SecretRef {
  source: SecretRefSource;
  provider: string;
  id: string;
}

/** A literal secret or a reference to one. */
export type SecretInput = string | SecretRef;

export const GATEWAY_MODES = ['local', 'remote'] as const;
export type GatewayMode = (typeof GATEWAY_MODES)[number];

export const GATEWAY_BIND_MODES = ['loopback', 'lan', 'auto', 'custom', 'tailnet'] as const;
export type GatewayBindMode = (typeof GATEWAY_BIND_MODES)[number];

export const GATEWAY_AUTH_MODES = ['none', 'token', 'password', 'trusted-proxy'] as const;
export type GatewayAuthMode = (typeof GATEWAY_AUTH_MODES)[number];

export const GATEWAY_RELOAD_MODES = ['off', 'restart', 'hot', 'hybrid'] as const;
export type GatewayReloadMode = (typeof GATEWAY_RELOAD_MODES)[number];

export const TOOL_PROFILES = ['minimal', 'coding', 'messaging', 'full'] as const;
export type ToolProfile = (typeof TOOL_PROFILES)[number];

export const LOG_LEVELS = ['debug', 'info', 'warn', 'error'] as const;
export type ConfigLogLevel = (typeof LOG_LEVELS)[number];

/** Wire formats a custom provider can speak (`models.providers.<id>.api`). */
export const MODEL_APIS = [
  'openai-completions',
  'openai-responses',
  'anthropic-messages',
  'google-generative-ai',
] as const;
export type ModelApi = (typeof MODEL_APIS)[number];

export const MODEL_INPUTS = ['text', 'image'] as const;
export type ModelInput = (typeof MODEL_INPUTS)[number];

export const MODELS_MODES = ['merge', 'replace'] as const;
export type ModelsMode = (typeof MODELS_MODES)[number];

export interface ModelCostConfig {
  input?: number;
  output?: number;
  cacheRead?: number;
  cacheWrite?: number;
}

/** One model of a custom provider (`models.providers.<id>.models[]`). */
export interface ModelDefinitionConfig {
  id: string;
  name?: string;
  api?: ModelApi;
  input?: ModelInput[];
  contextWindow?: number;
  maxTokens?: number;
  reasoning?: boolean;
  cost?: ModelCostConfig;
  headers?: Record<string, string>;
  compat?: LooseObject;
}

/** `models.providers.<id>`: a custom endpoint, or overrides for a built-in provider of that name. */
export interface ModelProviderConfig {
  baseUrl?: string;
  apiKey?: SecretInput;
  api?: ModelApi;
  headers?: Record<string, string>;
  models?: ModelDefinitionConfig[];
  /** Upstream keys accepted for compatibility; `timeoutSeconds` bounds each provider request. */
  auth?: string;
  authHeader?: boolean;
  timeoutSeconds?: number;
  compat?: LooseObject;
  request?: LooseObject;
}

export interface ModelsConfig {
  /** `merge` (default): custom providers add to the built-in catalog; `replace`: only custom ones. */
  mode?: ModelsMode;
  providers?: Record<string, ModelProviderConfig>;
}

export interface GatewayRateLimitConfig {
  maxAttempts?: number;
  windowMs?: number;
  lockoutMs?: number;
  exemptLoopback?: boolean;
}

export interface GatewayAuthConfig {
  mode?: GatewayAuthMode;
  token?: SecretInput;
  password?: SecretInput;
  rateLimit?: GatewayRateLimitConfig;
  /** Upstream keys kept for compatibility; not interpreted by this gateway yet. */
  allowTailscale?: boolean;
  trustedProxy?: LooseObject;
}

export interface GatewayControlUiConfig {
  enabled?: boolean;
  basePath?: string;
  root?: string;
  allowedOrigins?: string[];
  allowInsecureAuth?: boolean;
  dangerouslyDisableDeviceAuth?: boolean;
  dangerouslyAllowHostHeaderOriginFallback?: boolean;
}

export interface GatewayReloadConfig {
  mode?: GatewayReloadMode;
  debounceMs?: number;
  deferralTimeoutMs?: number;
}

export interface GatewayRemoteConfig {
  url?: string;
  token?: SecretInput;
  password?: SecretInput;
  transport?: 'ssh' | 'direct';
  tlsFingerprint?: string;
}

/** `gateway.http.endpoints.chatCompletions`: the OpenAI-compatible `/v1/*` routes (off by default). */
export interface GatewayChatCompletionsConfig {
  enabled?: boolean;
  /** Upstream's image-input policy; accepted so its configs load, images are not taken yet. */
  images?: LooseObject;
}

export interface GatewayHttpConfig {
  endpoints?: {
    chatCompletions?: GatewayChatCompletionsConfig;
    /** Upstream's OpenResponses and embeddings routes; accepted, not served by this gateway. */
    responses?: LooseObject;
    embeddings?: LooseObject;
  };
  securityHeaders?: LooseObject;
}

export interface GatewayConfig {
  mode?: GatewayMode;
  port?: number;
  bind?: GatewayBindMode;
  customBindHost?: string;
  auth?: GatewayAuthConfig;
  controlUi?: GatewayControlUiConfig;
  trustedProxies?: string[];
  allowRealIpFallback?: boolean;
  reload?: GatewayReloadConfig;
  remote?: GatewayRemoteConfig;
  tls?: LooseObject;
  /** Upstream sections accepted without deep checks. */
  tailscale?: LooseObject;
  http?: GatewayHttpConfig;
  tools?: LooseObject;
  nodes?: LooseObject;
  push?: LooseObject;
  webchat?: LooseObject;
  channelHealthCheckMinutes?: number;
  channelStaleEventThresholdMinutes?: number;
  channelMaxRestartsPerHour?: number;
}

export interface AgentModelSelection {
  primary?: string;
  fallbacks?: string[];
}

/** `"provider/model"` or `{ primary, fallbacks }`. */
export type AgentModelConfig = string | AgentModelSelection;

export interface AgentDefaultsConfig {
  workspace?: string;
  model?: AgentModelConfig;
  thinkingDefault?: string;
  sandbox?: SandboxConfig;
  skipBootstrap?: boolean;
  heartbeat?: LooseObject;
  /** Upstream keys accepted without deep checks so existing configs keep loading. */
  models?: LooseObject;
  skills?: string[];
  compaction?: LooseObject;
  contextPruning?: LooseObject;
  subagents?: LooseObject;
  userTimezone?: string;
  timeFormat?: string;
  imageMaxDimensionPx?: number;
  /** Seconds between the channels' typing indicators while a run lasts (default 6). */
  typingIntervalSeconds?: number;
  mediaMaxMb?: number;
  bootstrapMaxChars?: number;
  bootstrapTotalMaxChars?: number;
  cliBackends?: LooseObject;
}

export const SANDBOX_MODES = ['off', 'non-main', 'all'] as const;
export type SandboxMode = (typeof SANDBOX_MODES)[number];
export const SANDBOX_SCOPES = ['session', 'agent', 'shared'] as const;
export const SANDBOX_WORKSPACE_ACCESS = ['none', 'ro', 'rw'] as const;

/** `docker.ulimits.<name>`: one value for both limits, `"soft:hard"`, or an object. */
export type SandboxUlimitConfig = number | string | { soft?: number; hard?: number };

/** `agents.*.sandbox.docker`: how the sandbox container is created (merged agent over global). */
export interface SandboxDockerConfig {
  image?: string;
  containerPrefix?: string;
  workdir?: string;
  readOnlyRoot?: boolean;
  tmpfs?: string[];
  network?: string;
  user?: string;
  capDrop?: string[];
  env?: Record<string, string>;
  /** An array is joined with newlines. */
  setupCommand?: string | string[];
  pidsLimit?: number;
  memory?: string | number;
  memorySwap?: string | number;
  cpus?: number;
  /** Accepted so upstream configs load; GPUs are not passed to sandboxes yet (a warning says so). */
  gpus?: string;
  ulimits?: Record<string, SandboxUlimitConfig>;
  seccompProfile?: string;
  apparmorProfile?: string;
  dns?: string[];
  extraHosts?: string[];
  /** `"/host/path:/container/path[:ro]"`. */
  binds?: string[];
  dangerouslyAllowReservedContainerTargets?: boolean;
  dangerouslyAllowExternalBindSources?: boolean;
  dangerouslyAllowContainerNamespaceJoin?: boolean;
}

/** `agents.*.sandbox.browser`: the browser sandbox (accepted and resolved; the engine is separate). */
export interface SandboxBrowserConfig {
  enabled?: boolean;
  image?: string;
  containerPrefix?: string;
  network?: string;
  cdpPort?: number;
  cdpSourceRange?: string;
  vncPort?: number;
  noVncPort?: number;
  headless?: boolean;
  noVncEnabled?: boolean;
  /** Upstream's older name of `noVncEnabled`. */
  enableNoVnc?: boolean;
  allowHostControl?: boolean;
  autoStart?: boolean;
  autoStartTimeoutMs?: number;
  binds?: string[];
}

export interface SandboxPruneConfig {
  idleHours?: number;
  maxAgeDays?: number;
}

/** `agents.defaults.sandbox` and `agents.list[].sandbox`. */
export interface SandboxConfig {
  mode?: SandboxMode;
  /** Only `docker` is supported. */
  backend?: 'docker';
  workspaceAccess?: (typeof SANDBOX_WORKSPACE_ACCESS)[number];
  sessionToolsVisibility?: 'spawned' | 'all';
  scope?: (typeof SANDBOX_SCOPES)[number];
  /** Legacy: true = scope "session", false = scope "shared". */
  perSession?: boolean;
  workspaceRoot?: string;
  docker?: SandboxDockerConfig;
  /** Settings of upstream's ssh backend; accepted so configs load, unused (docker only). */
  ssh?: LooseObject;
  browser?: SandboxBrowserConfig;
  prune?: SandboxPruneConfig;
}

/** `tools.sandbox.tools` and `agents.list[].tools.sandbox.tools`. */
export interface SandboxToolPolicyConfig {
  allow?: string[];
  alsoAllow?: string[];
  deny?: string[];
}

export interface AgentIdentityConfig {
  name?: string;
  theme?: string;
  emoji?: string;
  avatar?: string;
}

export interface AgentEntryConfig {
  id: string;
  default?: boolean;
  name?: string;
  workspace?: string;
  agentDir?: string;
  model?: AgentModelConfig;
  identity?: AgentIdentityConfig;
  tools?: ToolsConfig;
  sandbox?: SandboxConfig;
  thinkingDefault?: string;
  skills?: string[];
  groupChat?: LooseObject;
  subagents?: LooseObject;
  runtime?: LooseObject;
  heartbeat?: LooseObject;
}

export interface AgentsConfig {
  defaults?: AgentDefaultsConfig;
  list?: AgentEntryConfig[];
}

export interface WizardConfig {
  lastRunAt?: string;
  lastRunVersion?: string;
  lastRunCommit?: string;
  lastRunCommand?: string;
  lastRunMode?: GatewayMode;
}

export interface LoggingConfig {
  level?: ConfigLogLevel;
  file?: string;
  /** Upstream uses "off" | "tools"; a boolean is accepted as shorthand. */
  redactSensitive?: boolean | 'off' | 'tools';
}

export interface ToolsConfig extends LooseObject {
  profile?: ToolProfile;
  /** Tool names or groups (`group:fs`) to allow; empty or missing = all. */
  allow?: string[];
  /** Tool names or groups to refuse; deny wins over allow. */
  deny?: string[];
  /** The extra gate for sandboxed sessions (`tools.sandbox.tools`). */
  sandbox?: { tools?: SandboxToolPolicyConfig };
}

export interface OpenClawConfig {
  $schema?: string;
  gateway?: GatewayConfig;
  agents?: AgentsConfig;
  wizard?: WizardConfig;
  logging?: LoggingConfig;
  session?: LooseObject;
  tools?: ToolsConfig;
  channels?: LooseObject;
  messages?: LooseObject;
  commands?: LooseObject;
  hooks?: LooseObject;
  cron?: LooseObject;
  models?: ModelsConfig;
  plugins?: LooseObject;
  skills?: LooseObject;
  browser?: LooseObject;
  talk?: LooseObject;
  ui?: LooseObject;
  diagnostics?: LooseObject;
  discovery?: LooseObject;
  canvasHost?: LooseObject;
  web?: LooseObject;
  update?: LooseObject;
  auth?: LooseObject;
  env?: LooseObject;
  bindings?: unknown[];
  meta?: LooseObject;
}
