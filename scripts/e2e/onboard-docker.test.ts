/**
 * Runs scripts/e2e/onboard-docker.sh (`./docker-setup.sh --non-interactive` into a throwaway
 * stack, then health / devices list / dashboard / healthz) on the real engine, and reports it
 * skipped — visibly, in the title — when there is no engine, compose, Node base image or bundle.
 *
 * The script is handed a private image (built here from the cached layers, removed afterwards)
 * instead of letting docker-setup.sh build openclaw:local: the setup integration test builds
 * openclaw:local with other apt packages in a parallel worker, and two builds retagging the same
 * name would swap the image under each other's stack.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gatewayBuildArgs, stageBuildContext } from '../../docker/build-context.js';
import {
  buildImage,
  createDockerClient,
  detectCompose,
  imageExists,
  pingEngine,
  removeImage,
} from '../../docker/engine/index.js';
import { testRunId } from '../../docker/engine/integration-support.js';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const SCRIPT = path.join(REPO, 'scripts/e2e/onboard-docker.sh');
const BUNDLE = path.join(REPO, 'dist/gateway');
const BASES = ['node:22-bookworm-slim', 'openclaw-base/node:22-bookworm-slim'];

/** Mirrors the script's own prerequisites, so a missing piece is a skip and not a failure. */
async function prerequisites(): Promise<{ skip?: string; nodeImage?: string }> {
  try {
    const docker = createDockerClient({ env: process.env });
    // An unreachable engine is reported as { ok: false }, not thrown.
    const ping = await pingEngine(docker);
    if (!ping.ok) return { skip: ping.error.message.split('\n')[0] };
    await detectCompose({ env: process.env });
    let nodeImage: string | undefined;
    for (const base of BASES) if (!nodeImage && (await imageExists(docker, base))) nodeImage = base;
    if (!nodeImage) return { skip: 'no Node 22 base image (run scripts/make-base-images.sh)' };
    if (!existsSync(path.join(BUNDLE, 'openclaw.mjs')))
      return { skip: 'no gateway bundle (run npm run build)' };
    if (!(await commandExists('curl'))) return { skip: 'curl is not installed' };
    return { nodeImage };
  } catch (err) {
    return { skip: (err as Error).message.split('\n')[0] };
  }
}

function commandExists(name: string): Promise<boolean> {
  return new Promise((resolve) => {
    execFile('sh', ['-c', `command -v ${name}`], (err) => resolve(!err));
  });
}

interface ScriptRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

function runScript(env: NodeJS.ProcessEnv, timeoutMs: number): Promise<ScriptRun> {
  return new Promise((resolve) => {
    const child = execFile(
      'bash',
      [SCRIPT],
      { cwd: REPO, env, timeout: timeoutMs, killSignal: 'SIGTERM', maxBuffer: 16 * 1024 * 1024 },
      (err, stdout, stderr) => {
        const code = err ? (typeof err.code === 'number' ? err.code : null) : 0;
        resolve({ code, stdout, stderr });
      },
    );
    child.stdin?.end(); // no stdin, as in CI
  });
}

const { skip, nodeImage } = await prerequisites();
if (skip) console.warn(`SKIPPED docker onboarding e2e: ${skip}`);

describe.skipIf(skip !== undefined)(
  `scripts/e2e/onboard-docker.sh${skip ? ` (SKIPPED: ${skip})` : ''}`,
  () => {
    const docker = createDockerClient({ env: process.env });
    const tag = `openclaw-e2e:${testRunId()}`;

    beforeAll(async () => {
      const staged = await stageBuildContext({ bundleDir: BUNDLE });
      try {
        await buildImage(docker, {
          contextDir: staged.dir,
          dockerfile: staged.dockerfile,
          tag,
          buildArgs: gatewayBuildArgs({ nodeImage }),
          labels: { 'org.openclaw.desktop.test': 'e2e' },
          networkMode: 'host',
        });
      } finally {
        await staged.dispose();
      }
    }, 300_000);

    afterAll(async () => {
      await removeImage(docker, tag, { force: true }).catch(() => false);
    }, 60_000);

    it('onboards a throwaway stack and passes every check', async () => {
      const env: NodeJS.ProcessEnv = { ...process.env, OPENCLAW_IMAGE: tag };
      delete env.OPENCLAW_E2E_KEEP;
      const result = await runScript(env, 540_000);
      const transcript = `exit ${result.code}\n${result.stdout}\n${result.stderr}`;
      expect(result.code, transcript).toBe(0);
      for (const check of [
        'docker-setup.sh --non-interactive',
        'compose exec openclaw-gateway … health',
        'compose run --rm openclaw-cli devices list',
        'dashboard --no-open prints',
        '/healthz',
        'port published on 127.0.0.1',
        'compose down -v removed the stack',
      ]) {
        expect(result.stdout, transcript).toMatch(new RegExp(`^PASS .*${escape(check)}`, 'm'));
      }
      expect(result.stdout).not.toMatch(/^FAIL /m);
      expect(result.stdout).toMatch(/^9 passed, 0 failed$/m);
      // The throwaway token never reaches the transcript.
      expect(result.stdout + result.stderr).not.toMatch(/#token=(?!<redacted>|…)/);
    }, 600_000);
  },
);

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
