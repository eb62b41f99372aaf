import { execFile } from 'node:child_process';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { resolveStatePaths, type StatePaths } from '../config/paths.js';
import { ErrorCode, isOpenClawError } from '../infra/errors.js';
import { generateDeviceIdentity, publicKeyRawBase64UrlFromPem } from './device-crypto.js';
import {
  PairingStore,
  SCOPES,
  scopesCover,
  type PairingEvent,
  type PairingRequestInput,
} from './pairing-store.js';

const execFileAsync = promisify(execFile);

let dir: string;
let paths: StatePaths;
let clock: number;
let events: PairingEvent[];

const T0 = 1_760_000_000_000;

function store(options: { pendingTtlMs?: number } = {}): PairingStore {
  return new PairingStore(paths, { now: () => clock, onEvent: (e) => events.push(e), ...options });
}

function device() {
  const identity = generateDeviceIdentity();
  return { ...identity, publicKey: publicKeyRawBase64UrlFromPem(identity.publicKeyPem) };
}

function request(
  d: ReturnType<typeof device>,
  extra: Partial<PairingRequestInput> = {},
): PairingRequestInput {
  return {
    deviceId: d.deviceId,
    publicKey: d.publicKey,
    displayName: 'Chrome on Mac',
    platform: 'MacIntel',
    deviceFamily: 'desktop',
    clientId: 'openclaw-control-ui',
    clientMode: 'webchat',
    role: 'operator',
    scopes: ['operator.read'],
    remoteIp: '172.17.0.1',
    reason: 'not-paired',
    ...extra,
  };
}

async function readJson(file: string): Promise<Record<string, Record<string, unknown>>> {
  return JSON.parse(await fs.readFile(file, 'utf8')) as Record<string, Record<string, unknown>>;
}

async function expectCode(promise: Promise<unknown>, code: ErrorCode): Promise<Error> {
  const error = await promise.then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(isOpenClawError(error, code)).toBe(true);
  return error as Error;
}

beforeEach(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'openclaw-pairing-'));
  paths = resolveStatePaths({ OPENCLAW_STATE_DIR: dir, OPENCLAW_HOME: dir });
  clock = T0;
  events = [];
});

afterEach(async () => {
  await fs.rm(dir, { recursive: true, force: true });
});

