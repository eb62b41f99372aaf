/**
 * The reference client's host dependencies backed by the app's identity: signing with its key,
 * and its device token read from / written to the SecretStore (through the identity's in-memory
 * copy, because the client calls these synchronously). Only the app's own device and the
 * operator role are served; anything else reads as "no token" and is never written.
 */
import type { GatewayClientHostDeps } from '@openclaw/gateway-client';
import { errorMessage } from '../../../gateway/infra/errors.js';
import type { Logger } from '../../../gateway/infra/logger.js';
import {
  publicKeyRawBase64UrlFromPem,
  signDevicePayload,
} from '../../../gateway/pairing/device-crypto.js';
import type { OperatorIdentity } from './operator-identity.js';
import { OPERATOR_ROLE } from './operator-profile.js';

export function createOperatorHostDeps(
  identity: OperatorIdentity,
  logger: Logger,
): GatewayClientHostDeps {
  const mine = (deviceId: string, role: string) =>
    deviceId === identity.deviceId && role === OPERATOR_ROLE;
  const persistFailed = (err: unknown) =>
    logger.warn('could not persist the operator device token', { error: errorMessage(err) });
  return {
    signDevicePayload,
    publicKeyRawBase64UrlFromPem,
    loadDeviceAuthToken: ({ deviceId, role }) => {
      const token = mine(deviceId, role) ? identity.deviceToken() : undefined;
      return token ? { token: token.token, scopes: token.scopes } : null;
    },
    storeDeviceAuthToken: ({ deviceId, role, token, scopes }) => {
      if (mine(deviceId, role))
        identity.setDeviceToken({ token, role, scopes }).catch(persistFailed);
    },
    clearDeviceAuthToken: ({ deviceId, role }) => {
      if (mine(deviceId, role)) identity.clearDeviceToken().catch(persistFailed);
    },
    logDebug: (message) => logger.debug(message),
    logError: (message) => logger.warn(message),
  };
}
