/**
 * The Docker setup flow of OpenClaw's guide, as a library: validate inputs, build (or reuse) the
 * image, write `.env` and the generated extra compose file, fix config-dir ownership for uid 1000,
 * onboard through the image, start the stack and wait until it is healthy. `./docker-setup.sh`
 * calls it now; the desktop app calls the same code later. Re-running is idempotent: the token is
 * reused, paired devices stay paired, only what changed is rebuilt or recreated.
 */
import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import type Dockerode from 'dockerode';
import { writeFileAtomic } from '../../gateway/infra/atomic-write.js';
import {
  ErrorCode,
  OpenClawError,
  errorMessage,
  systemErrorCode,
} from '../../gateway/infra/errors.js';
import { shippedPackagesFrom, stageBuildContext } from '../build-context.js';
import {
  buildImage,
  ComposeProject,
  createDockerClient,
  detectCompose,
  findStackContainers,
  imageInfo,
  pingEngine,
  removeStaleContainers,
  tagImage,
  waitForHealthy,
  waitForHttp,
  waitForOrigins,
  type BuildProgressEvent,
  type ComposeCommand,
  type StepLabelRule,
} from '../engine/index.js';
import {
  ENV_FILE_MODE,
  readEnvFile,
  stackEnvValues,
  upsertEnvFile,
  upsertEnvText,
  withoutManagedEnv,
} from '../stack/env-file.js';
import { isGeneratedExtraCompose, writeExtraCompose } from '../stack/extra-compose.js';
import { formatSetupInputProblems, parseSetupInputs, type SetupInputs } from '../stack/inputs.js';
import {
  isLoopbackPublish,
  lanOrigins,
  localProbeHost,
  systemInterfaces,
  type InterfaceSource,
} from '../stack/publish-address.js';
import { composeFiles, seedHostDirs, stackFiles, type StackFiles } from '../stack/stack-dir.js';
import { resolveSetupToken, type SetupTokenSource } from '../stack/token.js';
import { buildSandboxImage, type BuildSandboxImageResult } from '../sandbox/sandbox-images.js';
import {
  prepareSandbox,
  sandboxEnvUpdate,
  type SandboxPlan,
  type SandboxSetupResult,
} from './sandbox-step.js';
import {
  applySandboxSetting,
  SETUP_SANDBOX_DEFAULTS,
  type SetupSandboxPolicy,
} from './sandbox-config.js';
import { writeSandboxCompose } from '../stack/sandbox-compose.js';
import { resolveNodeBase, type NodeBaseChoice } from './base-image.js';
import {
  APT_LABEL,
  BUILT_AS_LABEL,
  BUNDLE_LABEL,
  previousTagOf,
  pruneGatewayImages,
} from './image-retention.js';

export const GATEWAY_SERVICE = 'openclaw-gateway';
export const CLI_SERVICE = 'openclaw-cli';
export const PROJECT_NAME = 'openclaw';
export const CONTAINER_PORT = 18789;

export type SetupPhase =
  | 'validate'
  | 'engine'
  | 'files'
  | 'image'
  | 'permissions'
  | 'onboard'
  | 'start'
  | 'health'
  | 'done';

export type SetupEvent =
  | { kind: 'phase'; phase: SetupPhase; message: string }
  | { kind: 'build'; event: BuildProgressEvent }
  | { kind: 'log'; text: string }
  | { kind: 'warning'; text: string };