describe('pairing lifecycle', () => {
  it('request → supersede → approve → verify → revoke', async () => {
    const s = store();
    const d = device();

    const first = await s.requestPairing(request(d));
    expect(first.created).toBe(true);
    expect(first.request).toMatchObject({ deviceId: d.deviceId, isRepair: false, silent: false });

    clock += 1_000;
    const retry = await s.requestPairing(request(d));
    expect(retry).toMatchObject({
      created: false,
      request: { requestId: first.request.requestId },
    });

    const changed = await s.requestPairing(
      request(d, { scopes: ['operator.read', 'operator.write'] }),
    );
    expect(changed.created).toBe(true);
    expect(changed.request.requestId).not.toBe(first.request.requestId);
    expect((await s.listPending()).map((r) => r.requestId)).toEqual([changed.request.requestId]);

    const stale = await expectCode(s.approve(first.request.requestId), ErrorCode.PAIRING_NOT_FOUND);
    expect(stale.message).toContain('openclaw devices list');

    const approved = await s.approve(changed.request.requestId);
    expect(approved.token).toMatchObject({
      role: 'operator',
      scopes: ['operator.read', 'operator.write'],
    });
    expect(approved.token.token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(approved.device).toMatchObject({
      deviceId: d.deviceId,
      roles: ['operator'],
      approvedScopes: ['operator.read', 'operator.write'],
    });
    expect(await s.listPending()).toEqual([]);

    const token = approved.token.token;
    expect(await s.verifyDeviceToken(d.deviceId, 'operator', token, ['operator.read'])).toEqual({
      ok: true,
    });
    expect(await s.verifyDeviceToken(d.deviceId, 'operator', `${token}x`, [])).toEqual({
      ok: false,
      reason: 'token-mismatch',
    });
    expect(await s.verifyDeviceToken(d.deviceId, 'operator', token, ['operator.admin'])).toEqual({
      ok: false,
      reason: 'scope-mismatch',
    });
    expect(await s.verifyDeviceToken(d.deviceId, 'node', token, [])).toEqual({
      ok: false,
      reason: 'role-missing',
    });
    expect(await s.verifyDeviceToken(device().deviceId, 'operator', token, [])).toEqual({
      ok: false,
      reason: 'device-not-paired',
    });

    const revoked = await s.revokeToken(d.deviceId, 'operator');
    expect(revoked.revokedAtMs).toBe(clock);
    expect(await s.verifyDeviceToken(d.deviceId, 'operator', token, [])).toEqual({
      ok: false,
      reason: 'token-revoked',
    });
    const onDisk = await readJson(paths.pairedDevicesPath);
    const tokens = onDisk[d.deviceId]?.tokens as Record<string, Record<string, unknown>>;
    expect(tokens.operator).toMatchObject({ token, revokedAtMs: clock });
  });

  it('emits exactly one event per creation and per resolution', async () => {
    const s = store();
    const a = device();
    const b = device();
    const ra = await s.requestPairing(request(a));
    await s.requestPairing(request(a)); // identical retry
    await s.requestPairing(request(a)); // identical retry
    const rb = await s.requestPairing(request(b));
    await s.approve(ra.request.requestId);
    await s.reject(rb.request.requestId);
    await expectCode(s.reject(rb.request.requestId), ErrorCode.PAIRING_NOT_FOUND);

    expect(events.map((e) => [e.event, e.payload.requestId])).toEqual([
      ['device.pair.requested', ra.request.requestId],
      ['device.pair.requested', rb.request.requestId],
      ['device.pair.resolved', ra.request.requestId],
      ['device.pair.resolved', rb.request.requestId],
    ]);
    expect(events[2]?.payload).toEqual({
      requestId: ra.request.requestId,
      deviceId: a.deviceId,
      decision: 'approved',
      ts: clock,
    });
    expect(events[3]?.payload).toMatchObject({ decision: 'rejected', deviceId: b.deviceId });
    expect(await s.getPaired(b.deviceId)).toBeUndefined();
  });

  it('only honours silent for first pairing and role upgrades', async () => {
    const s = store();
    const d = device();
    const silent = await s.requestPairing(request(d, { silent: true }));
    expect(silent.request.silent).toBe(true);
    const upgrade = await s.requestPairing(
      request(d, { silent: true, reason: 'scope-upgrade', scopes: ['operator.admin'] }),
    );
    expect(upgrade.request.silent).toBe(false);
  });

  it('refuses a deviceId that is not the hash of the key', async () => {
    const s = store();
    const d = device();
    await expectCode(
      s.requestPairing(request(d, { deviceId: device().deviceId })),
      ErrorCode.INVALID_ARGUMENT,
    );
    await expectCode(
      s.requestPairing(request(d, { deviceId: '__proto__' })),
      ErrorCode.INVALID_ARGUMENT,
    );
    expect(await s.getPaired('constructor')).toBeUndefined();
  });
});

describe('connect evaluation', () => {
  async function paired(s: PairingStore, extra: Partial<PairingRequestInput> = {}) {
    const d = device();
    const { request: r } = await s.requestPairing(request(d, extra));
    const approved = await s.approve(r.requestId);
    return { d, token: approved.token.token };
  }

  const claim = (d: ReturnType<typeof device>, extra: Record<string, unknown> = {}) => ({
    deviceId: d.deviceId,
    publicKey: d.publicKey,
    role: 'operator',
    scopes: ['operator.read'],
    platform: 'MacIntel',
    deviceFamily: 'desktop',
    ...extra,
  });

  it('classifies what kind of pairing a connect needs', async () => {
    const s = store();
    const { d } = await paired(s, { scopes: ['operator.write'] });

    expect(await s.evaluateConnect(claim(device()))).toEqual({
      status: 'needs-pairing',
      reason: 'not-paired',
    });
    expect(await s.evaluateConnect(claim(d))).toMatchObject({ status: 'paired' });
    // write covers read; case and padding of pinned metadata do not matter
    expect(
      await s.evaluateConnect(
        claim(d, { scopes: ['operator.read', 'operator.write'], platform: ' macintel ' }),
      ),
    ).toMatchObject({ status: 'paired' });
    expect(await s.evaluateConnect(claim(d, { role: 'node', scopes: [] }))).toEqual({
      status: 'needs-pairing',
      reason: 'role-upgrade',
    });
    expect(await s.evaluateConnect(claim(d, { scopes: ['operator.admin'] }))).toEqual({
      status: 'needs-pairing',
      reason: 'scope-upgrade',
    });
    expect(await s.evaluateConnect(claim(d, { platform: 'Win32' }))).toEqual({
      status: 'needs-pairing',
      reason: 'metadata-upgrade',
    });
    expect(await s.evaluateConnect(claim(d, { deviceFamily: 'iPhone' }))).toEqual({
      status: 'needs-pairing',
      reason: 'metadata-upgrade',
    });
    expect(await s.evaluateConnect(claim(d, { publicKey: device().publicKey }))).toEqual({
      status: 'needs-pairing',
      reason: 'not-paired',
    });
    // PEM form of the same key is the same device
    expect(await s.evaluateConnect(claim(d, { publicKey: d.publicKeyPem }))).toMatchObject({
      status: 'paired',
    });
  });

  it('admin covers every operator scope', async () => {
    const s = store();
    const { d } = await paired(s, { scopes: ['operator.admin'] });
    const all = Object.keys(SCOPES);
    expect(await s.evaluateConnect(claim(d, { scopes: all }))).toMatchObject({ status: 'paired' });
  });

  it('a scope upgrade merges scopes and keeps the old approval valid until approved', async () => {
    const s = store();
    const { d, token } = await paired(s);
    const { request: up } = await s.requestPairing(
      request(d, { scopes: ['operator.admin'], reason: 'scope-upgrade' }),
    );
    expect(up.isRepair).toBe(true);
    expect(await s.verifyDeviceToken(d.deviceId, 'operator', token, ['operator.read'])).toEqual({
      ok: true,
    });
    const approved = await s.approve(up.requestId);
    expect(approved.device.approvedScopes).toEqual(['operator.read', 'operator.admin']);
    // approval rotates the role's token
    expect(approved.token.token).not.toBe(token);
    expect(await s.verifyDeviceToken(d.deviceId, 'operator', token, [])).toMatchObject({
      reason: 'token-mismatch',
    });
    const rec = await s.getPaired(d.deviceId);
    expect(rec?.tokens?.operator?.rotatedAtMs).toBe(clock);
  });

  it('approves with fewer scopes than asked for, never more', async () => {
    const s = store();
    const d = device();
    const { request: r } = await s.requestPairing(
      request(d, { scopes: ['operator.read', 'operator.write'] }),
    );
    await expectCode(
      s.approve(r.requestId, { scopes: ['operator.pairing'] }),
      ErrorCode.INVALID_ARGUMENT,
    );
    const approved = await s.approve(r.requestId, { scopes: ['operator.read'] });
    expect(approved.device.approvedScopes).toEqual(['operator.read']);
    expect(approved.token.scopes).toEqual(['operator.read']);
    expect(
      await s.verifyDeviceToken(d.deviceId, 'operator', approved.token.token, ['operator.write']),
    ).toMatchObject({ ok: false });
    expect(
      await s.verifyDeviceToken(d.deviceId, 'operator', approved.token.token, ['operator.read']),
    ).toEqual({ ok: true });
  });

  it('approving a metadata upgrade moves the pin', async () => {
    const s = store();
    const { d } = await paired(s);
    const { request: up } = await s.requestPairing(
      request(d, { platform: 'Win32', reason: 'metadata-upgrade' }),
    );
    await s.approve(up.requestId);
    expect(await s.evaluateConnect(claim(d, { platform: 'win32' }))).toMatchObject({
      status: 'paired',
    });
    expect(await s.evaluateConnect(claim(d))).toMatchObject({ reason: 'metadata-upgrade' });
  });

  it('a role upgrade adds the role with its own token', async () => {
    const s = store();
    const { d, token } = await paired(s);
    const { request: up } = await s.requestPairing(
      request(d, { role: 'node', scopes: [], reason: 'role-upgrade' }),
    );
    const approved = await s.approve(up.requestId);
    expect(approved.device.roles).toEqual(['operator', 'node']);
    expect(await s.verifyDeviceToken(d.deviceId, 'operator', token, [])).toEqual({ ok: true });
    expect(await s.verifyDeviceToken(d.deviceId, 'node', approved.token.token, [])).toEqual({
      ok: true,
    });
  });
});

describe('tokens', () => {
  async function pairedWith(s: PairingStore, scopes: string[]) {
    const d = device();
    const { request: r } = await s.requestPairing(request(d, { scopes }));
    return { d, approved: await s.approve(r.requestId) };
  }

  it('ensureDeviceToken reuses a covering live token and mints otherwise', async () => {
    const s = store();
    const { d, approved } = await pairedWith(s, ['operator.read']);
    const reused = await s.ensureDeviceToken(d.deviceId, 'operator', ['operator.read']);
    expect(reused).toEqual({
      role: 'operator',
      token: approved.token.token,
      scopes: ['operator.read'],
      issuedAtMs: T0,
    });
    await expectCode(
      s.ensureDeviceToken(d.deviceId, 'operator', ['operator.admin']),
      ErrorCode.INVALID_ARGUMENT,
    );
    await expectCode(s.ensureDeviceToken(d.deviceId, 'node', []), ErrorCode.INVALID_ARGUMENT);
    await expectCode(
      s.ensureDeviceToken(device().deviceId, 'operator', []),
      ErrorCode.DEVICE_NOT_FOUND,
    );

    clock += 5_000;
    await s.revokeToken(d.deviceId, 'operator');
    const fresh = await s.ensureDeviceToken(d.deviceId, 'operator', ['operator.read']);
    expect(fresh.token).not.toBe(approved.token.token);
    expect(fresh.issuedAtMs).toBe(clock);
    expect(await s.verifyDeviceToken(d.deviceId, 'operator', fresh.token, [])).toEqual({
      ok: true,
    });
  });

  it('a paired connect counts as a use of the pairing, throttled (browsers log in with the shared token)', async () => {
    const s = store();
    const { d } = await pairedWith(s, ['operator.read']);
    const lastUsed = async () => (await s.getPaired(d.deviceId))?.tokens?.operator?.lastUsedAtMs;
    expect(await lastUsed()).toBeUndefined();
    await s.ensureDeviceToken(d.deviceId, 'operator', ['operator.read']);
    expect(await lastUsed()).toBe(T0);
    clock += 10_000;
    await s.ensureDeviceToken(d.deviceId, 'operator', ['operator.read']);
    expect(await lastUsed()).toBe(T0);
    clock += 60_000;
    await s.ensureDeviceToken(d.deviceId, 'operator', ['operator.read']);
    expect(await lastUsed()).toBe(clock);
  });

  it('rotateToken replaces the value and stays within approved scopes', async () => {
    const s = store();
    const { d, approved } = await pairedWith(s, ['operator.write']);
    clock += 10_000;
    const rotated = await s.rotateToken(d.deviceId, 'operator');
    expect(rotated).toMatchObject({
      role: 'operator',
      scopes: ['operator.write'],
      rotatedAtMs: clock,
    });
    expect(rotated.token).not.toBe(approved.token.token);
    const narrowed = await s.rotateToken(d.deviceId, 'operator', ['operator.read']);
    expect(narrowed.scopes).toEqual(['operator.read']);
    expect(
      await s.verifyDeviceToken(d.deviceId, 'operator', narrowed.token, ['operator.write']),
    ).toEqual({
      ok: false,
      reason: 'scope-mismatch',
    });
    await expectCode(
      s.rotateToken(d.deviceId, 'operator', ['operator.admin']),
      ErrorCode.INVALID_ARGUMENT,
    );
    const record = (await s.getPaired(d.deviceId))?.tokens?.operator;
    expect(record).toMatchObject({ createdAtMs: T0, rotatedAtMs: clock });
  });

  it('reports token-missing for a paired role without a token', async () => {
    const s = store();
    const { d } = await pairedWith(s, ['operator.read']);
    const file = await readJson(paths.pairedDevicesPath);
    delete (file[d.deviceId] as { tokens?: unknown }).tokens;
    await fs.writeFile(paths.pairedDevicesPath, JSON.stringify(file));
    expect(await s.verifyDeviceToken(d.deviceId, 'operator', 'x', [])).toEqual({
      ok: false,
      reason: 'token-missing',
    });
  });

  it('records lastUsedAtMs at most once a minute', async () => {
    const s = store();
    const { d, approved } = await pairedWith(s, ['operator.read']);
    const lastUsed = async () => (await s.getPaired(d.deviceId))?.tokens?.operator?.lastUsedAtMs;
    await s.verifyDeviceToken(d.deviceId, 'operator', approved.token.token, []);
    expect(await lastUsed()).toBe(T0);
    clock = T0 + 30_000;
    await s.verifyDeviceToken(d.deviceId, 'operator', approved.token.token, []);
    expect(await lastUsed()).toBe(T0);
    clock = T0 + 61_000;
    await s.verifyDeviceToken(d.deviceId, 'operator', approved.token.token, []);
    expect(await lastUsed()).toBe(T0 + 61_000);
    // a failed verification never counts as use
    clock = T0 + 200_000;
    await s.verifyDeviceToken(d.deviceId, 'operator', 'wrong', []);
    expect(await lastUsed()).toBe(T0 + 61_000);
  });
});

describe('housekeeping', () => {
  it('prunes pending requests older than the TTL, on disk too', async () => {
    const s = store({ pendingTtlMs: 60_000 });
    const old = await s.requestPairing(request(device()));
    clock += 30_000;
    const young = await s.requestPairing(request(device()));
    clock += 30_001;
    expect((await s.listPending()).map((r) => r.requestId)).toEqual([young.request.requestId]);
    expect(Object.keys(await readJson(paths.pendingDevicesPath))).toEqual([
      young.request.requestId,
    ]);
    await expectCode(s.approve(old.request.requestId), ErrorCode.PAIRING_NOT_FOUND);
    clock += 60_000;
    expect(await s.listPending()).toEqual([]);
  });

  it('remove unpairs the device and drops its pending requests', async () => {
    const s = store();
    const d = device();
    const { request: r } = await s.requestPairing(request(d));
    await s.approve(r.requestId);
    const { request: up } = await s.requestPairing(
      request(d, { scopes: ['operator.admin'], reason: 'scope-upgrade' }),
    );
    events = [];
    expect(await s.remove(d.deviceId)).toEqual({ deviceId: d.deviceId });
    expect(await s.getPaired(d.deviceId)).toBeUndefined();
    expect(await s.listPending()).toEqual([]);
    expect(events).toEqual([
      {
        event: 'device.pair.resolved',
        payload: { requestId: up.requestId, deviceId: d.deviceId, decision: 'rejected', ts: clock },
      },
    ]);
    await expectCode(s.remove(d.deviceId), ErrorCode.DEVICE_NOT_FOUND);
  });

  it('clear removes paired devices, and pending ones only when asked', async () => {
    const s = store();
    const a = device();
    await s.approve((await s.requestPairing(request(a))).request.requestId);
    await s.requestPairing(request(device()));
    expect(await s.clear()).toEqual({ removedPaired: 1, removedPending: 0 });
    expect(await s.listPending()).toHaveLength(1);
    expect(await s.clear({ pending: true })).toEqual({ removedPaired: 0, removedPending: 1 });
    expect(await s.listPending()).toEqual([]);
    expect(await s.listPaired()).toEqual([]);
  });

  it('touchMetadata refreshes access metadata but never the pins', async () => {
    const s = store();
    const d = device();
    await s.approve((await s.requestPairing(request(d))).request.requestId);
    await s.touchMetadata(d.deviceId, { displayName: 'Firefox', remoteIp: '10.0.0.9' });
    expect(await s.getPaired(d.deviceId)).toMatchObject({
      displayName: 'Firefox',
      remoteIp: '10.0.0.9',
      platform: 'MacIntel',
      clientId: 'openclaw-control-ui',
    });
    await s.touchMetadata(device().deviceId, { displayName: 'nobody' }); // unknown: no-op
    expect(await s.listPaired()).toHaveLength(1);
  });

  it('client views never contain token values', async () => {
    const s = store();
    const d = device();
    const { token } = await s.approve((await s.requestPairing(request(d))).request.requestId);
    const [record] = await s.listPaired();
    const view = s.toClientView(record!);
    expect(JSON.stringify(view)).not.toContain(token.token);
    expect(view.tokens).toEqual([{ role: 'operator', scopes: ['operator.read'], createdAtMs: T0 }]);
  });
});

describe('files on disk', () => {
  it('match the upstream layout exactly', async () => {
    const s = store();
    const d = device();
    const { request: r } = await s.requestPairing(request(d));

    const pending = await readJson(paths.pendingDevicesPath);
    expect(pending).toEqual({
      [r.requestId]: {
        requestId: r.requestId,
        deviceId: d.deviceId,
        publicKey: d.publicKey,
        displayName: 'Chrome on Mac',
        platform: 'MacIntel',
        deviceFamily: 'desktop',
        clientId: 'openclaw-control-ui',
        clientMode: 'webchat',
        role: 'operator',
        roles: ['operator'],
        scopes: ['operator.read'],
        remoteIp: '172.17.0.1',
        silent: false,
        isRepair: false,
        ts: T0,
      },
    });

    clock += 2_000;
    const { token } = await s.approve(r.requestId, { approvedVia: 'operator' });
    expect(await readJson(paths.pendingDevicesPath)).toEqual({});
    expect(await readJson(paths.pairedDevicesPath)).toEqual({
      [d.deviceId]: {
        deviceId: d.deviceId,
        publicKey: d.publicKey,
        displayName: 'Chrome on Mac',
        platform: 'MacIntel',
        deviceFamily: 'desktop',
        clientId: 'openclaw-control-ui',
        clientMode: 'webchat',
        role: 'operator',
        roles: ['operator'],
        scopes: ['operator.read'],
        approvedScopes: ['operator.read'],
        remoteIp: '172.17.0.1',
        tokens: {
          operator: {
            token: token.token,
            role: 'operator',
            scopes: ['operator.read'],
            createdAtMs: T0 + 2_000,
          },
        },
        createdAtMs: T0 + 2_000,
        approvedAtMs: T0 + 2_000,
        approvedVia: 'operator',
      },
    });
    if (process.platform !== 'win32') {
      expect((await fs.stat(paths.pairedDevicesPath)).mode & 0o777).toBe(0o600);
    }
  });

  it('keeps fields written by other versions and drops malformed entries', async () => {
    const s = store();
    const d = device();
    await s.approve((await s.requestPairing(request(d))).request.requestId);
    const file = await readJson(paths.pairedDevicesPath);
    (file[d.deviceId] as Record<string, unknown>).operatorLabel = 'Kitchen iPad';
    file.broken = { deviceId: 'broken' }; // no publicKey
    await fs.writeFile(paths.pairedDevicesPath, JSON.stringify(file));

    await s.touchMetadata(d.deviceId, { displayName: 'Renamed' });
    const after = await readJson(paths.pairedDevicesPath);
    expect(after[d.deviceId]).toMatchObject({
      operatorLabel: 'Kitchen iPad',
      displayName: 'Renamed',
    });
    expect(after.broken).toBeUndefined();
  });

  it('event payloads fit the closed protocol schemas', async () => {
    const schemaFile = path.join(
      process.cwd(),
      'node_modules/@openclaw/gateway-protocol/protocol.schema.json',
    );
    const schema = JSON.parse(await fs.readFile(schemaFile, 'utf8')) as {
      definitions: Record<string, { required: string[]; properties: Record<string, unknown> }>;
    };
    const s = store();
    const { request: r } = await s.requestPairing(request(device(), { displayName: '  ' }));
    await s.approve(r.requestId);
    const defs = {
      'device.pair.requested': 'DevicePairRequestedEvent',
      'device.pair.resolved': 'DevicePairResolvedEvent',
    };
    expect(events).toHaveLength(2);
    for (const e of events) {
      const def = schema.definitions[defs[e.event]]!;
      const keys = Object.keys(e.payload);
      expect(keys.filter((k) => !(k in def.properties))).toEqual([]);
      expect(def.required.filter((k) => !keys.includes(k))).toEqual([]);
      for (const value of Object.values(e.payload)) expect(value).not.toBe('');
    }
  });
});

describe('several writers', () => {
  it('two stores on the same files never lose each other’s entries', async () => {
    const a = store();
    const b = store();
    const devices = Array.from({ length: 16 }, () => device());
    const requests = await Promise.all(
      devices.map((d, i) => (i % 2 ? a : b).requestPairing(request(d))),
    );
    expect(await a.listPending()).toHaveLength(16);

    // approvals from both, interleaved with new requests and token bookkeeping
    const more = Array.from({ length: 6 }, () => device());
    await Promise.all([
      ...requests.map(({ request: r }, i) => (i % 2 ? b : a).approve(r.requestId)),
      ...more.map((d, i) => (i % 2 ? a : b).requestPairing(request(d))),
    ]);
    expect((await b.listPaired()).map((p) => p.deviceId).sort()).toEqual(
      devices.map((d) => d.deviceId).sort(),
    );
    expect((await a.listPending()).map((p) => p.deviceId).sort()).toEqual(
      more.map((d) => d.deviceId).sort(),
    );
  });

  it('separate processes writing at once never lose entries', async () => {
    const fixture = fileURLToPath(new URL('./pairing-store.fixture.ts', import.meta.url));
    const child = () =>
      execFileAsync(process.execPath, ['--import', 'tsx', fixture, dir, '12'], {
        cwd: process.cwd(),
      }).then(({ stdout }) => JSON.parse(stdout) as { requested: string[]; approved: string[] });
    // This process writes too, as the gateway would, while the children run.
    const local = new PairingStore(paths);
    const localDevices = Array.from({ length: 12 }, () => device());
    // allSettled: even if one child fails, wait for all of them before the temp dir goes away.
    const settled = await Promise.allSettled([
      child(),
      child(),
      child(),
      (async () => {
        for (const d of localDevices) {
          await new Promise((resolve) => setTimeout(resolve, 20));
          await local.requestPairing(request(d));
        }
      })(),
    ]);
    const failed = settled.filter((r) => r.status === 'rejected');
    expect(failed).toEqual([]);
    const children = settled.slice(0, 3).map((r) => {
      if (r.status !== 'fulfilled' || !r.value) throw new Error('child produced no result');
      return r.value;
    });
    const expectedPaired = children.flatMap((c) => c.approved).sort();
    const expectedPending = [
      ...children.flatMap((c) => c.requested),
      ...localDevices.map((d) => d.deviceId),
    ].sort();
    expect(expectedPaired).toHaveLength(18);
    expect((await local.listPaired()).map((p) => p.deviceId).sort()).toEqual(expectedPaired);
    expect((await local.listPending()).map((p) => p.deviceId).sort()).toEqual(expectedPending);
  }, 60_000);
});

describe('scopesCover', () => {
  it('applies the admin and write implications only', () => {
    expect(scopesCover(['operator.admin'], Object.keys(SCOPES))).toBe(true);
    expect(scopesCover(['operator.write'], ['operator.read'])).toBe(true);
    expect(scopesCover(['operator.read'], ['operator.write'])).toBe(false);
    expect(scopesCover(['operator.write'], ['operator.approvals'])).toBe(false);
    expect(scopesCover(['operator.admin'], ['node.invoke'])).toBe(false);
    expect(scopesCover([], [])).toBe(true);
    expect(SCOPES['operator.read'].description).toBe('read status, sessions and logs');
  });
});
