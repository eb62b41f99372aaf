import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { resolveStatePaths, type StatePaths } from '../../../gateway/config/paths.js';
import {
  generateDeviceIdentity,
  publicKeyRawBase64UrlFromPem,
} from '../../../gateway/pairing/device-crypto.js';
import { PairingStore } from '../../../gateway/pairing/pairing-store.js';
import { DESKTOP_BOOTSTRAP_APPROVED_VIA, registerOperatorDevice } from './bootstrap.js';
import { loadOrCreateOperatorIdentity, type OperatorIdentity } from './operator-identity.js';
import { OPERATOR_SCOPES } from './operator-profile.js';
import { FileSecretStore } from './secret-store.js';

let dir: string;
let paths: StatePaths;
let identity: OperatorIdentity;

beforeEach(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'openclaw-bootstrap-'));
  paths = resolveStatePaths({ OPENCLAW_STATE_DIR: path.join(dir, 'config') });
  const appDir = path.join(dir, 'app');
  identity = await loadOrCreateOperatorIdentity(new FileSecretStore(appDir), appDir);
});

afterEach(async () => {
  await fs.rm(dir, { recursive: true, force: true });
});

async function otherDevice(store: PairingStore) {
  const other = generateDeviceIdentity();
  return store.requestPairing({
    deviceId: other.deviceId,
    publicKey: publicKeyRawBase64UrlFromPem(other.publicKeyPem),
    role: 'operator',
    scopes: ['operator.read'],
    reason: 'not-paired',
  });
}

describe('registerOperatorDevice', () => {
  it('pairs the app with its own request, stores the token, and is idempotent', async () => {
    const first = await registerOperatorDevice(paths, identity, { platform: 'linux' });
    expect(first).toMatchObject({ deviceId: identity.deviceId, role: 'operator', approved: true });
    expect(first.requestId).toMatch(/[0-9a-f-]{36}/);
    expect(identity.deviceToken()?.token).toBe(first.token);

    const store = new PairingStore(paths);
    const record = await store.getPaired(identity.deviceId);
    expect(record).toMatchObject({
      publicKey: identity.publicKeyB64Url,
      approvedVia: DESKTOP_BOOTSTRAP_APPROVED_VIA,
      clientId: 'gateway-client',
      clientMode: 'ui',
      displayName: 'OpenClaw Desktop',
      platform: 'linux',
      approvedScopes: [...OPERATOR_SCOPES],
    });
    expect(await store.listPending()).toEqual([]);
    expect(
      await store.verifyDeviceToken(identity.deviceId, 'operator', first.token, OPERATOR_SCOPES),
    ).toEqual({ ok: true });

    const second = await registerOperatorDevice(paths, identity, { platform: 'linux' });
    expect(second).toMatchObject({ approved: false, token: first.token });
    expect(second.requestId).toBeUndefined();
  });

  it('never touches other devices', async () => {
    const store = new PairingStore(paths);
    const { request: waiting } = await otherDevice(store);
    const { request: toApprove } = await otherDevice(store);
    await store.approve(toApprove.requestId);
    const pairedBefore = await store.getPaired(toApprove.deviceId);

    await registerOperatorDevice(paths, identity);

    expect((await store.listPending()).map((r) => r.requestId)).toEqual([waiting.requestId]);
    expect(await store.getPaired(toApprove.deviceId)).toEqual(pairedBefore);
    expect((await store.listPaired()).map((d) => d.deviceId).sort()).toEqual(
      [toApprove.deviceId, identity.deviceId].sort(),
    );
  });

  it('approves exactly the pending request the gateway already made for the app', async () => {
    const store = new PairingStore(paths);
    const { request } = await store.requestPairing({
      deviceId: identity.deviceId,
      publicKey: identity.publicKeyB64Url,
      role: 'operator',
      scopes: [...OPERATOR_SCOPES],
      reason: 'not-paired',
    });
    const result = await registerOperatorDevice(paths, identity);
    expect(result.requestId).toBe(request.requestId);
  });

  it('replaces a revoked token and re-approves after a platform change', async () => {
    const store = new PairingStore(paths);
    const first = await registerOperatorDevice(paths, identity, { platform: 'linux' });
    await store.revokeToken(identity.deviceId, 'operator');
    const renewed = await registerOperatorDevice(paths, identity, { platform: 'linux' });
    expect(renewed.approved).toBe(false);
    expect(renewed.token).not.toBe(first.token);
    expect(
      await store.verifyDeviceToken(identity.deviceId, 'operator', renewed.token, [
        'operator.read',
      ]),
    ).toEqual({ ok: true });

    // The state dir moved to a Mac: the pinned platform changes through a fresh approval.
    const moved = await registerOperatorDevice(paths, identity, { platform: 'darwin' });
    expect(moved.approved).toBe(true);
    expect((await store.getPaired(identity.deviceId))?.platform).toBe('darwin');
  });
});