export interface SetupOptions {
  /** The compose project folder: holds docker-compose.yml; `.env` and the extra file go here. */
  stackDir: string;
  /** Setup inputs (OPENCLAW_* variables) — usually process.env. */
  env: Readonly<Record<string, string | undefined>>;
  /** dist/gateway of this checkout (the image is built from it unless OPENCLAW_IMAGE is given). */
  bundleDir: string;
  controlUiDir?: string | null;
  /** `docker build --network host` (reaches the package mirror on engines without bridge egress). */
  buildNetworkHost?: boolean;
  healthTimeoutMs?: number;
  signal?: AbortSignal;
  onEvent?: (event: SetupEvent) => void;
  docker?: Dockerode;
  compose?: ComposeCommand;
  /** Compose project name (default "openclaw"; tests use their own so a real stack is never touched). */
  projectName?: string;
  /** Build the image under this tag instead of openclaw:local (tests, side-by-side installs). */
  buildTag?: string;
  /** The gateway Dockerfile (default: docker/gateway.Dockerfile next to this library). */
  dockerfilePath?: string;
  /**
   * A `node_modules`-shaped folder holding the packages the image ships beside the bundle
   * (playwright-core); default this checkout's node_modules. The packaged app passes its own.
   */
  shippedPackagesDir?: string;
  /** More browser origins the gateway must accept (the desktop app's own UI, e.g. the headless host). */
  extraAllowedOrigins?: readonly string[];
  /** This host's network interfaces (LAN origins, publish address check); default the OS's. */
  interfaces?: InterfaceSource;
  /** Build the agent sandbox image under this tag instead of openclaw-sandbox:bookworm-slim (tests). */
  sandboxImageTag?: string;
  /** The folder of the sandbox Dockerfiles (default docker/sandbox next to this library). */
  sandboxRecipeDir?: string;
  /**
   * Mode, scope and workspace access written when the sandbox is on (default non-main / agent /
   * none, as the terminal flow sets them); the app passes the user's choice.
   */
  sandboxPolicy?: SetupSandboxPolicy;
}

export interface SetupResult {
  inputs: SetupInputs;
  token: string;
  tokenSource: SetupTokenSource;
  dashboardUrl: string;
  /** Addresses other devices use (`http://<ip>:<port>/`); empty when published on loopback. */
  lanUrls: string[];
  imageId: string;
  imageRebuilt: boolean;
  /** The base the image was built FROM (only when it was built now). */
  nodeBase?: NodeBaseChoice;
  /** Containers removed before `up` because their image had been deleted (data kept). */
  staleContainersRemoved: string[];
  /** Older builds of this image removed after the gateway came up (current + previous kept). */
  imagesPruned: number;
  extraComposeAction: string;
  composeFiles: string[];
  composeKind: 'v1' | 'v2';
  projectName: string;
  /** The agent sandbox (OPENCLAW_SANDBOX): on or off, and what this run changed for it. */
  sandbox: SandboxSetupResult;
}

/** Everything but the image and the engine: used to refuse bad input before anything is written. */
export function validateSetupInputs(
  env: SetupOptions['env'],
  interfaces?: InterfaceSource,
): SetupInputs {
  const parsed = parseSetupInputs(env, { interfaces });
  if (!parsed.ok) {
    throw new OpenClawError(
      ErrorCode.INVALID_ARGUMENT,
      `Setup inputs are invalid; nothing was changed.\n${formatSetupInputProblems(parsed.errors)}`,
      {
        exitCode: 2,
        details: { problems: parsed.errors },
      },
    );
  }
  return parsed.value;
}

/** Content hash of the bundle (not mtimes: a rebuild with identical output keeps the image). */
export async function bundleStamp(bundleDir: string, controlUiDir?: string): Promise<string> {
  const entry = path.join(bundleDir, 'openclaw.mjs');
  if (!(await fs.stat(entry).catch(() => undefined))) {
    throw new OpenClawError(
      ErrorCode.BUNDLE_MISSING,
      `The gateway bundle is missing (${entry}). Run \`npm run build\` first, or set OPENCLAW_IMAGE to an existing image.`,
    );
  }
  const hash = createHash('sha256');
  const walk = async (dir: string): Promise<void> => {
    const entries = (await fs.readdir(dir, { withFileTypes: true })).sort((a, b) =>
      a.name.localeCompare(b.name),
    );
    for (const item of entries) {
      const full = path.join(dir, item.name);
      if (item.isDirectory()) await walk(full);
      else if (item.isFile() && !item.name.endsWith('.map')) {
        hash
          .update(path.relative(bundleDir, full))
          .update('\0')
          .update(await fs.readFile(full));
      }
    }
  };
  await walk(bundleDir);
  if (controlUiDir && (await fs.stat(controlUiDir).catch(() => undefined))?.isDirectory()) {
    hash.update('\0control-ui\0');
    await walk(controlUiDir);
  }
  return hash.digest('hex').slice(0, 16);
}

