// The Sandboxes page's host side against the REAL Docker engine: two labelled containers (one
// known to the registry, one not), one unlabelled container it must refuse, with the local base
// image standing in for the sandbox image. Names start openclaw-it-sbx-<runId>- and are removed in
// afterAll (and by the test run's global cleanup if this run is killed).
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveStatePaths } from '../../../gateway/config/paths.js';
import { isOpenClawError } from '../../../gateway/infra/errors.js';
import { SANDBOX_LABELS } from '../../../gateway/sandbox/contract.js';
import {
  SANDBOX_TEST_IMAGE,
  sandboxEngineFixture,
} from '../../../gateway/sandbox/engine/engine-test-support.js';
import { SandboxContainers } from './sandbox-containers.js';

const { docker, ready, skipNote, runId } = await sandboxEngineFixture();
const prefix = `openclaw-it-sbx-${runId}`;
const HOUR = 3_600_000;
const RUN_LABEL = 'openclaw.test.run';
const hot = `${prefix}-hot`;
const cold = `${prefix}-cold`;
const plain = `${prefix}-plain`;
let stateDir = '';
let sandboxes: SandboxContainers;
const now = Date.now();

async function create(name: string, labels: Record<string, string>): Promise<void> {
  const c = await docker.createContainer({
    name,
    Image: SANDBOX_TEST_IMAGE,
    Cmd: ['sh', '-c', 'echo hello from $HOSTNAME; echo oops >&2; sleep 600'],
    Labels: labels,
    HostConfig: { NetworkMode: 'none', Init: true },
  });
  await c.start();
}

function sandboxLabels(agentId: string, scopeKey: string): Record<string, string> {
  return {
    [SANDBOX_LABELS.sandbox]: '1',
    [SANDBOX_LABELS.agentId]: agentId,
    [SANDBOX_LABELS.scopeKey]: scopeKey,
    [SANDBOX_LABELS.configHash]: 'hash-a',
    [SANDBOX_LABELS.createdAtMs]: String(now - 48 * HOUR),
    [RUN_LABEL]: runId,
  };
}

describe.skipIf(!ready)(`sandbox containers on the real engine${skipNote}`, () => {
  beforeAll(async () => {
    stateDir = await fs.mkdtemp(path.join(os.tmpdir(), 'openclaw-sbx-app-'));
    // The config names the base image for agent "main" only, so "other" does not match.
    await fs.writeFile(
      path.join(stateDir, 'openclaw.json'),
      JSON.stringify({
        agents: { list: [{ id: 'main', sandbox: { docker: { image: SANDBOX_TEST_IMAGE } } }] },
      }),
    );
    await fs.mkdir(path.join(stateDir, 'sandbox'));
    await fs.writeFile(
      path.join(stateDir, 'sandbox', 'containers.json'),
      JSON.stringify({
        entries: [
          {
            containerName: hot,
            sessionKey: 'agent:main',
            agentId: 'main',
            createdAtMs: now - 48 * HOUR,
            lastUsedAtMs: now + 3 * HOUR - 60_000,
            image: SANDBOX_TEST_IMAGE,
            configHash: 'hash-a',
            wantedConfigHash: 'hash-b',
          },
        ],
      }),
    );
    await create(hot, sandboxLabels('main', 'agent:main'));
    await create(cold, sandboxLabels('other', 'agent:other:s1'));
    await create(plain, { [RUN_LABEL]: runId });
    // The registry has no entry for `cold`: its idle time counts from its start, moved 3 h back.
    sandboxes = new SandboxContainers({
      docker,
      statePaths: () => resolveStatePaths({ OPENCLAW_STATE_DIR: stateDir }),
      now: () => Date.now() + 3 * HOUR,
      alsoLabels: [`${RUN_LABEL}=${runId}`],
    });
  }, 60_000);

  afterAll(async () => {
    for (const name of [hot, cold, plain])
      await docker
        .getContainer(name)
        .remove({ force: true })
        .catch(() => {});
    if (stateDir) await fs.rm(stateDir, { recursive: true, force: true });
  }, 60_000);

  it('lists only labelled containers, with registry use, start time and image match', async () => {
    const view = await sandboxes.overview();
    expect(view.engine).toBe('ready');
    const mine = view.containers;
    expect(mine.map((c) => c.name)).toEqual([cold, hot]);
    const [c, h] = mine;
    expect(h).toMatchObject({
      scopeKey: 'agent:main',
      agentId: 'main',
      state: 'running',
      image: SANDBOX_TEST_IMAGE,
      imageMatches: true,
      recreatePending: true,
      usedFrom: 'registry',
      lastUsedAtMs: now + 3 * HOUR - 60_000,
      createdAtMs: now - 48 * HOUR,
    });
    expect(c).toMatchObject({
      agentId: 'other',
      scopeKey: 'agent:other:s1',
      configuredImage: 'openclaw-sandbox:bookworm-slim',
      imageMatches: false,
      recreatePending: false,
      usedFrom: 'started',
    });
    expect(c!.idleMs).toBeGreaterThan(2.9 * HOUR);
    expect(c!.idleMs).toBeLessThan(3.1 * HOUR);
  });

  it('reads the last lines a sandbox wrote, both streams', async () => {
    const lines = await sandboxes.logs(hot, 50);
    expect(lines.some((l) => l.stream === 'stdout' && l.text.startsWith('hello from'))).toBe(true);
    expect(lines.some((l) => l.stream === 'stderr' && l.text === 'oops')).toBe(true);
    expect(lines.every((l) => typeof l.timestamp === 'string')).toBe(true);
  });

  it('refuses a container without the sandbox label, and a name that does not exist', async () => {
    for (const call of [() => sandboxes.remove(plain), () => sandboxes.logs(plain, 10)]) {
      const err = await call().catch((e: unknown) => e);
      expect(isOpenClawError(err) && err.message).toMatch(/is not an agent sandbox/);
    }
    expect((await docker.getContainer(plain).inspect()).State.Running).toBe(true);
    const gone = await sandboxes.remove(`${prefix}-missing`).catch((e: unknown) => e);
    expect(isOpenClawError(gone) && gone.message).toMatch(/no longer exists/);
  });

  it('prunes what is idle longer than the limit and keeps the rest, then removes', async () => {
    expect(await sandboxes.prune(2)).toEqual({ removed: [cold], failed: [] });
    const names = (await sandboxes.list()).map((c) => c.name);
    expect(names).toContain(hot);
    expect(names).not.toContain(cold);
    await sandboxes.remove(hot);
    expect((await sandboxes.list()).map((c) => c.name)).not.toContain(hot);
    expect((await docker.getContainer(plain).inspect()).State.Running).toBe(true);
  });
});
