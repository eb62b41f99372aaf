// @ts-check
/**
 * Sandbox bench: commands through the whole path an agent's `exec` takes when sandboxed — the
 * SandboxTarget (tool side) → SandboxClient over HTTP with the secret → an in-process sandboxd
 * (runSandboxd on a free port) → DockerSandboxEngine → the real engine → the container. Plans come
 * from `resolveSandboxPlan` with a sandbox config (mode `all`, scope `session`, access `none`),
 * and the sandbox folder is seeded as a run does, so the containers are the hardened ones users
 * get. Figures: warm exec round trip, cold create+start+first exec on a fresh scope key, sessions
 * executing at once, and the same work through the docker CLI for scale. The project's
 * TypeScript is loaded through tsx (as the docker section does). Every container is named
 * `openclaw-it-<run id>-…` (the tests' `t<pid36>p<hex>` run id) and removed at the end; what a
 * killed run leaves is removed by the test setup's sweep of dead runs.
 */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { tsImport } from 'tsx/esm/api';
import { firstLine } from './docker-support.mjs';
import { freePort } from './gateway-process.mjs';
import { environmentInfo, metric } from './report.mjs';
import { median, summarize } from './stats.mjs';

/** @typedef {import('./report.mjs').Metric} Metric */
/** @typedef {import('./report.mjs').SectionResult} SectionResult */

export const TARGETS = { warmExecP50Ms: 30, coldMs: 600 };
const IMAGES = ['openclaw-sandbox:bookworm-slim', 'openclaw-base/debian:bookworm-slim'];
const FULL = { warmup: 5, warm: 100, cold: 3, sessions: 20, cliExec: 20, cliCreate: 3 };
const QUICK = { warmup: 2, warm: 10, cold: 1, sessions: 5, cliExec: 5, cliCreate: 1 };

/** The project's modules the path is made of, loaded once. */
async function loadProjectCode() {
  const from = import.meta.url;
  const [service, config, target] = await Promise.all([
    tsImport('../../gateway/sandbox/service/index.ts', from),
    tsImport('../../gateway/sandbox/config/index.ts', from),
    tsImport('../../gateway/tools/sandbox-target.ts', from),
  ]);
  return { service, config, target };
}

/**
 * @param {string[]} args
 * @returns {Promise<string>}
 */
function docker(args) {
  return new Promise((resolve, reject) => {
    execFile('docker', args, { timeout: 60_000 }, (err, stdout, stderr) => {
      if (err) reject(new Error(`docker ${args[0]}: ${stderr.trim() || err.message}`));
      else resolve(stdout);
    });
  });
}

/** @param {() => Promise<unknown>} fn */
async function timed(fn) {
  const t = performance.now();
  await fn();
  return performance.now() - t;
}

/**
 * Runs `command` as the exec tool does (spawn, wait for the exit) and fails on a non-zero exit.
 * @param {any} target SandboxTarget
 * @param {string} command
 */
async function runCommand(target, command) {
  const handle = await target.spawn(command);
  /** @type {Buffer[]} */
  const err = [];
  handle.stderr.on('data', (/** @type {Buffer} */ c) => err.push(c));
  handle.stdout.resume();
  const exit = await handle.exit;
  if (exit.code !== 0)
    throw new Error(
      `"${command}" in the sandbox exited ${exit.code ?? exit.signal}: ${Buffer.concat(err).toString().trim()}`,
    );
}

/**
 * @param {{ quick?: boolean, log?: (line: string) => void }} options
 * @returns {Promise<SectionResult>}
 */