export function dashboardUrl(port: number, token: string, host = '127.0.0.1'): string {
  return `http://${host}:${port}/#token=${encodeURIComponent(token)}`;
}

/**
 * The browser origins the gateway must accept: this computer's own, then — when the port is
 * published beyond loopback — `http://<lan ip>:<port>` of every address other devices use (the
 * gateway checks Origin against gateway.controlUi.allowedOrigins), then the caller's extras.
 */
export function setupAllowedOrigins(
  inputs: Pick<SetupInputs, 'gatewayPort' | 'publishAddress'>,
  interfaces: InterfaceSource,
  extra: readonly string[] = [],
): string[] {
  const origins = [
    `http://127.0.0.1:${inputs.gatewayPort}`,
    `http://localhost:${inputs.gatewayPort}`,
    ...lanOrigins(inputs.publishAddress, inputs.gatewayPort, interfaces()),
    ...extra,
  ];
  return [...new Set(origins)];
}

export async function runSetup(options: SetupOptions): Promise<SetupResult> {
  const emit = options.onEvent ?? (() => {});
  const phase = (p: SetupPhase, message: string) => emit({ kind: 'phase', phase: p, message });
  const signal = options.signal;

  phase('validate', 'Checking the setup inputs');
  const interfaces = options.interfaces ?? systemInterfaces;
  const parsedInputs = validateSetupInputs(options.env, interfaces);
  const inputs = options.buildTag ? { ...parsedInputs, image: options.buildTag } : parsedInputs;
  // OPENCLAW_SANDBOX and the socket: refused here, before anything is built or written.
  const sandbox = await prepareSandbox(options.env);

  phase('engine', 'Connecting to the Docker engine');
  const docker = options.docker ?? createDockerClient({ env: options.env as NodeJS.ProcessEnv });
  const ping = await pingEngine(docker, signal);
  if (!ping.ok) throw ping.error;
  const compose =
    options.compose ?? (await detectCompose({ env: options.env as NodeJS.ProcessEnv }));

  // The image is built BEFORE `.env` and the extra compose file are written: a failed build
  // (a misspelt apt package) must leave the files saying what runs now, because a terminal
  // `docker compose` reads them. Later failures put the previous files back (see below).
  const files = stackFiles(options.stackDir);
  const token = await resolveSetupToken({
    env: options.env,
    configPath: path.join(inputs.configDir, 'openclaw.json'),
    envFilePath: files.envFile,
  });
  // Re-runs keep the project name already in .env (a second stack on the same port would clash).
  const existingEnv = await readEnvFile(files.envFile).catch(() => new Map<string, string>());
  const projectName =
    options.projectName ?? (existingEnv.get('COMPOSE_PROJECT_NAME') || PROJECT_NAME);
  const sandboxEnv = sandboxEnvUpdate(sandbox, existingEnv);
  const stackValues = {
    ...stackEnvValues(inputs, token.token),
    COMPOSE_PROJECT_NAME: projectName,
    ...sandboxEnv.values,
  };
  // Refuse what the files cannot take before spending minutes on a build: a value `.env` cannot
  // hold, or a hand-written docker-compose.extra.yml (writeExtraCompose throws STACK_FILE_CONFLICT
  // for it without writing anything).
  upsertEnvText('', stackValues);
  const currentExtra = await readOptional(files.extraComposeFile);
  if (currentExtra !== undefined && !isGeneratedExtraCompose(currentExtra))
    await writeExtraCompose(options.stackDir, inputs);
  const currentSandbox = await readOptional(files.sandboxComposeFile);
  if (currentSandbox !== undefined && !isGeneratedExtraCompose(currentSandbox))
    await writeSandboxCompose(options.stackDir, sandbox);

  phase(
    'image',
    inputs.aptPackages.length
      ? `Building the image with ${inputs.aptPackages.join(', ')}`
      : 'Building the image',
  );
  const image = await ensureImage(docker, inputs, options, emit);
  let sandboxImage: BuildSandboxImageResult | undefined;
  if (sandbox.enabled) {
    phase('image', 'Building the agent sandbox image');
    sandboxImage = await buildSandboxImage(docker, {
      kind: 'sandbox',
      env: { OPENCLAW_BASE_IMAGE: inputs.baseImage },
      ...(options.sandboxImageTag ? { tag: options.sandboxImageTag } : {}),
      ...(options.sandboxRecipeDir ? { recipeDir: options.sandboxRecipeDir } : {}),
      networkHost: options.buildNetworkHost !== false,
      signal,
      onEvent: (event) =>
        emit(event.kind === 'build' ? { kind: 'build', event: event.event } : event),
    });
  }

  phase('files', 'Writing .env and the compose files');
  const previousFiles = await snapshotStackFiles(files);
  const started = { value: false };
  try {
    return await writeFilesAndStart({
      options,
      inputs,
      docker,
      compose,
      files,
      projectName,
      stackValues,
      token,
      image,
      started,
      interfaces,
      sandbox,
      sandboxEnvRemove: sandboxEnv.remove,
      sandboxImage,
    });
  } catch (err) {
    await rollBackStackFiles({
      options,
      docker,
      compose,
      projectName,
      previous: previousFiles,
      newValues: stackValues,
      containersChanged: started.value,
    });
    throw err;
  }
}

