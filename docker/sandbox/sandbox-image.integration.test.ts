// The agent sandbox image built on the REAL engine from the local Debian base (network host for
// apt; the engine's layer cache makes re-runs take seconds), under a private tag: the tools are
// there, the user is the non-root `sandbox`, and an unchanged recipe is not rebuilt. The common
// and browser images are too slow for a test; see README for building them by hand.
// Everything is labelled openclaw.test-run=<id> and removed in afterAll.
import { afterAll, describe, expect, it } from 'vitest';
import {
  BASE_IMAGE,
  TEST_LABEL,
  cleanupRun,
  engineFixture,
} from '../engine/integration-support.js';
import { imageInfo } from '../engine/index.js';
import {
  buildSandboxImage,
  SANDBOX_RECIPE_LABEL,
  type SandboxBuildEvent,
} from './sandbox-images.js';

const { docker, ready, skipNote, runId } = await engineFixture();
const TAG = `openclaw-test/sandbox:${runId}`;

afterAll(async () => {
  if (ready) await cleanupRun(docker, runId, [], [TAG]);
}, 60_000);

async function runInImage(script: string): Promise<{ code: number; output: string }> {
  const container = await docker.createContainer({
    Image: TAG,
    name: `openclaw-test-sandbox-${runId}`,
    Cmd: ['bash', '-c', script],
    Tty: true, // one raw stream: no demultiplexing needed for the check
    Labels: { [TEST_LABEL]: runId },
    HostConfig: { NetworkMode: 'none', CapDrop: ['ALL'], ReadonlyRootfs: true },
  });
  try {
    await container.start();
    const { StatusCode } = (await container.wait()) as { StatusCode: number };
    const logs = await container.logs({ stdout: true, stderr: true, follow: false });
    return { code: StatusCode, output: logs.toString('utf8').replace(/\r/g, '') };
  } finally {
    await container.remove({ force: true });
  }
}

describe(`openclaw-sandbox image on the real engine${skipNote}`, () => {
  it.skipIf(!ready)(
    `builds from the local base with the tools and a non-root user${skipNote}`,
    async () => {
      const events: SandboxBuildEvent[] = [];
      const built = await buildSandboxImage(docker, {
        kind: 'sandbox',
        env: { OPENCLAW_BASE_IMAGE: BASE_IMAGE },
        tag: TAG,
        labels: { [TEST_LABEL]: runId },
        force: true,
        onEvent: (e) => events.push(e),
      });
      expect(built).toMatchObject({ tag: TAG, rebuilt: true });
      expect(built.bases[0]).toMatchObject({
        source: 'explicit',
        image: BASE_IMAGE,
        present: true,
      });
      const steps = events.flatMap((e) =>
        e.kind === 'build' && e.event.kind === 'step' ? [e.event.label] : [],
      );
      expect(steps.some((s) => /apt packages: bash, ca-certificates, curl, git/.test(s))).toBe(
        true,
      );

      const info = await imageInfo(docker, TAG);
      expect(info.labels[SANDBOX_RECIPE_LABEL]).toMatch(/^[0-9a-f]{16}$/);
      const inspect = await docker.getImage(TAG).inspect();
      expect(inspect.Config.User).toBe('sandbox');
      expect(inspect.Config.WorkingDir).toBe('/workspace');
      expect(inspect.Config.Cmd).toEqual(['sleep', 'infinity']);

      const run = await runInImage(
        'set -e; for t in bash python3 rg jq git curl; do command -v "$t"; done; ' +
          'echo "uid=$(id -u) user=$(id -un) home=$HOME pwd=$(pwd)"; ' +
          'test -r /etc/ssl/certs/ca-certificates.crt && echo certs-ok',
      );
      expect(run.code, run.output).toBe(0);
      for (const tool of ['bash', 'python3', 'rg', 'jq', 'git', 'curl'])
        expect(run.output).toMatch(new RegExp(`/${tool}\\n`));
      expect(run.output).toContain('uid=1000 user=sandbox home=/home/sandbox pwd=/workspace');
      expect(run.output).toContain('certs-ok');

      // Same recipe, same base: kept, not rebuilt.
      const again = await buildSandboxImage(docker, {
        kind: 'sandbox',
        env: { OPENCLAW_BASE_IMAGE: BASE_IMAGE },
        tag: TAG,
      });
      expect(again).toMatchObject({ rebuilt: false, imageId: built.imageId });
    },
    120_000,
  );
});
