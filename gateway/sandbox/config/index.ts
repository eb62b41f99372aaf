/** The config side of the agent sandbox: config → `SandboxPlan`, tool gate, workspace seeding. */
export {
  buildSandboxPlan,
  resolveSandboxPlan,
  sandboxWorkspaceDirs,
  statWorkspaceOwner,
  type ResolveSandboxPlanOptions,
  type WorkspaceOwner,
} from './resolve-sandbox-plan.js';
export {
  resolveSandboxSettings,
  SANDBOX_BROWSER_DEFAULTS,
  type MergedBrowserConfig,
  type MergedDockerConfig,
  type SandboxSettings,
} from './sandbox-settings.js';
export {
  agentIdFromSessionKey,
  agentWorkspaceDir,
  defaultAgentId,
  isSandboxedSession,
  mainSessionKeyFor,
} from './sandbox-session.js';
export { sandboxContainerName, sandboxScopeKey, sandboxSlug } from './sandbox-naming.js';
export {
  SANDBOX_MOUNT_FORMAT_VERSION,
  sandboxConfigHash,
  stableJson,
} from './sandbox-config-hash.js';
export { sanitizeSandboxEnv } from './sandbox-env.js';
export {
  normalizeToolName,
  resolveSandboxToolPolicy,
  SANDBOX_DEFAULT_TOOL_ALLOW,
  SANDBOX_DEFAULT_TOOL_DENY,
  sandboxToolBlockedMessage,
  sandboxToolDecision,
  sandboxToolFilter,
  toolPatternMatches,
  type SandboxToolPolicy,
} from './sandbox-tool-policy.js';
export {
  SANDBOX_SEED_FILES,
  seedSandboxWorkspace,
  type SeedResult,
} from './seed-sandbox-workspace.js';
export { explainSandbox, type SandboxExplanation } from './explain-sandbox.js';
export { resolveSandboxBrowserPlan } from './resolve-browser-plan.js';
export { sandboxBrowserImagesFromConfig, sandboxImagesFromConfig } from './sandbox-images.js';