interface StackFileSnapshot {
  files: StackFiles;
  /** undefined: the file did not exist. */
  env: string | undefined;
  extra: string | undefined;
  sandbox: string | undefined;
}

async function readOptional(file: string): Promise<string | undefined> {
  try {
    return await fs.readFile(file, 'utf8');
  } catch (err) {
    if (systemErrorCode(err) === 'ENOENT') return undefined;
    throw err;
  }
}

async function snapshotStackFiles(files: StackFiles): Promise<StackFileSnapshot> {
  const [env, extra, sandbox] = await Promise.all([
    readOptional(files.envFile),
    readOptional(files.extraComposeFile),
    readOptional(files.sandboxComposeFile),
  ]);
  return { files, env, extra, sandbox };
}

async function restoreFile(file: string, text: string | undefined, mode: number): Promise<void> {
  if (text === undefined) await fs.rm(file, { force: true });
  else await writeFileAtomic(file, text, { mode, forceMode: true });
}

/**
 * Setup failed after the new `.env`/extra file were written: put the previous ones back so the
 * files (and a terminal `docker compose`) keep describing what was there before, and, when the
 * container had already been recreated from the new files, bring the stack back in line with the
 * old ones (recreate from them, or remove what a first install created). Best effort: the
 * original error is what the caller reports; what could not be undone is said in a warning.
 */
async function rollBackStackFiles(args: {
  options: SetupOptions;
  docker: Dockerode;
  compose: ComposeCommand;
  projectName: string;
  previous: StackFileSnapshot;
  newValues: Record<string, string>;
  containersChanged: boolean;
}): Promise<void> {
  const { options, previous } = args;
  const emit = options.onEvent ?? (() => {});
  const project = (env: NodeJS.ProcessEnv, files: string[]) =>
    new ComposeProject({
      compose: args.compose,
      projectDir: options.stackDir,
      files,
      projectName: args.projectName,
      docker: args.docker,
      env,
      onLine: (line) => emit({ kind: 'log', text: line }),
    });
  const baseEnv = withoutManagedEnv({ ...process.env, ...options.env } as NodeJS.ProcessEnv);
  try {
    if (args.containersChanged && previous.env === undefined) {
      // A first install that failed: remove its containers while the new files still describe them.
      await project({ ...baseEnv, ...args.newValues }, await composeFiles(options.stackDir)).down({
        removeOrphans: true,
      });
    }
    await restoreFile(previous.files.envFile, previous.env, ENV_FILE_MODE);
    await restoreFile(previous.files.extraComposeFile, previous.extra, 0o644);
    await restoreFile(previous.files.sandboxComposeFile, previous.sandbox, 0o644);
    emit({
      kind: 'log',
      text: 'Setup failed: .env and the compose files were put back as they were',
    });
    if (args.containersChanged && previous.env !== undefined) {
      await project(baseEnv, await composeFiles(options.stackDir)).up({
        services: [GATEWAY_SERVICE],
        detach: true,
        noBuild: true,
        removeOrphans: true,
      });
      emit({ kind: 'log', text: 'The gateway was recreated with the previous settings' });
    }
  } catch (err) {
    emit({
      kind: 'warning',
      text: `Could not fully undo the failed setup (${errorMessage(err)}); check .env in ${options.stackDir} and run setup again.`,
    });
  }
}

