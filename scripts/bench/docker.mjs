// @ts-check
/**
 * Docker bench: the gateway image build (no cache, cached, after a bundle change, with an apt
 * package), the image's size on top of its Node base, and the stack's timings through the
 * project's own setup flow (first setup, `compose up -d` to healthy, idempotent re-run).
 *
 * Everything runs against the real engine under private names — image `openclaw-bench:<id>`,
 * compose project `openclaw-bench-<id>`, temp folders, a free port — so the user's
 * `openclaw:local` and `openclaw` stack are never touched, and all of it is removed at the end,
 * on failure and on Ctrl-C too. The TypeScript engine code is loaded through tsx, so what is
 * measured is what `./docker-setup.sh` and the app run, not a shell re-enactment of it.
 */
import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { cleanup, loadProjectCode, prerequisites } from './docker-support.mjs';
import { freePort } from './gateway-process.mjs';
import { environmentInfo, metric } from './report.mjs';
import { median } from './stats.mjs';

/** @typedef {import('./report.mjs').Metric} Metric */
/** @typedef {import('./report.mjs').SectionResult} SectionResult */

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const TARGETS = { onBaseMb: 60 };
const FULL = { cachedBuilds: 3, aptBuild: true, setupReruns: 3 };
const QUICK = { cachedBuilds: 1, aptBuild: false, setupReruns: 1 };
const MB = 1024 * 1024;
const GATEWAY = 'openclaw-gateway';

/**
 * @param {{ quick?: boolean, log?: (line: string) => void, bundleDir?: string }} options
 * @returns {Promise<SectionResult>}
 */
