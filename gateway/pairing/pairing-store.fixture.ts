/**
 * Test fixture, run as a separate process by pairing-store.test.ts: stands in for "the CLI
 * container" or "the desktop app" writing the same pairing files as the gateway at the same time.
 * argv: <stateDir> <count> → creates <count> pairing requests, approving every other one, and
 * prints the device ids it created (one JSON line).
 */
import { resolveStatePaths } from '../config/paths.js';
import { generateDeviceIdentity, publicKeyRawBase64UrlFromPem } from './device-crypto.js';
import { PairingStore } from './pairing-store.js';

const [stateDir, countArg] = process.argv.slice(2);
if (!stateDir || !countArg) throw new Error('usage: pairing-store.fixture.ts <stateDir> <count>');

const store = new PairingStore(resolveStatePaths({ OPENCLAW_STATE_DIR: stateDir }));
const requested: string[] = [];
const approved: string[] = [];
for (let i = 0; i < Number(countArg); i += 1) {
  const identity = generateDeviceIdentity();
  const { request } = await store.requestPairing({
    deviceId: identity.deviceId,
    publicKey: publicKeyRawBase64UrlFromPem(identity.publicKeyPem),
    role: 'operator',
    scopes: ['operator.read'],
    reason: 'not-paired',
  });
  if (i % 2 === 0) {
    await store.approve(request.requestId);
    approved.push(identity.deviceId);
  } else {
    requested.push(identity.deviceId);
  }
}
process.stdout.write(`${JSON.stringify({ requested, approved })}\n`);