async function writeFilesAndStart(ctx: {
  options: SetupOptions;
  inputs: SetupInputs;
  docker: Dockerode;
  compose: ComposeCommand;
  files: StackFiles;
  projectName: string;
  stackValues: Record<string, string>;
  token: Awaited<ReturnType<typeof resolveSetupToken>>;
  image: Awaited<ReturnType<typeof ensureImage>>;
  /** Set once compose may have touched the containers (what a rollback has to undo). */
  started: { value: boolean };
  interfaces: InterfaceSource;
  sandbox: SandboxPlan;
  /** `.env` keys to drop (the sandbox ones when sandboxing is off). */
  sandboxEnvRemove: readonly string[];
  sandboxImage: BuildSandboxImageResult | undefined;
}): Promise<SetupResult> {
  const { options, inputs, docker, compose, projectName, token, image, interfaces } = ctx;
  const emit = options.onEvent ?? (() => {});
  const phase = (p: SetupPhase, message: string) => emit({ kind: 'phase', phase: p, message });
  const signal = options.signal;
  await seedHostDirs(inputs);
  await upsertEnvFile(ctx.files.envFile, ctx.stackValues, { remove: ctx.sandboxEnvRemove });
  const extra = await writeExtraCompose(options.stackDir, inputs);
  // The overlay adds openclaw-sandboxd, which the gateway depends on: `up openclaw-gateway`
  // starts it, and with the overlay gone `--remove-orphans` removes it.
  const sandboxCompose = await writeSandboxCompose(options.stackDir, ctx.sandbox);
  const fileList = await composeFiles(options.stackDir);
  const project = new ComposeProject({
    compose,
    projectDir: options.stackDir,
    files: fileList,
    projectName,
    docker,
    // Compose prefers the process environment over `.env`, so the managed values go in as
    // written: a caller's own OPENCLAW_IMAGE (the desktop app's default openclaw:local while it
    // builds under another tag) must not make compose run, or try to pull, a different image.
    // The token in the environment also lets `run -e` pass it without a command line.
    env: { ...process.env, ...options.env, ...ctx.stackValues } as NodeJS.ProcessEnv,
    onLine: (line) => emit({ kind: 'log', text: line }),
  });

  phase('permissions', 'Making the config folder writable for the container user (uid 1000)');
  await fixConfigOwnership(docker, inputs, image.imageId, signal);

  phase('start', 'Starting the gateway');
  ctx.started.value = true;
  // A stopped container whose image was deleted makes compose v1 ask "Continue with the new
  // image? [yN]" on stdin (and stop), v2 warn: remove it first, keeping volumes and folders.
  const stale = await removeStaleContainers(docker, projectName, {
    signal,
    onRemoved: (_container, text) => emit({ kind: 'warning', text }),
  });
  await project.up({
    services: [GATEWAY_SERVICE],
    detach: true,
    noBuild: true,
    removeOrphans: true,
    signal,
  });

  phase('onboard', 'Writing the gateway config through the image (openclaw onboard)');
  const origins = setupAllowedOrigins(inputs, interfaces, options.extraAllowedOrigins);
  if (!isLoopbackPublish(inputs.publishAddress)) {
    emit({
      kind: 'warning',
      text: `The gateway port is published on ${inputs.publishAddress}: other devices on the network can reach it. The token is always required and new browsers still need approval.`,
    });
  }
  const onboarded = await project.run(
    CLI_SERVICE,
    [
      'onboard',
      '--non-interactive',
      '--accept-risk',
      '--mode',
      'local',
      '--gateway-port',
      String(CONTAINER_PORT),
      '--gateway-bind',
      inputs.gatewayBind,
      '--gateway-token-ref-env',
      'OPENCLAW_GATEWAY_TOKEN',
      '--skip-channels',
      '--skip-health',
      ...origins.flatMap((o) => ['--allowed-origin', o]),
    ],
    { rm: true, signal, passEnv: ['OPENCLAW_GATEWAY_TOKEN'] },
  );
  if (onboarded.code !== 0) {
    const tail = `${onboarded.stderr}\n${onboarded.stdout}`.trim().split('\n').slice(-8).join('\n');
    throw new OpenClawError(
      ErrorCode.COMPOSE_FAILED,
      `Onboarding inside the image failed (exit ${onboarded.code}):\n${tail}`,
    );
  }

  const policy = options.sandboxPolicy ?? SETUP_SANDBOX_DEFAULTS;
  const sandboxConfig = await applySandboxSetting(inputs.configDir, ctx.sandbox.enabled, policy);
  if (sandboxConfig !== 'unchanged') {
    emit({
      kind: 'log',
      text: ctx.sandbox.enabled
        ? `Agent sandbox on: agents.defaults.sandbox = ${policy.mode}, scope ${policy.scope}, workspace access ${policy.workspaceAccess}`
        : 'Agent sandbox off: agents.defaults.sandbox.mode = off (other sandbox settings kept)',
    });
  }

  phase('health', 'Waiting for the gateway to become healthy');
  const [gateway] = (await findStackContainers(docker, projectName, { signal })).filter(
    (c) => c.service === GATEWAY_SERVICE && !c.oneOff,
  );
  if (!gateway) {
    throw new OpenClawError(
      ErrorCode.CONTAINER_NOT_FOUND,
      'The gateway container did not start; see `docker compose logs openclaw-gateway`.',
    );
  }
  const probeHost = localProbeHost(inputs.publishAddress);
  // Ready means the gateway answers /readyz through the published port. Docker's own health
  // status lags by one healthcheck interval; a container that exits still fails fast here.
  const race = new AbortController();
  const onAbort = () => race.abort();
  signal?.addEventListener('abort', onAbort, { once: true });
  try {
    await Promise.race([
      waitForHealthy(docker, gateway.id, {
        timeoutMs: options.healthTimeoutMs ?? 120_000,
        signal: race.signal,
      }),
      waitForHttp(`http://${probeHost}:${inputs.gatewayPort}/readyz`, {
        timeoutMs: options.healthTimeoutMs ?? 120_000,
        signal: race.signal,
      }),
    ]);
  } finally {
    race.abort();
    signal?.removeEventListener('abort', onAbort);
  }
  await waitForHttp(`http://${probeHost}:${inputs.gatewayPort}/healthz`, {
    timeoutMs: 30_000,
    signal,
  });

  // Onboarding wrote the origins after the gateway started; it applies them on its next config
  // reload. Until then a browser on the new port or a LAN address would get 403.
  const originsLive = await waitForOrigins(`ws://${probeHost}:${inputs.gatewayPort}/`, origins, {
    signal,
  });
  if (!originsLive.ok) {
    emit({
      kind: 'warning',
      text: `The gateway does not accept Control UI pages from ${originsLive.refused.join(', ')} yet; if that stays, restart it (\`up -d --force-recreate openclaw-gateway\`).`,
    });
  }

  // Only once the new image runs: the image it replaced becomes `<repo>:previous` (what an
  // upgrade rolls back to) and this stack's older builds go — each is ~200 MB. Never fatal.
  let imagesPruned = 0;
  if (image.rebuilt) {
    try {
      if (image.replaced && image.replaced !== image.imageId)
        await tagImage(docker, image.replaced, previousTagOf(inputs.image));
      const pruned = await pruneGatewayImages(docker, inputs.image, {
        signal,
        onLog: (text) => emit({ kind: 'log', text }),
      });
      imagesPruned = pruned.removed.length;
    } catch (err) {
      emit({
        kind: 'warning',
        text: `Could not tidy up older gateway images (${errorMessage(err)}); they only take disk space.`,
      });
    }
  }

  phase('done', 'The gateway is running');
  return {
    inputs,
    token: token.token,
    tokenSource: token.source,
    dashboardUrl: dashboardUrl(inputs.gatewayPort, token.token, probeHost),
    lanUrls: isLoopbackPublish(inputs.publishAddress)
      ? []
      : lanOrigins(inputs.publishAddress, inputs.gatewayPort, interfaces()).map((o) => `${o}/`),
    imageId: image.imageId,
    imageRebuilt: image.rebuilt,
    imagesPruned,
    ...(image.base ? { nodeBase: image.base } : {}),
    staleContainersRemoved: stale.map((c) => c.name || c.id),
    extraComposeAction: extra.action,
    composeFiles: fileList,
    composeKind: compose.kind,
    projectName,
    sandbox: {
      enabled: ctx.sandbox.enabled,
      composeAction: sandboxCompose.action,
      configChange: sandboxConfig,
      ...(ctx.sandboxImage
        ? {
            image: ctx.sandboxImage.tag,
            imageRebuilt: ctx.sandboxImage.rebuilt,
            imageBuildMs: ctx.sandboxImage.durationMs,
          }
        : {}),
    },
  };
}