export async function runDockerBench(options) {
  const plan = options.quick ? QUICK : FULL;
  const log = options.log ?? (() => {});
  const bundleDir = path.resolve(options.bundleDir ?? path.join(ROOT, 'dist/gateway'));
  const startedAt = new Date();
  const t0 = performance.now();
  /** @type {Metric[]} */
  const metrics = [];
  /** @type {Record<string, unknown>} */
  const data = { plan, targets: TARGETS };
  /** @type {string[]} */
  const errors = [];
  data.errors = errors; // full text (a build's failing step, a container's last log lines)
  const result = () =>
    /** @type {SectionResult} */ ({
      section: 'docker',
      startedAt: startedAt.toISOString(),
      durationMs: Math.round(performance.now() - t0),
      environment: { ...environmentInfo(), bundleDir, quick: Boolean(options.quick), ...env },
      metrics,
      data,
      ...(errors.length > 0 ? { error: errors.map((e) => e.split('\n')[0]).join('\n') } : {}),
    });
  /** @type {Record<string, unknown>} */
  const env = {};

  const { engine, context, setup } = await loadProjectCode();
  const ready = await prerequisites(engine, bundleDir);
  if (ready.skip || !ready.docker || !ready.compose || !ready.nodeImage) {
    const reason = ready.skip ?? 'prerequisites missing';
    log(`docker: SKIPPED: ${reason}`);
    data.skipped = reason;
    metrics.push(metric('skipped', `SKIPPED: ${reason}`, null, ''));
    return result();
  }
  const { docker, compose, nodeImage } = ready;
  const engineInfo = await docker.version().catch(() => ({}));
  Object.assign(env, {
    engine: engineInfo.Version ?? 'unknown',
    compose: `${compose.command.join(' ')} ${compose.version}`,
    nodeImage,
  });

  const id = randomBytes(4).toString('hex');
  const tag = `openclaw-bench:${id}`;
  const project = `openclaw-bench-${id}`;
  const labels = { 'org.openclaw.desktop.bench': id };
  Object.assign(data, { runId: id, image: tag, project });
  /** Every image tag this run creates; removed at the end. */
  const tags = new Set();
  const work = await fs.mkdtemp(path.join(os.tmpdir(), 'openclaw-bench-docker-'));
  const stackDir = path.join(work, 'stack');
  /** @type {any} ComposeProject, once setup wrote .env */
  let stack;

  // Ctrl-C must not leave containers, volumes or images behind: abort, clean up, then re-raise.
  const controller = new AbortController();
  /** @type {NodeJS.Signals | undefined} */
  let interrupted;
  /** @param {NodeJS.Signals} sig */
  const onSignal = (sig) => {
    interrupted = sig;
    log(`docker: ${sig}: stopping and cleaning up...`);
    controller.abort();
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  const signal = controller.signal;

  /**
   * Runs one phase; a failure is recorded, its metrics reported n/a, and later phases still run
   * unless they depend on it (they check what they need).
   * @param {string} name
   * @param {() => Promise<void>} fn
   * @param {Metric[]} onFailure
   */
  const phase = async (name, fn, onFailure) => {
    if (signal.aborted) {
      metrics.push(...onFailure);
      return false;
    }
    log(`docker: ${name}...`);
    try {
      await fn();
      return true;
    } catch (err) {
      errors.push(`${name}: ${err instanceof Error ? err.message : String(err)}`);
      metrics.push(...onFailure);
      return false;
    }
  };
  const onBaseTarget = /** @type {const} */ ({ op: '<', value: TARGETS.onBaseMb });

  /**
   * Stages a fresh context (as setup does for every build) and builds it; staging is timed in.
   * @param {{ tag: string, noCache?: boolean, aptPackages?: string[], touchBundle?: boolean }} build
   */
  const timedBuild = async (build) => {
    const started = performance.now();
    const staged = await context.stageBuildContext({ bundleDir });
    try {
      // A bundle change as an app update makes it: the COPY layer and everything after it rebuild.
      if (build.touchBundle)
        await fs.writeFile(path.join(staged.dir, 'app/gateway/.bench-stamp'), `${id}-${started}\n`);
      tags.add(build.tag);
      let steps = 0;
      await engine.buildImage(docker, {
        contextDir: staged.dir,
        dockerfile: staged.dockerfile,
        tag: build.tag,
        buildArgs: context.gatewayBuildArgs({ nodeImage, aptPackages: build.aptPackages ?? [] }),
        labels,
        networkMode: 'host', // apt reaches the mirror on engines whose bridge has no route out
        noCache: build.noCache ?? false,
        signal,
        onProgress: (/** @type {{ kind: string }} */ event) => {
          if (event.kind === 'step') steps++;
        },
      });
      return {
        ms: performance.now() - started,
        steps,
        hasControlUi: staged.hasControlUi,
        contextBytes: staged.bytes,
        contextFiles: staged.files,
      };
    } finally {
      await staged.dispose();
    }
  };

  const imageMb = async (/** @type {string} */ ref) =>
    (await engine.imageInfo(docker, ref, { signal })).size / MB;

  try {
    // --- image builds and sizes -------------------------------------------------------------
    const built = await phase(
      'image build without cache',
      async () => {
        const cold = await timedBuild({ tag, noCache: true });
        data.coldBuild = cold;
        metrics.push(
          metric('build_cold_ms', 'image build, no cache', cold.ms, 'ms', {
            detail: `local base, ${cold.steps} steps, context ${(cold.contextBytes / MB).toFixed(1)} MB${cold.hasControlUi ? '' : ', no Control UI built'}`,
          }),
        );
      },
      [metric('build_cold_ms', 'image build, no cache', null, 'ms')],
    );

    if (built) {
      await phase(
        'image build with cache',
        async () => {
          /** @type {number[]} */
          const runs = [];
          for (let i = 0; i < plan.cachedBuilds; i++) runs.push((await timedBuild({ tag })).ms);
          data.cachedBuilds = runs;
          metrics.push(
            metric('build_cached_ms', 'image build, all layers cached', median(runs), 'ms', {
              detail: `median of ${runs.length}`,
            }),
          );
          const changed = await timedBuild({ tag: `${tag}-bundle`, touchBundle: true });
          data.bundleChangeBuild = changed;
          metrics.push(
            metric(
              'build_bundle_change_ms',
              'image build after a bundle change',
              changed.ms,
              'ms',
              {
                detail: 'COPY onwards rebuilt',
              },
            ),
          );
        },
        [metric('build_cached_ms', 'image build, all layers cached', null, 'ms')],
      );

      await phase(
        'image size',
        async () => {
          const [size, base] = await Promise.all([imageMb(tag), imageMb(nodeImage)]);
          data.size = { imageMb: size, baseMb: base };
          metrics.push(
            metric('image_mb', 'image size', size, 'MB', { detail: `base ${base.toFixed(0)} MB` }),
            metric('image_on_base_mb', 'image size on top of the Node base', size - base, 'MB', {
              target: onBaseTarget,
            }),
          );
        },
        [
          metric('image_on_base_mb', 'image size on top of the Node base', null, 'MB', {
            target: onBaseTarget,
          }),
        ],
      );
    }

    if (plan.aptBuild) {
      await phase(
        'image build with OPENCLAW_DOCKER_APT_PACKAGES=jq',
        async () => {
          const aptTag = `${tag}-jq`;
          const apt = await timedBuild({ tag: aptTag, noCache: true, aptPackages: ['jq'] });
          const [size, base] = await Promise.all([imageMb(aptTag), imageMb(nodeImage)]);
          data.aptBuild = { ...apt, imageMb: size, baseMb: base };
          metrics.push(
            metric('build_apt_cold_ms', 'image build with jq, no cache', apt.ms, 'ms', {
              detail: 'apt-get update + install over --network host',
            }),
            metric(
              'image_apt_on_base_mb',
              'image with jq on top of the Node base',
              size - base,
              'MB',
              {
                target: onBaseTarget,
              },
            ),
          );
        },
        [
          metric('image_apt_on_base_mb', 'image with jq on top of the Node base', null, 'MB', {
            target: onBaseTarget,
          }),
        ],
      );
    }

    // --- the stack through the setup flow ---------------------------------------------------
    const port = await freePort();
    await fs.mkdir(stackDir, { recursive: true });
    await fs.copyFile(
      path.join(ROOT, 'docker-compose.yml'),
      path.join(stackDir, 'docker-compose.yml'),
    );
    const setupEnv = {
      ...process.env,
      OPENCLAW_CONFIG_DIR: path.join(work, 'config'),
      OPENCLAW_WORKSPACE_DIR: path.join(work, 'workspace'),
      OPENCLAW_GATEWAY_PORT: String(port),
      OPENCLAW_IMAGE: tag, // an explicit image: setup runs it as is, openclaw:local stays untouched
      OPENCLAW_NODE_IMAGE: nodeImage,
      // The caller's own choices must not leak into a throwaway stack.
      OPENCLAW_GATEWAY_TOKEN: '',
      OPENCLAW_GATEWAY_BIND: '',
      OPENCLAW_EXTRA_MOUNTS: '',
      OPENCLAW_HOME_VOLUME: '',
      OPENCLAW_DOCKER_APT_PACKAGES: '',
    };
    const runSetup = () =>
      setup.runSetup({
        stackDir,
        env: setupEnv,
        bundleDir,
        projectName: project,
        healthTimeoutMs: 120_000,
        docker,
        compose,
        signal,
      });

    /** @type {any} */
    let first;
    if (built) {
      await phase(
        'first setup',
        async () => {
          const started = performance.now();
          first = await runSetup();
          const ms = performance.now() - started;
          stack = new engine.ComposeProject({
            compose,
            projectDir: stackDir,
            files: first.composeFiles,
            projectName: project,
            docker,
            // What setup's own project sees: the shell's OPENCLAW_* must not override .env.
            env: { ...setupEnv, OPENCLAW_GATEWAY_TOKEN: first.token },
          });
          metrics.push(
            metric('setup_first_ms', 'setup, first run (image given)', ms, 'ms', {
              detail: 'onboard, up, wait for healthy',
            }),
          );
        },
        [metric('setup_first_ms', 'setup, first run (image given)', null, 'ms')],
      );
    }

    if (stack) {
      await phase(
        'compose up -d to healthy',
        async () => {
          const downStarted = performance.now();
          await stack.down({ signal });
          const downMs = performance.now() - downStarted;
          const started = performance.now();
          await stack.up({ services: [GATEWAY], detach: true, noBuild: true, signal });
          const upMs = performance.now() - started;
          const [gateway] = (await engine.findStackContainers(docker, project, { signal })).filter(
            (/** @type {{ service: string, oneOff: boolean }} */ c) =>
              c.service === GATEWAY && !c.oneOff,
          );
          if (!gateway) throw new Error('the gateway container is missing after compose up -d');
          const [healthzMs, healthyMs] = await Promise.all([
            engine
              .waitForHttp(`http://127.0.0.1:${port}/healthz`, {
                timeoutMs: 60_000,
                intervalMs: 25,
                signal,
              })
              .then(() => performance.now() - started),
            engine
              .waitForHealthy(docker, gateway.id, { timeoutMs: 120_000, pollMs: 100, signal })
              .then(() => performance.now() - started),
          ]);
          data.upToHealthy = { downMs, upMs, healthzMs, healthyMs };
          metrics.push(
            metric('compose_down_ms', 'compose down', downMs, 'ms'),
            metric('compose_up_call_ms', 'compose up -d returns', upMs, 'ms', {
              detail: compose.command.join(' '),
            }),
            metric('up_to_healthz_ms', 'compose up -d to /healthz 200', healthzMs, 'ms', {
              detail: 'published port, from the host',
            }),
            metric('up_to_healthy_ms', 'compose up -d to container healthy', healthyMs, 'ms', {
              detail: 'first probe waits one healthcheck interval',
            }),
          );
        },
        [
          metric('up_to_healthz_ms', 'compose up -d to /healthz 200', null, 'ms'),
          metric('up_to_healthy_ms', 'compose up -d to container healthy', null, 'ms'),
        ],
      );

      await phase(
        'setup re-run',
        async () => {
          /** @type {number[]} */
          const runs = [];
          for (let i = 0; i < plan.setupReruns; i++) {
            const started = performance.now();
            const again = await runSetup();
            runs.push(performance.now() - started);
            if (again.token !== first.token || again.imageRebuilt)
              throw new Error('the re-run was not idempotent (token changed or image rebuilt)');
          }
          data.setupReruns = runs;
          metrics.push(
            metric('setup_rerun_ms', 'setup re-run (nothing changed)', median(runs), 'ms', {
              detail: `median of ${runs.length}; same token, no rebuild`,
            }),
          );
        },
        [metric('setup_rerun_ms', 'setup re-run (nothing changed)', null, 'ms')],
      );
    }
  } finally {
    log('docker: cleaning up...');
    const leftovers = await cleanup({ docker, engine, stack, project, work, tags, log });
    if (leftovers.length > 0) errors.push(`cleanup: ${leftovers.join('; ')}`);
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
  if (interrupted) process.kill(process.pid, interrupted);
  return result();
}
