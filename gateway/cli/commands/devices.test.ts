// `openclaw devices approve --scope …` grants fewer scopes than the device asked for. The gateway
// is not reachable here (a closed port), so the CLI works on the pairing files directly.
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { resolveStatePaths, type StatePaths } from '../../config/paths.js';
import {
  generateDeviceIdentity,
  publicKeyRawBase64UrlFromPem,
} from '../../pairing/device-crypto.js';
import { PairingStore } from '../../pairing/pairing-store.js';
import { devices } from './devices.js';

let dir: string;
let paths: StatePaths;
let env: Record<string, string>;

beforeEach(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'openclaw-cli-devices-'));
  env = {
    OPENCLAW_STATE_DIR: dir,
    OPENCLAW_HOME: dir,
    // Nothing listens there: the CLI falls back to the files.
    OPENCLAW_GATEWAY_URL: 'ws://127.0.0.1:42917',
  };
  paths = resolveStatePaths(env);
  vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
});

afterEach(async () => {
  vi.restoreAllMocks();
  await fs.rm(dir, { recursive: true, force: true });
});

describe('openclaw devices approve --scope', () => {
  it('approves with only the named scopes', async () => {
    const store = new PairingStore(paths);
    const identity = generateDeviceIdentity();
    const { request } = await store.requestPairing({
      deviceId: identity.deviceId,
      publicKey: publicKeyRawBase64UrlFromPem(identity.publicKeyPem),
      displayName: 'Chrome on Linux',
      clientId: 'openclaw-control-ui',
      clientMode: 'webchat',
      role: 'operator',
      scopes: ['operator.read', 'operator.write'],
      reason: 'not-paired',
    });
    const code = await devices(
      ['approve', request.requestId, '--scope', 'operator.read', '--json', '--timeout', '2000'],
      env,
      paths,
    );
    expect(code).toBe(0);
    const device = await store.getPaired(identity.deviceId);
    expect(device?.approvedScopes).toEqual(['operator.read']);
    expect(device?.tokens?.operator?.scopes).toEqual(['operator.read']);
  });
});
