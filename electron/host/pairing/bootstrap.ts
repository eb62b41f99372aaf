/**
 * Registers the app's own operator identity with the gateway with no user step, by writing the
 * gateway's pairing files directly (`devices/pending.json` → `devices/paired.json`, under the same
 * cross-process lock the gateway and the CLI container use).
 *
 * Why this is safe: these files live in the gateway's state dir, which on the host is the stack's
 * config dir — a directory the app created and owns. Whoever can write there already controls the
 * gateway completely (they can edit `openclaw.json`, read the shared token from `.env`, or approve
 * any device with the CLI container), so in OpenClaw's trust model they *are* the operator. The
 * bootstrap grants the app nothing it could not already take; it only skips the pointless detour
 * of asking the user to approve the very app they are using. It is also narrow: it approves
 * exactly the request it created for its own key (by requestId), and never reads, changes or
 * approves any other device's entry.
 */
import { ErrorCode, isOpenClawError } from '../../../gateway/infra/errors.js';
import type { PairingFilePaths } from '../../../gateway/pairing/pairing-files.js';
import { pairingNeeded } from '../../../gateway/pairing/pairing-rules.js';
import { PairingStore } from '../../../gateway/pairing/pairing-store.js';
import type { OperatorIdentity } from './operator-identity.js';
import {
  OPERATOR_CLIENT_ID,
  OPERATOR_CLIENT_MODE,
  OPERATOR_DISPLAY_NAME,
  OPERATOR_ROLE,
  OPERATOR_SCOPES,
  operatorPlatform,
} from './operator-profile.js';

export const DESKTOP_BOOTSTRAP_APPROVED_VIA = 'desktop-bootstrap';

export interface RegisterOperatorOptions {
  scopes?: readonly string[];
  displayName?: string;
  /** Must equal what the connection reports: the gateway pins it. Default `process.platform`. */
  platform?: string;
  clientId?: string;
  clientMode?: string;
  now?: () => number;
}

export interface OperatorRegistration {
  deviceId: string;
  role: string;
  /** The device token the app connects with (also stored in the identity). */
  token: string;
  scopes: string[];
  /** True when a paired record was written; false when the app was already paired. */
  approved: boolean;
  /** The app's own request that was approved, when `approved`. */
  requestId?: string;
}

/** A concurrent connect can supersede our request between request and approve; retry then. */
const MAX_ATTEMPTS = 3;

/**
 * Make sure the app's identity is paired for `scopes` and holds a live device token; idempotent.
 * Already paired with the same key, role, scopes and platform → only ensure a token (the live one
 * is reused, a revoked one replaced). Otherwise → a request for the app's own key, approved by its
 * exact requestId with `approvedVia: 'desktop-bootstrap'`.
 */
export async function registerOperatorDevice(
  paths: PairingFilePaths,
  identity: OperatorIdentity,
  options: RegisterOperatorOptions = {},
): Promise<OperatorRegistration> {
  const store = new PairingStore(paths, options.now ? { now: options.now } : {});
  const scopes = [...(options.scopes ?? OPERATOR_SCOPES)];
  const platform = options.platform ?? operatorPlatform();
  const deviceId = identity.deviceId;

  for (let attempt = 1; ; attempt += 1) {
    const existing = await store.getPaired(deviceId);
    const reason = pairingNeeded(existing, {
      publicKey: identity.publicKeyB64Url,
      role: OPERATOR_ROLE,
      scopes,
      platform,
    });
    if (!reason) {
      const issued = await store.ensureDeviceToken(deviceId, OPERATOR_ROLE, scopes);
      return finish(identity, {
        deviceId,
        role: OPERATOR_ROLE,
        token: issued.token,
        scopes: issued.scopes,
        approved: false,
      });
    }
    const { request } = await store.requestPairing({
      deviceId,
      publicKey: identity.publicKeyB64Url,
      displayName: options.displayName ?? OPERATOR_DISPLAY_NAME,
      platform,
      clientId: options.clientId ?? OPERATOR_CLIENT_ID,
      clientMode: options.clientMode ?? OPERATOR_CLIENT_MODE,
      role: OPERATOR_ROLE,
      scopes,
      reason,
    });
    try {
      const result = await store.approve(request.requestId, {
        approvedVia: DESKTOP_BOOTSTRAP_APPROVED_VIA,
      });
      return finish(identity, {
        deviceId,
        role: result.token.role,
        token: result.token.token,
        scopes: result.token.scopes,
        approved: true,
        requestId: request.requestId,
      });
    } catch (err) {
      if (!isOpenClawError(err, ErrorCode.PAIRING_NOT_FOUND) || attempt >= MAX_ATTEMPTS) throw err;
    }
  }
}

async function finish(
  identity: OperatorIdentity,
  registration: OperatorRegistration,
): Promise<OperatorRegistration> {
  await identity.setDeviceToken({
    token: registration.token,
    role: registration.role,
    scopes: registration.scopes,
  });
  return registration;
}
