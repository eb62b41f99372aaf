/**
 * Public surface of the engine library: what docker/setup, electron/host and scripts import.
 * Internal helpers (line splitting, tar packing, demuxing) stay reachable by path for tests.
 */
export { cancelledError, isAbortError } from './abort.js';
export {
  describeEndpoint,
  dockerHostOf,
  engineEnv,
  parseDockerHost,
  resolveEngineEndpoint,
  type EndpointSource,
  type EngineEndpoint,
  type ResolveEndpointOptions,
  type TlsMaterial,
} from './engine-endpoint.js';
export {
  createDockerClient,
  endpointOf,
  pingEngine,
  translateDockerError,
  type CreateDockerClientOptions,
  type DockerErrorContext,
  type PingResult,
} from './docker-client.js';
export {
  detectCompose,
  parseComposeVersion,
  type ComposeCommand,
  type ComposeKind,
  type DetectComposeOptions,
} from './compose-detect.js';
export {
  ComposeProject,
  type ComposeProjectOptions,
  type DownOptions,
  type ExecOptions,
  type PsOptions,
  type RunOptions,
  type StopOptions,
  type UpOptions,
} from './compose-cli.js';
export {
  parseComposePsJson,
  type ComposePsEntry,
  type ContainerHealth,
  type ContainerState,
} from './compose-ps.js';
export {
  runProcess,
  type LineHandler,
  type OutputStream,
  type ProcessResult,
  type RunProcessOptions,
} from './process-runner.js';
export {
  buildImage,
  type BuildImageOptions,
  type BuildImageResult,
  type BuildProgressEvent,
} from './image-build.js';
export { describeBuildStep, type StepLabelRule } from './build-step-label.js';
export {
  imageExists,
  imageInfo,
  removeImage,
  splitImageRef,
  tagImage,
  type ImageInfo,
  type RemoveImageOptions,
} from './images.js';
export {
  COMPOSE_ONEOFF_LABEL,
  COMPOSE_PROJECT_LABEL,
  COMPOSE_SERVICE_LABEL,
  findStackContainers,
  waitForHealthy,
  type ContainerStateSnapshot,
  type StackContainer,
  type WaitForHealthyOptions,
  type WaitForHealthyResult,
} from './containers.js';
export {
  followContainerLogs,
  readContainerLogs,
  type FollowLogsOptions,
  type LogQuery,
  type ReadLogsOptions,
} from './container-logs.js';
export type { LogLine, LogStream } from './log-demux.js';
export { waitForHttp, type WaitForHttpOptions } from './wait-for-http.js';
export { probeOrigin, waitForOrigins, type WaitForOriginOptions } from './wait-for-origin.js';
export {
  describeStaleRemoval,
  findStaleContainers,
  removeStaleContainers,
  type StaleContainer,
} from './stale-containers.js';
export { classifyBuildFailure, type BuildFailure, type BuildFailureKind } from './build-failure.js';