async function ensureImage(
  docker: Dockerode,
  inputs: SetupInputs,
  options: SetupOptions,
  emit: (event: SetupEvent) => void,
): Promise<{ imageId: string; rebuilt: boolean; base?: NodeBaseChoice; replaced?: string }> {
  const explicitImage = options.env.OPENCLAW_IMAGE?.trim();
  const existing = await imageInfo(docker, inputs.image).catch(() => undefined);
  if (explicitImage && explicitImage !== 'openclaw:local' && !options.buildTag) {
    if (existing) return { imageId: existing.id, rebuilt: false };
    // No registry may be reachable: say exactly how to get the image there.
    throw new OpenClawError(
      ErrorCode.IMAGE_NOT_FOUND,
      `Image ${explicitImage} is not on this engine. Load it first (\`docker load -i <file>\` or \`docker pull ${explicitImage}\`), or unset OPENCLAW_IMAGE to build openclaw:local.`,
    );
  }
  // The image carries the bundle and the Control UI: a change in either rebuilds it.
  const uiDir =
    options.controlUiDir === null
      ? undefined
      : (options.controlUiDir ?? path.join(options.bundleDir, '..', 'control-ui'));
  const stamp = await bundleStamp(options.bundleDir, uiDir);
  const apt = inputs.aptPackages.join(' ');
  if (existing && existing.labels[APT_LABEL] === apt && existing.labels[BUNDLE_LABEL] === stamp) {
    emit({ kind: 'log', text: `Image ${inputs.image} is up to date` });
    return { imageId: existing.id, rebuilt: false };
  }
  // The same choice ./docker-setup.sh and the app show the user: explicit, stock, local, or none.
  const base = await resolveNodeBase(
    docker,
    { OPENCLAW_NODE_IMAGE: inputs.nodeImage },
    { signal: options.signal },
  );
  emit({ kind: 'log', text: `Base image: ${base.summary}` });
  if (base.nextStep) emit({ kind: 'warning', text: `${base.summary} ${base.nextStep}` });
  const staged = await stageBuildContext({
    bundleDir: options.bundleDir,
    controlUiDir: options.controlUiDir,
    ...(options.dockerfilePath ? { dockerfilePath: options.dockerfilePath } : {}),
    ...(options.shippedPackagesDir
      ? { shippedPackages: shippedPackagesFrom(options.shippedPackagesDir) }
      : {}),
  });
  try {
    const buildArgs: Record<string, string> = {
      OPENCLAW_DOCKER_APT_PACKAGES: apt,
      NODE_IMAGE: base.image,
    };
    const result = await buildImage(docker, {
      contextDir: staged.dir,
      dockerfile: staged.dockerfile,
      tag: inputs.image,
      buildArgs,
      labels: { [APT_LABEL]: apt, [BUNDLE_LABEL]: stamp, [BUILT_AS_LABEL]: inputs.image },
      networkMode: options.buildNetworkHost === false ? undefined : 'host',
      signal: options.signal,
      onProgress: (event) => emit({ kind: 'build', event }),
      stepLabels: GATEWAY_STEP_LABELS,
    });
    return { imageId: result.imageId, rebuilt: true, base, replaced: existing?.id };
  } finally {
    await staged.dispose();
  }
}

