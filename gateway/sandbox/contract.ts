/**
 * The sandbox's shared vocabulary. The config side resolves an agent run into a `SandboxPlan`
 * (which container, built how, with which mounts); the engine side (sandboxd, or the same code in
 * the gateway process when it runs on the host) turns a plan into a hardened container and runs
 * commands and file operations in it. Both sides import only these types, so neither knows how
 * the other works, and the HTTP service between them carries exactly these shapes.
 */

/** `agents.*.sandbox.workspaceAccess`. */
export type WorkspaceAccess = 'none' | 'ro' | 'rw';

/** `agents.*.sandbox.scope`. */
export type SandboxScope = 'session' | 'agent' | 'shared';

/** One bind mount; `source` is a path as the gateway sees it (sandboxd translates it). */
export interface SandboxBind {
  source: string;
  target: string;
  readOnly: boolean;
}

/** Everything `docker create` needs, already merged and defaulted (no further defaults apply). */
export interface SandboxContainerSpec {
  image: string;
  workdir: string;
  readOnlyRoot: boolean;
  tmpfs: string[];
  /** `none`, `bridge` or a named network; never `host` or `container:*`. */
  network: string;
  /** `uid:gid`; resolved from the workspace owner when the config leaves it blank. */
  user?: string;
  capDrop: string[];
  env: Record<string, string>;
  setupCommand?: string;
  pidsLimit?: number;
  memory?: string;
  memorySwap?: string;
  cpus?: number;
  ulimits?: Record<string, { soft?: number; hard?: number }>;
  seccompProfile?: string;
  apparmorProfile?: string;
  dns?: string[];
  extraHosts?: string[];
  /** The workspace mounts first (`/workspace`, `/agent`), then the config's binds, in order. */
  binds: SandboxBind[];
}

/** What one agent run needs from the sandbox: resolved from the config, no Docker involved. */
export interface SandboxPlan {
  agentId: string;
  sessionKey: string;
  scope: SandboxScope;
  /** `shared`, the session key, or `agent:<agentId>`. */
  scopeKey: string;
  containerName: string;
  workspaceAccess: WorkspaceAccess;
  /** Mounted at `spec.workdir` (the agent workspace for `rw`, else the sandbox folder). */
  workspaceDir: string;
  agentWorkspaceDir: string;
  /** sha256 over the spec and the workspace layout; a change means "recreate when idle". */
  configHash: string;
  spec: SandboxContainerSpec;
  /** Bind sources must be under one of these (the workspace roots), unless explicitly allowed. */
  allowedBindRoots: string[];
  allowExternalBindSources: boolean;
  prune: { idleHours: number; maxAgeDays: number };
}

/** A sandbox container as the registry and the engine know it. */
export interface SandboxContainerInfo {
  containerName: string;
  scopeKey: string;
  agentId?: string;
  image: string;
  configHash: string;
  running: boolean;
  createdAtMs: number;
  lastUsedAtMs: number;
  /** The container's hash differs from the current config's (recreate pending). */
  stale?: boolean;
  /** A browser sandbox (`SANDBOX_BROWSER_LABELS.browser`), not a tool container. */
  browser?: boolean;
}

export interface SandboxExecRequest {
  containerName: string;
  command: string;
  /** Inside the container; default the spec's workdir. */
  workdir?: string;
  env?: Record<string, string>;
  timeoutMs?: number;
  /** Bytes kept per stream (head and tail); the rest is counted, not kept. */
  maxOutputBytes?: number;
  stdin?: string;
}

export interface SandboxExecResult {
  exitCode: number | null;
  stdout: string;
  stderr: string;
  timedOut: boolean;
  /** Bytes left out by the output cap. */
  truncatedBytes: number;
  durationMs: number;
}

/** A command the gateway follows while it runs (`exec` in the background, `process`). */
export interface SandboxProcessRequest {
  containerName: string;
  command: string;
  workdir?: string;
  env?: Record<string, string>;
}

/** Output of a process from byte offsets on; `waitMs` waits for the end before answering. */
export interface SandboxProcessReadRequest {
  processId: string;
  stdoutOffset: number;
  stderrOffset: number;
  waitMs?: number;
}

export interface SandboxProcessOutput {
  /** Base64 of the bytes from the offsets on (bytes, so a character cut in two survives). */
  stdout: string;
  stderr: string;
  running: boolean;
  /** More output is waiting past this answer: read again at once. */
  more: boolean;
  exitCode: number | null;
  /** Ended by a kill, or by its container going away. */
  killed: boolean;
}

