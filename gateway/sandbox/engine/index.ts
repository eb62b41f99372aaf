export {
  DockerSandboxEngine,
  recreateHint,
  type DockerSandboxEngineOptions,
} from './docker-sandbox-engine.js';
export { checkSandboxPlan, blockedReason, type PolicyOptions } from './policy.js';
export {
  detectOwnPathMap,
  normalizePathMap,
  pathMapFromMounts,
  toHostPath,
  type PathMapping,
} from './path-map.js';
export { SandboxRegistry, type RegistryEntry } from './registry.js';
export { sanitizeSandboxEnv } from './env-sanitize.js';