export async function runSandboxBench(options) {
  const plan = options.quick ? QUICK : FULL;
  const log = options.log ?? (() => {});
  const startedAt = new Date();
  const t0 = performance.now();
  /** @type {Metric[]} */
  const metrics = [];
  /** @type {string[]} */
  const errors = [];
  /** @type {Record<string, unknown>} */
  const data = { plan, targets: TARGETS, errors };
  const result = () => ({
    section: 'sandbox',
    startedAt: startedAt.toISOString(),
    durationMs: performance.now() - t0,
    environment: { ...environmentInfo(), quick: Boolean(options.quick) },
    metrics,
    data,
    ...(errors.length > 0 ? { error: errors.map((e) => e.split('\n')[0]).join('; ') } : {}),
  });
  /** @param {string} reason */
  const skip = (reason) => {
    log(`sandbox: SKIPPED: ${reason}`);
    data.skipped = reason;
    metrics.push(metric('skipped', `SKIPPED: ${reason}`, null, ''));
    return result();
  };

  try {
    await docker(['version', '--format', '{{.Server.Version}}']).then((v) => {
      data.engine = v.trim();
    });
  } catch (err) {
    return skip(`no Docker engine (${firstLine(err)})`);
  }
  /** @type {string | undefined} */
  let image;
  for (const candidate of IMAGES) {
    const found = await docker(['image', 'inspect', '--format', '{{.Id}}', candidate]).then(
      () => true,
      () => false,
    );
    if (found) {
      image = candidate;
      break;
    }
  }
  if (!image)
    return skip(
      `no sandbox image (${IMAGES.join(' / ')}; run scripts/sandbox-setup.sh or scripts/make-base-images.sh)`,
    );
  data.image = image;

  const { service, config, target: targetModule } = await loadProjectCode();
  // The tests' run id format, so `sweepDeadTestRuns` recognises the names once this pid is gone.
  const runId = `t${process.pid.toString(36)}p${randomBytes(3).toString('hex')}`;
  const prefix = `openclaw-it-${runId}-`;
  data.runId = runId;
  const work = await fs.mkdtemp(path.join(os.tmpdir(), 'openclaw-bench-sandbox-'));
  const stateDir = path.join(work, 'state');
  const agentWorkspace = path.join(work, 'workspace');
  await fs.mkdir(agentWorkspace, { recursive: true });
  const openclawConfig = {
    agents: {
      defaults: {
        workspace: agentWorkspace,
        sandbox: {
          mode: 'all',
          scope: 'session',
          workspaceAccess: 'none',
          docker: { image, containerPrefix: prefix },
        },
      },
    },
  };
  const secret = randomBytes(24).toString('hex');
  const sandboxd = await service.runSandboxd({
    port: await freePort(),
    host: '127.0.0.1',
    secret,
    images: [image],
    pathMap: [],
    stateDir,
  });
  const client = new service.SandboxClient({ url: sandboxd.url, secret });

  /**
   * What a sandboxed run does before its first tool call: plan, seed, ensure; then its target.
   * @param {string} sessionKey
   */
  const openSession = async (sessionKey) => {
    const sandboxPlan = config.resolveSandboxPlan({
      config: openclawConfig,
      agentId: 'main',
      sessionKey,
      paths: { home: work, stateDir },
      workspaceFor: () => agentWorkspace,
    });
    if (!sandboxPlan) throw new Error(`no sandbox plan for ${sessionKey}`);
    await config.seedSandboxWorkspace({
      sandboxDir: sandboxPlan.workspaceDir,
      agentWorkspaceDir: sandboxPlan.agentWorkspaceDir,
      skipBootstrap: true,
    });
    await client.ensure(sandboxPlan);
    return new targetModule.SandboxTarget(client, sandboxPlan);
  };

  const cliName = `${prefix}cli`;
  try {
    log(`sandbox: image ${image}; warm exec (${plan.warmup} warm-ups, ${plan.warm} runs)...`);
    try {
      const target = await openSession('agent:main:bench-warm');
      for (let i = 0; i < plan.warmup; i++) await runCommand(target, 'true');
      /** @type {number[]} */
      const samples = [];
      for (let i = 0; i < plan.warm; i++)
        samples.push(await timed(() => runCommand(target, 'true')));
      const warm = summarize(samples);
      data.warmExec = warm;
      metrics.push(
        metric('sandbox_warm_exec_p50_ms', 'warm exec round trip p50 (`true`)', warm.p50, 'ms', {
          target: { op: '<', value: TARGETS.warmExecP50Ms },
          detail: `${warm.n} sequential; each command goes to the container's resident runner (no Docker exec per command), in sh -lc`,
        }),
        metric('sandbox_warm_exec_p99_ms', 'warm exec round trip p99', warm.p99, 'ms', {
          detail: `p90 ${warm.p90.toFixed(1)} ms, max ${warm.max.toFixed(1)} ms`,
        }),
      );
    } catch (err) {
      errors.push(`warm exec: ${err instanceof Error ? err.message : String(err)}`);
    }

    log(`sandbox: cold create+start+first exec (${plan.cold})...`);
    try {
      /** @type {number[]} */
      const cold = [];
      for (let i = 0; i < plan.cold; i++) {
        cold.push(
          await timed(async () =>
            runCommand(await openSession(`agent:main:bench-cold-${i}`), 'true'),
          ),
        );
      }
      data.cold = summarize(cold);
      metrics.push(
        metric('sandbox_cold_ms', 'cold create+start+first exec', median(cold), 'ms', {
          target: { op: '<', value: TARGETS.coldMs },
          detail: `median of ${cold.length}, each a fresh session scope key (plan, seed, ensure, exec)`,
        }),
      );
    } catch (err) {
      errors.push(`cold: ${err instanceof Error ? err.message : String(err)}`);
    }

    log(`sandbox: ${plan.sessions} sessions executing at once...`);
    try {
      /** @type {any[]} */
      const targets = [];
      const ensureMs = await timed(async () => {
        for (let i = 0; i < plan.sessions; i++)
          targets.push(await openSession(`agent:main:bench-many-${i}`));
      });
      data.sessionsEnsureMs = ensureMs;
      // Each session's first command was not run yet: warm them so the figure is the concurrency.
      for (const t of targets) await runCommand(t, 'true');
      /** @type {number[]} */
      const each = [];
      const wall = await timed(() =>
        Promise.all(
          targets.map(async (t) => {
            each.push(await timed(() => runCommand(t, 'true')));
          }),
        ),
      );
      const per = summarize(each);
      data.sessions = { wallMs: wall, perCommand: per };
      metrics.push(
        metric(
          'sandbox_sessions_wall_ms',
          `${plan.sessions} sessions executing at once, wall`,
          wall,
          'ms',
          {
            detail: `one \`true\` each in its own container (session scope), all started together`,
          },
        ),
        metric('sandbox_sessions_p50_ms', `… per command p50`, per.p50, 'ms', {
          detail: `p90 ${per.p90.toFixed(1)} ms`,
        }),
        metric('sandbox_sessions_p90_ms', `… per command p90`, per.p90, 'ms'),
      );
    } catch (err) {
      errors.push(`sessions: ${err instanceof Error ? err.message : String(err)}`);
    }

    log(`sandbox: ${plan.sessions} commands at once in one shared container...`);
    try {
      // As the sessions of one agent share its container (agent scope): one runner serves all.
      const shared = await openSession('agent:main:bench-warm');
      /** @type {number[]} */
      const each = [];
      const wall = await timed(() =>
        Promise.all(
          Array.from({ length: plan.sessions }, async () => {
            each.push(await timed(() => runCommand(shared, 'true')));
          }),
        ),
      );
      const per = summarize(each);
      data.sharedContainer = { wallMs: wall, perCommand: per };
      metrics.push(
        metric(
          'sandbox_shared_wall_ms',
          `${plan.sessions} commands at once in one container, wall`,
          wall,
          'ms',
          {
            detail: `one \`true\` each, all started together, as sessions sharing an agent's container; per command p50 ${per.p50.toFixed(1)} ms, p90 ${per.p90.toFixed(1)} ms`,
          },
        ),
      );
    } catch (err) {
      errors.push(`shared container: ${err instanceof Error ? err.message : String(err)}`);
    }

    log('sandbox: the docker CLI for scale...');
    try {
      await docker([
        'run',
        '-d',
        '--name',
        cliName,
        '--network',
        'none',
        image,
        'sleep',
        'infinity',
      ]);
      for (let i = 0; i < 2; i++) await docker(['exec', cliName, 'true']);
      /** @type {number[]} */
      const exec = [];
      for (let i = 0; i < plan.cliExec; i++)
        exec.push(await timed(() => docker(['exec', cliName, 'true'])));
      /** @type {number[]} */
      const create = [];
      for (let i = 0; i < plan.cliCreate; i++) {
        const name = `${prefix}cli-create-${i}`;
        create.push(
          await timed(async () => {
            await docker([
              'create',
              '--name',
              name,
              '--network',
              'none',
              image,
              'sleep',
              'infinity',
            ]);
            await docker(['start', name]);
          }),
        );
        await docker(['rm', '-f', name]);
      }
      // The floor under the sandbox path: the same three Engine API calls it makes per command
      // (exec create, start attached, inspect for the exit code), straight from this process.
      const { default: Dockerode } = await import('dockerode');
      const container = new Dockerode().getContainer(cliName);
      /** @param {string[]} Cmd */
      const bareExec = (Cmd) =>
        timed(async () => {
          const exec = await container.exec({ Cmd, AttachStdout: true, AttachStderr: true });
          const stream = await exec.start({ hijack: true, stdin: false });
          stream.resume();
          await new Promise((resolve) => stream.once('end', resolve).once('close', resolve));
          await exec.inspect();
        });
      /** @type {number[]} */
      const api = [];
      /** @type {number[]} */
      const apiLogin = [];
      // Alternated, so a change in the machine's load weighs on both alike.
      for (let i = 0; i < plan.cliExec + 2; i++) {
        const bare = await bareExec(['true']);
        const login = await bareExec(['/bin/sh', '-lc', 'true']);
        if (i < 2) continue;
        api.push(bare);
        apiLogin.push(login);
      }
      // Say in the warm row what the runner saves: a Docker exec per command costs this much alone.
      const warmRow = metrics.find((m) => m.id === 'sandbox_warm_exec_p50_ms');
      if (warmRow)
        warmRow.detail += `; a bare Engine API exec, what each command cost without the runner, is ${median(api).toFixed(0)} ms here (${median(apiLogin).toFixed(0)} ms in sh -lc)`;
      data.cli = {
        exec: summarize(exec),
        create: summarize(create),
        engineApiExec: summarize(api),
        engineApiLoginShellExec: summarize(apiLogin),
      };
      metrics.push(
        metric('cli_docker_exec_p50_ms', '`docker exec … true` (CLI) p50', median(exec), 'ms', {
          detail: `${exec.length} calls; for scale (a CLI process each)`,
        }),
        metric(
          'engine_api_exec_p50_ms',
          'Engine API exec of `true` (direct) p50',
          median(api),
          'ms',
          {
            detail: `${api.length} calls: exec create + start + inspect from this process, no shell, no sandboxd`,
          },
        ),
        metric(
          'engine_api_login_exec_p50_ms',
          'Engine API exec of `sh -lc true` (direct) p50',
          median(apiLogin),
          'ms',
          { detail: 'the login shell the sandbox runs every command in, without our layers' },
        ),
        metric(
          'cli_docker_create_start_ms',
          '`docker create` + `start` (CLI)',
          median(create),
          'ms',
          {
            detail: `median of ${create.length}; for scale`,
          },
        ),
      );
    } catch (err) {
      errors.push(`docker CLI: ${err instanceof Error ? err.message : String(err)}`);
    }
  } finally {
    log('sandbox: removing the bench containers...');
    const names = (await docker(['ps', '-aq', '--filter', `name=^${prefix}`]).catch(() => ''))
      .split('\n')
      .filter(Boolean);
    if (names.length > 0)
      await docker(['rm', '-f', ...names]).catch((err) =>
        errors.push(`cleanup: ${firstLine(err)}`),
      );
    await sandboxd.close();
    await fs.rm(work, { recursive: true, force: true });
  }
  return result();
}