/** What the gateway may ask of the sandbox engine; sandboxd serves exactly this over HTTP. */
export interface SandboxApi {
  /** Create (or reuse, or recreate when idle and stale) the plan's container and start it. */
  ensure(plan: SandboxPlan): Promise<{ container: SandboxContainerInfo; created: boolean }>;
  exec(request: SandboxExecRequest, signal?: AbortSignal): Promise<SandboxExecResult>;
  list(): Promise<SandboxContainerInfo[]>;
  remove(containerName: string): Promise<void>;
  /** Remove containers idle or older than the plan limits; returns the names removed. */
  prune(limits: { idleHours: number; maxAgeDays: number }): Promise<string[]>;
  /** Background processes; absent where the engine cannot follow a running command. */
  startProcess?(request: SandboxProcessRequest): Promise<{ processId: string }>;
  readProcess?(request: SandboxProcessReadRequest): Promise<SandboxProcessOutput>;
  writeProcess?(request: { processId: string; data?: string; end?: boolean }): Promise<void>;
  killProcess?(processId: string): Promise<void>;
}

/** Sandbox container defaults (upstream's, so existing configs behave the same). */
export const SANDBOX_DEFAULTS = {
  image: 'openclaw-sandbox:bookworm-slim',
  containerPrefix: 'openclaw-sbx-',
  workdir: '/workspace',
  agentMount: '/agent',
  tmpfs: ['/tmp', '/var/tmp', '/run'],
  network: 'none',
  capDrop: ['ALL'],
  idleHours: 24,
  maxAgeDays: 7,
  /** Containers used within this window are not recreated on a config change. */
  hotWindowMs: 5 * 60_000,
} as const;

/** Version of the mount layout (`/workspace`, `/agent`); in the config hash and a label alike. */
export const SANDBOX_MOUNT_FORMAT_VERSION = 2;

/** Labels every sandbox container carries; sandboxd touches no container without the first. */
export const SANDBOX_LABELS = {
  sandbox: 'openclaw.sandbox',
  scopeKey: 'openclaw.sessionKey',
  agentId: 'openclaw.agentId',
  createdAtMs: 'openclaw.createdAtMs',
  configHash: 'openclaw.configHash',
  mountFormatVersion: 'openclaw.mountFormatVersion',
} as const;

/**
 * The browser sandbox (`agents.*.sandbox.browser`): one Chromium container per sandbox scope, on
 * its own Docker network, driven by the gateway's `browser` tool over CDP. Resolved from the
 * config like `SandboxPlan`; the engine applies the same policy gate (configured images only,
 * no host network, capabilities dropped, no new privileges).
 */
export interface SandboxBrowserPlan {
  agentId: string;
  scopeKey: string;
  containerName: string;
  image: string;
  /** A named bridge network (default `openclaw-sandbox-browser`) or `bridge`. */
  network: string;
  headless: boolean;
  /** Publish noVNC (headful only) so a person can watch and take over. */
  noVnc: boolean;
  cdpPort: number;
  noVncPort: number;
  /** CIDR allowed to reach CDP; empty: the engine narrows it to the gateway when it can. */
  cdpSourceRange?: string;
  /** How long to wait for CDP after a start. */
  startTimeoutMs: number;
  configHash: string;
}

export interface SandboxBrowserInfo {
  containerName: string;
  /** `http://host:port` the gateway can reach (container address on a shared network, or a loopback publish). */
  cdpUrl: string;
  headless: boolean;
  /** noVNC is published (headful with noVNC on); links come from `noVncLink`. */
  noVnc: boolean;
  created: boolean;
}

export interface SandboxNoVncLink {
  /** Opens the viewer with a password valid for one connection (a newer link voids it too). */
  url: string;
}

/** What sandboxd serves for browser containers; an engine without it refuses browser plans. */
export interface SandboxBrowserApi {
  /** `caller`: the requester's address as sandboxd saw it (so its container can join the network). */
  ensureBrowser(
    plan: SandboxBrowserPlan,
    caller?: { address?: string },
  ): Promise<SandboxBrowserInfo>;
  noVncLink(containerName: string): Promise<SandboxNoVncLink>;
}

/** Labels a browser container carries on top of `SANDBOX_LABELS`. */
export const SANDBOX_BROWSER_LABELS = { browser: 'openclaw.browser' } as const;
