/**
 * The sweep of leftovers of killed test runs: names tell their owner pid; only test names whose
 * owner is gone are removed (real engine for the removal, names only for the parser).
 */
import { afterAll, describe, expect, it } from 'vitest';
import { engineFixture, ownerPidOf, sweepDeadTestRuns, testRunId } from './integration-support.js';

describe('test resource names', () => {
  it('carry the pid of the process that made them', () => {
    const id = testRunId();
    expect(id).toMatch(/^t[0-9a-z]+p[0-9a-f]{6}$/);
    for (const name of [
      `openclaw-app-${id}`,
      `openclaw-app-it:${id}`,
      `openclaw-test/compose:${id}`,
      `openclaw-test-${id}-v1`,
      `/openclaw-it-${id}-openclaw-gateway-1`,
      `openclaw-ui-${id}_openclaw-ui-home-${id}`,
      `oc-diag-${id}`,
    ])
      expect(ownerPidOf(name), name).toBe(process.pid);
  });

  it('never claims a name the tests do not make', () => {
    for (const name of [
      'openclaw:local',
      'openclaw_openclaw-home',
      'openclaw-base/node:22-bookworm-slim',
      'my-app-t1p123456',
      'openclaw-homet1p123456',
    ])
      expect(ownerPidOf(name), name).toBeUndefined();
  });
});

const { docker, ready, skipNote } = await engineFixture();

describe(`sweepDeadTestRuns on the engine${skipNote}`, () => {
  const deadPid = 999_999_937;
  const dead = `openclaw-test-t${deadPid.toString(36)}p0a0b0c-sweep`;
  const live = `openclaw-test-${testRunId()}-sweep`;
  afterAll(async () => {
    if (!ready) return;
    for (const name of [dead, live])
      await docker
        .getVolume(name)
        .remove()
        .catch(() => {});
  });

  it.skipIf(!ready)('removes what a dead run left and keeps what a live one uses', async () => {
    await docker.createVolume({ Name: dead });
    await docker.createVolume({ Name: live });
    const removed = await sweepDeadTestRuns(docker, (pid) => pid !== deadPid);
    expect(removed).toContain(dead);
    expect(removed).not.toContain(live);
    const names = ((await docker.listVolumes()).Volumes ?? []).map((v) => v.Name);
    expect(names).not.toContain(dead);
    expect(names).toContain(live);
  });
});