/**
 * Names for the steps of docker/gateway.Dockerfile that the generic describer can only call
 * "Copying app/ into /app/" or "Running mkdir -p …"; the rest (apt packages, base image) it names.
 */
export const GATEWAY_STEP_LABELS: readonly StepLabelRule[] = [
  { match: /^COPY\s+app\/?\s/, label: 'Copying the gateway and the Control UI' },
  {
    match: /^RUN\s+mkdir -p \/home\/node\/\.openclaw/,
    label: 'Preparing the node user (state folder, openclaw command)',
  },
  { match: /^ENV\s+HOME=/, label: 'Setting the environment (home, state and browser folders)' },
];

/**
 * The container runs as uid 1000; a config folder created by another user is not writable for it
 * (the classic EACCES on /home/node/.openclaw). A short root one-shot, with no network and only
 * the config folder mounted, fixes ownership — never the workspace or the extra mounts.
 */
async function fixConfigOwnership(
  docker: Dockerode,
  inputs: SetupInputs,
  imageId: string,
  signal?: AbortSignal,
): Promise<void> {
  if (process.platform !== 'linux') return; // Docker Desktop maps ownership itself
  const [config, workspace] = await Promise.all([
    fs.stat(inputs.configDir),
    fs.stat(inputs.workspaceDir),
  ]);
  if (config.uid === 1000 && workspace.uid === 1000) return;
  const script =
    'find /cfg -xdev \\( -path /cfg/workspace -prune \\) -o -exec chown 1000:1000 {} + && chown 1000:1000 /cfg /ws';
  const container = await docker.createContainer({
    Image: imageId,
    User: '0',
    Entrypoint: ['sh', '-c'],
    Cmd: [script],
    Labels: { 'org.openclaw.desktop.oneshot': 'chown' },
    NetworkDisabled: true,
    HostConfig: {
      AutoRemove: false,
      NetworkMode: 'none',
      CapDrop: ['ALL'],
      CapAdd: ['CHOWN', 'FOWNER', 'DAC_OVERRIDE'],
      // The workspace is the user's folder: only its top level changes owner, never its content.
      // Mounts, not Binds strings: a Windows drive letter or a colon in a path stays unambiguous.
      Mounts: [
        { Type: 'bind', Source: inputs.configDir, Target: '/cfg' },
        { Type: 'bind', Source: inputs.workspaceDir, Target: '/ws' },
      ],
    },
  });
  try {
    await container.start();
    const result = (await container.wait({ abortSignal: signal })) as { StatusCode: number };
    if (result.StatusCode !== 0) {
      throw new OpenClawError(
        ErrorCode.STATE_WRITE_FAILED,
        `Could not make ${inputs.configDir} writable for uid 1000 (exit ${result.StatusCode}). Run: sudo chown -R 1000:1000 "${inputs.configDir}"`,
      );
    }
  } catch (err) {
    if (err instanceof OpenClawError) throw err;
    throw new OpenClawError(
      ErrorCode.STATE_WRITE_FAILED,
      `Could not fix ownership of ${inputs.configDir}: ${errorMessage(err)}`,
      { cause: err },
    );
  } finally {
    await container.remove({ force: true }).catch(() => {});
  }
}
