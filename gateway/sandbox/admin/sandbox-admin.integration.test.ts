// sandbox list/recreate against the REAL Docker engine: two containers ensured through a
// DockerSandboxEngine (two session scope keys), listed by `openclaw sandbox list --json` and by
// the `sandboxes.list` gateway method, one recreated by `--session … --force` (gone, the other
// stays), the other through `sandboxes.recreate`. The engine lists every sandbox container on the
// machine, so assertions look only at this run's (openclaw-it-sbx-<runId>-…, removed in afterAll).
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveStatePaths, type StatePaths } from '../../config/paths.js';
import { sandboxList, sandboxRecreate } from '../../cli/commands/sandbox-containers.js';
import { RawClient, startTestGateway, type TestGateway } from '../../testing/test-gateway.js';
import { DockerSandboxEngine } from '../engine/docker-sandbox-engine.js';
import {
  SANDBOX_TEST_IMAGE,
  sandboxEngineFixture,
  testPlan,
} from '../engine/engine-test-support.js';
import type { SandboxListing, SandboxRow } from './sandbox-inventory.js';

const { docker, ready, skipNote, runId } = await sandboxEngineFixture();
const prefix = `openclaw-it-sbx-${runId}`;
const keyOne = `agent:main:it-${runId}-one`;
const keyTwo = `agent:main:it-${runId}-two`;
const config = {
  agents: {
    defaults: { sandbox: { mode: 'all', scope: 'session', docker: { image: SANDBOX_TEST_IMAGE } } },
  },
};

let root = '';
let env: Record<string, string> = {};
let paths: StatePaths;
let gw: TestGateway | undefined;
let client: RawClient | undefined;

function mine(rows: readonly SandboxRow[]): SandboxRow[] {
  return rows.filter((r) => r.containerName.startsWith(prefix));
}

async function cliJson(argv: string[]): Promise<SandboxListing> {
  let out = '';
  const write = process.stdout.write.bind(process.stdout);
  process.stdout.write = ((chunk: string | Uint8Array) => {
    out += String(chunk);
    return true;
  }) as typeof process.stdout.write;
  try {
    expect(await sandboxList(argv, env, paths)).toBe(0);
  } finally {
    process.stdout.write = write;
  }
  return JSON.parse(out) as SandboxListing;
}

async function exists(name: string): Promise<boolean> {
  return docker
    .getContainer(name)
    .inspect()
    .then(
      () => true,
      (err: { statusCode?: number }) => {
        if (err.statusCode === 404) return false;
        throw err;
      },
    );
}

beforeAll(async () => {
  if (!ready) return;
  root = await fs.mkdtemp(path.join(os.tmpdir(), 'oc-sbx-admin-it-'));
  env = { OPENCLAW_STATE_DIR: path.join(root, 'state'), OPENCLAW_HOME: root };
  paths = resolveStatePaths(env);
  await fs.mkdir(path.dirname(paths.configPath), { recursive: true });
  await fs.writeFile(paths.configPath, JSON.stringify(config));
  const ws = path.join(root, 'ws');
  await fs.mkdir(ws, { recursive: true });
  const engine = new DockerSandboxEngine({
    docker,
    stateDir: paths.stateDir,
    images: [SANDBOX_TEST_IMAGE],
  });
  for (const [suffix, key] of [
    ['one', keyOne],
    ['two', keyTwo],
  ] as const) {
    const plan = testPlan(`${prefix}-${suffix}`, ws, {
      scope: 'session',
      scopeKey: key,
      sessionKey: key,
    });
    const { created } = await engine.ensure(plan);
    expect(created).toBe(true);
  }
  gw = await startTestGateway(config);
  client = await RawClient.open(gw.url);
  expect((await client.connect()).ok).toBe(true);
}, 120_000);

afterAll(async () => {
  client?.close();
  await gw?.stop();
  if (ready) {
    const left = await docker.listContainers({ all: true, filters: { name: [prefix] } });
    await Promise.all(left.map((c) => docker.getContainer(c.Id).remove({ force: true })));
  }
  if (root) await fs.rm(root, { recursive: true, force: true });
}, 30_000);

describe.skipIf(!ready)(`sandbox list/recreate on the real engine${skipNote}`, () => {
  it('lists both containers through the CLI and the gateway, recreates one by session', async () => {
    const listed = mine((await cliJson(['--json'])).containers);
    expect(listed.map((r) => [r.containerName, r.scopeKey, r.state, r.image])).toEqual([
      [`${prefix}-one`, keyOne, 'running', SANDBOX_TEST_IMAGE],
      [`${prefix}-two`, keyTwo, 'running', SANDBOX_TEST_IMAGE],
    ]);
    for (const row of listed) {
      expect(row.agentId).toBe('main');
      // The config names these scopes' containers openclaw-sbx-…, so these are not what it would use.
      expect(row.configMatch).toBe('no');
      expect(row.configNote).toMatch(
        /the config now names this scope's container openclaw-sbx-agent-main-it-/,
      );
      expect(row.lastUsedAtMs).toBeGreaterThanOrEqual(row.createdAtMs);
    }

    const res = await client!.request('l1', 'sandboxes.list', {});
    expect(res.ok).toBe(true);
    const viaGateway = mine((res.payload as unknown as SandboxListing).containers);
    expect(viaGateway.map((r) => [r.containerName, r.scopeKey, r.state, r.configMatch])).toEqual(
      listed.map((r) => [r.containerName, r.scopeKey, r.state, r.configMatch]),
    );

    // A read-only operator sees the list but may not remove anything.
    const reader = await RawClient.open(gw!.url);
    try {
      await reader.connect({ scopes: ['operator.read'] });
      const read = await reader.request('rl', 'sandboxes.list', {});
      expect(mine((read.payload as unknown as SandboxListing).containers)).toHaveLength(2);
      const denied = await reader.request('rr', 'sandboxes.recreate', { all: true });
      expect(denied.error?.code).toBe('FORBIDDEN');
    } finally {
      reader.close();
    }
    expect(await exists(`${prefix}-one`)).toBe(true);

    const bad = await client!.request('l2', 'sandboxes.recreate', { session: keyOne });
    expect(bad.ok).toBe(false);
    expect(bad.error?.message).toMatch(/unknown field\(s\) session/);

    const noTty = { interactive: false, ask: () => Promise.reject(new Error('must not ask')) };
    expect(await sandboxRecreate(['--session', keyOne, '--force'], env, paths, noTty)).toBe(0);
    expect(await exists(`${prefix}-one`)).toBe(false);
    expect(await exists(`${prefix}-two`)).toBe(true);
    expect(mine((await cliJson(['--json'])).containers).map((r) => r.containerName)).toEqual([
      `${prefix}-two`,
    ]);

    const removed = await client!.request('r1', 'sandboxes.recreate', { sessionKey: keyTwo });
    expect(removed.ok).toBe(true);
    expect(removed.payload).toEqual({ removed: [`${prefix}-two`], failed: [] });
    expect(await exists(`${prefix}-two`)).toBe(false);
    const again = await client!.request('r2', 'sandboxes.recreate', { sessionKey: keyTwo });
    expect(again.ok).toBe(false);
    expect(again.error?.message).toMatch(/No sandbox container matches/);
  }, 60_000);
});
