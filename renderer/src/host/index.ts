/** Host API access for the renderer: detection, the two transports, errors and the React hooks. */
export { detectHost, hostSocketUrl, type DetectEnvironment } from './detect.js';
export { HostProvider, useHost, useHostApi, type HostView } from './host-context.js';
export {
  Listeners,
  type HostConnection,
  type HostConnectionState,
  type HostKind,
} from './host-connection.js';
export {
  ClientErrorCode,
  errorText,
  HostError,
  nextStepFor,
  nextStepForCode,
  toHostError,
} from './host-error.js';
export { createIpcHost, isHostBridge, unwrapOutcome } from './ipc-client.js';
export { useCliCommand, useReachability } from './use-stack-hints.js';
export { takeHostTokenFromUrl, type FragmentEnvironment } from './launch-fragment.js';
export {
  createWsHost,
  HOST_SESSION_KEY,
  HOST_UNAUTHORIZED_CLOSE,
  parseFrame,
  type SocketFactory,
  type SocketLike,
  type WsHostOptions,
} from './ws-client.js';
export type { HostApi } from '../../../electron/contract/transport.js';
