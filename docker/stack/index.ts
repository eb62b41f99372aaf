/**
 * Stack files: setup inputs, `.env`, the gateway token, `docker-compose.extra.yml` and the stack
 * directory. Pure Node (no engine needed); docker/setup builds the setup flow on top of this.
 */
export {
  APT_PACKAGE_PATTERN,
  checkImageReference,
  IMAGE_REFERENCE_PATTERN,
  MAX_APT_PACKAGES,
  parseAptPackages,
} from './build-inputs.js';
export {
  checkEnvValue,
  COMPOSE_PROJECT_NAME,
  ENV_FILE_MODE,
  formatEnvLine,
  MANAGED_ENV_KEYS,
  parseEnvText,
  readEnvFile,
  SANDBOX_ENV_KEYS,
  stackEnvValues,
  upsertEnvFile,
  upsertEnvText,
  type ManagedEnvKey,
} from './env-file.js';
export {
  CONTAINER_HOME,
  CONTAINER_STATE_DIR,
  CONTAINER_WORKSPACE_DIR,
  EXTRA_COMPOSE_FILE,
  EXTRA_COMPOSE_MARKER,
  isGeneratedExtraCompose,
  renderExtraCompose,
  STACK_LABEL,
  STACK_SERVICES,
  writeExtraCompose,
  type ExtraComposeAction,
} from './extra-compose.js';
export {
  checkDockerSocket,
  dockerSocketGid,
  parseSandboxInputs,
  renderSandboxCompose,
  SANDBOX_COMPOSE_FILE,
  sandboxdSecret,
  sandboxEnabled,
  sandboxEnvValues,
  SANDBOXD_COMMAND,
  SANDBOXD_PORT,
  SANDBOXD_SERVICE,
  SANDBOXD_URL,
  writeSandboxCompose,
  type SandboxComposeAction,
  type SandboxSettings,
} from './sandbox-compose.js';
export { checkContainerTarget, checkHostSource } from './host-paths.js';
export {
  checkTokenCharacters,
  DEFAULT_GATEWAY_PORT,
  DEFAULT_IMAGE,
  formatSetupInputProblems,
  MIN_TOKEN_LENGTH,
  parseSetupInputs,
  type GatewayBind,
  type ParseSetupInputsOptions,
  type ParseSetupInputsResult,
  type SetupInputProblem,
  type SetupInputs,
} from './inputs.js';
export {
  formatExtraMounts,
  formatHomeVolume,
  MAX_EXTRA_MOUNTS,
  parseExtraMounts,
  parseHomeVolume,
  type ExtraMount,
  type HomeVolume,
} from './mounts.js';
export {
  COMPOSE_FILE,
  composeFileArgs,
  composeFiles,
  composeFilesSync,
  DEFAULT_COMPOSE_TEMPLATE_PATH,
  ENV_FILE,
  hostDirsToCreate,
  missingMountSources,
  prepareStackDir,
  seedHostDirs,
  stackFiles,
  type PrepareStackDirOptions,
  type StackFiles,
} from './stack-dir.js';
export {
  ALL_INTERFACES_PUBLISH_ADDRESS,
  checkPublishAddress,
  isLoopbackPublish,
  lanIPv4Addresses,
  lanOrigins,
  localProbeHost,
  LOOPBACK_PUBLISH_ADDRESS,
  reachableAddresses,
  systemInterfaces,
  type InterfaceSource,
  type NetworkInterfaces,
} from './publish-address.js';
export {
  composeArgv,
  composeTerminalCommand,
  quoteShellArg,
  terminalShellFor,
  type ComposeInvocation,
  type TerminalShell,
} from './terminal-command.js';
export {
  generateToken,
  resolveSetupToken,
  type ResolveSetupTokenOptions,
  type SetupToken,
  type SetupTokenSource,
} from './token.js';
